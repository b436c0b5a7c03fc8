//! `linkwork-bench`: measures what issue 2 asks of the directory search, against the baseline it
//! names, in the same run, and prints Markdown for docs/benchmarks.md.
//!
//! - `search --services N`: builds a tantivy index of N synthetic services on disk and loads the
//!   same services into a fresh PostgreSQL database the way most directory applications search
//!   (tsvector + GIN, a bounding box and haversine), then puts one fixed, seeded query mix to
//!   both, one query at a time, and reports p50/p95/p99/mean per query kind and the ratio.
//! - `memory --services N`: the peak resident set while building the index, and then while an
//!   index reopened from disk (as `serve` opens it) answers the query mix.
//!
//! Progress goes to standard error; the Markdown report to standard output.

mod baseline;
mod corpus;
mod fhir;
mod outbox;
mod mix;
mod match_eval;
mod observatory;
mod pathway;
mod report;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};
use linkwork_search::SearchIndex;

use crate::baseline::Baseline;
use crate::corpus::{taxonomy_tree, today, PointSample, Services};
use crate::mix::{mix, BenchQuery, Kind};
use crate::report::{bytes_mib, command_line, dir_bytes, mib, ms, status_kb, Latencies, Machine};

#[derive(Parser)]
#[command(name = "linkwork-bench", about = "Directory search benchmarks for docs/benchmarks.md")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Search latency of the index against the PostgreSQL full-text baseline, on the same data.
    Search(SearchArgs),
    /// Peak resident memory while building the index and while a reopened index answers queries.
    Memory(MemoryArgs),
    /// Issue 3: pathway API throughput and latency over HTTP on SQLite and PostgreSQL with N
    /// people (and about ten events each) already stored.
    Pathway(pathway::PathwayArgs),
    /// Issue 11: the observatory's dashboard and indicator queries over HTTP on SQLite and
    /// PostgreSQL with N people's pathway history stored.
    Observatory(observatory::ObservatoryArgs),
    /// Issue 13: FHIR referral Bundles per second and Task polling latency over HTTP on SQLite
    /// and PostgreSQL with N Tasks stored.
    Fhir(fhir::FhirArgs),
    /// Issue 13: notification outbox throughput, N emails through the delivery worker to a local
    /// SMTP server (aiosmtpd), on SQLite and PostgreSQL.
    Outbox(outbox::OutboxArgs),
    /// Issue 5: matching against plain text search on the labelled cases (precision@5, nDCG@10).
    MatchEval(match_eval::EvalArgs),
    /// Issue 5: matching latency for one person over N synthetic services (target p99 < 50 ms at 1M).
    MatchLatency(match_eval::LatencyArgs),
    /// Issue 5: reading back and scoring N stored questionnaire responses.
    ScoreResponses(match_eval::ScoringArgs),
    /// Used by `memory`: opens an index built by it, in a fresh process, and reports.
    #[command(hide = true)]
    Probe(ProbeArgs),
}

#[derive(clap::Args)]
struct ProbeArgs {
    #[arg(long)]
    dir: PathBuf,
    #[arg(long)]
    seed: u64,
    #[arg(long)]
    queries: usize,
    #[arg(long)]
    warmup: usize,
}

