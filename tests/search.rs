//! Search end to end: build a small fictional repository, open `search/index.html?q=...`
//! from `file://` in headless Chromium, and read which records the page found.
//!
//! Every person, member of staff and word here is fictional.

mod site;
#[allow(dead_code)] // only `generate` and its options are used here
#[path = "../examples/synth.rs"]
mod synth;

use site::{chromium, DevTools};
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-24";

const CONFIG: &str = "\
organisation: Example Leaving Care Service
staff:
  - id: sam-okafor
    name: Sam Okafor
    role: personal-adviser
  - id: amira-hassan
    name: Amira Hassan
    role: key-worker
";

fn profile(name: &str) -> String {
    format!(
        "---\nname: {name}\ndate_of_birth: 2008-03-14\nlegal_status: relevant\npersonal_adviser: sam-okafor\n---\nLikes football.\n"
    )
}

fn note(date: &str, author: &str, kind: &str, extra: &str, body: &str) -> String {
    format!("---\ndate: {date}\nauthor: {author}\nkind: {kind}\n{extra}---\n{body}\n")
}

/// Robin and Sky, with notes that tell plain words, stems, phrases and filters apart.
fn repository() -> tempfile::TempDir {
    let files: Vec<(&str, String)> = vec![
        ("waymark.yaml", CONFIG.into()),
        ("records/yp-0001/profile.md", profile("Robin Example")),
        ("records/yp-0002/profile.md", profile("Sky Sample")),
        (
            "records/yp-0001/notes/2026-11-02-visit.md",
            note("2026-11-02", "sam-okafor", "visit", "", "Talked about the college bus pass and the timetable."),
        ),
        (
            "records/yp-0001/notes/2026-10-20-phone.md",
            note("2026-10-20", "sam-okafor", "phone", "restricted: true\n", "A sensitive conversation about contact."),
        ),
        (
            "records/yp-0001/notes/2026-06-01-health.md",
            note("2026-06-01", "amira-hassan", "health", "", "Went to the dentist together. Robin keeps two budgets."),
        ),
        (
            "records/yp-0002/notes/2026-09-10-phone.md",
            note(
                "2026-09-10",
                "amira-hassan",
                "phone",
                "",
                "Sky phoned about college fees, the bus to college, and a pass for the gym.",
            ),
        ),
        (
            "records/yp-0002/notes/2025-01-15-visit.md",
            note("2025-01-15", "sam-okafor", "visit", "", "An envelope arrived. Notes written on an envelope."),
        ),
        (
            "records/yp-0002/notes/2026-11-10-visit.md",
            note("2026-11-10", "sam-okafor", "visit", "", "An envelope arrived. Notes written on an envelope."),
        ),
        (
            "records/yp-0002/notes/2026-03-03-other.md",
            note(
                "2026-03-03",
                "sam-okafor",
                "other",
                "",
                "Zebra `<img src=x onerror=alert(1)>` &lt;b&gt;zebra&lt;/b&gt;",
            ),
        ),
    ];
    site::repository_of(&files)
}

fn build(root: &Path) -> PathBuf {
    site::waymark(root, TODAY).arg("build").assert().success();
    root.join("public")
}

/// The page's DOM after scripts have run, opened from `file://` with a query string.
fn dump(browser: &str, profile: &Path, page: &Path, query: &str) -> String {
    let args = ["--dump-dom".to_string(), "--virtual-time-budget=5000".to_string()];
    site::headless(browser, profile, page, query, &args)
}

use site::search_results as results;

