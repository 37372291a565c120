
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'bmpctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'bmpctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'bmpctl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in text output (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Print the message log of BMP streams: one line (or JSON object) per message and finding')
            [CompletionResult]::new('peers', 'peers', [CompletionResultType]::ParameterValue, 'One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics')
            [CompletionResult]::new('timeline', 'timeline', [CompletionResultType]::ParameterValue, 'Session and peer events in time order: sessions, Peer Up/Down with reasons, End-of-RIB, findings')
            [CompletionResult]::new('churn', 'churn', [CompletionResultType]::ParameterValue, 'Route churn per router, peer and RIB view and time bucket, the initial table dump apart')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Station mode: accept BMP sessions from routers and show them live (the message log, or a view re-drawn every few seconds)')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Station mode, dialling out: connect to routers whose BMP station slot listens (FRR `bmp listener`, Junos `connection-mode passive`), reconnecting with backoff')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send the BMP sessions of dumps or captures to a station over TCP, one connection per recorded session, at the recorded pace or as fast as possible')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bmpctl;decode' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Input format; by default recognised by content')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding')
            [CompletionResult]::new('--router', '--router', [CompletionResultType]::ParameterName, 'Only this router: its sysName, its address, or the stream name (repeatable)')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Only peers with this address or inside this prefix (repeatable)')
            [CompletionResult]::new('--rib', '--rib', [CompletionResultType]::ParameterName, 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)')
            [CompletionResult]::new('--afi', '--afi', [CompletionResultType]::ParameterName, 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events at or before this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in text output (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (NDJSON) instead of text; the schema is in docs/json.md')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show every route and attribute (text output)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show every route and attribute (text output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'bmpctl;peers' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Input format; by default recognised by content')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding')
            [CompletionResult]::new('--router', '--router', [CompletionResultType]::ParameterName, 'Only this router: its sysName, its address, or the stream name (repeatable)')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Only peers with this address or inside this prefix (repeatable)')
            [CompletionResult]::new('--rib', '--rib', [CompletionResultType]::ParameterName, 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)')
            [CompletionResult]::new('--afi', '--afi', [CompletionResultType]::ParameterName, 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events at or before this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in text output (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON document instead of a table; the schema is in docs/json.md')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'bmpctl;timeline' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Input format; by default recognised by content')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding')
            [CompletionResult]::new('--router', '--router', [CompletionResultType]::ParameterName, 'Only this router: its sysName, its address, or the stream name (repeatable)')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Only peers with this address or inside this prefix (repeatable)')
            [CompletionResult]::new('--rib', '--rib', [CompletionResultType]::ParameterName, 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)')
            [CompletionResult]::new('--afi', '--afi', [CompletionResultType]::ParameterName, 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events at or before this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in text output (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON document instead of a table; the schema is in docs/json.md')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'bmpctl;churn' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Input format; by default recognised by content')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding')
            [CompletionResult]::new('--router', '--router', [CompletionResultType]::ParameterName, 'Only this router: its sysName, its address, or the stream name (repeatable)')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Only peers with this address or inside this prefix (repeatable)')
            [CompletionResult]::new('--rib', '--rib', [CompletionResultType]::ParameterName, 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)')
            [CompletionResult]::new('--afi', '--afi', [CompletionResultType]::ParameterName, 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events at or before this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Bucket width (e.g. 10s, 1m, 1h); by default chosen from the time span')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many of the most churning prefixes and origin ASes to list')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in text output (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON document instead of a table; the schema is in docs/json.md')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'bmpctl;listen' {
            [CompletionResult]::new('--router', '--router', [CompletionResultType]::ParameterName, 'Only this router: its sysName, its address, or the stream name (repeatable)')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Only peers with this address or inside this prefix (repeatable)')
            [CompletionResult]::new('--rib', '--rib', [CompletionResultType]::ParameterName, 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)')
            [CompletionResult]::new('--afi', '--afi', [CompletionResultType]::ParameterName, 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events at or before this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--view', '--view', [CompletionResultType]::ParameterName, 'Show this view instead of the message log: re-drawn every --every on a terminal, and printed once more at the end')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'How often a view is re-drawn on a terminal (e.g. 500ms, 2s, 1m)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With `--view churn`: bucket width (e.g. 10s, 1m); by default chosen from the time span')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'With `--view churn`: how many of the most churning prefixes and origin ASes to list')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long (e.g. 30s, 10m, 2h)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many messages (those that pass the filters)')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Save each session''s bytes, exactly as received, to its own file in DIR (ADDRESS_PORT_STARTTIME.bmp), written as they arrive; `bmpctl decode` reads them')
            [CompletionResult]::new('--max-sessions', '--max-sessions', [CompletionResultType]::ParameterName, 'Most sessions at once; routers beyond it are refused (connection closed, message on stderr)')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Accept connections only from these addresses or prefixes (repeatable; by default from anywhere). Others are closed at once, with a message on stderr')
            [CompletionResult]::new('--port-file', '--port-file', [CompletionResultType]::ParameterName, 'Write the bound addresses (one per line) to FILE once listening')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in text output (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON: NDJSON messages, or the view''s JSON document at the end')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show every route and attribute (text message log)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show every route and attribute (text message log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'bmpctl;connect' {
            [CompletionResult]::new('--router', '--router', [CompletionResultType]::ParameterName, 'Only this router: its sysName, its address, or the stream name (repeatable)')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Only peers with this address or inside this prefix (repeatable)')
            [CompletionResult]::new('--rib', '--rib', [CompletionResultType]::ParameterName, 'Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable)')
            [CompletionResult]::new('--afi', '--afi', [CompletionResultType]::ParameterName, 'Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast, ipv6_vpn, l2vpn_evpn (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events at or before this time (RFC 3339 or epoch seconds)')
            [CompletionResult]::new('--view', '--view', [CompletionResultType]::ParameterName, 'Show this view instead of the message log: re-drawn every --every on a terminal, and printed once more at the end')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'How often a view is re-drawn on a terminal (e.g. 500ms, 2s, 1m)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With `--view churn`: bucket width (e.g. 10s, 1m); by default chosen from the time span')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'With `--view churn`: how many of the most churning prefixes and origin ASes to list')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long (e.g. 30s, 10m, 2h)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many messages (those that pass the filters)')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Save each session''s bytes, exactly as received, to its own file in DIR (ADDRESS_PORT_STARTTIME.bmp), written as they arrive; `bmpctl decode` reads them')
            [CompletionResult]::new('--retry-min', '--retry-min', [CompletionResultType]::ParameterName, 'First wait before reconnecting (doubled after each failed attempt)')
            [CompletionResult]::new('--retry-max', '--retry-max', [CompletionResultType]::ParameterName, 'Longest wait between attempts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in text output (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON: NDJSON messages, or the view''s JSON document at the end')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show every route and attribute (text message log)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show every route and attribute (text message log)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'bmpctl;replay' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Input format; by default recognised by content')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The station: HOST:PORT (IPv6 in brackets)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Pace factor: 2 replays twice as fast as recorded, 0.5 half as fast')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in text output (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--fast', '--fast', [CompletionResultType]::ParameterName, 'As fast as possible, ignoring recorded times')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'bmpctl;help' {
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Print the message log of BMP streams: one line (or JSON object) per message and finding')
            [CompletionResult]::new('peers', 'peers', [CompletionResultType]::ParameterValue, 'One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics')
            [CompletionResult]::new('timeline', 'timeline', [CompletionResultType]::ParameterValue, 'Session and peer events in time order: sessions, Peer Up/Down with reasons, End-of-RIB, findings')
            [CompletionResult]::new('churn', 'churn', [CompletionResultType]::ParameterValue, 'Route churn per router, peer and RIB view and time bucket, the initial table dump apart')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Station mode: accept BMP sessions from routers and show them live (the message log, or a view re-drawn every few seconds)')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Station mode, dialling out: connect to routers whose BMP station slot listens (FRR `bmp listener`, Junos `connection-mode passive`), reconnecting with backoff')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send the BMP sessions of dumps or captures to a station over TCP, one connection per recorded session, at the recorded pace or as fast as possible')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bmpctl;help;decode' {
            break
        }
        'bmpctl;help;peers' {
            break
        }
        'bmpctl;help;timeline' {
            break
        }
        'bmpctl;help;churn' {
            break
        }
        'bmpctl;help;listen' {
            break
        }
        'bmpctl;help;connect' {
            break
        }
        'bmpctl;help;replay' {
            break
        }
        'bmpctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
