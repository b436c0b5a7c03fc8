//! `outbox`: issue 13's notification benchmark. On SQLite and on PostgreSQL, queues N emails in
//! the outbox (each in its own transaction, as the pathway queues them) and lets the real
//! delivery worker send them to a local SMTP server (aiosmtpd, started here, which writes each to
//! a maildir), measuring queueing per second, delivery per second from the first claim to the
//! last `sent`, and checking that the SMTP server received each exactly once.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use linkwork_domain::notify::{Purpose, RetryPolicy};
use linkwork_store::pathway::Outgoing;
use linkwork_web::notify::{EmailSettings, NotifySettings, Security};
use linkwork_web::{AppState, Directory, WebConfig};
use serde_json::json;

use crate::pathway::{close_backend, open_backend};
use crate::report::load_average;

#[derive(clap::Args)]
pub struct OutboxArgs {
    /// Emails queued and sent.
    #[arg(long, default_value_t = 2000)]
    pub messages: usize,
    /// Messages the worker claims at a time.
    #[arg(long, default_value_t = 50)]
    pub batch: i64,
    /// Only this database: sqlite or postgres (default both).
    #[arg(long)]
    pub only: Option<String>,
    #[arg(long, env = "LINKWORK_BENCH_PG_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub pg_url: String,
    #[arg(long)]
    pub work_dir: Option<std::path::PathBuf>,
}

struct Smtp(std::process::Child);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn smtp(port: u16, maildir: &std::path::Path) -> anyhow::Result<Smtp> {
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| anyhow::anyhow!("python3 -m aiosmtpd (pip install aiosmtpd): {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        anyhow::ensure!(Instant::now() < deadline, "aiosmtpd did not start (pip install aiosmtpd)");
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(Smtp(child))
}

pub async fn outbox(args: OutboxArgs) -> anyhow::Result<()> {
    let work = crate::WorkDir::new(args.work_dir.as_deref())?;
    crate::report::header(&format!("Notification outbox, {} emails to a local SMTP server (issue 13)", args.messages));
    println!("| database | queued (one transaction each) | delivered (worker to aiosmtpd) | received once each |");
    println!("|---|---:|---:|---|");
    for backend in crate::report::backends(args.only.as_deref()) {
        eprintln!("== {backend}");
        let (store, raw, cleanup) = open_backend(backend, &work, &args.pg_url).await?;
        let start = Instant::now();
        for i in 0..args.messages {
            let o = Outgoing::email(Purpose::NewReferral, format!("org{i}@bench.test"), "en".into(), json!({ "onward_referral_id": format!("r{i}"), "service_name": format!("Walking group {i}") }));
            store.outbox_enqueue(&o).await?;
        }
        let queued = args.messages as f64 / start.elapsed().as_secs_f64();

        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let maildir = work.0.join(format!("mail-{backend}"));
        let _smtp = smtp(port, &maildir)?;
        let notify = NotifySettings {
            poll_millis: 50,
            batch: args.batch,
            retry: RetryPolicy { max_attempts: 5, backoff_seconds: 1, max_backoff_seconds: 1 },
            email: Some(EmailSettings { host: "127.0.0.1".into(), port: Some(port), security: Security::None, username: None, password: None, from: "Linkwork <noreply@bench.test>".into() }),
            ..NotifySettings::default()
        };
        let state = AppState::new(Directory::new(store.clone(), None)?, WebConfig { notify, ..WebConfig::default() });
        let transports = linkwork_web::notify::worker::Transports::new(&state).map_err(|e| anyhow::anyhow!(e))?;
        let start = Instant::now();
        loop {
            let n = linkwork_web::notify::worker::run_once(&state, &transports, "http://bench.test").await?;
            if n == 0 {
                let counts = store.outbox_counts().await?;
                if counts.iter().all(|(s, _)| s == "sent") {
                    break;
                }
                anyhow::ensure!(start.elapsed() < Duration::from_secs(600), "not all sent: {counts:?}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        let delivered = args.messages as f64 / start.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let received = std::fs::read_dir(maildir.join("new"))?.count();
        let once = if received == args.messages { "yes".to_string() } else { format!("NO: {received} of {}", args.messages) };
        println!("| {backend} | {queued:.0}/s | {delivered:.0}/s | {once} |");
        close_backend(store, raw, cleanup).await?;
    }
    println!("\nLoad average after: {}.", load_average());
    Ok(())
}
