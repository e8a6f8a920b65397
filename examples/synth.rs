//! Writes a realistic, valid and entirely fictional Waymark records repository, for trying
//! `waymark` out at scale and for benchmarks.
//!
//! ```text
//! cargo run --release --example synth -- OUT [--people 1000] [--notes 100000] [--seed N]
//!     [--no-git | --fast-import]
//! ```
//!
//! The same seed always gives the same files and, with git, the same commit ids, so a
//! benchmark corpus can be rebuilt rather than kept.
//!
//! History is one commit per note, plan review and outcome reading. Running `git commit` that
//! often would take hours, and even `git fast-import` takes about a minute for 100,000 commits
//! because it re-serialises the thousand-entry `records/` tree for each one; so by default the
//! pack, its index and `.git/index` are written directly (see [`pack`]). `--fast-import` uses
//! git's importer instead, and gives the same commit ids. The pack is stored uncompressed;
//! `git gc` shrinks it if disk space matters.

use std::collections::HashSet;
use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate, TimeDelta, Weekday};
use rayon::prelude::*;

/// What to generate and where.
#[derive(Clone, Debug)]
pub struct Options {
    /// Directory to create; it must be absent or empty.
    pub out: PathBuf,
    /// Number of young people.
    pub people: usize,
    /// Total number of notes, shared out between the young people.
    pub notes: usize,
    /// Seed for the deterministic generator.
    pub seed: u64,
    /// Whether to build git history.
    pub git: bool,
    /// Build history with `git fast-import` instead of writing the pack directly.
    pub fast_import: bool,
    /// Also edit each pathway plan every month between reviews and each profile every few
    /// months, as services that keep plans live do: a history several times the notes' own.
    pub history_heavy: bool,
}

/// Counts and timings of one generated repository.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Young people written.
    pub people: usize,
    /// Note files written.
    pub notes: usize,
    /// Pathway plan reviews recorded.
    pub reviews: usize,
    /// Outcome readings written.
    pub outcomes: usize,
    /// Commits made (0 without git).
    pub commits: usize,
    /// Markdown files written.
    pub markdown_files: usize,
    /// Total size of the Markdown files.
    pub markdown_bytes: u64,
    /// Wall-clock time taken.
    pub seconds: f64,
}

fn main() -> Result<(), Box<dyn Error>> {
    run().map_err(plain_error)
}

fn run() -> Result<(), Box<dyn Error>> {
    let opts = parse_args(std::env::args().skip(1))?;
    let s = generate(&opts)?;
    println!("wrote {}", opts.out.display());
    println!("  people:           {}", s.people);
    println!("  notes:            {}", s.notes);
    println!("  plan reviews:     {}", s.reviews);
    println!("  outcome readings: {}", s.outcomes);
    println!("  commits:          {}", s.commits);
    println!(
        "  Markdown:         {} files, {} bytes ({:.1} MB)",
        s.markdown_files,
        s.markdown_bytes,
        s.markdown_bytes as f64 / 1e6
    );
    println!("  time:             {:.2} s", s.seconds);
    Ok(())
}

/// An error whose `Debug` form is its message.
struct PlainError(String);

impl std::fmt::Debug for PlainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for PlainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for PlainError {}

/// Rewraps an error so that returning it from `main`, which prints `Debug`, shows the plain
/// message rather than a quoted, escaped string.
pub fn plain_error(e: Box<dyn Error>) -> Box<dyn Error> {
    Box::new(PlainError(e.to_string()))
}

const USAGE: &str =
    "usage: synth OUT [--people 1000] [--notes 100000] [--seed N] [--no-git | --fast-import] [--history-heavy]";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, Box<dyn Error>> {
    let mut opts = Options {
        out: PathBuf::new(),
        people: 1000,
        notes: 100_000,
        seed: 1,
        git: true,
        fast_import: false,
        history_heavy: false,
    };
    let mut out = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--people" => opts.people = parse_number(&value("--people")?, "--people")?,
            "--notes" => opts.notes = parse_number(&value("--notes")?, "--notes")?,
            "--seed" => opts.seed = parse_number(&value("--seed")?, "--seed")?,
            "--no-git" => opts.git = false,
            "--fast-import" => opts.fast_import = true,
            "--history-heavy" => opts.history_heavy = true,
            "-h" | "--help" => return Err(USAGE.into()),
            a if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}").into()),
            a if out.is_none() => out = Some(PathBuf::from(a)),
            a => return Err(format!("unexpected argument {a}\n{USAGE}").into()),
        }
    }
    opts.out = out.ok_or(USAGE)?;
    if opts.people == 0 {
        return Err("--people must be at least 1".into());
    }
    Ok(opts)
}

fn parse_number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("{name} wants a whole number, not {text:?}"))
}

// ---------------------------------------------------------------------------------------------
// Randomness and dates

/// splitmix64: tiny, fast and good enough for made-up records. Written out here rather than
/// taken from a crate so that a seed gives the same repository whatever the crate versions.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    /// An independent stream per (seed, stream) so people can be generated in parallel and
    /// still come out the same whatever the thread count.
    fn derive(seed: u64, stream: u64) -> Self {
        let mut base = Rng(seed);
        let mixed = base.next() ^ stream.wrapping_mul(0xA24B_AED4_963E_E407);
        let mut rng = Rng(mixed);
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// Inclusive at both ends, because date windows are easier to reason about that way.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut at = self.below(total as usize) as u32;
        for &(x, w) in xs {
            if at < w {
                return x;
            }
            at -= w;
        }
        xs[xs.len() - 1].0
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("constant date is valid")
}

/// The day the generated history ends; benchmarks pass it as `--today`.
pub fn end_date() -> NaiveDate {
    ymd(2026, 11, 24)
}

fn plus_days(d: NaiveDate, n: i64) -> NaiveDate {
    d + TimeDelta::days(n)
}

fn plus_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}

/// English law: someone born on 29 February has birthdays on 1 March in common years.
fn anniversary(dob: NaiveDate, years: i32) -> NaiveDate {
    let y = dob.year() + years;
    NaiveDate::from_ymd_opt(y, dob.month(), dob.day()).unwrap_or_else(|| ymd(y, 3, 1))
}

fn random_date(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    plus_days(from, rng.range(0, (to - from).num_days().max(0)))
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut d = plus_days(ymd(year + i32::from(month == 12), month % 12 + 1, 1), -1);
    while d.weekday() != Weekday::Sun {
        d = plus_days(d, -1);
    }
    d
}

/// Commit times carry the UK offset of the day so `git log` reads like a real office's.
fn uk_offset(d: NaiveDate) -> (&'static str, i64) {
    if d >= last_sunday(d.year(), 3) && d < last_sunday(d.year(), 10) {
        ("+0100", 3600)
    } else {
        ("+0000", 0)
    }
}

fn timestamp(d: NaiveDate, minute_of_day: u32) -> (i64, &'static str) {
    let (tz, offset) = uk_offset(d);
    let local =
        d.and_hms_opt(minute_of_day / 60, minute_of_day % 60, 0).expect("time of day is valid").and_utc().timestamp();
    (local - offset, tz)
}

// ---------------------------------------------------------------------------------------------
// Fixed vocabulary

struct Staff {
    id: &'static str,
    name: &'static str,
    role: &'static str,
}

impl Staff {
    fn first_name(&self) -> &'static str {
        self.name.split(' ').next().unwrap_or(self.name)
    }

    fn email(&self) -> String {
        format!("{}@example.org", self.id.replace('-', "."))
    }
}

const STAFF: &[Staff] = &[
    Staff { id: "sam-okafor", name: "Sam Okafor", role: "personal-adviser" },
    Staff { id: "priya-nair", name: "Priya Nair", role: "personal-adviser" },
    Staff { id: "dan-whitfield", name: "Dan Whitfield", role: "personal-adviser" },
    Staff { id: "joanna-price", name: "Joanna Price", role: "personal-adviser" },
    Staff { id: "marcus-bell", name: "Marcus Bell", role: "personal-adviser" },
    Staff { id: "fatima-rahman", name: "Fatima Rahman", role: "personal-adviser" },
    Staff { id: "tom-kowalski", name: "Tom Kowalski", role: "personal-adviser" },
    Staff { id: "beth-morgan", name: "Beth Morgan", role: "personal-adviser" },
    Staff { id: "kwame-asante", name: "Kwame Asante", role: "personal-adviser" },
    Staff { id: "amira-hassan", name: "Amira Hassan", role: "key-worker" },
    Staff { id: "lewis-grant", name: "Lewis Grant", role: "key-worker" },
    Staff { id: "chloe-dunn", name: "Chloe Dunn", role: "key-worker" },
    Staff { id: "ravi-patel", name: "Ravi Patel", role: "key-worker" },
    Staff { id: "nadia-kaya", name: "Nadia Kaya", role: "key-worker" },
    Staff { id: "ruth-adeyemi", name: "Ruth Adeyemi", role: "social-worker" },
    Staff { id: "owen-hughes", name: "Owen Hughes", role: "social-worker" },
    Staff { id: "sian-evans", name: "Siân Evans", role: "social-worker" },
    Staff { id: "helen-marsh", name: "Helen Marsh", role: "manager" },
    Staff { id: "david-osei", name: "David Osei", role: "manager" },
    Staff { id: "grace-owusu", name: "Grace Owusu", role: "other" },
];

fn staff_with_role(role: &str) -> Vec<usize> {
    (0..STAFF.len()).filter(|&i| STAFF[i].role == role).collect()
}

/// The education, employment and training coordinator writes many education notes.
const ETE_COORDINATOR: usize = 19;
/// The manager who set the repository up.
const SETUP_MANAGER: usize = 17;

const MALE: &[&str] = &[
    "Tyler", "Kieran", "Callum", "Jayden", "Reece", "Liam", "Mohammed", "Daniel", "Connor", "Kai", "Ethan", "Nathan",
    "Josh", "Dylan", "Ibrahim", "Mason", "Tomasz", "Samir", "Aaron", "Leon",
];
const FEMALE: &[&str] = &[
    "Chloe", "Jade", "Amber", "Leah", "Megan", "Shannon", "Aisha", "Courtney", "Ellie", "Holly", "Kayleigh", "Zara",
    "Precious", "Nicole", "Demi", "Maya", "Lily", "Hana", "Paige", "Sophie",
];
const NEUTRAL: &[&str] = &["Jordan", "Alex", "Charlie", "Riley", "Morgan", "Jamie", "Robin", "Frankie"];
const LAST: &[&str] = &[
    "Ellis", "Carter", "Murphy", "Walsh", "Begum", "Ali", "Nowak", "Mensah", "Brooks", "Fletcher", "Hughes", "Doyle",
    "Hussain", "Kaur", "Lewis", "Thompson", "Reid", "Barker", "Campbell", "Okonkwo", "Yilmaz", "O'Neill", "Parry",
    "Shaw", "Webb", "Francis", "Ward", "Kelly", "Pearce", "Bailey",
];
const UASC_MALE: &[&str] = &["Abdul", "Ahmad", "Dawit", "Yonas", "Hamid", "Bilal", "Omid", "Aziz"];
const UASC_FEMALE: &[&str] = &["Mariam", "Senait", "Helen", "Zahra", "Feven"];
const UASC_LAST: &[&str] = &["Haddad", "Mahmoud", "Tesfaye", "Rahimi", "Karimi", "Osman", "Haile", "Ahmadi", "Noori"];
const NICKNAMES: &[(&str, &str)] = &[
    ("Tyler", "Ty"),
    ("Callum", "Cal"),
    ("Kayleigh", "Kay"),
    ("Mohammed", "Mo"),
    ("Daniel", "Danny"),
    ("Nathan", "Nate"),
    ("Alex", "Lex"),
    ("Charlie", "Chaz"),
    ("Jordan", "Jord"),
    ("Precious", "Prech"),
    ("Tomasz", "Tom"),
    ("Abdul", "Abdi"),
    ("Nicole", "Nic"),
    ("Courtney", "Court"),
    ("Jayden", "Jay"),
];
const AUTHORITIES: &[&str] = &[
    "Northfield City Council",
    "Eastmoor County Council",
    "Westbridge Borough Council",
    "Southdale Council",
    "Kingsmere Metropolitan Borough Council",
];
const STREETS: &[&str] = &[
    "Example Road",
    "Sample Street",
    "Placeholder Avenue",
    "Fictional Close",
    "Specimen Lane",
    "Test Terrace",
    "Model Way",
    "Pattern Grove",
];
const COLLEGES: &[&str] =
    &["Northfield College", "Eastmoor Sixth Form College", "Westbridge College", "the Kingsmere training centre"];
const WORKPLACES: &[&str] = &[
    "Example Café",
    "the Example Logistics warehouse",
    "a supermarket in town",
    "Example Fitness",
    "the retail park",
    "Example Care Homes",
    "a building site on the ring road",
    "the call centre",
];
const SIBLINGS: &[&str] = &[
    "younger brother",
    "younger sister",
    "older brother",
    "older sister",
    "half-brother",
    "half-sister",
    "little sister",
    "twin brother",
];
const PRONOUNS: &[[&str; 5]] = &[
    ["he/him", "he", "him", "his", "himself"],
    ["she/her", "she", "her", "her", "herself"],
    ["they/them", "they", "them", "their", "themself"],
];

// ---------------------------------------------------------------------------------------------
// Text banks. Placeholders in braces are filled per young person by `Person::fill`.

