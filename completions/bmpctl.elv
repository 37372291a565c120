
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
            cand --json 'One JSON object per line (NDJSON) instead of text; the schema is in the README'
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
            cand --json 'One JSON document instead of a table; the schema is in the README'
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
            cand --json 'One JSON document instead of a table; the schema is in the README'
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
            cand --json 'One JSON document instead of a table; the schema is in the README'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;help'= {
            cand decode 'Print the message log of BMP streams: one line (or JSON object) per message and finding'
            cand peers 'One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics'
            cand timeline 'Session and peer events in time order: sessions, Peer Up/Down with reasons, End-of-RIB, findings'
            cand churn 'Route churn per router, peer and RIB view and time bucket, the initial table dump apart'
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
        &'bmpctl;help;help'= {
        }
    ]
    $completions[$command]
}
