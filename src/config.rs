//! `waymark.yaml`: the organisation, its staff, rule thresholds and outcome scales.

use crate::diag::{Diagnostic, Rule, Severity};
use crate::load::fields::{closest, Ctx, Fields};
use crate::load::yaml::{self, Pos};
use crate::model::vocab::{valid_id, Role};
use crate::model::Spanned;
use std::collections::BTreeMap;

/// The name of the configuration file at a repository's root.
pub const CONFIG_FILE: &str = "waymark.yaml";

/// A member of staff, matched to git authors by email.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    /// Id used in records (`sam-okafor`).
    pub id: String,
    /// Full name, as shown on the site.
    pub name: String,
    /// Email as used in git commits.
    pub email: Option<String>,
    /// Their role.
    pub role: Option<Role>,
    /// Whether a caseload site built for them may hold restricted notes (`see_restricted: true`).
    pub see_restricted: bool,
}

/// One site of `sites:` in `waymark.yaml`, built by every `waymark build`: a caseload (or
/// everyone), encrypted with the passphrase in an environment variable when one is named.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSpec {
    /// Output folder, relative to the root.
    pub output: String,
    /// Staff whose caseloads the site shows; empty: everyone.
    pub staff: Vec<String>,
    /// The environment variable holding the passphrase; `None`: not encrypted.
    pub passphrase_env: Option<String>,
}

/// An outcome scale: the areas scored and the range of scores.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeScale {
    /// Id used in outcome readings.
    pub id: String,
    /// Name shown to people.
    pub name: String,
    /// Lowest score.
    pub min: f64,
    /// Highest score.
    pub max: f64,
    /// The areas scored, in display order.
    pub areas: Vec<String>,
}

impl OutcomeScale {
    /// The built-in Keep on Caring scale of FORMAT.md §3.
    pub fn builtin() -> OutcomeScale {
        OutcomeScale {
            id: "keep-on-caring".into(),
            name: "Keep on Caring outcomes".into(),
            min: 1.0,
            max: 10.0,
            areas: [
                "independent-living",
                "education-employment-training",
                "stability-and-safety",
                "health",
                "financial-stability",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// Thresholds of the time-dependent rules, and per-rule severities.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Months allowed between plan reviews.
    pub plan_review_months: u32,
    /// Days before the 18th birthday to start warning about the passport.
    pub passport_warning_days: u32,
    /// Months allowed between health assessments for under-18s.
    pub health_assessment_months: u32,
    /// Days before immigration leave expires to start warning.
    pub leave_warning_days: u32,
    /// How far ahead, in days, the dashboard's "turning 18" section looks.
    pub transition_window_days: u32,
    /// Days after a plan review by which a manager signs the plan off (FORMAT.md 1.2).
    pub approval_days: u32,
    /// Weeks allowed between supervisions of a personal adviser or key worker (FORMAT.md 1.2).
    pub supervision_weeks: u32,
    /// Severity overrides by rule.
    pub severity: BTreeMap<Rule, Severity>,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            plan_review_months: 6,
            passport_warning_days: 120,
            health_assessment_months: 12,
            leave_warning_days: 90,
            transition_window_days: 120,
            approval_days: 14,
            supervision_weeks: 6,
            severity: BTreeMap::new(),
        }
    }
}

impl Rules {
    /// The severity a rule has in this repository.
    pub fn severity_of(&self, rule: Rule) -> Severity {
        self.severity.get(&rule).copied().unwrap_or(rule.default_severity())
    }
}

/// Search settings (`search:` in `waymark.yaml`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchSettings {
    /// Whether restricted notes go into the site's search index; off unless asked for.
    pub include_restricted: bool,
    /// Whether supervision records go into the site's search index; off unless asked for.
    pub include_supervision: bool,
}

/// A published figure shown beside ours on the board report (`board.benchmarks`).
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    /// Which of our measures it sits beside (`neet`).
    pub measure: String,
    /// The figure (a share from 0 to 1, or a count).
    pub value: f64,
    /// Where it is from (`England`, a statistical neighbour).
    pub area: Option<String>,
    /// The year it describes.
    pub year: Option<u32>,
    /// Who published it.
    pub source: String,
}

