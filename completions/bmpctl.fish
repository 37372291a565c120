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
complete -c bmpctl -n "__fish_bmpctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l format -d 'Input format; by default recognised by content' -r -f -a "auto\t'Recognise the format by content (pcap, pcapng, OpenBMP, raw BMP; gzip around any)'
raw\t'Raw BMP bytes as a router sends them'
pcap\t'pcap capture'
pcapng\t'pcapng capture'
openbmp\t'OpenBMP raw messages (binary OBMP or text header), as published on Kafka'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l port -d 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l max-message -d 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding' -r
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l color -d 'When to use colour in text output (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -l json -d 'One JSON object per line (NDJSON) instead of text; the schema is in the README'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -s v -l verbose -d 'Show every route and attribute (text output)'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand decode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode help" -f -a "decode" -d 'Print the message log of BMP streams: one line (or JSON object) per message and finding'
complete -c bmpctl -n "__fish_bmpctl_using_subcommand help; and not __fish_seen_subcommand_from decode help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
