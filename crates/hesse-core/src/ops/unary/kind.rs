//! The data of the registry: the [`Unary`] enum (one variant per registered op, generated
//! from the registry's list) and [`Domain`]. Nothing here names an op's block or `Var`: the
//! tape stores `Unary`s, the kernels dispatch on them.

/// Where an op is differentiable, for samplers and the registry sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// Every real number.
    All,
    /// `x > 0`.
    Positive,
    /// `x > -1`.
    AboveMinusOne,
    /// `x ≠ 0`.
    NonZero,
    /// `|x| < π/2`.
    HalfPeriod,
}

/// Generates [`Unary`] from the registry's list.
macro_rules! define_enum {
    ($($(#[$doc:meta])* $op:ident $(($v:ident: $p:ty))?),* $(,)?) => {
        /// Elementwise function of one input: one variant per registered op (see the module
        /// docs of [`crate::ops::unary`]; the op's own type documents its math).
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Unary {
            $(
                $(#[$doc])*
                #[doc = concat!("\n\nSee [`", stringify!($op), "`](crate::ops::unary::", stringify!($op), ").")]
                $op $(($p))?,
            )*
        }
    };
}

registry!(define_enum);