/// Board report settings (`board:` in `waymark.yaml`, FORMAT.md 1.2).
#[derive(Debug, Clone, PartialEq)]
pub struct BoardSettings {
    /// Counts under this show as "fewer than N" on the board report.
    pub suppress_below: u32,
    /// Published figures to show beside ours.
    pub benchmarks: Vec<Benchmark>,
}

impl Default for BoardSettings {
    fn default() -> BoardSettings {
        BoardSettings { suppress_below: 5, benchmarks: Vec::new() }
    }
}

/// A question young people rate from 1 to 5 in feedback records.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackQuestion {
    /// Id used under `answers:` in feedback records.
    pub id: String,
    /// The question as the young person reads it.
    pub text: String,
}

impl FeedbackQuestion {
    /// The three questions FORMAT.md 1.1 gives when `feedback_questions` is not set.
    pub fn defaults() -> Vec<FeedbackQuestion> {
        [
            ("listened-to", "My personal adviser listens to me"),
            ("involved-in-plan", "I help write my pathway plan"),
            ("feel-safe-at-home", "I feel safe where I live"),
        ]
        .map(|(id, text)| FeedbackQuestion { id: id.into(), text: text.into() })
        .to_vec()
    }
}

/// The whole of `waymark.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The organisation's name.
    pub organisation: String,
    /// The site's title.
    pub title: String,
    /// Output folder, relative to the root.
    pub output: String,
    /// Theme name.
    pub theme: String,
    /// Staff, in file order.
    pub staff: Vec<Staff>,
    /// Rule settings.
    pub rules: Rules,
    /// Outcome scales, the built-in one included.
    pub outcome_scales: Vec<OutcomeScale>,
    /// Search settings.
    pub search: SearchSettings,
    /// Board report settings.
    pub board: BoardSettings,
    /// Questions rated in feedback records, in display order.
    pub feedback_questions: Vec<FeedbackQuestion>,
    /// Further sites to build in the same run (`sites:`), in file order.
    pub sites: Vec<SiteSpec>,
    /// A line every page of one build shows (a subject access bundle that holds restricted
    /// notes says so); set by the command, never read from the file.
    pub notice: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            organisation: "Waymark".into(),
            title: "Waymark".into(),
            output: "public".into(),
            theme: "default".into(),
            staff: Vec::new(),
            rules: Rules::default(),
            outcome_scales: vec![OutcomeScale::builtin()],
            search: SearchSettings::default(),
            board: BoardSettings::default(),
            feedback_questions: FeedbackQuestion::defaults(),
            sites: Vec::new(),
            notice: None,
        }
    }
}

/// An email as git users type it, made comparable: trimmed, ASCII letters in lower case.
fn email_key(email: &str) -> std::borrow::Cow<'_, str> {
    let email = email.trim();
    match email.bytes().any(|b| b.is_ascii_uppercase()) {
        true => email.to_ascii_lowercase().into(),
        false => email.into(),
    }
}

/// The staff by id and by email ([`Config::staff_lookup`]): the first listed wins, as in a
/// search of the list.
pub struct StaffLookup<'a> {
    ids: rustc_hash::FxHashMap<&'a str, &'a Staff>,
    emails: rustc_hash::FxHashMap<String, &'a Staff>,
}

impl<'a> StaffLookup<'a> {
    /// As [`Config::staff`].
    pub fn by_id(&self, id: &str) -> Option<&'a Staff> {
        self.ids.get(id).copied()
    }

    /// As [`Config::staff_name`].
    pub fn name<'b>(&self, id: &'b str) -> &'b str
    where
        'a: 'b,
    {
        self.by_id(id).map_or(id, |s| s.name.as_str())
    }

    /// As [`Config::staff_by_email`].
    pub fn by_email(&self, email: &str) -> Option<&'a Staff> {
        self.emails.get(email_key(email).as_ref()).copied()
    }
}

