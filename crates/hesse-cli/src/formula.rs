//! The formula of a command: parsed by hesse-expr and bound to the point's names.

use crate::error::CliError;

/// Parses the formula and binds it to the point's names.
pub fn prepare(formula: &str, names: &[String]) -> Result<(hesse_expr::Expr, hesse_expr::Bound), CliError> {
    let expr = hesse_expr::Expr::parse(formula)?;
    let bound = expr.bind(names).map_err(|e| CliError::bind(&expr, e))?;
    Ok((expr, bound))
}
