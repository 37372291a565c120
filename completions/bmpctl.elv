
use builtin;
use str;

set edit:completion:arg-completer[bmpctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'bmpctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'bmpctl'= {
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand decode 'Print the message log of BMP streams: one line (or JSON object) per message and finding'
            cand peers 'One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics'
            cand timeline 'Session and peer events in time order: sessions, Peer Up/Down with reasons, End-of-RIB, findings'
            cand churn 'Route churn per router, peer and RIB view and time bucket, the initial table dump apart'
            cand listen 'Station mode: accept BMP sessions from routers and show them live (the message log, or a view re-drawn every few seconds)'
            cand connect 'Station mode, dialling out: connect to routers whose BMP station slot listens (FRR `bmp listener`, Junos `connection-mode passive`), reconnecting with backoff'
            cand replay 'Send the BMP sessions of dumps or captures to a station over TCP, one connection per recorded session, at the recorded pace or as fast as possible'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bmpctl;decode'= {
            cand --format 'Input format; by default recognised by content'
            cand --port 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)'
            cand --max-message 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding'
            cand --router 'Only this router: its sysName, its address, or the stream name (repeatable)'
            cand --peer 'Only peers with this address or inside this prefix (repeatable)'
            cand --rib 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)'
            cand --afi 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)'
            cand --since 'Only events at or after this time (RFC 3339 or epoch seconds)'
            cand --until 'Only events at or before this time (RFC 3339 or epoch seconds)'
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand --json 'One JSON object per line (NDJSON) instead of text; the schema is in docs/json.md'
            cand -v 'Show every route and attribute (text output)'
            cand --verbose 'Show every route and attribute (text output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;peers'= {
            cand --format 'Input format; by default recognised by content'
            cand --port 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)'
            cand --max-message 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding'
            cand --router 'Only this router: its sysName, its address, or the stream name (repeatable)'
            cand --peer 'Only peers with this address or inside this prefix (repeatable)'
            cand --rib 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)'
            cand --afi 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)'
            cand --since 'Only events at or after this time (RFC 3339 or epoch seconds)'
            cand --until 'Only events at or before this time (RFC 3339 or epoch seconds)'
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand --json 'One JSON document instead of a table; the schema is in docs/json.md'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;timeline'= {
            cand --format 'Input format; by default recognised by content'
            cand --port 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)'
            cand --max-message 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding'
            cand --router 'Only this router: its sysName, its address, or the stream name (repeatable)'
            cand --peer 'Only peers with this address or inside this prefix (repeatable)'
            cand --rib 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)'
            cand --afi 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)'
            cand --since 'Only events at or after this time (RFC 3339 or epoch seconds)'
            cand --until 'Only events at or before this time (RFC 3339 or epoch seconds)'
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand --json 'One JSON document instead of a table; the schema is in docs/json.md'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;churn'= {
            cand --format 'Input format; by default recognised by content'
            cand --port 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)'
            cand --max-message 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding'
            cand --router 'Only this router: its sysName, its address, or the stream name (repeatable)'
            cand --peer 'Only peers with this address or inside this prefix (repeatable)'
            cand --rib 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)'
            cand --afi 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)'
            cand --since 'Only events at or after this time (RFC 3339 or epoch seconds)'
            cand --until 'Only events at or before this time (RFC 3339 or epoch seconds)'
            cand --interval 'Bucket width (e.g. 10s, 1m, 1h); by default chosen from the time span'
            cand --top 'How many of the most churning prefixes and origin ASes to list'
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand --json 'One JSON document instead of a table; the schema is in docs/json.md'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;listen'= {
            cand --router 'Only this router: its sysName, its address, or the stream name (repeatable)'
            cand --peer 'Only peers with this address or inside this prefix (repeatable)'
            cand --rib 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)'
            cand --afi 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)'
            cand --since 'Only events at or after this time (RFC 3339 or epoch seconds)'
            cand --until 'Only events at or before this time (RFC 3339 or epoch seconds)'
            cand --view 'Show this view instead of the message log: re-drawn every --every on a terminal, and printed once more at the end'
            cand --every 'How often a view is re-drawn on a terminal (e.g. 500ms, 2s, 1m)'
            cand --interval 'With `--view churn`: bucket width (e.g. 10s, 1m); by default chosen from the time span'
            cand --top 'With `--view churn`: how many of the most churning prefixes and origin ASes to list'
            cand --max-message 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding'
            cand --duration 'Stop after this long (e.g. 30s, 10m, 2h)'
            cand --count 'Stop after this many messages (those that pass the filters)'
            cand --write 'Save each session''s bytes, exactly as received, to its own file in DIR (ADDRESS_PORT_STARTTIME.bmp), written as they arrive; `bmpctl decode` reads them'
            cand --max-sessions 'Most sessions at once; routers beyond it are refused (connection closed, message on stderr)'
            cand --allow 'Accept connections only from these addresses or prefixes (repeatable; by default from anywhere). Others are closed at once, with a message on stderr'
            cand --port-file 'Write the bound addresses (one per line) to FILE once listening'
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand --json 'JSON: NDJSON messages, or the view''s JSON document at the end'
            cand -v 'Show every route and attribute (text message log)'
            cand --verbose 'Show every route and attribute (text message log)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;connect'= {
            cand --router 'Only this router: its sysName, its address, or the stream name (repeatable)'
            cand --peer 'Only peers with this address or inside this prefix (repeatable)'
            cand --rib 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)'
            cand --afi 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)'
            cand --since 'Only events at or after this time (RFC 3339 or epoch seconds)'
            cand --until 'Only events at or before this time (RFC 3339 or epoch seconds)'
            cand --view 'Show this view instead of the message log: re-drawn every --every on a terminal, and printed once more at the end'
            cand --every 'How often a view is re-drawn on a terminal (e.g. 500ms, 2s, 1m)'
            cand --interval 'With `--view churn`: bucket width (e.g. 10s, 1m); by default chosen from the time span'
            cand --top 'With `--view churn`: how many of the most churning prefixes and origin ASes to list'
            cand --max-message 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding'
            cand --duration 'Stop after this long (e.g. 30s, 10m, 2h)'
            cand --count 'Stop after this many messages (those that pass the filters)'
            cand --write 'Save each session''s bytes, exactly as received, to its own file in DIR (ADDRESS_PORT_STARTTIME.bmp), written as they arrive; `bmpctl decode` reads them'
            cand --retry-min 'First wait before reconnecting (doubled after each failed attempt)'
            cand --retry-max 'Longest wait between attempts'
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand --json 'JSON: NDJSON messages, or the view''s JSON document at the end'
            cand -v 'Show every route and attribute (text message log)'
            cand --verbose 'Show every route and attribute (text message log)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;replay'= {
            cand --format 'Input format; by default recognised by content'
            cand --port 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)'
            cand --max-message 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding'
            cand --to 'The station: HOST:PORT (IPv6 in brackets)'
            cand --speed 'Pace factor: 2 replays twice as fast as recorded, 0.5 half as fast'
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand --fast 'As fast as possible, ignoring recorded times'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;help'= {
            cand decode 'Print the message log of BMP streams: one line (or JSON object) per message and finding'
            cand peers 'One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics'
            cand timeline 'Session and peer events in time order: sessions, Peer Up/Down with reasons, End-of-RIB, findings'
            cand churn 'Route churn per router, peer and RIB view and time bucket, the initial table dump apart'
            cand listen 'Station mode: accept BMP sessions from routers and show them live (the message log, or a view re-drawn every few seconds)'
            cand connect 'Station mode, dialling out: connect to routers whose BMP station slot listens (FRR `bmp listener`, Junos `connection-mode passive`), reconnecting with backoff'
            cand replay 'Send the BMP sessions of dumps or captures to a station over TCP, one connection per recorded session, at the recorded pace or as fast as possible'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bmpctl;help;decode'= {
        }
        &'bmpctl;help;peers'= {
        }
        &'bmpctl;help;timeline'= {
        }
        &'bmpctl;help;churn'= {
        }
        &'bmpctl;help;listen'= {
        }
        &'bmpctl;help;connect'= {
        }
        &'bmpctl;help;replay'= {
        }
        &'bmpctl;help;help'= {
        }
    ]
    $completions[$command]
}
