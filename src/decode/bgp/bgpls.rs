//! BGP-LS NLRI values (RFC 9552 / RFC 7752 §3.2): protocol ID (1), identifier (8), then
//! descriptor TLVs (type 2, length 2), which are checked to frame but kept raw. Decoded from the
//! borrowed `NlriKind::BgpLs` value without allocating.

use crate::decode::Problem;

/// A decoded BGP-LS NLRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BgpLsNlri<'a> {
    /// NLRI types 1-6: node, link, IPv4/IPv6 topology prefix, SR Policy candidate path,
    /// SRv6 SID.
    Known {
        /// NLRI type.
        nlri_type: u16,
        /// Protocol ID.
        protocol_id: u8,
        /// Identifier (routing universe).
        identifier: u64,
        /// Descriptor TLVs, raw.
        descriptors: &'a [u8],
    },
    /// Any other NLRI type: kept raw.
    Other {
        /// NLRI type.
        nlri_type: u16,
        /// Value.
        value: &'a [u8],
    },
}

/// Name of a BGP-LS NLRI type.
pub fn nlri_type_name(t: u16) -> &'static str {
    match t {
        1 => "node",
        2 => "link",
        3 => "ipv4_prefix",
        4 => "ipv6_prefix",
        5 => "sr_policy",
        6 => "srv6_sid",
        _ => "unknown",
    }
}

/// Name of a BGP-LS protocol ID.
pub fn protocol_name(p: u8) -> &'static str {
    match p {
        1 => "isis_l1",
        2 => "isis_l2",
        3 => "ospfv2",
        4 => "direct",
        5 => "static",
        6 => "ospfv3",
        7 => "bgp",
        8 => "rsvp_te",
        9 => "segment_routing",
        _ => "unknown",
    }
}

/// Decodes the value of a BGP-LS NLRI of `nlri_type` (after the route distinguisher for
/// SAFI 72). Types 1-6 need the protocol ID and identifier and descriptor TLVs that frame
/// exactly; type 0 (reserved) is invalid; other types are returned raw.
pub fn decode(nlri_type: u16, value: &[u8]) -> Result<BgpLsNlri<'_>, Problem> {
    if nlri_type == 0 {
        return Err(Problem::Invalid {
            what: "BGP-LS NLRI type",
            value: 0,
        });
    }
    if !(1..=6).contains(&nlri_type) {
        return Ok(BgpLsNlri::Other { nlri_type, value });
    }
    let Some((&protocol_id, rest)) = value.split_first() else {
        return Err(Problem::Truncated {
            what: "BGP-LS protocol ID",
            needed: 1,
            available: 0,
        });
    };
    let Some((id, descriptors)) = rest.split_first_chunk::<8>() else {
        return Err(Problem::Truncated {
            what: "BGP-LS identifier",
            needed: 8,
            available: rest.len(),
        });
    };
    let mut t = descriptors;
    while !t.is_empty() {
        let Some((h, body)) = t.split_first_chunk::<4>() else {
            return Err(Problem::Truncated {
                what: "BGP-LS descriptor TLV header",
                needed: 4,
                available: t.len(),
            });
        };
        let len = u16::from_be_bytes([h[2], h[3]]) as usize;
        if body.len() < len {
            return Err(Problem::Truncated {
                what: "BGP-LS descriptor TLV",
                needed: len,
                available: body.len(),
            });
        }
        t = &body[len..];
    }
    Ok(BgpLsNlri::Known {
        nlri_type,
        protocol_id,
        identifier: u64::from_be_bytes(*id),
        descriptors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_nlri() {
        // IS-IS L2, identifier 0, local node descriptors (256) with AS (512) 65000
        let v = [
            2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 8, 2, 0, 0, 4, 0, 0, 0xfd, 0xe8,
        ];
        match decode(1, &v).unwrap() {
            BgpLsNlri::Known {
                protocol_id,
                identifier,
                descriptors,
                ..
            } => {
                assert_eq!(protocol_name(protocol_id), "isis_l2");
                assert_eq!(identifier, 0);
                assert_eq!(descriptors.len(), 12);
            }
            other => panic!("{other:?}"),
        }
        assert!(decode(1, &v[..v.len() - 1]).is_err());
        assert!(decode(1, &v[..5]).is_err());
        assert!(matches!(decode(99, &v[..5]), Ok(BgpLsNlri::Other { .. })));
    }
}