#[test]
fn the_search_page_finds_words_stems_phrases_and_filters_from_file() {
    let Some(browser) = chromium() else { return };
    let repo = repository();
    let out = build(repo.path());
    let page = out.join("search/index.html");
    let chrome = repo.path().join("chrome");
    let search = |q: &str| results(&dump(browser, &chrome, &page, q));
    let visit = "../people/yp-0001/index.html#note-2026-11-02-visit";
    let sky_phone = "../people/yp-0002/index.html#note-2026-09-10-phone";
    let health = "../people/yp-0001/index.html#note-2026-06-01-health";

    // A plain word, whole (a space after it: not a prefix).
    assert_eq!(search("?q=dentist%20"), [health]);
    // A stemmed word: "budgeting" finds "budgets".
    assert_eq!(search("?q=budgeting"), [health]);
    // Both words anywhere, then only side by side.
    let both = search("?q=bus+pass+");
    assert!(both.contains(&visit.to_string()) && both.contains(&sky_phone.to_string()), "{both:?}");
    assert_eq!(search("?q=%22bus+pass%22"), [visit]);
    // Filters: note kind, young person, author, dates.
    let college = search("?q=college");
    assert_eq!(college.len(), 2, "{college:?}");
    assert_eq!(search("?q=college&kind=phone"), [sky_phone]);
    assert_eq!(search("?q=college&person=yp-0001"), [visit]);
    assert_eq!(search("?q=college&author=amira-hassan"), [sky_phone]);
    assert_eq!(search("?q=college&from=2026-10-01&to=2026-12-31"), [visit]);
    assert_eq!(search("?q=college&type=plan"), Vec::<String>::new());
    // A prefix while typing.
    assert_eq!(search("?q=denti"), [health]);
    // Restricted notes are not searched.
    assert_eq!(search("?q=sensitive"), Vec::<String>::new());
    // Two equal notes: the newer first.
    assert_eq!(
        search("?q=envelope"),
        ["../people/yp-0002/index.html#note-2026-11-10-visit", "../people/yp-0002/index.html#note-2025-01-15-visit"]
    );
    // The person's name finds their records; the profile links to their page.
    assert!(search("?q=robin").contains(&"../people/yp-0001/index.html".to_string()));

    // Snippets mark the words found, as text: record text never becomes markup.
    let dom = dump(browser, &chrome, &page, "?q=zebra");
    assert!(dom.contains("<mark>Zebra</mark>"), "{dom}");
    assert!(!dom.contains("<img src=\"x\""), "record text became markup: {dom}");
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;"), "{dom}");
    assert!(dom.contains("&lt;b&gt;<mark>zebra</mark>&lt;/b&gt;"), "{dom}");
    // The address's query and filters are put back in the form.
    let dom = dump(browser, &chrome, &page, "?q=college&kind=phone");
    assert!(dom.contains("<option value=\"phone\" selected") || dom.contains("1 record matches."), "{dom}");
}

#[test]
fn restricted_notes_are_searched_when_the_settings_say_so() {
    let Some(browser) = chromium() else { return };
    let repo = repository();
    let config = format!("{CONFIG}search:\n  include_restricted: true\n");
    std::fs::write(repo.path().join("waymark.yaml"), config).expect("write");
    let out = build(repo.path());
    let dom = dump(browser, &repo.path().join("chrome"), &out.join("search/index.html"), "?q=sensitive");
    assert_eq!(results(&dom), ["../people/yp-0001/index.html#note-2026-10-20-phone"]);
}

#[test]
fn every_page_has_a_search_box_and_the_page_allows_it() {
    let repo = repository();
    let out = build(repo.path());
    for page in ["index.html", "report.html", "people/yp-0001/index.html", "search/index.html"] {
        let html = std::fs::read_to_string(out.join(page)).expect("page");
        assert!(html.contains("class=\"site-search\""), "{page} has no search box");
        assert!(html.contains("form-action 'self'"), "{page}");
        assert!(html.contains("static/search.js"), "{page}");
    }
    assert!(out.join("search/manifest.js").is_file());
}

