//! AS paths (RFC 4271 §5.1.2, RFC 6793): the path a route really has, decided here once for
//! every renderer and view. On a session that negotiated 4-octet AS numbers, that is AS_PATH.
//! On a 2-octet session, a speaker that has 4-octet ASNs puts AS_TRANS in AS_PATH and the real
//! numbers in AS4_PATH; the effective path is the two merged (§4.2.3).

use std::borrow::Cow;

use super::attr::{Segment, as_path_fits, parse_as_path};

/// Segment type AS_SET.
pub const AS_SET: u8 = 1;
/// Segment type AS_SEQUENCE.
pub const AS_SEQUENCE: u8 = 2;
/// Segment type AS_CONFED_SEQUENCE (RFC 5065).
pub const AS_CONFED_SEQUENCE: u8 = 3;
/// Segment type AS_CONFED_SET (RFC 5065).
pub const AS_CONFED_SET: u8 = 4;

/// The AS path a route really has, and what the wire said when it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective<'p> {
    /// The path: AS_PATH, or on a 2-octet session AS_PATH merged with AS4_PATH.
    pub path: Cow<'p, [Segment]>,
    /// The AS_PATH as sent, when AS4_PATH was merged into it.
    pub wire: Option<&'p [Segment]>,
}

/// The effective path of an UPDATE whose AS_PATH decoded as `as_path` (with the session's AS
/// width) and whose AS4_PATH, if it had one that decodes, as `as4_path`.
pub fn effective<'p>(
    as_path: &'p [Segment],
    as4_path: Option<&'p [Segment]>,
    four_octet_as: bool,
) -> Effective<'p> {
    match (as4_path, four_octet_as) {
        // AS4_PATH only matters on a 2-octet session (§4.2.3).
        (Some(p4), false) => Effective {
            path: Cow::Owned(merge_as4_path(as_path, p4)),
            wire: Some(as_path),
        },
        _ => Effective {
            path: Cow::Borrowed(as_path),
            wire: None,
        },
    }
}

/// The origin AS of a path: the last ASN of its last AS_SEQUENCE (AS_SET and confederation
/// segments are skipped); `None` for a path without one (locally originated).
fn origin(path: &[Segment]) -> Option<u32> {
    path.iter()
        .rev()
        .find(|s| s.seg_type == AS_SEQUENCE && !s.asns.is_empty())
        .and_then(|s| s.asns.last().copied())
}

/// The origin AS of the effective path, from the raw AS_PATH and AS4_PATH values. Allocates
/// nothing on a 4-octet session or without AS4_PATH (nearly always); otherwise it merges.
pub fn effective_origin(
    as_path: Option<&[u8]>,
    as4_path: Option<&[u8]>,
    four_octet_as: bool,
) -> Option<u32> {
    let path = as_path?;
    let as4 = as4_path.filter(|v| !four_octet_as && as_path_fits(v, true));
    match as4 {
        None => last_sequence_asn(path, four_octet_as),
        Some(v4) => {
            let (Some(p), Some(p4)) = (parse_as_path(path, false), parse_as_path(v4, true)) else {
                return last_sequence_asn(path, false);
            };
            origin(&merge_as4_path(&p, &p4))
        }
    }
}

/// The last ASN of the last AS_SEQUENCE of an AS_PATH value, without allocating; `None` when
/// the value does not parse with that width or has no AS_SEQUENCE.
fn last_sequence_asn(mut v: &[u8], four: bool) -> Option<u32> {
    if !as_path_fits(v, four) {
        return None;
    }
    let width = if four { 4 } else { 2 };
    let mut last = None;
    while v.len() >= 2 {
        let n = v[1] as usize * width;
        if v[0] == AS_SEQUENCE && n > 0 {
            let a = &v[2 + n - width..2 + n];
            last = Some(if four {
                u32::from_be_bytes([a[0], a[1], a[2], a[3]])
            } else {
                u32::from(u16::from_be_bytes([a[0], a[1]]))
            });
        }
        v = &v[2 + n..];
    }
    last
}

fn path_len(segments: &[Segment]) -> usize {
    segments
        .iter()
        .map(|s| match s.seg_type {
            AS_SET => 1,
            AS_SEQUENCE => s.asns.len(),
            _ => 0,
        })
        .sum()
}

