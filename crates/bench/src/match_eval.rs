//! Issue 5: how well matching picks services, against plain text search, on a labelled set of
//! people and the services a link worker would pick for them (`crates/bench/eval/cases.json`,
//! over the demo directory and the 211 Miami package). Reports precision@5 and nDCG@10 for each
//! way of searching, per directory and overall.
//!
//! Plain text search is what a link worker types without matching: the person's interests and
//! the names of their needs, ranked by relevance ("text"), and the same near the person
//! ("text + place").

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{NaiveTime, Weekday};
use linkwork_domain::geo::Point;
use linkwork_domain::matching::{ndcg_at, precision_at, Profile};
use linkwork_domain::pathway::needs;
use linkwork_domain::search::SearchQuery;
use serde::Deserialize;

use crate::WorkDir;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// The labelled cases.
    #[arg(long, default_value = "crates/bench/eval/cases.json")]
    cases: PathBuf,
    /// The 211 Miami HSDS package.
    #[arg(long, default_value = "../shared/data/hsds/miami-211-hsds1")]
    miami: PathBuf,
    /// Print each case's first results.
    #[arg(long)]
    verbose: bool,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    directory: String,
    person: Person,
    relevant: Vec<Relevant>,
}

#[derive(Deserialize)]
struct Person {
    #[serde(default)]
    needs: Vec<String>,
    #[serde(default)]
    interests: Vec<String>,
    #[serde(default)]
    barriers: Vec<String>,
    age: Option<u32>,
    postcode: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    language: Option<String>,
}

#[derive(Deserialize)]
struct Relevant {
    name: String,
    grade: f64,
}

async fn state_with(batches: Vec<linkwork_domain::hsds::Batch>, dir: &std::path::Path) -> anyhow::Result<linkwork_web::AppState> {
    let url = format!("sqlite:{}", dir.join("eval.db").display());
    let store = linkwork_store::Store::open(&url).await?;
    let mut w = store.begin_directory_write().await?;
    for b in &batches {
        w.write(b).await?;
    }
    w.commit().await?;
    let directory = linkwork_web::Directory::new(store, Some(&dir.join("index")))?;
    directory.catch_up().await?;
    Ok(linkwork_web::AppState::new(directory, linkwork_web::WebConfig::default()))
}

fn miami_batches(path: &std::path::Path) -> anyhow::Result<Vec<linkwork_domain::hsds::Batch>> {
    let mut reader = linkwork_hsds::open(path, linkwork_hsds::ReadOptions { default_country: Some("US".into()), ..Default::default() })?;
    let mut out = vec![];
    for b in reader.by_ref() {
        out.push(b?);
    }
    Ok(out)
}

/// Scores for one ranking of one case.
#[derive(Default, Clone, Copy)]
struct Scores {
    p5: f64,
    ndcg10: f64,
}

