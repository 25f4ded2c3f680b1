//! # hesse-expr: formulas as text, differentiated exactly
//!
//! Parses an infix formula once into an [`Expr`], then builds it into hesse-core
//! [`Var`]s on a tape, so the gradient, Hessian, Hessian-vector products and every higher
//! order come from the same engine as a loss written in Rust.
//!
//! ```
//! use hesse_expr::Expr;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let rosenbrock = Expr::parse("(1-x)^2 + 100*(y-x^2)^2")?;
//! assert_eq!(rosenbrock.variables(), ["x", "y"]);
//!
//! // Bind the variables to the coordinates of a point, then use any transform.
//! let f = rosenbrock.bind(&["x", "y"])?;
//! let (value, gradient) = hesse_core::value_and_grad(|x| f.call(x), &[-1.2, 1.0]);
//! assert!((value - 24.2).abs() < 1e-12);
//! assert!((gradient[0] + 215.6).abs() < 1e-9 && (gradient[1] + 88.0).abs() < 1e-9);
//! let h = hesse_core::hessian(|x| f.call(x), &[1.0, 1.0]);
//! assert_eq!(h.to_rows(), vec![vec![802.0, -400.0], vec![-400.0, 200.0]]);
//!
//! // Errors point at the offending character and say what was expected.
//! let err = Expr::parse("2 * (x + )").unwrap_err();
//! assert_eq!(err.column(), 10);
//! assert_eq!(
//!     err.to_string(),
//!     "unexpected ')', expected a number, variable, function or '(' at column 10\n  2 * (x + )\n           ^"
//! );
//! # Ok(()) }
//! ```
//!
//! ## Syntax
//!
//! | form | meaning |
//! |---|---|
//! | `2`, `0.5`, `1e-3`, `.5`, `1.` | numbers (`f64`; a literal beyond its range is an error) |
//! | `x`, `y`, `x1`, `w_0`, `Theta` | variables: ASCII letters, digits and `_`, not starting with a digit; case-sensitive |
//! | `pi`, `e` | constants |
//! | `a + b`, `a - b`, `a * b`, `a / b` | left-associative; `*` `/` bind tighter than `+` `-` |
//! | `a ^ b` | power: right-associative (`x^y^z = x^(y^z)`), tighter than a sign (`-x^2 = -(x^2)`); the exponent may carry a sign (`2^-1 = 0.5`) |
//! | `-a`, `+a` | signs |
//! | `exp(a)`, `erf(a)`, … | functions of one argument: every elementwise op of hesse-core without a parameter, by its name ([`functions`] lists them; `hesse --help` too); `log` and `ln` are both the natural logarithm |
//! | `max(a, b)`, `min(a, b)` | functions of two arguments |
//!
//! Spaces, tabs and newlines are ignored. Function names and constants are reserved: they
//! cannot be variables ([`is_variable_name`]). There is no implicit multiplication (`2x` is
//! an error whose hint says to write `2*x`).
//!
//! ## Values and derivatives
//!
//! Each function is the hesse-core op of the same name, with its documented conventions:
//! relu'(0) = 0, |x|'(0) = 0, `max`/`min` ties split the gradient 0.5/0.5, and NaN and
//! infinities propagate as IEEE 754 says — `1/0` is `inf`, `ln(0)` is `-inf`, `ln(-1)` and
//! `sqrt(-1)` are NaN. Evaluation never fails: a NaN result is a value, not an error.
//!
//! Powers pick the op from the exponent: a constant integer exponent (`x^2`, `x^-1`,
//! `x^(1+1)`) uses `powi`, exact and defined for negative `x`; any other constant exponent
//! (`x^0.5`) uses `powf`, NaN for negative `x`; a non-constant exponent (`x^y`, `2^x`) is the
//! general power, whose derivative in the exponent, `aᵇ ln a`, is NaN for bases `a ≤ 0`;
//! `e^x` is `exp(x)`. Constant sub-formulas are folded with the engine's own kernels, so a
//! formula records the same tape nodes as the same formula written with `Var`s in Rust.
//!
//! ## Robustness
//!
//! No input string makes the parser panic or overflow the stack (property-tested over
//! arbitrary strings and over soups of valid tokens). Nesting — parentheses, calls, signs,
//! powers — is limited to [`MAX_DEPTH`] levels; long flat formulas (`x+x+…+x`) have no limit,
//! as the parsed form is a flat postfix program evaluated with an explicit stack.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod error;
mod eval;
mod func;
mod lexer;
mod parser;

