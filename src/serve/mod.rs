//! `waymark serve`: the site built in memory, served on this computer, rebuilt as records change.
//!
//! Threads: the rebuild worker (the caller's thread) owns the [`model::Model`] and the
//! watcher, and gathers file events into batches; the web server ([`http`]) answers every
//! connection as a task on a small tokio runtime of its own. The worker hands the server new
//! pages through the [`store::Store`] and tells open pages through the [`hub::Hub`]. The site
//! is never written to disk.

pub mod guard;
pub mod http;
pub mod hub;
pub mod model;
pub mod store;
pub mod url;
pub mod watch;

use crate::model::date::Date;
use crate::term::visible;
use hub::{Hub, Problem};
use model::{Model, Stage};
use notify::{RecursiveMode, Watcher as _};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;
use store::Store;
use watch::{Batch, Signal};

/// How `waymark serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The repository root, canonical.
    pub root: PathBuf,
    /// `--today`, or `None` to follow the system's date.
    pub today: Option<Date>,
    /// Address to listen on.
    pub addr: IpAddr,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Open the system's browser at the address.
    pub open: bool,
}

/// How long a request for the search index waits for it to be made at start-up.
const SEARCH_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

/// What to say when the system's limit on watched folders is reached.
pub const LIMIT_WARNING: &str = "warning: live updates are off for some folders: the system's limit on watched folders (fs.inotify.max_user_watches) is reached.\n  The site is still served, but some changes will only show after a restart. To raise the limit: sudo sysctl fs.inotify.max_user_watches=524288 (add the setting to /etc/sysctl.conf to keep it), then restart waymark serve.";

/// The warning printed when serving beyond this computer.
pub fn bind_warning(addr: IpAddr) -> String {
    format!(
        "warning: serving on {addr}, not only on this computer. These pages hold personal data about young people: anyone who can reach this address can read them, with no password and no encryption. Use --bind only on a network you trust, and stop the server when you are done. Other computers must open it by this computer's address (http://ADDRESS:PORT/): names other than localhost are refused, so that no website can reach it under a name of its own."
    )
}

/// Builds the site, serves it and rebuilds it as files change, until the process is stopped.
pub fn run(opts: &Options) -> Result<(), String> {
    let root = opts.root.clone();
    let date = |o: &Options| o.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    // Bind first, so a port in use is reported before a long build.
    let listener = std::net::TcpListener::bind(SocketAddr::new(opts.addr, opts.port)).map_err(|e| {
        format!(
            "cannot listen on {}: {e}.\n  Choose another port with --port N (0 picks a free one).",
            SocketAddr::new(opts.addr, opts.port)
        )
    })?;
    let address = listener.local_addr().map_err(|e| format!("the server has no network address: {e}"))?;
    // Watch before building, so nothing saved during the first build is missed.
    let (tx, rx) = channel();
    if opts.today.is_none() {
        // Without --today the site follows the calendar: what is due changes at midnight.
        let tick = tx.clone();
        std::thread::Builder::new()
            .name("waymark-clock".into())
            .spawn(move || {
                while tick.send(Signal::Tick).is_ok() {
                    std::thread::sleep(std::time::Duration::from_secs(60));
                }
            })
            .map_err(|e| format!("cannot start the clock thread: {e}"))?;
    }
    let mut watcher = Watch::start(&root, tx)?;
    let started = Instant::now();
    // The search index is made from the records while the pages are made and then served: at
    // 100,000 notes it is half of the start-up. A request for its files waits for it.
    let loaded = Model::load(&root, date(opts))?;
    let search = Arc::new(Ready::default());
    let (give_store, store_for_search) = std::sync::mpsc::sync_channel(1);
    let indexing = index_search(loaded.search_job(), store_for_search, search.clone(), started)?;
    let (model, site) = loaded.finish()?;
    let store = Arc::new(Store::new(store::files_of(site)));
    let hub = Arc::new(Hub::default());
    println!("built {} in {:.1} s", model.summary(), started.elapsed().as_secs_f64());
    let model = Arc::new(Mutex::new(model));
    let url = format!("http://{address}/");
    println!("serving {url}  (pages reload as records change; nothing is written to disk; Ctrl-C stops)");
    // Given only now, so that what serve prints reads in order.
    let _ = give_store.send(store.clone());
    let guard = guard::Guard::new(opts.addr, address.port());
    let mut ctx = http::Context::new(store.clone(), hub.clone(), root.clone(), guard);
    ctx.maker = Some(Arc::new(OnRequest { model: model.clone(), store: store.clone(), search }));
    let ctx = Arc::new(ctx);
    // Kept here: the server stops when this function returns.
    let runtime = http::runtime()?;
    http::start(&runtime, listener, ctx)?;
    if opts.open {
        open_browser(&url);
    }
    println!("watching {} for changes", visible(&root.display().to_string()));

    let mut worker = Worker { root: root.clone(), store, hub, model, indexing: Some(indexing), stale: false };
    while let Some(signals) = watch::gather(&rx, watch::QUIET, watch::CAP) {
        let mut batch = Batch::of(&root, &signals);
        watcher.take(&batch);
        let today = date(opts);
        if today != lock(&worker.model).today {
            batch.everything = true;
        }
        if !batch.is_empty() || worker.stale {
            worker.handle(&batch, today);
        }
    }
    Err("the file watcher stopped".into())
}

