//! FlowSpec components (RFC 8955 for IPv4, RFC 8956 for IPv6), decoded lazily from the borrowed
//! `NlriKind::FlowSpec` components without allocating. Prefix components become a
//! [`Prefix`]; numeric and bitmask components keep their operator/value list borrowed and
//! are read with [`ops`]. A component type this decoder does not know ends the decoding: its
//! length cannot be known, so the rest of the rule is returned raw ([`Component::Unknown`]).
//! The text forms ([`rule_text`], [`ops_text`]) allocate and are for rendering.

use std::fmt::Write as _;

use super::prefix::Prefix;
use crate::decode::{Problem, hex};

/// Operator bit: end of list.
pub const OP_END: u8 = 0x80;
/// Operator bit: AND with the previous term (else OR).
pub const OP_AND: u8 = 0x40;
/// Operator bits: value length, 1 << n octets.
pub const OP_LEN: u8 = 0x30;
/// Numeric operator bit: less than.
pub const OP_LT: u8 = 0x04;
/// Numeric operator bit: greater than.
pub const OP_GT: u8 = 0x02;
/// Numeric operator bit: equal.
pub const OP_EQ: u8 = 0x01;
/// Bitmask operator bit: negate.
pub const OP_NOT: u8 = 0x02;
/// Bitmask operator bit: all bits must match (else any bit).
pub const OP_MATCH: u8 = 0x01;

/// One FlowSpec component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component<'a> {
    /// Type 1 (destination) or 2 (source) prefix; `offset` is the IPv6 pattern offset in bits.
    Prefix {
        /// Component type.
        ctype: u8,
        /// The prefix (bits before `offset` are zero).
        prefix: Prefix,
        /// IPv6 offset (RFC 8956 §3.1); 0 for IPv4.
        offset: u8,
    },
    /// Numeric operator/value list (types 3-8, 10, 11, 13).
    Numeric {
        /// Component type.
        ctype: u8,
        /// The operator/value list, ending with an end-of-list operator.
        ops: &'a [u8],
    },
    /// Bitmask operator/value list (types 9, 12).
    Bitmask {
        /// Component type.
        ctype: u8,
        /// The operator/value list, ending with an end-of-list operator.
        ops: &'a [u8],
    },
    /// A type this decoder does not know; `rest` is the rest of the rule from its type octet.
    Unknown {
        /// Component type.
        ctype: u8,
        /// The rest of the rule, type octet included.
        rest: &'a [u8],
    },
}

impl Component<'_> {
    /// The component type.
    pub fn ctype(&self) -> u8 {
        match self {
            Component::Prefix { ctype, .. }
            | Component::Numeric { ctype, .. }
            | Component::Bitmask { ctype, .. }
            | Component::Unknown { ctype, .. } => *ctype,
        }
    }
}

/// Name of a component type in JSON.
pub fn component_name(ctype: u8, v6: bool) -> &'static str {
    match ctype {
        1 => "destination_prefix",
        2 => "source_prefix",
        3 if v6 => "next_header",
        3 => "ip_protocol",
        4 => "port",
        5 => "destination_port",
        6 => "source_port",
        7 => "icmp_type",
        8 => "icmp_code",
        9 => "tcp_flags",
        10 => "packet_length",
        11 => "dscp",
        12 => "fragment",
        13 if v6 => "flow_label",
        _ => "unknown",
    }
}

/// Short name of a component type in rule text.
pub fn component_short(ctype: u8) -> &'static str {
    match ctype {
        1 => "dst",
        2 => "src",
        3 => "proto",
        4 => "port",
        5 => "dport",
        6 => "sport",
        7 => "icmp-type",
        8 => "icmp-code",
        9 => "tcp-flags",
        10 => "len",
        11 => "dscp",
        12 => "frag",
        13 => "flow-label",
        _ => "unknown",
    }
}

/// Iterates over the components of a rule.
#[derive(Debug, Clone)]
pub struct Components<'a> {
    rest: &'a [u8],
    v6: bool,
    done: bool,
}

/// The components of `bytes` (an IPv6 rule if `v6`).
pub fn components(v6: bool, bytes: &[u8]) -> Components<'_> {
    Components {
        rest: bytes,
        v6,
        done: false,
    }
}

/// Length of an operator/value list at the start of `b`, checked to end with the end-of-list
/// bit within `b`.
fn op_list_len(b: &[u8]) -> Result<usize, Problem> {
    let mut i = 0;
    while let Some(&op) = b.get(i) {
        i += 1 + (1usize << ((op & OP_LEN) >> 4));
        if i > b.len() {
            return Err(Problem::Truncated {
                what: "FlowSpec operator value",
                needed: i,
                available: b.len(),
            });
        }
        if op & OP_END != 0 {
            return Ok(i);
        }
    }
    Err(Problem::Truncated {
        what: "FlowSpec operator list (no end-of-list)",
        needed: i + 1,
        available: b.len(),
    })
}

