//! Free constants: scalar constants made without a tape — [`Var::from`]`(2.0)`,
//! [`Var::zero`], [`Var::one`], and num-traits' `Zero`, `One`, `NumCast` and `Float`
//! constants — so that code generic over its number type can make the constants it needs.
//!
//! A free constant lives on this thread's tape of free constants. The first op that meets it
//! together with a `Var` of a real tape copies its value onto that tape as a constant (no
//! gradient), so `Var::zero() + x` is `x`'s tape's `0 + x`. Ops among free constants give free
//! constants. That tape keeps one node per distinct scalar value (its scalar nodes are
//! interned by their bits), so a loop that makes and combines constants does not grow memory;
//! it holds no inputs and is never rewound.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::ops::Op;
use crate::shape::Shape;
use crate::tape::Tape;
use crate::var::Var;

thread_local! {
    /// The thread's tape of free constants: leaked once per thread, so its `Var`s are
    /// `Var<'static>` and fit any tape lifetime. (`Var` is not `Send`: a free constant stays
    /// on the thread that made it.)
    static FREE: &'static Tape = Box::leak(Box::new(Tape {
        inner: RefCell::default(),
        free: true,
    }));
    /// Node id of each interned value, by its bits.
    static INTERNED: RefCell<HashMap<u64, u32>> = RefCell::new(HashMap::new());
}

fn free_tape() -> &'static Tape {
    FREE.with(|t| *t)
}

impl Tape {
    /// The free tape's node holding `value`, made on first use.
    pub(crate) fn intern(&self, value: f64) -> Var<'_> {
        debug_assert!(self.free, "intern: only the tape of free constants interns");
        INTERNED.with(|m| {
            let mut m = m.borrow_mut();
            let id = *m
                .entry(value.to_bits())
                .or_insert_with(|| self.push_leaf(Op::Constant, &[value], Shape::new()).idx());
            Var::from_raw(self, id, 0)
        })
    }

    /// Whether this is the tape of free constants ([`Var::zero`], [`Var::from`]).
    ///
    /// ```
    /// use hesse_core::{Tape, Var};
    /// assert!(Var::zero().tape().is_free());
    /// assert!(!Tape::new().is_free());
    /// ```
    pub fn is_free(&self) -> bool {
        self.free
    }
}

