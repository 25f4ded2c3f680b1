//! The file-level import graph of a crate's `src/`, and its cycles.
//!
//! An edge `a.rs → b.rs` means that `a.rs` names an item defined in `b.rs`: through a `use`
//! declaration (`use crate::tape::Tape;`, `use super::Var;`, `pub use tape::Tape;`) or a path
//! in code (`crate::backward::vjp(..)`, `super::simd::sum_rows(..)`, or `ops::forward(..)`
//! after `use crate::ops;`). A `pub use` is an edge of the file that writes it, and a path
//! through a re-export (`crate::Var`, `crate::ops::Unary`) is followed to the file that
//! defines the item. A child-module declaration (`mod x;`) alone is no edge, and neither is
//! a name within one file (inline modules belong to their file).
//!
//! The parser is a pragmatic one, not `rustc`'s name resolution. Its limits:
//! - Only paths count. A method call (`x.sin()` of an `impl Var` in another file), an
//!   operator (`a + b`) or a trait brought in by a derive is no edge; nor is a macro used by
//!   its bare name.
//! - Glob imports (`use super::*;`) are an edge to the glob's module file, but names used
//!   through the glob are not followed further.
//! - `#[cfg(test)]` and `#[cfg(all(test, ..))]` items, statements, fields and match arms are
//!   left out (with the files of `#[cfg(test)] mod x;`); any other `cfg` counts, whatever
//!   its features. A test-only item is skipped up to its first `;` or `,` outside brackets or
//!   its first closed `{..}` block: a header such as `impl<A, B> ..` ends early and the rest
//!   then counts (more edges, never fewer).
//! - `#[path = ..]` on modules and `include!` are not followed; a name defined in a file and
//!   also reached through a glob is taken as defined in the file.
//! - Comments (doc comments and their intra-doc links included), strings and character
//!   literals are skipped.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// A knot of cycles allowed for now: the edges `(from, to)` between its files (paths
/// relative to `src/`), all of them, with the reason it is allowed.
pub struct Known {
    pub edges: &'static [(&'static str, &'static str)],
    pub reason: &'static str,
}

/// The graph: files (paths relative to `src/`) and, per edge, the items named through it.
#[derive(Debug, Default)]
pub struct Graph {
    pub files: Vec<String>,
    pub edges: BTreeMap<(usize, usize), BTreeSet<String>>,
}

impl Graph {
    /// The graph of the crate whose sources `read` returns by path relative to `src/`,
    /// starting from the root file (`lib.rs` or `main.rs`).
    pub fn build(root: &str, read: &dyn Fn(&str) -> Option<String>) -> Graph {
        let mut crate_ = Crate {
            files: Vec::new(),
            modules: HashMap::new(),
        };
        let text = read(root).unwrap_or_else(|| panic!("cannot read the crate root {root}"));
        crate_.load(root, &text, Vec::new(), read);
        crate_.graph()
    }

    /// The graph of `<crate_dir>/src`, from `lib.rs` (or `main.rs` when there is no library).
    pub fn of_crate(crate_dir: &Path) -> Graph {
        let src = crate_dir.join("src");
        let root = if src.join("lib.rs").exists() {
            "lib.rs"
        } else {
            "main.rs"
        };
        Graph::build(root, &|p| std::fs::read_to_string(src.join(p)).ok())
    }