pub async fn run(a: EvalArgs) -> anyhow::Result<()> {
    let cases: Vec<Case> = serde_json::from_str(&std::fs::read_to_string(&a.cases)?)?;
    let work = WorkDir::new(None)?;
    let demo_dir = work.0.join("demo");
    let miami_dir = work.0.join("miami");
    std::fs::create_dir_all(&demo_dir)?;
    std::fs::create_dir_all(&miami_dir)?;
    eprintln!("loading the demo directory and the Miami package…");
    let demo = state_with(vec![linkwork_gen::demo()], &demo_dir).await?;
    let miami = state_with(miami_batches(&a.miami)?, &miami_dir).await?;
    let ways = ["matching", "text", "text + place"];
    let mut results: BTreeMap<(String, &str), Vec<Scores>> = BTreeMap::new();
    for c in &cases {
        let state = if c.directory == "demo" { &demo } else { &miami };
        let location = match (&c.person.postcode, c.person.lat, c.person.lon) {
            (_, Some(lat), Some(lon)) => Point::new(lat, lon).ok(),
            (Some(pc), _, _) => linkwork_web::hsds_api::postcode_centroid(state, pc).await.map_err(|e| anyhow::anyhow!("{e:?}"))?,
            _ => None,
        };
        let profile = Profile {
            needs: c.person.needs.clone(),
            interests: c.person.interests.clone(),
            barriers: c.person.barriers.clone(),
            age: c.person.age,
            location,
            language: c.person.language.clone(),
            free_at: vec![],
        };
        let matched: Vec<String> = linkwork_web::matching::find(state, &profile, 10).await.map_err(|e| anyhow::anyhow!("{e:?}"))?.into_iter().map(|m| m.name).collect();
        // What a link worker would type: the person's interests, or else the name of their
        // first need ("Food", "Money and debt").
        let words: Vec<String> = if c.person.interests.is_empty() {
            c.person.needs.iter().filter_map(|n| needs::need(n)).map(|n| n.display.to_lowercase()).take(1).collect()
        } else {
            c.person.interests.clone()
        };
        let text_q = SearchQuery { text: Some(words.join(" ")), limit: 10, ..SearchQuery::default() };
        let text: Vec<String> = state.directory.search(text_q.clone()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?.hits.into_iter().map(|h| h.name).collect();
        let placed = SearchQuery { near: location, radius_m: location.map(|_| 25_000.0), ..text_q };
        let text_place: Vec<String> = state.directory.search(placed).await.map_err(|e| anyhow::anyhow!("{e:?}"))?.hits.into_iter().map(|h| h.name).collect();
        let relevant: Vec<String> = c.relevant.iter().map(|r| r.name.clone()).collect();
        let gains: BTreeMap<String, f64> = c.relevant.iter().map(|r| (r.name.clone(), r.grade)).collect();
        for (way, ranked) in ways.iter().zip([&matched, &text, &text_place]) {
            let s = Scores { p5: precision_at(5, ranked, &relevant), ndcg10: ndcg_at(10, ranked, &gains) };
            results.entry((c.directory.clone(), way)).or_default().push(s);
            results.entry(("all".into(), way)).or_default().push(s);
        }
        if a.verbose {
            println!("{}: matching {:?}\n   text {:?}\n   relevant {:?}", c.id, &matched[..matched.len().min(5)], &text[..text.len().min(5)], relevant);
        }
    }
    println!("{:<8} {:<14} {:>6} {:>8} {:>9}", "set", "ranking", "cases", "P@5", "nDCG@10");
    for ((set, way), v) in &results {
        let n = v.len() as f64;
        println!("{set:<8} {way:<14} {:>6} {:>8.3} {:>9.3}", v.len(), v.iter().map(|s| s.p5).sum::<f64>() / n, v.iter().map(|s| s.ndcg10).sum::<f64>() / n);
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct LatencyArgs {
    /// How many synthetic services.
    #[arg(long, default_value = "100000")]
    services: usize,
    /// How many people to match (after 20 to warm up).
    #[arg(long, default_value = "300")]
    queries: usize,
    #[arg(long, default_value = "7")]
    seed: u64,
    /// Where to build the database and index [default: the system's temporary directory].
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// Issue 5: the latency of matching one person over a directory of N services, through the real
/// store and index (`linkwork_web::matching::find`).
pub async fn latency(a: LatencyArgs) -> anyhow::Result<()> {
    use rand::{Rng, SeedableRng};
    let work = WorkDir::new(a.dir.as_deref())?;
    let url = format!("sqlite:{}", work.0.join("match.db").display());
    let store = linkwork_store::Store::open(&url).await?;
    let start = std::time::Instant::now();
    let mut points: Vec<(f64, f64)> = vec![];
    let mut w = store.begin_directory_write().await?;
    w.write(&linkwork_gen::shared()).await?;
    for batch in linkwork_gen::synthetic(a.seed, a.services) {
        if points.len() < 2000 {
            for r in batch.records.iter().filter(|r| r.table.name == "location") {
                if let (Some(lat), Some(lon)) = (r.get_f64("latitude"), r.get_f64("longitude")) {
                    points.push((lat, lon));
                }
            }
        }
        w.write(&batch).await?;
    }
    w.commit().await?;
    let loaded = start.elapsed();
    let start = std::time::Instant::now();
    let directory = linkwork_web::Directory::new(store, Some(&work.0.join("index")))?;
    directory.catch_up().await?;
    let indexed = start.elapsed();
    let state = linkwork_web::AppState::new(directory, linkwork_web::WebConfig::default());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(a.seed);
    let words = ["walking", "singing", "gardening", "cooking", "art", "computer", "english", "debt", "dance", "swimming", "reading", "crafts"];
    let barriers = ["cost", "distance_transport", "language", "physical_access", "confidence_company"];
    let days = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
    let mut lat = crate::report::Latencies::default();
    for i in 0..(a.queries + 20) {
        let (la, lo) = points[rng.gen_range(0..points.len())];
        let profile = Profile {
            needs: (0..rng.gen_range(1..=2)).map(|_| needs::NEEDS[rng.gen_range(0..needs::NEEDS.len())].code.to_string()).collect(),
            interests: (0..rng.gen_range(0..=2)).map(|_| words[rng.gen_range(0..words.len())].to_string()).collect(),
            barriers: (0..rng.gen_range(0..=2)).map(|_| barriers[rng.gen_range(0..barriers.len())].to_string()).collect(),
            age: Some(rng.gen_range(18..90)),
            location: Point::new(la, lo).ok(),
            language: if rng.gen_bool(0.2) { Some("es".into()) } else { None },
            free_at: if rng.gen_bool(0.3) {
                let from = rng.gen_range(8..19);
                let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
                vec![(days[rng.gen_range(0..7)], at(from), at(from + 3))]
            } else {
                vec![]
            },
        };
        let t = std::time::Instant::now();
        let found = linkwork_web::matching::find(&state, &profile, 10).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        if i >= 20 {
            lat.push(t.elapsed());
        }
        std::hint::black_box(found);
    }
    let s = lat.summary();
    println!("services {}  loaded in {:.0} s, indexed in {:.0} s", a.services, loaded.as_secs_f64(), indexed.as_secs_f64());
    println!("matching one person ({} people): p50 {} ms, p95 {} ms, p99 {} ms, max {} ms", a.queries, crate::report::ms(s.p50), crate::report::ms(s.p95), crate::report::ms(s.p99), crate::report::ms(s.max));
    Ok(())
}

#[derive(clap::Args)]
pub struct ScoringArgs {
    /// How many stored responses to score.
    #[arg(long, default_value = "100000")]
    responses: usize,
    /// Responses per person.
    #[arg(long, default_value = "10")]
    per_person: usize,
    #[arg(long, default_value = "7")]
    seed: u64,
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// Issue 5: scoring N stored responses: read back from the store, per person as the person's
/// page and outcome reports read them, and scored by the instrument's rules.
pub async fn scoring(a: ScoringArgs) -> anyhow::Result<()> {
    use linkwork_domain::instrument::{built_in, score, Answer, Answers, ItemKind};
    use rand::{Rng, SeedableRng};
    let work = WorkDir::new(a.dir.as_deref())?;
    let store = linkwork_store::Store::open(&format!("sqlite:{}", work.0.join("scoring.db").display())).await?;
    linkwork_web::measures_api::ensure_built_in(&store).await?;
    let instruments = built_in();
    let mut ids = std::collections::HashMap::new();
    for r in store.list_instruments().await? {
        ids.insert(r.name.clone(), r.id.clone());
    }
    let actor = linkwork_store::pathway::Actor::system("scoring benchmark");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(a.seed);
    let start = std::time::Instant::now();
    let mut people = vec![];
    let mut stored = 0;
    while stored < a.responses {
        let details = linkwork_domain::pathway::person::PersonDetails { given_name: Some(format!("P{stored}")), ..Default::default() };
        let p = store.create_person(&actor, &details, true).await?;
        for _ in 0..a.per_person.min(a.responses - stored) {
            let ins = &instruments[rng.gen_range(0..instruments.len())];
            let answers: Answers = ins
                .items
                .iter()
                .filter_map(|i| match &i.kind {
                    ItemKind::Choice { options, .. } => Some((i.link_id.clone(), Answer::Codes(vec![options[rng.gen_range(0..options.len())].code.clone()]))),
                    ItemKind::Integer { min, max } => Some((i.link_id.clone(), Answer::Number(rng.gen_range(min.unwrap_or(0)..=max.unwrap_or(10)) as f64))),
                    _ => None,
                })
                .collect();
            store.save_response(&actor, &p.id, None, &ids[&ins.name], "screening", &serde_json::to_value(&answers)?, None).await?;
            stored += 1;
        }
        people.push(p.id);
    }
    let stored_in = start.elapsed();
    let by_id: std::collections::HashMap<String, &linkwork_domain::instrument::Instrument> =
        instruments.iter().map(|i| (ids[&i.name].clone(), i)).collect();
    let start = std::time::Instant::now();
    let (mut scored, mut positive) = (0usize, 0usize);
    for pid in &people {
        for r in store.person_responses(&actor, pid).await? {
            let answers: Answers = serde_json::from_value(r.answers)?;
            let s = score(by_id[&r.instrument_id], &answers);
            positive += s.domains.iter().filter(|d| d.positive).count();
            scored += 1;
        }
    }
    let took = start.elapsed();
    println!("stored {stored} responses for {} people in {:.0} s", people.len(), stored_in.as_secs_f64());
    println!(
        "scored {scored} stored responses in {:.2} s ({:.0} per second, read from the store and scored; {positive} positive domains)",
        took.as_secs_f64(),
        scored as f64 / took.as_secs_f64()
    );
    Ok(())
}