impl<'a> Components<'a> {
    fn prefix(&mut self, ctype: u8, body: &'a [u8]) -> Result<Component<'a>, Problem> {
        let (len, offset, rest) = match (self.v6, body) {
            (false, [len, rest @ ..]) => (*len, 0, rest),
            (true, [len, offset, rest @ ..]) => (*len, *offset, rest),
            _ => {
                return Err(Problem::Truncated {
                    what: "FlowSpec prefix component",
                    needed: if self.v6 { 2 } else { 1 },
                    available: body.len(),
                });
            }
        };
        let max = if self.v6 { 128 } else { 32 };
        if len > max {
            return Err(Problem::Invalid {
                what: "FlowSpec prefix length",
                value: len.into(),
            });
        }
        if offset > len {
            return Err(Problem::Invalid {
                what: "FlowSpec prefix offset",
                value: offset.into(),
            });
        }
        let pattern_bits = (len - offset) as usize;
        let n = pattern_bits.div_ceil(8);
        let Some(pattern) = rest.get(..n) else {
            return Err(Problem::Truncated {
                what: "FlowSpec prefix",
                needed: n,
                available: rest.len(),
            });
        };
        let mut addr = [0u8; 16];
        if offset == 0 {
            addr[..n].copy_from_slice(pattern);
        } else {
            for i in 0..pattern_bits {
                let bit = (pattern[i / 8] >> (7 - i % 8)) & 1;
                let j = offset as usize + i;
                addr[j / 8] |= bit << (7 - j % 8);
            }
        }
        self.rest = &rest[n..];
        Ok(Component::Prefix {
            ctype,
            prefix: Prefix {
                addr,
                len,
                v6: self.v6,
            },
            offset,
        })
    }
}

impl<'a> Iterator for Components<'a> {
    type Item = Result<Component<'a>, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (&ctype, body) = self.rest.split_first()?;
        let r = match ctype {
            1 | 2 => self.prefix(ctype, body),
            3..=13 if ctype != 13 || self.v6 => op_list_len(body).map(|n| {
                let ops = &body[..n];
                self.rest = &body[n..];
                if matches!(ctype, 9 | 12) {
                    Component::Bitmask { ctype, ops }
                } else {
                    Component::Numeric { ctype, ops }
                }
            }),
            _ => {
                self.done = true;
                Ok(Component::Unknown {
                    ctype,
                    rest: self.rest,
                })
            }
        };
        if r.is_err() {
            self.done = true;
        }
        Some(r)
    }
}

/// Checks that a rule decodes: `Err` when a known component is malformed; `Ok(false)` when it
/// decodes but is not what a router sends (no component, or types not in strictly increasing
/// order as RFC 8955 §4.2 requires); `Ok(true)` otherwise.
pub fn check(v6: bool, bytes: &[u8]) -> Result<bool, Problem> {
    let mut last = 0u8;
    let mut ordered = true;
    for c in components(v6, bytes) {
        let t = c?.ctype();
        ordered &= t > last;
        last = t;
    }
    Ok(ordered && last != 0)
}

/// One operator/value pair of a numeric or bitmask list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    /// Operator octet as sent.
    pub op: u8,
    /// The value.
    pub value: u64,
}

impl Op {
    /// AND with the previous term (else OR).
    pub fn and(&self) -> bool {
        self.op & OP_AND != 0
    }

    /// Numeric comparison as text: `=`, `>`, `>=`, `<`, `<=`, `!=`, `true`, `false`.
    pub fn numeric_text(&self) -> &'static str {
        match self.op & (OP_LT | OP_GT | OP_EQ) {
            0 => "false",
            1 => "=",
            2 => ">",
            3 => ">=",
            4 => "<",
            5 => "<=",
            6 => "!=",
            _ => "true",
        }
    }

    /// Bitmask operator as text: `match` (all bits) or `any` (some bit), `!` before when
    /// negated.
    pub fn bitmask_text(&self) -> &'static str {
        match (self.op & OP_NOT != 0, self.op & OP_MATCH != 0) {
            (false, true) => "match",
            (false, false) => "any",
            (true, true) => "!match",
            (true, false) => "!any",
        }
    }
}

/// The operator/value pairs of a list (as validated by the component iterator; a short list
/// just ends early).
pub fn ops(list: &[u8]) -> impl Iterator<Item = Op> + '_ {
    let mut rest = list;
    std::iter::from_fn(move || {
        let (&op, tail) = rest.split_first()?;
        let n = 1usize << ((op & OP_LEN) >> 4);
        let v = tail.get(..n)?;
        rest = if op & OP_END != 0 { &[] } else { &tail[n..] };
        Some(Op {
            op,
            value: v.iter().fold(0u64, |a, &b| (a << 8) | b as u64),
        })
    })
}

const TCP_FLAGS: [(u64, &str); 8] = [
    (0x01, "fin"),
    (0x02, "syn"),
    (0x04, "rst"),
    (0x08, "psh"),
    (0x10, "ack"),
    (0x20, "urg"),
    (0x40, "ece"),
    (0x80, "cwr"),
];

