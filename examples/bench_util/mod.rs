//! What the benchmarks share: where cargo's target folder is, counting a corpus's Markdown, and
//! one timed run of a binary with its peak memory.

#![allow(dead_code)] // each benchmark uses some of these

use std::error::Error;
use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Cargo's target directory: where this example's own binary sits (`<target>/<profile>/examples/`),
/// so a `target-dir` set in cargo's configuration is honoured too.
pub fn target_dir() -> PathBuf {
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        let examples = exe.parent()?;
        (examples.file_name()? == "examples").then(|| examples.parent()?.parent().map(Path::to_path_buf)).flatten()
    });
    from_exe
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Bytes of Markdown in a corpus, `.git` left out.
pub fn markdown_bytes(root: &Path) -> Result<u64, Box<dyn Error>> {
    let mut total = 0;
    for entry in walkdir::WalkDir::new(root).into_iter().filter_entry(|e| e.file_name() != ".git") {
        let entry = entry.map_err(|e| format!("reading {}: {e}", root.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "md") {
            total += entry.metadata().map_err(|e| format!("{}: {e}", entry.path().display()))?.len();
        }
    }
    Ok(total)
}

/// One timed run of the binary.
pub struct Run {
    /// Wall time.
    pub wall: Duration,
    /// Peak resident memory in KB.
    pub max_rss_kb: i64,
    /// Exit status, or the signal.
    pub exit: String,
}

pub fn run_once(bin: &Path, args: &[&OsStr]) -> Result<Run, Box<dyn Error>> {
    let start = Instant::now();
    let child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, so all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // wait4 rather than Child::wait because it also reports this child's own peak RSS.
        // SAFETY: pid is our unreaped child and both pointers are to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(format!("waiting for {}: {err}", bin.display()).into());
        }
    }
    let wall = start.elapsed();
    let exit = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status).to_string()
    } else if libc::WIFSIGNALED(status) {
        format!("sig{}", libc::WTERMSIG(status))
    } else {
        "?".to_string()
    };
    if exit != "0" && exit != "1" {
        eprintln!("warning: {} exited with status {exit}", bin.display());
    }
    Ok(Run {
        wall,
        // Linux reports ru_maxrss in kilobytes.
        max_rss_kb: usage.ru_maxrss,
        exit,
    })
}
