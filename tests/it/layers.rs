//! The layers of docs/architecture.md, checked: every path of the library's code that leaves
//! its top-level module (`crate::X`, `crate::{X, Y}`, `super::super::X`; comments and
//! literals aside) names a module the doc lets it import, and the top-level modules import
//! each other without a cycle. A path form the checker cannot resolve fails the test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The diagram of docs/architecture.md, lowest layer first: a module may import its own layer
/// and the layers below it, except what [`NOT_IMPORTED`] rules out.
const LAYERS: &[&[&str]] = &[
    &["testkit"],
    &["time", "hash", "exit"],
    &["decode"],
    &["frame", "session", "finding"],
    &["event", "identity"],
    &["stream", "filter"],
    &["source", "live"],
    &["analysis"],
    &["render"],
    &["pipeline"],
    &["cli", "app"],
];

/// Lower layers that a module may not import all the same (docs/architecture.md, the
/// "Imports" of each layer): the views and their rendering work on events, whatever input
/// they came from.
const NOT_IMPORTED: &[(&str, &[&str])] = &[
    ("analysis", &["source", "live"]),
    ("render", &["source", "live"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Why `module` may not import `used`, if it may not.
fn forbidden(module: &str, used: &str) -> Option<String> {
    let (own, theirs) = (layer_of(module)?, layer_of(used));
    match theirs {
        None => Some(format!("crate::{used} is in no layer")),
        Some(l) if l > own => Some(format!("{module} uses crate::{used}, a higher layer")),
        Some(_)
            if NOT_IMPORTED
                .iter()
                .any(|(m, not)| *m == module && not.contains(&used)) =>
        {
            Some(format!(
                "{module} uses crate::{used}, which the doc keeps out of {module}"
            ))
        }
        Some(_) => None,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file of src/ (`src/analysis/peers/mod.rs`: `analysis::peers`,
/// `src/analysis/peers/report.rs`: `analysis::peers::report`; `src/lib.rs`: the root).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut path: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        path.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        path.pop();
    }
    path
}

/// A token of Rust source, as far as paths need: identifiers (and keywords, and numbers),
/// `::`, and single punctuation characters. Comments and literals are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let ident_char = |c: char| c.is_alphanumeric() || c == '_';
    let word_end = |mut j: usize| {
        while j < chars.len() && ident_char(chars[j]) {
            j += 1;
        }
        j
    };
    // The end of a quoted literal whose opening quote is at `i` (escapes honoured).
    let quoted = |mut i: usize| -> Result<usize, String> {
        let quote = chars[i];
        i += 1;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 2,
                c if c == quote => return Ok(i + 1),
                _ => i += 1,
            }
        }
        Err(format!("unterminated {quote}-literal"))
    };
    // The end of a raw string whose hashes or quote start at `i`: `"..."`, `#"..."#`, ...
    let raw = |i: usize| -> Result<usize, String> {
        let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
        let mut j = i + hashes;
        if chars.get(j) != Some(&'"') {
            return Err("a raw string without its quote".into());
        }
        j += 1;
        while j < chars.len() {
            let closes =
                chars[j + 1..].iter().take(hashes).all(|&c| c == '#') && j + hashes < chars.len();
            if chars[j] == '"' && closes {
                return Ok(j + 1 + hashes);
            }
            j += 1;
        }
        Err("unterminated raw string".into())
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('/'), Some('*')) => {
                        depth += 1;
                        i += 2;
                    }
                    (Some('*'), Some('/')) => {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    }
                    (Some(_), _) => i += 1,
                    (None, _) => return Err("unterminated block comment".into()),
                }
            }
        } else if c == '"' {
            i = quoted(i)?;
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1F600}') or a lifetime ('a, 'static).
            if next == Some('\\') || chars.get(i + 2) == Some(&'\'') {
                i = quoted(i)?;
            } else {
                i += 1;
            }
        } else if ident_char(c) {
            let j = word_end(i);
            let word: String = chars[i..j].iter().collect();
            let after = chars.get(j).copied();
            let after2 = chars.get(j + 1).copied();
            i = match (word.as_str(), after) {
                // Literals with a prefix: b"..", c"..", b'.', r"..", r#".."#, br"..", cr"..".
                ("b" | "c", Some('"')) | ("b", Some('\'')) => quoted(j)?,
                ("r", Some('#')) if after2.is_some_and(ident_char) => {
                    // A raw identifier: r#type.
                    let end = word_end(j + 1);
                    out.push(Token::Ident(chars[j + 1..end].iter().collect()));
                    end
                }
                ("r" | "br" | "cr", Some('"' | '#')) => raw(j)?,
                _ => {
                    out.push(Token::Ident(word));
                    j
                }
            };
        } else if c == ':' && next == Some(':') {
            out.push(Token::PathSep);
            i += 2;
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    Ok(out)
}

