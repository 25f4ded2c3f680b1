//! `hesse critical`: classify a point by the eigenvalues of the exact Hessian after refining
//! onto the nearby critical point (hesse-critical's analysis), and optionally certify it.

use hesse_critical::{
    Analysis, AnalysisOptions, Certificate, CertifiedKind, Classification, analyze, certify_analysis,
};
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
    let mut opts = AnalysisOptions::default().with_refine(!args.no_refine);
    if let Some(limit) = args.dense_limit {
        opts = opts.with_dense_limit(limit);
    }

    // Dense n×n matrices beyond the memory limit: refuse before allocating any.
    opts.check_size(x.len()).map_err(|e| {
        CliError::Evaluation(format!(
            "cannot analyse the point {}: {e} (from the command line: --dense-limit 16G)",
            assignments(&point.names, x)
        ))
    })?;

    // No eigenvalues exist for a non-finite Hessian (and an iterative eigensolver need not
    // terminate on one): refuse before analysing. (The size is checked above, against the
    // analysis's limit, so the Hessian goes into a matrix allocated here.)
    let (value, gradient) = hesse_core::value_and_grad(f, x);
    let mut hessian = hesse_core::Matrix::zeros(x.len(), x.len());
    hesse_core::hessian_to(f, x, &mut hessian);
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

    let a = analyze(f, x, opts).map_err(|e| {
        CliError::Evaluation(format!(
            "cannot classify the point {}: {e}",
            assignments(&point.names, x)
        ))
    })?;
    let certificate = args.certify.then(|| certify_analysis(f, &a));
    if args.json {
        print_json(json(&a, &point.names, certificate.as_ref()));
    } else {
        emit(&human(&a, &point.names, certificate.as_ref()));
    }
    Ok(0)
}

fn human(a: &Analysis, names: &[String], certificate: Option<&Certificate>) -> String {
    let mut lines = vec![format!("point        {}", assignments(names, &a.x))];
    if let Some(r) = &a.refinement {
        if r.steps > 0 || !r.converged {
            lines.push(format!(
                "refined      {} step{}, moved {} from {}, ‖∇f‖₂ {} → {}{}",
                r.steps,
                if r.steps == 1 { "" } else { "s" },
                num(r.moved),
                assignments(names, &a.start),
                num(r.initial_gradient_norm),
                num(r.final_gradient_norm),
                if r.converged { "" } else { " (not converged)" }
            ));
        }
    }
    lines.push(format!("value        {}", num(a.value)));
    lines.push(format!(
        "‖∇f‖₂        {}   (‖∇f‖∞ {})",
        num(a.gradient_norm),
        num(a.gradient_norm_inf)
    ));
    lines.push("hessian".into());
    lines.push(labelled_matrix(names, &a.hessian.to_rows(), "  "));
    let eig: Vec<String> = a.eigenvalues.iter().map(|&l| signed(l)).collect();
    lines.push(format!("eigenvalues  {}", eig.join("  ")));
    let t = &a.zero_tolerance;
    lines.push(format!(
        "inertia      {} negative, {} undecided, {} positive (|λ| ≤ {} counts as zero: rounding {} + distance {} + gradient {})",
        a.inertia.negative,
        a.inertia.zero,
        a.inertia.positive,
        num_sig(a.tolerance, 3),
        num_sig(t.rounding, 2),
        num_sig(t.distance, 2),
        num_sig(t.gradient, 2)
    ));
    if let Some(c) = certificate {
        lines.push(format!("certificate  {c}"));
    }
    lines.push(format!("verdict      {}", a.verdict()));
    lines.join("\n")
}

fn json_certificate(c: &Certificate) -> Value {
    match c {
        Certificate::Proved(p) => {
            let (kind, index) = match p.kind {
                CertifiedKind::Minimum => ("minimum", None),
                CertifiedKind::Maximum => ("maximum", None),
                CertifiedKind::Saddle { index } => ("saddle", Some(index)),
            };
            serde_json::json!({
                "proved": true,
                "kind": kind,
                "index": index,
                "center": json_vec(&p.center),
                "radius": json_num(p.radius),
                "box_radius": json_num(p.box_radius),
                "radius_from_start": json_num(p.radius_from_start),
                "eigenvalue_gap": p.eigenvalue_gap.map(json_num),
                "statement": c.to_string(),
            })
        }
        Certificate::NotProved(why) => serde_json::json!({
            "proved": false,
            "reason": why.to_string(),
        }),
    }
}

fn json(a: &Analysis, names: &[String], certificate: Option<&Certificate>) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("variables".into(), json_names(names));
    o.insert("x".into(), json_vec(&a.x));
    o.insert("start".into(), json_vec(&a.start));
    o.insert("value".into(), json_num(a.value));
    o.insert("gradient".into(), json_vec(&a.gradient));
    o.insert("gradient_norm".into(), json_num(a.gradient_norm));
    o.insert("gradient_norm_inf".into(), json_num(a.gradient_norm_inf));
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
    let t = &a.zero_tolerance;
    o.insert(
        "tolerance_parts".into(),
        serde_json::json!({
            "rounding": json_num(t.rounding),
            "distance": json_num(t.distance),
            "gradient": json_num(t.gradient),
            "distance_to_critical": json_num(t.distance_to_critical),
        }),
    );
    o.insert(
        "inertia".into(),
        serde_json::json!({
            "negative": a.inertia.negative,
            "zero": a.inertia.zero,
            "undecided": a.inertia.zero,
            "positive": a.inertia.positive,
        }),
    );
    o.insert("flat_directions".into(), a.flat_directions().len().into());
    o.insert("is_critical".into(), Value::Bool(a.is_critical_point()));
    o.insert("verdict".into(), Value::String(a.verdict()));
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
    o.insert(
        "certificate".into(),
        certificate.map_or(Value::Null, json_certificate),
    );
    o
}
