# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_bmpctl_global_optspecs
    string join \n color= h/help V/version
end

function __fish_bmpctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_bmpctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_bmpctl_using_subcommand
    set -l cmd (__fish_bmpctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c bmpctl -n "__fish_bmpctl_needs_command" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -s V -l version -d 'Print version'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "decode" -d 'Print the message log of BMP streams: one line (or JSON object) per message and finding'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "peers" -d 'One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "timeline" -d 'Session and peer events in time order: sessions, Peer Up/Down with reasons, End-of-RIB, findings'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "churn" -d 'Route churn per router, peer and RIB view and time bucket, the initial table dump apart'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "listen" -d 'Station mode: accept BMP sessions from routers and show them live (the message log, or a view re-drawn every few seconds)'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "connect" -d 'Station mode, dialling out: connect to routers whose BMP station slot listens (FRR `bmp listener`, Junos `connection-mode passive`), reconnecting with backoff'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "replay" -d 'Send the BMP sessions of dumps or captures to a station over TCP, one connection per recorded session, at the recorded pace or as fast as possible'
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l format -d 'Input format; by default recognised by content' -r -f -a "auto\t'Recognise the format by content (pcap, pcapng, OpenBMP, raw BMP; gzip around any)'
raw\t'Raw BMP bytes as a router sends them'
pcap\t'pcap capture'
pcapng\t'pcapng capture'
openbmp\t'OpenBMP raw messages (binary OBMP or text header), as published on Kafka'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l port -d 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l max-message -d 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l router -d 'Only this router: its sysName, its address, or the stream name (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l peer -d 'Only peers with this address or inside this prefix (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l rib -d 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l afi -d 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l since -d 'Only events at or after this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l until -d 'Only events at or before this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l json -d 'One JSON object per line (NDJSON) instead of text; the schema is in docs/json.md'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -s v -l verbose -d 'Show every route and attribute (text output)'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l format -d 'Input format; by default recognised by content' -r -f -a "auto\t'Recognise the format by content (pcap, pcapng, OpenBMP, raw BMP; gzip around any)'
raw\t'Raw BMP bytes as a router sends them'
pcap\t'pcap capture'
pcapng\t'pcapng capture'
openbmp\t'OpenBMP raw messages (binary OBMP or text header), as published on Kafka'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l port -d 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l max-message -d 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l router -d 'Only this router: its sysName, its address, or the stream name (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l peer -d 'Only peers with this address or inside this prefix (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l rib -d 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l afi -d 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l since -d 'Only events at or after this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l until -d 'Only events at or before this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -l json -d 'One JSON document instead of a table; the schema is in docs/json.md'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand peers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l format -d 'Input format; by default recognised by content' -r -f -a "auto\t'Recognise the format by content (pcap, pcapng, OpenBMP, raw BMP; gzip around any)'
raw\t'Raw BMP bytes as a router sends them'
pcap\t'pcap capture'
pcapng\t'pcapng capture'
openbmp\t'OpenBMP raw messages (binary OBMP or text header), as published on Kafka'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l port -d 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l max-message -d 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l router -d 'Only this router: its sysName, its address, or the stream name (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l peer -d 'Only peers with this address or inside this prefix (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l rib -d 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l afi -d 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l since -d 'Only events at or after this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l until -d 'Only events at or before this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -l json -d 'One JSON document instead of a table; the schema is in docs/json.md'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand timeline" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l format -d 'Input format; by default recognised by content' -r -f -a "auto\t'Recognise the format by content (pcap, pcapng, OpenBMP, raw BMP; gzip around any)'
raw\t'Raw BMP bytes as a router sends them'
pcap\t'pcap capture'
pcapng\t'pcapng capture'
openbmp\t'OpenBMP raw messages (binary OBMP or text header), as published on Kafka'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l port -d 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l max-message -d 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l router -d 'Only this router: its sysName, its address, or the stream name (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l peer -d 'Only peers with this address or inside this prefix (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l rib -d 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l afi -d 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l since -d 'Only events at or after this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l until -d 'Only events at or before this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l interval -d 'Bucket width (e.g. 10s, 1m, 1h); by default chosen from the time span' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l top -d 'How many of the most churning prefixes and origin ASes to list' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -l json -d 'One JSON document instead of a table; the schema is in docs/json.md'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand churn" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l router -d 'Only this router: its sysName, its address, or the stream name (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l peer -d 'Only peers with this address or inside this prefix (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l rib -d 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l afi -d 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l since -d 'Only events at or after this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l until -d 'Only events at or before this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l view -d 'Show this view instead of the message log: re-drawn every --every on a terminal, and printed once more at the end' -r -f -a "peers\t'One row per monitored peer and RIB view'
timeline\t'Sessions and peer events in time order'
churn\t'Route churn per router, peer and time bucket'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l every -d 'How often a view is re-drawn on a terminal (e.g. 500ms, 2s, 1m)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l interval -d 'With `--view churn`: bucket width (e.g. 10s, 1m); by default chosen from the time span' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l top -d 'With `--view churn`: how many of the most churning prefixes and origin ASes to list' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l max-message -d 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l duration -d 'Stop after this long (e.g. 30s, 10m, 2h)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l count -d 'Stop after this many messages (those that pass the filters)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l write -d 'Save each session\'s bytes, exactly as received, to its own file in DIR (ADDRESS_PORT_STARTTIME.bmp), written as they arrive; `bmpctl decode` reads them' -r -F
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l max-sessions -d 'Most sessions at once; routers beyond it are refused (connection closed, message on stderr)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l allow -d 'Accept connections only from these addresses or prefixes (repeatable; by default from anywhere). Others are closed at once, with a message on stderr' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l port-file -d 'Write the bound addresses (one per line) to FILE once listening' -r -F
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -l json -d 'JSON: NDJSON messages, or the view\'s JSON document at the end'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -s v -l verbose -d 'Show every route and attribute (text message log)'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l router -d 'Only this router: its sysName, its address, or the stream name (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l peer -d 'Only peers with this address or inside this prefix (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l rib -d 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l afi -d 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l since -d 'Only events at or after this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l until -d 'Only events at or before this time (RFC 3339 or epoch seconds)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l view -d 'Show this view instead of the message log: re-drawn every --every on a terminal, and printed once more at the end' -r -f -a "peers\t'One row per monitored peer and RIB view'
timeline\t'Sessions and peer events in time order'
churn\t'Route churn per router, peer and time bucket'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l every -d 'How often a view is re-drawn on a terminal (e.g. 500ms, 2s, 1m)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l interval -d 'With `--view churn`: bucket width (e.g. 10s, 1m); by default chosen from the time span' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l top -d 'With `--view churn`: how many of the most churning prefixes and origin ASes to list' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l max-message -d 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l duration -d 'Stop after this long (e.g. 30s, 10m, 2h)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l count -d 'Stop after this many messages (those that pass the filters)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l write -d 'Save each session\'s bytes, exactly as received, to its own file in DIR (ADDRESS_PORT_STARTTIME.bmp), written as they arrive; `bmpctl decode` reads them' -r -F
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l retry-min -d 'First wait before reconnecting (doubled after each failed attempt)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l retry-max -d 'Longest wait between attempts' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -l json -d 'JSON: NDJSON messages, or the view\'s JSON document at the end'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -s v -l verbose -d 'Show every route and attribute (text message log)'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand replay" -l format -d 'Input format; by default recognised by content' -r -f -a "auto\t'Recognise the format by content (pcap, pcapng, OpenBMP, raw BMP; gzip around any)'
raw\t'Raw BMP bytes as a router sends them'
pcap\t'pcap capture'
pcapng\t'pcapng capture'
openbmp\t'OpenBMP raw messages (binary OBMP or text header), as published on Kafka'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand replay" -l port -d 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand replay" -l max-message -d 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand replay" -l to -d 'The station: HOST:PORT (IPv6 in brackets)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand replay" -l speed -d 'Pace factor: 2 replays twice as fast as recorded, 0.5 half as fast' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand replay" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand replay" -l fast -d 'As fast as possible, ignoring recorded times'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode peers timeline churn listen connect replay help" -f -a "decode" -d 'Print the message log of BMP streams: one line (or JSON object) per message and finding'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode peers timeline churn listen connect replay help" -f -a "peers" -d 'One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode peers timeline churn listen connect replay help" -f -a "timeline" -d 'Session and peer events in time order: sessions, Peer Up/Down with reasons, End-of-RIB, findings'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode peers timeline churn listen connect replay help" -f -a "churn" -d 'Route churn per router, peer and RIB view and time bucket, the initial table dump apart'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode peers timeline churn listen connect replay help" -f -a "listen" -d 'Station mode: accept BMP sessions from routers and show them live (the message log, or a view re-drawn every few seconds)'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode peers timeline churn listen connect replay help" -f -a "connect" -d 'Station mode, dialling out: connect to routers whose BMP station slot listens (FRR `bmp listener`, Junos `connection-mode passive`), reconnecting with backoff'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode peers timeline churn listen connect replay help" -f -a "replay" -d 'Send the BMP sessions of dumps or captures to a station over TCP, one connection per recorded session, at the recorded pace or as fast as possible'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode peers timeline churn listen connect replay help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
