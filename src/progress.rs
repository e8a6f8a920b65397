//! A progress bar for long commands: drawn on a terminal only, and only once a run has taken a second.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How long a run may take before it earns a progress bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Progress of a command through its stages; silent when stderr is not a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Starts hidden; a timer reveals the bar if the run is still going after a second.
    pub fn start() -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if std::io::stderr().is_terminal() {
            let later = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if !later.is_finished() {
                    later.set_draw_target(ProgressDrawTarget::stderr());
                    later.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar }
    }

    /// Enters a stage: a spinner when its size is unknown, a bar when it is `len` steps.
    pub fn stage(&self, message: &'static str, len: Option<u64>) {
        let template = match len {
            Some(_) => "{spinner} {msg} [{bar:30}] {pos}/{len}",
            None => "{spinner} {msg}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_length(len.unwrap_or(0));
        self.bar.set_position(0);
        self.bar.set_message(message);
    }

    /// One step of the current stage done.
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// Clears the bar so the summary line stands alone.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // An early return (an error) must not leave a half-drawn bar behind it.
        self.bar.finish_and_clear();
    }
}