const OPEN_VISIT: &[&str] = &[
    "Visited {name} at {their} {home} on {day} afternoon.",
    "Home visit. {name} answered the door straight away and made us both a drink.",
    "Planned visit to {name}'s {home}; {they} had remembered I was coming and had the post out ready.",
    "Visited {name} after {their} day finished, at about {time}.",
    "Visit on the way back from another appointment, as agreed with {name} last month.",
    "Saw {name} at {their} {home}. The {carer} was in for the first part of the visit.",
];
const OPEN_PHONE: &[&str] = &[
    "Phone call with {name} at about {time}.",
    "{name} rang the duty phone at {time} and asked for me.",
    "Called {name} as planned; {they} picked up on the second try.",
    "Returned a missed call from {name} from the morning.",
    "Short call with {name} to check how the week had gone.",
];
const OPEN_MESSAGE: &[&str] = &[
    "Exchange of text messages with {name} over the morning.",
    "{name} messaged asking to talk about {topic}.",
    "Sent {name} a reminder about {their} appointment; {they} replied within the hour.",
    "WhatsApp messages with {name} in the evening, summarised here.",
];
const OPEN_KEYWORK: &[&str] = &[
    "Key-work session with {name} at the office, about an hour.",
    "Planned key-work session. We used the independent living skills workbook again.",
    "Key-work session over lunch in town, which {name} prefers to sitting in the office.",
    "Key-work session at {their} {home}, focused on {topic}.",
];
const OPEN_REVIEW: &[&str] = &[
    "Review meeting chaired by the independent reviewing officer; {name} attended for most of it.",
    "Review of {name}'s plan with {sw} and {name}.",
    "Six-monthly review. {name} chose to hold it at the café near {their} {home}.",
    "Review meeting at the office. {name} came with a list of things {they} wanted to say.",
];
const OPEN_MULTI: &[&str] = &[
    "Multi-agency meeting with housing, the college and {sw}.",
    "Professionals' meeting called by {sw} to share information about recent worries.",
    "Team around the young person meeting at the civic centre.",
    "Strategy discussion by video call with the police, health and {sw}.",
];
const OPEN_EDUCATION: &[&str] = &[
    "Meeting at {college} with {name}'s tutor.",
    "Went with {name} to a careers appointment at the youth hub.",
    "Three-way call with {name} and the training provider.",
    "Personal education plan meeting at {college}.",
];
const OPEN_HEALTH: &[&str] = &[
    "Went with {name} to the GP surgery for an appointment {they} had been putting off.",
    "Health assessment with the nurse; {name} asked me to stay in the room.",
    "Went with {name} to the dentist.",
    "Went with {name} to {their} first appointment with the talking therapies team.",
];
const OPEN_INCIDENT: &[&str] = &[
    "{name} was reported missing by the {carer} at {time} last night and came back this morning.",
    "Police contacted the duty line about an incident involving {name} in town.",
    "The {carer} reported an argument that ended with {name} leaving for the night.",
    "{name} rang in distress late in the afternoon after a row with a neighbour.",
];
const OPEN_OTHER: &[&str] = &[
    "Went with {name} to the Jobcentre for {their} Universal Credit appointment.",
    "Supported {name} at Housing Options.",
    "Went with {name} to open a bank account.",
    "Went with {name} to the magistrates' court; the hearing was adjourned.",
];

const T_ACCOMMODATION: &[&str] = &[
    "{name} said the {home} is warm now that the landlord has fixed the boiler.",
    "We talked about the noise from the flat upstairs; {they} had already spoken to the neighbour once.",
    "{Their} room was tidy and {they} had put up photos since my last visit.",
    "{They} had a letter from the housing officer about the rent account and we read it together.",
    "The shared kitchen is still a sore point; {name} said food keeps going missing from the fridge.",
    "{name} has been bidding on the housing register every week and showed me the properties {they} had tried for.",
    "There were dirty dishes in the sink but the place was otherwise in good order.",
    "{They} asked whether a friend could stay at weekends; I explained the house rules again and said I would check with the manager.",
    "The smoke alarm was chirping, so I reported it to the landlord while I was there.",
    "{name} is worried about what happens when the licence agreement comes up for renewal in {month}.",
    "{They} said {they} felt safe where {they} lived, which {they} had not said a few months ago.",
    "We looked at the inventory together and noted the damp patch in the bathroom so that {name} would not be charged for it.",
];
const T_PLACEMENT: &[&str] = &[
    "{name} said things at the {home} have been calmer since the last visit.",
    "The {carer} said {name} has been coming in on time most nights.",
    "{name} helped to cook the evening meal, and the {carer} said this is becoming a habit.",
    "We talked about what moving on from the {home} might look like and when.",
    "{Their} room was tidy and {they} had put up photos since my last visit.",
    "{name} is unhappy about the new rule on phones at night and wanted me to raise it with the {carer}.",
    "There has been some friction with another young person at the {home}; {name} said it has settled down.",
    "{name} would like to stay at the {home} until the course ends, and the {carer} supports that.",
    "{They} said {they} felt safe where {they} lived, which {they} had not said a few months ago.",
    "The {carer} raised worries about late nights at weekends; we agreed to talk about it together next time.",
    "{name} has been given more responsibility for {their} own washing and shopping at the {home}.",
];
const T_MONEY: &[&str] = &[
    "We went through {their} bank statement line by line; most of the money goes on food and phone top-ups.",
    "{name} ran out of gas credit on {day}; I arranged a fuel voucher and we talked about the emergency credit button.",
    "{Their} Universal Credit payment went down by {amount} this month and we worked out why.",
    "{They} had borrowed {amount} from a friend and wanted a plan to pay it back.",
    "We set up a simple budget on {their} phone with lines for rent, bills, food and savings.",
    "I reminded {name} about the council tax exemption for care leavers; the form is now signed.",
    "{name} has saved {amount} towards a deposit, which {they} had been keen to tell me.",
    "{They} asked about the setting-up-home allowance and what is left of it; I will check the balance.",
    "We talked about buy-now-pay-later apps and how quickly the payments add up.",
    "The college bursary comes through on the first Friday of the month; {name} wants part of it paid straight into savings.",
    "{name} missed the last rent payment; we rang the housing office together and agreed to pay {amount} a week off the arrears.",
    "I gave {name} a food bank voucher as a one-off and we talked about how the week had gone wrong.",
    "{name} wanted to know how much {they} could earn before {their} benefits change; we used the calculator together.",
];
const T_EDUCATION: &[&str] = &[
    "{name} has been going to {college} most days and said the tutor is easier to talk to this year.",
    "Attendance has dropped to about {percent} per cent; {name} said mornings are the problem.",
    "{They} showed me the coursework {they} had handed in, and the feedback was good.",
    "We looked at apprenticeship vacancies on the government website and shortlisted two.",
    "{name} had an interview at {job} on {day} and thought it went well.",
    "{They} wanted to give up the course; we talked it through and agreed {they} would speak to the tutor first.",
    "The college has offered extra maths support on {day} afternoons, and {name} said {they} would try it.",
    "{name} did a trial shift at {job} and was pleased to be asked back.",
    "We updated {their} CV together and added the volunteering at the food bank.",
    "{They} asked about university and the care leaver bursary; I gave {them} the leaflet and we will look at courses next time.",
    "The Jobcentre work coach has agreed that college hours count towards {their} commitments.",
    "{name} was sent home early from {job} twice this month and is worried about losing the job.",
    "{Their} tutor says {name} is well liked in the group and works hard in class.",
];
const T_HEALTH: &[&str] = &[
    "{name} said {they} had been sleeping badly for a couple of weeks.",
    "{They} had not collected the repeat prescription, so we went to the chemist together afterwards.",
    "We talked about registering with a dentist; {name} wants one near {their} {home}.",
    "{name} is on the waiting list for talking therapy and has heard nothing yet; I will chase the referral.",
    "{They} said the cold weather had made {their} asthma worse and {they} had used the inhaler more.",
    "{name} talked about smoking less and has cut down to a few a day.",
    "{They} mentioned feeling low around {their} birthday, as happened last year.",
    "We looked at the health passport together and {name} added the name of {their} new GP.",
    "{name} has started going to the gym with a friend three times a week.",
    "{They} asked about sexual health services and I showed {them} where the drop-in clinic is.",
    "{name} said {their} mood had been better since starting the new medication.",
    "No new health worries were raised today.",
];
const T_RELATIONSHIPS: &[&str] = &[
    "{name} saw {their} {sibling} on {day} and said it went well.",
    "{Their} mum has been in touch again by text; {name} wants to keep it to messages for now.",
    "{name} talked about a new partner; I asked how things were between them and {name} said {they} felt respected.",
    "{They} had fallen out with {friend} over money and had felt on {their} own at weekends.",
    "{name} goes round to {their} former foster carers for Sunday dinner most weeks.",
    "We talked about {their} dad, whom {name} has not seen since coming into care; {they} said {they} might want to one day.",
    "{friend} from college has become a good friend and they meet up most weekends.",
    "{name} has been helping to look after {their} {sibling} after school two days a week.",
    "{They} said {their} nan's illness had been on {their} mind.",
    "I asked about the older friends {name} mentioned last time; {they} said {they} had stopped seeing them.",
    "{name} would like more contact with {their} {sibling} and asked me to raise it with {sw}.",
];
const T_LIVING: &[&str] = &[
    "{name} cooked pasta while we talked and said {they} had been trying recipes from videos.",
    "{They} had done a big shop with a list, which was one of the goals from the last review.",
    "We practised filling in the online registration form for the doctor's surgery.",
    "{name} has been getting up with an alarm and making it to appointments on time.",
    "Laundry is piling up again; {name} said the machine at the {home} is often broken.",
    "We talked about how to deal with the letter from the TV licensing office.",
    "{name} has a provisional driving licence now and is saving for lessons.",
    "{They} had joined the library and borrowed two books.",
    "We planned the bus route to {job} and checked the times for early shifts.",
    "{name} asked how to set up direct debits and we did the broadband one together.",
    "{They} showed me the meal plan for the week, written on the back of an envelope.",
];
const T_IDENTITY: &[&str] = &[
    "{name} wants a copy of {their} birth certificate to apply for a passport; I will request it.",
    "We looked at {their} life story book together; {they} asked about the years before care.",
    "{name} has been going back to the church {their} family used to go to.",
    "{They} talked about wanting to learn more about {their} heritage and we looked up a community group in town.",
    "{name} asked to see {their} care records; I explained how to make the request and who would help.",
    "The care leavers' forum meets on {day}; {name} said {they} might come along.",
    "{name} has heard that {their} passport application was accepted.",
    "{They} asked whether {they} could change {their} surname and we talked through what that involves.",
];
const T_RISK: &[&str] = &[
    "I asked about the men outside the shop again; {name} said {they} had not seen them since {month}.",
    "{name} was out until late three nights this week and would not say where.",
    "{They} talked about cannabis use and said it helps {them} sleep; we talked about the effect on {their} mood.",
    "We went over the safety plan and updated the numbers on {their} phone.",
    "{name} has a new phone that {they} could not explain; I have shared this with {sw}.",
    "The youth justice worker reports that {name} went to all of {their} appointments this month.",
    "{name} was calmer today than at the last visit and talked about what had happened.",
    "I reminded {name} of the out-of-hours number and {they} saved it in {their} phone.",
    "{name} agreed to a return home interview with the independent worker.",
];
const TOPICS: &[&[&str]] =
    &[T_ACCOMMODATION, T_MONEY, T_EDUCATION, T_HEALTH, T_RELATIONSHIPS, T_LIVING, T_IDENTITY, T_RISK];
const ACC: usize = 0;
const MON: usize = 1;
const EDU: usize = 2;
const HEA: usize = 3;
const REL: usize = 4;
const LIV: usize = 5;
const IDE: usize = 6;
const RSK: usize = 7;

const ADULT_MONEY: &[&str] = &[" rent", "Universal Credit", "council tax", "benefits", "deposit"];
const QUOTES: &[&str] = &[
    "I just want to be left alone to get on with it.",
    "It's alright here. Better than the last place.",
    "I don't want to be another statistic.",
    "Can you come with me? I don't like doing it on my own.",
    "I'm actually proud of myself this week.",
    "Nobody ever explained any of this to me before.",
    "I know I messed up, but I'm trying.",
    "I want a job where I'm not stuck inside all day.",
    "Money is the thing that stresses me out the most.",
    "I'd rather text than talk on the phone.",
    "When I get my own place I'm getting a dog.",
    "I'm not ready to think about that yet.",
    "They treat me like an adult at college.",
    "I feel like I've got my head straight for once.",
    "Just tell me what I need to sign.",
];
const AGREED: &[&str] = &[
    "I will chase the housing officer about the repair by {day}.",
    "{name} will ring the GP on Monday morning for an appointment.",
    "I will send the bursary form to the college.",
    "{name} will keep a spending diary for two weeks.",
    "I will check the balance of the setting-up-home allowance.",
    "{name} will bring {their} payslips to the next visit.",
    "I will ask {sw} for an update on contact with {their} {sibling}.",
    "{name} will apply for two jobs before we next meet.",
    "I will book the next review and send {name} the date.",
    "{name} will text me after the interview.",
    "I will make a referral to the tenancy sustainment team.",
    "{name} will look at the college open day online.",
    "I will request a copy of {their} birth certificate.",
    "{name} will try the budgeting app for a month.",
    "I will speak to {kw} about a cooking session next week.",
];
const NEXT: &[&str] = &[
    "Next visit booked for {day} in two weeks.",
    "I will phone {name} on {day}.",
    "Next contact: a text at the end of the week and a visit in a fortnight.",
    "Will see {name} at the review.",
    "No further action needed before the next planned contact.",
    "{kw} will follow up on {day}.",
];
const VIEWS: &[&str] = &[
    "Wants to stay near college; worried about money.",
    "Happy with how things are going and wants contact to stay as it is.",
    "Fed up with the shared house and wants a flat of {their} own.",
    "Wants help finding work and less help with everything else.",
    "Worried about turning 18 and what changes then.",
    "Wants more contact with {their} {sibling}.",
    "Says the last six months have been the most settled for a long time.",
    "Did not want to talk about family; wants the plan to focus on college.",
    "Wants to learn to drive and to save for a deposit.",
    "Finds the paperwork overwhelming and wants someone to go through letters with.",
];
const ASPIRATIONS: &[&str] = &[
    "{name} wants to be a qualified {trade} with {their} own van by {their} mid-twenties.",
    "{name} wants a flat of {their} own near {their} friends and a job that pays the bills.",
    "{name} hopes to go to university to study {subject} and would be the first in {their} family to go.",
    "{name} wants to stay well, keep out of trouble and be there for {their} {sibling}.",
    "{name} wants to work with animals and is thinking about a course in animal care.",
    "{name} would like to work in a kitchen and one day run a café.",
];
const HELPS: &[&str] = &[
    "short, practical help with paperwork when something new arrives",
    "a reminder the day before each appointment",
    "someone to go through the figures when {their} pay or benefits change",
    "meeting somewhere other than the office",
    "texts rather than calls during the day",
    "being asked before anything is shared with college",
];
const CONTINGENCY: &[&str] = &[
    "If the placement breaks down, {name} goes to the emergency bed at the foyer and the PA visits the next working day.",
    "If the tenancy is at risk, the PA contacts the tenancy sustainment officer the same week; in an emergency {name} goes to Housing Options as a care leaver in priority need.",
    "If {name} goes missing, the provider follows the missing protocol and the PA arranges a return home interview within 72 hours.",
    "If money runs out before payday, {name} rings the duty line for a food or fuel voucher rather than borrowing.",
    "If {name}'s mental health gets worse, the PA asks the GP for an urgent appointment; out of hours, the crisis line number is saved on {their} phone.",
];
const TRADES: &[&str] = &["electrician", "plumber", "mechanic", "hairdresser", "chef", "joiner", "nail technician"];
const SUBJECTS: &[&str] =
    &["nursing", "social work", "computing", "criminology", "sport science", "business", "psychology"];
