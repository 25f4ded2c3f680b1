//! A size threshold that can be switched off, set process-wide from an environment variable
//! and overridden per thread: the mechanics behind [`crate::eager`] (when deferred work runs
//! fused) and [`crate::streaming`] (when regions store non-temporally).

use std::cell::Cell;
use std::sync::OnceLock;
use std::thread::LocalKey;

/// A thread's override: `None` for none, `Some(None)` for off, `Some(Some(n))` for `n`.
pub(crate) type Local = Cell<Option<Option<usize>>>;

/// A threshold: the thread's override, else the process-wide value of `var` (read once).
pub(crate) struct Threshold {
    local: &'static LocalKey<Local>,
    env: &'static OnceLock<Option<usize>>,
    /// The environment variable, the unit of its numbers (for the message), the default.
    var: &'static str,
    unit: &'static str,
    default: usize,
}

impl Threshold {
    pub(crate) const fn new(
        local: &'static LocalKey<Local>,
        env: &'static OnceLock<Option<usize>>,
        var: &'static str,
        unit: &'static str,
        default: usize,
    ) -> Threshold {
        Threshold {
            local,
            env,
            var,
            unit,
            default,
        }
    }

    /// The threshold in force on this thread; `None` when off.
    pub(crate) fn get(&self) -> Option<usize> {
        self.local.with(Cell::get).unwrap_or_else(|| self.process_wide())
    }

    /// Runs `f` with `min` in force on this thread, then restores the previous override,
    /// also on panic.
    pub(crate) fn scoped<R>(&self, min: Option<usize>, f: impl FnOnce() -> R) -> R {
        struct Restore(&'static LocalKey<Local>, Option<Option<usize>>);
        impl Drop for Restore {
            fn drop(&mut self) {
                self.0.with(|l| l.set(self.1));
            }
        }
        let _restore = Restore(self.local, self.local.with(|l| l.replace(Some(min))));
        f()
    }

    /// The variable: unset for the default, `off` or `none` for never, a number for that
    /// threshold; anything else is reported once on standard error and means the default.
    fn process_wide(&self) -> Option<usize> {
        *self.env.get_or_init(|| match std::env::var(self.var) {
            Err(_) => Some(self.default),
            Ok(s) if matches!(s.trim(), "off" | "none") => None,
            Ok(s) => s.trim().parse().map(Some).unwrap_or_else(|_| {
                eprintln!(
                    "hesse: {}={s:?} is neither off nor a number of {}; using the default",
                    self.var, self.unit
                );
                Some(self.default)
            }),
        })
    }
}