use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::ops::Range;
use std::str::FromStr;

use hesse_core::{Tape, Var};

pub use error::{BindError, Expected, ParseError, ParseErrorKind};

use eval::{Operand, Tapes, Values, run};
use func::suggest;
use parser::Instr;

/// How deeply parentheses, function calls, signs and powers may nest.
///
/// Deeper formulas fail with [`ParseErrorKind::TooDeep`] instead of overflowing the stack.
pub const MAX_DEPTH: usize = 256;

/// A parsed formula: parse once, then build it on as many tapes as needed.
///
/// ```
/// use hesse_expr::Expr;
/// # fn main() -> Result<(), hesse_expr::ParseError> {
/// let f: Expr = "w_0 * sin(t) + max(t, w_0)^2".parse()?;
/// assert_eq!(f.variables(), ["w_0", "t"]);
/// assert_eq!(f.to_string(), "w_0 * sin(t) + max(t, w_0)^2");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    source: String,
    program: Vec<Instr>,
    variables: Vec<String>,
    spans: Vec<Range<usize>>,
}

impl Expr {
    /// Parses a formula.
    ///
    /// # Errors
    /// A [`ParseError`] locating the first problem, for text that is not a formula.
    ///
    /// ```
    /// use hesse_expr::{Expr, ParseErrorKind};
    ///
    /// let e = Expr::parse("sine(x)").unwrap_err();
    /// assert_eq!(e.kind(), &ParseErrorKind::UnknownFunction { name: "sine".into(), suggestion: Some("sin") });
    /// assert_eq!(e.to_string(), "unknown function `sine`, did you mean `sin`? at column 1\n  sine(x)\n  ^");
    ///
    /// let e = Expr::parse("max(x)").unwrap_err();
    /// assert_eq!(e.kind(), &ParseErrorKind::WrongArity { name: "max", expected: 2, found: 1 });
    /// ```
    pub fn parse(src: &str) -> Result<Expr, ParseError> {
        let parsed = parser::parse(src)?;
        let (variables, spans) = parsed.variables.into_iter().unzip();
        Ok(Expr {
            source: src.to_string(),
            program: parsed.program,
            variables,
            spans,
        })
    }

    /// The formula as it was written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The variables, in order of first appearance.
    ///
    /// ```
    /// # fn main() -> Result<(), hesse_expr::ParseError> {
    /// let f = hesse_expr::Expr::parse("y*x + y + pi")?;
    /// assert_eq!(f.variables(), ["y", "x"]);
    /// # Ok(()) }
    /// ```
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    /// Byte range of the first appearance of variable `name` in the source, if it occurs.
    pub fn variable_span(&self, name: &str) -> Option<Range<usize>> {
        let i = self.variables.iter().position(|v| v == name)?;
        Some(self.spans[i].clone())
    }

    /// Binds the formula's variables to coordinates: `names[i]` is coordinate `i` of the
    /// points the result is called with. Names the formula does not use are allowed (their
    /// derivatives are zero).
    ///
    /// # Errors
    /// [`BindError::MissingVariable`] naming the first formula variable absent from `names`
    /// (with a close name as suggestion), [`BindError::DuplicateVariable`] if a name repeats.
    ///
    /// ```
    /// use hesse_expr::{BindError, Expr};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let f = Expr::parse("x^2 * y")?;
    /// let b = f.bind(&["y", "x", "z"])?;
    /// assert_eq!(hesse_core::grad(|p| b.call(p), &[3.0, 2.0, 7.0]), vec![4.0, 12.0, 0.0]);
    ///
    /// let err = f.bind(&["x", "Y"]).unwrap_err();
    /// assert_eq!(err.to_string(), "variable `y` is used in the formula but has no value (given: x, Y); did you mean `Y`?");
    /// # Ok(()) }
    /// ```
    pub fn bind<S: AsRef<str>>(&self, names: &[S]) -> Result<Bound, BindError> {
        for (i, n) in names.iter().enumerate() {
            if names[..i].iter().any(|m| m.as_ref() == n.as_ref()) {
                return Err(BindError::DuplicateVariable {
                    name: n.as_ref().to_string(),
                });
            }
        }
        let mut slots = Vec::with_capacity(self.variables.len());
        for v in &self.variables {
            match names.iter().position(|n| n.as_ref() == v) {
                Some(i) => slots.push(i),
                None => return Err(self.missing(v, names.iter().map(|n| n.as_ref()))),
            }
        }
        Ok(Bound {
            program: self.program.clone(),
            slots,
            names: names.iter().map(|n| n.as_ref().to_string()).collect(),
        })
    }

