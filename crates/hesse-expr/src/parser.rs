//! Recursive descent over the grammar, emitting the formula in postfix order.
//!
//! ```text
//! formula := sum END
//! sum     := product (('+' | '-') product)*
//! product := unary (('*' | '/') unary)*
//! unary   := ('-' | '+') unary | power
//! power   := primary ('^' unary)?          right-associative; binds tighter than a sign
//! primary := NUMBER | CONSTANT | VARIABLE | FUNCTION '(' sum (',' sum)* ')' | '(' sum ')'
//! ```
//!
//! The exponent of `^` is a `unary`, as in Python: `-x^2` is `-(x^2)`, `2^-1` is `0.5` and
//! `x^y^z` is `x^(y^z)`.
//!
//! Why postfix and not a tree of boxes: a formula such as `x+x+…+x` with a million terms is a
//! tree a million levels deep, and dropping or walking a boxed tree recursively would overflow
//! the stack. The postfix program is a flat `Vec`, evaluated with an explicit stack; only true
//! nesting (parentheses, calls, signs, powers) recurses in the parser, and that is bounded by
//! [`MAX_DEPTH`].

use std::ops::Range;

use crate::MAX_DEPTH;
use crate::error::{Expected, ParseError, ParseErrorKind};
use crate::func::{Builtin, Func2, builtin, function_names, suggest};
use crate::lexer::{Tok, Token, lex};
use hesse_core::ops::Unary;

/// One instruction of the postfix program.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Instr {
    /// Push a constant.
    Num(f64),
    /// Push the variable with this index in [`Parsed::variables`].
    Var(usize),
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    F1(Unary),
    F2(Func2),
}

/// The parser's output.
pub(crate) struct Parsed {
    pub program: Vec<Instr>,
    /// Variables in order of first appearance, with the byte span of that appearance.
    pub variables: Vec<(String, Range<usize>)>,
}

type PResult<T = ()> = Result<T, Box<ParseError>>;

pub(crate) fn parse(src: &str) -> Result<Parsed, ParseError> {
    let mut p = Parser {
        src,
        tokens: lex(src),
        pos: 0,
        depth: 0,
        program: Vec::new(),
        variables: Vec::new(),
    };
    match p.formula() {
        Ok(()) => Ok(Parsed {
            program: p.program,
            variables: p.variables,
        }),
        Err(e) => Err(*e),
    }
}

struct Parser<'s> {
    src: &'s str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    program: Vec<Instr>,
    variables: Vec<(String, Range<usize>)>,
}

impl<'s> Parser<'s> {
    fn peek(&self) -> &Token {
        // The token list always ends with `End`, and `pos` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn text(&self, span: &Range<usize>) -> &'s str {
        &self.src[span.clone()]
    }

    fn err(&self, kind: ParseErrorKind, at: usize) -> Box<ParseError> {
        Box::new(ParseError::new(kind, self.src, at))
    }

    /// `"Unexpected <token>, expected <what>"` at the current token, with a hint for the
    /// usual slips.
    fn unexpected(&self, expected: Expected) -> Box<ParseError> {
        let t = self.peek();
        let at = t.span.start;
        // An operand right after an operand reads as implicit multiplication (`2x`, `x(y)`),
        // except number after number (`1..2`, `1 2`), which is more likely a typo.
        let operand_start = matches!(t.tok, Tok::Num(_) | Tok::Ident | Tok::LParen)
            && !(matches!(t.tok, Tok::Num(_))
                && self.pos > 0
                && matches!(self.tokens[self.pos - 1].tok, Tok::Num(_)));
        let kind = match t.tok {
            Tok::End => ParseErrorKind::UnexpectedEnd { expected },
            Tok::Invalid(c) => ParseErrorKind::UnexpectedChar { found: c, expected },
            _ => ParseErrorKind::UnexpectedToken {
                found: self.describe(t),
                expected,
            },
        };
        let hint = match t.tok {
            _ if operand_start && expected != Expected::Operand => {
                Some("implicit multiplication is not supported; write `*`, as in 2*x")
            }
            Tok::Star if expected == Expected::Operand && self.prev_is(Tok::Star) => {
                Some("powers are written with `^`, as in x^2")
            }
            Tok::Invalid('²' | '³') => Some("powers are written with `^`, as in x^2"),
            Tok::Invalid('×' | '·' | '⋅') => Some("multiplication is written with `*`"),
            Tok::Invalid('−' | '–') => Some("use the ASCII minus sign `-`"),
            Tok::Invalid('÷') => Some("division is written with `/`"),
            Tok::Invalid('[' | '{') => Some("only round parentheses group: ( )"),
            Tok::Invalid('π') => Some("write `pi`"),
            Tok::End if expected == Expected::OperatorOrCloseParen => Some("a '(' is not closed"),
            Tok::RParen if expected == Expected::OperatorOrEnd => Some("this ')' has no matching '('"),
            _ => None,
        };
        self.err(kind, at).with_hint_boxed(hint)
    }

    fn prev_is(&self, tok: Tok) -> bool {
        self.pos > 0 && self.tokens[self.pos - 1].tok == tok
    }

    fn describe(&self, t: &Token) -> String {
        let text = self.text(&t.span);
        match t.tok {
            Tok::Num(_) => format!("number {text}"),
            Tok::Ident => match builtin(text) {
                Some((_, Builtin::Const(_))) => format!("constant {text}"),
                Some(_) => format!("function {text}"),
                None => format!("variable {text}"),
            },
            Tok::End => "end of formula".to_string(),
            _ => format!("'{text}'"),
        }
    }

