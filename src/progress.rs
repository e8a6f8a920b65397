//! A progress bar for long commands: drawn on a terminal only, and only once a run has taken a second.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How long a run may take before it earns a progress bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Progress of a command through its stages; silent when stderr is not a terminal.
///
/// With `WAYMARK_TIMINGS=1` in the environment, each stage's wall time is printed to stderr
/// when the next begins, so a benchmark can tell where a build spends its time.
pub struct Progress {
    bar: ProgressBar,
    timings: Option<std::sync::Mutex<(&'static str, std::time::Instant)>>,
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
        let timings = std::env::var_os("WAYMARK_TIMINGS")
            .is_some_and(|v| v == "1")
            .then(|| std::sync::Mutex::new(("starting", std::time::Instant::now())));
        Progress { bar, timings }
    }

    /// Prints how long the stage that is ending took, when timings are asked for.
    fn lap(&self, next: &'static str) {
        if let Some(t) = &self.timings {
            let mut t = t.lock().unwrap_or_else(|e| e.into_inner());
            eprintln!("timing: {:<32} {:>8.3} s", t.0, t.1.elapsed().as_secs_f64());
            *t = (next, std::time::Instant::now());
        }
    }

    /// Enters a stage: a spinner when its size is unknown, a bar when it is `len` steps.
    pub fn stage(&self, message: &'static str, len: Option<u64>) {
        self.lap(message);
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
        self.lap("done");
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // An early return (an error) must not leave a half-drawn bar behind it.
        self.bar.finish_and_clear();
    }
}
