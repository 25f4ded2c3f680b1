//! The training loop's helpers: the observer that records the loss curve and applies
//! sklearn's no-improvement rule, and Adam's objective over shuffled mini-batches.

use hesse_core::{Matrix, RecordedFn};
use hesse_optim::{Control, Objective, Observer, Options, State};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::data::take_rows;
use crate::{L2, Mlp, MlpLoss, NetObjective};

/// Options for the solvers stopped by the no-improvement rule: gradient and f-change tests
/// off (the values come from different mini-batches).
pub(super) fn stochastic_options(max_iterations: usize) -> Options {
    Options::default()
        .with_gtol(0.0)
        .with_ftol(0.0)
        .with_max_iterations(max_iterations)
        .with_max_evaluations(usize::MAX)
}

/// Records the loss curve, once per `steps` iterations, and applies sklearn's
/// no-improvement rule: stop when the loss has not fallen below `best − tol` for more than
/// `patience` consecutive entries.
pub(super) struct Tracker<'a> {
    full: Option<&'a mut NetObjective>,
    steps: usize,
    step: usize,
    rule: Option<(f64, usize)>,
    best: f64,
    count: usize,
    pub(super) curve: Vec<f64>,
    pub(super) stopped_by_rule: bool,
}

impl<'a> Tracker<'a> {
    pub(super) fn new(full: Option<&'a mut NetObjective>, steps: usize, rule: Option<(f64, usize)>) -> Self {
        Tracker {
            full,
            steps,
            step: 0,
            rule,
            best: f64::INFINITY,
            count: 0,
            curve: Vec::new(),
            stopped_by_rule: false,
        }
    }

    fn loss(&mut self, state: &State) -> f64 {
        match self.full.as_mut() {
            Some(obj) => obj.value(state.x()),
            None => state.f(),
        }
    }
}

impl Observer for Tracker<'_> {
    fn on_start(&mut self, _solver: &str, state: &State) {
        let f = self.loss(state);
        self.curve.push(f);
    }

    fn on_iteration(&mut self, state: &State) -> Control {
        self.step += 1;
        if self.step % self.steps != 0 {
            return Control::Continue;
        }
        let f = self.loss(state);
        self.curve.push(f);
        let Some((tol, patience)) = self.rule else {
            return Control::Continue;
        };
        if f > self.best - tol {
            self.count += 1;
        } else {
            self.count = 0;
        }
        self.best = self.best.min(f);
        if self.count > patience {
            self.stopped_by_rule = true;
            Control::Stop
        } else {
            Control::Continue
        }
    }
}

/// The mini-batch objective of Adam: every evaluation takes the next batch of a shuffled
/// order, reshuffled at each epoch; penalty α/(2b)·Σ‖W‖² on a batch of b rows (sklearn).
///
/// The loss is recorded once per batch size (the full batches, and the last one of an epoch
/// when b does not divide n) with the batch as data inputs
/// ([`MlpLoss::record_batch`]), and replayed on each new batch: the same answers as a loss
/// made for the batch, without recording one per step.
pub(super) struct MiniBatches {
    mlp: Mlp,
    x: Matrix,
    y: Matrix,
    alpha: f64,
    batch: usize,
    order: Vec<usize>,
    cursor: usize,
    rng: StdRng,
    /// The recordings, by number of rows.
    recorded: Vec<(usize, RecordedFn)>,
}

impl MiniBatches {
    pub(super) fn new(mlp: &Mlp, x: &Matrix, y: &Matrix, alpha: f64, batch: usize, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(0x9E37_79B9_7F4A_7C15));
        let mut order: Vec<usize> = (0..x.rows()).collect();
        order.shuffle(&mut rng);
        MiniBatches {
            mlp: mlp.clone(),
            x: x.clone(),
            y: y.clone(),
            alpha,
            batch,
            order,
            cursor: 0,
            rng,
            recorded: Vec::new(),
        }
    }
}

impl Objective for MiniBatches {
    fn dim(&self) -> usize {
        self.mlp.n_params()
    }

    fn value_and_grad(&mut self, w: &[f64], grad: &mut [f64]) -> f64 {
        if self.cursor >= self.order.len() {
            self.order.shuffle(&mut self.rng);
            self.cursor = 0;
        }
        let end = (self.cursor + self.batch).min(self.order.len());
        let idx = &self.order[self.cursor..end];
        self.cursor = end;
        let (xb, yb) = (take_rows(&self.x, idx), take_rows(&self.y, idx));
        let rows = idx.len();
        let rec = match self.recorded.iter().position(|(r, _)| *r == rows) {
            Some(k) => {
                let rec = &mut self.recorded[k].1;
                rec.set_data(0, xb.as_slice());
                rec.set_data(1, yb.as_slice());
                rec
            }
            None => {
                // The data were checked when the fit started.
                let loss = MlpLoss::new(&self.mlp, &xb, &yb, L2::Alpha(self.alpha)).expect("checked data");
                self.recorded.push((rows, loss.record_batch(w)));
                &mut self.recorded.last_mut().expect("just pushed").1
            }
        };
        rec.value_and_grad_to(w, grad)
    }
}
