//! Making new things: a records repository (`waymark init`), the fictional sample service
//! (`init --sample`) and new record files (`waymark new`).

pub mod git;
pub mod sample;
pub mod templates;

use crate::config::CONFIG_FILE;
use crate::model::date::Date;
use std::path::{Path, PathBuf};

/// What `init` did, for the command to report.
#[derive(Debug)]
pub enum Initialised {
    /// The folder already held a Waymark repository; nothing was changed.
    AlreadyThere,
    /// A new repository was made.
    Made {
        /// How it went with git.
        git: GitOutcome,
    },
}

/// What happened with git during `init`.
#[derive(Debug)]
pub enum GitOutcome {
    /// `git init` and commits made (how many).
    Committed(usize),
    /// A repository was made but nothing committed: git has no name and email for the user.
    NoIdentity,
    /// git is not installed.
    NoGit,
}

/// Options of `init`.
pub struct InitOptions<'a> {
    /// The organisation's name for a new `waymark.yaml`.
    pub organisation: Option<&'a str>,
    /// Make the fictional sample service instead of an empty repository.
    pub sample: bool,
    /// The date the sample's history ends on.
    pub today: Date,
}

/// Makes a records repository in `dir`: creates the folder if needed, refuses one that holds
/// anything else, and leaves an existing Waymark repository as it is.
pub fn init(dir: &Path, options: &InitOptions<'_>) -> Result<Initialised, String> {
    if dir.join(CONFIG_FILE).is_file() {
        return Ok(Initialised::AlreadyThere);
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(format!("{} is a file, not a folder.\n  Name a new folder for the records.", dir.display()));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty and is not a Waymark repository (it has no {CONFIG_FILE}).\n  Name a new or empty folder, for example `waymark init records-repo`, so nothing already there is mixed with the records.",
                dir.display()
            ));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let gitignore = templates::gitignore("public");
    let has_git = git::on_path();
    let me = git::identity(dir);
    let write = |rel: &str, text: &str| -> Result<(), String> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    if options.sample {
        sample::write_files(dir, &gitignore)
            .map_err(|e| format!("cannot write the sample into {}: {e}", dir.display()))?;
    } else {
        let staff_id = me.as_ref().map(|(name, _)| staff_id(name));
        let new_staff = me
            .as_ref()
            .zip(staff_id.as_deref())
            .and_then(|((name, email), id)| (!id.is_empty()).then_some(templates::NewStaff { id, name, email }));
        let organisation = options.organisation.unwrap_or("Our Leaving Care Service");
        write(CONFIG_FILE, &templates::config(&templates::yaml_text(organisation), new_staff.as_ref()))?;
        write("records/.gitkeep", "")?;
        write(".gitignore", &gitignore)?;
    }
    // Editors that read `yaml.schemas` complete and check front matter from the same tables the
    // loader uses; the schemas themselves live in the git-ignored .waymark/schema/. The sample's
    // history is its records' alone, so only a new service's first commit holds the settings.
    if !options.sample {
        write(".vscode/settings.json", &crate::schema::vscode_settings())?;
    }
    crate::schema::write_all(&dir.join(crate::schema::DEFAULT_DIR))?;
    if !has_git {
        return Ok(Initialised::Made { git: GitOutcome::NoGit });
    }
    let repo = git::init(dir)?;
    let failed = |e: git2::Error| format!("the files are written, but the first commit failed: {}", e.message());
    if options.sample {
        let records = crate::load::load(dir).map_err(|e| e.to_string())?;
        let count = sample::make_history(&repo, &records, options.today).map_err(failed)?;
        return Ok(Initialised::Made { git: GitOutcome::Committed(count) });
    }
    let Ok(author) = repo.signature() else {
        return Ok(Initialised::Made { git: GitOutcome::NoIdentity });
    };
    git::commit_all(&repo, &author, "Start the records repository").map_err(failed)?;
    Ok(Initialised::Made { git: GitOutcome::Committed(1) })
}

/// A staff id made from a name: `Sam Okafor` -> `sam-okafor`.
pub fn staff_id(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    id.chars().take(40).collect::<String>().trim_end_matches('-').to_string()
}

/// Writes a new file without ever replacing one: written beside, then linked into place, which
/// fails if the name is taken, even by a file that appeared a moment ago.
pub fn create_new(path: &Path, text: &str) -> Result<(), String> {
    if path.exists() {
        return Err(format!("{} already exists; Waymark never overwrites a record.", path.display()));
    }
    let parent = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = parent.join(format!(".{name}.waymark-new-{}", std::process::id()));
    std::fs::write(&temp, text).map_err(|e| format!("cannot write {}: {e}", temp.display()))?;
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    linked.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!("{} already exists; Waymark never overwrites a record.", path.display())
        } else {
            format!("cannot write {}: {e}", path.display())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_ids_from_names() {
        assert_eq!(staff_id("Sam Okafor"), "sam-okafor");
        assert_eq!(staff_id("  Mary-Jane O'Neil "), "mary-jane-o-neil");
        assert_eq!(staff_id("Zoë"), "zo");
    }

    #[test]
    fn the_new_config_reads_without_problems() {
        let me = templates::NewStaff { id: "sam-okafor", name: "Sam Okafor", email: "sam@example.org" };
        for who in [None, Some(&me)] {
            let (config, diags) = crate::config::Config::parse(&templates::config("Example Service", who));
            assert!(diags.is_empty(), "{diags:?}");
            assert_eq!(config.organisation, "Example Service");
            assert_eq!(config.staff.len(), who.iter().count());
        }
    }

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.md");
        create_new(&path, "one").unwrap();
        assert!(create_new(&path, "two").unwrap_err().contains("already exists"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        assert_eq!(std::fs::read_dir(dir.path().join("a")).unwrap().count(), 1);
    }
}
