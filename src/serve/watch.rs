//! Watching the repository: which file events matter, and gathering bursts into one rebuild.
//!
//! notify reports every open, write and rename. Only writes, creations, removals and renames
//! of files Waymark reads count; editors' temporary and swap files are ignored (the rename
//! that puts the real file in place is what counts). Events are gathered until [`QUIET`]
//! passes with none, or [`CAP`] after the first, then handled as one batch.

use notify::event::{AccessKind, AccessMode, EventKind};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A batch is handled once this long passes with no new event.
pub const QUIET: Duration = Duration::from_millis(30);
/// ... or this long after its first event, however busy the folder (a long `git checkout`
/// is then handled in a few batches, each with everything it saw so far).
pub const CAP: Duration = Duration::from_millis(500);

/// What the watcher tells the rebuild worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Something happened at this path.
    Path(PathBuf),
    /// Events were lost (the kernel's queue overflowed): everything must be read again.
    Rescan,
    /// The system's limit on watched folders was reached.
    Limit,
    /// The watcher reported another error.
    Error(String),
    /// Time passed (a clock tick, so the site can follow the calendar with no file changing).
    Tick,
}

/// The signal for one notify callback, if it is one that matters.
pub fn signals(result: notify::Result<notify::Event>) -> Vec<Signal> {
    let event = match result {
        Ok(e) => e,
        Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => return vec![Signal::Limit],
        Err(e) => return vec![Signal::Error(e.to_string())],
    };
    if event.need_rescan() {
        return vec![Signal::Rescan];
    }
    match event.kind {
        // Reading files (our own rebuilds do) must never cause a rebuild.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
        EventKind::Access(_) => return Vec::new(),
        EventKind::Other if event.paths.is_empty() => return vec![Signal::Rescan],
        _ => {}
    }
    event.paths.into_iter().map(Signal::Path).collect()
}

/// Whether a file name is an editor's temporary, swap or backup file, or hidden.
pub fn is_scratch(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        // vim checks it may write a folder by creating 4913 (then 5036, ...) there.
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        || [".swp", ".swo", ".swx", ".tmp", ".kate-swp", ".crdownload", ".part"].iter().any(|s| lower.ends_with(s))
        || name.contains("___jb_")
}

/// What one changed path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affects {
    /// Nothing Waymark reads.
    Nothing,
    /// One entry of `records/` (a person's folder, normally): its name and the changed path,
    /// relative to the root.
    Person(String, String),
    /// Settings, theme or layout: everything.
    Everything,
}

/// The folders under the root that serve watches, whole, besides `waymark.yaml`; they may come and go.
pub const WATCHED: [&str; 3] = ["records", "staff", "themes"];

/// What a path (absolute, under `root`) affects.
pub fn affects(root: &Path, path: &Path) -> Affects {
    let Ok(rel) = path.strip_prefix(root) else { return Affects::Nothing };
    let mut parts = Vec::new();
    for c in rel.components() {
        match c.as_os_str().to_str() {
            Some(s) => parts.push(s),
            // A name that is not UTF-8 is reported by a full load; read everything.
            None => return Affects::Everything,
        }
    }
    if parts.iter().any(|p| is_scratch(p)) {
        return Affects::Nothing;
    }
    match parts.as_slice() {
        // Supervision under staff/ is read with the whole repository (it is about staff, and
        // the rules and the manager's page read it across everyone).
        [crate::config::CONFIG_FILE] | ["themes", ..] | ["staff", ..] | ["records"] => Affects::Everything,
        ["records", name, ..] => Affects::Person(name.to_string(), parts.join("/")),
        _ => Affects::Nothing,
    }
}

/// One batch of changes, as the rebuild needs it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Read everything again.
    pub everything: bool,
    /// Entries of `records/` to read again.
    pub people: BTreeSet<String>,
    /// Changed paths under `records/`, relative to the root.
    pub files: BTreeSet<String>,
    /// The watched folders ([`WATCHED`]) appeared or went: watch them again.
    pub rewatch: bool,
    /// The folder-watch limit was reached.
    pub limit: bool,
    /// Other watcher errors.
    pub errors: Vec<String>,
}

impl Batch {
    /// Sorts signals into a batch.
    pub fn of(root: &Path, signals: &[Signal]) -> Batch {
        let mut b = Batch::default();
        for s in signals {
            match s {
                Signal::Path(p) => {
                    if WATCHED.iter().any(|w| p == &root.join(w)) {
                        b.rewatch = true;
                    }
                    match affects(root, p) {
                        Affects::Nothing => {}
                        Affects::Everything => b.everything = true,
                        Affects::Person(name, file) => {
                            b.people.insert(name);
                            b.files.insert(file);
                        }
                    }
                }
                Signal::Rescan => b.everything = true,
                Signal::Limit => b.limit = true,
                Signal::Error(e) => b.errors.push(e.clone()),
                Signal::Tick => {}
            }
        }
        b
    }

