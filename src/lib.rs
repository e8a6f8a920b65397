//! Waymark keeps the case records of young people leaving care as Markdown
//! files with YAML front matter in a git repository, and checks, builds and
//! reports on them.
//!
//! Data flows one way: [`load`] reads `waymark.yaml` and `records/` into a
//! [`model::Repository`]; [`check`] applies the rules of FORMAT.md and yields
//! [`diag::Diagnostic`]s; [`report`] prints them.

pub mod audience;
pub mod cachefile;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dfe;
pub mod diag;
pub mod explain;
pub mod figures;
pub mod history;
pub mod load;
pub mod model;
pub mod print;
pub mod program;
pub mod progress;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod seal;
pub mod serve;
pub mod site;
pub mod term;
pub mod words;
