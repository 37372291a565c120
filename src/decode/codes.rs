//! Names for the IANA code points of BMP and BGP. Every function is total: an unknown value gets a
//! name that says so, never an error. Codes that a decoder also matches on are its named
//! constants here, so that each is written once.

use crate::decode::bgp::{self, as_path, attr};
use crate::decode::bmp::route_monitoring::V4_TLV_BGP_PDU;
use crate::decode::bmp::{info, mirroring, v4};

/// Peer Down reason codes (RFC 7854 §4.9, RFC 9069).
pub fn peer_down_reason_name(code: u8) -> &'static str {
    match code {
        0 => "reserved",
        1 => "local system closed, NOTIFICATION follows",
        2 => "local system closed, FSM event follows",
        3 => "remote system closed, NOTIFICATION follows",
        4 => "remote system closed, no data",
        5 => "peer de-configured",
        6 => "local system closed, TLV data follows",
        251..=254 => "experimental",
        _ => "unknown",
    }
}

/// Termination reason codes (RFC 7854 §4.5).
pub fn termination_reason_name(code: u16) -> &'static str {
    match code {
        0 => "session administratively closed",
        1 => "unspecified reason",
        2 => "out of resources",
        3 => "redundant connection",
        4 => "session permanently administratively closed",
        65531..=65534 => "experimental",
        _ => "unknown",
    }
}

/// Initiation and Termination information TLV types.
pub fn initiation_tlv_name(tlv_type: u16) -> &'static str {
    match tlv_type {
        info::STRING => "string",
        info::SYS_DESCR => "sys_descr",
        info::SYS_NAME => "sys_name",
        info::VRF_TABLE_NAME => "vrf_table_name",
        info::ADMIN_LABEL => "admin_label",
        65531..=65534 => "experimental",
        _ => "unknown",
    }
}

/// Termination TLV types.
pub fn termination_tlv_name(tlv_type: u16) -> &'static str {
    match tlv_type {
        info::STRING => "string",
        info::TERMINATION_REASON => "reason",
        65531..=65534 => "experimental",
        _ => "unknown",
    }
}

/// Peer Up information TLV types (RFC 9736 namespace).
pub fn peer_up_tlv_name(tlv_type: u16) -> &'static str {
    match tlv_type {
        info::STRING => "string",
        info::VRF_TABLE_NAME => "vrf_table_name",
        info::ADMIN_LABEL => "admin_label",
        65531..=65534 => "experimental",
        _ => "unknown",
    }
}

/// Route Mirroring TLV types.
pub fn mirroring_tlv_name(tlv_type: u16) -> &'static str {
    match tlv_type {
        mirroring::TLV_BGP_MESSAGE => "bgp_message",
        mirroring::TLV_INFORMATION => "information",
        _ => "unknown",
    }
}

/// Route Mirroring information codes.
pub fn mirroring_info_name(code: u16) -> &'static str {
    match code {
        mirroring::INFO_ERRORED_PDU => "errored PDU",
        mirroring::INFO_MESSAGES_LOST => "messages lost",
        _ => "unknown",
    }
}

/// BMPv4 Route Monitoring / Peer Down TLV types (draft-ietf-grow-bmp-tlv).
pub fn v4_tlv_name(tlv_type: u16) -> &'static str {
    match tlv_type {
        v4::TLV_STATELESS_PARSING => "stateless_parsing",
        v4::TLV_GROUP => "group",
        v4::TLV_VRF_TABLE_NAME => "vrf_table_name",
        V4_TLV_BGP_PDU => "bgp_pdu",
        v4::TLV_PATH_STATUS => "path_status",
        _ => "unknown",
    }
}