/// A live index (as `waymark serve` keeps) re-dates one note and drops another: the page
/// reads the dates of documents numbered out of order, and skips numbers no longer used.
#[test]
fn the_page_reads_a_live_update() {
    let Some(browser) = chromium() else { return };
    let repo = repository();
    let out = build(repo.path());
    let today = waymark::model::date::parse_date(TODAY).expect("date");
    let mut records = waymark::load::load(repo.path()).expect("loads");
    let (mut live, _) = waymark::render::search::live::LiveIndex::new(&records, today);
    let person = records.people.iter_mut().find(|p| p.id == "yp-0002").expect("Sky");
    person.notes.retain(|n| !n.source.path.ends_with("2025-01-15-visit.md"));
    let fees = person.notes.iter_mut().find(|n| n.source.path.ends_with("2026-09-10-phone.md")).expect("note");
    fees.date.value = waymark::model::date::parse_date("2024-05-01").expect("date");
    let changes = live.update(&records, "yp-0002");
    assert!(changes.written.iter().any(|(p, _)| p == "search/manifest.js"));
    for (path, text) in changes.written {
        std::fs::write(out.join(path), text).expect("write");
    }
    let page = out.join("search/index.html");
    let chrome = repo.path().join("chrome");
    let search = |q: &str| results(&dump(browser, &chrome, &page, q));
    let fees = "../people/yp-0002/index.html#note-2026-09-10-phone";
    assert_eq!(
        search("?q=envelope"),
        ["../people/yp-0002/index.html#note-2026-11-10-visit"],
        "the dropped note is gone"
    );
    assert_eq!(search("?q=fees&to=2024-12-31"), [fees], "found by its new date");
    assert_eq!(search("?q=fees&from=2026-01-01"), Vec::<String>::new(), "not by its old one");
    assert_eq!(search("?from=2024-01-01&to=2024-12-31"), [fees], "a date range alone");
    assert_eq!(search("?person=yp-0002&to=2025-12-31"), [fees], "the dropped note is in no filter");
}

/// The page's stemmer agrees with the index's (rust-stemmers) on every word of a varied list.
#[test]
fn the_page_stems_as_the_index_does() {
    let Some(browser) = chromium() else { return };
    let repo = repository();
    let out = build(repo.path());
    let analyser = waymark::render::search::tokenise::Analyser::default();
    let mut list: Vec<String> = WORDS.split_whitespace().map(String::from).collect();
    list.extend(corpus_words());
    let pairs: Vec<(String, String)> = list.iter().map(|w| (w.clone(), analyser.stem(w))).collect();
    let js = format!(
        "document.addEventListener('DOMContentLoaded', function () {{ var bad = []; {} .forEach(function (p) {{ \
         var s = window.waymarkSearch.stem(p[0]); if (s !== p[1]) bad.push(p[0] + ':' + s + '!=' + p[1]); }}); \
         document.getElementById('out').textContent = 'checked ' + bad.length + ' wrong: ' + bad.join(' '); }});",
        serde_json::to_string(&pairs).expect("json")
    );
    std::fs::write(out.join("search/stems.js"), js).expect("write");
    std::fs::write(
        out.join("search/stems.html"),
        "<!DOCTYPE html><p id=out></p><script src=\"../static/search.js\"></script><script src=\"stems.js\"></script>",
    )
    .expect("write");
    let dom = dump(browser, &repo.path().join("chrome"), &out.join("search/stems.html"), "");
    assert!(
        dom.contains("checked 0 wrong: <"),
        "{}",
        &dom[dom.find("checked").unwrap_or(0)..].chars().take(3000).collect::<String>()
    );
}

/// Words that exercise every step of the English stemmer.
const WORDS: &str = "generously generous communism arsenal skies skis dying lying tying sky news howe atlas cosmos bias
andes idly gently ugly early only singly inning outing canning herring earring proceed exceed succeed proceeds
exceeded succeeding hopping hoping filing failing crying cries ties tie gas gaps kiwis this agreed feed bled
luxuriating conditional rational valency hesitancy dependably relational differently digitizer organization
operator feudalism formality normally hopefulness callousness decisiveness sensitivity ability analogy fully
carelessly eerily formalize electricity electrical hopeful goodness formative revival allowance inference
airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption activate angularity
homologous effective bowdlerize probate rate cease controll roll yelling says saying enjoying employs quickly
happily universal universe emergency organic past pasted later lately yes yesterday eye eyes youth young boyish
ayy yay played plays crying by say sayings bus buses pass passes passing passed visit visits visited visiting
visitor college colleges budgeting budgets envelope appointment appointments housing houses tenancy tenancies
hostel accommodation benefits universal credit apprenticeship apprenticeships counselling counsellor worried
worrying anxious anxiety bereavement kindness fostering fostered carer carers cared caring exceeds bookkeeping
agreement agreements sky skyline ski skiing dying died dies cycling bicycle needed needing feeling feelings
meeting meetings sitting bitter bigger biggest hopped hoped hopes controlling controlled traveller travelling
happiness hopelessness ableism inning innings breed bred proceeded skating ate at on is as us its ill all
fizzed hissed missed dressed caressed ponies cats caress consign consigned consigning consignment consist
consisted consistency consistent consistently consisting consists consolation consolations consolatory
console consoled consoles consolidate consolidated consolidating consoling consolingly consols consonant
consort consorted consorting conspicuous conspicuously conspiracy conspirator conspirators conspire conspired
conspiring constable constables constance constancy constant knack knackeries knacks knag knave knaves
knavish kneaded kneading knee kneel kneeled kneeling kneels knees knell knelt knew knick knif knife knight
knightly knights knit knits knitted knitting knives knob knobs knock knocked knocker knockers knocking knocks
knopp knot knots lay layed laying laid relativity relational emotional emotionally generation generations
general generally communication communications arsenic past pasts";

