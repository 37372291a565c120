//! BGP messages carried in BMP: OPEN and its capabilities, NOTIFICATION, and a whole mirrored
//! PDU.

use crate::analysis::notification::NotificationReport;
use std::net::Ipv4Addr;

use serde::{Serialize, Serializer};

use super::{Each, HexText, Shown, family, hex};
use crate::decode::bgp::notification::Notification;
use crate::decode::bgp::open::{Capability, Open};
use crate::decode::bgp::{self, BgpMessage, BgpPdu};
use crate::decode::codes;
use crate::decode::family::Family;

/// An OPEN of a Peer Up, or its octets when it did not decode.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum OpenOrRaw<'a> {
    Decoded(OpenJson<'a>),
    Raw { raw: HexText<'a> },
}

impl<'a> OpenOrRaw<'a> {
    /// `decoded` when the OPEN parsed, else its octets `raw`.
    pub(crate) fn new(decoded: Option<&'a Open<'a>>, raw: &'a [u8]) -> Self {
        match decoded {
            Some(o) => OpenOrRaw::Decoded(OpenJson::new(o)),
            None => OpenOrRaw::Raw { raw: hex(raw) },
        }
    }
}

/// An OPEN.
#[derive(Serialize)]
pub(crate) struct OpenJson<'a> {
    version: u8,
    my_as: u16,
    asn: u32,
    hold_time: u16,
    bgp_id: Ipv4Addr,
    capabilities: Each<'a, Capability<'a>, CapabilityJson<'a>>,
}

impl<'a> OpenJson<'a> {
    pub(crate) fn new(o: &'a Open<'a>) -> Self {
        OpenJson {
            version: o.version,
            my_as: o.my_as,
            asn: o.asn(),
            hold_time: o.hold_time,
            bgp_id: o.bgp_id,
            capabilities: Each(&o.capabilities[..], CapabilityJson::new),
        }
    }
}

/// An OPEN decoded here (a mirrored one), serialized as [`OpenJson`].
pub(crate) struct OwnedOpen<'a>(Open<'a>);

impl Serialize for OwnedOpen<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        OpenJson::new(&self.0).serialize(s)
    }
}

/// A capability: code and name, then what its value says.
#[derive(Serialize)]
pub(crate) struct CapabilityJson<'a> {
    code: u8,
    name: &'static str,
    #[serde(flatten)]
    value: CapabilityValue<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum CapabilityValue<'a> {
    Family {
        afi: u16,
        safi: u8,
        family: Shown<Family>,
    },
    ExtendedNextHop {
        families: Each<'a, (u16, u16, u16), NextHopFamily>,
    },
    MultipleLabels {
        families: Each<'a, (Family, u8), LabelsFamily>,
    },
    Role {
        role: u8,
        role_name: &'static str,
    },
    GracefulRestart {
        restart_flags: u16,
        restart_time: u16,
        families: Each<'a, (Family, u8), RestartFamily>,
    },
    FourOctetAs {
        asn: u32,
    },
    AddPath {
        families: Each<'a, (Family, u8), AddPathFamily>,
    },
    Fqdn {
        host: &'a str,
        domain: &'a str,
    },
    Raw {
        raw: HexText<'a>,
    },
    Nothing {},
}