/// Names of Statistics Report types 0-43 (RFC 7854, RFC 8671, RFC 9972).
pub fn stat_name(stat_type: u16) -> &'static str {
    match stat_type {
        0 => "prefixes rejected by inbound policy",
        1 => "duplicate prefix advertisements",
        2 => "duplicate withdraws",
        3 => "updates invalidated due to CLUSTER_LIST loop",
        4 => "updates invalidated due to AS_PATH loop",
        5 => "updates invalidated due to ORIGINATOR_ID",
        6 => "updates invalidated due to AS_CONFED loop",
        7 => "routes in Adj-RIBs-In",
        8 => "routes in Loc-RIB",
        9 => "routes in per-AFI/SAFI Adj-RIB-In",
        10 => "routes in per-AFI/SAFI Loc-RIB",
        11 => "updates subjected to treat-as-withdraw",
        12 => "prefixes subjected to treat-as-withdraw",
        13 => "duplicate update messages received",
        14 => "routes in pre-policy Adj-RIB-Out",
        15 => "routes in post-policy Adj-RIB-Out",
        16 => "routes in per-AFI/SAFI pre-policy Adj-RIB-Out",
        17 => "routes in per-AFI/SAFI post-policy Adj-RIB-Out",
        18 => "routes in pre-policy Adj-RIB-In",
        19 => "routes in per-AFI/SAFI pre-policy Adj-RIB-In",
        20 => "routes in post-policy Adj-RIB-In",
        21 => "routes in per-AFI/SAFI post-policy Adj-RIB-In",
        22 => "routes in per-AFI/SAFI pre-policy Adj-RIB-In rejected by inbound policy",
        23 => "routes in per-AFI/SAFI post-policy Adj-RIB-In accepted by inbound policy",
        24 | 25 => "unassigned",
        26 => "routes in per-AFI/SAFI suppressed by damping",
        27 => "routes in per-AFI/SAFI marked stale by graceful restart",
        28 => "routes in per-AFI/SAFI marked stale by long-lived graceful restart",
        29 => "routes in post-policy Adj-RIB-In left before threshold",
        30 => "routes in per-AFI/SAFI post-policy Adj-RIB-In left before threshold",
        31 => "routes in Adj-RIB-In or Loc-RIB left before license threshold",
        32 => "routes in per-AFI/SAFI Adj-RIB-In or Loc-RIB left before license threshold",
        33 => "routes in pre-policy Adj-RIB-In rejected due to max AS_PATH length",
        34 => "routes in per-AFI/SAFI pre-policy Adj-RIB-In rejected due to max AS_PATH length",
        35 => "routes in per-AFI/SAFI post-policy Adj-RIB-In invalidated by RPKI (invalid)",
        36 => "routes in per-AFI/SAFI post-policy Adj-RIB-In validated by RPKI (valid)",
        37 => "routes in per-AFI/SAFI post-policy Adj-RIB-In with RPKI state not found",
        38 => "routes in per-AFI/SAFI pre-policy Adj-RIB-Out rejected by outbound policy",
        39 => "routes in pre-policy Adj-RIB-Out filtered due to max AS_PATH length",
        40 => "routes in per-AFI/SAFI pre-policy Adj-RIB-Out filtered due to max AS_PATH length",
        41 => "routes in per-AFI/SAFI post-policy Adj-RIB-Out invalidated by RPKI (invalid)",
        42 => "routes in per-AFI/SAFI post-policy Adj-RIB-Out validated by RPKI (valid)",
        43 => "routes in per-AFI/SAFI post-policy Adj-RIB-Out with RPKI state not found",
        65531 => "experimental (FRR: prefixes rejected due to invalid next-hop)",
        65532..=65534 => "experimental",
        _ => "unknown",
    }
}

/// BGP message types.
pub fn bgp_message_type_name(msg_type: u8) -> &'static str {
    match msg_type {
        bgp::TYPE_OPEN => "open",
        bgp::TYPE_UPDATE => "update",
        bgp::TYPE_NOTIFICATION => "notification",
        bgp::TYPE_KEEPALIVE => "keepalive",
        bgp::TYPE_ROUTE_REFRESH => "route_refresh",
        _ => "unknown",
    }
}

/// BGP NOTIFICATION error codes (RFC 4271 §4.5 and later).
pub fn notification_code_name(code: u8) -> &'static str {
    match code {
        1 => "message header error",
        2 => "OPEN message error",
        3 => "UPDATE message error",
        4 => "hold timer expired",
        5 => "finite state machine error",
        6 => "cease",
        7 => "ROUTE-REFRESH message error",
        8 => "send hold timer expired",
        _ => "unknown",
    }
}

