//! `waymark serve`: serve the site from memory on this computer and rebuild it as records change.

use super::{find, today, Fatal};
use crate::cli::ServeArgs;
use crate::serve::{self, Options};
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

/// Serves until stopped; returns only when it cannot start or the watcher fails.
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &ServeArgs) -> Result<u8, Fatal> {
    // Only a date given on the command line is fixed; otherwise the site follows the calendar.
    let fixed = match today_arg {
        Some(_) => Some(today(today_arg)?),
        None => None,
    };
    let addr = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !addr.is_loopback() {
        eprintln!("{}", serve::bind_warning(addr));
    }
    let opts = Options { root: find(root)?, today: fixed, addr, port: args.port, open: args.open };
    serve::run(&opts).map_err(Fatal)?;
    Ok(0)
}
