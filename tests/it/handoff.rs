//! The hand-off between the decoding thread and the sink's thread (`bmpctl::handoff`): every
//! message of the shipped samples and of the real captures (when `../shared/captures` exists)
//! is packed into a batch as the decoding thread packs it, rebuilt as the other thread rebuilds
//! it, and must render exactly as the original (JSON and verbose text), with the route
//! identities that the original's UPDATE gives.

use crate::support;

use std::fs::File;
use std::path::{Path, PathBuf};

use bmpctl::decode::bgp::route_id::{RouteId, for_each_route_id};
use bmpctl::event::StreamCtx;
use bmpctl::event::{Event, RouterInfo};
use bmpctl::pipeline::handoff::{Batch, Item, redecode};
use bmpctl::render::{json, text};
use bmpctl::source::{self, SourceEvent, SourceOptions};
use bmpctl::stream::StreamDecoder;

/// Decodes `path` and checks the hand-off of every message; returns (messages, routes, the
/// messages as JSON).
fn check_file(path: &Path) -> (u64, u64, Vec<String>) {
    support::no_colour();
    let name = path.display().to_string();
    let opts = SourceOptions::named(&name);
    let mut decoders: Vec<(u64, StreamDecoder)> = Vec::new();
    let (mut messages, mut routes) = (0u64, 0u64);
    let mut rendered = Vec::new();
    let mut batch = Batch::default();
    let mut check = |router: &RouterInfo, ev: Event<'_>| {
        let Event::Message(d) = ev else { return };
        let ctx = StreamCtx::new(&name, router, None);
        batch.clear();
        batch.message(None, &d, true);
        let Some(Item::Message {
            offset,
            at,
            len,
            record,
            ids: (first, count),
            ..
        }) = batch.items.first()
        else {
            panic!("{name}: no message item");
        };
        let ids = &batch.ids[*first..first + count];
        let back = redecode(*offset, &batch.bytes[*at..at + len], record, Some(ids))
            .unwrap_or_else(|| panic!("{name} @{}: not rebuilt", d.offset));
        assert_eq!(
            serde_json::to_value(json::message(&ctx, &back)).unwrap(),
            serde_json::to_value(json::message(&ctx, &d)).unwrap(),
            "{name} @{}",
            d.offset
        );
        assert_eq!(
            text::message(&ctx, &back, true),
            text::message(&ctx, &d, true)
        );
        rendered.push(serde_json::to_string(&json::message(&ctx, &d)).unwrap());
        // The identities shipped with the batch must be those of the rebuilt UPDATE and plan.
        let mut want: Vec<RouteId> = Vec::new();
        if let Some((u, p)) = &back.update {
            for_each_route_id(u, p, |r| want.push(r));
            let want_ids = (!want.is_empty()).then_some(&want[..]);
            assert_eq!(back.route_ids, want_ids, "{name} @{}", d.offset);
        } else {
            assert_eq!(back.route_ids, None);
        }
        messages += 1;
        routes += want.len() as u64;
    };
    let file = File::open(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    source::run(file, &opts, &mut |ev| match ev {
        SourceEvent::StreamStart { id, .. } => {
            decoders.push((id.0, StreamDecoder::new(bmpctl::frame::DEFAULT_MAX_MESSAGE)))
        }
        SourceEvent::Data { id, bytes, .. } => {
            if let Some((_, dec)) = decoders.iter_mut().find(|(i, _)| *i == id.0) {
                dec.push(bytes, &mut check);
            }
        }
        SourceEvent::StreamEnd { id, .. } => {
            if let Some((_, dec)) = decoders.iter_mut().find(|(i, _)| *i == id.0) {
                dec.finish(&mut check);
            }
        }
        _ => {}
    })
    .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    (messages, routes, rendered)
}

fn samples() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut v = vec![root.join("synthetic-session.bmp")];
    for f in ["frr.pcap", "gobgp.pcap", "frr.bmp", "gobgp.bmp"] {
        v.push(root.join("recordings").join(f));
    }
    v
}

#[test]
fn samples_survive_the_handoff() {
    let (mut messages, mut routes) = (0, 0);
    for path in samples() {
        let (m, r, _) = check_file(&path);
        assert!(m > 0, "{}: no messages", path.display());
        messages += m;
        routes += r;
    }
    assert!(routes > 100, "{messages} messages, {routes} routes");
}

/// A built stream with what the samples may lack: Add-Path, an Add-Path fallback, a 2-octet
/// AS_PATH on a 4-octet session, Route Mirroring of an UPDATE, attributes that do not frame.
#[test]
fn plans_with_fallbacks_and_mirroring_survive_the_handoff() {
    use bmpctl::testkit::{bgp, bmp};
    let peer = bmp::Peer::global("192.0.2.1".parse().unwrap(), 65001, [192, 0, 2, 1]);
    let caps = [bgp::cap_as4(65001), bgp::cap_add_path(&[(1, 1, 3)])];
    let open = bgp::open(65001, 90, [192, 0, 2, 1], &caps);
    let attrs4 = [
        bgp::origin(0),
        bgp::as_path(&[(2, &[65001, 65002])], true),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    let attrs2 = [
        bgp::origin(0),
        bgp::as_path(&[(2, &[65001, 65002, 65003])], false),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    let with_ids = bgp::prefixes(Some(7), &["10.0.0.0/24", "10.0.1.0/24"]);
    let without_ids = bgp::prefixes(None, &["10.1.0.0/16", "10.2.0.0/16"]);
    let upd = |w: &[u8], a: &[u8], n: &[u8]| bgp::update(w, a, n);
    let mut broken = attrs4.clone();
    broken.extend_from_slice(&[0x40, 5, 9, 1]);
    let stream = [
        bmp::initiation(&[(2, b"r1")]),
        bmp::peer_up(
            &peer,
            "192.0.2.254".parse().unwrap(),
            179,
            40000,
            &open,
            &open,
            &[],
        ),
        bmp::route_monitoring(&peer, &upd(&[], &attrs4, &with_ids)),
        bmp::route_monitoring(&peer, &upd(&without_ids, &attrs4, &without_ids)),
        bmp::route_monitoring(&peer, &upd(&[], &attrs2, &with_ids)),
        bmp::route_monitoring(&peer, &upd(&[], &broken, &with_ids)),
        bmp::route_mirroring(&peer, &[(0, &upd(&[], &attrs4, &with_ids)), (1, &[0, 1])]),
    ]
    .concat();
    let path = std::env::temp_dir().join(format!("bmpctl-handoff-{}.bmp", std::process::id()));
    std::fs::write(&path, &stream).unwrap();
    let (messages, routes, json) = check_file(&path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(messages, 7);
    // 2, then 2 withdrawn + 2 announced, then 2, then 2 more (attributes that do not frame
    // still carry their NLRI), none for the rest.
    assert_eq!(routes, 10, "{json:#?}");
    assert!(json[3].contains("fallback:no_add_path"), "{}", json[3]);
    assert!(json[4].contains("fallback:2_octet_as"), "{}", json[4]);
    assert!(json[6].contains("10.0.1.0/24"), "{}", json[6]);
}

#[test]
fn real_captures_survive_the_handoff() {
    let Some(dir) = support::captures_dir() else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("captures folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for path in files {
        let (m, ..) = check_file(&path);
        assert!(m > 0, "{}: no messages", path.display());
    }
}
