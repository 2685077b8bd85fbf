//! The app crate's layer rule, checked by `cargo xtask test`: each top-level
//! module of `crates/app/src` is a layer, and a file may only name modules
//! of its own layer or of a layer below it. Sections are a layer whose
//! members do not know each other: `sections/a/…` may not name
//! `sections::b` (only `sections/mod.rs`, their parent, names them all).
//!
//! Imports are read as text (`crate::…` paths, `use crate::{…}` groups and
//! `super::` chains resolved against the file's own module path), which is
//! all the app uses; comments are skipped.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The app's layers, lowest first (see ARCHITECTURE.md).
pub const LAYERS: [&str; 6] = [
    "platform",
    "state",
    "components",
    "lesson",
    "sections",
    "shell",
];

/// One import that breaks the rule.
#[derive(Debug, PartialEq)]
pub struct Violation {
    pub file: String,
    pub line: usize,
    pub target: String,
    pub why: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: `crate::{}` — {}",
            self.file, self.line, self.target, self.why
        )
    }
}

/// Checks every `.rs` file under `src` (the app crate's `src/`).
pub fn check_app(src: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect(src, src, &mut files)?;
    let violations: Vec<Violation> = files
        .iter()
        .flat_map(|(rel, text)| check_file(rel, text))
        .collect();
    if violations.is_empty() {
        println!(
            "ok  app layers: {} files import only downward ({})",
            files.len(),
            LAYERS.join(" → ")
        );
        return Ok(());
    }
    for v in &violations {
        eprintln!("    {v}");
    }
    bail!(
        "{} import(s) in crates/app break the layer rule ({}; sections do not import each other)",
        violations.len(),
        LAYERS.join(" → ")
    )
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root)
                .context("a file outside src/")?
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            out.push((rel, text));
        }
    }
    Ok(())
}

/// The module path of a file: `sections/a/mod.rs` → `[sections, a]`,
/// `sections/a/b.rs` → `[sections, a, b]`, `lib.rs` → `[]`.
fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    if rel.starts_with("bin/") {
        return Vec::new();
    }
    parts
}

/// Where a file sits: its layer (None for the crate root) and, in the
/// sections layer, which section (None for `sections/mod.rs`).
fn place(module: &[String]) -> (Option<usize>, Option<&str>) {
    let layer = module
        .first()
        .and_then(|m| LAYERS.iter().position(|l| l == m));
    let section = if module.first().map(String::as_str) == Some("sections") {
        module.get(1).map(String::as_str)
    } else {
        None
    };
    (layer, section)
}

/// Every module path a file names, with its line: `crate::a::b` → `[a, b]`.
/// Inline modules (`mod tests { … }`) are followed, since `super::` inside
/// one means its parent.
fn imports(module: &[String], text: &str) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    // Open inline modules: (name, brace depth outside it).
    let mut inline: Vec<(String, i64)> = Vec::new();
    let mut depth = 0i64;
    let lines: Vec<&str> = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect();
    for (n, &code) in lines.iter().enumerate() {
        let mut here: Vec<String> = module.to_vec();
        here.extend(inline.iter().map(|(name, _)| name.clone()));
        // rustfmt wraps long `use crate::{…}` groups over several lines: read
        // the group whole, from the line it opens on.
        let mut statement = code.to_string();
        if opens_group(code) {
            for more in lines.iter().skip(n + 1) {
                statement.push(' ');
                statement.push_str(more.trim());
                if more.contains(';') {
                    break;
                }
            }
        }
        for path in paths_in(&statement) {
            if let Some(abs) = resolve(&here, &path) {
                if !abs.is_empty() {
                    found.push((n + 1, abs));
                }
            }
        }
        if let Some(name) = inline_mod(code) {
            inline.push((name, depth));
        }
        depth += brace_balance(code);
        while inline.last().is_some_and(|(_, outside)| depth <= *outside) {
            inline.pop();
        }
    }
    found
}

/// A `crate::…{` or `super::…{` group left open at the end of the line.
fn opens_group(code: &str) -> bool {
    let trimmed = code.trim_end();
    trimmed.ends_with("::{") && (trimmed.contains("crate::") || trimmed.contains("super::"))
}