/// The model, whoever held it last: a panic while rendering leaves it whole (the pages made on
/// request are marked made only once rendered), so a poisoned lock is still safe to use.
fn lock(model: &Mutex<Model>) -> MutexGuard<'_, Model> {
    model.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether the search index first made at start-up is in the store.
#[derive(Default)]
struct Ready {
    done: Mutex<bool>,
    told: Condvar,
}

impl Ready {
    /// Marks it done and wakes everyone waiting.
    fn set(&self) {
        *self.done.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.told.notify_all();
    }

    /// Waits until it is done, or for at most `patience`.
    fn wait(&self, patience: std::time::Duration) {
        let done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        let _ = self.told.wait_timeout_while(done, patience, |done| !*done);
    }
}

/// Marks the search index done when dropped, so that no request waits for an indexing thread
/// that stopped unexpectedly.
struct SetOnDrop(Arc<Ready>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.set();
    }
}

/// Starts making the search index on a thread of its own (`job`, from [`Model::load`]), which
/// puts its files into the served files once `store` gives them, says so through `ready` and
/// hands the index back when joined.
fn index_search(
    job: impl FnOnce() -> (model::Indexed, Vec<(String, String)>) + Send + 'static,
    store: std::sync::mpsc::Receiver<Arc<Store>>,
    ready: Arc<Ready>,
    started: Instant,
) -> Result<std::thread::JoinHandle<model::Indexes>, String> {
    std::thread::Builder::new()
        .name("waymark-search".into())
        .spawn(move || {
            let _done = SetOnDrop(ready);
            let (made, files) = job();
            // No store: the pages could not be made, and the server is not starting.
            if let Ok(store) = store.recv() {
                store.patch(None, store::pages(files), &|_| false);
                println!("search index ready after {:.1} s", started.elapsed().as_secs_f64());
            }
            made.finish()
        })
        .map_err(|e| format!("cannot start the thread making the search index: {e}"))
}

/// Makes a young person's pages when a browser first asks for one of them, and holds a
/// request for the search index until it is made.
struct OnRequest {
    model: Arc<Mutex<Model>>,
    store: Arc<Store>,
    search: Arc<Ready>,
}

