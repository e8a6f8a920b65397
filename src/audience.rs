//! Who a site is for, and so who may see what: the one place that decides which young people
//! and which records a site (a caseload site, a subject access bundle) holds.
//!
//! Render, search and history pages never decide this themselves: a build filters the
//! repository, the check report and the git history through an [`Audience`] first, so every
//! page, the search index and the recent changes are made from what it lets through.
//!
//! Supervision (FORMAT.md 1.2) is about members of staff, never young people. A site holds a
//! member of staff's supervision records when every member of staff it is built for is that
//! person or a manager ([`Audience::sees_supervision_of`]); whether it shows them as pages and
//! searches them is [`Audience::supervision_pages`] and [`supervision_searched`].

use crate::check::Report;
use crate::config::Config;
use crate::model::vocab::Role;
use crate::model::{Person, Repository};
use std::collections::BTreeSet;

/// What a site that leaves anything out shows in place of each commit message.
pub const HIDDEN_MESSAGE: &str =
    "Commit message hidden: this site holds only some of the records, and a message may name others";

/// The readers of one site: everyone, the caseloads of some members of staff, or one young person.
#[derive(Debug, Clone, PartialEq)]
pub struct Audience {
    /// The young people shown, by id; `None`: everyone.
    people: Option<BTreeSet<String>>,
    /// Whether restricted notes are shown.
    restricted: bool,
    /// Repository paths of restricted notes that are not shown.
    hidden: BTreeSet<String>,
    /// The members of staff whose supervision records the site holds, by id; `None`: everyone's.
    supervision: Option<BTreeSet<String>>,
    /// Made for the whole team rather than for named members of staff or a young person: it
    /// holds everyone's supervision (the manager's page needs the dates), but shows it only
    /// when `search.include_supervision: true` shares it with the team.
    team: bool,
}

impl Audience {
    /// The whole team: every young person, restricted notes shown with their banner.
    pub fn everyone() -> Audience {
        Audience { people: None, restricted: true, hidden: BTreeSet::new(), supervision: None, team: true }
    }

    /// The young people for whom any of `staff` is personal adviser or key worker (everyone,
    /// when one of them is a manager). Restricted notes are shown only when every one of
    /// them has `see_restricted: true` in `waymark.yaml`. Member of staff X's supervision only
    /// when every one of them is X or a manager: a site for one adviser holds their own, a
    /// site for a manager everyone's, and a site shared by two advisers neither's. No staff at
    /// all: everyone.
    pub fn caseload(repo: &Repository, staff: &[String]) -> Result<Audience, String> {
        if staff.is_empty() {
            return Ok(Audience::everyone());
        }
        let config = &repo.config;
        let mut members = Vec::new();
        for id in staff {
            match config.staff(id) {
                Some(s) => members.push(s),
                None => return Err(unknown_staff(id, config)),
            }
        }
        let everyone = members.iter().any(|s| s.role == Some(Role::Manager));
        let people = (!everyone).then(|| {
            repo.people.iter().filter(|p| works_with(p, staff)).map(|p| p.id.clone()).collect::<BTreeSet<_>>()
        });
        let restricted = !members.is_empty() && members.iter().all(|s| s.see_restricted);
        let not_managers: BTreeSet<String> =
            members.iter().filter(|s| s.role != Some(Role::Manager)).map(|s| s.id.clone()).collect();
        let supervision = match not_managers.len() {
            0 => None,
            // The one member of staff who is not a manager sees their own; two see neither's.
            1 => Some(not_managers),
            _ => Some(BTreeSet::new()),
        };
        Ok(Audience::of(repo, people, restricted, supervision))
    }

    /// One young person, for a subject access bundle; restricted notes only when asked for.
    /// Never anyone's supervision: it is about staff, not the young person.
    pub fn person(repo: &Repository, id: &str, restricted: bool) -> Audience {
        Audience::of(repo, Some(BTreeSet::from([id.to_string()])), restricted, Some(BTreeSet::new()))
    }