impl Config {
    /// The staff member with this id.
    pub fn staff(&self, id: &str) -> Option<&Staff> {
        self.staff.iter().find(|s| s.id == id)
    }

    /// A staff member's name as pages show it: the name `waymark.yaml` gives their id, or the
    /// id itself when it lists no one with it.
    pub fn staff_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.staff(id).map_or(id, |s| s.name.as_str())
    }

    /// The staff member whose email this is (compared as git users type them: trimmed, any case).
    pub fn staff_by_email(&self, email: &str) -> Option<&Staff> {
        let email = email_key(email);
        self.staff.iter().find(|s| s.email.as_deref().is_some_and(|e| email_key(e) == email))
    }

    /// The staff by id and by email, looked up as [`Config::staff`] and
    /// [`Config::staff_by_email`] look them up, for rules that look up every note's author.
    pub fn staff_lookup(&self) -> StaffLookup<'_> {
        let mut lookup = StaffLookup { ids: Default::default(), emails: Default::default() };
        for s in &self.staff {
            lookup.ids.entry(s.id.as_str()).or_insert(s);
            if let Some(email) = &s.email {
                lookup.emails.entry(email_key(email).into_owned()).or_insert(s);
            }
        }
        lookup
    }

    /// The feedback question with this id.
    pub fn question(&self, id: &str) -> Option<&FeedbackQuestion> {
        self.feedback_questions.iter().find(|q| q.id == id)
    }

    /// The outcome scale with this id.
    pub fn scale(&self, id: &str) -> Option<&OutcomeScale> {
        self.outcome_scales.iter().find(|s| s.id == id)
    }

    /// Reads `waymark.yaml`'s text. Problems become diagnostics; the result
    /// always holds a usable configuration, with defaults where the file failed.
    pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
        let mut config = Config::default();
        let node = match yaml::parse(text, 1) {
            Ok(node) => node,
            Err(e) => {
                let d = Diagnostic::new(
                    Rule::YamlSyntax,
                    CONFIG_FILE,
                    e.pos,
                    format!("waymark.yaml is not valid YAML: {}", e.message),
                )
                .help("fix the YAML at this point; the defaults are used until then");
                return (config, vec![d]);
            }
        };
        let ctx = Ctx::new(CONFIG_FILE, Pos::new(1, 1));
        let top = Fields::new(
            &ctx,
            &node,
            &[
                "organisation",
                "site",
                "staff",
                "rules",
                "outcome_scales",
                "search",
                "feedback_questions",
                "sites",
                "board",
            ],
            ctx.top,
            "",
        );
        if let Some(org) = top.req_text("organisation", "add `organisation: <your organisation's name>`") {
            config.organisation = org.value.clone();
            config.title = org.value;
        }
        if let Some(site) = top.map("site", &["title", "output", "theme"]) {
            if let Some(t) = site.text("title") {
                config.title = t.value;
            }
            if let Some(o) = site.text("output") {
                if !plain_folder(&o.value) {
                    ctx.report(
                        Rule::InvalidValue,
                        o.pos,
                        format!(
                            "`site.output` is `{}`, which is not a folder inside the repository Waymark may write to",
                            o.value
                        ),
                        "use a plain folder name such as `public`",
                    );
                } else {
                    config.output = o.value;
                }
            }
            if let Some(t) = site.text("theme") {
                config.theme = t.value;
            }
        }
        for (_, s) in top.each_map("staff", &["id", "name", "email", "role", "see_restricted"]) {
            let id = s.req_text("id", "give each staff member an `id` such as `sam-okafor`");
            let name = s.req_text("name", "give each staff member their full `name`");
            let role = s.vocab::<Role>("role").map(|r| r.value);
            let email = s.text("email").map(|e| e.value);
            let see_restricted = s.boolean("see_restricted").is_some_and(|b| b.value);
            let Some(id) = id else { continue };
            let listed = config.staff.iter().any(|other| other.id == id.value);
            // A staff id that breaks the rules is still kept: records name staff by it.
            let rules = "use 2 to 40 lowercase letters, digits and `-`, starting with a letter or digit";
            if check_id(&ctx, &id, ("staff id", "staff member"), rules, listed).repeated {
                continue;
            }
            let name = name.map(|n| n.value).unwrap_or_else(|| id.value.clone());
            config.staff.push(Staff { id: id.value, name, email, role, see_restricted });
        }
        if let Some(r) = top.map(
            "rules",
            &[
                "plan_review_months",
                "passport_warning_days",
                "health_assessment_months",
                "leave_warning_days",
                "transition_window_days",
                "approval_days",
                "supervision_weeks",
                "severity",
            ],
        ) {
            let rules = &mut config.rules;
            let set = |key: &str, slot: &mut u32| {
                if let Some(v) = r.count(key) {
                    *slot = v.value;
                }
            };
            set("plan_review_months", &mut rules.plan_review_months);
            set("passport_warning_days", &mut rules.passport_warning_days);
            set("health_assessment_months", &mut rules.health_assessment_months);
            set("leave_warning_days", &mut rules.leave_warning_days);
            set("transition_window_days", &mut rules.transition_window_days);
            set("approval_days", &mut rules.approval_days);
            set("supervision_weeks", &mut rules.supervision_weeks);
            read_severities(&r, &ctx, rules);
        }
        read_scales(&top, &ctx, &mut config);
        read_questions(&top, &ctx, &mut config);
        if let Some(search) = top.map("search", &["include_restricted", "include_supervision"]) {
            if let Some(b) = search.boolean("include_restricted") {
                config.search.include_restricted = b.value;
            }
            if let Some(b) = search.boolean("include_supervision") {
                config.search.include_supervision = b.value;
            }
        }
        read_sites(&top, &ctx, &mut config);
        read_board(&top, &ctx, &mut config);
        (config, ctx.finish())
    }
}

