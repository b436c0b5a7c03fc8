//! Storage on SQLite (embedded, the default) and PostgreSQL (shared deployments), through sqlx.
//!
//! One behaviour, two databases: every query is written once in SQL both accept (`$n`
//! placeholders, `ON CONFLICT`, quoted identifiers) and run by a `match` over the pool with the
//! same code in each arm (see `on_pool!`). Where the dialects differ (id lists, locking) the
//! difference is kept small and local. Migrations are embedded, one directory per database.
//! See docs/decisions/0001-database-layer.md.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub mod directory;
pub mod observatory;
pub mod pathway;
mod rows;

pub use directory::{ChangeBatch, DirectoryWriter, ListFilter, Page, WriteSummary};

/// A SQLite connection's page cache, in KiB (directory writes raise their own while they run).
pub(crate) const READ_CACHE_KIB: u32 = 64 * 1024;

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("'{0}' is not a database URL Linkwork can use: give sqlite:PATH (or a file path ending in .db) or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("could not open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool the store has.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: Db,
    /// SQLite takes one writer at a time. Writers of this process queue here, in order, rather
    /// than in SQLite's busy handler, which sleeps in steps of up to 100 ms and made the slowest
    /// of four concurrent pathway writes wait 50–80 ms. (Other processes still meet the busy
    /// timeout.) Unused on PostgreSQL.
    pub(crate) write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Counts this process's committed pathway changes, so that what is derived from them (the
    /// observatory's facts) can tell whether it is still current without asking the database.
    pub(crate) generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// Tells a database URL's kind without connecting.
pub fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else if url.starts_with("sqlite:") || url.ends_with(".db") || url.ends_with(".sqlite") {
        Ok(Backend::Sqlite)
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

impl Store {
    /// Opens the database at `url` (creating a SQLite file if needed) and runs pending migrations.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the database without migrating.
    pub async fn connect(url: &str) -> Result<Store> {
        let db = match backend_of(url)? {
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    // WAL lets pages read while an import writes; NORMAL sync is durable in WAL mode
                    // except for the last transactions on power loss, never corrupting.
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .pragma("cache_size", format!("-{READ_CACHE_KIB}"))
                    .pragma("temp_store", "memory");
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(opts)
                    .await
                    .map_err(StoreError::Connect)?;
                Db::Sqlite(pool)
            }
            Backend::Postgres => {
                let opts = PgConnectOptions::from_str(url).map_err(StoreError::Connect)?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await
                    .map_err(StoreError::Connect)?;
                Db::Postgres(pool)
            }
        };
        Ok(Store { db, write_gate: Default::default(), generation: Default::default() })
    }

    pub async fn migrate(&self) -> Result<()> {
        match &self.db {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Changes of the pathway this process has committed so far. Writes by other processes
    /// (other servers on one PostgreSQL) are not counted: what caches on it also expires.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes the pool, waiting for connections to finish (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        on_pool!(&self.db, p => p.close().await)
    }

    /// The embedded migrations' versions and descriptions, for `linkwork migrate --status`.
    pub fn known_migrations(&self) -> Vec<(i64, String)> {
        let m = match self.backend() {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        m.iter().map(|m| (m.version, m.description.to_string())).collect()
    }

    /// Versions of the migrations already applied.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let sql = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        let rows: Vec<(i64,)> = on_pool!(&self.db, p => sqlx::query_as(sql).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}
