//! The text of new files: `waymark.yaml` and `.gitignore` for `init`, and a record of each kind for
//! `new`. Every field is present; optional ones are commented out, so a file left as it is checks
//! clean and the user sees everything they could fill in. Lists of allowed values come from the
//! vocabularies the loader reads, so the comments can never disagree with the checks.

use crate::config::{OutcomeScale, Rules};
use crate::model::date::{add_months, Date};
use crate::model::vocab::{
    AccommodationType, ActivityType, Flag, GoalStatus, Heading, Hours, ImmigrationStatus, InTouch, LegalStatus,
    NoteKind, Role, Vocab,
};

/// The values of a vocabulary as a comment: `a | b | c`.
fn choices<V: Vocab>() -> String {
    V::NAMES.join(" | ")
}

/// A member of staff to list in a new `waymark.yaml` (usually the person running `init`).
pub struct NewStaff<'a> {
    /// Id used in records.
    pub id: &'a str,
    /// Full name.
    pub name: &'a str,
    /// Email, as git knows it.
    pub email: &'a str,
}

/// A `waymark.yaml` with every setting present (defaults commented where they are optional).
pub fn config(organisation: &str, me: Option<&NewStaff<'_>>) -> String {
    let rules = Rules::default();
    let scale = OutcomeScale::builtin();
    let staff = match me {
        Some(s) => format!(
            "staff:\n  - id: {}\n    name: {}\n    email: {}\n    role: personal-adviser           # {}\n",
            s.id,
            yaml_text(s.name),
            s.email,
            choices::<Role>()
        ),
        None => "staff: []                              # list everyone who writes records, for example:\n".to_string(),
    };
    format!(
        "\
# Settings for this records repository. Lines starting with # are comments.
# The record format is explained in docs/format.md of Waymark; `waymark explain RULE` explains a rule.
organisation: {organisation}
site:
  # title: {organisation}     # shown at the top of every page; default: organisation
  output: public                       # where `waymark build` writes the site (git-ignored)
  theme: default                       # a folder under themes/, or the built-in default
{staff}\
# Add one entry per member of staff. The id is what records use (author:, personal_adviser:);
# the email is matched against git commits, so use the one set in `git config user.email`.
#  - id: sam-okafor
#    name: Sam Okafor
#    email: sam.okafor@example.org
#    role: personal-adviser           # {roles}
rules:
  plan_review_months: {plan}                # a pathway plan is reviewed at least this often
  passport_warning_days: {passport}            # warn this long before an 18th birthday without a health passport
  health_assessment_months: {health}          # time allowed between health assessments while looked after
  leave_warning_days: {leave}                # warn this long before immigration leave expires
  severity: {{}}                         # change how serious a rule is: error | warning | info | off
  #  contact-overdue: error
  #  neet-long: off
search:
  include_restricted: false            # true puts restricted notes in the site's search
# outcome_scales:                      # the built-in scale is below; add your own licensed one here
#  - id: {scale_id}
#    name: {scale_name}
#    min: {min}
#    max: {max}
#    areas: [{areas}]
",
        roles = choices::<Role>(),
        plan = rules.plan_review_months,
        passport = rules.passport_warning_days,
        health = rules.health_assessment_months,
        leave = rules.leave_warning_days,
        scale_id = scale.id,
        scale_name = scale.name,
        min = scale.min,
        max = scale.max,
        areas = scale.areas.join(", "),
    )
}

/// The `.gitignore` of a new repository: the built site, Waymark's cache and a build's leftovers.
pub fn gitignore(output: &str) -> String {
    format!(
        "# The built site holds everyone's records in readable form: keep it out of git.\n/{output}/\n# Waymark's history cache and editor schemas.\n/.waymark/\n# Left behind if a build is interrupted, and the site's empty folders kept for the next build.\n{}\n",
        crate::site::LEFTOVER_GLOBS.join("\n")
    )
}

/// Quotes text for YAML when it could be read as something else.
pub fn yaml_text(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || " -'.".contains(c))
        && !s.starts_with(['-', ' ', '\''])
        && !s.ends_with(' ')
        && !matches!(s.to_ascii_lowercase().as_str(), "yes" | "no" | "true" | "false" | "null" | "on" | "off" | "~");
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

/// What `new person` knows of a young person.
pub struct NewPerson<'a> {
    /// Full name.
    pub name: &'a str,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Legal status.
    pub legal_status: LegalStatus,
    /// Personal adviser's staff id, when given.
    pub adviser: Option<&'a str>,
}

/// A new `profile.md`.
pub fn profile(p: &NewPerson<'_>) -> String {
    let adviser = match p.adviser {
        Some(id) => format!("personal_adviser: {id}"),
        None => "# personal_adviser: staff-id         ".to_string(),
    };
    format!(
        "\
---
name: {name}
# preferred_name: 
# pronouns: 
date_of_birth: {dob}
legal_status: {status}                 # {statuses}
# extended_support: false              # former-relevant aged 21-24 who asked for a personal adviser to 25
# placing_authority: 
{adviser}          # staff id from waymark.yaml
# key_worker: staff-id                 # staff id from waymark.yaml
status: active                         # active | closed
# closed: {{ date: YYYY-MM-DD, reason: moved-area }}   # needed when status is closed
# in_touch: yes                        # {in_touch}
# contact_every_days: 28               # the agreed contact frequency
# accommodation:
#   type: semi-independent             # {accommodation}
#   since: YYYY-MM-DD
#   suitable: true
#   address: 
# activity:
#   type: other-education              # {activity}
#   hours: full-time                   # {hours} (not for NEET or not-known)
#   since: YYYY-MM-DD
#   detail: 
# staying_put: {{ carer: \"Name of the former foster carers\", since: YYYY-MM-DD }}
# staying_close: {{ since: YYYY-MM-DD }}
# immigration:                         # for unaccompanied asylum-seeking young people
#   status: claim-pending              # {immigration}
#   leave_expires: YYYY-MM-DD
#   solicitor: 
# flags: []                            # {flags}
---
Summary, background, what matters to them, in their own words where possible.
",
        name = yaml_text(p.name),
        dob = p.date_of_birth,
        status = p.legal_status.as_str(),
        statuses = choices::<LegalStatus>(),
        in_touch = choices::<InTouch>(),
        accommodation = choices::<AccommodationType>(),
        activity = choices::<ActivityType>(),
        hours = choices::<Hours>(),
        immigration = choices::<ImmigrationStatus>(),
        flags = choices::<Flag>(),
    )
}