/// Reads `board:`; a threshold of 0 would suppress nothing and hide the mistake, so it is refused.
fn read_board(top: &Fields<'_, '_>, ctx: &Ctx<'_>, config: &mut Config) {
    let Some(board) = top.map("board", &["suppress_below", "benchmarks"]) else { return };
    if let Some(n) = board.count("suppress_below") {
        if n.value == 0 {
            ctx.report(
                Rule::InvalidValue,
                n.pos,
                "`board.suppress_below` is 0, which would show every small count".to_string(),
                "use a whole number of 1 or more; 5 is usual for published figures",
            );
        } else {
            config.board.suppress_below = n.value;
        }
    }
    for (_, b) in board.each_map("benchmarks", &["measure", "value", "area", "year", "source"]) {
        let measure = b.req_text("measure", "name the measure this figure sits beside, such as `neet`");
        let value = b.number("value");
        if value.is_none() {
            b.require("value", "add the published figure, such as `value: 0.38`");
        }
        let source = b.req_text("source", "say who published the figure, such as `source: \"DfE\"`");
        let (Some(measure), Some(value), Some(source)) = (measure, value, source) else { continue };
        if crate::figures::Measure::by_id(&measure.value).is_none() {
            ctx.report(
                Rule::InvalidValue,
                measure.pos,
                format!("benchmark measure `{}` is not one of the board's measures", measure.value),
                format!("use one of {}", crate::figures::Measure::ids()),
            );
            continue;
        }
        config.board.benchmarks.push(Benchmark {
            measure: measure.value,
            value: value.value,
            area: b.text("area").map(|a| a.value),
            year: b.count("year").map(|y| y.value),
            source: source.value,
        });
    }
}