const MENTAL_HEALTH: &[&str] = &[
    "No current concerns.",
    "Supported by CAMHS until 17; transition to adult services agreed.",
    "Low mood at times, especially around anniversaries. Knows how to ask for help.",
    "Anxiety in crowded places; managing with support from the GP.",
    "Saw a school counsellor after coming into care and says it helped.",
    "Diagnosed with ADHD at 14; medication reviewed each year.",
];
const BIRTH_HISTORY: &[&str] = &[
    "Born at 40 weeks. No complications recorded.",
    "Born at 36 weeks; a short stay in special care.",
    "Not known.",
    "Born at home; no records available.",
];
const FAMILY_HISTORY: &[&str] = &[
    "Not known.",
    "Mother has type 2 diabetes. Father's history not known.",
    "Grandmother had breast cancer in her fifties.",
    "History of depression on the mother's side.",
    "Father has high blood pressure.",
];
const CARE_REASONS: &[&str] = &[
    "after a long period of neglect at home",
    "when {their} mum became too unwell to look after {them}",
    "after {their} relationship with {their} dad broke down",
    "after {their} nan, who had brought {them} up, died",
    "because of domestic abuse at home",
];
const WORKING_WITH: &[&str] = &[
    "Prefers texts to calls during the day. Visits work best after 5pm or on a Saturday morning.",
    "Needs things explained more than once and written down afterwards; does better with one thing at a time.",
    "Can be guarded with new workers. Give {them} time and keep promises, however small.",
    "Reads letters and forms well but puts off anything to do with money until it is urgent, so ask about bills at each contact.",
    "Likes to meet in town rather than at home. Says clearly when something is off limits.",
];
const MATTERS: &[&str] = &[
    "{Their} {sibling}, who is still in care in another part of the county.",
    "Football on Sundays with the local under-21s.",
    "Getting qualified and earning proper money.",
    "{Their} former foster carers, who still have {them} round for dinner.",
    "Music: making tracks on {their} laptop and sharing them with friends.",
    "{Their} faith, and the community at {their} place of worship.",
    "{Their} dog, which is staying with {their} nan for now.",
    "Keeping {their} own space tidy and the door locked.",
];
const OUTCOME_COMMENTS: &[&str] = &[
    "Says things are better than last time.",
    "Finds this the hardest area at the moment.",
    "Proud of the progress here.",
    "Not much has changed.",
    "Wants more help with this.",
    "Says this is going well and does not need anything.",
    "Scored this lower than last time; a bad month.",
    "Would like to talk about this at the next review.",
    "Thinks this will get better once things settle.",
];

struct GoalTemplate {
    heading: &'static str,
    id: &'static str,
    need: &'static str,
    action: &'static str,
    /// 0: the personal adviser, 1: the young person, 2: the key worker, otherwise free text.
    by: &'static str,
}

const GOALS: &[GoalTemplate] = &[
    GoalTemplate {
        heading: "contact-and-support",
        id: "contact",
        need: "Regular contact that fits around {their} day",
        action: "Text check-in weekly; visit every {n} weeks",
        by: "0",
    },
    GoalTemplate {
        heading: "contact-and-support",
        id: "out-of-hours",
        need: "Knowing who to call in a crisis",
        action: "Out-of-hours number saved on phone; safety plan reviewed at each visit",
        by: "1",
    },
    GoalTemplate {
        heading: "education-and-training",
        id: "college",
        need: "Keep attending college after the move",
        action: "Weekly check on attendance; bus pass from the leaving care grant",
        by: "0",
    },
    GoalTemplate {
        heading: "education-and-training",
        id: "maths",
        need: "Pass GCSE maths at the second attempt",
        action: "Extra maths support at college; revision guide bought",
        by: "1",
    },
    GoalTemplate {
        heading: "education-and-training",
        id: "university",
        need: "Apply to university for next September",
        action: "UCAS application with the tutor; care leaver bursary forms",
        by: "0",
    },
    GoalTemplate {
        heading: "employment",
        id: "job-search",
        need: "Find part-time work alongside college",
        action: "CV updated; two applications a week",
        by: "1",
    },
    GoalTemplate {
        heading: "employment",
        id: "apprenticeship",
        need: "Complete the apprenticeship and pass the end-point assessment",
        action: "Three-way check-in with the training assessor each term",
        by: "1",
    },
    GoalTemplate {
        heading: "employment",
        id: "work-experience",
        need: "Get some work experience to put on the CV",
        action: "Referral to the employment coordinator for a placement",
        by: "Employment coordinator",
    },
    GoalTemplate {
        heading: "contingency",
        id: "backup-bed",
        need: "A safe place to go if the accommodation breaks down",
        action: "Emergency bed agreed with the foyer; confirmed at each review",
        by: "0",
    },
    GoalTemplate {
        heading: "accommodation",
        id: "own-tenancy",
        need: "Move on to a tenancy of {their} own",
        action: "Housing register application with care leaver priority; weekly bidding",
        by: "0",
    },
    GoalTemplate {
        heading: "accommodation",
        id: "repairs",
        need: "Get the damp in the bathroom fixed",
        action: "Report to the landlord in writing; chase through the housing officer",
        by: "0",
    },
    GoalTemplate {
        heading: "accommodation",
        id: "staying-on",
        need: "Stay in the current placement until the course ends",
        action: "Agree the extension with the provider; review at each visit",
        by: "Placements team",
    },
    GoalTemplate {
        heading: "relationships",
        id: "sibling-contact",
        need: "Keep regular contact with {their} {sibling}",
        action: "Ask the social worker for monthly contact and agree whether it can be unsupervised",
        by: "0",
    },
    GoalTemplate {
        heading: "relationships",
        id: "family-time",
        need: "Rebuild contact with mum at {their} own pace",
        action: "Messages first; a supported meeting if {name} asks for one",
        by: "1",
    },
    GoalTemplate {
        heading: "independent-living-skills",
        id: "cooking",
        need: "Cook a few simple meals from scratch",
        action: "Cooking sessions with the key worker every fortnight",
        by: "2",
    },
    GoalTemplate {
        heading: "independent-living-skills",
        id: "driving",
        need: "Get a provisional driving licence",
        action: "Apply online using the passport as ID",
        by: "1",
    },
    GoalTemplate {
        heading: "independent-living-skills",
        id: "appointments",
        need: "Keep track of appointments without reminders",
        action: "Calendar on phone set up together; reminders phased out",
        by: "2",
    },
    GoalTemplate {
        heading: "finance",
        id: "budget",
        need: "Manage money so that rent and bills are paid first",
        action: "Budget on phone; direct debit for rent on payday",
        by: "0",
    },
    GoalTemplate {
        heading: "finance",
        id: "savings",
        need: "Save towards a deposit",
        action: "Standing order to a savings account each month",
        by: "1",
    },
    GoalTemplate {
        heading: "finance",
        id: "debts",
        need: "Clear the phone contract arrears",
        action: "Call with the provider to agree a repayment plan",
        by: "Money advice service",
    },
    GoalTemplate {
        heading: "health",
        id: "dentist",
        need: "Register with a dentist",
        action: "Find an NHS dentist taking patients near the {home}",
        by: "1",
    },
    GoalTemplate {
        heading: "health",
        id: "talking-therapy",
        need: "Support with low mood",
        action: "GP referral to talking therapies; PA to chase if no date within six weeks",
        by: "0",
    },
    GoalTemplate {
        heading: "health",
        id: "gp",
        need: "Register with a GP after the move",
        action: "Online registration together; health passport updated",
        by: "2",
    },
    GoalTemplate {
        heading: "identity",
        id: "passport",
        need: "Get a passport",
        action: "Birth certificate requested; passport fee from the leaving care grant",
        by: "0",
    },
    GoalTemplate {
        heading: "identity",
        id: "life-story",
        need: "Understand more about {their} early life",
        action: "Life story sessions with the social worker",
        by: "Social worker",
    },
];

// ---------------------------------------------------------------------------------------------
// People

struct Person {
    idx: usize,
    id: String,
    first: &'static str,
    middle: Option<&'static str>,
    last: &'static str,
    preferred: Option<String>,
    pron: usize,
    dob: NaiveDate,
    age: i32,
    status: &'static str,
    extended: bool,
    authority: &'static str,
    pa: usize,
    kw: Option<usize>,
    sw: usize,
    start: NaiveDate,
    stop: NaiveDate,
    closed: Option<(NaiveDate, &'static str)>,
    in_touch: &'static str,
    contact_every: i64,
    accommodation: &'static str,
    suitable: Option<bool>,
    acc_since: NaiveDate,
    address: Option<String>,
    activity: &'static str,
    hours: Option<&'static str>,
    act_since: NaiveDate,
    act_detail: Option<String>,
    flags: Vec<&'static str>,
    nhs: String,
    sibling: String,
    friend: &'static str,
    college: &'static str,
    job: &'static str,
    carer_name: String,
    trade: &'static str,
    subject: &'static str,
    intensity: f64,
}

fn window_start() -> NaiveDate {
    ymd(2023, 11, 24)
}

fn nhs_number(rng: &mut Rng) -> String {
    loop {
        let mut digits = [9u32, 9, 9, 0, 0, 0, 0, 0, 0, 0];
        for d in digits.iter_mut().take(9).skip(3) {
            *d = rng.below(10) as u32;
        }
        let sum: u32 = digits.iter().take(9).zip((2..=10).rev()).map(|(d, w)| d * w).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue, // no valid check digit exists for these nine digits
            c => c,
        };
        digits[9] = check;
        let s: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
        return format!("{} {} {}", &s[..3], &s[3..6], &s[6..]);
    }
}

fn make_person(seed: u64, idx: usize, nhs_seen: &mut HashSet<String>) -> Person {
    let mut r = Rng::derive(seed, idx as u64);
    let end = end_date();
    let age: i32 = r.weighted(&[(16, 8), (17, 12), (18, 14), (19, 14), (20, 12), (21, 10), (22, 8), (23, 6), (24, 5)]);
    // Any day in the year after the birthday keeps the age exact on the end date.
    let dob = plus_days(anniversary(end, -age), -r.range(0, 364));
    let uasc = r.chance(0.08);
    let sex = if uasc { r.weighted(&[(0, 85), (1, 15)]) } else { r.weighted(&[(0, 45), (1, 45), (2, 10)]) };
    let names = match (uasc, sex) {
        (true, 0) => UASC_MALE,
        (true, _) => UASC_FEMALE,
        (false, 0) => MALE,
        (false, 1) => FEMALE,
        _ => NEUTRAL,
    };
    let (first, middle_list) = (r.pick(names), names);
    let pron = match sex {
        0 if r.chance(0.95) => 0,
        1 if r.chance(0.95) => 1,
        2 => r.below(3),
        _ => 2,
    };
    let middle = if r.chance(0.4) { Some(r.pick(middle_list)).filter(|m| *m != first) } else { None };
    let last = if uasc { r.pick(UASC_LAST) } else { r.pick(LAST) };
    let preferred = match r.below(10) {
        0..=1 => NICKNAMES.iter().find(|n| n.0 == first).map(|n| n.1.to_string()),
        2..=7 => Some(first.to_string()),
        _ => None,
    };

    let status = match age {
        16 | 17 => r.weighted(&[("looked-after", 25), ("eligible", 40), ("relevant", 35)]),
        18..=20 => r.weighted(&[("former-relevant", 88), ("qualifying", 12)]),
        _ => r.weighted(&[("former-relevant", 85), ("qualifying", 15)]),
    };
    let extended = status == "former-relevant" && age >= 21 && r.chance(0.65);
    // Without these, status-age would (rightly) flag the record.
    let needs_education = age >= 21 && ((status == "former-relevant" && !extended) || status == "qualifying");
    let in_care = status == "looked-after" || status == "eligible";

    let mut flags = Vec::new();
    if r.chance(0.35) {
        for _ in 0..r.range(1, 2) {
            let f = r.weighted(&[
                ("cse-risk", 8),
                ("criminal-exploitation", 6),
                ("missing-episodes", 8),
                ("mental-health", 20),
                ("substance-misuse", 10),
                ("youth-justice", 7),
                ("learning-disability", 6),
                ("parent", 6),
                ("pregnant", 3),
                ("disability", 4),
            ]);
            if (f == "pregnant" && pron == 0) || flags.contains(&f) {
                continue;
            }
            flags.push(f);
        }
    }
    if uasc {
        flags.push("uasc");
    }

    let accommodation = if in_care {
        r.weighted(&[("foster", 45), ("childrens-home", 20), ("semi-independent", 20), ("supported-lodgings", 15)])
    } else if age < 18 {
        r.weighted(&[
            ("semi-independent", 45),
            ("supported-lodgings", 25),
            ("foyer", 12),
            ("emergency", 4),
            ("bed-and-breakfast", 2),
            ("custody", 3),
            ("homeless", 2),
            ("parents-or-relatives", 2),
        ])
    } else {
        let a = r.weighted(&[
            ("independent", 30),
            ("semi-independent", 18),
            ("supported-lodgings", 8),
            ("staying-put", 8),
            ("foyer", 6),
            ("parents-or-relatives", 8),
            ("ordinary-lodgings", 4),
            ("homeless", 2),
            ("custody", 2),
            ("emergency", 2),
            ("bed-and-breakfast", 1),
            ("not-known", 3),
            ("other", 2),
            ("abroad", 1),
        ]);
        if a == "staying-put" && age > 20 {
            "independent"
        } else {
            a
        }
    };
    let suitable = match accommodation {
        "not-known" | "abroad" => None,
        "homeless" | "bed-and-breakfast" | "emergency" | "custody" => Some(false),
        _ => Some(r.chance(0.93)),
    };
    let acc_since = random_date(&mut r, anniversary(dob, if in_care { 13 } else { 16 }), plus_days(end, -14));
    let address = match accommodation {
        "independent" | "semi-independent" | "supported-lodgings" | "foyer" | "ordinary-lodgings" | "staying-put" => {
            if r.chance(0.7) {
                Some(format!(
                    "{}{} {}, Northfield NF{} {}ZZ",
                    if r.chance(0.6) { format!("Flat {}, ", r.range(1, 12)) } else { String::new() },
                    r.range(1, 140),
                    r.pick(STREETS),
                    r.range(1, 9),
                    r.range(1, 9)
                ))
            } else {
                None
            }
        }
        _ => None,
    };

    let parenting = flags.contains(&"parent") || flags.contains(&"pregnant");
    let activity = if needs_education {
        r.weighted(&[("higher-education", 50), ("other-education", 50)])
    } else if age < 18 {
        r.weighted(&[
            ("other-education", 55),
            ("apprenticeship", 8),
            ("training-or-employment", 12),
            ("neet-other", 15),
            ("neet-illness-disability", 4),
            ("neet-pregnancy-parenting", if parenting { 6 } else { 0 }),
            ("not-known", 3),
        ])
    } else {
        r.weighted(&[
            ("higher-education", 10),
            ("other-education", 18),
            ("apprenticeship", 10),
            ("training-or-employment", 28),
            ("neet-other", 18),
            ("neet-illness-disability", 6),
            ("neet-pregnancy-parenting", if parenting { 8 } else { 0 }),
            ("not-known", 6),
        ])
    };
    let neet = activity.starts_with("neet") || activity == "not-known";
    let hours = if neet { None } else { Some(if r.chance(0.72) { "full-time" } else { "part-time" }) };
    let act_since = random_date(&mut r, anniversary(dob, 16).max(plus_days(end, -3 * 365)), plus_days(end, -21));
    let college = r.pick(COLLEGES);
    let job = r.pick(WORKPLACES);
    let trade = r.pick(TRADES);
    let subject = r.pick(SUBJECTS);
    let act_detail = match activity {
        "higher-education" => Some(format!("BA (Hons) {subject}, University of Northfield, year {}", r.range(1, 3))),
        "other-education" => Some(format!(
            "Level {} {}, {}",
            r.range(1, 3),
            r.pick(&[
                "catering",
                "construction",
                "health and social care",
                "motor vehicle",
                "hair and beauty",
                "English for speakers of other languages",
                "public services"
            ]),
            college.trim_start_matches("the ")
        )),
        "apprenticeship" => Some(format!("Level {} {trade} apprenticeship, Example Trades Ltd", r.range(2, 3))),
        "training-or-employment" => Some(format!(
            "{} at {}",
            r.pick(&[
                "Kitchen assistant",
                "Warehouse operative",
                "Shop assistant",
                "Care assistant",
                "Labourer",
                "Cleaner",
                "Trainee"
            ]),
            job.trim_start_matches("the ")
        )),
        "neet-other" => Some(
            r.pick(&[
                "Looking for work; signed on with the Jobcentre",
                "Waiting for a college place in September",
                "Not looking for work at the moment",
            ])
            .to_string(),
        ),
        "neet-pregnancy-parenting" => Some("Caring for a young child".to_string()),
        _ => None,
    };

    let in_touch = if in_care {
        "yes"
    } else {
        r.weighted(&[("yes", 92), ("no", 3), ("refuses", 3), ("no-longer-needs", if age >= 21 { 2 } else { 0 })])
    };
    let contact_every = if in_touch != "yes" {
        56
    } else if in_care {
        r.pick(&[14, 28])
    } else if age < 18 {
        r.pick(&[7, 14, 28])
    } else {
        r.pick(&[14, 28, 28, 56])
    };

    let pas = staff_with_role("personal-adviser");
    let kws = staff_with_role("key-worker");
    let sws = staff_with_role("social-worker");
    let pa = r.pick(&pas);
    let kw = if r.chance(0.6) { Some(r.pick(&kws)) } else { None };
    let sw = r.pick(&sws);

    let latest_start = plus_days(end, -120);
    let mut start = window_start().max(plus_months(anniversary(dob, 15), 6));
    start = plus_days(start, r.range(0, 60)).min(latest_start);
    if r.chance(0.3) {
        // Some young people arrive part-way through: moved into the area or referred late.
        start = plus_days(start, r.range(0, (latest_start - start).num_days() / 2));
    }
    let closed = if start <= plus_days(end, -365) && r.chance(0.06) {
        let date = random_date(&mut r, plus_days(start, 180), plus_days(end, -30));
        let reasons = ["moved-area", "no-longer-needs", "returned-home", "moved-to-adult-services", "declined-support"];
        Some((date, r.pick(&reasons)))
    } else {
        None
    };
    let in_touch = match closed {
        Some((_, "no-longer-needs")) => "no-longer-needs",
        Some((_, "returned-home")) => "returned-home",
        Some((_, "declined-support")) => "refuses",
        _ => in_touch,
    };
    let stop = closed.map_or(end, |c| c.0);

    let mut nhs = nhs_number(&mut r);
    while !nhs_seen.insert(nhs.clone()) {
        nhs = nhs_number(&mut r);
    }
    let sibling_name = if r.chance(0.5) { r.pick(MALE) } else { r.pick(FEMALE) };
    let sibling_kind = r.pick(SIBLINGS);
    let sibling_name = match (sibling_kind.contains("brother"), sibling_name) {
        (true, n) if FEMALE.contains(&n) => r.pick(MALE),
        (false, n) if MALE.contains(&n) => r.pick(FEMALE),
        (_, n) => n,
    };
    let friends = if r.chance(0.5) { MALE } else { FEMALE };
    let friend = r.pick(friends);
    let carer_last = r.pick(LAST);
    let carer_name = match r.below(3) {
        0 => format!("Mr and Mrs {carer_last}"),
        1 => format!("Ms {carer_last}"),
        _ => format!("{} and {} {carer_last}", r.pick(FEMALE), r.pick(MALE)),
    };

    let mut intensity = 0.6 + 0.8 * r.unit();
    if !flags.is_empty() {
        intensity *= 1.3;
    }
    if age < 18 {
        intensity *= 1.2;
    }
    if neet {
        intensity *= 1.2;
    }
    if in_touch != "yes" {
        intensity *= 0.4;
    }

    Person {
        idx,
        id: format!("yp-{:05}", idx + 1),
        first,
        middle,
        last,
        preferred,
        pron,
        dob,
        age,
        status,
        extended,
        authority: r.pick(AUTHORITIES),
        pa,
        kw,
        sw,
        start,
        stop,
        closed,
        in_touch,
        contact_every,
        accommodation,
        suitable,
        acc_since,
        address,
        activity,
        hours,
        act_since,
        act_detail,
        flags,
        nhs,
        sibling: format!("{sibling_kind} {sibling_name}"),
        friend,
        college,
        job,
        carer_name,
        trade,
        subject,
        intensity,
    }
}

