//! The pathway's storage: accounts and credentials, people, consent, episodes and their casework,
//! onward referrals, follow-ups, messages to referrers, and the hash-chained audit trail.
//!
//! Every operation that reads or writes a person's data takes an [`Actor`] and appends its audit
//! entry in the same transaction as the work, so there is no access without a record of it and no
//! record of access that did not happen. Authorisation by role is the caller's (the web layer,
//! from `linkwork_domain::pathway::access`); the checks that need the data (consent to share,
//! organisation membership, versions) are made here, inside the transaction.
//!
//! The SQL is written once, in `ops.rs`, and compiled twice, for SQLite and for PostgreSQL (see
//! docs/decisions/0001-database-layer.md); the public methods open the right transaction (SQLite:
//! `BEGIN IMMEDIATE`) and call the matching copy.

use linkwork_domain::pathway::FieldError;
use serde::Serialize;

mod types;
pub use types::*;
mod identification_types;
pub use identification_types::*;

pub mod api;
pub use api::{OnwardRequest, ReferralRequest};

tokio::task_local! {
    /// The time pathway records are dated at inside [`crate::Store::dated`]; outside it, now.
    static AS_OF: chrono::DateTime<chrono::Utc>;
}

/// The time a pathway record is dated at: the one [`crate::Store::dated`] gives, else now.
pub fn record_time() -> chrono::DateTime<chrono::Utc> {
    AS_OF.try_with(|t| *t).unwrap_or_else(|_| linkwork_domain::pathway::now())
}

impl crate::Store {
    /// Runs `work` with the pathway records it writes dated `at`: how a caseload's history is
    /// loaded step by step as it happened (the demo; a migration from another system), through the
    /// same operations, state machines and consent checks as live work. The audit log keeps the
    /// real time of each write, so it says both when a record was loaded and what date it carries.
    pub async fn dated<F: std::future::Future>(&self, at: chrono::DateTime<chrono::Utc>, work: F) -> F::Output {
        AS_OF.scope(at, work).await
    }
}

/// The SQLite copy of the operations.
mod sq {
    #[allow(unused_imports)]
    use sqlx::sqlite::{SqliteConnection as Conn, SqliteRow as DbRow};
    const IS_PG: bool = false;
    include!("ops.rs");
    include!("measures_ops.rs");
    include!("observatory_ops.rs");
    include!("research_ops.rs");
    include!("team_ops.rs");
    include!("places_ops.rs");
    include!("community_ops.rs");
    include!("fhir_ops.rs");
    include!("fhir_onward_ops.rs");
    include!("identification_ops.rs");
    include!("outbox_ops.rs");
    include!("sessions_ops.rs");
}

/// The PostgreSQL copy of the operations.
mod pg {
    #[allow(unused_imports)]
    use sqlx::postgres::{PgConnection as Conn, PgRow as DbRow};
    const IS_PG: bool = true;
    include!("ops.rs");
    include!("measures_ops.rs");
    include!("observatory_ops.rs");
    include!("research_ops.rs");
    include!("team_ops.rs");
    include!("places_ops.rs");
    include!("community_ops.rs");
    include!("fhir_ops.rs");
    include!("fhir_onward_ops.rs");
    include!("identification_ops.rs");
    include!("outbox_ops.rs");
    include!("sessions_ops.rs");
}

/// Why a pathway operation did not happen, in terms the web layer maps to problem details.
#[derive(Debug, thiserror::Error)]
pub enum PathwayError {
    #[error("there is no {0}")]
    NotFound(String),
    #[error("the input has problems")]
    Invalid(Vec<FieldError>),
    /// The record changed since the caller read it.
    #[error("this {entity} was changed by someone else (now at version {current}); reload it and make your change again")]
    VersionMismatch { entity: &'static str, current: i64 },
    /// The request is valid but the record's state does not allow it.
    #[error("{0}")]
    Conflict(String),
    /// Consent or relationship does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// Creating this person may duplicate one already recorded.
    #[error("a person with the same name and birth date is already recorded")]
    PossibleDuplicate(Vec<PersonSummary>),
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

impl From<sqlx::Error> for PathwayError {
    fn from(e: sqlx::Error) -> Self {
        PathwayError::Store(crate::StoreError::Db(e))
    }
}

impl From<serde_json::Error> for PathwayError {
    fn from(e: serde_json::Error) -> Self {
        PathwayError::Store(crate::StoreError::Invalid(format!("a stored document could not be read: {e}")))
    }
}

pub type PResult<T> = std::result::Result<T, PathwayError>;

/// Serialises a value the database keeps as JSON text.
fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("pathway documents serialise")
}
