//! A fused region ([`Region`]): its steps over m elements with the buffer extents they
//! need and their compiled forms (the tile program, the machine code), and the pieces of a
//! fused program ([`Piece`]: a node run by its kernel, or a region). Run by `blocks.rs`.

#[cfg(all(target_arch = "x86_64", feature = "jit"))]
use super::native;
use super::step::{ARENA, At, BUFS, Dest, Step, arena};
use super::tiles;

/// A fused region: steps over m elements, run block by block (see the module docs of
/// [`crate::exec::fused`]).
#[derive(Clone, Debug)]
pub(crate) struct Region {
    pub(super) len: usize,
    pub(super) steps: Vec<Step>,
    /// Temporaries used (the scratch blocks to initialise).
    pub(super) temps: usize,
    /// The length each buffer must have: one past the last element any step touches.
    pub(super) need: [usize; BUFS],
    /// The steps as a program of the AVX2 tile executor, when it runs them all.
    pub(super) tiles: Option<tiles::Program>,
    /// The tile program as AVX-512 machine code, when the CPU runs it and the compiler
    /// takes the program (see `exec/fused/native.rs`): assembled at the region's first run, so
    /// that a region rebuilt while the recording is finished (bound to the caller's buffers,
    /// moved into other arena ranges) or never run is not assembled for nothing.
    #[cfg(all(target_arch = "x86_64", feature = "jit"))]
    pub(super) native: std::sync::OnceLock<Option<std::sync::Arc<native::Code>>>,
    /// The machine code with non-temporal stores, for runs over more than
    /// [`crate::streaming::min_bytes`] (assembled at the first such run).
    #[cfg(all(target_arch = "x86_64", feature = "jit"))]
    pub(super) streamed: native::Streamed,
}

impl Region {
    /// The region of `steps` over `len` elements with `temps` temporaries, finished.
    pub(super) fn new(len: usize, steps: Vec<Step>, temps: usize) -> Region {
        let mut region = Region {
            len,
            steps,
            temps,
            need: [0; BUFS],
            tiles: None,
            #[cfg(all(target_arch = "x86_64", feature = "jit"))]
            native: std::sync::OnceLock::new(),
            #[cfg(all(target_arch = "x86_64", feature = "jit"))]
            streamed: native::Streamed::default(),
        };
        region.finish();
        region
    }

    /// Whether the AVX2 tile executor runs the region (when the CPU has AVX2).
    #[cfg(test)]
    pub(crate) fn tiled(&self) -> bool {
        self.tiles.is_some()
    }

    /// Computes what the steps need from the buffers, and their tile program.
    pub(super) fn finish(&mut self) {
        self.need = self.extents();
        self.tiles = tiles::compile(&self.steps, self.len);
        #[cfg(all(target_arch = "x86_64", feature = "jit"))]
        {
            self.native = std::sync::OnceLock::new();
            self.streamed = native::Streamed::default();
        }
    }

    /// One past the last element the steps touch, per buffer.
    fn extents(&self) -> [usize; BUFS] {
        let mut need = [0; BUFS];
        for s in &self.steps {
            for (a, ext) in s.places(self.len) {
                let e = &mut need[a.buf as usize];
                *e = (*e).max(a.off + ext);
            }
        }
        need
    }

    /// Whether a step writes a position of buffer `buf` in `range`.
    pub(super) fn writes(&self, buf: u8, range: std::ops::Range<usize>) -> bool {
        let hit = |a: At| a.buf == buf && range.contains(&a.off);
        self.steps.iter().any(|s| match *s {
            Step::Unary {
                out: Dest::Mem(a), ..
            }
            | Step::Binary {
                out: Dest::Mem(a), ..
            }
            | Step::Gather {
                out: Dest::Mem(a), ..
            } => hit(a),
            Step::Scatter { parts } => parts.iter().any(|&(_, b, _)| hit(b)),
            Step::Sum { out, .. } => hit(out),
            _ => false,
        })
    }

    /// The arena positions the steps start reading (`false`) or writing (`true`) at: one per
    /// operand, gather source, store and sum, each inside the node it reads or writes.
    pub(crate) fn arena_accesses(&self) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        for s in &self.steps {
            let written: Vec<At> = match *s {
                Step::Unary { out, .. } | Step::Binary { out, .. } | Step::Gather { out, .. } => match out {
                    Dest::Mem(a) => vec![a],
                    Dest::Temp(_) => vec![],
                },
                Step::Scatter { parts } => parts.iter().map(|p| p.1).collect(),
                Step::Sum { out, .. } => vec![out],
            };
            out.extend(
                s.places(self.len)
                    .into_iter()
                    .filter(|(a, _)| a.buf == ARENA)
                    .map(|(a, _)| (a.off, written.contains(&a))),
            );
        }
        out
    }

    /// Moves the arena ranges `(from, len, to)`: a position `from + i` becomes `to + i`. A
    /// region that touches none of them is left as it is (its compiled forms too).
    pub(crate) fn relocate(&mut self, moves: &[(usize, usize, usize)]) {
        let moved = |a: At| {
            moves
                .iter()
                .find(|&&(from, len, _)| a.buf == ARENA && (from..from + len).contains(&a.off))
        };
        if self
            .arena_accesses()
            .into_iter()
            .all(|(off, _)| moved(arena(off)).is_none())
        {
            return;
        }
        let map = |a: At| match moved(a) {
            Some(&(from, _, to)) => At {
                off: to + (a.off - from),
                ..a
            },
            None => a,
        };
        self.steps = self.steps.iter().map(|s| s.map(&map)).collect();
        self.finish();
    }
}

/// One entry of a fused program: a node run by its kernel, or a region.
#[derive(Debug)]
pub(crate) enum Piece {
    Node(u32),
    Region(Region),
}