    /// Every elementary cycle, each as its files in order starting from the least index.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.files.len();
        let mut adj = vec![Vec::new(); n];
        for &(a, b) in self.edges.keys() {
            adj[a].push(b);
        }
        let mut out = Vec::new();
        for s in 0..n {
            let mut path = vec![s];
            let mut on_path = vec![false; n];
            on_path[s] = true;
            cycles_from(&adj, s, &mut path, &mut on_path, &mut out);
            assert!(out.len() < 10_000, "too many cycles to list");
        }
        out
    }

    /// `a.rs -(Item)-> b.rs -(Other)-> a.rs`.
    pub fn describe(&self, cycle: &[usize]) -> String {
        let mut s = self.files[cycle[0]].clone();
        for (k, &a) in cycle.iter().enumerate() {
            let b = cycle[(k + 1) % cycle.len()];
            let items: Vec<&str> = self.edges[&(a, b)].iter().map(String::as_str).collect();
            write!(s, " -({})-> {}", items.join(", "), self.files[b]).unwrap();
        }
        s
    }

    /// The strongly connected components of more than one file, each sorted, in order.
    pub fn knots(&self) -> Vec<Vec<usize>> {
        let n = self.files.len();
        let mut reach = vec![vec![false; n]; n];
        for &(a, b) in self.edges.keys() {
            reach[a][b] = true;
        }
        // Warshall's transitive closure: `reach[a][b]` when a path leads from a to b.
        for k in 0..n {
            let via = reach[k].clone();
            for row in reach.iter_mut().filter(|row| row[k]) {
                row.iter_mut().zip(&via).for_each(|(r, &v)| *r |= v);
            }
        }
        let mut knots: Vec<Vec<usize>> = Vec::new();
        for (a, from) in reach.iter().enumerate() {
            let knot: Vec<usize> = (0..n).filter(|&b| a == b || (from[b] && reach[b][a])).collect();
            if knot.len() > 1 && knot[0] == a {
                knots.push(knot);
            }
        }
        knots
    }

    /// Panics listing every cycle, knot by knot, unless the knot's edges are exactly those of
    /// an entry of `known`; an entry that is no longer a knot fails too (the list only
    /// shrinks).
    pub fn assert_acyclic(&self, what: &str, known: &[Known]) {
        let name = |i: usize| self.files[i].as_str();
        let cycles = self.cycles();
        let mut report = String::new();
        let mut used = vec![false; known.len()];
        for knot in self.knots() {
            let inside: BTreeSet<(&str, &str)> = self
                .edges
                .keys()
                .filter(|(a, b)| knot.contains(a) && knot.contains(b))
                .map(|&(a, b)| (name(a), name(b)))
                .collect();
            let entry = known
                .iter()
                .position(|k| k.edges.iter().copied().collect::<BTreeSet<_>>() == inside);
            if let Some(k) = entry {
                used[k] = true;
                continue;
            }
            let files: Vec<&str> = knot.iter().map(|&i| name(i)).collect();
            writeln!(report, "- the files {files:?}, with the edges").unwrap();
            for (a, b) in &inside {
                let (i, j) = (self.index(a), self.index(b));
                let items: Vec<&str> = self.edges[&(i, j)].iter().map(String::as_str).collect();
                writeln!(report, "    (\"{a}\", \"{b}\"), // {}", items.join(", ")).unwrap();
            }
            writeln!(report, "  and the cycles").unwrap();
            for c in cycles.iter().filter(|c| knot.contains(&c[0])) {
                writeln!(report, "    {}", self.describe(c)).unwrap();
            }
        }
        for (k, used) in known.iter().zip(used) {
            if !used {
                writeln!(
                    report,
                    "- the known knot \"{}\" is not one any more (its edges changed): update or remove it",
                    k.reason
                )
                .unwrap();
            }
        }
        assert!(
            report.is_empty(),
            "import cycles between the files of {what} (a -(items)-> b: a uses items of b):\n{report}"
        );
    }

    fn index(&self, file: &str) -> usize {
        self.files.iter().position(|f| f == file).unwrap()
    }
}