/// `mod tests {` (any visibility) → `tests`.
fn inline_mod(code: &str) -> Option<String> {
    let code = code.trim_start();
    let code = code
        .strip_prefix("pub(crate) ")
        .or_else(|| code.strip_prefix("pub(super) "))
        .or_else(|| code.strip_prefix("pub "))
        .unwrap_or(code);
    let rest = code.strip_prefix("mod ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    rest[name.len()..]
        .trim_start()
        .starts_with('{')
        .then_some(name)
}

/// `{` minus `}` in code, not counting those in string or char literals.
fn brace_balance(code: &str) -> i64 {
    let mut balance = 0;
    let mut in_string = false;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') | (false, '"') => in_string = !in_string,
            (false, '\'') => {
                // A char literal such as '{' (a lifetime has no closing quote).
                let mut ahead = chars.clone();
                let first = ahead.next();
                if first == Some('\\') {
                    ahead.next();
                }
                if ahead.next() == Some('\'') {
                    chars = ahead;
                }
            }
            (false, '{') => balance += 1,
            (false, '}') => balance -= 1,
            _ => {}
        }
    }
    balance
}

/// The `crate::…` and `super::…` paths in one line of code, as segments;
/// `use crate::{a, b::c}` gives `[crate, a]` and `[crate, b, c]`.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts = (rest.starts_with("crate::") || rest.starts_with("super::"))
            && (i == 0 || !is_ident(bytes[i - 1]));
        if !starts {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let mut segments = Vec::new();
        let mut j = i;
        loop {
            let ident: String = code[j..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if ident.is_empty() {
                break;
            }
            j += ident.len();
            segments.push(ident);
            if code[j..].starts_with("::") {
                j += 2;
            } else {
                break;
            }
        }
        if code[j..].starts_with('{') {
            let group_end = matching_brace(code, j);
            for item in split_top_level(&code[j + 1..group_end]) {
                for tail in expand_item(item) {
                    let mut path = segments.clone();
                    path.extend(tail);
                    paths.push(path);
                }
            }
            j = group_end;
        } else {
            paths.push(segments);
        }
        i = j.max(i + 1);
    }
    paths
}

