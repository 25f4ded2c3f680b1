//! Colours: perceptually uniform [`Colormap`]s for continuous values and a categorical palette
//! for series, classes and basins.
//!
//! The colormaps are matplotlib's (viridis, magma, plasma, cividis), sampled at ten evenly spaced
//! stops and interpolated linearly in sRGB — at picture resolution indistinguishable from the full
//! 256-entry tables. The categorical palette is Tableau 10, chosen because its hues stay apart
//! for the common colour-vision deficiencies and read well on white.

use plotters::style::RGBColor;

/// A continuous colour scale from low (0.0) to high (1.0) values.
///
/// ```
/// use hesse_plot::Colormap;
/// assert_eq!(Colormap::Viridis.rgb(0.0), (0x44, 0x01, 0x54));
/// assert_eq!(Colormap::Viridis.rgb(1.0), (0xfd, 0xe7, 0x25));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Colormap {
    /// Dark blue-purple → green → yellow (matplotlib's default).
    #[default]
    Viridis,
    /// Black → purple → orange → pale yellow.
    Magma,
    /// Blue → magenta → yellow.
    Plasma,
    /// Blue → grey → yellow, designed for colour-vision deficiencies.
    Cividis,
}

const VIRIDIS: [u32; 10] = [
    0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725,
];
const MAGMA: [u32; 10] = [
    0x000004, 0x180f3d, 0x440f76, 0x721f81, 0x9e2f7f, 0xcd4071, 0xf1605d, 0xfd9668, 0xfeca8d, 0xfcfdbf,
];
const PLASMA: [u32; 10] = [
    0x0d0887, 0x46039f, 0x7201a8, 0x9c179e, 0xbd3786, 0xd8576b, 0xed7953, 0xfb9f3a, 0xfdca26, 0xf0f921,
];
const CIVIDIS: [u32; 10] = [
    0x00224e, 0x123570, 0x3b496c, 0x575d6d, 0x707173, 0x8a8779, 0xa69d75, 0xc4b56c, 0xe4cf5b, 0xfee838,
];

impl Colormap {
    /// The colour at `t` in `[0, 1]` (clamped; NaN gives the low end).
    ///
    /// ```
    /// use hesse_plot::Colormap;
    /// let mid = Colormap::Magma.rgb(0.5);
    /// assert!(mid.0 > mid.1);
    /// assert_eq!(Colormap::Plasma.rgb(-3.0), Colormap::Plasma.rgb(0.0));
    /// ```
    pub fn rgb(self, t: f64) -> (u8, u8, u8) {
        let stops = match self {
            Colormap::Viridis => &VIRIDIS,
            Colormap::Magma => &MAGMA,
            Colormap::Plasma => &PLASMA,
            Colormap::Cividis => &CIVIDIS,
        };
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let pos = t * (stops.len() - 1) as f64;
        let k = (pos.floor() as usize).min(stops.len() - 2);
        let w = pos - k as f64;
        let (a, b) = (hex(stops[k]), hex(stops[k + 1]));
        let lerp = |p: u8, q: u8| (p as f64 + w * (q as f64 - p as f64)).round() as u8;
        (lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
    }

    pub(crate) fn color(self, t: f64) -> RGBColor {
        let (r, g, b) = self.rgb(t);
        RGBColor(r, g, b)
    }
}

fn hex(c: u32) -> (u8, u8, u8) {
    ((c >> 16) as u8, (c >> 8) as u8, c as u8)
}

/// Tableau 10.
const CATEGORY: [u32; 10] = [
    0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac,
];

/// Strong categorical colour number `i` (cycles after ten).
pub(crate) fn category(i: usize) -> RGBColor {
    let (r, g, b) = hex(CATEGORY[i % CATEGORY.len()]);
    RGBColor(r, g, b)
}

/// Colours for trajectories over a colormap: reds, oranges, magentas, black and browns, hues
/// the colormaps (blue → green → yellow, or black → orange → yellow for magma) pass through only
/// briefly; no green, yellow or cyan, which vanish on viridis (each path also gets a white halo
/// and its own marker shape). No white: the legend swatch sits on white.
const TRAJECTORY: [u32; 12] = [
    0xe6194b, 0xff8c00, 0xf032e6, 0x111111, 0x4363d8, 0x9a6324, 0x911eb4, 0x800000, 0xa9a9a9, 0x000075,
    0xff69b4, 0x5a5a5a,
];

pub(crate) fn trajectory(i: usize) -> RGBColor {
    let (r, g, b) = hex(TRAJECTORY[i % TRAJECTORY.len()]);
    RGBColor(r, g, b)
}

/// `c` mixed with white: `amount = 0` is `c`, `1` is white.
pub(crate) fn lighten(c: RGBColor, amount: f64) -> RGBColor {
    let m = |v: u8| (v as f64 + amount * (255.0 - v as f64)).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// Colour for cells whose value is NaN or infinite.
pub(crate) const NON_FINITE: RGBColor = RGBColor(0x9e, 0x9e, 0x9e);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_hits_stops_and_midpoints() {
        assert_eq!(Colormap::Cividis.rgb(1.0), hex(0xfee838));
        let (a, b) = (hex(VIRIDIS[0]), hex(VIRIDIS[1]));
        let mid = Colormap::Viridis.rgb(0.5 / 9.0);
        assert_eq!(mid.0, ((a.0 as f64 + b.0 as f64) / 2.0).round() as u8);
        assert_eq!(Colormap::Viridis.rgb(f64::NAN), hex(VIRIDIS[0]));
    }

    #[test]
    fn lighten_goes_to_white() {
        assert_eq!(lighten(RGBColor(0, 100, 200), 1.0), RGBColor(255, 255, 255));
        assert_eq!(lighten(RGBColor(0, 100, 200), 0.0), RGBColor(0, 100, 200));
        assert_eq!(category(10), category(0));
    }
}