    fn of(
        repo: &Repository,
        people: Option<BTreeSet<String>>,
        restricted: bool,
        supervision: Option<BTreeSet<String>>,
    ) -> Audience {
        let hidden = if restricted {
            BTreeSet::new()
        } else {
            repo.people.iter().flat_map(|p| &p.notes).filter(|n| n.restricted).map(|n| n.source.path.clone()).collect()
        };
        Audience { people, restricted, hidden, supervision, team: false }
    }

    /// Whether this is the whole team's site (nothing is left out).
    pub fn is_everyone(&self) -> bool {
        self.people.is_none() && self.restricted && self.supervision.is_none()
    }

    /// The commit message this site may show: as written in the whole team's site, and
    /// [`HIDDEN_MESSAGE`] in any other (a caseload site, a subject access bundle). A message
    /// is free text that may name or describe anyone, a young person outside the site or what
    /// a restricted note says, and no test of names can tell a nickname or a description, so
    /// a site that leaves anything out shows none.
    pub fn commit_message<'m>(&self, message: &'m str) -> &'m str {
        if self.is_everyone() {
            message
        } else {
            HIDDEN_MESSAGE
        }
    }

    /// Whether restricted notes are shown.
    pub fn sees_restricted(&self) -> bool {
        self.restricted
    }

    /// Whether the young person with this id is shown.
    pub fn sees_person(&self, id: &str) -> bool {
        self.people.as_ref().is_none_or(|p| p.contains(id))
    }

    /// Whether the site holds the supervision records of the member of staff with this id.
    pub fn sees_supervision_of(&self, staff: &str) -> bool {
        self.supervision.as_ref().is_none_or(|s| s.contains(staff))
    }

    /// Whether the site makes a page for each supervision record it holds: always in a site
    /// made for named members of staff (it holds only what they may read), and in the whole
    /// team's site only when `search.include_supervision: true` shares supervision with
    /// everyone who can open it. Render, search, history and serve all read this answer.
    pub fn supervision_pages(&self, config: &Config) -> bool {
        !self.team || config.search.include_supervision
    }

    /// Whether the file at this repository path may be held: `records/<id>/…` of a young
    /// person shown and not a hidden restricted note, `staff/<id>/…` of a member of staff whose
    /// supervision the site holds. Other paths (waymark.yaml) are about no one.
    pub fn sees_path(&self, path: &str) -> bool {
        if let Some(rest) = path.strip_prefix("records/") {
            let id = rest.split('/').next().unwrap_or("");
            return self.sees_person(id) && !self.hidden.contains(path);
        }
        match path.strip_prefix("staff/") {
            Some(rest) => self.sees_supervision_of(rest.split('/').next().unwrap_or("")),
            None => true,
        }
    }

    /// Whether the text of the file at this path may be shown (in a page, a search result or
    /// the words a change altered): a file the site holds, and for supervision, only where
    /// its pages are made ([`Audience::supervision_pages`]).
    pub fn shows_text_of(&self, config: &Config, path: &str) -> bool {
        self.sees_path(path) && (!path.starts_with("staff/") || self.supervision_pages(config))
    }

    /// The part of `repo` this audience sees: its young people, without hidden notes, and
    /// only their record files among the sources (so links to anyone else lose their address).
    pub fn repository(&self, repo: &Repository) -> Repository {
        let mut out = Repository {
            root: repo.root.clone(),
            config: repo.config.clone(),
            people: Vec::new(),
            sources: repo
                .sources
                .iter()
                .filter(|(p, _)| self.sees_path(p))
                .map(|(p, s)| (p.clone(), s.clone()))
                .collect(),
            diagnostics: repo.diagnostics.iter().filter(|d| self.sees_diagnostic(d)).cloned().collect(),
            files: repo.files,
            supervision: repo.supervision.iter().filter(|s| self.sees_supervision_of(&s.staff)).cloned().collect(),
        };
        for person in repo.people.iter().filter(|p| self.sees_person(&p.id)) {
            let mut person = person.clone();
            person.notes.retain(|n| !self.hidden.contains(&n.source.path));
            out.people.push(person);
        }
        out.files = out.sources.len() + 1;
        out
    }

    /// The diagnostics of `report` about what this audience sees.
    pub fn report(&self, report: &Report) -> Report {
        Report {
            diagnostics: report.diagnostics.iter().filter(|d| self.sees_diagnostic(d)).cloned().collect(),
            files: report.files,
        }
    }

    fn sees_diagnostic(&self, d: &crate::diag::Diagnostic) -> bool {
        match &d.person {
            Some(id) => self.sees_person(id) && self.sees_path(&d.file),
            None => self.is_everyone() || !d.file.starts_with("records/") && self.sees_path(&d.file),
        }
    }
}