/// BGP NOTIFICATION subcode names, per error code.
pub fn notification_subcode_name(code: u8, subcode: u8) -> &'static str {
    match (code, subcode) {
        (1, 1) => "connection not synchronized",
        (1, 2) => "bad message length",
        (1, 3) => "bad message type",
        (2, 1) => "unsupported version number",
        (2, 2) => "bad peer AS",
        (2, 3) => "bad BGP identifier",
        (2, 4) => "unsupported optional parameter",
        (2, 6) => "unacceptable hold time",
        (2, 7) => "unsupported capability",
        (2, 11) => "role mismatch",
        (3, 1) => "malformed attribute list",
        (3, 2) => "unrecognized well-known attribute",
        (3, 3) => "missing well-known attribute",
        (3, 4) => "attribute flags error",
        (3, 5) => "attribute length error",
        (3, 6) => "invalid ORIGIN attribute",
        (3, 8) => "invalid NEXT_HOP attribute",
        (3, 9) => "optional attribute error",
        (3, 10) => "invalid network field",
        (3, 11) => "malformed AS_PATH",
        (5, 1) => "receive unexpected message in OpenSent state",
        (5, 2) => "receive unexpected message in OpenConfirm state",
        (5, 3) => "receive unexpected message in Established state",
        (6, 1) => "maximum number of prefixes reached",
        (6, 2) => "administrative shutdown",
        (6, 3) => "peer de-configured",
        (6, 4) => "administrative reset",
        (6, 5) => "connection rejected",
        (6, 6) => "other configuration change",
        (6, 7) => "connection collision resolution",
        (6, 8) => "out of resources",
        (6, 9) => "hard reset",
        (6, 10) => "BFD down",
        (7, 1) => "invalid message length",
        (_, 0) => "unspecific",
        _ => "unknown",
    }
}

/// BGP FSM event names (RFC 4271 §8.1), as carried by Peer Down reason 2.
pub fn fsm_event_name(event: u16) -> &'static str {
    match event {
        0 => "no event given",
        1 => "ManualStart",
        2 => "ManualStop",
        3 => "AutomaticStart",
        4 => "ManualStart_with_PassiveTcpEstablishment",
        5 => "AutomaticStart_with_PassiveTcpEstablishment",
        6 => "AutomaticStart_with_DampPeerOscillations",
        7 => "AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment",
        8 => "AutomaticStop",
        9 => "ConnectRetryTimer_Expires",
        10 => "HoldTimer_Expires",
        11 => "KeepaliveTimer_Expires",
        12 => "DelayOpenTimer_Expires",
        13 => "IdleHoldTimer_Expires",
        14 => "TcpConnection_Valid",
        15 => "Tcp_CR_Invalid",
        16 => "Tcp_CR_Acked",
        17 => "TcpConnectionConfirmed",
        18 => "TcpConnectionFails",
        19 => "BGPOpen",
        20 => "BGPOpen with DelayOpenTimer running",
        21 => "BGPHeaderErr",
        22 => "BGPOpenMsgErr",
        23 => "OpenCollisionDump",
        24 => "NotifMsgVerErr",
        25 => "NotifMsg",
        26 => "KeepAliveMsg",
        27 => "UpdateMsg",
        28 => "UpdateMsgErr",
        _ => "unknown",
    }
}

/// BGP capability codes.
pub fn capability_name(code: u8) -> &'static str {
    match code {
        1 => "multiprotocol",
        2 => "route_refresh",
        3 => "outbound_route_filtering",
        5 => "extended_next_hop",
        6 => "extended_message",
        7 => "bgpsec",
        8 => "multiple_labels",
        9 => "role",
        64 => "graceful_restart",
        65 => "four_octet_as",
        67 => "dynamic_capability",
        68 => "multisession",
        69 => "add_path",
        70 => "enhanced_route_refresh",
        71 => "long_lived_graceful_restart",
        73 => "fqdn",
        74 => "bfd",
        75 => "software_version",
        76 => "paths_limit",
        128 => "route_refresh_cisco",
        131 => "multisession_cisco",
        239..=254 => "experimental",
        _ => "unknown",
    }
}