/// Elementary cycles through `path[0]` whose other nodes are all greater than it.
fn cycles_from(
    adj: &[Vec<usize>],
    s: usize,
    path: &mut Vec<usize>,
    on_path: &mut [bool],
    out: &mut Vec<Vec<usize>>,
) {
    let v = *path.last().unwrap();
    for &w in &adj[v] {
        if w == s {
            out.push(path.clone());
        } else if w > s && !on_path[w] {
            on_path[w] = true;
            path.push(w);
            cycles_from(adj, s, path, on_path, out);
            path.pop();
            on_path[w] = false;
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Tokens of a source file without comments, literals and lifetimes.
fn lex(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == '"' {
            i = skip_string(&c, i + 1);
        } else if ch == '\'' {
            if at(i + 1) == '\\' {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                // A lifetime or a label.
                i += 1;
                while i < c.len() && ident_char(c[i]) {
                    i += 1;
                }
            }
        } else if ident_start(ch) {
            // Literal prefixes: b"..", c"..", b'x', r".." / r#".."#, br#".."#, cr"..".
            let mut j = i;
            if ch == 'b' || ch == 'c' {
                j += 1;
            }
            if at(j) == 'r' && (at(j + 1) == '"' || (at(j + 1) == '#' && !ident_start(at(j + 2)))) {
                let mut k = j + 1;
                let mut hashes = 0;
                while at(k) == '#' {
                    hashes += 1;
                    k += 1;
                }
                // at(k) == '"': the raw string ends at a quote followed by as many hashes.
                k += 1;
                loop {
                    if k >= c.len() {
                        break;
                    }
                    if c[k] == '"' && (1..=hashes).all(|h| at(k + h) == '#') {
                        k += 1 + hashes;
                        break;
                    }
                    k += 1;
                }
                i = k;
                continue;
            }
            if j > i && at(j) == '"' {
                i = skip_string(&c, j + 1);
                continue;
            }
            if ch == 'b' && at(i + 1) == '\'' {
                i += 1; // the byte character is skipped as a character next round
                continue;
            }
            if ch == 'r' && at(i + 1) == '#' && ident_start(at(i + 2)) {
                i += 2; // raw identifier
            }
            let start = i;
            while i < c.len() && ident_char(c[i]) {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else if ch.is_ascii_digit() {
            while i < c.len() && (ident_char(c[i]) || (c[i] == '.' && at(i + 1).is_ascii_digit())) {
                i += 1;
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push(Tok::Sep);
            i += 2;
        } else {
            out.push(Tok::Punct(ch));
            i += 1;
        }
    }
    out
}

/// The index after the closing quote of a string whose contents start at `i`.
fn skip_string(c: &[char], mut i: usize) -> usize {
    while i < c.len() {
        match c[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

fn is(t: Option<&Tok>, p: char) -> bool {
    t == Some(&Tok::Punct(p))
}

fn ident(t: Option<&Tok>) -> Option<&str> {
    match t {
        Some(Tok::Ident(s)) => Some(s),
        _ => None,
    }
}

/// The index after the bracket group opening at `i`.
fn skip_group(t: &[Tok], mut i: usize) -> usize {
    let mut depth = 0i32;
    while i < t.len() {
        match t[i] {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// Whether the attribute tokens (inside `#[..]`) are `cfg(test)` or `cfg(all(.., test, ..))`.
fn test_only(attr: &[Tok]) -> bool {
    let id = |k: usize| ident(attr.get(k));
    if id(0) != Some("cfg") || !is(attr.get(1), '(') {
        return false;
    }
    if id(2) == Some("test") && is(attr.get(3), ')') {
        return true;
    }
    if id(2) == Some("all") && is(attr.get(3), '(') {
        // Top-level arguments of `all(..)`.
        let mut k = 4;
        let mut start = true;
        while k < attr.len() && !is(attr.get(k), ')') {
            if start && id(k) == Some("test") && matches!(attr.get(k + 1), Some(Tok::Punct(',' | ')'))) {
                return true;
            }
            start = is(attr.get(k), ',');
            k = if is(attr.get(k), '(') {
                skip_group(attr, k)
            } else {
                k + 1
            };
        }
    }
    false
}

/// The tokens without test-only items, statements, fields and arms.
fn strip_tests(t: Vec<Tok>) -> Vec<Tok> {
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        let attr = is(t.get(i), '#') && is(t.get(i + 1), '[');
        if !(attr && test_only(&t[i + 2..skip_group(&t, i + 1) - 1])) {
            out.push(t[i].clone());
            i += 1;
            continue;
        }
        // Skip the attributes, then the item they apply to.
        while is(t.get(i), '#') && is(t.get(i + 1), '[') {
            i = skip_group(&t, i + 1);
        }
        while i < t.len() {
            match t[i] {
                Tok::Punct(';' | ',') => {
                    i += 1;
                    break;
                }
                Tok::Punct('{') => {
                    i = skip_group(&t, i);
                    break;
                }
                Tok::Punct('(' | '[') => i = skip_group(&t, i),
                // The end of the enclosing group: the item was its last element.
                Tok::Punct(')' | ']' | '}') => break,
                _ => i += 1,
            }
        }
    }
    out
}

/// One `use` leaf: the path as written and the name it binds (`None` for a glob).
struct Use {
    path: Vec<String>,
    alias: Option<String>,
}

/// Parses the use tree starting at `i` (after `use`), appending its leaves; returns the
/// index after it.
fn use_tree(t: &[Tok], mut i: usize, prefix: &[String], out: &mut Vec<Use>) -> usize {
    let mut path = prefix.to_vec();
    if t.get(i) == Some(&Tok::Sep) {
        i += 1;
        path.push(String::new()); // `::std::..`: an external crate, never resolved
    }
    loop {
        match t.get(i) {
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                i += 1;
                if t.get(i) == Some(&Tok::Sep) {
                    path.push(s);
                    i += 1;
                    continue;
                }
                let mut alias = if s == "self" {
                    path.last().cloned()
                } else {
                    Some(s.clone())
                };
                if s != "self" {
                    path.push(s);
                }
                if ident(t.get(i)) == Some("as") {
                    alias = ident(t.get(i + 1)).map(str::to_string);
                    i += 2;
                }
                out.push(Use { path, alias });
                return i;
            }
            Some(Tok::Punct('*')) => {
                out.push(Use { path, alias: None });
                return i + 1;
            }
            Some(Tok::Punct('{')) => {
                i += 1;
                while !is(t.get(i), '}') && i < t.len() {
                    i = use_tree(t, i, &path, out);
                    if is(t.get(i), ',') {
                        i += 1;
                    }
                }
                return i + 1;
            }
            _ => return i,
        }
    }
}

/// A module: its file, its child modules, the names its `use`s bind and the paths it writes.
#[derive(Default)]
struct Module {
    file: usize,
    children: BTreeSet<String>,
    imports: HashMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
    paths: Vec<Vec<String>>,
}

struct Crate {
    files: Vec<String>,
    modules: HashMap<Vec<String>, Module>,
}

/// What a path names.
enum Target {
    Module(usize),
    Item(usize, String),
}

impl Crate {
    /// Loads the file `file` (relative to `src/`) as module `path`, and its child modules.
    fn load(&mut self, file: &str, text: &str, path: Vec<String>, read: &dyn Fn(&str) -> Option<String>) {
        let f = self.files.len();
        self.files.push(file.to_string());
        // Children of `a.rs` live in `a/`, of `a/mod.rs`, `lib.rs` and `main.rs` beside it.
        let (dir, stem) = match file.rsplit_once('/') {
            Some((d, n)) => (format!("{d}/"), n),
            None => (String::new(), file),
        };
        let dir = match stem {
            "mod.rs" | "lib.rs" | "main.rs" => dir,
            _ => format!("{dir}{}/", stem.trim_end_matches(".rs")),
        };
        let toks = strip_tests(lex(text));
        let mut i = 0;
        self.scan(&toks, &mut i, f, path, &dir, read);
    }

    /// Scans the body of module `path` (in file `f`) from `*i` to its closing brace.
    fn scan(
        &mut self,
        t: &[Tok],
        i: &mut usize,
        f: usize,
        path: Vec<String>,
        dir: &str,
        read: &dyn Fn(&str) -> Option<String>,
    ) {
        self.modules.entry(path.clone()).or_default().file = f;
        let mut depth = 0;
        while *i < t.len() {
            let k = *i;
            match &t[k] {
                Tok::Punct('{' | '(' | '[') => depth += 1,
                Tok::Punct('}' | ')' | ']') => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                Tok::Ident(kw) if kw == "mod" => {
                    if let Some(name) = ident(t.get(k + 1)) {
                        let name = name.to_string();
                        let mut child = path.clone();
                        child.push(name.clone());
                        self.modules.get_mut(&path).unwrap().children.insert(name.clone());
                        if is(t.get(k + 2), '{') {
                            *i = k + 3;
                            self.scan(t, i, f, child, &format!("{dir}{name}/"), read);
                        } else {
                            let a = format!("{dir}{name}.rs");
                            let b = format!("{dir}{name}/mod.rs");
                            if let Some(text) = read(&a) {
                                self.load(&a, &text, child, read);
                            } else if let Some(text) = read(&b) {
                                self.load(&b, &text, child, read);
                            }
                            *i = k + 2;
                        }
                    }
                }
                // `use` declarations (not the `use<'a>` of precise capturing).
                Tok::Ident(kw) if kw == "use" && !is(t.get(k + 1), '<') => {
                    let mut uses = Vec::new();
                    *i = use_tree(t, k + 1, &[], &mut uses);
                    let m = self.modules.get_mut(&path).unwrap();
                    for u in uses {
                        match u.alias {
                            Some(a) if a != "_" => {
                                m.imports.insert(a, u.path);
                            }
                            Some(_) => m.paths.push(u.path),
                            None => m.globs.push(u.path),
                        }
                    }
                    continue;
                }
                Tok::Ident(first)
                    if t.get(k + 1) == Some(&Tok::Sep) && t.get(k.wrapping_sub(1)) != Some(&Tok::Sep) =>
                {
                    let mut p = vec![first.clone()];
                    let mut j = k + 1;
                    while t.get(j) == Some(&Tok::Sep) {
                        match ident(t.get(j + 1)) {
                            Some(s) => p.push(s.to_string()),
                            None => break,
                        }
                        j += 2;
                    }
                    self.modules.get_mut(&path).unwrap().paths.push(p);
                    *i = j;
                    continue;
                }
                _ => {}
            }
            *i += 1;
        }
    }

    /// The absolute module path (without `crate`) of a path written in module `m`, or
    /// `None` when it starts outside the crate (another crate, a local name, `Self`).
    fn absolute(&self, m: &[String], p: &[String], depth: usize) -> Option<Vec<String>> {
        if depth > 16 {
            return None;
        }
        let (first, rest) = p.split_first()?;
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" => m.to_vec(),
            "super" => {
                let mut b = m.to_vec();
                b.pop()?;
                let mut rest = rest;
                while rest.first().map(String::as_str) == Some("super") {
                    b.pop()?;
                    rest = &rest[1..];
                }
                b.extend_from_slice(rest);
                return Some(b);
            }
            _ => {
                let module = self.modules.get(m)?;
                if module.children.contains(first) {
                    let mut b = m.to_vec();
                    b.push(first.clone());
                    b
                } else if let Some(target) = module.imports.get(first) {
                    self.absolute(m, target, depth + 1)?
                } else {
                    return None;
                }
            }
        };
        base.extend_from_slice(rest);
        Some(base)
    }

    /// What the absolute path `p` names, following `use`s to the defining file.
    fn target(&self, p: &[String], depth: usize) -> Option<Target> {
        if depth > 16 {
            return None;
        }
        let k = (0..=p.len())
            .rev()
            .find(|&k| self.modules.contains_key(&p[..k]))?;
        let m = &self.modules[&p[..k]];
        if k == p.len() {
            return Some(Target::Module(m.file));
        }
        let name = &p[k];
        match m.imports.get(name) {
            Some(via) => {
                let mut q = self.absolute(&p[..k], via, 0)?;
                q.extend_from_slice(&p[k + 1..]);
                self.target(&q, depth + 1)
            }
            None => Some(Target::Item(m.file, name.clone())),
        }
    }

    fn graph(&self) -> Graph {
        let mut g = Graph {
            files: self.files.clone(),
            edges: BTreeMap::new(),
        };
        for (path, m) in &self.modules {
            let written = m.imports.values().chain(&m.paths);
            for p in written {
                let Some(abs) = self.absolute(path, p, 0) else {
                    continue;
                };
                if let Some(Target::Item(f, item)) = self.target(&abs, 0) {
                    if f != m.file {
                        g.edges.entry((m.file, f)).or_default().insert(item);
                    }
                }
            }
            for p in &m.globs {
                let Some(abs) = self.absolute(path, p, 0) else {
                    continue;
                };
                if let Some(Target::Module(f)) = self.target(&abs, 0) {
                    if f != m.file {
                        g.edges.entry((m.file, f)).or_default().insert("*".into());
                    }
                }
            }
        }
        g
    }
}
