
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
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bmpctl;decode'= {
            cand --format 'Input format; by default recognised by content'
            cand --port 'In captures, only TCP flows with this port on either side (by default every flow whose bytes frame as BMP, on any port)'
            cand --max-message 'Largest BMP message accepted, in bytes; longer ones are skipped by their length with a finding'
            cand --color 'When to use colour in text output (NO_COLOR in the environment also turns it off)'
            cand --json 'One JSON object per line (NDJSON) instead of text; the schema is in the README'
            cand -v 'Show every route and attribute (text output)'
            cand --verbose 'Show every route and attribute (text output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'bmpctl;help'= {
            cand decode 'Print the message log of BMP streams: one line (or JSON object) per message and finding'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bmpctl;help;decode'= {
        }
        &'bmpctl;help;help'= {
        }
    ]
    $completions[$command]
}
