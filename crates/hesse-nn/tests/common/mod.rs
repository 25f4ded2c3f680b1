//! Shared helpers of the integration tests: the data files in `tests/data/`.

#![allow(dead_code)]

use std::path::PathBuf;

use hesse_core::Matrix;
use hesse_nn::data::classes_from_f64;
use hesse_nn::data::csv::{LabelColumn, read_csv};

/// `tests/data/<name>`.
pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

/// The W3 data set (1000 rows) as features and class labels.
pub fn w3_data() -> (Matrix, Vec<usize>) {
    let d = read_csv(data_path("w3_data.csv"), LabelColumn::Last).expect("w3 data");
    let y = classes_from_f64(&d.y).expect("0/1 labels");
    (d.x, y)
}

/// The first `n` rows of `x` and `y`.
pub fn head(x: &Matrix, y: &[usize], n: usize) -> (Matrix, Vec<usize>) {
    let data = x.as_slice()[..n * x.cols()].to_vec();
    (Matrix::new(n, x.cols(), data), y[..n].to_vec())
}

/// Labels as an [n, 1] matrix of 0/1 targets.
pub fn binary_targets(y: &[usize]) -> Matrix {
    Matrix::new(y.len(), 1, y.iter().map(|&c| c as f64).collect())
}

/// A W3 init file (`layers: [{W: [[..]], b: [..]}, ..]`) as a flat vector in hesse's order
/// (per layer W row-major, then b: the file's own `flat_parameter_order`).
pub fn w3_init(name: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(data_path(name)).expect("init file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut flat = Vec::new();
    for layer in v["layers"].as_array().expect("layers") {
        for row in layer["W"].as_array().expect("W") {
            flat.extend(
                row.as_array()
                    .expect("row")
                    .iter()
                    .map(|x| x.as_f64().expect("f64")),
            );
        }
        flat.extend(
            layer["b"]
                .as_array()
                .expect("b")
                .iter()
                .map(|x| x.as_f64().expect("f64")),
        );
    }
    flat
}

/// A JSON file's array field `key` as `Vec<f64>`.
pub fn json_vec(name: &str, key: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(data_path(name)).expect("json file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v[key]
        .as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("f64"))
        .collect()
}

/// WORKLOADS §0's HVP direction: v_k = 1 + (k mod 10) / 10.
pub fn workload_direction(p: usize) -> Vec<f64> {
    (0..p).map(|k| 1.0 + (k % 10) as f64 / 10.0).collect()
}

/// The fraction of equal entries.
pub fn accuracy(a: &[usize], b: &[usize]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}
