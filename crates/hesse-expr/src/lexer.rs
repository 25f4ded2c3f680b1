//! Tokens with their byte spans.
//!
//! The whole formula is lexed up front. A character that starts no token becomes
//! [`Tok::Invalid`] instead of an error, so the parser reports it together with what it
//! expected at that place ("unexpected character '#', expected an operator ...").

use std::ops::Range;

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A number literal; `None` when it overflows `f64` (`1e999`).
    Num(Option<f64>),
    /// An identifier: `[A-Za-z_][A-Za-z0-9_]*`.
    Ident,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    Comma,
    /// A character that starts no token.
    Invalid(char),
    /// The end of the formula.
    End,
}

/// A token and where it sits in the source (byte offsets).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

/// Splits `src` into tokens, ending with [`Tok::End`].
pub(crate) fn lex(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let tok = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'+' => Tok::Plus,
            b'-' => Tok::Minus,
            b'*' => Tok::Star,
            b'/' => Tok::Slash,
            b'^' => Tok::Caret,
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            b'0'..=b'9' | b'.' if starts_number(bytes, i) => {
                i = number_end(bytes, i);
                let text = &src[start..i];
                // The slice matches Rust's float grammar by construction; a parse failure
                // cannot happen, but it would read as an overflow rather than a panic.
                let v = text.parse::<f64>().ok().filter(|v| v.is_finite());
                out.push(Token {
                    tok: Tok::Num(v),
                    span: start..i,
                });
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Ident,
                    span: start..i,
                });
                continue;
            }
            _ => {
                // Any other character, possibly multi-byte: report it whole.
                let c = src[i..].chars().next().unwrap_or('\u{fffd}');
                i += c.len_utf8();
                out.push(Token {
                    tok: Tok::Invalid(c),
                    span: start..i,
                });
                continue;
            }
        };
        i += 1;
        out.push(Token { tok, span: start..i });
    }
    out.push(Token {
        tok: Tok::End,
        span: bytes.len()..bytes.len(),
    });
    out
}

/// A number starts with a digit, or with `.` followed by a digit (`.5`).
fn starts_number(bytes: &[u8], i: usize) -> bool {
    bytes[i].is_ascii_digit() || bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
}

/// The end of the number starting at `i`: `digits [. digits] [(e|E) [+|-] digits]`. The
/// exponent is taken only when digits follow, so `2e` lexes as `2` then `e`.
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    i = digits(i);
    if bytes.get(i) == Some(&b'.') {
        i = digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            i = digits(j);
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_in_every_spelling() {
        for (s, v) in [
            ("2", 2.0),
            ("0.5", 0.5),
            ("1e-3", 1e-3),
            (".5", 0.5),
            ("1.", 1.0),
            ("2E+2", 200.0),
        ] {
            assert_eq!(toks(s), vec![Tok::Num(Some(v)), Tok::End], "{s}");
        }
        assert_eq!(toks("1e999"), vec![Tok::Num(None), Tok::End]);
        // An exponent needs digits: `2e` is 2 then the identifier e.
        assert_eq!(toks("2e"), vec![Tok::Num(Some(2.0)), Tok::Ident, Tok::End]);
    }

    #[test]
    fn identifiers_and_odd_characters() {
        let t = lex("w_0 + x1²");
        assert_eq!(t[0].span, 0..3);
        assert_eq!(t[2].span, 6..8);
        assert_eq!(t[3].tok, Tok::Invalid('²'));
        assert_eq!(toks("."), vec![Tok::Invalid('.'), Tok::End]);
    }
}
