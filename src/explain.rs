//! `waymark explain RULE`: what each rule means, when it fires and how to put it right, in one
//! table keyed by the rule, so every rule the checker knows has words for people.

use crate::diag::Rule;

/// The words for one rule.
#[derive(Debug, Clone, Copy)]
pub struct Explanation {
    /// The rule.
    pub rule: Rule,
    /// What it finds, in a line (for the list of rules).
    pub finds: &'static str,
    /// What the rule is about, in a sentence or two.
    pub means: &'static str,
    /// When it fires.
    pub fires: &'static str,
    /// How to put it right.
    pub fix: &'static str,
}

const fn e(
    rule: Rule,
    finds: &'static str,
    means: &'static str,
    fires: &'static str,
    fix: &'static str,
) -> Explanation {
    Explanation { rule, finds, means, fires, fix }
}

/// Every rule's explanation.
pub const EXPLANATIONS: &[Explanation] = &[
    e(Rule::YamlSyntax,
      "the top part of a file cannot be read (a missing `---`, a tab, an unquoted `: `)",
      "The part of a record between the two `---` lines (the front matter) must be valid YAML, the simple `field: value` layout every record uses.",
      "When the front matter cannot be read: a missing closing `---`, a tab used for indenting, a colon inside an unquoted value, a list item out of line, or brackets that do not match.",
      "Go to the line and column given. Indent with spaces only, put text containing `: ` or `#` in double quotes, and make sure the front matter ends with a line of exactly `---`."),
    e(Rule::MissingField,
      "a field that must be there is not",
      "Some fields must always be there: a profile needs name, date_of_birth and legal_status; a note needs date and author; an outcome reading needs date and scores; waymark.yaml needs organisation.",
      "When a required field is absent. A closed record also needs `closed: { date: ..., reason: ... }`.",
      "Add the field named in the message. Run `waymark new KIND` to see a complete file with every field."),
    e(Rule::InvalidValue,
      "a date that does not exist, a word not in its list, a score out of range",
      "A field holds something it cannot: a date that does not exist, a word that is not in the field's list, a number where text belongs, or a score outside the scale.",
      "When a value cannot be read as the field's kind. The message says what was expected and, for a list of words, the nearest one.",
      "Write the value as the message asks: dates as YYYY-MM-DD, listed words exactly as docs/format.md spells them (lowercase, with `-`), scores within the scale's range."),
    e(Rule::UnknownField,
      "a field Waymark does not know, usually a typing slip",
      "Waymark does not know a field, so it would be ignored. Usually it is a typing slip in a field name.",
      "When a record or waymark.yaml has a field the format does not list.",
      "Rename it to the field suggested after \"did you mean\", or remove it. Write things that have no field in the text below the front matter."),
    e(Rule::BadPath,
      "a file or folder in the wrong place or badly named",
      "Files must sit where Waymark expects them: records/<person-id>/profile.md, notes/YYYY-MM-DD-<slug>.md, outcomes/YYYY-MM-DD.md, files/ for attachments.",
      "When a folder or file name breaks the layout: a person id with capitals or spaces, a note without its date, a stray file, a person folder without profile.md.",
      "Rename or move the file as the message says. Person ids are lowercase letters, digits and `-` (yp-0007), never a name."),
    e(Rule::TypeMismatch,
      "`type:` says something different from where the file is",
      "A record may say what it is with `type:`; it must then agree with where the file is.",
      "When `type:` names a different kind of record from the file's place, for example `type: note` in profile.md.",
      "Remove the `type:` line, or move the file to where that kind of record belongs."),
    e(Rule::NoteDateMismatch,
      "a note's `date` differs from its file name",
      "A note's date is in its file name and in its `date:` field; they must be the same day, so notes sort and link correctly.",
      "When the `date:` field and the date at the start of the file name differ.",
      "Correct whichever is wrong. To rename a note, use `git mv` so its history follows it."),
    e(Rule::FutureDate,
      "a note, review or reading dated after today",
      "Notes, plan reviews and outcome readings record things that have happened, so they cannot be dated after today.",
      "When such a date is later than today (or the date given with --today).",
      "Correct the date. Plans for the future belong in `next_review:` or a goal's `by_when:`."),
    e(Rule::UnknownStaff,
      "a staff id that is not in `waymark.yaml`",
      "Records name staff by the ids listed under `staff:` in waymark.yaml (author, personal_adviser, key_worker, review by, goal by_whom).",
      "When an id is not in that list: a typing slip, or a new member of staff not yet added.",
      "Fix the id (the message suggests the nearest), or add the person to `staff:` in waymark.yaml with their id, name, email and role."),
    e(Rule::BrokenLink,
      "a link to a record that does not exist",
      "Links between records are relative links to the .md file, checked so the site never has a dead link.",
      "When a link points at a record that does not exist, often after a note was renamed or a person id mistyped.",
      "Correct the link's path relative to the file it is in, for example `[plan](../pathway-plan.md)` from a note."),
    e(Rule::MissingAttachment,
      "a link to a file under `files/` that is not there",
      "Scans and letters live in the young person's files/ folder and are copied to the site when a record links to them.",
      "When a link points into files/ but the file is not there.",
      "Put the file in records/<person-id>/files/ under the linked name, or correct the link."),
    e(Rule::DuplicateGoalId,
      "two goals in one plan with the same id",
      "Each goal in a pathway plan has a short id, so reviews and history can follow it.",
      "When two goals in the same plan share an id.",
      "Give one of them a different id, such as `college-2`."),
    e(Rule::NhsNumber,
      "an NHS number whose check digit is wrong",
      "NHS numbers have 10 digits and the last is a check digit (modulus 11), so most typing slips can be caught.",
      "When `nhs_number` does not have 10 digits or its check digit does not match.",
      "Copy the number again from an NHS letter or ask the GP. Spaces are allowed; quote it: \"999 765 4323\"."),
    e(Rule::StatusAge,
      "a legal status that cannot be right at the young person's age",
      "A young person's legal status (looked-after, eligible, relevant, former-relevant, qualifying) depends on their age, so some pairs cannot be true.",
      "When the status cannot hold at today's age: looked-after at 18 or over; eligible or relevant outside 16-17; former-relevant under 18, or 21-24 without extended support and not in education or training; qualifying outside 16-20; anyone still active at 25.",
      "Update `legal_status` (for example to former-relevant at 18), set `extended_support: true` if they asked for support to 25, or close the record."),
    e(Rule::PlanMissing,
      "no pathway plan for someone who must have one",
      "Eligible, relevant and former-relevant young people must have a pathway plan.",
      "When such a young person has no pathway-plan.md.",
      "Write one with `waymark new plan PERSON` and fill it in with the young person."),
    e(Rule::PlanReviewOverdue,
      "the plan's review is late",
      "A pathway plan is reviewed at least every `plan_review_months` (6 unless waymark.yaml says otherwise).",
      "When the last review (or the start, if none) is older than that, when `next_review` has passed, or when `next_review` is set further away than the rule allows.",
      "Hold the review, add it under `reviews:` with its date and who led it, and set a new `next_review:`."),
    e(Rule::GoalOverdue,
      "a goal past its date and not achieved or dropped",
      "Each goal in a plan has a date it should be done by.",
      "When a goal's `by_when` has passed and its status is not achieved or dropped.",
      "Mark it `status: achieved` with `done: YYYY-MM-DD`, `status: dropped`, or agree a new `by_when` at the next review."),
    e(Rule::HealthAssessmentOverdue,
      "a looked-after young person's health assessment is late",
      "Young people who are still looked after have a health assessment at least every `health_assessment_months` (12 by default).",
      "When a looked-after or eligible young person's `last_health_assessment` is older than that, or none is recorded.",
      "Arrange the assessment and record `last_health_assessment: YYYY-MM-DD` in health-passport.md."),
    e(Rule::PassportDue,
      "18 soon and the health passport not yet issued",
      "Young people are given their health passport at the last looked-after review before 18.",
      "When a looked-after, eligible or relevant young person is within `passport_warning_days` (120) of their 18th birthday and health-passport.md has no `issued:` date.",
      "Print the passport (`waymark build`, then the passport page, or `waymark print passport PERSON --pdf FILE`), hand it over, and record `issued: YYYY-MM-DD`."),
    e(Rule::PassportNotIssued,
      "over 18, former relevant, and no passport issued",
      "A former relevant young person over 18 should already hold their health passport.",
      "When a former-relevant young person is 18 or over and health-passport.md has no `issued:` date.",
      "Give them their passport and record `issued: YYYY-MM-DD`, or correct the date if it was issued and not written down."),
    e(Rule::ContactOverdue,
      "no note within the agreed `contact_every_days`",
      "`contact_every_days` in the profile is the contact agreed with the young person.",
      "When the newest note is older than that many days. Only applies when `contact_every_days` is set.",
      "Get in touch and write a note (`waymark new note PERSON --kind phone`), or agree a different frequency and change `contact_every_days`."),
    e(Rule::LeaveExpiring,
      "immigration leave ends soon, or has ended",
      "Young people with limited leave to remain need help to apply to extend it well before it runs out.",
      "When `immigration.leave_expires` is within `leave_warning_days` (90), or has passed.",
      "Make sure the solicitor has the application in hand, note what was done, and update `leave_expires` or `immigration.status` when the decision comes."),
    e(Rule::NeetLong,
      "not in education, employment or training for over 13 weeks",
      "Time not in education, employment or training is counted from `activity.since`.",
      "When the activity has been a NEET type for more than 13 weeks. For information: nothing is wrong with the record.",
      "Talk with the young person about what would help, and record any new activity with its `since:` date."),
    e(Rule::RetentionReview,
      "a closed record past the 75th birthday, due for review",
      "Care leaver records are kept until the 75th birthday, then reviewed for deletion.",
      "When a closed record's young person is past their 75th birthday. For information.",
      "Follow your organisation's retention policy: review the record and delete it (with a commit saying why) if it is no longer needed."),
    e(Rule::Uncommitted,
      "changes not yet committed to git",
      "Git is the audit trail: a change is only recorded, with who and why, once it is committed.",
      "When a record has changes git has not yet committed, or is not in git at all. For information.",
      "Commit the change: `git add records/...` then `git commit -m \"why you changed it\"`."),
    e(Rule::AuthorMismatch,
      "a note committed by someone other than its author",
      "A note's `author:` should be the person who wrote it, and git records who committed it.",
      "When the email of the person who committed a note is not the email of the staff member named as its author.",
      "If someone else's note was committed under your name, say so in the next commit. On a shared laptop, set each person's name and email in git (docs/guide.md) or commit with `git commit --author`."),
    e(Rule::PaMissing,
      "a care leaver with no personal adviser",
      "Every eligible, relevant and former-relevant young person must have a personal adviser (Children (Leaving Care) Act 2000).",
      "When an active profile's legal status is eligible, relevant or former-relevant and `personal_adviser:` is empty or absent.",
      "Write the adviser's staff id in `personal_adviser:` (the ids are in waymark.yaml's staff list)."),
    e(Rule::ExitFeedbackMissing,
      "a record closed in the last 90 days with no exit feedback",
      "When a young person leaves the service, the team asks what they thought of it: an exit feedback record in their words.",
      "When a record was closed within the last 90 days and has no feedback record of kind `exit`.",
      "Ask the young person, then `waymark new feedback PERSON --kind exit` and write down what they said. If they declined, say so in the text."),
    e(Rule::AccommodationAge,
      "an accommodation type that cannot hold at the young person's age",
      "Some kinds of accommodation belong to an age: staying put and foyers begin at 18; foster care and children's homes are for children in care. The DfE's return refuses the wrong ones.",
      "When the accommodation is `staying-put` or `foyer` before the 18th birthday, or `foster` or `childrens-home` at 18 or over.",
      "Record where the young person really lives now. Someone who stays with their foster carers after 18 is `staying-put` (with the `staying_put:` block)."),
    e(Rule::NestingTooDeep,
      "a text nests quotes, lists or HTML deeper than the site shows",
      "Very deep nesting (quotes inside quotes, lists inside lists, or HTML elements inside each other) is cut on the site so that pages build quickly; the words are kept, the deepest layout is not.",
      "When a body nests Markdown more than 31 levels deep or HTML more than 64 levels deep.",
      "Flatten the text: usually it was pasted from an email or a web page. Keep the words and remove the extra `>` markers or HTML."),
    e(Rule::MergeConflict,
      "git's conflict markers left in a record",
      "When two people change the same lines of a record and git cannot join the changes, it writes both versions into the file between `<<<<<<<`, `=======` and `>>>>>>>` lines, and the record cannot be read until someone chooses.",
      "When a record file has a line starting `<<<<<<<`, `=======` or `>>>>>>>` left by a git merge or pull.",
      "Open the file at the line given. Between `<<<<<<<` and `=======` is your version, between `=======` and `>>>>>>>` theirs: keep what is right (often parts of both), delete the three marker lines, run `waymark check`, then commit."),
    e(Rule::PlanNotApproved,
      "a plan reviewed but not signed off by a manager",
      "A manager reads and signs off each pathway plan after its review, so that someone with authority has checked it (format 1.2).",
      "When the last review is more than `rules.approval_days` (14) days old and `approved.date` is missing or earlier than that review.",
      "Ask a manager to read the plan and add `approved: { by: <manager id>, date: YYYY-MM-DD }` to pathway-plan.md."),
    e(Rule::VisitOverdue,
      "no face-to-face visit as often as agreed",
      "The profile's `visit_every_days` says how often the young person is seen face to face; a visit is a note of kind `visit` with `young-person` in `with` (format 1.2).",
      "When no such visit falls within `visit_every_days`, or none is recorded.",
      "Visit them and write the note with `kind: visit` and `with: [young-person]`."),
    e(Rule::ExtendedSupportOfferMissing,
      "no offer of support to 25 recorded",
      "Former relevant young people must be offered a personal adviser up to 25 around their 21st birthday (format 1.2).",
      "For an open former-relevant record from 90 days before the 21st birthday onwards with no `extended_support_offer`.",
      "Make the offer and add `extended_support_offer: { date: YYYY-MM-DD, response: accepted }` (or declined, no-response) to profile.md."),
    e(Rule::StayingPutMismatch,
      "the profile disagrees with itself about Staying Put",
      "Staying Put is the accommodation type `staying-put`; the `staying_put:` block holds its details. Both must agree, so every count of Staying Put is the same (format 1.2).",
      "When `accommodation.type` is `staying-put` without a `staying_put:` block, or the block is there with another type.",
      "Set `accommodation.type: staying-put` if they are in Staying Put; otherwise remove `staying_put:`."),
    e(Rule::InTouchStale,
      "`in_touch: yes` but no note for over 13 weeks",
      "Being in touch means the service has had contact; the notes are the evidence (format 1.2).",
      "When `in_touch: yes` and there is no note of any kind for more than 13 weeks.",
      "Write a note of the last contact, or change `in_touch` to say how things stand."),
    e(Rule::SupervisionOverdue,
      "a personal adviser or key worker without recent supervision",
      "Managers supervise personal advisers and key workers regularly and record it under `staff/<id>/supervision/` (format 1.2).",
      "Once the team records supervision at all: when a personal adviser's or key worker's last supervision is more than `rules.supervision_weeks` (6) weeks old, or they have none.",
      "Hold supervision and record it in `staff/<id>/supervision/YYYY-MM-DD.md` (`waymark new supervision <id>`)."),
    e(Rule::SupervisionActionOverdue,
      "an action agreed in supervision is past its date",
      "Actions agreed in supervision have a date by which they are done (format 1.2).",
      "When an action's `by_when` is before today and it has no `done:` date.",
      "Add `done: YYYY-MM-DD` when it is done, or agree a new `by_when` at the next supervision."),
];

