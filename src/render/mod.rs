//! Rendering: Markdown bodies, templates and the pages of the site, in memory.

pub mod markdown;
pub mod paths;