const FRAGMENT_FLAGS: [(u64, &str); 4] = [
    (0x01, "dont-fragment"),
    (0x02, "is-fragment"),
    (0x04, "first-fragment"),
    (0x08, "last-fragment"),
];

/// Bitmask value as flag names joined by `,` (for TCP flags and fragment), leftover bits in
/// hex.
fn write_flags(s: &mut String, ctype: u8, value: u64) {
    let names: &[(u64, &str)] = match ctype {
        9 => &TCP_FLAGS,
        12 => &FRAGMENT_FLAGS,
        _ => &[],
    };
    let mut left = value;
    let mut first = true;
    for &(bit, name) in names {
        if value & bit != 0 {
            if !first {
                s.push(',');
            }
            s.push_str(name);
            first = false;
            left &= !bit;
        }
    }
    if left != 0 || first {
        if !first {
            s.push(',');
        }
        let _ = write!(s, "{left:#x}");
    }
}

/// An operator/value list as text: terms joined by `&` (AND) or `|` (OR), e.g.
/// `>=1024&<=2048`, `=6|=17`, `match syn,ack`.
pub fn ops_text(ctype: u8, bitmask: bool, list: &[u8]) -> String {
    let mut s = String::new();
    for (i, o) in ops(list).enumerate() {
        if i > 0 {
            s.push(if o.and() { '&' } else { '|' });
        }
        if bitmask {
            s.push_str(o.bitmask_text());
            s.push(' ');
            write_flags(&mut s, ctype, o.value);
        } else {
            let t = o.numeric_text();
            s.push_str(t);
            if !matches!(t, "true" | "false") {
                let _ = write!(s, "{}", o.value);
            }
        }
    }
    s
}

/// One component as rule text: `dst 192.0.2.0/24`, `dport >=1024&<=2048`, `raw 0e8106`.
pub fn component_text(c: &Component<'_>) -> String {
    match c {
        Component::Prefix {
            ctype,
            prefix,
            offset,
        } => {
            let mut s = format!("{} {prefix}", component_short(*ctype));
            if *offset != 0 {
                let _ = write!(s, " offset {offset}");
            }
            s
        }
        Component::Numeric { ctype, ops } => {
            format!(
                "{} {}",
                component_short(*ctype),
                ops_text(*ctype, false, ops)
            )
        }
        Component::Bitmask { ctype, ops } => {
            format!(
                "{} {}",
                component_short(*ctype),
                ops_text(*ctype, true, ops)
            )
        }
        Component::Unknown { rest, .. } => format!("raw {}", hex(rest)),
    }
}

/// The whole rule as text, components joined by ` && `; an unknown component and everything
/// after it as `raw HEX`, a malformed one as `malformed HEX`.
pub fn rule_text(v6: bool, bytes: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut it = components(v6, bytes);
    loop {
        let before = it.rest;
        match it.next() {
            None => break,
            Some(Ok(c)) => parts.push(component_text(&c)),
            Some(Err(_)) => {
                parts.push(format!("malformed {}", hex(before)));
                break;
            }
        }
    }
    parts.join(" && ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_with_range_and_flags() {
        // dst 192.0.2.0/24, proto =6, dport >=1024 & <=2048, tcp-flags match syn
        let b = [
            1, 24, 192, 0, 2, 3, 0x81, 6, 5, 0x13, 0x04, 0x00, 0xd5, 0x08, 0x00, 9, 0x81, 0x02,
        ];
        assert!(check(false, &b).unwrap());
        assert_eq!(
            rule_text(false, &b),
            "dst 192.0.2.0/24 && proto =6 && dport >=1024&<=2048 && tcp-flags match syn"
        );
    }

    #[test]
    fn ipv6_prefix_offset_and_flow_label() {
        // dst 2001:db8::/32 offset 0; src ::/64 with offset 32 and pattern 0x00010002
        let b = [
            1, 32, 0, 0x20, 0x01, 0x0d, 0xb8, 2, 64, 32, 0, 1, 0, 2, 13, 0xa1, 0, 0, 0, 5,
        ];
        assert!(check(true, &b).unwrap());
        assert_eq!(
            rule_text(true, &b),
            "dst 2001:db8::/32 && src 0:0:1:2::/64 offset 32 && flow-label =5"
        );
        // type 13 is not an IPv4 component
        assert_eq!(rule_text(false, &[13, 0x81, 5]), "raw 0d8105");
    }

    #[test]
    fn malformed_and_unordered() {
        assert!(check(false, &[3, 0x01, 6]).is_err()); // no end-of-list
        assert!(check(false, &[1, 33, 0, 0, 0, 0, 0]).is_err());
        assert!(!check(false, &[3, 0x81, 6, 1, 8, 10]).unwrap());
        assert!(!check(false, &[]).unwrap());
        assert!(check(false, &[1, 8, 10, 14, 1, 2]).unwrap()); // unknown type 14: raw
    }
}