    fn missing<'a>(&self, name: &str, given: impl Iterator<Item = &'a str> + Clone) -> BindError {
        BindError::MissingVariable {
            name: name.to_string(),
            given: given.clone().map(str::to_string).collect(),
            suggestion: suggest(name, given).map(str::to_string),
        }
    }

    /// Builds the formula on `tape` from `Var`s looked up by name. Extra entries are ignored.
    ///
    /// # Errors
    /// [`BindError::MissingVariable`] if a formula variable is not in `vars`.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let f = hesse_expr::Expr::parse("x * ln(y)")?;
    /// let tape = hesse_core::Tape::new();
    /// let (x, y) = (tape.var(2.0), tape.var(1.0));
    /// let out = f.build(&tape, &HashMap::from([("x", x), ("y", y)]))?;
    /// assert_eq!(out.value(), 0.0);
    /// let g = tape.grad(out, &[x, y]);
    /// assert_eq!((g[0].value(), g[1].value()), (0.0, 2.0));
    /// # Ok(()) }
    /// ```
    pub fn build<'t, K>(&self, tape: &'t Tape, vars: &HashMap<K, Var<'t>>) -> Result<Var<'t>, BindError>
    where
        K: Borrow<str> + Hash + Eq,
    {
        let operands = self.lookup(vars, |&v| Operand::Var(v))?;
        let slots: Vec<usize> = (0..operands.len()).collect();
        Ok(into_var(
            run(Tapes::new(), &self.program, &slots, &operands),
            tape,
        ))
    }

    /// The value at a point given by name, without a tape. Extra entries are ignored.
    ///
    /// # Errors
    /// [`BindError::MissingVariable`] if a formula variable is not in `vars`.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let f = hesse_expr::Expr::parse("2^-1 + max(x, 1/0)")?;
    /// assert_eq!(f.value(&HashMap::from([("x", 1.0)]))?, f64::INFINITY);
    /// # Ok(()) }
    /// ```
    pub fn value<K>(&self, vars: &HashMap<K, f64>) -> Result<f64, BindError>
    where
        K: Borrow<str> + Hash + Eq,
    {
        let operands = self.lookup(vars, |&v| Operand::Var(v))?;
        let slots: Vec<usize> = (0..operands.len()).collect();
        Ok(plain(run(Values, &self.program, &slots, &operands)))
    }

    fn lookup<K, V, W>(
        &self,
        vars: &HashMap<K, V>,
        f: impl Fn(&V) -> Operand<W>,
    ) -> Result<Vec<Operand<W>>, BindError>
    where
        K: Borrow<str> + Hash + Eq,
    {
        self.variables
            .iter()
            .map(|name| match vars.get(name.as_str()) {
                Some(v) => Ok(f(v)),
                None => {
                    let mut given: Vec<&str> = vars.keys().map(|k| k.borrow()).collect();
                    given.sort_unstable();
                    Err(self.missing(name, given.into_iter()))
                }
            })
            .collect()
    }
}

/// The result as a `Var` on `tape` (a constant formula becomes a constant node).
fn into_var<'t>(o: Operand<Var<'t>>, tape: &'t Tape) -> Var<'t> {
    match o {
        Operand::Const(c) => tape.scalar(c),
        Operand::Var(v) => v,
    }
}

/// The result as a number.
fn plain(o: Operand<f64>) -> f64 {
    match o {
        Operand::Const(c) | Operand::Var(c) => c,
    }
}

impl FromStr for Expr {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Expr::parse(s)
    }
}

