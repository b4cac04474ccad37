//! Progress callbacks, so the CLI can show how far a long run is.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::launcher::Job;

/// Told about progress before each job and once at the end.
pub trait Progress {
    /// `done` of `total` jobs have finished after `elapsed`; `next` is about to
    /// start (`None` once everything is done).
    fn update(&mut self, done: usize, total: usize, elapsed: Duration, next: Option<&Job>);
}

/// Reports nothing.
#[derive(Debug, Default)]
pub struct SilentProgress;

impl Progress for SilentProgress {
    fn update(&mut self, _: usize, _: usize, _: Duration, _: Option<&Job>) {}
}

/// Draws `[=====>    ] 12/40  ETA 0:42  deepcopy[fastpath] worker 3` on one
/// line of stderr, redrawn with `\r`, when stderr is a terminal. Elsewhere (CI
/// logs, redirects) it prints a plain line at every tenth of the run instead,
/// since `\r` would leave garbage in a file.
#[derive(Debug)]
pub struct StderrProgress {
    terminal: bool,
    last_tenth: Option<usize>,
}

impl StderrProgress {
    pub fn new() -> Self {
        StderrProgress { terminal: std::io::stderr().is_terminal(), last_tenth: None }
    }
}

impl Default for StderrProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for StderrProgress {
    fn update(&mut self, done: usize, total: usize, elapsed: Duration, next: Option<&Job>) {
        let mut stderr = std::io::stderr().lock();
        // Progress output is best effort: a closed stderr must not stop a run.
        if self.terminal {
            let line = match next {
                Some(job) => format!("{}  {}", progress_bar(done, total, elapsed, 30), job.describe()),
                None => String::new(),
            };
            let _ = write!(stderr, "\r\x1b[K{line}");
        } else {
            let tenth = (done * 10).checked_div(total).unwrap_or(10);
            if self.last_tenth != Some(tenth) {
                self.last_tenth = Some(tenth);
                let _ = writeln!(stderr, "copylab bench: {done}/{total} jobs  ETA {}", eta(done, total, elapsed));
            }
        }
        let _ = stderr.flush();
    }
}

/// `[=====>    ] 12/40  ETA 0:42` with a bar of `width` cells.
pub fn progress_bar(done: usize, total: usize, elapsed: Duration, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width).min(width);
    let mut bar = "=".repeat(filled);
    if filled < width {
        bar.push('>');
        bar.push_str(&" ".repeat(width - filled - 1));
    }
    format!("[{bar}] {done}/{total}  ETA {}", eta(done, total, elapsed))
}

/// Remaining time assuming the remaining jobs take as long as the finished
/// ones on average; `-:--` before the first job has finished.
fn eta(done: usize, total: usize, elapsed: Duration) -> String {
    if done == 0 {
        return "-:--".to_string();
    }
    let remaining = elapsed.as_secs_f64() / done as f64 * total.saturating_sub(done) as f64;
    let seconds = remaining.round() as u64;
    if seconds >= 3600 {
        format!("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
    } else {
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_shows_fraction_and_eta() {
        let bar = progress_bar(12, 40, Duration::from_secs(18), 10);
        assert_eq!(bar, "[===>      ] 12/40  ETA 0:42");
        assert_eq!(progress_bar(0, 4, Duration::ZERO, 4), "[>   ] 0/4  ETA -:--");
        assert_eq!(progress_bar(4, 4, Duration::from_secs(9), 4), "[====] 4/4  ETA 0:00");
        assert_eq!(eta(1, 2, Duration::from_secs(3725)), "1:02:05");
    }
}
