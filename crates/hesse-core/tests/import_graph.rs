//! No import circles between the source files of hesse-core: the graph "file A uses an item
//! defined in file B" over `src/` has no cycle (see `import_graph/graph.rs` for how it is
//! read and its limits). `#[cfg(test)]` code does not count. hesse-cli has the same test.

#[path = "import_graph/graph.rs"]
mod graph;

use std::collections::BTreeMap;
use std::path::Path;

use graph::{Graph, Known};

/// Knots of cycles left for now, each with all of its edges and its issue. The list only
/// shrinks: an entry whose knot has changed or gone fails the test too.
const KNOWN: &[Known] = &[];

#[test]
fn hesse_core_has_no_import_cycles() {
    let g = Graph::of_crate(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(g.files.len() > 20, "the module tree was not found: {:?}", g.files);
    g.assert_acyclic("hesse-core/src", KNOWN);
}

/// A crate given as (path, text) pairs.
fn graph_of(files: &[(&str, &str)]) -> Graph {
    let files: BTreeMap<String, String> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    Graph::build("lib.rs", &|p| files.get(p).cloned())
}

fn edges(g: &Graph) -> Vec<String> {
    g.edges
        .iter()
        .map(|(&(a, b), items)| {
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            format!("{} -> {} {}", g.files[a], g.files[b], items.join(","))
        })
        .collect()
}

#[test]
fn the_checker_sees_uses_paths_and_reexports() {
    let g = graph_of(&[
        (
            "lib.rs",
            "mod a; pub mod b; mod c; pub use b::inner::Deep as D;\n\
             #[cfg(test)] mod only_in_tests;",
        ),
        // `use` through a re-export at the root, a path in code, `super` in an inline module.
        (
            "a.rs",
            "use crate::{D, c};\n\
             fn f() { c::g(); let s = \"crate::b::Hidden\"; }\n\
             // crate::b::Commented\n\
             mod inner { fn h() { super::super::b::top(); } }",
        ),
        ("b.rs", "pub mod inner; pub fn top() {}"),
        // A child using its parent's item; test code and literals are not edges.
        (
            "b/inner.rs",
            "pub struct Deep; fn k() -> char { let _ = super::top(); '\"' }\n\
             #[cfg(test)] mod tests { use crate::a::Nothing; }\n\
             #[cfg(all(test, feature = \"x\"))] fn t() { crate::c::g(); }",
        ),
        ("c.rs", "pub fn g() {}\nuse self::x::{self as y, *};\nmod x {}"),
        ("only_in_tests.rs", "use crate::a::A;"),
    ]);
    assert_eq!(g.files, ["lib.rs", "a.rs", "b.rs", "b/inner.rs", "c.rs"]);
    assert_eq!(
        edges(&g),
        [
            "lib.rs -> b/inner.rs Deep",
            "a.rs -> b.rs top",
            "a.rs -> b/inner.rs Deep",
            "a.rs -> c.rs g",
            "b/inner.rs -> b.rs top",
        ]
    );
    assert!(g.cycles().is_empty());
}

#[test]
fn the_checker_lists_every_cycle() {
    let g = graph_of(&[
        ("lib.rs", "mod a; mod b; mod c; mod d; mod e;"),
        ("a.rs", "pub struct A; use crate::b::B;"),
        ("b.rs", "pub struct B; use super::a::A;"),
        (
            "c.rs",
            "pub struct C; use crate::d; fn g() -> d::D { crate::e::f() }",
        ),
        ("d.rs", "pub struct D; pub(crate) use crate::c::C as Alias;"),
        ("e.rs", "pub fn f() {} use crate::{a::A, d::D};"),
    ]);
    let cycles: Vec<String> = g.cycles().iter().map(|c| g.describe(c)).collect();
    assert_eq!(
        cycles,
        [
            "a.rs -(B)-> b.rs -(A)-> a.rs",
            "c.rs -(D)-> d.rs -(C)-> c.rs",
            "c.rs -(f)-> e.rs -(D)-> d.rs -(C)-> c.rs",
        ]
    );
    let known = [Known {
        edges: &[("b.rs", "a.rs"), ("a.rs", "b.rs")],
        reason: "a test",
    }];
    let err = std::panic::catch_unwind(|| g.assert_acyclic("the test crate", &known))
        .expect_err("a knot is not known");
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("c.rs -(f)-> e.rs -(D)-> d.rs -(C)-> c.rs"), "{msg}");
    assert!(msg.contains("(\"e.rs\", \"d.rs\"), // D"), "{msg}");
    assert!(!msg.contains("-(B)->"), "{msg}");
    assert!(!msg.contains("\"e.rs\", \"a.rs\""), "{msg}");

    // An entry whose knot has changed (or gone) fails as well.
    let stale = [Known {
        edges: &[("a.rs", "b.rs")],
        reason: "a stale one",
    }];
    let err =
        std::panic::catch_unwind(|| g.assert_acyclic("the test crate", &stale)).expect_err("a stale entry");
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("\"a stale one\" is not one any more"), "{msg}");
}
