//! The colour scale of `hesse plot --scale`, as typed, and the picture's scale it chooses.

use hesse_plot::ColorScale;

/// The colour scale of `hesse plot --scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// Log when every value is ≥ 0 and they span decades, else linear.
    Auto,
    /// Colour proportional to f.
    Linear,
    /// Colour proportional to ln(1 + f − min f).
    Log,
}

impl From<Scale> for ColorScale {
    fn from(s: Scale) -> ColorScale {
        match s {
            Scale::Auto => ColorScale::Auto,
            Scale::Linear => ColorScale::Linear,
            Scale::Log => ColorScale::Log,
        }
    }
}