/// The index of the `}` that closes the `{` at `open` (or the end).
fn matching_brace(code: &str, open: usize) -> usize {
    let mut depth = 0;
    for (k, c) in code[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + k;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// `a, b::{c, d}, e` → `["a", "b::{c, d}", "e"]`.
fn split_top_level(group: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (k, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

/// One item of a group as path tails: `b::{c, d}` → `[b, c]`, `[b, d]`;
/// `x as y` → `[x]`; `self` → `[]` (the group's own path).
fn expand_item(item: &str) -> Vec<Vec<String>> {
    let item = item.trim();
    if item.is_empty() {
        return Vec::new();
    }
    if let Some(open) = item.find('{') {
        let prefix: Vec<String> = item[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let close = matching_brace(item, open);
        return split_top_level(&item[open + 1..close])
            .into_iter()
            .flat_map(expand_item)
            .map(|tail| prefix.iter().cloned().chain(tail).collect())
            .collect();
    }
    let item = item.split(" as ").next().unwrap_or(item);
    vec![item
        .split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "self" && *s != "*")
        .map(str::to_string)
        .collect()]
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `path` as seen from `module`, from the crate root; None if it climbs
/// above the root.
fn resolve(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The imports of one file that break the rule.
pub fn check_file(rel: &str, text: &str) -> Vec<Violation> {
    let module = module_path(rel);
    let (own_layer, own_section) = place(&module);
    let Some(own_layer) = own_layer else {
        return Vec::new(); // the crate root declares the layers
    };
    let mut violations = Vec::new();
    for (line, target) in imports(&module, text) {
        let (layer, section) = place(&target);
        let Some(layer) = layer else { continue };
        let why = if layer > own_layer {
            Some(format!(
                "{} (layer {}) may not import {} (layer {}), which is above it",
                LAYERS[own_layer],
                own_layer + 1,
                LAYERS[layer],
                layer + 1
            ))
        } else {
            match (own_section, section) {
                (Some(own), Some(other)) if own != other && layer == own_layer => Some(format!(
                    "section `{own}` may not import section `{other}`; move what they share to lesson/ or components/"
                )),
                _ => None,
            }
        };
        if let Some(why) = why {
            violations.push(Violation {
                file: rel.to_string(),
                line,
                target: target.join("::"),
                why,
            });
        }
    }
    violations
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(rel: &str, text: &str) -> Vec<String> {
        check_file(rel, text)
            .into_iter()
            .map(|v| v.target)
            .collect()
    }

    #[test]
    fn downward_and_same_layer_imports_pass() {
        let text =
            "use crate::platform::route::Route;\nuse crate::state::model_store::ModelStore;\n\
                    use crate::components::chart_canvas::ChartCanvas;\nuse super::backend_panel;";
        assert!(check_file("components/model_badge.rs", text).is_empty());
        assert!(check_file("shell.rs", "use crate::sections::{self, attention};").is_empty());
        assert!(check_file("sections/mod.rs", "use super::why;\nmod why;").is_empty());
        assert!(check_file("lib.rs", "use crate::shell::App;").is_empty());
    }

    #[test]
    fn an_upward_import_fails_with_its_line() {
        let text = "//! doc\nuse crate::sections::attention::DEFAULT_MODEL_BASE;\n";
        let v = check_file("components/model_badge.rs", text);
        assert_eq!(v.len(), 1);
        assert_eq!(
            (v[0].line, v[0].target.as_str()),
            (2, "sections::attention::DEFAULT_MODEL_BASE")
        );
        assert!(v[0]
            .why
            .contains("components (layer 3) may not import sections (layer 5)"));
        assert_eq!(
            targets(
                "platform/navigation.rs",
                "x = [crate::components::backend_panel::PARAM];"
            ),
            ["components::backend_panel::PARAM"]
        );
        assert_eq!(
            targets(
                "state/model_store.rs",
                "use crate::{platform::route, components::model_badge};"
            ),
            ["components::model_badge"]
        );
    }

    #[test]
    fn sections_do_not_import_each_other() {
        let via_super = "use super::super::self_attention::state::read_seed;";
        assert_eq!(
            targets("sections/masking/state.rs", via_super),
            ["sections::self_attention::state::read_seed"]
        );
        assert_eq!(
            targets("sections/block/mod.rs", "use super::positional::prose::x;"),
            ["sections::positional::prose::x"]
        );
        assert_eq!(
            targets(
                "sections/why/mod.rs",
                "let t = crate::sections::glossary::Term;"
            ),
            ["sections::glossary::Term"]
        );
        // Within one section, anything goes.
        assert!(check_file(
            "sections/masking/mod.rs",
            "use state::X;\nuse self::state::X;"
        )
        .is_empty());
        assert!(check_file("sections/masking/prose.rs", "use super::state::X;").is_empty());
    }

    #[test]
    fn super_inside_an_inline_module_means_its_parent() {
        let text = "fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    fn g() { super::f(); }\n}\nuse super::other::X;\n";
        let v = check_file("sections/why/mod.rs", text);
        assert_eq!(
            v.iter()
                .map(|v| (v.line, v.target.as_str()))
                .collect::<Vec<_>>(),
            [(7, "sections::other::X")]
        );
        assert_eq!(brace_balance(r#"let s = "{"; let c = '}'; f('a, { x"#), 1);
    }

    #[test]
    fn wrapped_and_nested_groups_are_read_whole() {
        let wrapped =
            "use crate::{\n    platform::route::Route,\n    sections::attention::X,\n};\n";
        let v = check_file("state/model_store.rs", wrapped);
        assert_eq!(
            v.iter()
                .map(|v| (v.line, v.target.as_str()))
                .collect::<Vec<_>>(),
            [(1, "sections::attention::X")]
        );
        assert_eq!(
            targets(
                "platform/route.rs",
                "use crate::{platform::{params, navigation}, state::{model_store::{A, B as C}}};"
            ),
            ["state::model_store::A", "state::model_store::B"]
        );
    }

    #[test]
    fn comments_and_lookalikes_are_not_imports() {
        assert!(check_file("platform/route.rs", "// see crate::sections::attention").is_empty());
        assert!(check_file("platform/route.rs", "let x = mycrate::sections::y;").is_empty());
    }

    #[test]
    fn module_paths_follow_the_files() {
        assert_eq!(module_path("sections/a/mod.rs"), ["sections", "a"]);
        assert_eq!(module_path("sections/a/b.rs"), ["sections", "a", "b"]);
        assert_eq!(module_path("shell.rs"), ["shell"]);
        assert!(module_path("lib.rs").is_empty());
        assert_eq!(
            resolve(
                &module_path("sections/a/b.rs"),
                &["super".into(), "super".into(), "c".into()]
            ),
            Some(vec!["sections".into(), "c".into()])
        );
    }

    /// The app as it is in this checkout keeps the rule.
    #[test]
    fn the_app_keeps_the_rule() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
        check_app(&src).unwrap();
    }
}
