//! `waymark export PERSON --out DIR`: a subject access bundle of one young person from the
//! sample repository, checked against their records file by file.

mod site;

use sha2::{Digest, Sha256};
use site::{files, find, needles, read, sample_root, site_bytes, waymark};
use std::path::Path;

const TODAY: &str = "2026-11-24";

fn export(out: &Path, person: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    waymark(sample_root(), TODAY).arg("export").arg(person).arg("--out").arg(out).args(extra).assert()
}

#[test]
fn a_bundle_holds_every_record_of_its_young_person_and_nothing_of_anyone_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("bundle");
    let done = export(&out, "yp-0001", &["--zip"]).success();
    let said = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert!(said.contains("manifest.csv"), "{said}");
    assert!(out.join("index.html").is_file() && out.join("people/yp-0001/index.html").is_file());
    site::check_site(&out);

    // Every record file: notes and profile by their words, attachments byte for byte.
    let bundle = site_bytes(&out);
    let restricted = site::restricted_needles(sample_root());
    for n in needles(sample_root()).into_iter().filter(|n| n.person.is_some()) {
        let mine = n.person.as_deref() == Some("yp-0001") && !restricted.contains(&n.what);
        let at = find(&bundle, &n);
        assert_eq!(at.is_some(), mine, "{} {:?} of {:?}: {at:?}", n.what, n.text, n.person);
    }
    let records = sample_root().join("records/yp-0001");
    for file in files(&records.join("files")) {
        let name = file.file_name().expect("name").to_string_lossy().into_owned();
        let copy = out.join("people/yp-0001/files").join(&name);
        let copy = if copy.exists() { copy } else { copy.with_file_name(format!("{name}.txt")) };
        assert_eq!(std::fs::read(&copy).expect("attachment copied"), std::fs::read(&file).expect("read"), "{name}");
    }
    assert!(out.join("people/yp-0001/plan.html").is_file() && out.join("people/yp-0001/passport.html").is_file());
    assert!(out.join("people/yp-0001/history.html").is_file(), "the history of their records");
    assert!(!out.join("people/yp-0002").exists());

    // The manifest names every other file with its size and SHA-256.
    let manifest = read(&out.join("manifest.csv"));
    let mut rows: Vec<&str> = manifest.lines().collect();
    assert_eq!(rows.remove(0), "path,bytes,sha256");
    let listed: std::collections::BTreeSet<String> =
        rows.iter().map(|r| r.split(',').next().expect("path").to_string()).collect();
    let on_disk: std::collections::BTreeSet<String> = files(&out)
        .iter()
        .map(|f| f.strip_prefix(&out).expect("inside").to_string_lossy().into_owned())
        .filter(|p| p != "manifest.csv" && p != ".waymark-site")
        .collect();
    assert_eq!(listed, on_disk);
    for row in rows {
        let parts: Vec<&str> = row.split(',').collect();
        let bytes = std::fs::read(out.join(parts[0])).expect("listed file");
        assert_eq!(parts[1], bytes.len().to_string(), "{row}");
        let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(parts[2], hash, "{row}");
    }

    // The zip holds the same files.
    let zip = std::fs::File::open(dir.path().join("bundle.zip")).expect("zip written");
    let mut zip = zip::ZipArchive::new(zip).expect("a zip");
    assert_eq!(zip.len(), listed.len() + 1);
    let mut inner = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("manifest.csv").expect("manifest in zip"), &mut inner)
        .expect("read");
    assert_eq!(inner, manifest);
}

#[test]
fn restricted_notes_come_only_when_asked_for_and_then_every_page_says_so() {
    let restricted = site::restricted_needles(sample_root());
    let needle = needles(sample_root())
        .into_iter()
        .find(|n| n.person.as_deref() == Some("yp-0003") && restricted.contains(&n.what))
        .expect("yp-0003 has a restricted note with a word of its own");
    let dir = tempfile::tempdir().expect("temp dir");
    let without = dir.path().join("without");
    export(&without, "yp-0003", &[]).success();
    assert!(find(&site_bytes(&without), &needle).is_none(), "{needle:?}");
    let with = dir.path().join("with");
    export(&with, "yp-0003", &["--include-restricted"]).success();
    assert!(find(&site_bytes(&with), &needle).is_some(), "{needle:?}");
    for page in files(&with).iter().filter(|p| p.extension().is_some_and(|e| e == "html")) {
        assert!(read(page).contains("This bundle includes restricted notes"), "{}", page.display());
    }
}

#[test]
fn an_export_never_writes_into_records_or_over_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let full = dir.path().join("full");
    std::fs::create_dir(&full).expect("mkdir");
    std::fs::write(full.join("keep.txt"), "mine").expect("write");
    let err = export(&full, "yp-0001", &[]).code(2);
    let err = String::from_utf8_lossy(&err.get_output().stderr).into_owned();
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(std::fs::read_dir(&full).expect("list").count(), 1);

    let err = export(&sample_root().join("records/yp-0001/export"), "yp-0001", &[]).code(2);
    let err = String::from_utf8_lossy(&err.get_output().stderr).into_owned();
    assert!(err.contains("records"), "{err}");
    assert!(!sample_root().join("records/yp-0001/export").exists());

    let err = export(&dir.path().join("x"), "yp-9999", &[]).code(2);
    let err = String::from_utf8_lossy(&err.get_output().stderr).into_owned();
    assert!(err.contains("yp-9999"), "{err}");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    export(&empty, "yp-0002", &[]).success();
    assert!(empty.join("people/yp-0002/index.html").is_file());
}