fn read_severities(r: &Fields<'_, '_>, ctx: &Ctx<'_>, rules: &mut Rules) {
    let Some(e) = r.entry("severity") else { return };
    let crate::load::yaml::Value::Map(entries) = &e.value.value else {
        ctx.report(
            Rule::InvalidValue,
            e.value.pos,
            "`rules.severity` should map rule names to severities",
            "write one `rule-name: warning` per line",
        );
        return;
    };
    for entry in entries {
        let Some(rule) = Rule::from_name(&entry.key) else {
            let help = match closest(&entry.key, Rule::ALL.iter().map(|r| r.name())) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "the rule names are listed in FORMAT.md §9".to_string(),
            };
            ctx.report(Rule::UnknownField, entry.key_pos, format!("`{}` is not a rule Waymark knows", entry.key), help);
            continue;
        };
        match &entry.value.value {
            crate::load::yaml::Value::Str(s) if Severity::parse(s).is_some() => {
                rules.severity.insert(rule, Severity::parse(s).unwrap_or(Severity::Error));
            }
            _ => ctx.report(
                Rule::InvalidValue,
                entry.value.pos,
                format!("the severity of `{}` must be error, warning, info or off", entry.key),
                "write one of: error, warning, info, off",
            ),
        }
    }
}

fn read_questions(top: &Fields<'_, '_>, ctx: &Ctx<'_>, config: &mut Config) {
    if top.node("feedback_questions").is_none() {
        return;
    }
    let mut questions: Vec<FeedbackQuestion> = Vec::new();
    for (_, q) in top.each_map("feedback_questions", &["id", "text"]) {
        let id = q.req_text("id", "give each question a short `id` such as `listened-to`");
        let text = q.req_text("text", "write the question as the young person reads it, in `text:`");
        let Some(id) = id else { continue };
        let listed = questions.iter().any(|other| other.id == id.value);
        let rules = "use 2 to 40 lowercase letters, digits and `-`, such as `feel-safe-at-home`";
        let checked = check_id(ctx, &id, ("question id", "question"), rules, listed);
        if !checked.valid || checked.repeated {
            continue;
        }
        let text = text.map(|t| t.value).unwrap_or_else(|| id.value.clone());
        questions.push(FeedbackQuestion { id: id.value, text });
    }
    config.feedback_questions = questions;
}

/// What [`check_id`] found of one id in a list of `waymark.yaml`.
struct IdCheck {
    /// It keeps the id rules.
    valid: bool,
    /// An earlier entry of the list has it.
    repeated: bool,
}

/// Reports an id of a list (`kind`: what the id is called, and what each entry is) that breaks
/// the id rules (`rules` says how to mend it) or that an earlier entry has (`listed`).
fn check_id(ctx: &Ctx<'_>, id: &Spanned<String>, kind: (&str, &str), rules: &str, listed: bool) -> IdCheck {
    let (what, each) = kind;
    let valid = valid_id(&id.value);
    if !valid {
        ctx.report(Rule::InvalidValue, id.pos, format!("{what} `{}` breaks the id rules", id.value), rules);
    }
    if listed {
        ctx.report(
            Rule::InvalidValue,
            id.pos,
            format!("{what} `{}` is listed twice", id.value),
            format!("give each {each} a different id"),
        );
    }
    IdCheck { valid, repeated: listed }
}

/// Whether a configured output folder stays inside the repository and out of `records/`.
fn plain_folder(value: &str) -> bool {
    !(value.contains("..")
        || value.starts_with('/')
        || value.trim().is_empty()
        || value == "records"
        || value.starts_with("records/"))
}

fn read_sites(top: &Fields<'_, '_>, ctx: &Ctx<'_>, config: &mut Config) {
    for (pos, s) in top.each_map("sites", &["output", "staff", "passphrase_env"]) {
        let Some(output) = s.req_text("output", "name the folder this site is built into, such as `public-sam`") else {
            continue;
        };
        let staff = s.text_list("staff").unwrap_or_default();
        for id in staff.iter().filter(|id| config.staff(id).is_none()) {
            ctx.report(
                Rule::UnknownStaff,
                pos,
                format!("`sites` names staff id `{id}`, which `staff:` does not list"),
                "use the id of a member of staff listed under `staff:`",
            );
        }
        let bad_output = !plain_folder(&output.value)
            || output.value == config.output
            || config.sites.iter().any(|other| other.output == output.value);
        if bad_output {
            ctx.report(
                Rule::InvalidValue,
                output.pos,
                format!("`sites` output `{}` is not a folder Waymark may build this site into", output.value),
                "use a plain folder name of its own, such as `public-sam`, different from `site.output` and the other sites",
            );
            continue;
        }
        let passphrase_env = s.text("passphrase_env").map(|e| e.value);
        config.sites.push(SiteSpec { output: output.value, staff, passphrase_env });
    }
}