/// Every distinct lowercase word of the synthetic corpus's phrase lists, as a second, broader list.
fn corpus_words() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/synth.rs")).unwrap_or_default();
    let mut words: Vec<String> = waymark::render::search::tokenise::words(&text)
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Bytes of every file below `dir`.
fn bytes_below(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().expect("meta").len() as usize)
        .sum()
}

/// The whole index, document text included, is at most a quarter of the Markdown of a
/// corpus from the benchmark's generator (1,000 notes). Its notes are built from phrase
/// lists, so they repeat themselves far more than real notes do: see the next test.
#[test]
fn the_whole_index_is_a_quarter_of_the_benchmark_corpus() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("corpus");
    synth::generate(&synth::Options {
        out: root.clone(),
        people: 10,
        notes: 1000,
        seed: 1,
        git: false,
        fast_import: false,
        history_heavy: false,
    })
    .expect("generates");
    let markdown: usize = walkdir::WalkDir::new(root.join("records"))
        .into_iter()
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.metadata().expect("meta").len() as usize)
        .sum();
    let out = build(&root);
    let index = bytes_below(&out.join("search"));
    let docs = bytes_below(&out.join("search/d"));
    eprintln!(
        "benchmark corpus, {markdown} bytes of Markdown: whole index {index} ({:.3}x), of which document chunks {docs} ({:.3}x)",
        index as f64 / markdown as f64,
        docs as f64 / markdown as f64
    );
    assert!(index * 4 <= markdown, "the index ({index} bytes) is over a quarter of the Markdown ({markdown} bytes)");
}

/// A varied generated corpus (1,000 notes, Zipf-distributed words, so text as hard to
/// compress as real notes or harder): its term index stays within a quarter of its Markdown.
/// The document chunks, which hold the text for snippets, are printed: deflate gets this
/// text to about 0.37x, and real notes to 0.35-0.45x.
#[test]
fn the_term_index_is_small_beside_varied_markdown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("waymark.yaml"), CONFIG).expect("write");
    // English words follow Zipf's law: the commonest are a few short words, and most words are rare.
    let common = "the and to of a in was he she we said about for at on with had her his it they that this is have";
    let mut vocab: Vec<String> = common.split(' ').map(String::from).collect();
    vocab.extend((0..5000u32).map(|i| syllables(i.wrapping_mul(2_654_435_761) % 100_000)));
    let mut seed = 12345u64;
    let mut next = move |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) % n as u64) as usize
    };
    let mut markdown = 0;
    for p in 0..10 {
        let person = root.join(format!("records/yp-{p:04}"));
        std::fs::create_dir_all(person.join("notes")).expect("mkdir");
        let text = profile(&format!("Person {}", syllables(p)));
        markdown += text.len();
        std::fs::write(person.join("profile.md"), text).expect("write");
        for n in 0..100 {
            let mut body = String::new();
            for s in 0..(4 + next(12)) {
                let words: Vec<&str> =
                    (0..(6 + next(14))).map(|_| vocab[zipf(next(1_000_000), vocab.len())].as_str()).collect();
                body.push_str(&words.join(" "));
                body.push_str(if s % 5 == 4 { ".\n\n" } else { ". " });
            }
            let date = format!("2026-{:02}-{:02}", 1 + n % 10, 1 + (n * 7) % 28);
            let text = note(&date, "sam-okafor", "visit", "", &body);
            markdown += text.len();
            std::fs::write(person.join(format!("notes/{date}-n{n}.md")), text).expect("write");
        }
    }
    let out = build(root);
    let manifest = std::fs::metadata(out.join("search/manifest.js")).expect("manifest").len() as usize;
    let (terms, docs) = (bytes_below(&out.join("search/t")), bytes_below(&out.join("search/d")));
    let index = manifest + terms;
    eprintln!(
        "1,000 notes, {markdown} bytes of Markdown: manifest {manifest}, term chunks {terms}, index {:.3}x; document store {docs}, {:.3}x",
        index as f64 / markdown as f64,
        docs as f64 / markdown as f64
    );
    assert!(index * 4 <= markdown, "the index ({index} bytes) is over a quarter of the Markdown ({markdown} bytes)");
}

