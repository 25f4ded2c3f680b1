//! [`Var::apply`]: recording any registered elementwise op.

use super::kind::Unary;
use crate::ops::Op;
use crate::tape::Inputs;
use crate::var::Var;

impl<'t> Var<'t> {
    /// Applies a registered elementwise op: `x.apply(Unary::Erf)` is `x.erf()`. The formula
    /// language and generic code reach every op through it.
    ///
    /// ```
    /// use hesse_core::ops::Unary;
    /// let g = hesse_core::grad(|x| x[0].apply(Unary::from_name("atan").unwrap()), &[1.0]);
    /// assert_eq!(g, [0.5]);
    /// ```
    pub fn apply(self, u: Unary) -> Var<'t> {
        let scalar = {
            let inner = self.tape.inner.borrow();
            let node = inner.node(&self);
            // Read only a scalar's value: an empty vector at the end of the arena has none,
            // and a deferred node (`record.rs`) none yet.
            (node.shape.is_empty() && node.ready).then(|| inner.values[node.offset])
        };
        if let Some(x) = scalar {
            return self
                .tape
                .push_scalar(Op::Unary(u), Inputs::from_slice(&[self.idx()]), u.eval(x));
        }
        let shape = self.shape_small();
        let mut inputs = Inputs::new();
        inputs.push(self.idx());
        self.tape.push(Op::Unary(u), inputs, shape)
    }
}
