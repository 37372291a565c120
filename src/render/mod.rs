//! Renderers: the message log as text for people or NDJSON for programs. Only this module and
//! [`crate::app`] write output.

pub mod attrs;
pub mod json;
pub mod route;
pub mod sanitize;
pub mod text;

use crate::stream::RouterInfo;

/// What a renderer needs to know about the stream an event came from.
#[derive(Debug, Clone, Copy)]
pub struct StreamCtx<'a> {
    /// Stream name (file path, `-`).
    pub name: &'a str,
    /// The router, as far as known.
    pub router: &'a RouterInfo,
    /// Capture or receive time of the current message (seconds, microseconds), when the source
    /// has one.
    pub observed: Option<(u64, u32)>,
}

impl StreamCtx<'_> {
    /// The router's name: sysName once seen, else its address, else the stream name.
    pub fn router_name(&self) -> String {
        match (&self.router.sys_name, self.router.address) {
            (Some(name), _) => name.clone(),
            (None, Some(addr)) => addr.to_string(),
            (None, None) => self.name.to_string(),
        }
    }
}