impl store::Maker for OnRequest {
    fn make(&self, path: &str) {
        if path.starts_with("search/") {
            self.search.wait(SEARCH_PATIENCE);
            return;
        }
        let Some(id) = crate::render::paths::person_of(path) else { return };
        // The store is patched while the model is held, so an update cannot come in between.
        let mut model = lock(&self.model);
        match model.make(id) {
            Ok(Some(files)) => {
                let prefix = format!("{}/", crate::render::paths::person_dir(id));
                self.store.patch(Some(&prefix), files, &|_| false);
            }
            Ok(None) => {}
            Err(message) => eprintln!("error: making the pages of {}: {}", visible(id), visible(&message)),
        }
    }
}

/// Why a rebuild failed.
enum Failed {
    /// Nothing was changed: the site and the model are as they were.
    Kept(String),
    /// The model may be half updated: read everything again.
    Stale(String),
}

/// The rebuild worker's state.
struct Worker {
    root: PathBuf,
    store: Arc<Store>,
    hub: Arc<Hub>,
    model: Arc<Mutex<Model>>,
    /// The search index being made at start-up, until it is taken into the model.
    indexing: Option<std::thread::JoinHandle<model::Indexes>>,
    /// The model may not match the records (a rebuild failed half way): read everything next time.
    stale: bool,
}

impl Worker {
    /// Handles one batch; never panics, and a failure leaves the last good site served.
    fn handle(&mut self, batch: &Batch, today: Date) {
        // Before any update, which must find the index made and the records no longer shared.
        if let Some(indexing) = self.indexing.take() {
            match indexing.join() {
                Ok(made) => lock(&self.model).set_search(made),
                Err(_) => eprintln!(
                    "error: making the search index stopped unexpectedly.\n  Search is unavailable until everything is read again (restart waymark serve)."
                ),
            }
        }
        // Past a quarter of everyone, reading everything at once is quicker than one by one.
        let many = batch.people.len() > (lock(&self.model).people() / 4).max(50);
        let full = batch.everything || self.stale || many;
        match self.attempt(full, batch, today) {
            Ok(()) => self.stale = false,
            Err(Failed::Kept(message)) => {
                eprintln!("error: {}\n  The site stays as it was until this is put right.", visible(&message))
            }
            Err(Failed::Stale(message)) => {
                eprintln!("error: {}\n  Everything will be read again.", visible(&message));
                self.stale = true;
                // Try at once rather than waiting for the next save.
                if let Ok(()) | Err(Failed::Kept(_)) = self.attempt(true, batch, today) {
                    self.stale = false;
                }
            }
        }
    }

