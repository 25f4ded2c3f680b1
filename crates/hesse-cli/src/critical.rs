//! `hesse critical`: classify a point by the eigenvalues of the exact Hessian
//! (hesse-critical's analysis).

use hesse_critical::{Analysis, AnalysisOptions, Classification, analyze};
use serde_json::{Map, Value};

use crate::args::CriticalArgs;
use crate::error::CliError;
use crate::formula::prepare;
use crate::output::{
    assignments, emit, json_matrix, json_names, json_num, json_vec, labelled_matrix, num, num_sig,
    print_json, signed,
};

/// Runs `hesse critical`; returns the exit code.
pub fn run(args: &CriticalArgs) -> Result<u8, CliError> {
    let point = &args.at;
    let (_, f) = prepare(&args.expr, &point.names)?;
    let x = &point.values;
    let f = hesse_core::function(|p| f.call(p));

    // No eigenvalues exist for a non-finite Hessian (and an iterative eigensolver need not
    // terminate on one): refuse before analysing.
    let (value, gradient) = hesse_core::value_and_grad(f, x);
    let hessian = hesse_core::hessian(f, x);
    if !value.is_finite()
        || !gradient.iter().all(|g| g.is_finite())
        || !hessian.as_slice().iter().all(|h| h.is_finite())
    {
        return Err(CliError::Evaluation(format!(
            "cannot classify the point {}: {} is not finite there (value {}, gradient [{}])",
            assignments(&point.names, x),
            if value.is_finite() && gradient.iter().all(|g| g.is_finite()) {
                "the Hessian"
            } else if value.is_finite() {
                "the gradient"
            } else {
                "the value"
            },
            num(value),
            gradient.iter().map(|&g| num(g)).collect::<Vec<_>>().join(", ")
        )));
    }

    let a = analyze(f, x, AnalysisOptions::default().with_refine(args.refine));
    if args.json {
        print_json(json(&a, &point.names));
    } else {
        emit(&human(&a, &point.names));
    }
    Ok(0)
}

/// Whether the gradient is small enough for the classification to describe a critical
/// point: hesse-critical's own rule in `Display for Analysis`, ‖∇f‖₂ ≤ 1e-6·max(|f|, 1).
fn is_critical(a: &Analysis) -> bool {
    a.is_critical(1e-6 * a.value.abs().max(1.0))
}

fn verdict(a: &Analysis) -> String {
    if is_critical(a) {
        a.classification.to_string()
    } else {
        format!(
            "not a critical point (‖gradient‖ = {}); the curvature there is that of a {}",
            num(a.gradient_norm),
            a.classification
        )
    }
}

fn human(a: &Analysis, names: &[String]) -> String {
    let mut lines = vec![format!("point        {}", assignments(names, &a.x))];
    if let Some(r) = &a.refinement {
        lines.push(format!(
            "refined      {} step{}, moved {}, ‖gradient‖ {} → {}{}",
            r.steps,
            if r.steps == 1 { "" } else { "s" },
            num(r.moved),
            num(r.initial_gradient_norm),
            num(r.final_gradient_norm),
            if r.converged { "" } else { " (not converged)" }
        ));
    }
    lines.push(format!("value        {}", num(a.value)));
    lines.push(format!("‖gradient‖   {}", num(a.gradient_norm)));
    lines.push("hessian".into());
    lines.push(labelled_matrix(names, &a.hessian.to_rows(), "  "));
    let eig: Vec<String> = a.eigenvalues.iter().map(|&l| signed(l)).collect();
    lines.push(format!("eigenvalues  {}", eig.join("  ")));
    lines.push(format!(
        "inertia      {} negative, {} zero, {} positive (|λ| ≤ {} counts as zero)",
        a.inertia.negative,
        a.inertia.zero,
        a.inertia.positive,
        num_sig(a.tolerance, 3)
    ));
    lines.push(format!("verdict      {}", verdict(a)));
    lines.join("\n")
}

fn json(a: &Analysis, names: &[String]) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("variables".into(), json_names(names));
    o.insert("x".into(), json_vec(&a.x));
    o.insert("value".into(), json_num(a.value));
    o.insert("gradient".into(), json_vec(&a.gradient));
    o.insert("gradient_norm".into(), json_num(a.gradient_norm));
    o.insert("hessian".into(), json_matrix(&a.hessian.to_rows()));
    o.insert("eigenvalues".into(), json_vec(&a.eigenvalues));
    let vectors: Vec<Vec<f64>> = (0..a.eigenvalues.len()).map(|j| a.eigenvector(j)).collect();
    o.insert("eigenvectors".into(), json_matrix(&vectors));
    o.insert(
        "classification".into(),
        Value::String(a.classification.name().into()),
    );
    match a.classification {
        Classification::Saddle { index } => {
            o.insert("index".into(), index.into());
        }
        Classification::Degenerate { zero_directions } => {
            o.insert("zero_directions".into(), zero_directions.into());
        }
        _ => {}
    }
    o.insert("tolerance".into(), json_num(a.tolerance));
    o.insert(
        "inertia".into(),
        serde_json::json!({
            "negative": a.inertia.negative,
            "zero": a.inertia.zero,
            "positive": a.inertia.positive,
        }),
    );
    o.insert("is_critical".into(), Value::Bool(is_critical(a)));
    o.insert("verdict".into(), Value::String(verdict(a)));
    o.insert(
        "refinement".into(),
        match &a.refinement {
            Some(r) => serde_json::json!({
                "steps": r.steps,
                "moved": json_num(r.moved),
                "initial_gradient_norm": json_num(r.initial_gradient_norm),
                "final_gradient_norm": json_num(r.final_gradient_norm),
                "converged": r.converged,
            }),
            None => Value::Null,
        },
    );
    o
}
