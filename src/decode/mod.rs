//! The pure decoder: BMP messages and the BGP inside them. Nothing here does I/O, prints or logs;
//! every parser works on a borrowed, already length-delimited slice and returns borrowed views.

pub mod bgp;
pub mod bmp;
pub mod codes;
pub mod family;

use std::fmt;

use nom::IResult;
use nom::error::{ErrorKind, ParseError};

/// Why a parse failed, with the field that was being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Fewer octets than the field needs.
    Truncated {
        /// The field.
        what: &'static str,
        /// Octets needed.
        needed: usize,
        /// Octets available.
        available: usize,
    },
    /// A value outside what the protocol allows.
    Invalid {
        /// The field.
        what: &'static str,
        /// The offending value.
        value: u64,
    },
    /// Octets left over after a structure that must fill its container.
    Trailing {
        /// The structure.
        what: &'static str,
        /// Octets left over.
        count: usize,
    },
    /// A nom combinator failed (should be rare: every field has its own context).
    Parser(ErrorKind),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Truncated {
                what,
                needed,
                available,
            } => write!(
                f,
                "{what}: needs {needed} octets, only {available} available"
            ),
            Problem::Invalid { what, value } => write!(f, "{what}: invalid value {value}"),
            Problem::Trailing { what, count } => {
                write!(f, "{what}: {count} unexpected octets after the end")
            }
            Problem::Parser(kind) => write!(f, "parse error ({kind:?})"),
        }
    }
}

/// A parse error: where (the remaining input when it failed) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError<'a> {
    /// The input at the point of failure; its position within the message gives the offset.
    pub at: &'a [u8],
    /// What went wrong.
    pub problem: Problem,
}

impl<'a> DecodeError<'a> {
    /// A new error at `at`.
    pub fn new(at: &'a [u8], problem: Problem) -> Self {
        DecodeError { at, problem }
    }

    /// Offset of the failure within `base`, which must contain `at` (else 0).
    pub fn offset_in(&self, base: &[u8]) -> usize {
        offset_of(base, self.at)
    }

    /// Owned form, with the offset resolved against `base`.
    pub fn to_malformed(&self, base: &[u8]) -> Malformed {
        Malformed {
            offset: self.offset_in(base),
            problem: self.problem.clone(),
        }
    }
}

impl<'a> ParseError<&'a [u8]> for DecodeError<'a> {
    fn from_error_kind(input: &'a [u8], kind: ErrorKind) -> Self {
        let problem = if kind == ErrorKind::Eof {
            Problem::Truncated {
                what: "field",
                needed: input.len() + 1,
                available: input.len(),
            }
        } else {
            Problem::Parser(kind)
        };
        DecodeError { at: input, problem }
    }

    fn append(_: &'a [u8], _: ErrorKind, other: Self) -> Self {
        other
    }
}

/// An owned parse failure: offset within the structure that was being parsed, and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Offset from the start of the structure (a BMP message, unless said otherwise).
    pub offset: usize,
    /// What went wrong.
    pub problem: Problem,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at octet {})", self.problem, self.offset)
    }
}

/// The parser result type used throughout the decoder.
pub type PResult<'a, T> = IResult<&'a [u8], T, DecodeError<'a>>;

/// Offset of `part` within `base` when `part` points into `base`; 0 otherwise.
pub fn offset_of(base: &[u8], part: &[u8]) -> usize {
    let b = base.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    if p >= b && p <= b + base.len() {
        p - b
    } else {
        0
    }
}

/// A failure of `what` at `input`.
pub fn fail<'a, T>(input: &'a [u8], problem: Problem) -> PResult<'a, T> {
    Err(nom::Err::Error(DecodeError::new(input, problem)))
}

/// Takes exactly `n` octets, naming the field on failure.
pub fn take_n<'a>(input: &'a [u8], n: usize, what: &'static str) -> PResult<'a, &'a [u8]> {
    if input.len() < n {
        return fail(
            input,
            Problem::Truncated {
                what,
                needed: n,
                available: input.len(),
            },
        );
    }
    nom::bytes::complete::take(n)(input)
}