impl<'a> CapabilityJson<'a> {
    pub(crate) fn new(c: &'a Capability<'a>) -> Self {
        let value = match c {
            Capability::Multiprotocol { family: f } => CapabilityValue::Family {
                afi: f.afi.0,
                safi: f.safi.0,
                family: family(*f),
            },
            Capability::ExtendedNextHop(e) => CapabilityValue::ExtendedNextHop {
                families: Each(e, |&(afi, safi, next_hop_afi)| NextHopFamily {
                    afi,
                    safi,
                    next_hop_afi,
                }),
            },
            Capability::MultipleLabels(e) => CapabilityValue::MultipleLabels {
                families: Each(e, |&(f, count)| LabelsFamily {
                    afi: f.afi.0,
                    safi: f.safi.0,
                    family: family(f),
                    count,
                }),
            },
            Capability::Role(r) => CapabilityValue::Role {
                role: *r,
                role_name: codes::role_name(*r),
            },
            Capability::GracefulRestart {
                flags_and_time,
                families,
            } => CapabilityValue::GracefulRestart {
                restart_flags: flags_and_time >> 12,
                restart_time: flags_and_time & 0x0fff,
                families: Each(families, |&(f, flags)| RestartFamily {
                    afi: f.afi.0,
                    safi: f.safi.0,
                    family: family(f),
                    flags,
                }),
            },
            Capability::FourOctetAs(asn) => CapabilityValue::FourOctetAs { asn: *asn },
            Capability::AddPath(e) => CapabilityValue::AddPath {
                families: Each(e, |&(f, send_receive)| AddPathFamily {
                    afi: f.afi.0,
                    safi: f.safi.0,
                    family: family(f),
                    send_receive,
                    mode: codes::add_path_mode_name(send_receive),
                }),
            },
            Capability::Fqdn { host, domain } => CapabilityValue::Fqdn { host, domain },
            Capability::Other { value, .. } => CapabilityValue::Raw { raw: hex(value) },
            Capability::RouteRefresh { .. } | Capability::ExtendedMessage => {
                CapabilityValue::Nothing {}
            }
        };
        CapabilityJson {
            code: c.code(),
            name: codes::capability_name(c.code()),
            value,
        }
    }
}

#[derive(Serialize)]
struct NextHopFamily {
    afi: u16,
    safi: u16,
    next_hop_afi: u16,
}

#[derive(Serialize)]
struct LabelsFamily {
    afi: u16,
    safi: u8,
    family: Shown<Family>,
    count: u8,
}

#[derive(Serialize)]
struct RestartFamily {
    afi: u16,
    safi: u8,
    family: Shown<Family>,
    flags: u8,
}

#[derive(Serialize)]
struct AddPathFamily {
    afi: u16,
    safi: u8,
    family: Shown<Family>,
    send_receive: u8,
    mode: &'static str,
}

/// A NOTIFICATION: code and subcode with their names, its shutdown communication when it
/// carries one, and its data.
#[derive(Serialize)]
pub(crate) struct NotificationJson<'a> {
    #[serde(flatten)]
    named: NotificationReport,
    data: HexText<'a>,
}

impl<'a> NotificationJson<'a> {
    fn new(n: &Notification<'a>) -> Self {
        NotificationJson {
            named: NotificationReport::of(n),
            data: hex(n.data),
        }
    }
}

/// A NOTIFICATION PDU, or its octets when it does not decode as one.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum NotificationOrRaw<'a> {
    Decoded(NotificationJson<'a>),
    Raw { raw: HexText<'a> },
}

impl<'a> NotificationOrRaw<'a> {
    pub(crate) fn of(pdu: &BgpPdu<'a>) -> Self {
        match bgp::decode_pdu(pdu) {
            Ok(BgpMessage::Notification(n)) => {
                NotificationOrRaw::Decoded(NotificationJson::new(&n))
            }
            _ => NotificationOrRaw::Raw { raw: hex(pdu.raw) },
        }
    }
}

/// A BGP message as octets that may not even frame (Route Mirroring): its type, length, the
/// OPEN or NOTIFICATION it holds, and its octets.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum PduJson<'a> {
    Framed {
        #[serde(rename = "type")]
        msg_type: &'static str,
        length: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        notification: Option<NotificationOrRaw<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        open: Option<OwnedOpen<'a>>,
        raw: HexText<'a>,
    },
    Unframed {
        raw: HexText<'a>,
    },
}

impl<'a> PduJson<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        let Ok((_, pdu)) = bgp::split_pdu(bytes) else {
            return PduJson::Unframed { raw: hex(bytes) };
        };
        let (mut notification, mut open) = (None, None);
        match bgp::decode_pdu(&pdu) {
            Ok(BgpMessage::Notification(n)) => {
                notification = Some(NotificationOrRaw::Decoded(NotificationJson::new(&n)))
            }
            Ok(BgpMessage::Open(o)) => open = Some(OwnedOpen(o)),
            _ => {}
        }
        PduJson::Framed {
            msg_type: codes::bgp_message_type_name(pdu.msg_type),
            length: pdu.raw.len(),
            notification,
            open,
            raw: hex(pdu.raw),
        }
    }
}