impl Person {
    fn display(&self) -> &str {
        self.preferred.as_deref().unwrap_or(self.first)
    }

    fn home(&self) -> &'static str {
        match self.accommodation {
            "independent" => "flat",
            "semi-independent" => "room at the supported house",
            "foster" => "foster home",
            "childrens-home" => "children's home",
            "supported-lodgings" => "lodgings",
            "staying-put" => "carers' house",
            "foyer" => "room at the foyer",
            "parents-or-relatives" => "family home",
            "ordinary-lodgings" => "lodgings",
            "custody" => "unit",
            _ => "accommodation",
        }
    }

    fn in_placement(&self) -> bool {
        matches!(
            self.accommodation,
            "foster" | "childrens-home" | "staying-put" | "supported-lodgings" | "parents-or-relatives"
        )
    }

    /// Keeps plan goals plausible for the young person's situation.
    fn goal_fits(&self, id: &str) -> bool {
        match id {
            "college" | "maths" => self.activity == "other-education",
            "university" => self.activity != "higher-education",
            "apprenticeship" => self.activity == "apprenticeship",
            "job-search" | "work-experience" => !matches!(self.activity, "training-or-employment" | "apprenticeship"),
            "own-tenancy" => self.accommodation != "independent",
            "staying-on" => self.in_placement() || self.accommodation == "semi-independent",
            "repairs" => matches!(self.accommodation, "independent" | "semi-independent" | "ordinary-lodgings"),
            _ => true,
        }
    }

    fn carer(&self) -> &'static str {
        match self.accommodation {
            "foster" | "staying-put" => "foster carer",
            "childrens-home" => "residential staff",
            "supported-lodgings" => "host",
            _ => "support worker",
        }
    }

    /// Fills `{placeholders}` so one sentence bank serves every young person and pronoun.
    fn fill(&self, template: &str, r: &mut Rng) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let key = &rest[open + 1..open + close];
            let p = PRONOUNS[self.pron];
            match key {
                "name" => out.push_str(self.display()),
                "they" => out.push_str(p[1]),
                "them" => out.push_str(p[2]),
                "their" => out.push_str(p[3]),
                "They" | "Their" => {
                    let word = if key == "They" { p[1] } else { p[3] };
                    let mut chars = word.chars();
                    if let Some(c) = chars.next() {
                        out.extend(c.to_uppercase());
                        out.push_str(chars.as_str());
                    }
                }
                "home" => out.push_str(self.home()),
                "carer" => out.push_str(self.carer()),
                "sibling" => out.push_str(&self.sibling),
                "friend" => out.push_str(self.friend),
                "college" => out.push_str(self.college),
                "job" => out.push_str(self.job),
                "trade" => out.push_str(self.trade),
                "subject" => out.push_str(self.subject),
                "sw" => out.push_str(STAFF[self.sw].first_name()),
                "pa" => out.push_str(STAFF[self.pa].first_name()),
                "kw" => out.push_str(STAFF[self.kw.unwrap_or(self.pa)].first_name()),
                "day" => out.push_str(r.pick(&["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"])),
                "month" => out.push_str(r.pick(&[
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ])),
                "time" => {
                    let _ = write!(out, "{}:{:02}", r.range(9, 19), r.range(0, 11) * 5);
                }
                "amount" => {
                    let _ = write!(out, "£{}", r.range(1, 12) * 5);
                }
                "percent" => {
                    let _ = write!(out, "{}", r.range(11, 17) * 5);
                }
                "n" => {
                    let _ = write!(out, "{}", r.range(2, 4));
                }
                "topic" => out.push_str(r.pick(&[
                    "money",
                    "college",
                    "a letter from the council",
                    "the move",
                    "work",
                    "family",
                ])),
                other => {
                    out.push('{');
                    out.push_str(other);
                    out.push('}');
                }
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Files and commits

type Content = Arc<str>;

/// Which file of a young person's record a commit writes.
enum Slot {
    Plan,
    Profile,
    Note(String),
    Outcome(String),
}

/// One commit after the first: a single file written by one member of staff.
struct Event {
    ts: i64,
    tz: &'static str,
    person: usize,
    seq: usize,
    author: usize,
    message: String,
    slot: Slot,
    content: Content,
}

impl Event {
    fn path(&self, person_id: &str) -> String {
        match &self.slot {
            Slot::Plan => format!("records/{person_id}/pathway-plan.md"),
            Slot::Note(name) => format!("records/{person_id}/notes/{name}"),
            Slot::Outcome(name) => format!("records/{person_id}/outcomes/{name}"),
            Slot::Profile => format!("records/{person_id}/profile.md"),
        }
    }

    /// The commit's author and committer line, as git writes it.
    fn ident(&self) -> String {
        ident(self.author, self.ts, self.tz)
    }
}

fn ident(author: usize, ts: i64, tz: &str) -> String {
    let who = &STAFF[author];
    format!("{} <{}> {ts} {tz}", who.name, who.email())
}

/// The first commit: the organisation's settings and every profile and passport.
struct FirstCommit<'a> {
    ident: String,
    message: String,
    root_files: [(&'static str, Content); 2],
    built: &'a [Built],
}

struct Built {
    /// Files that go into the first commit.
    initial: Vec<(String, Content)>,
    /// The working-tree version of every file that a later commit touches.
    later: Vec<(String, Content)>,
    events: Vec<Event>,
    notes: usize,
    reviews: usize,
    outcomes: usize,
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

const KINDS: &[&str] =
    &["visit", "phone", "message", "keywork", "review", "multi-agency", "education", "health", "incident", "other"];

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "visit" => "Visit note",
        "phone" => "Phone note",
        "message" => "Message note",
        "keywork" => "Key-work note",
        "review" => "Review note",
        "multi-agency" => "Multi-agency note",
        "education" => "Education note",
        "health" => "Health note",
        "incident" => "Incident note",
        _ => "Note",
    }
}

struct PlannedGoal {
    id: String,
    heading: &'static str,
    need: String,
    action: String,
    by_whom: String,
    by_when: NaiveDate,
    status: &'static str,
    /// When it was achieved or dropped.
    settled: Option<NaiveDate>,
    /// The review at which it was added to the plan.
    added: usize,
}

/// Progress lines written into a plan between reviews.
const PLAN_PROGRESS: &[&str] = &[
    "{name} has kept every appointment this month.",
    "College attendance is up; {name} wants to talk about next year's course.",
    "Bidding for a flat has started; {name} has viewed one property.",
    "The bus pass is sorted and {name} is using it daily.",
    "Money is tight; we agreed a weekly budget together.",
    "{name} has registered with a GP near {their} {home}.",
    "Contact with family is steadier; {name} visited at the weekend.",
    "Missed one key-work session, rearranged for next week.",
];

fn build_person(p: &Person, n_notes: usize, seed: u64, heavy: bool) -> Built {
    let mut r = Rng::derive(seed, (1 << 40) + p.idx as u64);
    let end = end_date();
    let dir = format!("records/{}", p.id);
    let mut events = Vec::new();
    let mut later = Vec::new();
    let mut seq = 0;
    let mut push_event = |events: &mut Vec<Event>,
                          date: NaiveDate,
                          minute: u32,
                          author: usize,
                          message: String,
                          slot: Slot,
                          content: Content| {
        let (ts, tz) = timestamp(date, minute);
        events.push(Event { ts, tz, person: p.idx, seq, author, message: message + "\n", slot, content });
        seq += 1;
    };

    // Pathway plan: 2-3 reviews, the last recent enough that the plan is not overdue.
    let last_lo = plus_days(p.start, 60).max(plus_days(p.stop, -150));
    let last = random_date(&mut r, last_lo.min(plus_days(p.stop, -3)), plus_days(p.stop, -3));
    let n_reviews = if r.chance(0.5) { 3 } else { 2 };
    let room = (last - p.start).num_days();
    let gap = r.range(120, 182).min(room / (n_reviews as i64 - 1)).max(1);
    let reviews: Vec<NaiveDate> = (0..n_reviews).map(|i| plus_days(last, -gap * (n_reviews - 1 - i) as i64)).collect();
    let started = reviews[0];
    let reviewers: Vec<usize> =
        reviews.iter().map(|_| if r.chance(0.85) { p.pa } else { p.kw.unwrap_or(p.pa) }).collect();
    let views: Vec<(bool, String)> = reviews.iter().map(|_| (r.chance(0.85), p.fill(r.pick(VIEWS), &mut r))).collect();
    let next_reviews: Vec<NaiveDate> = reviews.iter().map(|d| plus_days(plus_months(*d, 6), -r.range(0, 14))).collect();

    let mut goals: Vec<PlannedGoal> = Vec::new();
    for _ in 0..r.range(3, 7) {
        let mut t = &GOALS[r.below(GOALS.len())];
        for _ in 0..20 {
            if p.goal_fits(t.id) && !goals.iter().any(|g| g.id == t.id) {
                break;
            }
            t = &GOALS[r.below(GOALS.len())];
        }
        let mut id = t.id.to_string();
        let mut n = 2;
        while goals.iter().any(|g| g.id == id) {
            id = format!("{}-{n}", t.id);
            n += 1;
        }
        let added = if r.chance(0.7) { 0 } else { r.below(n_reviews) };
        let mut status = r.weighted(&[("achieved", 35), ("in-progress", 40), ("not-started", 15), ("dropped", 10)]);
        if added + 1 == n_reviews && matches!(status, "achieved" | "dropped") {
            // Settled goals are recorded at a review, so one added at the last review is still open.
            status = "in-progress";
        }
        let settled = match status {
            "achieved" | "dropped" => Some(random_date(&mut r, plus_days(reviews[added], 7).min(last), last)),
            _ => None,
        };
        let by_when = match (status, settled) {
            (_, Some(s)) => plus_days(s, r.range(-30, 90)),
            ("in-progress", _) if r.chance(0.12) => plus_days(end, -r.range(5, 60)),
            _ => plus_days(p.stop.max(end), r.range(30, 400)),
        };
        let by_whom = match t.by {
            "0" => STAFF[p.pa].id.to_string(),
            "1" => "young-person".to_string(),
            "2" => STAFF[p.kw.unwrap_or(p.pa)].id.to_string(),
            text => q(text),
        };
        goals.push(PlannedGoal {
            id,
            heading: t.heading,
            need: p.fill(t.need, &mut r),
            action: p.fill(t.action, &mut r),
            by_whom,
            by_when,
            status,
            settled,
            added,
        });
    }
    let contingency = p.fill(r.pick(CONTINGENCY), &mut r);
    let plan_body = {
        let mut b = format!("## {}'s plan\n\n{}", p.display(), p.fill(r.pick(ASPIRATIONS), &mut r));
        let helps = (p.fill(r.pick(HELPS), &mut r), p.fill(r.pick(HELPS), &mut r));
        let _ = write!(
            b,
            "\n\n**What will help:** {}; {}.\n\n**What {} does not want:** {}\n",
            helps.0,
            if helps.1 == helps.0 { "regular, predictable contact".to_string() } else { helps.1 },
            p.display(),
            r.pick(&[
                "visits during college hours.",
                "being checked up on at home.",
                "phone calls before 10am.",
                "new workers without an introduction first."
            ]),
        );
        b
    };
    for k in 0..n_reviews {
        let mut s = String::with_capacity(2048);
        let _ = writeln!(s, "---\nstarted: {started}\nreviews:");
        for ((date, by), (present, said)) in reviews.iter().zip(&reviewers).zip(&views).take(k + 1) {
            let _ = writeln!(
                s,
                "  - date: {date}\n    by: {}\n    young_person_present: {present}\n    views: {}",
                STAFF[*by].id,
                q(said)
            );
        }
        let _ = writeln!(s, "next_review: {}\ngoals:", next_reviews[k]);
        for g in goals.iter().filter(|g| g.added <= k) {
            let settled_now = g.settled.filter(|d| *d <= reviews[k]);
            let status = if g.settled.is_some() && settled_now.is_none() { "in-progress" } else { g.status };
            let _ = writeln!(
                s,
                "  - id: {}\n    heading: {}\n    need: {}\n    action: {}\n    by_whom: {}\n    by_when: {}\n    status: {}",
                g.id, g.heading, q(&g.need), q(&g.action), g.by_whom, g.by_when, status
            );
            if let (Some(d), "achieved") = (settled_now, status) {
                let _ = writeln!(s, "    done: {d}");
            }
        }
        let _ = write!(s, "contingency: {}\n---\n{}", q(&contingency), plan_body);
        let content: Content = s.into();
        let message =
            if k == 0 { format!("Pathway plan for {}", p.id) } else { format!("Pathway plan review for {}", p.id) };
        if k + 1 == n_reviews {
            later.push((format!("{dir}/pathway-plan.md"), content.clone()));
        }
        let base = if heavy && k + 1 < n_reviews { Some(content.to_string()) } else { None };
        push_event(&mut events, reviews[k], r.range(10, 15) as u32 * 60, reviewers[k], message, Slot::Plan, content);
        // Monthly progress written into the plan until the next review, which starts afresh.
        if let Some(mut text) = base {
            let mut month = plus_months(reviews[k], 1);
            while month < reviews[k + 1] {
                let _ = write!(text, "\nProgress, {month}: {}\n", p.fill(r.pick(PLAN_PROGRESS), &mut r));
                let message = format!("Monthly plan progress for {}", p.id);
                push_event(
                    &mut events,
                    month,
                    r.range(9, 17) as u32 * 60,
                    p.pa,
                    message,
                    Slot::Plan,
                    text.clone().into(),
                );
                month = plus_months(month, 1);
            }
        }
    }

    // Notes, spread over the time the service has known the young person.
    let mut dates: Vec<NaiveDate> = (0..n_notes).map(|_| random_date(&mut r, p.start, p.stop)).collect();
    dates.sort();
    if p.closed.is_none() && p.in_touch == "yes" && r.chance(0.93) {
        if let Some(last) = dates.last_mut() {
            // Most active records are up to date, so contact-overdue stays the exception.
            *last = plus_days(p.stop, -r.range(0, (p.contact_every - 1).min(10)));
        }
    }
    let in_care = p.status == "looked-after" || p.status == "eligible";
    let kind_weights: [(usize, u32); 10] = if in_care {
        [(0, 30), (1, 15), (2, 15), (3, 15), (4, 5), (5, 5), (6, 6), (7, 5), (8, 3), (9, 1)]
    } else {
        [
            (0, 28),
            (1, 20),
            (2, 22),
            (3, 8),
            (4, 3),
            (5, 4),
            (6, 6),
            (7, 4),
            (8, if p.flags.is_empty() { 2 } else { 5 }),
            (9, 3),
        ]
    };
    let mut names: HashSet<String> = HashSet::with_capacity(n_notes);
    let mut previous: Option<String> = None;
    for date in dates {
        let kind = KINDS[r.weighted(&kind_weights)];
        let slug = match kind {
            "visit" => r.pick(&["visit", "home-visit"]),
            "phone" => r.pick(&["phone-call", "call"]),
            "message" => r.pick(&["text-messages", "messages"]),
            "keywork" => r.pick(&["key-work-session", "key-work"]),
            "review" => r.pick(&["review-meeting", "review"]),
            "multi-agency" => r.pick(&["multi-agency-meeting", "professionals-meeting"]),
            "education" => r.pick(&["college-meeting", "careers-appointment", "pep-meeting"]),
            "health" => r.pick(&["gp-appointment", "health-assessment", "dentist"]),
            "incident" => r.pick(&["incident", "missing-episode"]),
            _ => r.pick(&["jobcentre", "housing-options", "bank", "court"]),
        };
        let mut name = format!("{date}-{slug}.md");
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{date}-{slug}-{n}.md");
            n += 1;
        }
        names.insert(name.clone());

        let author = match kind {
            "education" if r.chance(0.5) => ETE_COORDINATOR,
            "review" | "multi-agency" if r.chance(0.4) => p.sw,
            "keywork" => {
                if r.chance(0.7) {
                    p.kw.unwrap_or(p.pa)
                } else {
                    p.pa
                }
            }
            _ => match r.below(100) {
                0..=74 => p.pa,
                75..=94 => p.kw.unwrap_or(p.pa),
                _ => {
                    // Managers and colleagues covering leave write the odd note too.
                    let cover = r.below(9);
                    r.pick(&[SETUP_MANAGER, SETUP_MANAGER + 1, cover])
                }
            },
        };
        let with = match kind {
            "visit" if matches!(p.accommodation, "foster" | "staying-put" | "supported-lodgings") && r.chance(0.4) => {
                "[young-person, carer]"
            }
            "review" if in_care => "[young-person, social-worker, independent-reviewing-officer]",
            "review" => "[young-person, personal-adviser]",
            "multi-agency" => r.pick(&[
                "[social-worker, housing-officer, college-tutor]",
                "[young-person, social-worker, police, school-nurse]",
                "[social-worker, youth-justice-worker]",
            ]),
            "education" => r.pick(&["[young-person, college-tutor]", "[young-person, careers-adviser]"]),
            "health" => r.pick(&["[young-person, gp]", "[young-person, nurse]", "[young-person, dentist]"]),
            "incident" => r.pick(&["[young-person, police]", "[young-person, support-worker]", "[carer]"]),
            "other" => r.pick(&["[young-person, work-coach]", "[young-person, housing-officer]", "[young-person]"]),
            _ => "[young-person]",
        };
        let minutes = match kind {
            "phone" => Some(r.range(1, 8) * 5),
            "message" => {
                if r.chance(0.5) {
                    Some(r.range(1, 3) * 5)
                } else {
                    None
                }
            }
            "visit" => Some(r.range(6, 24) * 5),
            "keywork" => Some(r.range(9, 18) * 5),
            "review" | "multi-agency" => Some(r.range(12, 30) * 5),
            _ => Some(r.range(6, 36) * 5),
        };
        let restricted = match kind {
            "incident" => r.chance(0.3),
            "health" => r.chance(0.1),
            _ => r.chance(0.005),
        };
        let mut s = String::with_capacity(2400);
        let _ = write!(s, "---\ndate: {date}\nauthor: {}\nkind: {kind}\nwith: {with}\n", STAFF[author].id);
        if let Some(m) = minutes {
            let _ = writeln!(s, "minutes: {m}");
        }
        if restricted {
            s.push_str("restricted: true\n");
        }
        s.push_str("---\n");
        let plan_link = date >= started && r.chance(0.08);
        let prev_link = if r.chance(0.06) { previous.as_deref() } else { None };
        note_body(&mut s, p, kind, &mut r, plan_link, prev_link);
        let content: Content = s.into();
        later.push((format!("{dir}/notes/{name}"), content.clone()));
        let minute = (if kind == "message" { r.range(8 * 60, 21 * 60) } else { r.range(9 * 60, 18 * 60) }) as u32;
        let message = format!("{} for {}", kind_label(kind), p.id);
        push_event(&mut events, date, minute, author, message, Slot::Note(name.clone()), content);
        previous = Some(name);
    }

    // A few outcome readings, roughly half a year apart, each a commit of its own.
    let span = (p.stop - p.start).num_days();
    let n_outcomes = if span > 200 { r.range(1, 4) } else { r.range(0, 1) } as usize;
    let mut outcome_dates: Vec<NaiveDate> = (0..n_outcomes)
        .map(|i| plus_days(p.start, span * (i as i64 + 1) / (n_outcomes as i64 + 1) + r.range(-10, 10)).min(p.stop))
        .collect();
    outcome_dates.dedup();
    let areas = [
        "independent-living",
        "education-employment-training",
        "stability-and-safety",
        "health",
        "financial-stability",
    ];
    let labels = [
        "Independent living",
        "Education, employment and training",
        "Stability and safety",
        "Health",
        "Financial stability",
    ];
    let mut scores: Vec<i64> = areas.iter().map(|_| r.range(2, 7)).collect();
    for date in &outcome_dates {
        let mut s = format!("---\ndate: {date}\nscale: keep-on-caring\nby: {}\nscores:\n", STAFF[p.pa].id);
        for (score, area) in scores.iter_mut().zip(areas) {
            *score = (*score + r.range(-1, 2)).clamp(1, 10);
            let _ = writeln!(s, "  {area}: {score}");
        }
        s.push_str("---\n");
        let mut comments = OUTCOME_COMMENTS.to_vec();
        for label in labels {
            let comment = comments.swap_remove(r.below(comments.len()));
            let _ = writeln!(s, "- **{label}:** {comment}");
        }
        let content: Content = s.into();
        later.push((format!("{dir}/outcomes/{date}.md"), content.clone()));
        push_event(
            &mut events,
            *date,
            r.range(10 * 60, 16 * 60) as u32,
            p.pa,
            format!("Outcome reading for {}", p.id),
            Slot::Outcome(format!("{date}.md")),
            content,
        );
    }

    let profile_text = profile(p, &mut r);
    if heavy {
        // Profile updates every three months or so, the last bringing it to what it is now.
        let mut text = profile_text.clone();
        let mut date = plus_days(p.start, r.range(30, 90));
        let mut updates = Vec::new();
        while date < plus_days(p.stop, -20) {
            updates.push(date);
            date = plus_days(date, r.range(70, 110));
        }
        for (i, date) in updates.iter().enumerate() {
            let content = if i + 1 == updates.len() {
                profile_text.clone()
            } else {
                let _ = write!(text, "\nUpdate, {date}: {}\n", p.fill(r.pick(PLAN_PROGRESS), &mut r));
                text.clone()
            };
            let message = format!("Profile update for {}", p.id);
            push_event(&mut events, *date, r.range(9, 17) as u32 * 60, p.pa, message, Slot::Profile, content.into());
        }
    }
    let initial = vec![
        (format!("{dir}/profile.md"), profile_text.into()),
        (format!("{dir}/health-passport.md"), passport(p, &mut r).into()),
    ];
    Built { initial, later, events, notes: n_notes, reviews: n_reviews, outcomes: outcome_dates.len() }
}

