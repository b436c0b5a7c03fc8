//! `fhir`: issue 13's benchmark. Stores N people's pathway history (as `pathway` does) and, for
//! each episode, the ServiceRequest and Task a health system's referral leaves (N Tasks), then
//! starts the real server on SQLite and on PostgreSQL and measures over HTTP:
//! - inbound referral Bundles per second (POST /fhir, each a new person with a valid NHS number),
//!   with C in flight, and their latency;
//! - polling for changes as the IG describes — `Task?owner=…&_lastUpdated=gt…` and
//!   `Task?requester=…&_lastUpdated=gt…&_include=Task:focus` — one at a time (the issue bounds the
//!   first's p99: under 20 ms at 100k Tasks). Every poll is audited, as every read is.

use std::sync::Arc;

use chrono::{Duration as Days, Utc};
use linkwork_domain::pathway::format_time;
use linkwork_domain::Id;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::pathway::{close_backend, expect, insert, open_backend, run, seed, t, token, Raw, V};
use crate::report::{load_average, ms, Latencies};

#[derive(clap::Args)]
pub struct FhirArgs {
    /// People already stored, each with an episode referred over FHIR (so as many Tasks).
    #[arg(long, default_value = "100000", value_parser = crate::parse_count)]
    pub people: usize,
    /// Requests measured for each kind.
    #[arg(long, default_value_t = 1000)]
    pub requests: usize,
    /// Referral Bundles in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Only this database: sqlite or postgres (default both).
    #[arg(long)]
    pub only: Option<String>,
    #[arg(long, env = "LINKWORK_BENCH_PG_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub pg_url: String,
    #[arg(long)]
    pub work_dir: Option<std::path::PathBuf>,
}

const PRACTITIONERS: usize = 50;
const OWNER: &str = "Organization/linkwork";

/// The `i`th valid NHS number from 900 000 000 up (modulus 11; bases whose check would be 10
/// are skipped).
fn nhs(i: usize) -> String {
    let mut n = 900_000_000 + i as u64 * 7;
    loop {
        let d: Vec<u64> = format!("{n:09}").bytes().map(|b| u64::from(b - b'0')).collect();
        let sum: u64 = d.iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
        match 11 - sum % 11 {
            10 => n += 1,
            11 => return format!("{n:09}0"),
            c => return format!("{n:09}{c}"),
        }
    }
}

/// A referral Bundle as a practice system sends it.
fn bundle(i: usize) -> Value {
    json!({ "resourceType": "Bundle", "type": "transaction", "entry": [
        { "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001", "request": { "method": "POST", "url": "Patient" }, "resource": {
            "resourceType": "Patient", "identifier": [{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs(1_000_000 + i) }],
            "name": [{ "family": format!("Bench{i}"), "given": ["Sam"] }], "birthDate": "1950-01-01", "gender": "female" } },
        { "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002", "request": { "method": "POST", "url": "ServiceRequest" }, "resource": {
            "resourceType": "ServiceRequest", "status": "active", "intent": "order",
            "category": [{ "coding": [{ "system": "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes", "code": "social-connection" }] }],
            "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "871731000000106" }] },
            "subject": { "reference": "urn:uuid:00000000-0000-4000-8000-000000000001" } } },
        { "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000003", "request": { "method": "POST", "url": "Task" }, "resource": {
            "resourceType": "Task", "status": "requested", "intent": "order",
            "code": { "coding": [{ "system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill" }] },
            "focus": { "reference": "urn:uuid:00000000-0000-4000-8000-000000000002" }, "for": { "reference": "urn:uuid:00000000-0000-4000-8000-000000000001" },
            "authoredOn": "2026-12-07T09:00:00Z", "requester": { "reference": format!("PractitionerRole/gp-{}", i % PRACTITIONERS) }, "owner": { "reference": OWNER } } }
    ]})
}