/// Whether the supervision records a site shows are searched too: only when
/// `search.include_supervision: true`. A site that searches them always has their pages, since
/// the setting makes the whole team's site show them ([`Audience::supervision_pages`]); every
/// other site holds only the supervision its readers may see.
pub fn supervision_searched(config: &Config) -> bool {
    config.search.include_supervision
}

/// Whether one of `staff` is the young person's personal adviser or key worker.
fn works_with(person: &Person, staff: &[String]) -> bool {
    let Some(profile) = &person.profile else { return false };
    [&profile.personal_adviser, &profile.key_worker].into_iter().flatten().any(|s| staff.contains(&s.value))
}

fn unknown_staff(id: &str, config: &Config) -> String {
    let known: Vec<&str> = config.staff.iter().map(|s| s.id.as_str()).collect();
    format!(
        "--caseload {id}: waymark.yaml lists no member of staff with that id.\n  Use one of: {}.",
        if known.is_empty() { "(no staff are listed yet)".to_string() } else { known.join(", ") }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Repository {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::load::load(root).expect("the sample repository loads")
    }

    #[test]
    fn a_caseload_is_the_people_an_adviser_or_key_worker_works_with() {
        let repo = sample();
        let sam = Audience::caseload(&repo, &["sam-okafor".into()]).expect("sam is staff");
        let seen: Vec<&str> = repo.people.iter().filter(|p| sam.sees_person(&p.id)).map(|p| p.id.as_str()).collect();
        assert!(!seen.is_empty() && seen.len() < repo.people.len(), "{seen:?}");
        for p in &repo.people {
            let profile = p.profile.as_ref().expect("profile");
            let his = profile.personal_adviser.as_ref().is_some_and(|a| a.value == "sam-okafor")
                || profile.key_worker.as_ref().is_some_and(|k| k.value == "sam-okafor");
            assert_eq!(sam.sees_person(&p.id), his, "{}", p.id);
        }
        let manager = Audience::caseload(&repo, &["helen-marsh".into()]).expect("helen is staff");
        assert!(repo.people.iter().all(|p| manager.sees_person(&p.id)));
        assert!(!manager.sees_restricted(), "a manager sees restricted notes only when waymark.yaml says so");
        let err = Audience::caseload(&repo, &["nobody".into()]).expect_err("unknown staff");
        assert!(err.contains("nobody") && err.contains("sam-okafor"), "{err}");
    }

    #[test]
    fn the_filtered_repository_holds_only_what_the_audience_sees() {
        let repo = sample();
        let restricted: Vec<&str> = repo
            .people
            .iter()
            .flat_map(|p| &p.notes)
            .filter(|n| n.restricted)
            .map(|n| n.source.path.as_str())
            .collect();
        assert!(!restricted.is_empty(), "the sample has restricted notes");
        let id = restricted[0].split('/').nth(1).expect("person id");
        let one = Audience::person(&repo, id, false);
        let filtered = one.repository(&repo);
        assert_eq!(filtered.people.len(), 1);
        assert!(filtered.people[0].notes.iter().all(|n| !n.restricted));
        assert!(filtered
            .sources
            .keys()
            .all(|p| p.starts_with(&format!("records/{id}/")) && !restricted.contains(&p.as_str())));
        let with = Audience::person(&repo, id, true).repository(&repo);
        assert!(with.people[0].notes.iter().any(|n| n.restricted));
    }

    #[test]
    fn only_the_whole_team_site_shows_commit_messages() {
        let repo = sample();
        let message = "Plan updated after a call with another young person's sister";
        assert_eq!(Audience::everyone().commit_message(message), message);
        let sam = Audience::caseload(&repo, &["sam-okafor".into()]).expect("sam is staff");
        assert_eq!(sam.commit_message(message), HIDDEN_MESSAGE);
        // A manager's site has everyone but leaves restricted notes out, which a message may quote.
        let manager = Audience::caseload(&repo, &["helen-marsh".into()]).expect("helen is staff");
        assert_eq!(manager.commit_message(message), HIDDEN_MESSAGE);
        assert_eq!(Audience::person(&repo, "yp-0001", true).commit_message(message), HIDDEN_MESSAGE);
    }

    /// The staff ids whose supervision `repo` seen by `audience` holds.
    fn supervised(audience: &Audience, repo: &Repository) -> BTreeSet<String> {
        audience.repository(repo).supervision.iter().map(|s| s.staff.clone()).collect()
    }

    #[test]
    fn a_caseload_site_holds_supervision_only_of_whoever_every_reader_is_or_manages() {
        let repo = sample();
        let all: BTreeSet<String> = repo.supervision.iter().map(|s| s.staff.clone()).collect();
        assert!(all.len() > 2 && all.contains("sam-okafor") && all.contains("priya-nair"), "{all:?}");
        let caseload = |ids: &[&str]| {
            let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
            Audience::caseload(&repo, &ids).expect("known staff")
        };

        let sam = caseload(&["sam-okafor"]);
        assert!(sam.sees_supervision_of("sam-okafor") && !sam.sees_supervision_of("priya-nair"));
        assert_eq!(supervised(&sam, &repo), BTreeSet::from(["sam-okafor".to_string()]));
        assert!(sam.sees_path("staff/sam-okafor/supervision/2026-10-29.md"));
        assert!(!sam.sees_path("staff/priya-nair/supervision/2026-11-05.md"));
        assert!(sam.repository(&repo).sources.keys().all(|p| !p.starts_with("staff/priya-nair/")));
        assert!(sam.supervision_pages(&repo.config), "a site for named staff shows what it holds");

        // A manager sees everyone's; with a manager, an adviser still sees only their own.
        let helen = caseload(&["helen-marsh"]);
        assert_eq!(supervised(&helen, &repo), all);
        assert!(helen.sees_path("staff/priya-nair/supervision/2026-11-05.md"));
        assert_eq!(supervised(&caseload(&["helen-marsh", "sam-okafor"]), &repo), supervised(&sam, &repo));

        // Two advisers share a site: neither reads the other's, so neither's is there.
        let both = caseload(&["sam-okafor", "priya-nair"]);
        assert!(supervised(&both, &repo).is_empty());
        assert!(!both.sees_path("staff/sam-okafor/supervision/2026-10-29.md"));

        // A subject access bundle is about the young person, never staff.
        let export = Audience::person(&repo, "yp-0001", true);
        assert!(supervised(&export, &repo).is_empty() && !export.sees_supervision_of("sam-okafor"));
        assert!(!export.sees_path("staff/sam-okafor/supervision/2026-10-29.md"));
    }

    #[test]
    fn the_whole_team_site_holds_all_supervision_and_shows_it_only_when_the_setting_says_so() {
        let mut repo = sample();
        let team = Audience::everyone();
        assert_eq!(team.repository(&repo).supervision.len(), repo.supervision.len());
        assert!(team.sees_path("staff/sam-okafor/supervision/2026-10-29.md"));
        let path = "staff/sam-okafor/supervision/2026-10-29.md";

        repo.config.search.include_supervision = false;
        assert!(!team.supervision_pages(&repo.config) && !supervision_searched(&repo.config));
        assert!(!team.shows_text_of(&repo.config, path));
        assert!(team.shows_text_of(&repo.config, "records/yp-0001/profile.md"));
        let sam = Audience::caseload(&repo, &["sam-okafor".into()]).expect("sam is staff");
        assert!(sam.shows_text_of(&repo.config, path), "sam's own site shows his supervision");

        repo.config.search.include_supervision = true;
        assert!(team.supervision_pages(&repo.config) && supervision_searched(&repo.config));
        assert!(team.shows_text_of(&repo.config, path));
        assert!(!sam.shows_text_of(&repo.config, "staff/priya-nair/supervision/2026-11-05.md"));
    }
}