impl<'t> Var<'t> {
    /// A free scalar constant: no tape is needed to make it; it joins the tape of the first
    /// `Var` it meets in an op (see the module docs). [`Var::from`] is the same.
    ///
    /// ```
    /// use hesse_core::Var;
    /// // A sum that starts from a constant, with no tape at hand.
    /// fn f<'t>(x: &[Var<'t>]) -> Var<'t> {
    ///     x.iter().fold(Var::constant(1.0), |s, &xi| s + xi * xi)
    /// }
    /// assert_eq!(hesse_core::grad(f, &[1.0, 2.0]), vec![2.0, 4.0]);
    /// ```
    pub fn constant(value: f64) -> Var<'t> {
        free_tape().intern(value)
    }

    /// The free constant 0 (see [`Var::constant`]).
    ///
    /// ```
    /// let s = hesse_core::Var::zero();
    /// assert_eq!(s.value(), 0.0);
    /// ```
    pub fn zero() -> Var<'t> {
        Var::constant(0.0)
    }

    /// The free constant 1 (see [`Var::constant`]).
    ///
    /// ```
    /// use hesse_core::Var;
    /// let g = hesse_core::grad(|x| x.iter().fold(Var::one(), |p, &xi| p * xi), &[2.0, 5.0]);
    /// assert_eq!(g, vec![5.0, 2.0]);
    /// ```
    pub fn one() -> Var<'t> {
        Var::constant(1.0)
    }

    /// Whether this is a free constant (made by [`Var::constant`] and friends, or by ops
    /// among free constants only).
    ///
    /// ```
    /// use hesse_core::{Tape, Var};
    /// let tape = Tape::new();
    /// assert!((Var::constant(2.0) * 3.0).is_free());
    /// assert!(!(Var::constant(2.0) * tape.var(3.0)).is_free());
    /// ```
    pub fn is_free(&self) -> bool {
        self.tape.free
    }

    /// `self` on `tape`: itself if it lives there, a constant copy if it is a free constant.
    /// Code that reads node ids of a function's result ([`Var::id`], [`Tape::nodes`]) calls it
    /// first: a function may return a free constant (a generic `T::zero()`).
    ///
    /// # Panics
    /// If `self` lives on another real tape.
    ///
    /// ```
    /// use hesse_core::{Tape, Var};
    /// let tape = Tape::new();
    /// let y = Var::constant(3.0).on(&tape);
    /// assert!(!y.is_free() && std::ptr::eq(y.tape(), &tape));
    /// assert_eq!(y.value(), 3.0);
    /// ```
    #[track_caller]
    pub fn on(self, tape: &'t Tape) -> Var<'t> {
        self.onto(tape, "Var::on")
    }

    /// [`Var::on`], naming `op` in the panic.
    #[track_caller]
    pub(crate) fn onto(self, tape: &'t Tape, op: &str) -> Var<'t> {
        if std::ptr::eq(self.tape, tape) {
            return self;
        }
        assert!(self.tape.free, "{op}: operands live on different tapes");
        let values = self.to_vec();
        let shape = self.shape_small();
        if shape.is_empty() {
            tape.scalar(values[0])
        } else {
            tape.constant(&values, &shape)
        }
    }

    /// The two operands of a binary op on one tape: a free constant moves to the other's.
    ///
    /// # Panics
    /// If they live on two different real tapes.
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub(crate) fn meet(self, other: Var<'t>, op: &str) -> (Var<'t>, Var<'t>) {
        if self.tape.free {
            (self.onto(other.tape, op), other)
        } else {
            (self, other.onto(self.tape, op))
        }
    }
}

impl From<f64> for Var<'_> {
    /// A free constant ([`Var::constant`]).
    ///
    /// ```
    /// use hesse_core::Var;
    /// let two: Var = 2.0.into();
    /// assert_eq!(hesse_core::grad(|x| x[0] * two, &[5.0]), vec![2.0]);
    /// ```
    fn from(value: f64) -> Self {
        Var::constant(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_constants_join_the_tape_they_meet() {
        // issue 18
        let tape = Tape::new();
        let x = tape.var(3.0);
        let c = Var::constant(2.0);
        assert!(c.is_free() && !x.is_free());
        let y = c * x + Var::one();
        assert!(!y.is_free());
        assert_eq!(y.value(), 7.0);
        assert_eq!(tape.grad(y, &[x])[0].value(), 2.0);
        // Ops among free constants stay free, and are interned: no growth in a loop.
        let before = free_tape().len();
        for _ in 0..1000 {
            let z = (Var::constant(0.25) * 4.0).exp() + Var::zero();
            assert!(z.is_free());
            assert_eq!(z.value(), 1f64.exp());
        }
        assert!(free_tape().len() <= before + 4, "the free tape grew");
    }

    #[test]
    fn a_free_output_has_a_zero_gradient() {
        // issue 18: a generic function may return a constant for some inputs
        let g = crate::grad(|_| Var::constant(5.0), &[1.0, 2.0]);
        assert_eq!(g, vec![0.0, 0.0]);
    }

    #[test]
    fn a_recording_of_a_free_output_replays_it() {
        // issue 18: the recording must name its own tape's node, not the free tape's
        let mut r = crate::RecordedFn::new(|_| Var::constant(5.0), &[1.0, 2.0]);
        assert_eq!(r.value_and_grad(&[3.0, 4.0]), (5.0, vec![0.0, 0.0]));
        let mut r = crate::RecordedFn::new(|x| x[0] * 0.0 + Var::constant(2.0), &[1.0]);
        assert_eq!(r.value_and_grad(&[7.0]), (2.0, vec![0.0]));
    }

    #[test]
    #[should_panic(expected = "different tapes")]
    fn two_real_tapes_still_refuse() {
        let (a, b) = (Tape::new(), Tape::new());
        let _ = a.var(1.0) + b.var(2.0);
    }
}