impl fmt::Display for Expr {
    /// The formula as it was written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// A formula whose variables are bound to the coordinates of a point
/// ([`Expr::bind`]): the form the functional transforms and optimizers take.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let f = hesse_expr::Expr::parse("x^4 + y^2")?.bind(&["x", "y"])?;
/// assert_eq!(f.value(&[1.0, 2.0]), 5.0);
/// let h = hesse_core::hessian(|p| f.call(p), &[0.0, 0.0]);
/// assert_eq!(h.to_rows(), vec![vec![0.0, 0.0], vec![0.0, 2.0]]);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    program: Vec<Instr>,
    /// `slots[i]`: the coordinate of formula variable `i`.
    slots: Vec<usize>,
    names: Vec<String>,
}

impl Bound {
    /// The number of coordinates of the points it takes.
    pub fn dim(&self) -> usize {
        self.names.len()
    }

    /// The coordinate names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Builds the formula on `tape`, reading coordinate `i` from `x[i]`.
    ///
    /// # Panics
    /// If `x.len()` differs from [`Bound::dim`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let f = hesse_expr::Expr::parse("2 * pi")?.bind::<&str>(&[])?;
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(f.build(&tape, &[]).value(), std::f64::consts::TAU);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn build<'t>(&self, tape: &'t Tape, x: &[Var<'t>]) -> Var<'t> {
        self.check_len(x.len());
        let operands: Vec<Operand<Var<'t>>> = x.iter().map(|&v| Operand::Var(v)).collect();
        into_var(run(Tapes::new(), &self.program, &self.slots, &operands), tape)
    }

    /// Builds the formula on the tape of `x`: the closure form the transforms take,
    /// `hesse_core::hessian(|p| f.call(p), &x0)`.
    ///
    /// # Panics
    /// If `x.len()` differs from [`Bound::dim`], or is 0 (no tape to build on; use
    /// [`Bound::build`]).
    #[track_caller]
    pub fn call<'t>(&self, x: &[Var<'t>]) -> Var<'t> {
        self.check_len(x.len());
        assert!(
            !x.is_empty(),
            "call: a point with no coordinates has no tape; use build"
        );
        self.build(x[0].tape(), x)
    }

    /// The value at `x`, without a tape (the same kernels, so the same bits as the tape).
    ///
    /// # Panics
    /// If `x.len()` differs from [`Bound::dim`].
    #[track_caller]
    pub fn value(&self, x: &[f64]) -> f64 {
        self.check_len(x.len());
        let operands: Vec<Operand<f64>> = x.iter().map(|&v| Operand::Var(v)).collect();
        plain(run(Values, &self.program, &self.slots, &operands))
    }

    #[track_caller]
    fn check_len(&self, n: usize) {
        assert!(
            n == self.dim(),
            "bound formula: point has {n} coordinates, expected {} ({})",
            self.dim(),
            self.names.join(", ")
        );
    }
}

/// Whether `name` can be a variable: ASCII letters, digits and `_`, not starting with a
/// digit, and not a function or constant name.
///
/// ```
/// assert!(hesse_expr::is_variable_name("w_0"));
/// assert!(!hesse_expr::is_variable_name("pi"));
/// assert!(!hesse_expr::is_variable_name("1x"));
/// ```
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && func::builtin(name).is_none()
}

/// The reserved names: every function and constant.
pub fn reserved_names() -> impl Iterator<Item = &'static str> {
    func::builtins().map(|(n, _)| n)
}

/// The functions a formula may call, with their number of arguments: every elementwise op of
/// hesse-core without a parameter (its registry, `hesse_core::ops::Unary::functions`), `log`
/// (= `ln`), `max` and `min`.
///
/// ```
/// let f: Vec<_> = hesse_expr::functions().collect();
/// assert!(f.contains(&("erf", 1)) && f.contains(&("log", 1)) && f.contains(&("max", 2)));
/// ```
pub fn functions() -> impl Iterator<Item = (&'static str, usize)> {
    func::builtins().filter_map(|(n, b)| match b {
        func::Builtin::F1(_) => Some((n, 1)),
        func::Builtin::F2(_) => Some((n, 2)),
        func::Builtin::Const(_) => None,
    })
}