fn note_body(s: &mut String, p: &Person, kind: &str, r: &mut Rng, plan_link: bool, prev_link: Option<&str>) {
    let target = r.range(95, 370) as usize;
    let (opening, topics): (&[&str], &[usize]) = match kind {
        "visit" => (OPEN_VISIT, &[ACC, MON, LIV, REL, HEA]),
        "phone" => (OPEN_PHONE, &[MON, EDU, HEA, REL]),
        "message" => (OPEN_MESSAGE, &[MON, EDU, LIV]),
        "keywork" => (OPEN_KEYWORK, &[LIV, MON, IDE, EDU]),
        "review" => (OPEN_REVIEW, &[EDU, ACC, HEA, REL, MON]),
        "multi-agency" => (OPEN_MULTI, &[RSK, ACC, EDU, HEA]),
        "education" => (OPEN_EDUCATION, &[EDU, EDU, MON]),
        "health" => (OPEN_HEALTH, &[HEA, HEA, LIV]),
        "incident" => (OPEN_INCIDENT, &[RSK, RSK, REL]),
        _ => (OPEN_OTHER, &[MON, ACC, LIV]),
    };
    let style = r.below(3);
    let mut used: Vec<(usize, usize)> = Vec::new();
    let mut count = 0;
    let mut body = String::with_capacity(2400);
    if style == 1 {
        body.push_str("## What happened\n\n");
    }
    let first = p.fill(r.pick(opening), r);
    count += words(&first);
    body.push_str(&first);
    if let Some(prev) = prev_link {
        let _ = write!(body, " Follows on from [the last note]({prev}).");
    }
    // Roughly what the agreed actions and next step add, so the whole note lands near target.
    let tail_words = 30;
    let mut quoted = false;
    let mut first_paragraph = true;
    while count + tail_words < target && used.len() < 60 {
        let topic = if r.chance(0.75) {
            r.pick(topics)
        } else if !p.flags.is_empty() && r.chance(0.4) {
            RSK
        } else {
            r.below(TOPICS.len() - 1)
        };
        let bank = if topic == ACC && p.in_placement() { T_PLACEMENT } else { TOPICS[topic] };
        let mut paragraph = String::new();
        for _ in 0..r.range(2, 4) {
            let i = r.below(bank.len());
            if used.contains(&(topic, i)) {
                continue;
            }
            used.push((topic, i));
            if p.age < 18 && ADULT_MONEY.iter().any(|w| bank[i].contains(w)) {
                // Looked-after children do not pay rent or claim benefits.
                continue;
            }
            let text = p.fill(bank[i], r);
            count += words(&text);
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(&text);
            if count + tail_words >= target {
                break;
            }
        }
        if paragraph.is_empty() {
            continue;
        }
        body.push_str(if first_paragraph { " " } else { "\n\n" });
        first_paragraph = false;
        body.push_str(&paragraph);
        if !quoted && r.chance(0.3) {
            quoted = true;
            let quote = r.pick(QUOTES);
            count += words(quote) + 2;
            if r.chance(0.5) {
                let _ = write!(body, "\n\n> \"{quote}\"");
                first_paragraph = false;
            } else {
                let _ = write!(body, " {} said: \"{quote}\"", p.display());
            }
        }
    }
    if plan_link {
        body.push_str("\n\nThe goals are in the [pathway plan](../pathway-plan.md).");
    }
    s.push_str(&body);
    s.push_str("\n\n");
    let mut items: Vec<String> = Vec::new();
    for _ in 0..r.range(1, 3) {
        let item = p.fill(r.pick(AGREED), r);
        if !items.contains(&item) {
            items.push(item);
        }
    }
    match style {
        0 => {
            s.push_str("**Agreed:**\n\n");
            for item in &items {
                let _ = writeln!(s, "- {item}");
            }
            let _ = writeln!(s, "\n{}", p.fill(r.pick(NEXT), r));
        }
        1 => {
            s.push_str("## Next steps\n\n");
            for item in &items {
                let _ = writeln!(s, "- [ ] {item}");
            }
        }
        _ => {
            let _ = writeln!(s, "{} {}", items.join(" "), p.fill(r.pick(NEXT), r));
        }
    }
}

