//! `pathway`: issue 3's benchmark. Stores N people with their episodes, timelines, consents,
//! onward referrals, attendance and audit trail (about ten events per person: 1M for 100k
//! people) straight into a fresh SQLite file and a fresh PostgreSQL database, starts the real
//! server on each, and measures over HTTP, from this process:
//! - create-referral and status-transition throughput and latency, with C requests in flight;
//! - the caseload, the caseload list, the due follow-ups and the provider's inbox, one request at
//!   a time (their p99 is what the issue bounds: under 10 ms).

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{Duration as Days, TimeZone, Utc};
use linkwork_domain::pathway::audit::{AuditEntry, GENESIS};
use linkwork_domain::pathway::person::{PersonDetails, Sex};
use linkwork_domain::pathway::referral::{ReferralDetails, ReferralSource, Urgency};
use linkwork_domain::pathway::{format_time, Role};
use linkwork_domain::Id;
use linkwork_store::pathway::{Actor, NewUser};
use linkwork_store::Store;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::{PgPool, SqlitePool};

use crate::report::{load_average, ms, Latencies};

#[derive(clap::Args)]
pub struct PathwayArgs {
    /// People already stored (each with an episode and about ten events).
    #[arg(long, default_value = "100000", value_parser = crate::parse_count)]
    pub people: usize,
    /// Requests measured for each write and each read.
    #[arg(long, default_value_t = 1000)]
    pub requests: usize,
    /// Write requests in flight at once.
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

const LINK_WORKERS: usize = 40;
const ORGS: usize = 20;
pub(crate) const PASSWORD: &str = "benchmark password";

pub(crate) enum Raw {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

#[derive(Clone)]
pub(crate) enum V {
    T(Option<String>),
    B(bool),
    I(i64),
}

pub(crate) fn t(s: impl Into<String>) -> V {
    V::T(Some(s.into()))
}

/// Multi-row INSERTs in one transaction per call.
pub(crate) async fn insert(raw: &Raw, table: &str, cols: &[&str], rows: Vec<Vec<V>>) -> anyhow::Result<()> {
    let per = (30_000 / cols.len()).max(1);
    macro_rules! go {
        ($pool:expr, $pg:expr) => {{
            let mut tx = $pool.begin().await?;
            for chunk in rows.chunks(per) {
                let mut n = 0;
                let values = chunk
                    .iter()
                    .map(|_| {
                        let ps = (0..cols.len())
                            .map(|_| {
                                n += 1;
                                if $pg { format!("${n}") } else { "?".to_string() }
                            })
                            .collect::<Vec<_>>()
                            .join(", ");
                        format!("({ps})")
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!("INSERT INTO {table} ({}) VALUES {values}", cols.join(", "));
                let mut q = sqlx::query(&sql);
                for row in chunk {
                    for v in row {
                        q = match v {
                            V::T(s) => q.bind(s.clone()),
                            V::B(b) => q.bind(*b),
                            V::I(i) => q.bind(*i),
                        };
                    }
                }
                q.execute(&mut *tx).await.with_context(|| format!("inserting into {table}"))?;
            }
            tx.commit().await?;
        }};
    }
    match raw {
        Raw::Sqlite(p) => go!(p, false),
        Raw::Pg(p) => go!(p, true),
    }
    Ok(())
}

pub(crate) struct Seeded {
    pub(crate) events: usize,
    pub(crate) secs: f64,
}

/// Stores `people` people the way months of use would leave them: with the sex, area, deprivation
/// decile and ethnicity the observatory breaks down by, and consent to evaluation for most
/// (85% given, 3% given then withdrawn, the rest never asked).
pub(crate) async fn seed(store: &Store, raw: &Raw, people: usize, seed: u64) -> anyhow::Result<Seeded> {
    let start = Instant::now();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let hash = linkwork_web::auth::hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let orgs: Vec<String> = (0..ORGS).map(|i| Id::derived("bench-org", &i.to_string()).to_string()).collect();
    let system = Actor::system("benchmark set-up");
    let mk = |username: String, role: Role, orgs: Vec<String>| NewUser {
        display_name: username.clone(),
        username,
        email: None,
        password_hash: Some(hash.clone()),
        roles: vec![role],
        organizations: orgs,
    };
    store.create_user(&system, &mk("gp".into(), Role::Referrer, vec![])).await?;
    store.create_user(&system, &mk("analyst".into(), Role::Analyst, vec![])).await?;
    let mut link_workers = vec![];
    for i in 0..LINK_WORKERS {
        link_workers.push(store.create_user(&system, &mk(format!("lw{i}"), Role::LinkWorker, vec![])).await?.id);
    }
    for (i, o) in orgs.iter().enumerate() {
        store.create_user(&system, &mk(format!("provider{i}"), Role::Provider, vec![o.clone()])).await?;
    }
    let gp = store.user_by_username("gp").await?.unwrap().id;

    let base = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
    let given = ["Ana", "Ben", "Chloe", "Dev", "Ewa", "Femi", "Grace", "Hari", "Ines", "Jon", "Kemi", "Lola", "Mo", "Nia", "Omar", "Pia"];
    let family = ["Smith", "Jones", "Patel", "Khan", "Lopez", "Nowak", "Okafor", "Brown", "Garcia", "Wilson", "Ali", "Evans"];
    let reasons = ["social_connection", "exercise", "food", "financial", "housing", "mental_health", "arts_culture", "nature"];
    let steps = ["received", "contact_attempted", "contacted", "assessed", "plan_agreed", "active", "closed"];
    let (mut persons, mut consents, mut episodes, mut events, mut onward, mut onward_ev, mut attendance, mut follow) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut audit_subjects = vec![];
    let mut evaluation = vec![];
    for i in 0..people {
        let pid = Id::new().to_string();
        let eid = Id::new().to_string();
        let details = PersonDetails {
            given_name: Some(given.choose(&mut rng).unwrap().to_string()),
            family_name: Some(format!("{}{}", family.choose(&mut rng).unwrap(), i % 97)),
            birth_date: Some(format!("{}-{:02}-{:02}", rng.gen_range(1930..2005), rng.gen_range(1..13), rng.gen_range(1..29))),
            phone: Some(format!("01632 {:06}", rng.gen_range(0..999_999))),
            postcode: Some(format!("MB{} {}AA", rng.gen_range(1..20), rng.gen_range(1..9))),
            language: Some(if rng.gen_bool(0.1) { "es" } else { "en" }.into()),
            sex: Some(if rng.gen_bool(0.55) { Sex::Female } else { Sex::Male }),
            area: Some(format!("Ward {}", rng.gen_range(1..=12))),
            deprivation_decile: Some(rng.gen_range(1..=10)),
            ethnicity: Some(["A", "A", "A", "C", "H", "J", "N", "M", "S", "Z"].choose(&mut rng).unwrap().to_string()),
            ..Default::default()
        };
        let received = base - Days::minutes(rng.gen_range(0..3 * 365 * 24 * 60));
        let open = rng.gen_bool(0.12);
        let last = if open { rng.gen_range(0..6) } else { 6 };
        let lw = link_workers[i % LINK_WORKERS].clone();
        let rd = ReferralDetails {
            source: ReferralSource::Gp,
            referrer_name: None,
            referrer_organisation: None,
            referrer_contact: None,
            reasons: reasons.choose_multiple(&mut rng, 2).map(|s| s.to_string()).collect(),
            details: Some("Referred after a long illness; lives alone.".into()),
            urgency: Urgency::Routine,
            risks: None,
            safeguarding: false,
        };
        let mut at = received;
        let mut times = vec![];
        for (k, step) in steps.iter().enumerate().take(last + 1) {
            if k > 0 {
                at += Days::hours(rng.gen_range(4..24 * 14));
            }
            times.push(at);
            events.push(vec![
                t(Id::new().to_string()),
                t(eid.clone()),
                V::T((k > 0).then(|| steps[k - 1].to_string())),
                t(*step),
                t(format_time(at)),
                t(lw.clone()),
                V::T((k == 6).then(|| "goals_met".to_string())),
                V::T((k == 2).then(|| "871731000000106".to_string())),
            ]);
        }
        persons.push(vec![
            t(pid.clone()),
            t(serde_json::to_string(&details)?),
            t(details.display_name()),
            V::T(details.duplicate_key()),
            t(format_time(received)),
            t(gp.clone()),
            t(format_time(at)),
            V::I(1),
        ]);
        consents.push(vec![t(Id::new().to_string()), t(pid.clone()), t("support"), V::T(None), t("verbal"), t(format_time(received))]);
        let asked: f64 = rng.gen();
        if asked < 0.88 {
            let withdrawn = (asked >= 0.85).then(|| format_time(received + Days::days(30)));
            evaluation.push(vec![t(Id::new().to_string()), t(pid.clone()), t("evaluation"), t("verbal"), t(format_time(received)), V::T(withdrawn)]);
        }
        episodes.push(vec![
            t(eid.clone()),
            t(pid.clone()),
            t(steps[last]),
            V::B(last >= 2),
            V::T((last == 6).then(|| "goals_met".to_string())),
            t(serde_json::to_string(&rd)?),
            t("gp"),
            t("routine"),
            V::B(false),
            t(gp.clone()),
            t(lw.clone()),
            t(format_time(received)),
            t(format_time(at)),
            V::T((last == 6).then(|| format_time(at))),
            V::I(1),
        ]);
        if open && last >= 2 {
            follow.push(vec![t(Id::new().to_string()), t(eid.clone()), t(lw.clone()), t((base + Days::days(rng.gen_range(-20..30))).format("%Y-%m-%d").to_string()), t(format_time(at)), V::T(None)]);
        }
        if last >= 4 && rng.gen_bool(0.7) {
            let org = orgs.choose(&mut rng).unwrap().clone();
            let oid = Id::new().to_string();
            consents.push(vec![t(Id::new().to_string()), t(pid.clone()), t("sharing"), t(org.clone()), t("verbal"), t(format_time(times[3]))]);
            let final_status = if open { "in-progress" } else { ["completed", "completed", "rejected", "failed"].choose(&mut rng).unwrap() };
            let path: Vec<&str> = match final_status {
                "rejected" => vec!["draft", "requested", "rejected"],
                "in-progress" => vec!["draft", "requested", "accepted", "in-progress"],
                "failed" => vec!["draft", "requested", "accepted", "in-progress", "failed"],
                _ => vec!["draft", "requested", "accepted", "in-progress", "completed"],
            };
            let mut ot = times[4];
            for (k, s) in path.iter().enumerate() {
                ot += Days::hours(rng.gen_range(1..72));
                onward_ev.push(vec![
                    t(Id::new().to_string()),
                    t(oid.clone()),
                    V::T((k > 0).then(|| path[k - 1].to_string())),
                    t(*s),
                    t(if k <= 1 { "requester" } else { "performer" }),
                    t(format_time(ot)),
                ]);
            }
            if path.contains(&"in-progress") {
                for w in 0..rng.gen_range(1..6) {
                    attendance.push(vec![
                        t(Id::new().to_string()),
                        t(oid.clone()),
                        t((ot + Days::days(7 * w)).format("%Y-%m-%d").to_string()),
                        V::B(rng.gen_bool(0.75)),
                        t(format_time(ot + Days::days(7 * w))),
                    ]);
                }
            }
            onward.push(vec![
                t(oid),
                t(eid.clone()),
                t(pid.clone()),
                t(Id::derived("bench-service", &org).to_string()),
                t("Walking group"),
                t(org),
                t(final_status),
                t(lw.clone()),
                t(format_time(times[4])),
                t(format_time(ot)),
                V::I(1),
            ]);
        }
        audit_subjects.push((pid, eid, lw));
    }
    let n_events = events.len() + onward_ev.len() + attendance.len();
    eprintln!(
        "seeding: {} people, {} episode events, {} onward referrals with {} events, {} attendance records",
        persons.len(),
        events.len(),
        onward.len(),
        onward_ev.len(),
        attendance.len()
    );
    insert(raw, "person", &["id", "details", "display_name", "duplicate_key", "created_at", "created_by", "updated_at", "version"], persons).await?;
    insert(raw, "consent", &["id", "person_id", "purpose", "organization_id", "method", "recorded_at"], consents).await?;
    insert(raw, "consent", &["id", "person_id", "purpose", "method", "recorded_at", "withdrawn_at"], evaluation).await?;
    let ecols = [
        "id", "person_id", "status", "accepted", "closure_reason", "referral", "source", "urgency", "safeguarding", "referred_by", "link_worker_id", "received_at",
        "updated_at", "closed_at", "version",
    ];
    insert(raw, "episode", &ecols, episodes).await?;
    insert(raw, "episode_event", &["id", "episode_id", "from_status", "to_status", "at", "actor_id", "reason", "code"], events).await?;
    let ocols = ["id", "episode_id", "person_id", "service_id", "service_name", "organization_id", "status", "created_by", "created_at", "updated_at", "version"];
    insert(raw, "onward_referral", &ocols, onward).await?;
    insert(raw, "onward_event", &["id", "onward_referral_id", "from_status", "to_status", "side", "at"], onward_ev).await?;
    insert(raw, "attendance", &["id", "onward_referral_id", "session_on", "attended", "recorded_at"], attendance).await?;
    insert(raw, "follow_up", &["id", "episode_id", "link_worker_id", "due_on", "created_at", "done_at"], follow).await?;

    // The audit trail those months would have left: reads and writes of each person, chained.
    let (last_seq, last_hash): (i64, String) = {
        let (items, _) = store.search_audit(&linkwork_store::pathway::AuditFilter { limit: 1, ..Default::default() }).await?;
        items.first().map(|e| (e.seq, e.hash.clone())).unwrap_or((0, GENESIS.to_string()))
    };
    let mut prev = last_hash;
    let mut seq = last_seq;
    let mut audit_rows = vec![];
    let at0 = base - Days::days(3 * 365);
    for (pid, eid, lw) in &audit_subjects {
        for (action, entity, id) in [("create", "person", pid), ("read", "episode", eid), ("update", "episode", eid)] {
            seq += 1;
            let mut e = AuditEntry {
                seq,
                at: format_time(at0 + Days::seconds(seq)),
                actor_id: Some(lw.clone()),
                actor_name: "lw".into(),
                actor_role: "link_worker".into(),
                action: action.into(),
                entity: entity.into(),
                entity_id: Some(id.clone()),
                person_id: Some(pid.clone()),
                reason: "benchmark history".into(),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = e.compute_hash();
            prev = e.hash.clone();
            audit_rows.push(vec![
                V::I(e.seq),
                t(e.at),
                V::T(e.actor_id),
                t(e.actor_name),
                t(e.actor_role),
                t(e.action),
                t(e.entity),
                V::T(e.entity_id),
                V::T(e.person_id),
                t(e.reason),
                t(e.prev_hash),
                t(e.hash),
            ]);
        }
    }
    let n_audit = audit_rows.len();
    let acols = ["seq", "at", "actor_id", "actor_name", "actor_role", "action", "entity", "entity_id", "person_id", "reason", "prev_hash", "hash"];
    insert(raw, "audit_log", &acols, audit_rows).await?;
    // Statistics for the planner, and a checkpoint, so that the measuring starts from the steady
    // state a server would be in, not in the middle of writing out the bulk load.
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
    Ok(Seeded { events: n_events + n_audit, secs: start.elapsed().as_secs_f64() })
}

pub(crate) async fn token(http: &reqwest::Client, base: &str, username: &str) -> anyhow::Result<String> {
    let r: Value = http.post(format!("{base}/api/v1/auth/token")).json(&json!({ "username": username, "password": PASSWORD })).send().await?.json().await?;
    r["token"].as_str().map(str::to_string).with_context(|| format!("signing in {username}: {r}"))
}

/// Runs `n` requests made by `make(i)` with `c` in flight; latencies and wall time.
pub(crate) async fn run<F, Fut>(n: usize, c: usize, make: F) -> anyhow::Result<(Latencies, f64)>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let make = Arc::new(make);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = vec![];
    for _ in 0..c {
        let (make, next) = (make.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = vec![];
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let t0 = Instant::now();
                make(i).await?;
                lat.push(t0.elapsed());
            }
            anyhow::Ok(lat)
        }));
    }
    let mut all = Latencies::default();
    for t in tasks {
        for d in t.await?? {
            all.push(d);
        }
    }
    Ok((all, start.elapsed().as_secs_f64()))
}

pub(crate) async fn expect(r: reqwest::Response, status: u16) -> anyhow::Result<Value> {
    let got = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(got == status, "expected {status}, got {got}: {body}");
    Ok(body)
}

struct Row {
    what: &'static str,
    lat: Latencies,
    per_sec: Option<f64>,
}

async fn measure(store: Store, args: &PathwayArgs) -> anyhow::Result<Vec<Row>> {
    let directory = linkwork_web::Directory::new(store, None)?;
    let state = linkwork_web::AppState::new(directory, linkwork_web::WebConfig::default());
    let server = linkwork_web::serve("127.0.0.1:0".parse()?, state).await?;
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    let gp = token(&http, &base, "gp").await?;
    let lw = token(&http, &base, "lw0").await?;
    let provider = token(&http, &base, "provider0").await?;
    let n = args.requests;
    let c = args.concurrency;
    let mut rows = vec![];

    // Create referrals (each a new person: person, consent, episode, event, audit entries).
    let created = Arc::new(std::sync::Mutex::new(vec![String::new(); n]));
    let (h, b, g, cr) = (http.clone(), base.clone(), gp.clone(), created.clone());
    let body = move |i: usize| {
        json!({
            "person": { "given_name": "Bench", "family_name": format!("Person{i}"), "birth_date": "1950-01-01", "phone": "01632 960 000" },
            "referral": { "source": "gp", "reasons": ["social_connection", "exercise"], "urgency": "routine", "details": "benchmark" },
            "consent_to_support": true, "consent_method": "verbal", "not_a_duplicate": true
        })
    };
    // Warm-up, unmeasured.
    for i in 0..20 {
        expect(http.post(format!("{base}/api/v1/referrals")).bearer_auth(&gp).json(&body(n + i)).send().await?, 201).await?;
    }
    let (lat, wall) = run(n, c, move |i| {
        let (h, b, g, cr) = (h.clone(), b.clone(), g.clone(), cr.clone());
        let bd = body(i);
        async move {
            let v = expect(h.post(format!("{b}/api/v1/referrals")).bearer_auth(&g).json(&bd).send().await?, 201).await?;
            cr.lock().unwrap()[i] = v["id"].as_str().unwrap_or_default().to_string();
            Ok(())
        }
    })
    .await?;
    rows.push(Row { what: "create referral (POST /api/v1/referrals)", per_sec: Some(n as f64 / wall), lat });

    // Status transitions on those episodes: received → contact_attempted.
    let ids = created.lock().unwrap().clone();
    let (h, b, l) = (http.clone(), base.clone(), lw.clone());
    let (lat, wall) = run(n, c, move |i| {
        let (h, b, l, id) = (h.clone(), b.clone(), l.clone(), ids[i].clone());
        async move {
            expect(h.post(format!("{b}/api/v1/episodes/{id}/transitions")).bearer_auth(&l).json(&json!({ "to": "contact_attempted" })).send().await?, 200).await?;
            Ok(())
        }
    })
    .await?;
    rows.push(Row { what: "status transition (POST …/transitions)", per_sec: Some(n as f64 / wall), lat });

    // Reads, one at a time.
    for (what, path, tok) in [
        ("caseload (GET /api/v1/caseload)", "/api/v1/caseload", lw.clone()),
        ("caseload list, first page of 50 (GET /api/v1/episodes?mine=true)", "/api/v1/episodes?mine=true", lw.clone()),
        ("follow-ups due (GET /api/v1/follow-ups)", "/api/v1/follow-ups", lw.clone()),
        ("provider inbox, 50 newest (GET /api/v1/inbox)", "/api/v1/inbox", provider.clone()),
    ] {
        let (h, url, t) = (http.clone(), format!("{base}{path}"), tok.clone());
        for _ in 0..20 {
            expect(h.get(&url).bearer_auth(&t).send().await?, 200).await?;
        }
        let (lat, _) = run(n, 1, move |_| {
            let (h, url, t) = (h.clone(), url.clone(), t.clone());
            async move {
                expect(h.get(&url).bearer_auth(&t).send().await?, 200).await?;
                Ok(())
            }
        })
        .await?;
        rows.push(Row { what, per_sec: None, lat });
    }
    server.handle.abort();
    Ok(rows)
}

/// A PostgreSQL database to drop at the end: the server's admin connection and the name.
pub(crate) type Cleanup = Option<(PgPool, String)>;

/// A fresh, migrated store on `backend` (sqlite: a file in the work directory; postgres: a new
/// database on the server), and a raw pool on it for bulk loading.
pub(crate) async fn open_backend(backend: &str, work: &crate::WorkDir, pg_url: &str) -> anyhow::Result<(Store, Raw, Cleanup)> {
    let (url, raw, cleanup) = if backend == "sqlite" {
        let url = format!("sqlite:{}", work.0.join("pathway.db").display());
        let store = Store::open(&url).await?;
        store.close().await;
        let pool = SqlitePool::connect(&url).await?;
        (url, Raw::Sqlite(pool), None)
    } else {
        let name = format!("linkwork_bench_pathway_{}", std::process::id());
        let admin = PgPool::connect(pg_url).await?;
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await?;
        let url = format!("{}/{name}", pg_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(pg_url));
        Store::open(&url).await?.close().await;
        let pool = PgPool::connect(&url).await?;
        (url, Raw::Pg(pool), Some((admin, name)))
    };
    Ok((Store::open(&url).await?, raw, cleanup))
}

pub(crate) async fn close_backend(store: Store, raw: Raw, cleanup: Cleanup) -> anyhow::Result<()> {
    store.close().await;
    drop(raw);
    if let Some((admin, name)) = cleanup {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await?;
    }
    Ok(())
}

pub async fn pathway(args: PathwayArgs) -> anyhow::Result<()> {
    let work = crate::WorkDir::new(args.work_dir.as_deref())?;
    crate::report::header(&format!("Pathway API, {} people (issue 3)", args.people));
    for backend in crate::report::backends(args.only.as_deref()) {
        eprintln!("== {backend}");
        let (store, raw, cleanup) = open_backend(backend, &work, &args.pg_url).await?;
        let seeded = seed(&store, &raw, args.people, args.seed).await?;
        eprintln!("seeded {} events in {:.1} s", seeded.events, seeded.secs);
        let rows = measure(store.clone(), &args).await?;
        println!("#### {backend}: {} people, {} events stored (seeded in {:.0} s)\n", args.people, seeded.events, seeded.secs);
        println!("| request | p50 ms | p95 ms | p99 ms | mean ms | max ms | throughput |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for r in &rows {
            let s = r.lat.summary();
            let tp = r.per_sec.map(|p| format!("{p:.0}/s ({} in flight)", args.concurrency)).unwrap_or_else(|| "one at a time".into());
            println!("| {} | {} | {} | {} | {} | {} | {} |", r.what, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.mean), ms(s.max), tp);
        }
        println!();
        close_backend(store, raw, cleanup).await?;
    }
    println!("Load average after: {}.", load_average());
    Ok(())
}
