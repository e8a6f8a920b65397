//! `waymark explain [RULE]`: what a rule means, when it fires and how to put it right.

use super::Fatal;
use crate::cli::ExplainArgs;
use crate::config::{Config, CONFIG_FILE};
use crate::diag::Rule;
use crate::explain::{explain, lookup, render};
use std::path::Path;

/// Prints one rule's explanation, or the list of rules.
pub fn run(root: Option<&Path>, args: &ExplainArgs) -> Result<u8, Fatal> {
    // In a repository the severity shown is the one it has there; anywhere else, the default.
    let config = super::find(root)
        .ok()
        .and_then(|r| std::fs::read_to_string(r.join(CONFIG_FILE)).ok())
        .map(|text| Config::parse(&text).0)
        .unwrap_or_default();
    let Some(name) = &args.rule else {
        let mut text = String::from("Rules (run `waymark explain RULE` for one of them):\n");
        for rule in Rule::ALL {
            let finds = explain(*rule).map(|e| e.finds).unwrap_or("");
            let severity = config.rules.severity_of(*rule).as_str();
            text.push_str(&format!("  {:<26} {severity:<8} {finds}\n", rule.name()));
        }
        super::print_out(&text);
        return Ok(0);
    };
    let rule = lookup(name).map_err(Fatal)?;
    let e = explain(rule).ok_or_else(|| Fatal(format!("`{}` has no explanation yet", rule.name())))?;
    super::print_out(&render(e, config.rules.severity_of(rule)));
    Ok(0)
}
