//! The unit tests' random numbers: xorshift64, the same sequence on every run and platform,
//! without a dependency.

/// A xorshift64 generator (Marsaglia's 13/7/17 triple).
pub(crate) struct Xorshift(u64);

impl Xorshift {
    /// A generator from `seed` (made odd: the state must not be zero).
    pub(crate) fn new(seed: u64) -> Self {
        Xorshift(seed | 1)
    }

    /// The next value, uniform in [0, 1) on 53 bits.
    pub(crate) fn uniform(&mut self) -> f64 {
        let s = &mut self.0;
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        (*s >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The raw state after the last step (for picking among a few cases).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(crate) fn state(&self) -> u64 {
        self.0
    }
}
