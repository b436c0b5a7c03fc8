//! `linkwork`: the one program. It parses the command line and configuration, then wires the
//! crates together; the behaviour lives in the crates.

mod config;
mod demo_caseload;
mod demo_community;
mod demo_identification;
mod export;
mod gen;
mod import;
mod indicators;
mod instruments;
mod observatory;
mod places;
mod serve;
mod users;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

/// Imports and indexing allocate many small strings; glibc's malloc and free took a quarter of
/// an import's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Linkwork: social prescribing, from referral to the community service that helps.
///
/// Run `linkwork demo` to try it with a made-up town's directory.
#[derive(Parser, Debug)]
#[command(name = "linkwork", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// A TOML configuration file [default: ./linkwork.toml if present]
    #[arg(long, global = true, env = "LINKWORK_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The database: sqlite:PATH or postgres://USER@HOST/DB [default: a SQLite file in the data directory]
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Where the SQLite database and the search index live [default: ./data]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web pages and the APIs
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::SocketAddr>,
    },
    /// Load a made-up town's directory into a local database and serve it
    Demo {
        /// Address to listen on
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Load the demo data even if the database already has a directory
        #[arg(long)]
        reload: bool,
    },
    /// Import data into the directory
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Export the directory
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Bring the database schema up to date (the server also does this when it starts)
    Migrate {
        /// Only list the migrations and whether each has been applied
        #[arg(long)]
        status: bool,
    },
    /// Generate a synthetic directory of N services, for benchmarks and load tests
    Gen(gen::GenArgs),
    /// Manage user accounts
    #[command(subcommand)]
    User(users::UserCommand),
    /// Check the audit log
    #[command(subcommand)]
    Audit(users::AuditCommand),
    /// Load and list screening and outcome instruments
    #[command(subcommand)]
    Instrument(instruments::InstrumentCommand),
    /// Load and list the observatory's indicator definitions
    #[command(subcommand)]
    Indicator(indicators::IndicatorCommand),
    /// Publish this programme's indicator package; import and list other programmes' packages
    #[command(subcommand)]
    Observatory(observatory::ObservatoryCommand),
    /// Import the hierarchy of places for co-production, and assign facilitators and coordinators
    #[command(subcommand)]
    Places(places::PlacesCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let listen = match &cli.command {
        Command::Serve { listen } => *listen,
        Command::Demo { listen, .. } => Some(*listen),
        _ => None,
    };
    let demo_dir = matches!(cli.command, Command::Demo { .. }) && cli.data_dir.is_none();
    let overrides = Overrides {
        data_dir: cli.data_dir.clone().or_else(|| demo_dir.then(|| PathBuf::from("data/demo"))),
        database_url: cli.database_url.clone(),
        listen,
    };
    let config = match Config::load(cli.config.as_deref(), &overrides) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&config.log).unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let result = runtime.block_on(run(cli.command, config));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match command {
        Command::Serve { .. } => serve::serve(&config).await.map(|_| ExitCode::SUCCESS),
        Command::Demo { reload, .. } => serve::demo(&config, reload).await.map(|_| ExitCode::SUCCESS),
        Command::Import(cmd) => import::run(&config, cmd).await,
        Command::Export(cmd) => export::run(&config, cmd).await.map(|_| ExitCode::SUCCESS),
        Command::Migrate { status } => {
            let url = config.database_url();
            std::fs::create_dir_all(&config.data_dir)?;
            let store = linkwork_store::Store::connect(&url).await?;
            if !status {
                store.migrate().await?;
            }
            let applied = store.applied_migrations().await.unwrap_or_default();
            println!("Database: {}", config.redacted_database_url());
            for (version, description) in store.known_migrations() {
                let mark = if applied.contains(&version) { "applied" } else { "pending" };
                println!("  {version:04} {description:<40} {mark}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Gen(args) => gen::run(&config, args).await.map(|_| ExitCode::SUCCESS),
        Command::User(cmd) => users::run(&config, cmd).await.map(|_| ExitCode::SUCCESS),
        Command::Audit(cmd) => users::audit(&config, cmd).await.map(|ok| if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Command::Instrument(cmd) => instruments::run(&config, cmd).await.map(|ok| if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Command::Indicator(cmd) => indicators::run(&config, cmd).await.map(|ok| if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Command::Places(cmd) => places::run(&config, cmd).await.map(|ok| if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Command::Observatory(cmd) => observatory::run(&config, cmd).await.map(|ok| if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
    }
}

/// Opens the configured store, creating the data directory for SQLite.
pub(crate) async fn open_store(config: &Config) -> anyhow::Result<linkwork_store::Store> {
    std::fs::create_dir_all(&config.data_dir)?;
    let url = config.database_url();
    tracing::info!(database = %config.redacted_database_url(), "opening the database");
    linkwork_store::Store::open(&url).await.map_err(|e| anyhow::anyhow!("{e} ({})", config.redacted_database_url()))
}