/// One ServiceRequest and one Task per stored episode, sent by the `gp` account, changed at
/// times spread over three years (the latest an hour before the benchmark's "now").
async fn seed_fhir(raw: &Raw, seed: u64) -> anyhow::Result<usize> {
    let rows: Vec<(String, String, String)> = match raw {
        Raw::Sqlite(p) => sqlx::query_as("SELECT id, person_id, status FROM episode").fetch_all(p).await?,
        Raw::Pg(p) => sqlx::query_as("SELECT id, person_id, status FROM episode").fetch_all(p).await?,
    };
    let gp: String = match raw {
        Raw::Sqlite(p) => sqlx::query_scalar("SELECT id FROM app_user WHERE username = 'gp'").fetch_one(p).await?,
        Raw::Pg(p) => sqlx::query_scalar("SELECT id FROM app_user WHERE username = 'gp'").fetch_one(p).await?,
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let now = Utc::now() - Days::hours(1);
    let mut out = vec![];
    for (i, (eid, pid, status)) in rows.iter().enumerate() {
        let (sr, task) = (Id::new().to_string(), Id::new().to_string());
        let at = format_time(now - Days::minutes(rng.gen_range(0..3 * 365 * 24 * 60)));
        let requester = format!("PractitionerRole/gp-{}", i % PRACTITIONERS);
        let task_status = match status.as_str() {
            "received" | "contact_attempted" => "requested",
            "contacted" => "accepted",
            "closed" => "completed",
            _ => "in-progress",
        };
        let sr_body = json!({ "resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": { "reference": "Patient/_" } });
        let task_body = json!({ "resourceType": "Task", "status": "requested", "intent": "order", "focus": { "reference": format!("ServiceRequest/{sr}") },
            "for": { "reference": "Patient/_" }, "authoredOn": at, "requester": { "reference": requester }, "owner": { "reference": OWNER },
            "code": { "coding": [{ "system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill" }] } });
        out.push(vec![t("ServiceRequest"), t(sr.clone()), V::I(1), t(at.clone()), t(sr_body.to_string()), t(pid.clone()), t(eid.clone()), t(gp.clone()), V::T(None), V::T(None), V::T(None), t(format!("ServiceRequest/{sr}"))]);
        out.push(vec![t("Task"), t(task), V::I(1), t(at), t(task_body.to_string()), t(pid.clone()), t(eid.clone()), t(gp.clone()), t(task_status), t(OWNER), t(requester), t(format!("ServiceRequest/{sr}"))]);
    }
    let n = rows.len();
    let cols = ["resource_type", "id", "version_id", "last_updated", "body", "person_id", "episode_id", "client_id", "status", "owner_ref", "requester_ref", "focus_ref"];
    insert(raw, "fhir_resource", &cols, out).await?;
    match raw {
        Raw::Sqlite(p) => {
            sqlx::query("ANALYZE").execute(p).await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(p).await?;
        }
        Raw::Pg(p) => {
            sqlx::query("VACUUM ANALYZE").execute(p).await?;
            sqlx::query("CHECKPOINT").execute(p).await?;
        }
    }
    Ok(n)
}

struct Row {
    what: String,
    lat: Latencies,
    per_sec: Option<f64>,
    found: Option<f64>,
}

async fn measure(store: linkwork_store::Store, args: &FhirArgs) -> anyhow::Result<Vec<Row>> {
    let directory = linkwork_web::Directory::new(store, None)?;
    let state = linkwork_web::AppState::new(directory, linkwork_web::WebConfig::default());
    let server = linkwork_web::serve("127.0.0.1:0".parse()?, state).await?;
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    let gp = token(&http, &base, "gp").await?;
    let issued = expect(http.post(format!("{base}/api/v1/tokens")).bearer_auth(&gp).json(&json!({ "name": "practice system", "scopes": ["fhir"] })).send().await?, 201).await?;
    let fhir_token = issued["token"].as_str().unwrap_or_default().to_string();
    let (n, c) = (args.requests, args.concurrency);
    let mut rows = vec![];

    let post = |h: reqwest::Client, b: String, tok: String, i: usize| async move {
        let r = h.post(format!("{b}/fhir")).bearer_auth(&tok).header("content-type", "application/fhir+json").body(bundle(i).to_string()).send().await?;
        expect(r, 200).await?;
        anyhow::Ok(())
    };
    for i in 0..20 {
        post(http.clone(), base.clone(), fhir_token.clone(), n + i).await?;
    }
    let (h, b, tok) = (http.clone(), base.clone(), fhir_token.clone());
    let (lat, wall) = run(n, c, move |i| post(h.clone(), b.clone(), tok.clone(), i)).await?;
    rows.push(Row { what: "inbound referral Bundle (POST /fhir)".into(), per_sec: Some(n as f64 / wall), lat, found: None });

    // Polls for what changed in the last day (the Tasks just sent, and a few seeded ones).
    let since = format_time(Utc::now() - Days::days(1));
    for (what, path) in [
        ("poll by owner (GET /fhir/Task?owner=…&_lastUpdated=gt…)".to_string(), format!("/fhir/Task?owner={OWNER}&_lastUpdated=gt{since}")),
        (
            "poll by requester with its ServiceRequests (…?requester=…&_lastUpdated=gt…&_include=Task:focus)".to_string(),
            format!("/fhir/Task?requester=PractitionerRole/gp-7&_lastUpdated=gt{since}&_include=Task:focus"),
        ),
        ("one Task by id (GET /fhir/Task?_id=…)".to_string(), String::new()),
    ] {
        let path = if path.is_empty() {
            let one = expect(http.get(format!("{base}/fhir/Task?requester=PractitionerRole/gp-3&_count=1")).bearer_auth(&fhir_token).send().await?, 200).await?;
            format!("/fhir/Task?_id={}", one["entry"][0]["resource"]["id"].as_str().unwrap_or_default())
        } else {
            path
        };
        let url = format!("{base}{path}");
        let found = Arc::new(std::sync::Mutex::new(vec![]));
        for _ in 0..20 {
            expect(http.get(&url).bearer_auth(&fhir_token).send().await?, 200).await?;
        }
        let (h, u, tok, f) = (http.clone(), url.clone(), fhir_token.clone(), found.clone());
        let (lat, _) = run(n, 1, move |_| {
            let (h, u, tok, f) = (h.clone(), u.clone(), tok.clone(), f.clone());
            async move {
                let v = expect(h.get(&u).bearer_auth(&tok).send().await?, 200).await?;
                let matched = v["entry"].as_array().map(|e| e.iter().filter(|x| x["search"]["mode"] == "match").count()).unwrap_or(0);
                f.lock().unwrap().push(matched as f64);
                Ok(())
            }
        })
        .await?;
        let f = found.lock().unwrap();
        let mean = f.iter().sum::<f64>() / f.len().max(1) as f64;
        rows.push(Row { what, per_sec: None, lat, found: Some(mean) });
    }
    server.handle.abort();
    Ok(rows)
}

pub async fn fhir(args: FhirArgs) -> anyhow::Result<()> {
    let work = crate::WorkDir::new(args.work_dir.as_deref())?;
    crate::report::header(&format!("FHIR referrals, {} Tasks (issue 13)", args.people));
    for backend in crate::report::backends(args.only.as_deref()) {
        eprintln!("== {backend}");
        let (store, raw, cleanup) = open_backend(backend, &work, &args.pg_url).await?;
        let seeded = seed(&store, &raw, args.people, args.seed).await?;
        let tasks = seed_fhir(&raw, args.seed).await?;
        eprintln!("seeded {} events and {tasks} Tasks in {:.1} s", seeded.events, seeded.secs);
        let rows = measure(store.clone(), &args).await?;
        println!("#### {backend}: {tasks} Tasks and ServiceRequests, {} pathway events stored\n", seeded.events);
        println!("| request | p50 ms | p95 ms | p99 ms | mean ms | max ms | throughput | found (mean) |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        for r in &rows {
            let s = r.lat.summary();
            let tp = r.per_sec.map(|p| format!("{p:.0}/s ({} in flight)", args.concurrency)).unwrap_or_else(|| "one at a time".into());
            let found = r.found.map(|f| format!("{f:.0}")).unwrap_or_default();
            println!("| {} | {} | {} | {} | {} | {} | {} | {} |", r.what, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.mean), ms(s.max), tp, found);
        }
        println!();
        close_backend(store, raw, cleanup).await?;
    }
    println!("Load average after: {}.", load_average());
    Ok(())
}