    /// One rebuild, with any panic turned into a failure that reads everything again.
    fn attempt(&mut self, full: bool, batch: &Batch, today: Date) -> Result<(), Failed> {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if full {
                self.everything(today)
            } else {
                self.people(batch)
            }
        }));
        outcome.unwrap_or_else(|_| Err(Failed::Stale("the rebuild stopped unexpectedly".into())))
    }

    /// Reads, checks and renders everything again, and swaps the new site in.
    fn everything(&mut self, today: Date) -> Result<(), Failed> {
        let started = Instant::now();
        let (mut fresh, site) = Model::build(&self.root, today).map_err(|message| {
            let help = Some("the site stays as it was until this is put right".to_string());
            self.hub.set_problems(vec![Problem {
                file: String::new(),
                line: 0,
                column: 0,
                message: message.clone(),
                help,
            }]);
            Failed::Kept(message)
        })?;
        // Swapped while the old model is held, so no page made on request from it comes after.
        let mut model = lock(&self.model);
        let changed = self.store.replace_all(store::files_of(site));
        self.hub.announce(&changed);
        fresh.keep_problems(&model);
        *model = fresh;
        self.hub.set_problems(model.problems());
        let ms = started.elapsed().as_millis();
        println!("rebuilt everything in {ms} ms: {}", plural(changed.len(), "site file changed", "site files changed"));
        model.index();
        Ok(())
    }

    /// Reads the people a batch names again and renders what they affect.
    fn people(&mut self, batch: &Batch) -> Result<(), Failed> {
        let started = Instant::now();
        let mut changed = 0;
        let (store, hub) = (&self.store, &self.hub);
        let mut publish = |stage: Stage| {
            let mut paths = stage.touched;
            paths.extend(store.remove(&stage.removed));
            for patch in stage.patches {
                paths.extend(store.patch(patch.prefix.as_deref(), patch.files, &|_| false));
            }
            changed += paths.len();
            hub.announce(&paths);
        };
        let mut model = lock(&self.model);
        let done = model.update(batch, &mut publish).map_err(Failed::Stale)?;
        let problems = model.problems();
        let shown = self.hub.problems();
        for p in problems.iter().filter(|p| !shown.contains(p)) {
            println!("problem: {}:{}:{}: {}", visible(&p.file), p.line, p.column, visible(&p.message));
        }
        self.hub.set_problems(problems);
        let ms = started.elapsed().as_millis();
        // Git status reads the whole index, so it is taken once the pages are out.
        model.verify_status(&done.applied, &mut publish).map_err(Failed::Stale)?;
        let what = match batch.files.len() {
            1 => batch.files.iter().next().cloned().unwrap_or_default(),
            n => format!("{n} paths under records/"),
        };
        if !done.applied.is_empty() || !done.dependents.is_empty() {
            let changed = plural(changed, "site file changed", "site files changed");
            println!("updated {} in {ms} ms: {changed}", visible(&what));
        }
        if !done.held.is_empty() {
            println!("kept the last good pages of {} until the problem above is fixed", visible(&done.held.join(", ")));
        }
        Ok(())
    }
}

/// `1 thing` or `n things`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The file watcher, and what it has said about the watch limit.
struct Watch {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    told_limit: bool,
}

impl Watch {
    /// Watches the root (for `waymark.yaml` and folders appearing), `records/` and `themes/`.
    fn start(root: &Path, tx: Sender<Signal>) -> Result<Watch, String> {
        let handler = move |result: notify::Result<notify::Event>| {
            for signal in watch::signals(result) {
                // The worker has gone only when the process is ending.
                let _ = tx.send(signal);
            }
        };
        let config = notify::Config::default().with_follow_symlinks(false);
        let watcher = notify::RecommendedWatcher::new(handler, config)
            .map_err(|e| format!("cannot watch {} for changes: {e}", root.display()))?;
        let mut w = Watch { watcher, root: root.to_path_buf(), told_limit: false };
        w.watch(root, RecursiveMode::NonRecursive);
        w.watch_folders();
        Ok(w)
    }

    /// (Re)watches `records/`, `staff/` and `themes/`, which may come and go.
    fn watch_folders(&mut self) {
        for name in watch::WATCHED {
            let dir = self.root.join(name);
            if dir.is_dir() {
                self.watch(&dir, RecursiveMode::Recursive);
            }
        }
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) {
        if let Err(e) = self.watcher.watch(path, mode) {
            if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                self.tell_limit();
            } else {
                eprintln!("warning: cannot watch {}", visible(&format!("{} for changes: {e}", path.display())));
            }
        }
    }

    fn tell_limit(&mut self) {
        if !self.told_limit {
            self.told_limit = true;
            eprintln!("{LIMIT_WARNING}");
        }
    }

    /// Acts on what a batch says about the watcher itself.
    fn take(&mut self, batch: &Batch) {
        if batch.limit {
            self.tell_limit();
        }
        for e in &batch.errors {
            eprintln!("warning: watching for changes: {}", visible(e));
        }
        if batch.rewatch {
            self.watch_folders();
        }
    }
}

/// Opens the system's browser at `url`; a failure is only a warning.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        // Wait on another thread, so the opener does not linger as a zombie.
        Ok(mut child) => {
            let _ = std::thread::Builder::new().spawn(move || child.wait());
        }
        Err(e) => eprintln!("warning: could not open a browser ({e}); open {url} yourself"),
    }
}