fn read_scales(top: &Fields<'_, '_>, ctx: &Ctx<'_>, config: &mut Config) {
    for (pos, s) in top.each_map("outcome_scales", &["id", "name", "min", "max", "areas"]) {
        let id = s.req_text("id", "give the scale an `id`");
        let min = s.number("min").map(|m| m.value).unwrap_or(1.0);
        let max = s.number("max").map(|m| m.value).unwrap_or(10.0);
        let areas = s.text_list("areas").unwrap_or_default();
        s.require("areas", "list the areas scored, for example `areas: [health, finance]`");
        let Some(id) = id else { continue };
        if min >= max {
            ctx.report(
                Rule::InvalidValue,
                pos,
                format!("scale `{}` has min {min} not below max {max}", id.value),
                "make `min` smaller than `max`",
            );
        }
        let name = s.text("name").map(|n| n.value).unwrap_or_else(|| id.value.clone());
        let scale = OutcomeScale { id: id.value.clone(), name, min, max, areas };
        match config.outcome_scales.iter_mut().find(|o| o.id == id.value) {
            Some(existing) => *existing = scale,
            None => config.outcome_scales.push(scale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staff_lookup_finds_whom_the_list_finds_and_names_fall_back_to_ids() {
        let text = "organisation: X\nstaff:\n  - id: sam-okafor\n    name: Sam Okafor\n    email: ' Sam.Okafor@Example.org '\n  - id: amira-hassan\n    name: Amira Hassan\n    email: sam.okafor@example.org\n  - id: sam-okafor\n    name: Sam Again\n";
        let (c, _) = Config::parse(text);
        let lookup = c.staff_lookup();
        for email in ["sam.okafor@example.org", "SAM.OKAFOR@EXAMPLE.ORG ", "nobody@example.org", ""] {
            let listed = c.staff_by_email(email).map(|s| &s.name);
            assert_eq!(lookup.by_email(email).map(|s| &s.name), listed, "{email}");
        }
        assert_eq!(c.staff_by_email("sam.okafor@EXAMPLE.org").map(|s| s.id.as_str()), Some("sam-okafor"));
        for id in ["sam-okafor", "amira-hassan", "nobody"] {
            assert_eq!(lookup.by_id(id).map(|s| &s.name), c.staff(id).map(|s| &s.name), "{id}");
        }
        assert_eq!(c.staff_name("sam-okafor"), "Sam Okafor", "the first listed");
        assert_eq!(c.staff_name("jo-bloggs"), "jo-bloggs");
    }

    #[test]
    fn reads_the_format_example() {
        let text = "organisation: Example Service\nsite:\n  title: Records\nstaff:\n  - id: sam-okafor\n    name: Sam Okafor\n    email: sam@example.org\n    role: personal-adviser\nrules:\n  plan_review_months: 4\n  severity:\n    contact-overdue: off\n";
        let (c, d) = Config::parse(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.title, "Records");
        assert_eq!(c.staff[0].name, "Sam Okafor");
        assert_eq!(c.rules.plan_review_months, 4);
        assert_eq!(c.rules.severity_of(Rule::ContactOverdue), Severity::Off);
        assert_eq!(c.scale("keep-on-caring").map(|s| s.areas.len()), Some(5));
        assert!(!c.search.include_restricted);
    }

    #[test]
    fn search_may_include_restricted_notes() {
        let (c, d) = Config::parse("organisation: X\nsearch:\n  include_restricted: true\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(c.search.include_restricted);
        let (c, d) =
            Config::parse("organisation: X\nsearch:\n  include_restricted: maybe\n  include_restriced: true\n");
        assert!(!c.search.include_restricted);
        assert_eq!(d.len(), 2, "{d:?}");
    }

    #[test]
    fn format_1_1_settings_have_defaults_and_are_validated() {
        let (c, d) = Config::parse("organisation: X\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.rules.transition_window_days, 120);
        let ids: Vec<&str> = c.feedback_questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["listened-to", "involved-in-plan", "feel-safe-at-home"]);

        let text = "organisation: X\nrules:\n  transition_window_days: 60\nfeedback_questions:\n  - { id: heard, text: \"I am heard\" }\n";
        let (c, d) = Config::parse(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.rules.transition_window_days, 60);
        assert_eq!(c.question("heard").map(|q| q.text.as_str()), Some("I am heard"));
        assert!(c.question("listened-to").is_none());

        let (c, mut d) = Config::parse(
            "organisation: X\nrules:\n  transition_window_day: 60\n  leave_warning_days: soon\nfeedback_question: []\n",
        );
        d.sort_by_key(|d| d.pos);
        assert_eq!(c.rules.transition_window_days, 120);
        let rules: Vec<Rule> = d.iter().map(|d| d.rule).collect();
        assert_eq!(rules, [Rule::UnknownField, Rule::InvalidValue, Rule::UnknownField], "{d:?}");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `rules.transition_window_days`?"));
        assert_eq!(d[2].help.as_deref(), Some("did you mean `feedback_questions`?"));
    }

    #[test]
    fn staff_and_question_ids_are_checked_alike() {
        let text = "organisation: X\nstaff:\n  - { id: Sam, name: Sam }\n  - { id: Sam, name: Sam Two }\n  - { id: amira, name: Amira }\n  - { id: amira, name: Amira Two }\nfeedback_questions:\n  - { id: Heard, text: a }\n  - { id: Heard, text: b }\n  - { id: safe, text: c }\n  - { id: safe, text: d }\n";
        let (c, d) = Config::parse(text);
        let said: Vec<(u32, &str, Option<&str>)> =
            d.iter().map(|d| (d.pos.line, d.message.as_str(), d.help.as_deref())).collect();
        let rules = "use 2 to 40 lowercase letters, digits and `-`, starting with a letter or digit";
        let asked = "use 2 to 40 lowercase letters, digits and `-`, such as `feel-safe-at-home`";
        assert_eq!(
            said,
            [
                (3, "staff id `Sam` breaks the id rules", Some(rules)),
                (4, "staff id `Sam` breaks the id rules", Some(rules)),
                (4, "staff id `Sam` is listed twice", Some("give each staff member a different id")),
                (6, "staff id `amira` is listed twice", Some("give each staff member a different id")),
                (8, "question id `Heard` breaks the id rules", Some(asked)),
                (9, "question id `Heard` breaks the id rules", Some(asked)),
                (11, "question id `safe` is listed twice", Some("give each question a different id")),
            ]
        );
        // A staff id that breaks the rules is kept (records name staff by it); a question's is not.
        let staff: Vec<(&str, &str)> = c.staff.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
        assert_eq!(staff, [("Sam", "Sam"), ("amira", "Amira")]);
        let questions: Vec<&str> = c.feedback_questions.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(questions, ["c"]);
    }

    #[test]
    fn bad_settings_are_reported_not_fatal() {
        let (c, d) =
            Config::parse("organisation: X\nrules:\n  severity:\n    contact-overdeu: off\n    nhs-number: loud\n");
        assert_eq!(c.organisation, "X");
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `contact-overdue`?"));
        assert_eq!(d[1].pos, Pos::new(5, 17));
        let (_, d) = Config::parse("organisation: [\n");
        assert_eq!(d[0].rule, Rule::YamlSyntax);
    }
}
