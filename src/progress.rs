//! Progress on standard error for loads and runs that take more than a moment (indicatif): drawn
//! only when standard error is a terminal, only after [`DELAY`] (a quick run shows nothing), and
//! never with `--quiet`. Never on standard output, never in files.
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static QUIET: AtomicBool = AtomicBool::new(false);

/// How long a step runs before its progress is drawn.
pub const DELAY: Duration = Duration::from_millis(400);

/// Silence all progress (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` was given: no progress and no summary on standard error.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Whether progress may be drawn: not quiet, and standard error is a terminal.
pub fn enabled() -> bool {
    !QUIET.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// A progress of `len` steps (a spinner for `len` 0) named `what`, hidden until [`DELAY`] has
/// passed (a timer thread then draws it, ticking, until it ends) and whenever [`enabled`] is false.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Start a progress of `len` steps.
    pub fn new(len: u64, what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        let template = if len == 0 {
            "{spinner} {prefix}: {msg} [{elapsed}]"
        } else {
            "{prefix} [{bar:30}] {pos}/{len} {msg} [{elapsed}]"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(what.to_string());
        if enabled() {
            let later = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                if !later.is_finished() {
                    later.set_draw_target(ProgressDrawTarget::stderr());
                    later.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar }
    }

    /// One step done; `msg` says what comes next.
    pub fn step(&mut self, msg: &str) {
        self.bar.set_message(msg.to_string());
        if self.bar.length().unwrap_or(0) > 0 {
            self.bar.inc(1);
        }
    }

    /// Whether it is drawn (after [`DELAY`], on a terminal, without `--quiet`).
    pub fn is_shown(&self) -> bool {
        !self.bar.is_hidden()
    }
}

impl Drop for Progress {
    /// The bar is cleared from the terminal when its work ends, successfully or not.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_or_quick_progress_draws_nothing() {
        let mut p = Progress::new(3, "загрузка");
        p.step("a");
        assert!(!p.is_shown(), "drawn before the delay");
        drop(p);
        set_quiet(true);
        assert!(!enabled());
        let mut q = Progress::new(0, "отчёт");
        std::thread::sleep(DELAY);
        q.step("b");
        assert!(!q.is_shown());
        set_quiet(false);
    }
}
