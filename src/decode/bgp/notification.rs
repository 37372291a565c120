//! BGP NOTIFICATION (RFC 4271 §4.5) with the shutdown communication of RFC 8203 / RFC 9003.

use crate::decode::{DecodeError, u8_, unwrap_err};

/// A NOTIFICATION message body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification<'a> {
    /// Error code.
    pub code: u8,
    /// Error subcode.
    pub subcode: u8,
    /// Data after code and subcode.
    pub data: &'a [u8],
}

impl<'a> Notification<'a> {
    /// The shutdown communication of a Cease / administrative shutdown or reset, when the data
    /// holds one (a length octet followed by that many octets of UTF-8). Invalid UTF-8 is replaced.
    pub fn shutdown_communication(&self) -> Option<String> {
        if self.code != 6 || !matches!(self.subcode, 2 | 4) {
            return None;
        }
        let (&len, rest) = self.data.split_first()?;
        let text = rest.get(..len as usize)?;
        Some(String::from_utf8_lossy(text).into_owned())
    }
}

/// Parses a NOTIFICATION body.
pub fn parse(body: &[u8]) -> Result<Notification<'_>, DecodeError<'_>> {
    let (rest, code) = u8_(body, "NOTIFICATION error code").map_err(unwrap_err)?;
    let (data, subcode) = u8_(rest, "NOTIFICATION error subcode").map_err(unwrap_err)?;
    Ok(Notification {
        code,
        subcode,
        data,
    })
}