    /// Enters one level of nesting, failing past [`MAX_DEPTH`].
    fn enter(&mut self) -> PResult {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(
                ParseErrorKind::TooDeep { limit: MAX_DEPTH },
                self.peek().span.start,
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn formula(&mut self) -> PResult {
        self.sum()?;
        if self.peek().tok != Tok::End {
            return Err(self.unexpected(Expected::OperatorOrEnd));
        }
        Ok(())
    }

    fn sum(&mut self) -> PResult {
        self.product()?;
        loop {
            let op = match self.peek().tok {
                Tok::Plus => Instr::Add,
                Tok::Minus => Instr::Sub,
                _ => return Ok(()),
            };
            self.bump();
            self.product()?;
            self.program.push(op);
        }
    }

    fn product(&mut self) -> PResult {
        self.unary()?;
        loop {
            let op = match self.peek().tok {
                Tok::Star => Instr::Mul,
                Tok::Slash => Instr::Div,
                _ => return Ok(()),
            };
            self.bump();
            self.unary()?;
            self.program.push(op);
        }
    }

    fn unary(&mut self) -> PResult {
        match self.peek().tok {
            Tok::Minus | Tok::Plus => {
                let neg = self.bump().tok == Tok::Minus;
                self.enter()?;
                self.unary()?;
                self.leave();
                if neg {
                    self.program.push(Instr::Neg);
                }
                Ok(())
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> PResult {
        self.primary()?;
        if self.peek().tok == Tok::Caret {
            self.bump();
            self.enter()?;
            self.unary()?;
            self.leave();
            self.program.push(Instr::Pow);
        }
        Ok(())
    }

    fn primary(&mut self) -> PResult {
        let t = self.peek().clone();
        match t.tok {
            Tok::Num(v) => {
                self.bump();
                let Some(v) = v else {
                    let text = self.text(&t.span).to_string();
                    return Err(self.err(ParseErrorKind::NumberOutOfRange { text }, t.span.start));
                };
                self.program.push(Instr::Num(v));
                Ok(())
            }
            Tok::LParen => {
                self.bump();
                self.enter()?;
                self.sum()?;
                if self.peek().tok != Tok::RParen {
                    return Err(self.unexpected(Expected::OperatorOrCloseParen));
                }
                self.bump();
                self.leave();
                Ok(())
            }
            Tok::Ident => {
                self.bump();
                self.identifier(t.span)
            }
            _ => Err(self.unexpected(Expected::Operand)),
        }
    }

    fn identifier(&mut self, span: Range<usize>) -> PResult {
        let name = self.text(&span);
        let called = self.peek().tok == Tok::LParen;
        match (builtin(name), called) {
            (Some((_, Builtin::Const(c))), false) => {
                self.program.push(Instr::Num(c));
                Ok(())
            }
            (Some((name, Builtin::Const(_))), true) => Err(self
                .err(ParseErrorKind::ConstantCalled { name }, span.start)
                .with_hint_boxed(Some(
                    "implicit multiplication is not supported; write `*`, as in 2*pi",
                ))),
            (Some((name, f)), false) => {
                let arity = if matches!(f, Builtin::F2(_)) { 2 } else { 1 };
                Err(self.err(ParseErrorKind::FunctionWithoutCall { name, arity }, span.start))
            }
            (Some((name, f)), true) => {
                let arity = if matches!(f, Builtin::F2(_)) { 2 } else { 1 };
                let found = self.arguments()?;
                if found != arity {
                    return Err(self.err(
                        ParseErrorKind::WrongArity {
                            name,
                            expected: arity,
                            found,
                        },
                        span.start,
                    ));
                }
                self.program.push(match f {
                    Builtin::F1(f) => Instr::F1(f),
                    Builtin::F2(f) => Instr::F2(f),
                    Builtin::Const(c) => Instr::Num(c),
                });
                Ok(())
            }
            (None, true) => {
                let suggestion = suggest(name, function_names());
                Err(self.err(
                    ParseErrorKind::UnknownFunction {
                        name: name.to_string(),
                        suggestion,
                    },
                    span.start,
                ))
            }
            (None, false) => {
                let index = match self.variables.iter().position(|(v, _)| v == name) {
                    Some(i) => i,
                    None => {
                        self.variables.push((name.to_string(), span));
                        self.variables.len() - 1
                    }
                };
                self.program.push(Instr::Var(index));
                Ok(())
            }
        }
    }

    /// Parses `( arg, arg, … )` after a function name, emitting each argument; returns how
    /// many there were.
    fn arguments(&mut self) -> PResult<usize> {
        self.bump(); // '('
        self.enter()?;
        if self.peek().tok == Tok::RParen {
            self.bump();
            self.leave();
            return Ok(0);
        }
        let mut n = 0;
        loop {
            self.sum()?;
            n += 1;
            match self.peek().tok {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RParen => {
                    self.bump();
                    self.leave();
                    return Ok(n);
                }
                _ => return Err(self.unexpected(Expected::OperatorCommaOrCloseParen)),
            }
        }
    }
}

trait WithHint {
    fn with_hint_boxed(self, hint: Option<&'static str>) -> Self;
}

impl WithHint for Box<ParseError> {
    fn with_hint_boxed(self, hint: Option<&'static str>) -> Self {
        Box::new((*self).with_hint(hint))
    }
}