/// A rank in `0..n` drawn with probability falling as 1/rank, from a uniform draw in `0..1_000_000`.
fn zipf(uniform: usize, n: usize) -> usize {
    let u = uniform as f64 / 1_000_000.0;
    ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
}

/// A made-up word from a number, so the generated corpus has a realistic spread of rare words.
fn syllables(mut n: u32) -> String {
    const S: [&str; 24] = [
        "ka", "lo", "mi", "ne", "ra", "to", "vi", "su", "pe", "da", "fo", "gu", "ber", "cal", "dor", "fen", "gar",
        "hol", "jin", "kel", "lam", "mor", "nid", "pul",
    ];
    let mut out = String::new();
    loop {
        out.push_str(S[(n % 24) as usize]);
        n /= 24;
        if n == 0 {
            return out;
        }
    }
}

/// The sample queries of the benchmarks.
const QUERIES: [&str; 6] =
    ["bus pass", "visited", "\"return home interview\"", "dentist appointment", "colleg", "universal credit"];

/// Benchmark, run by hand on a generated corpus:
/// `WAYMARK_SEARCH_BENCH=/tmp/corpus cargo test --release --test search bench_index -- --ignored --nocapture`.
/// Prints indexing time, index size beside the Markdown, and what sample queries download
/// (the manifest, plus the term chunks their words and prefixes need).
#[test]
#[ignore]
fn bench_index_size_and_query_downloads() {
    let Some(root) = std::env::var_os("WAYMARK_SEARCH_BENCH").map(PathBuf::from) else { return };
    let today = waymark::model::date::parse_date(TODAY).expect("date");
    let repo = waymark::load::load(&root).expect("loads");
    let started = std::time::Instant::now();
    let index = waymark::render::search::build(&repo, today);
    let took = started.elapsed();
    let markdown: usize = repo.sources.values().map(|s| s.text().len()).sum();
    let size =
        |prefix: &str| index.files.iter().filter(|(p, _)| p.starts_with(prefix)).map(|(_, t)| t.len()).sum::<usize>();
    let (manifest, terms, docs) = (size("search/manifest"), size("search/t/"), size("search/d/"));
    eprintln!(
        "{} documents, {} terms, {markdown} bytes of Markdown; indexed in {:.2} s\n  manifest {manifest} B, term chunks {terms} B ({} files): index {:.3}x the Markdown; document store {docs} B ({:.3}x); whole {:.3}x",
        index.docs,
        index.terms,
        took.as_secs_f64(),
        index.files.iter().filter(|(p, _)| p.starts_with("search/t/")).count(),
        (manifest + terms) as f64 / markdown as f64,
        docs as f64 / markdown as f64,
        index.bytes() as f64 / markdown as f64,
    );
    // Which chunk holds a term: the last whose first term is not after it (as search.js does).
    let manifest_text = &index.files.iter().find(|(p, _)| p == "search/manifest.js").expect("manifest").1;
    let json: serde_json::Value =
        serde_json::from_str(&manifest_text["window.waymarkSearch.init(".len()..manifest_text.len() - 3])
            .expect("json");
    let firsts: Vec<String> =
        json["chunks"].as_array().expect("chunks").iter().map(|v| v.as_str().unwrap_or("").to_string()).collect();
    let chunk_of = |t: &str| firsts.iter().rposition(|f| f.as_str() <= t).unwrap_or(0);
    let chunk_size =
        |i: usize| index.files.iter().find(|(p, _)| *p == format!("search/t/{i}.js")).map_or(0, |(_, t)| t.len());
    let analyser = waymark::render::search::tokenise::Analyser::default();
    for q in QUERIES {
        let mut chunks = std::collections::BTreeSet::new();
        let words = waymark::render::search::tokenise::words(q);
        for (i, (_, w)) in words.iter().enumerate() {
            chunks.insert(chunk_of(&analyser.stem(w)));
            if i + 1 == words.len() && !q.ends_with('"') {
                let (a, b) = (chunk_of(w), chunk_of(&format!("{w}\u{ffff}")));
                if b - a < 3 {
                    chunks.extend(a..=b);
                }
            }
        }
        let bytes: usize = manifest + chunks.iter().map(|c| chunk_size(*c)).sum::<usize>();
        eprintln!(
            "  query {q:<28} {} term chunks, {bytes} B with the manifest; a page of results adds up to {} B",
            chunks.len(),
            10 * docs / index.files.iter().filter(|(p, _)| p.starts_with("search/d/")).count().max(1)
        );
    }
}