#[derive(clap::Args)]
struct Common {
    /// Number of services (10000, 10k, 1M...).
    #[arg(long, short = 'n', default_value = "10000", value_parser = parse_count)]
    services: usize,
    /// Seed of the synthetic directory and of the query mix.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Measured queries of each kind.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Unmeasured queries of each kind run first, so that both engines start warm.
    #[arg(long, default_value_t = 20)]
    warmup: usize,
    /// Where the index and temporary files go (a new directory under it, removed at the end).
    #[arg(long)]
    work_dir: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SearchArgs {
    #[command(flatten)]
    common: Common,
    /// The PostgreSQL server to make the baseline's database on (trust auth expected).
    #[arg(long, env = "LINKWORK_BENCH_PG_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pg_url: String,
    /// Also print the baseline's query plans (EXPLAIN ANALYZE) of one query of each kind to
    /// standard error.
    #[arg(long)]
    explain: bool,
    /// `work_mem` for the baseline's session (e.g. 64MB), to see what tuning buys it; the
    /// server's own setting otherwise.
    #[arg(long)]
    pg_work_mem: Option<String>,
    /// Print this many of each engine's slowest queries to standard error.
    #[arg(long, default_value_t = 0)]
    slowest: usize,
}

#[derive(clap::Args)]
struct MemoryArgs {
    #[command(flatten)]
    common: Common,
}

/// "10000", "10_000", "10k" and "1M" alike.
pub(crate) fn parse_count(s: &str) -> Result<usize, String> {
    let t = s.trim().replace('_', "");
    let (num, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        _ => (t.as_str(), 1),
    };
    num.parse::<usize>().map(|n| n * mult).map_err(|_| format!("'{s}' is not a number of services"))
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    // One thread drives the one baseline connection; the index searches on the calling thread
    // (it fans a query out over its segments itself).
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match cli.command {
        Command::Search(a) => rt.block_on(search(a)),
        Command::Memory(a) => memory(a),
        Command::Probe(a) => probe(a),
        Command::Pathway(a) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(pathway::pathway(a)),
        Command::Observatory(a) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(observatory::observatory(a)),
        Command::Fhir(a) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(fhir::fhir(a)),
        Command::Outbox(a) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(outbox::outbox(a)),
        Command::MatchEval(a) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(match_eval::run(a)),
        Command::MatchLatency(a) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(match_eval::latency(a)),
        Command::ScoreResponses(a) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(match_eval::scoring(a)),
    }
}

/// A directory removed when dropped, even on error.
pub(crate) struct WorkDir(pub(crate) PathBuf);

impl WorkDir {
    pub(crate) fn new(base: Option<&Path>) -> anyhow::Result<Self> {
        let base = base.map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.subsec_nanos();
        let dir = base.join(format!("linkwork-bench-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What building the index took.
struct Build {
    index: SearchIndex,
    services: usize,
    rows: usize,
    points: Vec<(f64, f64)>,
    /// Generating, nesting and parsing the services (main thread).
    generate: Duration,
    /// Writing the baseline's COPY file (main thread), not counted as index time.
    rows_file: Duration,
    /// From the first document to a committed, optimised index, less `generate` and `rows_file`:
    /// what the index costs on top of having the documents. Its writer threads index while the
    /// main thread generates, so this is the wall time the index adds, not its CPU time.
    index_time: Duration,
    commit: Duration,
    optimize: Duration,
    peak_kb: Option<u64>,
}

fn build_index(dir: &Path, c: &Common, mut rows_out: Option<&mut dyn Write>) -> anyhow::Result<Build> {
    let tree = taxonomy_tree();
    let today = today();
    let mut index = SearchIndex::open(dir.join("index"))?;
    let mut sample = PointSample::new(c.seed, 2_000);
    let (mut generate, mut rows_file) = (Duration::ZERO, Duration::ZERO);
    let (mut services, mut rows, mut reported) = (0usize, 0usize, 0usize);
    let start = Instant::now();
    let mut batches = Services::new(c.seed, c.services);
    loop {
        let t = Instant::now();
        let Some(docs) = batches.next() else { break };
        let docs = docs?;
        sample.offer(&docs);
        generate += t.elapsed();
        if let Some(out) = rows_out.as_mut() {
            let t = Instant::now();
            rows += corpus::write_rows(out, &docs, &tree, today)?;
            rows_file += t.elapsed();
        }
        index.index_services_on(&docs, &tree, today)?;
        services += docs.len();
        if services - reported >= 100_000 {
            reported = services;
            eprintln!("  {services} services at {:.0} s", start.elapsed().as_secs_f64());
        }
        let t = Instant::now();
        drop(docs);
        generate += t.elapsed();
    }
    let t = Instant::now();
    index.commit(0)?;
    let commit = t.elapsed();
    let t = Instant::now();
    index.optimize()?;
    let optimize = t.elapsed();
    let index_time = start.elapsed().saturating_sub(generate + rows_file);
    Ok(Build {
        index,
        services,
        rows,
        points: sample.points,
        generate,
        rows_file,
        index_time,
        commit,
        optimize,
        peak_kb: status_kb("VmHWM"),
    })
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn per_sec(n: usize, d: Duration) -> String {
    format!("{:.0}", n as f64 / d.as_secs_f64().max(1e-9))
}

/// Per kind: tantivy latencies, baseline latencies, and the totals each engine reported.
#[derive(Default)]
struct KindResults {
    tantivy: Latencies,
    postgres: Latencies,
    tantivy_total: u64,
    postgres_total: u64,
    same_total: usize,
    /// Queries that found at least one service, per engine.
    tantivy_nonempty: usize,
    postgres_nonempty: usize,
    n: usize,
}

async fn search(a: SearchArgs) -> anyhow::Result<()> {
    let c = &a.common;
    let machine = Machine::read();
    let work = WorkDir::new(c.work_dir.as_deref())?;
    let rows_path = work.0.join("baseline.copy");

    eprintln!("generating {} services and building the index in {}", c.services, work.0.display());
    let mut rows_file = BufWriter::new(std::fs::File::create(&rows_path)?);
    let build = build_index(&work.0, c, Some(&mut rows_file))?;
    rows_file.flush()?;
    drop(rows_file);
    let index_bytes = dir_bytes(&work.0.join("index"));
    eprintln!(
        "index: {} services, {} documents, {} segments, {} built in {}",
        build.services,
        build.index.num_docs(),
        build.index.num_segments(),
        bytes_mib(index_bytes),
        secs(build.index_time)
    );

    eprintln!("loading {} rows into PostgreSQL", build.rows);
    let mut pg = Baseline::create(&a.pg_url).await.context("creating the baseline database")?;
    let outcome = search_with(&a, &machine, &work, &build, index_bytes, &mut pg).await;
    let dropped = pg.drop_database().await;
    let out = outcome?;
    dropped.context("dropping the baseline database")?;
    print!("{out}");
    Ok(())
}

async fn search_with(a: &SearchArgs, machine: &Machine, work: &WorkDir, build: &Build, index_bytes: u64, pg: &mut Baseline) -> anyhow::Result<String> {
    let c = &a.common;
    let load = pg.load(&work.0.join("baseline.copy")).await.context("loading the baseline")?;
    let load_total = load.copy + load.indexes + load.analyze;
    eprintln!("baseline loaded in {}", secs(load_total));
    // The baseline as a competent developer runs it for interactive queries: JIT compilation,
    // on by default, adds tens of milliseconds to any plan above its cost threshold.
    sqlx::Executor::execute(&mut pg.conn, "SET jit = off").await?;
    if let Some(wm) = &a.pg_work_mem {
        anyhow::ensure!(wm.chars().all(|c| c.is_ascii_alphanumeric()), "--pg-work-mem takes a size such as 64MB");
        sqlx::Executor::execute(&mut pg.conn, format!("SET work_mem = '{wm}'").as_str()).await?;
    }
    let version = pg.setting("server_version").await?;
    let shared_buffers = pg.setting("shared_buffers").await?;
    let work_mem = pg.setting("work_mem").await?;

    let all = mix(c.seed, c.warmup + c.queries, &build.points);
    let (warm, measured) = all.split_at(3 * c.warmup);
    eprintln!("warming up with {} queries", warm.len());
    for q in warm {
        build.index.search(&q.to_search())?;
        pg.search(q).await?;
    }
    if a.explain {
        for k in Kind::ALL {
            if let Some(q) = measured.iter().find(|q| q.kind == k) {
                eprintln!("== {} {:?}\n{}", k.label(), q, pg.explain(q).await?);
            }
        }
    }
    let load_before = report::load_average();
    eprintln!("measuring {} queries on each engine", measured.len());
    let mut results: Vec<KindResults> = Kind::ALL.iter().map(|_| KindResults::default()).collect();
    let mut everything = KindResults::default();
    // (query, tantivy time, tantivy total, baseline time, baseline total), for the slowest list.
    let mut each: Vec<(&BenchQuery, Duration, usize, Duration, i64)> = Vec::with_capacity(measured.len());
    for q in measured {
        let sq = q.to_search();
        let t = Instant::now();
        let found = build.index.search(&sq)?;
        let t_tantivy = t.elapsed();
        let t = Instant::now();
        let (total, _) = pg.search(q).await?;
        let t_pg = t.elapsed();
        each.push((q, t_tantivy, found.total, t_pg, total));
        for r in [&mut results[kind_index(q)], &mut everything] {
            r.tantivy.push(t_tantivy);
            r.postgres.push(t_pg);
            r.tantivy_total += found.total as u64;
            r.postgres_total += total as u64;
            r.same_total += usize::from(found.total as i64 == total);
            r.tantivy_nonempty += usize::from(found.total > 0);
            r.postgres_nonempty += usize::from(total > 0);
            r.n += 1;
        }
    }
    let load_after = report::load_average();
    if a.slowest > 0 {
        // What decides each engine's tail: its slowest queries, with how much they found.
        for (engine, tantivy) in [("tantivy", true), ("PostgreSQL", false)] {
            each.sort_by_key(|e| std::cmp::Reverse(if tantivy { e.1 } else { e.3 }));
            eprintln!("== slowest on {engine}");
            for (q, tt, tn, pt, pn) in each.iter().take(a.slowest) {
                eprintln!("  tantivy {:>8} ms ({tn} found)  PostgreSQL {:>8} ms ({pn} found)  {q:?}", ms(tt.as_secs_f64() * 1e3), ms(pt.as_secs_f64() * 1e3));
            }
        }
    }

    let mut md = String::new();
    let w = &mut md;
    use std::fmt::Write as _;
    writeln!(w, "### {} services (seed {})\n", thousands(build.services), c.seed)?;
    writeln!(w, "Command: `{}`  ", command_line())?;
    writeln!(w, "Commit: `{}`; machine: {} cores ({}), {} RAM; load average before / after measuring: {} / {}  ", machine.commit, machine.cores, machine.model, machine.memory, load_before, load_after)?;
    writeln!(w, "PostgreSQL {version} on 127.0.0.1 over TCP (sqlx, one connection; shared_buffers {shared_buffers}, work_mem {work_mem}, jit off for the session{})\n", if a.pg_work_mem.is_some() { ", work_mem set for the session" } else { "" })?;
    writeln!(w, "| build | tantivy (linkwork-search) | PostgreSQL baseline |")?;
    writeln!(w, "|---|---|---|")?;
    writeln!(w, "| documents / rows | {} (one per service at a site) | {} (one per service at a site) |", thousands(build.index.num_docs() as usize), thousands(build.rows))?;
    writeln!(
        w,
        "| build time | {} ({} services/s; commit {}, merge to {} segments {}) | {} ({} services/s; COPY {}, indexes {}, VACUUM ANALYZE {}) |",
        secs(build.index_time),
        per_sec(build.services, build.index_time),
        secs(build.commit),
        build.index.num_segments(),
        secs(build.optimize),
        secs(load_total),
        per_sec(build.services, load_total),
        secs(load.copy),
        secs(load.indexes),
        secs(load.analyze)
    )?;
    writeln!(w, "| size on disk | {} | {} table + {} indexes |", bytes_mib(index_bytes), bytes_mib(load.table_bytes as u64), bytes_mib(load.index_bytes as u64))?;
    writeln!(w, "\nGenerating, nesting and typing the services took {} ({} services/s), not counted above; writing the baseline's COPY file {}.\n", secs(build.generate), per_sec(build.services, build.generate), secs(build.rows_file))?;

    writeln!(w, "| query kind ({} of each, after {} warm-up) | engine | p50 ms | p95 ms | p99 ms | mean ms | max ms | mean total found | queries with results |", c.queries, c.warmup)?;
    writeln!(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|")?;
    let rows: Vec<(&str, &KindResults)> = Kind::ALL.iter().map(|k| k.label()).zip(results.iter()).chain([("all kinds", &everything)]).collect();
    for (label, r) in &rows {
        let (t, p) = (r.tantivy.summary(), r.postgres.summary());
        let n = r.n.max(1) as f64;
        writeln!(w, "| {label} | tantivy | {} | {} | {} | {} | {} | {:.1} | {} |", ms(t.p50), ms(t.p95), ms(t.p99), ms(t.mean), ms(t.max), r.tantivy_total as f64 / n, r.tantivy_nonempty)?;
        writeln!(w, "| | PostgreSQL | {} | {} | {} | {} | {} | {:.1} | {} |", ms(p.p50), ms(p.p95), ms(p.p99), ms(p.mean), ms(p.max), r.postgres_total as f64 / n, r.postgres_nonempty)?;
        writeln!(
            w,
            "| | **PostgreSQL / tantivy** | {:.1}x | {:.1}x | **{:.1}x** | {:.1}x | | same total in {}/{} | |",
            p.p50 / t.p50,
            p.p95 / t.p95,
            p.p99 / t.p99,
            p.mean / t.mean,
            r.same_total,
            r.n
        )?;
    }
    writeln!(w, "\nPeak resident set of this process (index, generator and client together): {}.\n", mib(status_kb("VmHWM")))?;
    Ok(md)
}

fn kind_index(q: &BenchQuery) -> usize {
    Kind::ALL.iter().position(|k| *k == q.kind).expect("a known kind")
}

fn thousands(mut n: usize) -> String {
    let mut groups = Vec::new();
    while n >= 1000 {
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.push(n.to_string());
    groups.reverse();
    groups.join(",")
}

fn memory(a: MemoryArgs) -> anyhow::Result<()> {
    let c = &a.common;
    let machine = Machine::read();
    let work = WorkDir::new(c.work_dir.as_deref())?;
    eprintln!("generating {} services and building the index in {}", c.services, work.0.display());
    let build = build_index(&work.0, c, None)?;
    let index_bytes = dir_bytes(&work.0.join("index"));
    let Build { index, points, peak_kb: build_peak, services, .. } = build;
    drop(index);
    std::fs::write(work.0.join("points.json"), serde_json::to_vec(&points)?)?;

    // What `serve` holds for search is measured in a fresh process: this one keeps the heap the
    // build grew (the allocator does not hand it back), which would hide the figure.
    eprintln!("reopening the index in a fresh process and querying it");
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["probe", "--dir"])
        .arg(&work.0)
        .args(["--seed", &c.seed.to_string(), "--queries", &c.queries.to_string(), "--warmup", &c.warmup.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    anyhow::ensure!(out.status.success(), "the probe process failed: {}", out.status);
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).context("reading the probe's figures")?;
    let kb = |k: &str| p.get(k).and_then(serde_json::Value::as_u64);
    let f = |k: &str| p.get(k).and_then(serde_json::Value::as_f64).unwrap_or(f64::NAN);

    println!("### Memory: {} services (seed {})\n", thousands(services), c.seed);
    println!("Command: `{}`  ", command_line());
    println!("Commit: `{}`; machine: {} cores ({}), {} RAM\n", machine.commit, machine.cores, machine.model, machine.memory);
    println!("| phase | peak resident (VmHWM) | notes |");
    println!("|---|---:|---|");
    println!(
        "| generate and build the index (this process) | {} | generator batches, the writer's buffers ({} MiB budget), merges |",
        mib(build_peak),
        linkwork_search::WRITER_MEMORY_BYTES >> 20
    );
    println!(
        "| a fresh process opens the index and answers {} queries | {} | resident before opening {}; at the end {}: {} anonymous, {} file-backed (the index's mmapped files, which the kernel can drop) |",
        kb("queries").unwrap_or(0),
        mib(kb("hwm_kb")),
        mib(kb("start_kb")),
        mib(kb("rss_kb")),
        mib(kb("anon_kb")),
        mib(kb("file_kb"))
    );
    println!(
        "\nIndex on disk {}; opening it took {:.0} ms; in that process the query mix ran at p50 {} ms, p99 {} ms.\n",
        bytes_mib(index_bytes),
        f("open_ms"),
        ms(f("p50_ms")),
        ms(f("p99_ms"))
    );
    Ok(())
}

/// The child of `memory`: opens the index as `serve` would, runs the mix, prints its figures as
/// one JSON object.
fn probe(a: ProbeArgs) -> anyhow::Result<()> {
    let start_kb = status_kb("VmRSS");
    let points: Vec<(f64, f64)> = serde_json::from_slice(&std::fs::read(a.dir.join("points.json"))?)?;
    let t = Instant::now();
    let index = SearchIndex::open(a.dir.join("index"))?;
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let queries = mix(a.seed, a.warmup + a.queries, &points);
    let mut lat = Latencies::default();
    for q in &queries {
        let t = Instant::now();
        index.search(&q.to_search())?;
        lat.push(t.elapsed());
    }
    let s = lat.summary();
    let figures = serde_json::json!({
        "queries": queries.len(),
        "start_kb": start_kb,
        "hwm_kb": status_kb("VmHWM"),
        "rss_kb": status_kb("VmRSS"),
        "anon_kb": status_kb("RssAnon"),
        "file_kb": status_kb("RssFile"),
        "open_ms": open_ms,
        "p50_ms": s.p50,
        "p99_ms": s.p99,
    });
    println!("{figures}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_people_write_them() {
        assert_eq!(parse_count("10k"), Ok(10_000));
        assert_eq!(parse_count("1M"), Ok(1_000_000));
        assert_eq!(parse_count("100_000"), Ok(100_000));
        assert!(parse_count("lots").is_err());
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
