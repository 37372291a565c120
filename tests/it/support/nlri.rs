//! NLRI parts written from the RFC layouts, shared by the address-family tests (`families`)
//! and the documented examples (`doc_examples`): route distinguisher, Ethernet segment, MPLS
//! label, EVPN routes (RFC 7432).

/// Route distinguisher 65000:1 (type 0, RFC 4364 section 4.2).
pub const RD_65000_1: [u8; 8] = [0, 0, 0xfd, 0xe8, 0, 0, 0, 1];

/// An Ethernet segment identifier of type 0 (RFC 7432 section 5).
pub const ESI: [u8; 10] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99];

/// An MPLS label field: 20-bit value, bottom of stack (RFC 3107 section 3).
pub fn label(v: u32) -> [u8; 3] {
    let x = (v << 4) | 1;
    [(x >> 16) as u8, (x >> 8) as u8, x as u8]
}

/// An EVPN route: route type, length, `value` (RFC 7432 section 7).
pub fn evpn_route(route_type: u8, value: &[u8]) -> Vec<u8> {
    [&[route_type, value.len() as u8][..], value].concat()
}

/// EVPN type 2 (MAC/IP advertisement): RD 65000:1, [`ESI`], tag 100, MAC 00:11:22:33:44:55,
/// IP 192.0.2.10, labels 1000 and 2000.
pub fn evpn_mac_ip() -> Vec<u8> {
    let v = [
        &RD_65000_1[..],
        &ESI,
        &100u32.to_be_bytes(),
        &[48],
        &[0x00, 0x11, 0x22, 0x33, 0x44, 0x55],
        &[32, 192, 0, 2, 10],
        &label(1000),
        &label(2000),
    ]
    .concat();
    assert_eq!(v.len(), 40);
    evpn_route(2, &v)
}