/// BGP Role capability values (RFC 9234).
pub fn role_name(role: u8) -> &'static str {
    match role {
        0 => "provider",
        1 => "route_server",
        2 => "route_server_client",
        3 => "customer",
        4 => "peer",
        _ => "unknown",
    }
}

/// Add-Path send/receive values (RFC 7911).
pub fn add_path_mode_name(mode: u8) -> &'static str {
    match mode {
        1 => "receive",
        2 => "send",
        3 => "send_receive",
        _ => "invalid",
    }
}

/// Path attribute type codes.
pub fn attribute_name(code: u8) -> &'static str {
    match code {
        attr::ORIGIN => "origin",
        attr::AS_PATH => "as_path",
        attr::NEXT_HOP => "next_hop",
        attr::MED => "med",
        attr::LOCAL_PREF => "local_pref",
        attr::ATOMIC_AGGREGATE => "atomic_aggregate",
        attr::AGGREGATOR => "aggregator",
        attr::COMMUNITIES => "communities",
        attr::ORIGINATOR_ID => "originator_id",
        attr::CLUSTER_LIST => "cluster_list",
        attr::MP_REACH => "mp_reach_nlri",
        attr::MP_UNREACH => "mp_unreach_nlri",
        attr::EXTENDED_COMMUNITIES => "extended_communities",
        attr::AS4_PATH => "as4_path",
        attr::AS4_AGGREGATOR => "as4_aggregator",
        attr::PMSI_TUNNEL => "pmsi_tunnel",
        attr::TUNNEL_ENCAPSULATION => "tunnel_encapsulation",
        attr::IPV6_EXTENDED_COMMUNITIES => "ipv6_extended_communities",
        attr::AIGP => "aigp",
        attr::BGP_LS => "bgp_ls",
        attr::LARGE_COMMUNITIES => "large_communities",
        attr::BGPSEC_PATH => "bgpsec_path",
        attr::OTC => "otc",
        attr::PREFIX_SID => "prefix_sid",
        attr::ATTR_SET => "attr_set",
        _ => "unknown",
    }
}

/// ORIGIN values.
pub fn origin_name(origin: u8) -> &'static str {
    match origin {
        0 => "igp",
        1 => "egp",
        2 => "incomplete",
        _ => "invalid",
    }
}

/// AS_PATH segment types.
pub fn as_path_segment_name(segment_type: u8) -> &'static str {
    match segment_type {
        as_path::AS_SET => "as_set",
        as_path::AS_SEQUENCE => "as_sequence",
        as_path::AS_CONFED_SEQUENCE => "as_confed_sequence",
        as_path::AS_CONFED_SET => "as_confed_set",
        _ => "invalid",
    }
}

/// Well-known communities (RFC 1997, RFC 7999, RFC 8326, RFC 9494).
pub fn well_known_community(value: u32) -> Option<&'static str> {
    Some(match value {
        0xFFFF_0000 => "graceful-shutdown",
        0xFFFF_0001 => "accept-own",
        0xFFFF_0002 => "route-filter-translated-v4",
        0xFFFF_0003 => "route-filter-v4",
        0xFFFF_0004 => "route-filter-translated-v6",
        0xFFFF_0005 => "route-filter-v6",
        0xFFFF_0006 => "llgr-stale",
        0xFFFF_0007 => "no-llgr",
        0xFFFF_0008 => "accept-own-nexthop",
        0xFFFF_0009 => "standby-pe",
        0xFFFF_029A => "blackhole",
        0xFFFF_FF01 => "no-export",
        0xFFFF_FF02 => "no-advertise",
        0xFFFF_FF03 => "no-export-subconfed",
        0xFFFF_FF04 => "no-peer",
        _ => return None,
    })
}