/// Merges a 2-octet AS_PATH with AS4_PATH (RFC 6793 §4.2.3): if AS_PATH is shorter, AS4_PATH is
/// ignored; otherwise AS_PATH's leading surplus is kept and AS4_PATH appended. AS_SET counts as
/// one ASN, confederation segments as none.
fn merge_as4_path(as_path: &[Segment], as4_path: &[Segment]) -> Vec<Segment> {
    let n = path_len(as_path);
    let n4 = path_len(as4_path);
    if n < n4 {
        return as_path.to_vec();
    }
    let mut need = n - n4;
    let mut out = Vec::new();
    for seg in as_path {
        if need == 0 {
            break;
        }
        match seg.seg_type {
            AS_SEQUENCE => {
                let take = need.min(seg.asns.len());
                out.push(Segment {
                    seg_type: AS_SEQUENCE,
                    asns: seg.asns[..take].to_vec(),
                });
                need -= take;
            }
            AS_SET => {
                out.push(seg.clone());
                need -= 1;
            }
            _ => out.push(seg.clone()),
        }
    }
    for seg in as4_path {
        match out.last_mut() {
            // The kept surplus and AS4_PATH's first sequence were one sequence on the wire.
            Some(last) if last.seg_type == AS_SEQUENCE && seg.seg_type == AS_SEQUENCE => {
                last.asns.extend_from_slice(&seg.asns)
            }
            _ => out.push(seg.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::bgp::attr::AS_TRANS;

    fn seq(asns: &[u32]) -> Segment {
        Segment {
            seg_type: AS_SEQUENCE,
            asns: asns.to_vec(),
        }
    }

    #[test]
    fn as4_merge_keeps_leading_surplus() {
        let as_path = [seq(&[100, 200, AS_TRANS, AS_TRANS])];
        let as4 = [seq(&[4_200_000_001, 4_200_000_002])];
        assert_eq!(
            merge_as4_path(&as_path, &as4),
            [seq(&[100, 200, 4_200_000_001, 4_200_000_002])]
        );
    }

    #[test]
    fn as4_path_longer_than_as_path_is_ignored() {
        let as_path = [seq(&[100])];
        let as4 = [seq(&[1, 2])];
        assert_eq!(merge_as4_path(&as_path, &as4), as_path);
    }

    #[test]
    fn the_origin_of_the_effective_path() {
        // 2-octet AS_PATH 100 23456 23456 with AS4_PATH 4200000001 4200000002.
        let path = [2u8, 3, 0, 100, 0x5b, 0xa0, 0x5b, 0xa0];
        let as4 = [2u8, 2, 0xfa, 0x56, 0xea, 0x01, 0xfa, 0x56, 0xea, 0x02];
        assert_eq!(
            effective_origin(Some(&path), Some(&as4), false),
            Some(4_200_000_002)
        );
        // On a 4-octet session AS4_PATH means nothing (and AS_PATH is read 4 octets wide).
        let path4 = [2u8, 1, 0, 0, 0, 100];
        assert_eq!(effective_origin(Some(&path4), Some(&as4), true), Some(100));
        // An AS4_PATH longer than AS_PATH is ignored.
        let short = [2u8, 1, 0, 100];
        assert_eq!(effective_origin(Some(&short), Some(&as4), false), Some(100));
        // Ending in an AS_SET: the last sequence before it.
        let set = [
            seq(&[1, 2]),
            Segment {
                seg_type: AS_SET,
                asns: vec![7, 8],
            },
        ];
        assert_eq!(origin(&set), Some(2));
        assert_eq!(origin(&[]), None);
        assert_eq!(effective_origin(None, Some(&as4), false), None);
    }

    #[test]
    fn the_effective_path_keeps_what_the_wire_said() {
        let wire = [seq(&[100, AS_TRANS])];
        let as4 = [seq(&[4_200_000_001])];
        let e = effective(&wire, Some(&as4), false);
        assert_eq!(&*e.path, [seq(&[100, 4_200_000_001])]);
        assert_eq!(e.wire, Some(&wire[..]));
        let e = effective(&wire, Some(&as4), true);
        assert_eq!((&*e.path, e.wire), (&wire[..], None));
    }

    #[test]
    fn last_sequence_of_raw_paths() {
        let p = [2u8, 3, 0, 1, 0, 2, 0, 3];
        assert_eq!(last_sequence_asn(&p, false), Some(3));
        let p = [2u8, 1, 0, 0, 0, 9, 1, 2, 0, 0, 0, 7, 0, 0, 0, 8];
        assert_eq!(last_sequence_asn(&p, true), Some(9));
        assert_eq!(last_sequence_asn(&[], true), None);
        assert_eq!(last_sequence_asn(&[2, 5, 0], true), None);
    }
}