    /// Whether the batch asks for any rebuild.
    pub fn is_empty(&self) -> bool {
        !self.everything && self.people.is_empty()
    }
}

/// Waits for a signal, then gathers more until `quiet` passes with none or `cap` after the
/// first; `None` when the watcher has gone.
pub fn gather(rx: &Receiver<Signal>, quiet: Duration, cap: Duration) -> Option<Vec<Signal>> {
    let first = rx.recv().ok()?;
    let deadline = Instant::now() + cap;
    let mut out = vec![first];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Some(out);
        }
        match rx.recv_timeout(quiet.min(deadline - now)) {
            Ok(s) => out.push(s),
            Err(RecvTimeoutError::Timeout) => return Some(out),
            // Handle what came; the next call reports that the watcher is gone.
            Err(RecvTimeoutError::Disconnected) => return Some(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn scratch_files() {
        for name in
            [".2026-11-02-visit.md.swp", "4913", "2026-11-02-visit.md~", "#note.md#", "x.md.tmp", "a___jb_tmp___"]
        {
            assert!(is_scratch(name), "{name}");
        }
        for name in ["2026-11-02-visit.md", "profile.md", "2026-05-01.md", "letter.pdf", "yp-0001"] {
            assert!(!is_scratch(name), "{name}");
        }
    }

    #[test]
    fn what_paths_affect() {
        let root = Path::new("/r");
        let p = |s: &str| affects(root, Path::new(s));
        assert_eq!(p("/r/waymark.yaml"), Affects::Everything);
        assert_eq!(p("/r/themes/default/templates/person.html"), Affects::Everything);
        assert_eq!(p("/r/records"), Affects::Everything);
        assert_eq!(p("/r/staff/sam-okafor/supervision/2026-11-03.md"), Affects::Everything);
        assert_eq!(
            p("/r/records/yp-1/notes/2026-01-02-x.md"),
            Affects::Person("yp-1".into(), "records/yp-1/notes/2026-01-02-x.md".into())
        );
        assert_eq!(p("/r/records/yp-1"), Affects::Person("yp-1".into(), "records/yp-1".into()));
        assert_eq!(p("/r/records/yp-1/notes/.2026-01-02-x.md.swp"), Affects::Nothing);
        assert_eq!(p("/r/records/yp-1/notes/4913"), Affects::Nothing);
        assert_eq!(p("/r/public/index.html"), Affects::Nothing);
        assert_eq!(p("/r/.git/index"), Affects::Nothing);
        assert_eq!(p("/elsewhere/x"), Affects::Nothing);
    }

    #[test]
    fn reading_is_not_a_change() {
        use notify::event::{CreateKind, Event};
        let open = Event::new(EventKind::Access(AccessKind::Open(AccessMode::Any))).add_path("/r/x".into());
        assert!(signals(Ok(open)).is_empty());
        let written = Event::new(EventKind::Access(AccessKind::Close(AccessMode::Write))).add_path("/r/x".into());
        assert_eq!(signals(Ok(written)), vec![Signal::Path("/r/x".into())]);
        let created = Event::new(EventKind::Create(CreateKind::File)).add_path("/r/y".into());
        assert_eq!(signals(Ok(created)), vec![Signal::Path("/r/y".into())]);
        assert_eq!(signals(Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch))), vec![Signal::Limit]);
    }

    #[test]
    fn bursts_become_one_batch_and_quiet_ends_it() {
        let (tx, rx) = channel();
        let sender = std::thread::spawn(move || {
            for i in 0..50 {
                tx.send(Signal::Path(PathBuf::from(format!("/r/records/a/notes/{i}.md")))).expect("send");
                std::thread::sleep(Duration::from_millis(2));
            }
            std::thread::sleep(Duration::from_millis(300));
            tx.send(Signal::Rescan).expect("send");
        });
        let first = gather(&rx, Duration::from_millis(100), Duration::from_secs(5)).expect("a batch");
        assert_eq!(first.len(), 50, "the burst is one batch");
        let second = gather(&rx, Duration::from_millis(100), Duration::from_secs(5)).expect("a batch");
        assert_eq!(second, vec![Signal::Rescan], "a later event is a batch of its own");
        sender.join().expect("sender");
        assert!(gather(&rx, Duration::from_millis(10), Duration::from_secs(1)).is_none(), "the watcher has gone");
    }

    #[test]
    fn a_busy_folder_is_cut_at_the_cap() {
        let (tx, rx) = channel();
        let sender = std::thread::spawn(move || {
            let start = Instant::now();
            while start.elapsed() < Duration::from_millis(400) {
                if tx.send(Signal::Rescan).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        let start = Instant::now();
        let batch = gather(&rx, Duration::from_millis(50), Duration::from_millis(100)).expect("a batch");
        assert!(start.elapsed() < Duration::from_millis(300), "cut at the cap, not when the burst ends");
        assert!(!batch.is_empty());
        sender.join().expect("sender");
    }
}
