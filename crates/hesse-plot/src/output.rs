//! Where pictures go: the [`Render`] trait shared by every picture type.
//!
//! Every picture builds its SVG in memory ([`Render::to_svg`]) and is written in one go, so a
//! drawing failure never leaves a half-written file behind. [`Render::render`] writes to
//! [`DEFAULT_OUT_DIR`] (relative to the current directory, created on demand);
//! [`Render::render_to`] writes where the caller says: a path ending in `.svg` is the file itself,
//! any other path is a folder that receives `<stem>.svg`.

use std::path::{Path, PathBuf};

use crate::error::PlotError;

/// Folder used by [`Render::render`], relative to the current directory.
///
/// ```
/// assert_eq!(hesse_plot::DEFAULT_OUT_DIR, "target/hesse-out");
/// ```
pub const DEFAULT_OUT_DIR: &str = "target/hesse-out";

/// The folder a program's pictures go to: its first command-line argument if there is one,
/// else [`DEFAULT_OUT_DIR`] under `root` — a program passes its crate's
/// `env!("CARGO_MANIFEST_DIR")`, so the pictures land in the workspace's `target/` wherever it
/// is run from (a relative default would scatter `target/` folders).
///
/// ```
/// let dir = hesse_plot::out_dir(env!("CARGO_MANIFEST_DIR"));
/// assert!(dir.is_absolute() || std::env::args_os().nth(1).is_some());
/// ```
pub fn out_dir(root: impl AsRef<Path>) -> PathBuf {
    std::env::args_os()
        .nth(1)
        .map_or_else(|| root.as_ref().join(DEFAULT_OUT_DIR), PathBuf::from)
}

/// A picture that can be turned into SVG and written to disk.
///
/// ```
/// use hesse_plot::{Render, SlicePlot};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let plot = SlicePlot::new(vec![(-1.0, 1.0), (0.0, 0.0), (1.0, 1.0)]).with_title("parabola");
/// let dir = std::env::temp_dir().join("hesse-plot-doc-render");
/// let path = plot.render_to(&dir)?;
/// assert_eq!(path, dir.join("parabola.svg"));
/// assert!(std::fs::read_to_string(&path).unwrap().contains("</svg>"));
/// # Ok(()) }
/// ```
pub trait Render {
    /// The whole picture as an SVG document.
    ///
    /// ```
    /// use hesse_plot::{Render, Spectrum};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = Spectrum::new(vec![-1.0, 2.0]).to_svg()?;
    /// assert!(svg.starts_with("<svg"));
    /// # Ok(()) }
    /// ```
    fn to_svg(&self) -> Result<String, PlotError>;

    /// File name without extension: the title turned into a slug, or the picture kind.
    ///
    /// ```
    /// use hesse_plot::{LossCurves, Render};
    /// let curves = LossCurves::new(vec![("gd".to_string(), vec![1.0, 0.5])]);
    /// assert_eq!(curves.file_stem(), "loss-curves");
    /// assert_eq!(curves.with_title("GD vs L-BFGS").file_stem(), "gd-vs-l-bfgs");
    /// ```
    fn file_stem(&self) -> String;

    /// Writes the picture to `target/hesse-out/<stem>.svg` and returns the path.
    ///
    /// ```no_run
    /// use hesse_plot::{Render, Spectrum};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let path = Spectrum::new(vec![-1.0, 2.0]).render()?;
    /// assert!(path.starts_with("target/hesse-out"));
    /// # Ok(()) }
    /// ```
    fn render(&self) -> Result<PathBuf, PlotError>
    where
        Self: Sized,
    {
        self.render_to(DEFAULT_OUT_DIR)
    }

    /// Writes the picture to `path` (a `.svg` file, or a folder that gets `<stem>.svg`), creating
    /// missing folders, and returns the file written.
    ///
    /// ```
    /// use hesse_plot::{Render, Spectrum};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let file = std::env::temp_dir().join("hesse-plot-doc").join("eig.svg");
    /// assert_eq!(Spectrum::new(vec![1.0]).render_to(&file)?, file);
    /// # Ok(()) }
    /// ```
    fn render_to(&self, path: impl AsRef<Path>) -> Result<PathBuf, PlotError>
    where
        Self: Sized,
    {
        let svg = self.to_svg()?;
        let path = path.as_ref();
        let file = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg")) {
            path.to_path_buf()
        } else {
            path.join(format!("{}.svg", self.file_stem()))
        };
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| PlotError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&file, svg).map_err(|source| PlotError::Io {
            path: file.clone(),
            source,
        })?;
        Ok(file)
    }
}

/// `"Rosenbrock: GD (α = 1e-3)"` → `"rosenbrock-gd-1e-3"`; falls back to `kind` when nothing is left.
pub(crate) fn slug(title: Option<&str>, kind: &str) -> String {
    let mut out = String::new();
    for c in title.unwrap_or("").chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        kind.to_string()
    } else {
        out.chars().take(80).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs() {
        assert_eq!(slug(Some("Rosenbrock: GD (α = 1e-3)"), "x"), "rosenbrock-gd-1e-3");
        assert_eq!(slug(Some("  ∂∂ "), "contour"), "contour");
        assert_eq!(slug(None, "basins"), "basins");
    }
}
