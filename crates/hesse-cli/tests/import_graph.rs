//! No import circles between the source files of the `hesse` command: the graph "file A
//! uses an item defined in file B" over `src/` has no cycle. The checker is hesse-core's
//! (`crates/hesse-core/tests/import_graph/graph.rs`, with its limits); `#[cfg(test)]` code
//! does not count.

#[path = "../../hesse-core/tests/import_graph/graph.rs"]
mod graph;

use std::path::Path;

#[test]
fn hesse_cli_has_no_import_cycles() {
    let g = graph::Graph::of_crate(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(g.files.len() > 5, "the module tree was not found: {:?}", g.files);
    g.assert_acyclic("hesse-cli/src", &[]);
}