/// A new `pathway-plan.md`, started today, next review due `months` later.
pub fn plan(today: Date, months: u32, adviser: &str) -> String {
    let within = crate::words::count(months as usize, "month");
    format!(
        "\
---
started: {today}
reviews: []                            # add each review as it is held, newest last:
#  - date: YYYY-MM-DD
#    by: {adviser}
#    young_person_present: true
#    views: \"What the young person said, in their words.\"
next_review: {next}                # within {within} of the last review
goals: []                              # one per need, for example:
#  - id: college                       # short, and unique within this plan
#    heading: education-and-training   # {headings}
#    need: Needs support to keep attending college
#    action: Weekly check-in on attendance; bus pass
#    by_whom: {adviser}                # staff id, young-person, or \"free text in quotes\"
#    by_when: YYYY-MM-DD
#    status: not-started               # {statuses}
#    done: YYYY-MM-DD                  # when achieved
# contingency: What happens if the plan breaks down, and who to call.
---
The plan in words: aspirations, what the young person wants, what will help.
",
        next = add_months(today, months),
        headings = choices::<Heading>(),
        statuses = choices::<GoalStatus>(),
    )
}

/// A new `health-passport.md`: everything optional, so all of it commented until known.
pub const PASSPORT: &str = "\
---
# nhs_number: \"999 000 0000\"         # 10 digits, spaces optional; checked with modulus 11
# gp: { practice: , address: \"\", phone: \"\" }
# dentist: { practice: , phone: \"\" }
# optician: { practice:  }
# last_health_assessment: YYYY-MM-DD
# immunisations:
#   - { vaccine: MMR, date: YYYY-MM-DD }
# allergies: []                        # [] means none known; leave out when not recorded
# medications:
#   - { name: , dose: , since: YYYY-MM-DD }
# conditions:
#   - { name: , since: YYYY-MM-DD, notes: \"\" }
# birth_history: \"\"
# family_health_history: \"\"
# mental_health: \"\"
# consent_to_share: true
# final_review: YYYY-MM-DD             # the last looked-after review before 18
# issued: YYYY-MM-DD                   # the day the young person was given their passport
---
Anything else the young person wants to know or keep.
";

/// A new note.
pub fn note(date: Date, author: &str, kind: NoteKind, restricted: bool) -> String {
    format!(
        "\
---
date: {date}                       # must be the date in the file name
author: {author}
kind: {kind}                          # {kinds}
with: [young-person]                   # who took part: young-person, staff ids, or roles such as social-worker
# minutes: 60
restricted: {restricted}                      # true: kept out of search and printed bundles, shown with a banner
---
What happened, what the young person said, what was agreed, what happens next.
",
        kind = kind.as_str(),
        kinds = choices::<NoteKind>(),
    )
}

/// A new outcome reading: the scale's areas listed, scored once someone fills them in.
pub fn outcome(date: Date, by: &str, scale: &OutcomeScale) -> String {
    let areas: String = scale.areas.iter().map(|a| format!("#  {a}: \n")).collect();
    format!(
        "\
---
date: {date}                       # must be the date in the file name
scale: {id}
by: {by}
scores: {{}}                             # one line per area, from {min} to {max}; remove the {{}} and the #s:
{areas}---
What the young person said about each area.
",
        id = scale.id,
        min = scale.min,
        max = scale.max,
    )
}

/// A new feedback record (format 1.1).
pub fn feedback(date: Date, kind: &str, taken_by: Option<&str>) -> String {
    let taken_by = match taken_by {
        Some(id) => format!("taken_by: {id}                 "),
        None => "# taken_by: staff-id                 ".to_string(),
    };
    format!(
        "\
---
date: {date}                       # must be the date in the file name
kind: {kind}                             # questionnaire | exit | complaint | compliment | review-views
{taken_by}# leave out when the young person wrote it themselves
# answers:                             # question id -> 1 (not at all) .. 5 (completely)
#   listened-to: 
#   involved-in-plan: 
#   feel-safe-at-home: 
consent_to_share: false                # true: the words may be quoted, without a name, in board reports
restricted: false                      # as for notes
---
In their own words.
"
    )
}

/// A new supervision record for a member of staff (format 1.2).
pub fn supervision(date: Date, by: &str) -> String {
    format!(
        "\
---
date: {date}                       # must be the date in the file name
by: {by}                               # a manager
cases: []                              # young people discussed, by id: [yp-0001, yp-0007]
actions: []                            # for example:
#  - {{ id: housing-referral, about: yp-0007, what: \"Make the referral\", by_when: YYYY-MM-DD }}
---
What was discussed, reflections, wellbeing of the worker.
"
    )
}