/// The explanation of a rule.
pub fn explain(rule: Rule) -> Option<&'static Explanation> {
    EXPLANATIONS.iter().find(|e| e.rule == rule)
}

/// Finds a rule by name, or says which rule was probably meant.
pub fn lookup(name: &str) -> Result<Rule, String> {
    let name = name.trim().trim_start_matches('[').trim_end_matches(']');
    if let Some(rule) = Rule::from_name(name) {
        return Ok(rule);
    }
    let hint = match crate::load::fields::closest(name, Rule::ALL.iter().map(|r| r.name())) {
        Some(near) => format!("did you mean `{near}`? "),
        None => String::new(),
    };
    Err(format!(
        "there is no rule called `{}`.\n  {hint}Run `waymark explain` with no rule to list them all.",
        crate::term::visible(name)
    ))
}

/// The explanation as printed by `waymark explain`.
pub fn render(e: &Explanation, severity: crate::diag::Severity) -> String {
    format!(
        "{} ({} unless waymark.yaml says otherwise)\n\nWhat it means:\n{}\n\nWhen it fires:\n{}\n\nHow to put it right:\n{}\n",
        e.rule.name(),
        severity.as_str(),
        wrap(e.means),
        wrap(e.fires),
        wrap(e.fix)
    )
}

/// Wraps text at 80 columns with a two-space indent.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(" ");
    for word in text.split_whitespace() {
        if line.len() + word.len() + 1 > 80 && line.len() > 2 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_explained_once() {
        for rule in Rule::ALL {
            let found: Vec<_> = EXPLANATIONS.iter().filter(|e| e.rule == *rule).collect();
            assert_eq!(found.len(), 1, "{} needs exactly one explanation", rule.name());
            let e = found[0];
            for part in [e.means, e.fires, e.fix] {
                assert!(part.len() > 30 && part.ends_with(['.', ')']), "{}: {part}", rule.name());
            }
        }
    }

    #[test]
    fn a_near_name_gets_a_suggestion() {
        assert_eq!(lookup("nhs-number"), Ok(Rule::NhsNumber));
        assert_eq!(lookup("[plan-missing]"), Ok(Rule::PlanMissing));
        let err = lookup("contact-overdu").unwrap_err();
        assert!(err.contains("did you mean `contact-overdue`"), "{err}");
        assert!(!lookup("zzzzzzzz").unwrap_err().contains("did you mean"));
    }

    #[test]
    fn lines_are_wrapped() {
        let text = render(&EXPLANATIONS[0], Rule::YamlSyntax.default_severity());
        assert!(text.lines().all(|l| l.chars().count() <= 82), "{text}");
        assert!(text.starts_with("yaml-syntax (error"));
    }
}
