//! What an [`Analysis`] says: the one-line verdict and the human-readable report.
//!
//! The verdict never says more than second order shows: eigenvalues within the tolerance
//! are *undecided*, and a degenerate point is described by what the decided eigenvalues
//! rule out; a point that is not critical says so, with what to do; a point refinement
//! reached from a non-critical start says how far it is from the given point.

use std::fmt;

use crate::analysis::{Analysis, critical_gradient_tolerance};
use crate::classify::Classification;

fn plural(k: usize, word: &str) -> String {
    format!("{k} {word}{}", if k == 1 { "" } else { "s" })
}

impl Analysis {
    /// The verdict, one line: what the point is, to second order, and what cannot be told.
    ///
    /// ```
    /// use hesse_critical::{analyze, AnalysisOptions};
    /// let a = analyze(|x| x[0].powi(4) + x[1].powi(2), &[0.0, 0.0], AnalysisOptions::default()).unwrap();
    /// assert!(a.verdict().starts_with("degenerate: 1 eigenvalue cannot be told from zero"));
    /// let b = analyze(|x| x[0].powi(2) + x[1], &[0.0, 0.0], AnalysisOptions::default()).unwrap();
    /// assert!(b.verdict().starts_with("not a critical point"));
    /// ```
    pub fn verdict(&self) -> String {
        if !self.is_critical_point() {
            let mut s = format!(
                "not a critical point (‖∇f‖₂ = {:.3e} > 1e-6·max(|f|, 1) = {:.1e})",
                self.gradient_norm,
                critical_gradient_tolerance(self.value)
            );
            match &self.refinement {
                Some(_) => s += "; refinement (Newton on ∇f = 0) found no critical point near it",
                None => s += "; refinement was off",
            }
            s += &format!(
                "; the curvature there is that of a {}; minimize first, or start closer to a critical point",
                self.classification
            );
            return s;
        }
        let i = self.inertia;
        let mut s = match self.classification {
            Classification::Minimum => "strict local minimum".to_string(),
            Classification::Maximum => "strict local maximum".to_string(),
            Classification::Saddle { index } if i.zero == 0 => format!("saddle point of index {index}"),
            Classification::Saddle { index } => format!(
                "saddle point of index at least {index} ({} more undecided)",
                plural(i.zero, "eigenvalue")
            ),
            Classification::Degenerate { zero_directions } => {
                let mut d = format!(
                    "degenerate: {} cannot be told from zero (|λ| ≤ {:.3e})",
                    plural(zero_directions, "eigenvalue"),
                    self.tolerance
                );
                if self.symmetries.is_empty() {
                    let flat = self.flat_directions().len();
                    if flat > 0 {
                        d += &format!(
                            ", {} flat to second order (H·v ≈ 0, g·v ≈ 0; symmetries of f show up so: declare known ones)",
                            if flat == zero_directions {
                                "all".to_string()
                            } else {
                                flat.to_string()
                            }
                        );
                    }
                }
                d += match (i.negative, i.positive) {
                    (0, 0) => "; second order says nothing here",
                    (0, _) => "; the rest curve upwards: a minimum or a saddle, higher order decides",
                    (_, 0) => "; the rest curve downwards: a maximum or a saddle, higher order decides",
                    _ => "",
                };
                d
            }
        };
        if self.symmetries_hold() {
            s += &format!(" modulo {}", plural(self.symmetries.len(), "symmetry direction"));
        } else if !self.symmetries.is_empty() {
            s += &format!(
                "; the declared symmetry directions are not flat here (‖H·v‖₂ up to {:.3e} > {:.3e}) and were not used",
                self.symmetry_residual, self.tolerance
            );
        }
        if let Some(r) = &self.refinement {
            if r.initial_gradient_norm > critical_gradient_tolerance(self.value) {
                s += &format!(
                    " (at the critical point refinement reached, {:.3e} from the given point, where ‖∇f‖₂ was {:.3e})",
                    r.moved, r.initial_gradient_norm
                );
            }
        }
        s
    }
}

/// A human-readable report: the point, value, gradient norms, the Hessian as an aligned
/// matrix, signed eigenvalues, the tolerance and its parts, and the verdict.
impl fmt::Display for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.x.len();
        writeln!(f, "point      [{}]", join(&self.x))?;
        writeln!(f, "value      {}", fmt_num(self.value))?;
        writeln!(
            f,
            "‖∇f‖₂      {:.3e}   (‖∇f‖∞ {:.3e})",
            self.gradient_norm, self.gradient_norm_inf
        )?;
        if let Some(r) = &self.refinement {
            writeln!(
                f,
                "refined    {} step{}, moved {:.3e}, ‖∇f‖₂ {:.3e} → {:.3e}{}",
                r.steps,
                if r.steps == 1 { "" } else { "s" },
                r.moved,
                r.initial_gradient_norm,
                r.final_gradient_norm,
                if r.converged { "" } else { " (not converged)" }
            )?;
        }
        if n <= 12 {
            writeln!(f, "hessian")?;
            let cells: Vec<String> = self.hessian.as_slice().iter().map(|&v| fmt_num(v)).collect();
            let width = cells.iter().map(|c| c.chars().count()).max().unwrap_or(1);
            for i in 0..n {
                let row: Vec<String> = (0..n).map(|j| format!("{:>width$}", cells[i * n + j])).collect();
                writeln!(f, "  [ {} ]", row.join("  "))?;
            }
        } else {
            writeln!(f, "hessian    {n}×{n} (not printed)")?;
        }
        let signed: Vec<String> = self.eigenvalues.iter().map(|&l| format!("{l:+.6e}")).collect();
        writeln!(f, "eigenvalues {}", signed.join("  "))?;
        if !self.symmetries.is_empty() {
            let reduced: Vec<String> = self
                .reduced_eigenvalues
                .iter()
                .map(|&l| format!("{l:+.6e}"))
                .collect();
            writeln!(
                f,
                "modulo     {} declared symmetry directions (‖H·v‖₂ ≤ {:.3e}): {}",
                self.symmetries.len(),
                self.symmetry_residual,
                reduced.join("  ")
            )?;
        }
        let t = &self.zero_tolerance;
        writeln!(
            f,
            "inertia    {} negative, {} undecided, {} positive (|λ| ≤ {:.3e} counts as zero{})",
            self.inertia.negative,
            self.inertia.zero,
            self.inertia.positive,
            self.tolerance,
            if t.explicit.is_some() {
                ", given".to_string()
            } else {
                format!(
                    ": rounding {:.1e} + distance {:.1e} + gradient {:.1e}",
                    t.rounding, t.distance, t.gradient
                )
            }
        )?;
        write!(f, "verdict    {}", self.verdict())
    }
}

fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 1e-4 && v.abs() < 1e7 {
        let s = format!("{v:.10}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{v:.6e}")
    }
}

fn join(x: &[f64]) -> String {
    x.iter().map(|&v| fmt_num(v)).collect::<Vec<_>>().join(", ")
}
