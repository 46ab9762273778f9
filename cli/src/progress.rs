//! Progress display for long operations (reading and validating large
//! registers, committing them): a spinner or bar on standard error, shown
//! only when standard error is a terminal and `--quiet` was not given.
//! Standard output is never touched, so piped and JSON output stay clean.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Turns progress display off for the rest of the process (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether progress is shown: standard error is a terminal and not quiet.
pub fn enabled() -> bool {
    !QUIET.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// A spinner or bar that clears itself when dropped; does nothing when
/// progress is not shown.
#[derive(Debug)]
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A spinner with a message, for a step of unknown length.
    pub fn spinner(message: impl Into<String>) -> Self {
        if !enabled() {
            return Progress(None);
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            pb.set_style(style);
        }
        pb.set_message(message.into());
        pb.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(pb))
    }

    /// A bar of `len` steps with a message.
    pub fn bar(len: u64, message: impl Into<String>) -> Self {
        if !enabled() {
            return Progress(None);
        }
        let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {human_pos}/{human_len} {per_sec} eta {eta}",
        ) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(message.into());
        Progress(Some(pb))
    }

    /// Moves a bar to `pos`.
    pub fn set_position(&self, pos: u64) {
        if let Some(pb) = &self.0 {
            pb.set_position(pos);
        }
    }

    /// Whether anything is drawn.
    pub fn is_shown(&self) -> bool {
        self.0.is_some()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hides_everything() {
        set_quiet(true);
        assert!(!enabled());
        let s = Progress::spinner("reading");
        let b = Progress::bar(10, "validating");
        assert!(!s.is_shown() && !b.is_shown());
        b.set_position(5);
    }
}
