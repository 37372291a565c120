//! Route Target constraint NLRI (RFC 4684 §4): a prefix, 0 or 32-96 bits long, of the origin
//! AS (4 octets) followed by a route target extended community (8 octets). Length 0 is the
//! default route target (match everything).

use std::net::Ipv4Addr;

/// A decoded RT-constraint prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtConstraint {
    /// Prefix length in bits (0 = default).
    pub bits: u8,
    /// Origin AS (absent for the default).
    pub origin_as: Option<u32>,
    /// Route target, zero-padded beyond the prefix (absent when `bits` <= 32).
    pub route_target: Option<[u8; 8]>,
}

/// Decodes the borrowed prefix octets of an `NlriKind::RtConstraint`.
pub fn decode(bits: u8, prefix: &[u8]) -> RtConstraint {
    let mut full = [0u8; 12];
    let n = prefix.len().min(12);
    full[..n].copy_from_slice(&prefix[..n]);
    let origin_as = (bits >= 32).then(|| u32::from_be_bytes([full[0], full[1], full[2], full[3]]));
    let route_target = (bits > 32).then(|| {
        let mut rt = [0u8; 8];
        rt.copy_from_slice(&full[4..]);
        rt
    });
    RtConstraint {
        bits,
        origin_as,
        route_target,
    }
}

/// A route target extended community as text: type 0x00 `asn:nn` (2-octet AS), 0x01 `ip:nn`,
/// 0x02 `asn4:nn` (4-octet AS), each with sub-type 0x02; anything else as hex.
pub fn route_target_text(rt: &[u8; 8]) -> String {
    let v = &rt[2..];
    match (rt[0], rt[1]) {
        (0x00, 0x02) => format!(
            "{}:{}",
            u16::from_be_bytes([v[0], v[1]]),
            u32::from_be_bytes([v[2], v[3], v[4], v[5]])
        ),
        (0x01, 0x02) => format!(
            "{}:{}",
            Ipv4Addr::new(v[0], v[1], v[2], v[3]),
            u16::from_be_bytes([v[4], v[5]])
        ),
        (0x02, 0x02) => format!(
            "{}:{}",
            u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
            u16::from_be_bytes([v[4], v[5]])
        ),
        _ => crate::decode::hex(rt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_targets() {
        assert_eq!(
            route_target_text(&[0, 2, 0xfd, 0xe8, 0, 0, 0, 100]),
            "65000:100"
        );
        assert_eq!(
            route_target_text(&[1, 2, 192, 0, 2, 1, 0, 7]),
            "192.0.2.1:7"
        );
        assert_eq!(route_target_text(&[2, 2, 0, 1, 0, 0, 0, 7]), "65536:7");
        assert_eq!(
            route_target_text(&[3, 2, 0, 0, 0, 0, 0, 7]),
            "0302000000000007"
        );
    }

    #[test]
    fn default_and_partial() {
        assert_eq!(
            decode(0, &[]),
            RtConstraint {
                bits: 0,
                origin_as: None,
                route_target: None
            }
        );
        let r = decode(48, &[0, 0, 0xfd, 0xe8, 0, 2]);
        assert_eq!(r.origin_as, Some(65000));
        assert_eq!(r.route_target, Some([0, 2, 0, 0, 0, 0, 0, 0]));
    }
}