fn profile(p: &Person, r: &mut Rng) -> String {
    let mut s = String::with_capacity(2048);
    let name = match p.middle {
        Some(m) => format!("{} {m} {}", p.first, p.last),
        None => format!("{} {}", p.first, p.last),
    };
    let _ = writeln!(s, "---\nname: {}", q(&name));
    if let Some(pref) = &p.preferred {
        let _ = writeln!(s, "preferred_name: {pref}");
    }
    let _ = writeln!(s, "pronouns: {}\ndate_of_birth: {}\nlegal_status: {}", PRONOUNS[p.pron][0], p.dob, p.status);
    if p.status == "former-relevant" {
        let _ = writeln!(s, "extended_support: {}", p.extended);
    }
    let _ = writeln!(s, "placing_authority: {}\npersonal_adviser: {}", p.authority, STAFF[p.pa].id);
    if let Some(kw) = p.kw {
        let _ = writeln!(s, "key_worker: {}", STAFF[kw].id);
    }
    match p.closed {
        Some((date, reason)) => {
            let _ = writeln!(s, "status: closed\nclosed: {{ date: {date}, reason: {reason} }}");
        }
        None => s.push_str("status: active\n"),
    }
    let _ = writeln!(s, "in_touch: {}\ncontact_every_days: {}", p.in_touch, p.contact_every);
    let _ = writeln!(s, "accommodation:\n  type: {}\n  since: {}", p.accommodation, p.acc_since);
    if let Some(ok) = p.suitable {
        let _ = writeln!(s, "  suitable: {ok}");
    }
    if let Some(a) = &p.address {
        let _ = writeln!(s, "  address: {}", q(a));
    }
    let _ = writeln!(s, "activity:\n  type: {}", p.activity);
    if let Some(h) = p.hours {
        let _ = writeln!(s, "  hours: {h}");
    }
    let _ = writeln!(s, "  since: {}", p.act_since);
    if let Some(d) = &p.act_detail {
        let _ = writeln!(s, "  detail: {}", q(d));
    }
    let eighteen = anniversary(p.dob, 18);
    if p.accommodation == "staying-put" {
        let _ = writeln!(s, "staying_put: {{ carer: {}, since: {} }}", q(&p.carer_name), eighteen);
    } else if p.age >= 18 && matches!(p.accommodation, "independent" | "semi-independent") && r.chance(0.1) {
        let _ = writeln!(s, "staying_close: {{ since: {} }}", plus_days(eighteen, r.range(0, 90)).min(end_date()));
    }
    if p.flags.contains(&"uasc") {
        let status = r.weighted(&[
            ("claim-pending", 20),
            ("appeal-pending", 8),
            ("refugee-status", 30),
            ("limited-leave", 20),
            ("humanitarian-protection", 12),
            ("appeal-rights-exhausted", 4),
            ("british-citizen", 2),
            ("other", 4),
        ]);
        let _ = writeln!(s, "immigration:\n  status: {status}");
        if matches!(status, "refugee-status" | "limited-leave" | "humanitarian-protection") {
            let expires = if r.chance(0.1) {
                plus_days(end_date(), r.range(-20, 80))
            } else {
                plus_days(end_date(), r.range(120, 1600))
            };
            let _ = writeln!(s, "  leave_expires: {expires}");
        }
        let _ = writeln!(
            s,
            "  solicitor: {}",
            r.pick(&["Example Law Centre", "Northfield Immigration Advice", "Sample & Co Solicitors"])
        );
    }
    if !p.flags.is_empty() {
        let _ = writeln!(s, "flags: [{}]", p.flags.join(", "));
    }
    s.push_str("---\n## Summary\n\n");
    let status_words = match p.status {
        "looked-after" => format!("looked after by {}", p.authority),
        "eligible" => "an eligible child, still looked after".to_string(),
        "relevant" => "a relevant child who has left care".to_string(),
        "former-relevant" => "a former relevant care leaver".to_string(),
        _ => "a qualifying care leaver".to_string(),
    };
    let care_age = r.range(8, 15.min(i64::from(p.age) - 1));
    let reason = if p.flags.contains(&"uasc") {
        "after arriving in the UK on {their} own".to_string()
    } else {
        r.pick(CARE_REASONS).to_string()
    };
    let living = match p.accommodation {
        "independent" => "in a flat of {their} own",
        "semi-independent" => "in semi-independent accommodation",
        "supported-lodgings" => "in supported lodgings",
        "foster" => "with foster carers",
        "childrens-home" => "in a children's home",
        "staying-put" => "with {their} former foster carers under Staying Put",
        "foyer" => "at the foyer",
        "parents-or-relatives" => "with family",
        "ordinary-lodgings" => "in lodgings",
        "homeless" => "without a settled home",
        "custody" => "in custody",
        "emergency" => "in emergency accommodation",
        "bed-and-breakfast" => "in bed and breakfast accommodation",
        "abroad" => "abroad",
        "not-known" => "at an address the service does not know",
        _ => "in other accommodation",
    };
    let doing = match (p.activity, p.act_detail.as_deref()) {
        ("higher-education", Some(d)) => format!("at university ({d})"),
        ("other-education", Some(d)) => format!("at college ({d})"),
        ("apprenticeship", Some(d)) => format!("doing an apprenticeship ({d})"),
        ("training-or-employment", Some(d)) => format!("working ({d})"),
        _ => "not in education, employment or training at the moment".to_string(),
    };
    let (lives, is) = if p.pron == 2 { ("live", "are") } else { ("lives", "is") };
    let summary = format!(
        "{{name}} is {} and {status_words}. {{They}} came into care in {}, aged {care_age}, {reason}. \
         {{They}} now {lives} {living}, and {is} {doing}.",
        p.age,
        p.dob.year() + care_age as i32,
    );
    let _ = writeln!(s, "{}\n", p.fill(&summary, r));
    let _ = writeln!(s, "## What matters to {}\n", p.display());
    let mut picked: Vec<usize> = Vec::new();
    for _ in 0..r.range(2, 4) {
        let i = r.below(MATTERS.len());
        if !picked.contains(&i) {
            picked.push(i);
            let _ = writeln!(s, "- {}", p.fill(MATTERS[i], r));
        }
    }
    let _ = writeln!(s, "\n## In {} own words\n\n\"{}\"\n", PRONOUNS[p.pron][3], r.pick(QUOTES));
    let _ = writeln!(s, "## Working with {}\n\n{}", p.display(), p.fill(r.pick(WORKING_WITH), r));
    s
}

fn passport(p: &Person, r: &mut Rng) -> String {
    let end = end_date();
    let eighteen = anniversary(p.dob, 18);
    let mut s = String::with_capacity(1500);
    let _ = writeln!(s, "---\nnhs_number: \"{}\"", p.nhs);
    let _ = writeln!(
        s,
        "gp: {{ practice: {}, address: {}, phone: \"01632 960{:03}\" }}",
        q(r.pick(&[
            "Example Road Surgery",
            "Northfield Health Centre",
            "Market Street Practice",
            "Parkside Medical Centre"
        ])),
        q(&format!("{} {}, Northfield", r.range(1, 99), r.pick(STREETS))),
        r.range(0, 999)
    );
    if r.chance(0.7) {
        let _ = writeln!(
            s,
            "dentist: {{ practice: {}, phone: \"01632 960{:03}\" }}",
            q(r.pick(&["Marketside Dental", "Example Dental", "Smile Street Dental"])),
            r.range(0, 999)
        );
    }
    if r.chance(0.4) {
        let _ = writeln!(s, "optician: {{ practice: {} }}", q(r.pick(&["Northfield Eyecare", "Example Eyes"])));
    }
    let issued = if p.age >= 18 {
        Some(plus_days(eighteen, -r.range(14, 120)))
    } else if (eighteen - end).num_days() <= 120 && r.chance(0.9) {
        Some(plus_days(end, -r.range(1, 60)))
    } else {
        None
    };
    let assessment = match issued {
        Some(d) if p.age >= 18 => plus_days(d, -r.range(0, 200)),
        _ => plus_days(end, -r.range(20, 330)),
    };
    let _ = writeln!(s, "last_health_assessment: {assessment}\nimmunisations:");
    let uasc = p.flags.contains(&"uasc");
    let jabs: &[(&str, i32, u32)] = if uasc {
        &[("MMR (catch-up)", 16, 2), ("Td/IPV", 16, 2)]
    } else {
        &[
            ("6-in-1", 0, 2),
            ("MMR", 1, 0),
            ("MMR (second dose)", 3, 4),
            ("Td/IPV teenage booster", 14, 0),
            ("MenACWY", 14, 0),
        ]
    };
    for (vaccine, years, months) in jabs {
        let date = plus_days(plus_months(anniversary(p.dob, *years), *months), r.range(0, 40)).min(plus_days(end, -1));
        let _ = writeln!(s, "  - {{ vaccine: {}, date: {date} }}", q(vaccine));
    }
    let allergies = r.weighted(&[
        ("[]", 70),
        ("[penicillin]", 10),
        ("[peanuts]", 6),
        ("[latex]", 2),
        ("[house dust mite, cats]", 4),
    ]);
    if r.chance(0.9) {
        let _ = writeln!(s, "allergies: {allergies}");
    }
    if p.flags.contains(&"mental-health") && r.chance(0.6) {
        let _ = writeln!(
            s,
            "medications:\n  - {{ name: \"Sertraline\", dose: \"50mg daily\", since: {} }}",
            plus_days(end, -r.range(60, 700))
        );
    } else {
        s.push_str("medications: []\n");
    }
    match r.below(6) {
        0 => {
            let _ = writeln!(
                s,
                "conditions:\n  - {{ name: \"Asthma\", since: {}, notes: \"Uses a blue inhaler when needed.\" }}",
                anniversary(p.dob, r.range(3, 10) as i32)
            );
        }
        1 => {
            let _ = writeln!(
                s,
                "conditions:\n  - {{ name: \"Eczema\", since: {}, notes: \"Mild; hands in winter.\" }}",
                anniversary(p.dob, 1)
            );
        }
        _ => s.push_str("conditions: []\n"),
    }
    let _ = writeln!(
        s,
        "birth_history: {}\nfamily_health_history: {}\nmental_health: {}\nconsent_to_share: {}",
        q(if uasc { "Not known." } else { r.pick(BIRTH_HISTORY) }),
        q(if uasc { "Not known." } else { r.pick(FAMILY_HISTORY) }),
        q(r.pick(MENTAL_HEALTH)),
        r.chance(0.9)
    );
    if let Some(d) = issued {
        let _ = writeln!(s, "final_review: {d}\nissued: {d}");
    }
    s.push_str("---\n");
    let body = r.pick(&[
        "{name} asked for a copy on paper and one as a PDF on {their} phone.",
        "{name} wanted the allergy information kept at the top.",
        "{name} read it through with {their} PA and asked for nothing to be added.",
        "Kept up to date by the PA; {name} has a copy.",
    ]);
    let _ = writeln!(s, "{}", p.fill(body, r));
    s
}

fn waymark_yaml(seed: u64) -> String {
    let mut s = format!(
        "# Synthetic records repository written by `cargo run --example synth` (seed {seed}).\n\
         # Everyone and everything here is fictional.\n\
         organisation: Example Leaving Care Service\n\
         site:\n  title: Example Leaving Care Service - synthetic case records\n  output: public\n  theme: default\n\
         staff:\n"
    );
    for st in STAFF {
        let _ =
            writeln!(s, "  - id: {}\n    name: {}\n    email: {}\n    role: {}", st.id, st.name, st.email(), st.role);
    }
    s.push_str(
        "rules:\n  plan_review_months: 6\n  passport_warning_days: 120\n  health_assessment_months: 12\n  leave_warning_days: 90\n\
         outcome_scales:\n  - id: keep-on-caring\n    name: Keep on Caring outcomes\n    min: 1\n    max: 10\n    \
         areas: [independent-living, education-employment-training, stability-and-safety, health, financial-stability]\n",
    );
    s
}

/// Shares `total` notes out in proportion to each person's weight, exactly, so the corpus
/// has the size that was asked for.
fn allocate(weights: &[f64], total: usize) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut left = total - counts.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    counts
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn write_file(root: &Path, rel: &str, content: &str) -> io::Result<()> {
    let path = root.join(rel);
    fs::write(&path, content).map_err(|e| with_path(e, &path))
}

fn write_tree(root: &Path, built: &[Built]) -> io::Result<()> {
    built.par_iter().try_for_each(|b| {
        let mut made: HashSet<PathBuf> = HashSet::new();
        for (rel, content) in b.initial.iter().chain(&b.later) {
            let path = root.join(rel);
            if let Some(parent) = path.parent() {
                if made.insert(parent.to_path_buf()) {
                    fs::create_dir_all(parent).map_err(|e| with_path(e, parent))?;
                }
            }
            fs::write(&path, content.as_bytes()).map_err(|e| with_path(e, &path))?;
        }
        Ok(())
    })
}

fn fast_import_data(w: &mut impl Write, data: &[u8]) -> io::Result<()> {
    writeln!(w, "data {}", data.len())?;
    w.write_all(data)?;
    w.write_all(b"\n")
}

fn fast_import_stream(w: &mut impl Write, first: &FirstCommit, events: &[&Event], ids: &[String]) -> io::Result<()> {
    write!(w, "commit refs/heads/main\nmark :1\nauthor {0}\ncommitter {0}\n", first.ident)?;
    fast_import_data(w, first.message.as_bytes())?;
    let person_files = first.built.iter().flat_map(|b| &b.initial);
    for (path, content) in
        first.root_files.iter().map(|(p, c)| (*p, c)).chain(person_files.map(|(p, c)| (p.as_str(), c)))
    {
        writeln!(w, "M 100644 inline {path}")?;
        fast_import_data(w, content.as_bytes())?;
    }
    for (i, e) in events.iter().enumerate() {
        let mark = i + 2;
        write!(w, "\ncommit refs/heads/main\nmark :{mark}\nauthor {0}\ncommitter {0}\n", e.ident())?;
        fast_import_data(w, e.message.as_bytes())?;
        writeln!(w, "from :{}\nM 100644 inline {}", mark - 1, e.path(&ids[e.person]))?;
        fast_import_data(w, e.content.as_bytes())?;
    }
    w.write_all(b"\ndone\n")?;
    w.flush()
}

