//! A NOTIFICATION as every report and the message log show it: code and subcode with their
//! names, and the shutdown communication (RFC 9003) when it carries one. One shape, built
//! here once.

use serde::Serialize;

use crate::decode::bgp::notification::Notification;
use crate::decode::codes;

/// A decoded NOTIFICATION, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationReport {
    /// Error code.
    pub code: u8,
    /// Error subcode.
    pub subcode: u8,
    /// The code's name.
    pub name: &'static str,
    /// The subcode's name.
    pub subcode_name: &'static str,
    /// The shutdown communication, as sent (JSON escapes it; text output sanitises it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shutdown_communication: Option<String>,
}

impl NotificationReport {
    /// The report of a decoded NOTIFICATION.
    pub fn of(n: &Notification<'_>) -> Self {
        Self::new(n.code, n.subcode, n.shutdown_communication())
    }

    /// From its code, subcode and shutdown communication.
    pub fn new(code: u8, subcode: u8, shutdown_communication: Option<String>) -> Self {
        NotificationReport {
            code,
            subcode,
            name: codes::notification_code_name(code),
            subcode_name: codes::notification_subcode_name(code, subcode),
            shutdown_communication,
        }
    }
}
