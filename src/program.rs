//! Which Waymark is running, for everything it keeps between runs (caches in `.waymark/cache/`,
//! the pages a build keeps): made by another program, they are not trusted.

use std::sync::OnceLock;

/// This program's version and its executable's size and modification time, or `None` when the
/// executable cannot be looked at. A rebuilt Waymark of the same version may parse, count or
/// render differently, so the version alone would not do.
pub fn identity() -> Option<&'static str> {
    static IDENTITY: OnceLock<Option<String>> = OnceLock::new();
    IDENTITY
        .get_or_init(|| {
            let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
            let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
            Some(format!("waymark {} exe {} {modified}", env!("CARGO_PKG_VERSION"), meta.len()))
        })
        .as_deref()
}
