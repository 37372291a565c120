//! Format detection by content.

use super::InputFormat;

/// What the first bytes of an input look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The format (of the compressed data when `gzip`: detect again after decompressing).
    pub format: InputFormat,
    /// The bytes start with the gzip magic `1f 8b`.
    pub gzip: bool,
}

/// pcap magics: microsecond and nanosecond, as written in either byte order.
const PCAP_MAGICS: [[u8; 4]; 4] = [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
];

/// Recognises an input from its first bytes ([`super::DETECT_LEN`] are plenty; fewer work):
/// gzip (`1f 8b`), pcap (any of the four magics), pcapng (Section Header Block type
/// `0a 0d 0d 0a`), OpenBMP binary (`OBMP`) or text (`V: ` first line) header; anything else is
/// raw BMP. Gzip is reported with `format` [`InputFormat::Raw`]: the caller detects again on
/// the decompressed bytes.
pub fn detect(first_bytes: &[u8]) -> Detected {
    let b = first_bytes;
    let raw = |format| Detected {
        format,
        gzip: false,
    };
    if b.starts_with(&[0x1f, 0x8b]) {
        return Detected {
            format: InputFormat::Raw,
            gzip: true,
        };
    }
    if b.len() >= 4 && PCAP_MAGICS.iter().any(|m| b[..4] == m[..]) {
        return raw(InputFormat::Pcap);
    }
    if b.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        return raw(InputFormat::Pcapng);
    }
    if b.starts_with(b"OBMP") || b.starts_with(b"V: ") {
        return raw(InputFormat::OpenBmp);
    }
    raw(InputFormat::Raw)
}