/// The top-level modules named by paths that leave the top-level module of the code (`text`,
/// at module path `module`): `crate::X`, `crate::{X, Y::{..}}` (groups nested as deep as
/// they go) and `super` chains that reach the crate root (`super::super::X` from `a::b`;
/// inline modules such as `mod tests {` count). Comments and literals do not count. A form it
/// cannot resolve is an error: a glob of the crate root, a `super` past it, a path cut short.
fn uses(text: &str, module: &[&str]) -> Result<BTreeSet<String>, String> {
    let toks = tokens(text)?;
    let mut out = BTreeSet::new();
    // The inline modules open at this point, each with the brace depth of its inside.
    let mut inline: Vec<(&str, usize)> = Vec::new();
    let mut depth = 0usize;
    let ident = |i: usize, word: &str| matches!(toks.get(i), Some(Token::Ident(w)) if w == word);
    let mut i = 0;
    while i < toks.len() {
        // `crate` and `super` start a path unless they follow `::` (`a::super` is no path
        // start; `$crate::x` is one).
        let path_start = i == 0 || toks[i - 1] != Token::PathSep;
        let then_sep = toks.get(i + 1) == Some(&Token::PathSep);
        match &toks[i] {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                if inline.last().is_some_and(|&(_, d)| d == depth) {
                    inline.pop();
                }
                depth = depth.checked_sub(1).ok_or("a `}` without its `{`")?;
            }
            Token::Ident(w) if w == "mod" => {
                if let (Some(Token::Ident(name)), Some(Token::Punct('{'))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    inline.push((name, depth + 1));
                }
            }
            Token::Ident(w) if w == "crate" && path_start && then_sep => {
                i = root_names(&toks, i + 2, &mut out)?;
                continue;
            }
            Token::Ident(w) if w == "super" && path_start && then_sep => {
                let mut supers = 0;
                let mut j = i;
                while ident(j, "super") && toks.get(j + 1) == Some(&Token::PathSep) {
                    supers += 1;
                    j += 2;
                }
                // `pub(in super::super)`: the chain ends on a bare `super`, naming no item.
                let bare = ident(j, "super");
                if bare {
                    supers += 1;
                    j += 1;
                }
                let here = module.len() + inline.len();
                if supers > here {
                    return Err(format!(
                        "`{}` goes past the crate root",
                        vec!["super"; supers].join("::")
                    ));
                }
                if supers == here && !bare {
                    i = root_names(&toks, j, &mut out)?;
                    continue;
                }
                // Still inside the module's own top-level module.
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if depth != 0 {
        return Err("a `{` without its `}`".into());
    }
    Ok(out)
}

/// Reads the use tree at `at`, which follows a path to the crate root, into `out` (its first
/// segments are top-level modules); returns where it ends: after the first segment of a plain
/// path (the rest is walked as any code), after the group's `}` for a group.
fn root_names(toks: &[Token], at: usize, out: &mut BTreeSet<String>) -> Result<usize, String> {
    match toks.get(at) {
        Some(Token::Ident(name)) => {
            // `crate::{self, ..}`: the root itself, no module.
            if name != "self" {
                out.insert(name.clone());
            }
            Ok(at + 1)
        }
        Some(Token::Punct('{')) => {
            let mut i = at + 1;
            loop {
                // One item of the group: a use tree of the root.
                if toks.get(i) == Some(&Token::Punct('}')) {
                    return Ok(i + 1);
                }
                i = root_names(toks, i, out)?;
                // The rest of the item (`::b::{c, d}`, `as e`), nested groups included.
                let mut nested = 0usize;
                loop {
                    match toks.get(i) {
                        Some(Token::Punct('{')) => nested += 1,
                        Some(Token::Punct('}')) if nested == 0 => return Ok(i + 1),
                        Some(Token::Punct('}')) => nested -= 1,
                        Some(Token::Punct(',')) if nested == 0 => {
                            i += 1;
                            break;
                        }
                        Some(_) => {}
                        None => return Err("a `crate::{` group without its `}`".into()),
                    }
                    i += 1;
                }
            }
        }
        Some(Token::Punct('*')) => {
            Err("a glob of the crate root (`crate::*`): name the modules".into())
        }
        other => Err(format!(
            "a path to the crate root cut short (then {other:?})"
        )),
    }
}

#[test]
fn every_module_imports_what_the_doc_lets_it_import() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let path = module_path(&src, file);
        let Some(module) = path.first().cloned() else {
            continue; // lib.rs and main.rs: the root
        };
        if layer_of(&module).is_none() {
            wrong.push(format!(
                "{}: module {module} is in no layer of this test (and of docs/architecture.md)",
                file.display()
            ));
            continue;
        }
        let text = std::fs::read_to_string(file).expect("read a source file");
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let used = match uses(&text, &path) {
            Ok(used) => used,
            Err(e) => {
                wrong.push(format!("{}: cannot check: {e}", file.display()));
                continue;
            }
        };
        for used in used {
            if used == module {
                continue;
            }
            match forbidden(&module, &used) {
                Some(why) => wrong.push(format!("{}: {why}", file.display())),
                None => {
                    graph.entry(module.clone()).or_default().insert(used);
                }
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
    // Within a layer, no cycle between modules either.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            return Some(path[i..].to_vec());
        }
        if !done.insert(m.to_string()) {
            return None;
        }
        path.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(m, &graph, &mut path, &mut done) {
            panic!(
                "import cycle between top-level modules: {}",
                cycle.join(" -> ")
            );
        }
    }
}

fn names(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_checker_sees_a_use_and_ignores_comments() {
    let seen = uses(
        "use crate::render::Format; // crate::pipeline\n/// [`crate::app`]\nlet x = crate::time::Timestamp::now();",
        &["analysis"],
    );
    assert_eq!(seen, Ok(names(&["render", "time"])));
    // Nor block comments and literals.
    let seen = uses(
        "/* crate::app /* crate::cli */ */ let s = \"crate::app\"; let r = r#\"crate::cli\"#; let c = '\"'; fn f<'a>(_: &'a u8) { crate::hash::x(); }",
        &["analysis"],
    );
    assert_eq!(seen, Ok(names(&["hash"])));
}

#[test]
fn the_checker_sees_every_module_of_a_group() {
    let seen = uses(
        "use crate::{decode::{bmp, bgp::{self, Update}}, event::Event as E, self, time};\nuse crate::{{finding, frame::*}};",
        &["analysis"],
    );
    assert_eq!(
        seen,
        Ok(names(&["decode", "event", "finding", "frame", "time"]))
    );
}

#[test]
fn the_checker_follows_super_to_the_crate_root() {
    // In analysis/peers.rs `super` is `analysis` and `super::super` the root; in its inline
    // `mod tests` it takes one `super` more. `pub(super)` and `pub(in super::super)` name no
    // module.
    let seen = uses(
        "use super::super::render::Format;\nuse super::report::Row;\npub(super) fn f() {}\npub(in super::super) fn g() {}\n\
         mod tests { use super::super::super::{testkit, time}; use super::super::routes; }\n\
         use super::super::{source, live::x};",
        &["analysis", "peers"],
    );
    assert_eq!(
        seen,
        Ok(names(&["live", "render", "source", "testkit", "time"]))
    );
}

#[test]
fn the_checker_fails_on_what_it_cannot_resolve() {
    for code in [
        "use crate::*;",
        "use crate::{decode, *};",
        "use super::super::super::x;",
        "let x = crate::",
        "use crate::{decode, time",
        "mod tests { fn f() {}",
    ] {
        assert!(
            uses(code, &["analysis", "peers"]).is_err(),
            "{code} passed the checker"
        );
    }
}

#[test]
fn the_doc_keeps_the_views_and_their_rendering_off_the_inputs() {
    assert_eq!(forbidden("pipeline", "source"), None);
    assert_eq!(forbidden("analysis", "stream"), None);
    assert!(forbidden("analysis", "live").is_some());
    assert!(forbidden("render", "source").is_some());
    assert!(forbidden("event", "stream").is_some());
    assert!(forbidden("time", "testkit").is_none());
    assert!(forbidden("testkit", "time").is_some());
}
