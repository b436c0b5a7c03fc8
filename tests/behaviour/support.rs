//! Test support: a fresh database per test on SQLite or PostgreSQL, and the real server on port 0.
//!
//! PostgreSQL tests use the server at 127.0.0.1:5432 (user postgres, or LINKWORK_TEST_PG_URL).
//! When it cannot be reached they print that they did not run; with LINKWORK_REQUIRE_POSTGRES=1
//! (as `.ci/run` sets) they fail instead.

use std::net::SocketAddr;

use linkwork_store::Store;
use linkwork_web::{AppState, Directory, WebConfig};

pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pub pg_name: Option<String>,
}

fn pg_admin_url() -> String {
    std::env::var("LINKWORK_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestDb {
    pub async fn sqlite() -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite:{}", dir.path().join("linkwork.db").display());
        Some(TestDb { url, _dir: Some(dir), pg_name: None })
    }

    pub async fn postgres() -> Option<TestDb> {
        use sqlx::Connection;
        let admin = pg_admin_url();
        let mut conn = match sqlx::PgConnection::connect(&admin).await {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("LINKWORK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("PostgreSQL is required (LINKWORK_REQUIRE_POSTGRES=1) but {admin} is not reachable: {e}");
                }
                eprintln!("NOT RUN on PostgreSQL: {admin} is not reachable ({e})");
                return None;
            }
        };
        let name = format!("linkwork_test_{}", uuid_simple());
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create a test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
        Some(TestDb { url: format!("{base}/{name}"), _dir: None, pg_name: Some(name) })
    }

    pub async fn store(&self) -> Store {
        Store::open(&self.url).await.expect("open the test database")
    }
}

fn uuid_simple() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{:x}{:x}", nanos, std::process::id())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = pg_admin_url();
            // Drop runs outside async; a small runtime of its own removes the database.
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await;
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

/// The real server, on a free port, over a test database.
pub struct TestApp {
    pub db: TestDb,
    pub addr: SocketAddr,
    pub state: AppState,
    pub http: reqwest::Client,
}

impl TestApp {
    pub async fn start(db: TestDb) -> TestApp {
        TestApp::start_with(db, WebConfig { pseudo_language: true, ..WebConfig::default() }).await
    }

    /// The server with a deployment's own settings.
    pub async fn start_with(db: TestDb, config: WebConfig) -> TestApp {
        let store = db.store().await;
        let directory = Directory::new(store, None).expect("a search index");
        let state = AppState::new(directory, config);
        linkwork_web::measures_api::ensure_built_in(state.store()).await.expect("the built-in instruments load");
        let server = linkwork_web::serve("127.0.0.1:0".parse().unwrap(), state.clone()).await.expect("the server starts");
        TestApp { db, addr: server.addr, state, http: crate::support::http().build().unwrap() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn store(&self) -> &Store {
        &self.state.directory.store
    }

    /// Waits until the search index has applied every change (the follower also does this).
    pub async fn sync_index(&self) {
        self.state.directory.catch_up().await.expect("the index catches up");
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.http.get(self.url(path)).send().await.expect("request");
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        (status, serde_json::from_str(&body).unwrap_or_else(|_| serde_json::Value::String(body)))
    }
}

/// Runs each named async test fn (taking a `TestDb`) on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() {
                   if let Some(db) = $crate::support::TestDb::sqlite().await { super::$name(db).await }
               } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() {
                   if let Some(db) = $crate::support::TestDb::postgres().await { super::$name(db).await }
               } )*
        }
    };
}

/// An HTTP client for the tests. reqwest's rustls brings no crypto provider in this tree (the web
/// crate hands its own clients an aws-lc-rs configuration), so the tests install aws-lc-rs, the
/// tree's one provider, as the process's default before their first client.
pub fn http() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
}