/// Reads one octet.
pub fn u8_<'a>(input: &'a [u8], what: &'static str) -> PResult<'a, u8> {
    let (rest, b) = take_n(input, 1, what)?;
    Ok((rest, b[0]))
}

/// Reads a big-endian u16.
pub fn u16_<'a>(input: &'a [u8], what: &'static str) -> PResult<'a, u16> {
    let (rest, b) = take_n(input, 2, what)?;
    Ok((rest, u16::from_be_bytes([b[0], b[1]])))
}

/// Reads a big-endian u32.
pub fn u32_<'a>(input: &'a [u8], what: &'static str) -> PResult<'a, u32> {
    let (rest, b) = take_n(input, 4, what)?;
    Ok((rest, u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
}

/// Reads a big-endian u64.
pub fn u64_<'a>(input: &'a [u8], what: &'static str) -> PResult<'a, u64> {
    let (rest, b) = take_n(input, 8, what)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok((rest, u64::from_be_bytes(a)))
}

/// Reads an IPv4 address.
pub fn ipv4<'a>(input: &'a [u8], what: &'static str) -> PResult<'a, std::net::Ipv4Addr> {
    let (rest, b) = take_n(input, 4, what)?;
    Ok((rest, std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3])))
}

/// Reads a 16-octet IPv6 address.
pub fn ipv6<'a>(input: &'a [u8], what: &'static str) -> PResult<'a, std::net::Ipv6Addr> {
    let (rest, b) = take_n(input, 16, what)?;
    let mut a = [0u8; 16];
    a.copy_from_slice(b);
    Ok((rest, std::net::Ipv6Addr::from(a)))
}

/// Splits `input` into TLVs of type (2 octets), length (2 octets) and value. Fails on a TLV that
/// runs past the end.
pub fn tlvs16<'a>(
    mut input: &'a [u8],
    what: &'static str,
) -> Result<Vec<Tlv<'a>>, DecodeError<'a>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let (rest, tlv_type) = u16_(input, what).map_err(unwrap_err)?;
        let (rest, len) = u16_(rest, what).map_err(unwrap_err)?;
        let (rest, value) = take_n(rest, len as usize, what).map_err(unwrap_err)?;
        out.push(Tlv { tlv_type, value });
        input = rest;
    }
    Ok(out)
}

/// A type-length-value element with a 2-octet type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// Type.
    pub tlv_type: u16,
    /// Value.
    pub value: &'a [u8],
}

/// Turns a nom error into the decoder's error (complete parsers never return Incomplete).
pub fn unwrap_err(e: nom::Err<DecodeError<'_>>) -> DecodeError<'_> {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e,
        nom::Err::Incomplete(_) => DecodeError::new(
            &[],
            Problem::Truncated {
                what: "input",
                needed: 1,
                available: 0,
            },
        ),
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of `bytes`, as a `String` ([`Hex`] written out).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    // Writing to a String does not fail, and Hex writes only ASCII digits.
    let _ = write!(s, "{}", Hex(bytes));
    s
}

/// Octets displayed as lowercase hex, like [`hex`] but without building a `String`: for output
/// written straight to a writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hex<'a>(pub &'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = [0u8; 128];
        for chunk in self.0.chunks(buf.len() / 2) {
            for (i, b) in chunk.iter().enumerate() {
                buf[2 * i] = HEX_DIGITS[(b >> 4) as usize];
                buf[2 * i + 1] = HEX_DIGITS[(b & 15) as usize];
            }
            let text = std::str::from_utf8(&buf[..chunk.len() * 2]).map_err(|_| std::fmt::Error)?;
            f.write_str(text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case_two_digits_an_octet_across_the_display_buffer() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        // Longer than Hex's 64-octet buffer: written in chunks, nothing lost between them.
        let long: Vec<u8> = (0..=200).collect();
        let want: String = long.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&long), want);
        assert_eq!(Hex(&long).to_string(), want);
    }
}
