//! `observatory`: issue 11's benchmark. Stores N people with a pathway's worth of history (the
//! `pathway` seeder: episodes over three years, timelines, consents including consent to
//! evaluation, onward referrals with attendance) in a fresh SQLite file and a fresh PostgreSQL
//! database, starts the real server on each, and measures as the analyst, over HTTP, one request
//! at a time:
//! - the dashboard page (`GET /observatory`: every indicator's headline and the charts);
//! - one indicator with a breakdown (`GET /api/v1/indicators/{id}?breakdown=…`), for several
//!   indicators and breakdowns, including a two-way equity table;
//! - publishing a year's package (`GET /api/v1/observatory/package`).
//!
//! Each with the facts kept between questions (the default), with a referral made before each
//! question (so that the facts in memory are always one change behind), and with the facts
//! loaded for every question (`cache_seconds = 0`: what one load costs).
//!
//! The targets: dashboard p95 under 1 s, one indicator with a breakdown p99 under 200 ms,
//! a year's package under 10 s.

use std::time::Instant;

use crate::pathway::{close_backend, expect, open_backend, run, seed, token, PASSWORD};
use crate::report::{load_average, ms, Latencies};

#[derive(clap::Args)]
pub struct ObservatoryArgs {
    /// People already stored (each with an episode and its history).
    #[arg(long, default_value = "100000", value_parser = crate::parse_count)]
    pub people: usize,
    /// Requests measured for the dashboard.
    #[arg(long, default_value_t = 40)]
    pub dashboard_requests: usize,
    /// Requests measured for each indicator query.
    #[arg(long, default_value_t = 100)]
    pub requests: usize,
    /// At most this many of each when the facts are loaded for every question.
    #[arg(long, default_value_t = 20)]
    pub uncached_requests: usize,
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

/// The whole seeded history (the dashboard's default is the last year).
const RANGE: &str = "from=2023-11-01&to=2026-11-21";

/// Publishing a year's package: every indicator by month, as one hashed FHIR Bundle.
const PUBLISH: (&str, &str) = ("a year's package (GET /api/v1/observatory/package)", "/api/v1/observatory/package?from=2025-11-22&to=2026-11-21");

/// The indicator queries measured: what an analyst asks most.
const QUERIES: &[(&str, &str)] = &[
    ("referrals received by month", "/api/v1/indicators/referrals-received?breakdown=period"),
    ("referrals received by deprivation quintile × sex", "/api/v1/indicators/referrals-received?breakdown=deprivation_quintile,sex"),
    ("pathway funnel by ethnicity", "/api/v1/indicators/pathway-funnel?breakdown=ethnicity"),
    ("time to first contact by area", "/api/v1/indicators/time-to-first-contact?breakdown=area"),
    ("onward enrolment by organisation", "/api/v1/indicators/onward-enrolment?breakdown=organisation"),
];

pub async fn observatory(args: ObservatoryArgs) -> anyhow::Result<()> {
    let work = crate::WorkDir::new(args.work_dir.as_deref())?;
    crate::report::header(&format!("Observatory, {} people (issue 11)", args.people));
    for backend in crate::report::backends(args.only.as_deref()) {
        eprintln!("== {backend}");
        let (store, raw, cleanup) = open_backend(backend, &work, &args.pg_url).await?;
        let seeded = seed(&store, &raw, args.people, args.seed).await?;
        eprintln!("seeded {} events in {:.1} s", seeded.events, seeded.secs);

        let mut rows: Vec<(String, Latencies)> = vec![];
        // Facts kept between questions (the default), then loaded for every question: the
        // second is what the first answer after a change costs.
        for cache_seconds in [60, 0] {
            let mut config = linkwork_web::WebConfig::default();
            config.observatory.cache_seconds = cache_seconds;
            let directory = linkwork_web::Directory::new(store.clone(), None)?;
            let state = linkwork_web::AppState::new(directory, config);
            // The page takes a browser's session; the API a bearer token.
            let session = linkwork_web::auth::sign_in(&state, "analyst", PASSWORD, "session", "benchmark").await.map_err(|e| anyhow::anyhow!("{e:?}"))?.secret;
            let server = linkwork_web::serve("127.0.0.1:0".parse()?, state).await?;
            let base = format!("http://{}", server.addr);
            let http = reqwest::Client::builder().pool_max_idle_per_host(8).build()?;
            let analyst = token(&http, &base, "analyst").await?;
            let cached = if cache_seconds > 0 { "kept" } else { "loaded each time" };

            let t0 = Instant::now();
            let first = http.get(format!("{base}/observatory?{RANGE}")).header("cookie", format!("linkwork_session={session}")).send().await?;
            anyhow::ensure!(first.status() == 200, "the dashboard answered {}", first.status());
            let page = first.text().await?;
            anyhow::ensure!(page.contains("href=\"/observatory/indicators/pathway-funnel\""), "not the dashboard: {}", &page[..page.len().min(2000)]);
            eprintln!("first dashboard: {:.0} ms, {} bytes", t0.elapsed().as_secs_f64() * 1e3, page.len());
            let requests = std::iter::once(("dashboard (GET /observatory)".to_string(), format!("/observatory?{RANGE}"), args.dashboard_requests))
                .chain(QUERIES.iter().map(|(w, p)| (w.to_string(), format!("{p}&{RANGE}"), args.requests)))
                .chain(std::iter::once((PUBLISH.0.to_string(), PUBLISH.1.to_string(), args.dashboard_requests.min(10))));
            for (what, path, n) in requests {
                let is_page = path.starts_with("/observatory");
                let (h, url) = (http.clone(), format!("{base}{path}"));
                let auth = if is_page { ("cookie", format!("linkwork_session={session}")) } else { ("authorization", format!("Bearer {analyst}")) };
                let n = if cache_seconds == 0 { n.min(args.uncached_requests) } else { n };
                for _ in 0..3 {
                    let r = h.get(&url).header(auth.0, &auth.1).send().await?;
                    anyhow::ensure!(r.status() == 200, "{url} answered {}", r.status());
                    r.bytes().await?;
                }
                let (lat, _) = run(n, 1, move |_| {
                    let (h, url, auth) = (h.clone(), url.clone(), auth.clone());
                    async move {
                        let r = h.get(&url).header(auth.0, &auth.1).send().await?;
                        if is_page {
                            anyhow::ensure!(r.status() == 200, "{url} answered {}", r.status());
                            r.bytes().await?;
                        } else {
                            expect(r, 200).await?;
                        }
                        Ok(())
                    }
                })
                .await?;
                eprintln!("{what}, facts {cached}: p99 {} ms", ms(lat.summary().p99));
                rows.push((format!("{what}, facts {cached} (n = {n})"), lat));
            }
            if cache_seconds > 0 {
                // A busy service: a referral arrives before every question (not timed), so the
                // facts in memory are always one change behind.
                let gp = token(&http, &base, "gp").await?;
                for (what, path) in [("dashboard (GET /observatory)", format!("/observatory?{RANGE}")), (QUERIES[1].0, format!("{}&{RANGE}", QUERIES[1].1))] {
                    let mut lat = Latencies::default();
                    for i in 0..args.requests.min(args.dashboard_requests) {
                        let body = serde_json::json!({
                            "person": { "given_name": "Busy", "family_name": format!("Day{i}"), "birth_date": "1950-01-01", "phone": "01632 960 000" },
                            "referral": { "source": "gp", "reasons": ["social_connection"], "urgency": "routine" },
                            "consent_to_support": true, "consent_method": "verbal", "not_a_duplicate": true
                        });
                        expect(http.post(format!("{base}/api/v1/referrals")).bearer_auth(&gp).json(&body).send().await?, 201).await?;
                        let req = http.get(format!("{base}{path}"));
                        let req = if path.starts_with("/observatory") { req.header("cookie", format!("linkwork_session={session}")) } else { req.bearer_auth(&analyst) };
                        let t0 = Instant::now();
                        let r = req.send().await?;
                        anyhow::ensure!(r.status() == 200, "{path} answered {}", r.status());
                        r.bytes().await?;
                        lat.push(t0.elapsed());
                    }
                    eprintln!("{what}, a change before each: p99 {} ms", ms(lat.summary().p99));
                    rows.push((format!("{what}, facts kept, a referral made before each (n = {})", args.requests.min(args.dashboard_requests)), lat));
                }
            }
            server.handle.abort();
        }

        println!("#### {backend}: {} people, {} events stored (seeded in {:.0} s)\n", args.people, seeded.events, seeded.secs);
        println!("| request | p50 ms | p95 ms | p99 ms | mean ms | max ms |");
        println!("|---|---:|---:|---:|---:|---:|");
        for (what, lat) in &rows {
            let s = lat.summary();
            println!("| {what} | {} | {} | {} | {} | {} |", ms(s.p50), ms(s.p95), ms(s.p99), ms(s.mean), ms(s.max));
        }
        println!();
        close_backend(store, raw, cleanup).await?;
    }
    println!("Load average after: {}.", load_average());
    Ok(())
}

