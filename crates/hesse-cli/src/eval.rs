//! `hesse eval`: value, gradient and Hessian at a point.

use serde_json::Map;

use crate::args::EvalArgs;
use crate::error::CliError;
use crate::formula::prepare;
use crate::output::{
    assignments, emit, json_matrix, json_names, json_num, json_vec, labelled_column, labelled_matrix, num,
    print_json,
};

/// Runs `hesse eval`; returns the exit code.
pub fn run(args: &EvalArgs) -> Result<u8, CliError> {
    let point = args.at.clone().unwrap_or_default();
    let (_, f) = prepare(&args.expr, &point.names)?;
    let x = &point.values;
    let n = x.len();

    // `Bound::call` needs a coordinate to find the tape; a point without coordinates has
    // no derivatives to compute anyway.
    let (value, gradient) = if args.grad && n > 0 {
        hesse_core::value_and_grad(|p| f.call(p), x)
    } else {
        (f.value(x), vec![0.0; n])
    };
    // A Hessian beyond the dense-memory limit (HESSE_DENSE_LIMIT, default 4 GB) is an
    // evaluation error, not an allocation that aborts.
    let hessian = if args.hessian && n > 0 {
        hesse_core::try_hessian(|p| f.call(p), x)
            .map_err(|e| CliError::Evaluation(e.to_string()))?
            .to_rows()
    } else if args.hessian {
        vec![vec![0.0; n]; n]
    } else {
        Vec::new()
    };

    if args.json {
        let mut o = Map::new();
        o.insert("variables".into(), json_names(&point.names));
        o.insert("x".into(), json_vec(x));
        o.insert("value".into(), json_num(value));
        if args.grad {
            o.insert("gradient".into(), json_vec(&gradient));
        }
        if args.hessian {
            o.insert("hessian".into(), json_matrix(&hessian));
        }
        print_json(o);
        return Ok(0);
    }
    if !args.grad && !args.hessian {
        emit(&num(value));
        return Ok(0);
    }
    let mut lines = Vec::new();
    if n > 0 {
        lines.push(format!("at        {}", assignments(&point.names, x)));
    }
    lines.push(format!("value     {}", num(value)));
    if args.grad {
        lines.push("gradient".into());
        if n > 0 {
            lines.push(labelled_column(&point.names, &gradient, "  "));
        }
    }
    if args.hessian {
        lines.push("hessian".into());
        if n > 0 {
            lines.push(labelled_matrix(&point.names, &hessian, "  "));
        }
    }
    emit(&lines.join("\n"));
    Ok(0)
}