/// Benchmark in the browser, run by hand on a site built from a generated corpus:
/// `WAYMARK_SEARCH_SITE=target/bench-site/n100000 cargo test --release --test search bench_queries -- --ignored --nocapture`.
/// Opens the search page from `file://` for each sample query and prints the index files it
/// loaded (read from the scripts the page added) and their bytes, then how long ranking took
/// once the term chunks were in, timed in a second browser on the real clock (virtual time,
/// which `--dump-dom` needs, stands still while scripts run).
#[test]
#[ignore]
fn bench_queries_in_chromium() {
    let Some(site) = std::env::var_os("WAYMARK_SEARCH_SITE").map(PathBuf::from) else { return };
    let Some(browser) = chromium() else { return };
    let profile = tempfile::tempdir().expect("temp dir");
    let search = site.join("search");
    let size = |name: &str| std::fs::metadata(search.join(name)).map_or(0, |m| m.len());
    let live_profile = tempfile::tempdir().expect("temp dir");
    let mut live = DevTools::start(browser, live_profile.path());
    for q in QUERIES {
        let query: String = q.chars().map(|c| if c == ' ' { "+".to_string() } else { format!("{c}") }).collect();
        let query = query.replace('"', "%22");
        let started = std::time::Instant::now();
        let dom = dump(browser, profile.path(), &search.join("index.html"), &format!("?q={query}"));
        let took = started.elapsed();
        let head = &dom[..dom.find("</head>").unwrap_or(dom.len())];
        let loaded: Vec<&str> = head
            .split("<script src=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter(|s| s.starts_with("t/") || s.starts_with("d/"))
            .collect();
        let terms: u64 = loaded.iter().filter(|s| s.starts_with("t/")).map(|s| size(s)).sum();
        let docs: u64 = loaded.iter().filter(|s| s.starts_with("d/")).map(|s| size(s)).sum();
        let manifest = size("manifest.js");
        let status = dom.split("id=\"search-status\"").nth(1).and_then(|s| s.split(['<']).next()).unwrap_or("");
        eprintln!(
            "  {q:<24} {} B: manifest {manifest}, {} term chunks {terms}, {} document chunks {docs}; {} ({} results shown; page run {:.1} s); ranked in {} ms",
            manifest + terms + docs,
            loaded.iter().filter(|s| s.starts_with("t/")).count(),
            loaded.iter().filter(|s| s.starts_with("d/")).count(),
            status.trim_start_matches(|c| c != '>').trim_start_matches('>'),
            results(&dom).len(),
            took.as_secs_f64(),
            rank_ms(&mut live, &format!("file://{}?q={query}", search.join("index.html").display())),
        );
    }
}

/// Opens `url`, waits for results, and gives the ranking time the page reports.
fn rank_ms(live: &mut DevTools, url: &str) -> String {
    live.navigate(url);
    let expression = "(function () { var s = document.getElementById('search-status'); \
        return s && document.querySelector('#search-results li') ? s.getAttribute('data-rank-ms') : ''; })()";
    for _ in 0..200 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        match live.eval(expression).as_str() {
            Some(ms) if !ms.is_empty() => return ms.to_string(),
            _ => {}
        }
    }
    "?".to_string()
}
