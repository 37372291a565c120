//! BMPv4 Route Monitoring TLVs (draft-ietf-grow-bmp-tlv) and the path status TLV
//! (draft-ietf-grow-bmp-path-marking-tlv).

use super::route_monitoring::IndexedTlv;

/// Stateless Parsing TLV: the capabilities needed to parse the PDU without a Peer Up.
pub const TLV_STATELESS_PARSING: u16 = 1;
/// Group TLV: the NLRI indexes a group of TLVs applies to.
pub const TLV_GROUP: u16 = 2;
/// VRF/Table name.
pub const TLV_VRF_TABLE_NAME: u16 = 3;
/// Path status (path marking).
pub const TLV_PATH_STATUS: u16 = 5;

/// Capability code of Add-Path inside a Stateless Parsing TLV.
const CAP_ADD_PATH: u8 = 69;
/// Capability code of 4-octet AS inside a Stateless Parsing TLV.
const CAP_FOUR_OCTET_AS: u8 = 65;

/// Path status bits and their names.
pub const PATH_STATUS_BITS: [(u32, &str); 11] = [
    (0x0001, "invalid"),
    (0x0002, "best"),
    (0x0004, "non_selected"),
    (0x0008, "primary"),
    (0x0010, "backup"),
    (0x0020, "non_installed"),
    (0x0040, "best_external"),
    (0x0080, "add_path"),
    (0x0100, "filtered_in_inbound_policy"),
    (0x0200, "filtered_in_outbound_policy"),
    (0x0400, "invalid_rov"),
];

/// Path status reason codes.
pub fn path_status_reason_name(code: u16) -> &'static str {
    match code {
        1 => "invalid due to AS loop",
        2 => "invalid due to unresolvable next hop",
        3 => "not preferred: local preference",
        4 => "not preferred: AS_PATH length",
        5 => "not preferred: origin",
        6 => "not preferred: MED",
        7 => "not preferred: peer type",
        8 => "not preferred: IGP cost",
        9 => "not preferred: router ID",
        10 => "not preferred: peer address",
        11 => "not preferred: AIGP",
        _ => "unknown",
    }
}

/// Names of the bits set in a path status, plus the unknown bits.
pub fn path_status_names(status: u32) -> (Vec<&'static str>, u32) {
    let mut known = 0;
    let mut names = Vec::new();
    for (bit, name) in PATH_STATUS_BITS {
        if status & bit != 0 {
            names.push(name);
            known |= bit;
        }
    }
    (names, status & !known)
}

/// Capabilities (code, value) carried by a Stateless Parsing TLV value, in OPEN capability
/// format; stops at the first that runs past the end.
pub fn stateless_capabilities(value: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut rest = value;
    std::iter::from_fn(move || {
        let (&code, r) = rest.split_first()?;
        let (&len, r) = r.split_first()?;
        let v = r.get(..len as usize)?;
        rest = &r[len as usize..];
        Some((code, v))
    })
}

/// What the Stateless Parsing TLVs of a message say about decoding its UPDATE.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stateless {
    /// A Stateless Parsing TLV was present.
    pub present: bool,
    /// It carried the 4-octet AS capability.
    pub four_octet_as: bool,
}

/// Reads the Stateless Parsing TLVs of a message: calls `add_path(afi, safi, send_receive)` for
/// each Add-Path entry (the monitored router's value towards this peer) and reports the rest.
pub fn stateless(tlvs: &[IndexedTlv<'_>], mut add_path: impl FnMut(u16, u8, u8)) -> Stateless {
    let mut s = Stateless::default();
    for t in tlvs.iter().filter(|t| t.tlv_type == TLV_STATELESS_PARSING) {
        s.present = true;
        for (code, v) in stateless_capabilities(t.value) {
            match code {
                CAP_ADD_PATH => {
                    for c in v.chunks_exact(4) {
                        add_path(u16::from_be_bytes([c[0], c[1]]), c[2], c[3]);
                    }
                }
                CAP_FOUR_OCTET_AS => s.four_octet_as = true,
                _ => {}
            }
        }
    }
    s
}