/// Builds history the conventional way; slower than [`pack::write`] (about a minute for
/// 100,000 commits) but a useful cross-check, since both must give the same commit ids.
fn run_fast_import(out: &Path, first: &FirstCommit, events: &[&Event], ids: &[String]) -> Result<(), String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(out)
        .args(["fast-import", "--quiet", "--done"])
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git fast-import: {e}"))?;
    let stdin = child.stdin.take().ok_or("git fast-import has no stdin")?;
    let streamed = fast_import_stream(&mut BufWriter::with_capacity(1 << 20, stdin), first, events, ids);
    let status = child.wait().map_err(|e| format!("waiting for git fast-import: {e}"))?;
    if !status.success() {
        return Err(format!("git fast-import failed: {status}"));
    }
    streamed.map_err(|e| format!("writing to git fast-import: {e}"))
}

fn run_git(dir: &Path, args: &[&str]) -> Result<(), Box<dyn Error>> {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run git (is it installed?): {e}"))?;
    if !status.success() {
        return Err(format!("git {} failed in {}: {status}", args.join(" "), dir.display()).into());
    }
    Ok(())
}

/// Builds the repository described by `opts` and reports what it wrote.
pub fn generate(opts: &Options) -> Result<Summary, Box<dyn Error>> {
    let started = Instant::now();
    let out = &opts.out;
    if out.exists() {
        let mut entries = fs::read_dir(out).map_err(|e| format!("{} exists and cannot be read: {e}", out.display()))?;
        if entries.next().is_some() {
            return Err(format!("{} exists and is not empty; refusing to write into it", out.display()).into());
        }
    }
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let mut nhs_seen = HashSet::new();
    let people: Vec<Person> = (0..opts.people).map(|i| make_person(opts.seed, i, &mut nhs_seen)).collect();
    let weights: Vec<f64> = people.iter().map(|p| (p.stop - p.start).num_days().max(1) as f64 * p.intensity).collect();
    let counts = allocate(&weights, opts.notes);
    let built: Vec<Built> = people
        .par_iter()
        .zip(counts.par_iter())
        .map(|(p, &n)| build_person(p, n, opts.seed, opts.history_heavy))
        .collect();

    let config: Content = waymark_yaml(opts.seed).into();
    let ignore: Content = "/public/\n/.waymark/\n".into();
    let mut summary = Summary { people: people.len(), ..Summary::default() };
    for b in &built {
        summary.notes += b.notes;
        summary.reviews += b.reviews;
        summary.outcomes += b.outcomes;
        for (path, c) in b.initial.iter().chain(&b.later) {
            if path.ends_with(".md") {
                summary.markdown_files += 1;
                summary.markdown_bytes += c.len() as u64;
            }
        }
    }

    if !opts.git {
        write_file(out, "waymark.yaml", &config)?;
        write_file(out, ".gitignore", &ignore)?;
        write_tree(out, &built)?;
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    }

    let (ts, tz) = timestamp(plus_days(window_start(), -1), 9 * 60);
    let first = FirstCommit {
        ident: ident(SETUP_MANAGER, ts, tz),
        message: format!("Set up records for {} young people\n", people.len()),
        root_files: [(".gitignore", ignore.clone()), ("waymark.yaml", config.clone())],
        built: &built,
    };
    let mut events: Vec<&Event> = built.iter().flat_map(|b| &b.events).collect();
    events.sort_by_key(|e| (e.ts, e.person, e.seq));
    summary.commits = events.len() + 1;
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();

    run_git(out, &["init", "-q", "-b", "main"])?;
    let (history, written) = std::thread::scope(|scope| {
        // The work tree is written while the history is built from the same bytes.
        let tree = scope.spawn(|| {
            write_file(out, "waymark.yaml", &config)
                .and_then(|()| write_file(out, ".gitignore", &ignore))
                .and_then(|()| write_tree(out, &built))
        });
        let history = if opts.fast_import {
            run_fast_import(out, &first, &events, &ids).map(|()| None)
        } else {
            pack::write(&out.join(".git"), &first, &events, &ids)
                .map(|(_head, files)| Some(files))
                .map_err(|e| format!("writing the git pack: {e}"))
        };
        let written = tree.join().unwrap_or_else(|_| Err(io::Error::other("work tree writer panicked")));
        (history, written)
    });
    let files = history?;
    written?;
    let indexed = match files {
        Some(files) => pack::write_git_index(out, files).map_err(|e| format!("writing the git index: {e}"))?,
        None => false,
    };
    if !indexed {
        // The index starts empty; rebuilding it from HEAD makes `git status` clean.
        run_git(out, &["reset", "-q"])?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Writes history straight into one git pack and its index.
///
/// Every object is hashed here (the `sha1` crate uses the CPU's SHA extensions when it has them)
/// and stored without compression, in zlib's "stored" blocks, which is much faster to write.
/// Trees are stored as deltas against their previous version, as git itself would, so the
/// thousand-entry `records/` tree costs a few dozen bytes per commit rather than 35 KB.
/// `git fsck --full` accepts the result, and `--fast-import` builds the identical history.
mod pack {
    use super::{Built, Event, FirstCommit, Slot};
    use rayon::prelude::*;
    use sha1::{Digest, Sha1};
    use std::collections::HashSet;
    use std::fs::{self, File};
    use std::io::{self, BufWriter, Write};
    use std::path::Path;
    use std::sync::Arc;

    /// A git object id.
    pub type Oid = [u8; 20];
    /// A path in the work tree and the blob it holds.
    pub type FileId = (String, Oid);
    /// An object's id, its offset in the pack and the CRC-32 of its packed bytes.
    type IndexEntry = (Oid, u64, u32);
    /// A person's first-commit objects, their later steps and their folder's final files.
    type PersonHistory = (Step, Vec<Step>, Vec<FileId>);

    const COMMIT: u8 = 1;
    const TREE: u8 = 2;
    const BLOB: u8 = 3;
    const REF_DELTA: u8 = 7;
    /// Git's own default; longer chains make every later read of old trees slower.
    const MAX_DEPTH: u32 = 50;

    /// The hex form git uses in commits and refs.
    pub fn hex(id: &Oid) -> String {
        id.iter().map(|b| format!("{b:02x}")).collect()
    }

    // ------------------------------------------------------------------ hashing and zlib

    /// The id git gives an object: the SHA-1 of a short header and the content.
    pub fn object_id(kind: u8, data: &[u8]) -> Oid {
        let name = match kind {
            COMMIT => "commit",
            TREE => "tree",
            _ => "blob",
        };
        let mut h = Sha1::new();
        h.update(format!("{name} {}\0", data.len()));
        h.update(data);
        h.finalize().into()
    }

    /// A zlib stream of uncompressed ("stored") deflate blocks. Compression libraries can write
    /// these too, but resetting their state for each of a million small objects costs more
    /// than all the rest of the pack.
    fn zlib_stored(data: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(&[0x78, 0x01]);
        let mut chunks = data.chunks(65535).peekable();
        if chunks.peek().is_none() {
            out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
        }
        while let Some(chunk) = chunks.next() {
            let len = chunk.len() as u16;
            out.push(u8::from(chunks.peek().is_none()));
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&(!len).to_le_bytes());
            out.extend_from_slice(chunk);
        }
        out.extend_from_slice(&adler2::adler32_slice(data).to_be_bytes());
    }

    // ------------------------------------------------------------------ deltas and trees

    fn varint(out: &mut Vec<u8>, mut n: usize) {
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn copy_op(out: &mut Vec<u8>, mut offset: usize, mut len: usize) {
        while len > 0 {
            // A size with no bytes set means 0x10000, which is what git's decoder expects.
            let n = len.min(0xFF_FFFF);
            let mut cmd = 0x80u8;
            let mut args = [0u8; 7];
            let mut used = 0;
            for i in 0..4 {
                let b = (offset >> (8 * i)) as u8;
                if b != 0 {
                    cmd |= 1 << i;
                    args[used] = b;
                    used += 1;
                }
            }
            for i in 0..3 {
                let b = (n >> (8 * i)) as u8;
                if b != 0 {
                    cmd |= 0x10 << i;
                    args[used] = b;
                    used += 1;
                }
            }
            out.push(cmd);
            out.extend_from_slice(&args[..used]);
            offset += n;
            len -= n;
        }
    }

    fn insert_op(out: &mut Vec<u8>, data: &[u8]) {
        for chunk in data.chunks(127) {
            out.push(chunk.len() as u8);
            out.extend_from_slice(chunk);
        }
    }

    /// A git delta from `old` to `new`: keep the common head and tail, insert the middle.
    /// Each commit changes one entry per tree, so that is all a delta needs to be.
    pub fn delta(old: &[u8], new: &[u8]) -> Vec<u8> {
        let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let max_tail = old.len().min(new.len()) - head;
        let tail = old.iter().rev().zip(new.iter().rev()).take(max_tail).take_while(|(a, b)| a == b).count();
        let mut out = Vec::with_capacity(new.len() - head - tail + 32);
        varint(&mut out, old.len());
        varint(&mut out, new.len());
        copy_op(&mut out, 0, head);
        insert_op(&mut out, &new[head..new.len() - tail]);
        copy_op(&mut out, old.len() - tail, tail);
        out
    }

    fn tree_entry(out: &mut Vec<u8>, dir: bool, name: &str, id: &Oid) {
        out.extend_from_slice(if dir { b"40000 " } else { b"100644 " });
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(id);
    }

    /// The bytes of one object as it goes into the pack.
    enum Data {
        Shared(Arc<str>),
        Owned(Vec<u8>),
    }

    impl Data {
        fn bytes(&self) -> &[u8] {
            match self {
                Data::Shared(s) => s.as_bytes(),
                Data::Owned(v) => v,
            }
        }
    }

    /// One object to write: whole, or as a delta against `base`.
    struct Obj {
        id: Oid,
        kind: u8,
        base: Option<Oid>,
        data: Data,
    }

    fn blob(content: &Arc<str>) -> Obj {
        Obj { id: object_id(BLOB, content.as_bytes()), kind: BLOB, base: None, data: Data::Shared(content.clone()) }
    }

    /// The successive versions of one tree path, so each can be stored as a delta of the last.
    #[derive(Default)]
    struct Chain {
        prev: Option<(Oid, Vec<u8>)>,
        depth: u32,
    }

    impl Chain {
        fn store(&mut self, bytes: Vec<u8>, out: &mut Vec<Obj>) -> Oid {
            let id = object_id(TREE, &bytes);
            let obj = match &self.prev {
                Some((prev_id, _)) if *prev_id == id => return id,
                Some((prev_id, prev)) if self.depth < MAX_DEPTH => {
                    self.depth += 1;
                    Obj { id, kind: TREE, base: Some(*prev_id), data: Data::Owned(delta(prev, &bytes)) }
                }
                _ => {
                    self.depth = 0;
                    Obj { id, kind: TREE, base: None, data: Data::Owned(bytes.clone()) }
                }
            };
            out.push(obj);
            self.prev = Some((id, bytes));
            id
        }
    }

    /// One young person's folder as it stands after each of their commits.
    #[derive(Default)]
    struct Folder {
        profile: Oid,
        passport: Oid,
        plan: Option<Oid>,
        notes: Vec<FileId>,
        outcomes: Vec<FileId>,
        notes_tree: Option<Oid>,
        outcomes_tree: Option<Oid>,
        notes_chain: Chain,
        outcomes_chain: Chain,
        chain: Chain,
    }

    /// What one commit adds for one person: new objects and the folder's new tree id.
    struct Step {
        objs: Vec<Obj>,
        tree: Oid,
    }

    fn file_list_tree(files: &[(String, Oid)]) -> Vec<u8> {
        let mut out = Vec::with_capacity(files.len() * 56);
        for (name, id) in files {
            tree_entry(&mut out, false, name, id);
        }
        out
    }

    fn insert_sorted(files: &mut Vec<FileId>, name: &str, id: Oid) {
        match files.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => files[i].1 = id,
            Err(i) => files.insert(i, (name.to_string(), id)),
        }
    }

    impl Folder {
        fn tree_bytes(&self) -> Vec<u8> {
            // Entries in git's order: names compared bytewise, with "/" after directory names.
            let mut out = Vec::with_capacity(256);
            tree_entry(&mut out, false, "health-passport.md", &self.passport);
            if let Some(id) = &self.notes_tree {
                tree_entry(&mut out, true, "notes", id);
            }
            if let Some(id) = &self.outcomes_tree {
                tree_entry(&mut out, true, "outcomes", id);
            }
            if let Some(id) = &self.plan {
                tree_entry(&mut out, false, "pathway-plan.md", id);
            }
            tree_entry(&mut out, false, "profile.md", &self.profile);
            out
        }

        fn apply(&mut self, e: &Event) -> Step {
            let b = blob(&e.content);
            let id = b.id;
            let mut objs = vec![b];
            match &e.slot {
                Slot::Plan => self.plan = Some(id),
                Slot::Profile => self.profile = id,
                Slot::Note(name) => {
                    insert_sorted(&mut self.notes, name, id);
                    self.notes_tree = Some(self.notes_chain.store(file_list_tree(&self.notes), &mut objs));
                }
                Slot::Outcome(name) => {
                    insert_sorted(&mut self.outcomes, name, id);
                    self.outcomes_tree = Some(self.outcomes_chain.store(file_list_tree(&self.outcomes), &mut objs));
                }
            }
            let tree = self.chain.store(self.tree_bytes(), &mut objs);
            Step { objs, tree }
        }
    }

    /// Replays one person's commits in order; independent of everyone else's, so it runs in
    /// parallel. Also returns the folder's final files, for the git index.
    fn person_steps(b: &Built, id: &str) -> PersonHistory {
        let mut folder = Folder::default();
        let mut objs = Vec::new();
        for (path, content) in &b.initial {
            let o = blob(content);
            if path.ends_with("/profile.md") {
                folder.profile = o.id;
            } else {
                folder.passport = o.id;
            }
            objs.push(o);
        }
        let tree = folder.chain.store(folder.tree_bytes(), &mut objs);
        let first = Step { objs, tree };
        let mut events: Vec<&Event> = b.events.iter().collect();
        events.sort_by_key(|e| (e.ts, e.seq));
        let steps = events.into_iter().map(|e| folder.apply(e)).collect();
        let dir = format!("records/{id}");
        let mut files =
            vec![(format!("{dir}/health-passport.md"), folder.passport), (format!("{dir}/profile.md"), folder.profile)];
        files.extend(folder.plan.map(|p| (format!("{dir}/pathway-plan.md"), p)));
        files.extend(folder.notes.iter().map(|(n, o)| (format!("{dir}/notes/{n}"), *o)));
        files.extend(folder.outcomes.iter().map(|(n, o)| (format!("{dir}/outcomes/{n}"), *o)));
        (first, steps, files)
    }

    // ------------------------------------------------------------------ the pack

    struct PackWriter<W: Write> {
        out: W,
        hash: Sha1,
        offset: u64,
        /// (id, offset, crc) of every object written.
        entries: Vec<IndexEntry>,
        seen: HashSet<Oid>,
        scratch: Vec<u8>,
    }

    impl<W: Write> PackWriter<W> {
        fn new(mut out: W, count: usize) -> io::Result<Self> {
            let mut header = Vec::with_capacity(12);
            header.extend_from_slice(b"PACK");
            header.extend_from_slice(&2u32.to_be_bytes());
            header.extend_from_slice(&(count as u32).to_be_bytes());
            out.write_all(&header)?;
            let mut hash = Sha1::new();
            hash.update(&header);
            Ok(PackWriter {
                out,
                hash,
                offset: 12,
                entries: Vec::with_capacity(count),
                seen: HashSet::with_capacity(count),
                scratch: Vec::new(),
            })
        }

        fn object(&mut self, o: &Obj) -> io::Result<()> {
            if !self.seen.insert(o.id) {
                return Ok(());
            }
            let data = o.data.bytes();
            let buf = &mut self.scratch;
            buf.clear();
            let kind = if o.base.is_some() { REF_DELTA } else { o.kind };
            let mut size = data.len() >> 4;
            let mut c = (kind << 4) | (data.len() & 0x0f) as u8;
            while size > 0 {
                buf.push(c | 0x80);
                c = (size & 0x7f) as u8;
                size >>= 7;
            }
            buf.push(c);
            if let Some(base) = &o.base {
                buf.extend_from_slice(base);
            }
            zlib_stored(data, buf);
            self.out.write_all(buf)?;
            self.hash.update(&buf);
            self.entries.push((o.id, self.offset, crc32fast::hash(buf)));
            self.offset += buf.len() as u64;
            Ok(())
        }

        fn finish(mut self) -> io::Result<(Oid, Vec<IndexEntry>)> {
            let sum: Oid = self.hash.finalize().into();
            self.out.write_all(&sum)?;
            self.out.flush()?;
            Ok((sum, self.entries))
        }
    }

    fn write_index(path: &Path, mut entries: Vec<IndexEntry>, pack_sum: &Oid) -> io::Result<()> {
        entries.sort_unstable_by_key(|e| e.0);
        let mut out = Vec::with_capacity(entries.len() * 28 + 2048);
        out.extend_from_slice(&[0xff, b't', b'O', b'c', 0, 0, 0, 2]);
        let mut fanout = [0u32; 256];
        for (id, _, _) in &entries {
            fanout[id[0] as usize] += 1;
        }
        let mut total = 0;
        for n in fanout {
            total += n;
            out.extend_from_slice(&total.to_be_bytes());
        }
        for (id, _, _) in &entries {
            out.extend_from_slice(id);
        }
        for (_, _, crc) in &entries {
            out.extend_from_slice(&crc.to_be_bytes());
        }
        let mut large = Vec::new();
        for (_, offset, _) in &entries {
            // Offsets past 2 GiB go in a second table, flagged by the top bit.
            let small = if *offset < 0x8000_0000 {
                *offset as u32
            } else {
                large.push(*offset);
                0x8000_0000 | (large.len() as u32 - 1)
            };
            out.extend_from_slice(&small.to_be_bytes());
        }
        for offset in large {
            out.extend_from_slice(&offset.to_be_bytes());
        }
        out.extend_from_slice(pack_sum);
        let sum = Sha1::digest(&out);
        out.extend_from_slice(&sum);
        fs::write(path, out)
    }

    /// Writes the objects of `first` and `events` (already in date order) as one pack under
    /// `git_dir` and points `refs/heads/main` at the last commit. Returns that commit's id and
    /// every file in its tree with its blob id.
    pub fn write(
        git_dir: &Path,
        first: &FirstCommit,
        events: &[&Event],
        ids: &[String],
    ) -> io::Result<(Oid, Vec<FileId>)> {
        let per_person: Vec<PersonHistory> =
            first.built.par_iter().zip(ids).map(|(b, id)| person_steps(b, id)).collect();

        // The records/ tree has one fixed-size entry per person, so a new folder id is a
        // 20-byte overwrite at a known place.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|&a, &b| format!("{}/", ids[a]).cmp(&format!("{}/", ids[b])));
        let mut records = Vec::with_capacity(ids.len() * 36);
        let mut slot = vec![0usize; ids.len()];
        for &p in &order {
            tree_entry(&mut records, true, &ids[p], &per_person[p].0.tree);
            slot[p] = records.len() - 20;
        }
        let mut cursor = vec![0usize; ids.len()];
        let updates: Vec<(usize, &Step)> = events
            .iter()
            .map(|e| {
                let step = &per_person[e.person].1[cursor[e.person]];
                cursor[e.person] += 1;
                (e.person, step)
            })
            .collect();

        let root_blobs: Vec<Obj> = first.root_files.iter().map(|(_, c)| blob(c)).collect();
        let root_tree = |records_id: &Oid| {
            let mut t = Vec::with_capacity(128);
            tree_entry(&mut t, false, first.root_files[0].0, &root_blobs[0].id);
            tree_entry(&mut t, true, "records", records_id);
            tree_entry(&mut t, false, first.root_files[1].0, &root_blobs[1].id);
            Obj { id: object_id(TREE, &t), kind: TREE, base: None, data: Data::Owned(t) }
        };

        // Hashing every version of records/ is most of the work, so it is split into runs
        // that start with a whole tree and can be hashed on separate threads.
        let records0 =
            Obj { id: object_id(TREE, &records), kind: TREE, base: None, data: Data::Owned(records.clone()) };
        let root0 = root_tree(&records0.id);
        let run = MAX_DEPTH as usize * 8;
        let mut starts = Vec::new();
        let mut buf = records.clone();
        for (i, (p, step)) in updates.iter().enumerate() {
            if i % run == 0 {
                starts.push((i, buf.clone()));
            }
            buf[slot[*p]..slot[*p] + 20].copy_from_slice(&step.tree);
        }
        let trees: Vec<(Obj, Obj)> = starts
            .into_par_iter()
            .flat_map_iter(|(start, mut buf)| {
                let mut out = Vec::with_capacity(run);
                let mut prev: Option<Oid> = None;
                for (i, (p, step)) in updates.iter().enumerate().skip(start).take(run) {
                    let at = slot[*p];
                    buf[at..at + 20].copy_from_slice(&step.tree);
                    let id = object_id(TREE, &buf);
                    let obj = match prev {
                        Some(base) if (i - start) % MAX_DEPTH as usize != 0 => {
                            let mut d = Vec::with_capacity(48);
                            varint(&mut d, buf.len());
                            varint(&mut d, buf.len());
                            copy_op(&mut d, 0, at);
                            insert_op(&mut d, &step.tree);
                            copy_op(&mut d, at + 20, buf.len() - at - 20);
                            Obj { id, kind: TREE, base: Some(base), data: Data::Owned(d) }
                        }
                        _ => Obj { id, kind: TREE, base: None, data: Data::Owned(buf.to_vec()) },
                    };
                    prev = Some(id);
                    let root = root_tree(&id);
                    out.push((obj, root));
                }
                out
            })
            .collect();

        // Commits chain through their parents, so they are hashed in order; they are small.
        let commit = |root: &Oid, parent: Option<&Oid>, ident: &str, message: &str| {
            let mut c = format!("tree {}\n", hex(root));
            if let Some(p) = parent {
                c.push_str(&format!("parent {}\n", hex(p)));
            }
            c.push_str(&format!("author {ident}\ncommitter {ident}\n\n{message}"));
            let bytes = c.into_bytes();
            Obj { id: object_id(COMMIT, &bytes), kind: COMMIT, base: None, data: Data::Owned(bytes) }
        };
        let mut commits = Vec::with_capacity(events.len() + 1);
        commits.push(commit(&root0.id, None, &first.ident, &first.message));
        for (e, (_, root)) in events.iter().zip(&trees) {
            let parent = commits.last().map(|c: &Obj| c.id);
            commits.push(commit(&root.id, parent.as_ref(), &e.ident(), &e.message));
        }

        // Objects in the order a reader meets them: each commit after what it points to.
        let mut first_objs: Vec<&Obj> = root_blobs.iter().collect();
        first_objs.extend(per_person.iter().flat_map(|(s, _, _)| &s.objs));
        first_objs.extend([&records0, &root0, &commits[0]]);
        let later = updates
            .iter()
            .zip(&trees)
            .zip(&commits[1..])
            .flat_map(|(((_, step), (records, root)), c)| step.objs.iter().chain([records, root, c]));
        let all = || first_objs.iter().copied().chain(later.clone());
        let mut unique = HashSet::with_capacity(commits.len() * 6);
        let count = all().filter(|o| unique.insert(o.id)).count();
        drop(unique);

        let pack_dir = git_dir.join("objects").join("pack");
        fs::create_dir_all(&pack_dir)?;
        let tmp = pack_dir.join("tmp_synth.pack");
        let mut w = PackWriter::new(BufWriter::with_capacity(1 << 20, File::create(&tmp)?), count)?;
        for o in all() {
            w.object(o)?;
        }
        let (sum, entries) = w.finish()?;
        let name = format!("pack-{}", hex(&sum));
        fs::rename(&tmp, pack_dir.join(format!("{name}.pack")))?;
        write_index(&pack_dir.join(format!("{name}.idx")), entries, &sum)?;

        let head = commits.last().map(|c| c.id).unwrap_or([0; 20]);
        let main = git_dir.join("refs").join("heads");
        fs::create_dir_all(&main)?;
        fs::write(main.join("main"), format!("{}\n", hex(&head)))?;

        let mut files: Vec<FileId> =
            first.root_files.iter().zip(&root_blobs).map(|((name, _), b)| (name.to_string(), b.id)).collect();
        for (_, _, f) in &per_person {
            files.extend(f.iter().cloned());
        }
        Ok((head, files))
    }

    /// Writes the git index for files already in the work tree, so that `git status` is clean
    /// at once; `git reset` would read and hash every file again, which takes longer than
    /// writing the pack. Returns false where file metadata is not available (not Unix).
    #[cfg(unix)]
    pub fn write_git_index(root: &Path, mut files: Vec<FileId>) -> io::Result<bool> {
        use std::os::unix::fs::MetadataExt;
        files.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let stats: Vec<fs::Metadata> =
            files.par_iter().map(|(path, _)| fs::symlink_metadata(root.join(path))).collect::<io::Result<_>>()?;
        let mut out = Vec::with_capacity(files.len() * 104 + 32);
        out.extend_from_slice(b"DIRC");
        out.extend_from_slice(&2u32.to_be_bytes());
        out.extend_from_slice(&(files.len() as u32).to_be_bytes());
        for ((path, id), m) in files.iter().zip(&stats) {
            let start = out.len();
            // Git keeps the low 32 bits of each of these and compares them on `git status`.
            let fields = [
                m.ctime() as u32,
                m.ctime_nsec() as u32,
                m.mtime() as u32,
                m.mtime_nsec() as u32,
                m.dev() as u32,
                m.ino() as u32,
                0o100_644,
                m.uid(),
                m.gid(),
                m.size() as u32,
            ];
            for f in fields {
                out.extend_from_slice(&f.to_be_bytes());
            }
            out.extend_from_slice(id);
            out.extend_from_slice(&(path.len().min(0xFFF) as u16).to_be_bytes());
            out.extend_from_slice(path.as_bytes());
            // One to eight NULs, to the next multiple of eight bytes.
            let padded = (out.len() - start + 8) & !7;
            out.resize(start + padded, 0);
        }
        let sum = Sha1::digest(&out);
        out.extend_from_slice(&sum);
        let git_dir = root.join(".git");
        fs::write(git_dir.join("index.lock"), out)?;
        fs::rename(git_dir.join("index.lock"), git_dir.join("index"))?;
        Ok(true)
    }

    /// Elsewhere the caller falls back to `git reset`.
    #[cfg(not(unix))]
    pub fn write_git_index(_root: &Path, _files: Vec<FileId>) -> io::Result<bool> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::pack::{delta, hex, object_id};
    use super::*;

    #[test]
    fn object_ids_match_git() {
        // `git hash-object` of a file holding "hello\n".
        assert_eq!(hex(&object_id(3, b"hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a");
    }

    fn apply(base: &[u8], d: &[u8]) -> Vec<u8> {
        let mut i = 0;
        let mut varint = || {
            let (mut n, mut shift) = (0usize, 0);
            loop {
                let b = d[i];
                i += 1;
                n |= ((b & 0x7f) as usize) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return n;
                }
            }
        };
        assert_eq!(varint(), base.len());
        let size = varint();
        let mut out = Vec::new();
        while i < d.len() {
            let cmd = d[i];
            i += 1;
            if cmd & 0x80 != 0 {
                let (mut off, mut len) = (0usize, 0usize);
                for k in 0..4 {
                    if cmd & (1 << k) != 0 {
                        off |= (d[i] as usize) << (8 * k);
                        i += 1;
                    }
                }
                for k in 0..3 {
                    if cmd & (0x10 << k) != 0 {
                        len |= (d[i] as usize) << (8 * k);
                        i += 1;
                    }
                }
                out.extend_from_slice(&base[off..off + if len == 0 { 0x10000 } else { len }]);
            } else {
                out.extend_from_slice(&d[i..i + cmd as usize]);
                i += cmd as usize;
            }
        }
        assert_eq!(out.len(), size);
        out
    }

    #[test]
    fn deltas_rebuild_the_new_version() {
        let old: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut new = old.clone();
        new.splice(70_000..70_000, vec![7u8; 300]);
        assert_eq!(apply(&old, &delta(&old, &new)), new);
        assert_eq!(apply(&old, &delta(&old, &old[..65_536])), &old[..65_536]);
        assert_eq!(apply(b"abc", &delta(b"abc", b"")), b"");
    }

    #[test]
    fn nhs_numbers_pass_modulus_11() {
        let mut r = Rng::derive(1, 2);
        for _ in 0..1000 {
            let n = nhs_number(&mut r).replace(' ', "");
            let d: Vec<u32> = n.bytes().map(|b| u32::from(b - b'0')).collect();
            let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
            assert!(n.starts_with("999"));
            assert_eq!((11 - sum % 11) % 11, d[9]);
        }
    }

    #[test]
    fn ages_on_the_end_date_stay_in_range() {
        let mut seen = HashSet::new();
        for i in 0..2000 {
            let p = make_person(3, i, &mut seen);
            let age = (0..30).take_while(|y| anniversary(p.dob, *y) <= end_date()).count() as i32 - 1;
            assert_eq!(age, p.age);
            assert!((16..=24).contains(&age));
        }
    }
}
