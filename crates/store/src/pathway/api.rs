//! The pathway's public operations on [`Store`]: each runs in one transaction (SQLite: `BEGIN
//! IMMEDIATE`, so writers queue at the start rather than fail half-way), on the copy of the SQL
//! for the store's database.

use linkwork_domain::pathway::assessment::{Assessment, GoalInput, GoalReviewInput, PrescriptionItemInput};
use linkwork_domain::pathway::audit::{AuditEntry, ChainError};
use linkwork_domain::pathway::consent::{ConsentInput, ConsentMethod};
use linkwork_domain::pathway::episode::TransitionRequest;
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::ReferralDetails;
use linkwork_domain::pathway::task::{Side, TaskStatus};
use linkwork_domain::pathway::Role;

use super::types::*;
use super::{pg, sq, PResult};
#[allow(unused_imports)] // the macros' error type, for the submodules that use them
use super::PathwayError;
use crate::{Db, Store};

/// The operations that change nothing the observatory's facts are read from (only the audit log,
/// sign-in bookkeeping, imported packages): committing them leaves the store's
/// [`Store::generation`] as it was.
const READS: &[&str] = &[
    "audit", "due_follow_ups", "export_person", "get_episode", "get_onward", "get_person", "get_response", "get_shared", "inbox",
    "list_consents", "list_episodes", "list_notes", "mark_read", "person_needs", "person_responses", "referrals_by", "search_people",
    "verify_audit", "touch_credential", "record_sign_in_failure", "clear_sign_in_failures", "import_package", "load_indicator",
    "list_teams", "place_depths", "import_places", "list_places", "assign_place", "unassign_place", "approve_research", "revoke_research", "list_research_approvals", "begin_extract", "record_extract", "list_extracts",
    "get_record", "list_records", "fhir_read", "fhir_search", "fhir_patient", "fhir_person_by_identifier", "person_identifiers", "fhir_outcome", "fhir_message_episode", "fhir_onward_search", "fhir_onward_read",
    // A practice's patients and worklist are not people's records: nothing the observatory counts.
    "load_practice", "run_identification", "worklist", "ident_entry", "dismiss_entry",
    // The delivery worker claims and marks messages every few seconds: none of it is a fact.
    "outbox_claim", "outbox_sent", "outbox_failed", "outbox_queue_digests", "outbox_queue_reminders", "outbox_enqueue", "list_outbox", "replay_outbox",
    "set_preferences", "create_subscription", "end_subscription", "subscription_heartbeats",
];

fn changed(store: &Store, op: &str) {
    if !READS.contains(&op) {
        store.generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Runs `ops::f(conn, ...)` in a transaction on the store's database; commits on Ok, and also
/// on the errors `commit_also` accepts (an error whose audit entries must stand).
macro_rules! tx {
    ($store:expr, $f:ident ( $($arg:expr),* $(,)? )) => {
        tx!($store, $f($($arg),*), commit_also = |_| false)
    };
    ($store:expr, $f:ident ( $($arg:expr),* $(,)? ), commit_also = $keep:expr) => {
        match &$store.db {
            Db::Sqlite(p) => {
                let _turn = $store.write_gate.lock().await;
                let mut t = p.begin_with("BEGIN IMMEDIATE").await?;
                let r = sq::$f(&mut *t, $($arg),*).await;
                let keep: fn(&super::PathwayError) -> bool = $keep;
                if r.as_ref().err().map_or(true, keep) {
                    t.commit().await?;
                    changed($store, stringify!($f));
                }
                r
            }
            Db::Postgres(p) => {
                let mut t = p.begin().await?;
                let r = pg::$f(&mut *t, $($arg),*).await;
                let keep: fn(&super::PathwayError) -> bool = $keep;
                if r.as_ref().err().map_or(true, keep) {
                    t.commit().await?;
                    changed($store, stringify!($f));
                }
                r
            }
        }
    };
}

/// Runs `ops::f(conn, ...)` on a pooled connection without a transaction: for reads that write
/// nothing (not even an audit entry), so that on SQLite they do not queue behind writers.
macro_rules! read {
    ($store:expr, $f:ident ( $($arg:expr),* $(,)? )) => {
        match &$store.db {
            Db::Sqlite(p) => {
                let mut c = p.acquire().await?;
                sq::$f(&mut *c, $($arg),*).await
            }
            Db::Postgres(p) => {
                let mut c = p.acquire().await?;
                pg::$f(&mut *c, $($arg),*).await
            }
        }
    };
}

/// What `create_referral` takes.
pub struct ReferralRequest<'a> {
    pub person_id: Option<&'a str>,
    pub person: Option<&'a PersonDetails>,
    pub not_a_duplicate: bool,
    pub details: &'a ReferralDetails,
    pub consent_method: ConsentMethod,
    /// The referrer's user id, who will get the messages back.
    pub referred_by: Option<&'a str>,
}

/// What `create_onward_referral` takes.
pub struct OnwardRequest<'a> {
    pub episode_id: &'a str,
    pub service_id: &'a str,
    pub service_name: &'a str,
    pub organization_id: &'a str,
    pub message: Option<&'a str>,
    /// Send now (requested) rather than keep as a draft.
    pub send: bool,
    pub capacity_warning: Option<&'a str>,
}

impl Store {
    // Users and credentials ------------------------------------------------------------------

    pub async fn create_user(&self, a: &Actor, u: &NewUser) -> PResult<User> {
        tx!(self, create_user(a, u))
    }
    pub async fn user_by_username(&self, username: &str) -> PResult<Option<User>> {
        read!(self, user_by(true, username))
    }
    pub async fn user_by_id(&self, id: &str) -> PResult<Option<User>> {
        read!(self, user_by(false, id))
    }
    pub async fn list_users(&self) -> PResult<Vec<User>> {
        read!(self, list_users())
    }
    pub async fn count_users(&self) -> PResult<i64> {
        read!(self, count_users())
    }
    /// How many episodes are recorded (no person's data is read).
    pub async fn count_episodes(&self) -> PResult<i64> {
        read!(self, count_episodes())
    }
    pub async fn update_user(
        &self,
        a: &Actor,
        username: &str,
        disabled: Option<bool>,
        roles: Option<&[Role]>,
        orgs: Option<&[String]>,
        password_hash: Option<&str>,
        email: Option<Option<&str>>,
    ) -> PResult<User> {
        tx!(self, update_user(a, username, disabled, roles, orgs, password_hash, email))
    }
    pub async fn create_credential(&self, a: &Actor, n: &NewCredential<'_>) -> PResult<Credential> {
        tx!(self, create_credential(a, n))
    }
    pub async fn credential_by_hash(&self, secret_hash: &str) -> PResult<Option<(Credential, User)>> {
        let found = read!(self, credential_lookup(secret_hash))?;
        if let Some((cred, _)) = &found {
            // Last use is kept to the minute: a write per request would make every read a write.
            let now = linkwork_domain::pathway::format_time(linkwork_domain::pathway::now());
            if cred.last_used_at.as_deref().and_then(|l| l.get(..16)) != now.get(..16) {
                tx!(self, touch_credential(&cred.id, &now))?;
            }
        }
        Ok(found)
    }
    pub async fn list_credentials(&self, user_id: &str) -> PResult<Vec<Credential>> {
        read!(self, list_credentials(user_id))
    }
    /// Revokes a credential; with `owner`, only one of that user's.
    pub async fn revoke_credential(&self, a: &Actor, id: &str, owner: Option<&str>) -> PResult<()> {
        tx!(self, revoke_credential(a, id, owner))
    }
    pub async fn sign_in_failures(&self, username: &str, since: &str) -> PResult<Vec<String>> {
        read!(self, sign_in_failures(username, since))
    }
    pub async fn record_sign_in_failure(&self, username: &str) -> PResult<()> {
        tx!(self, record_sign_in_failure(username))
    }
    pub async fn clear_sign_in_failures(&self, username: &str) -> PResult<()> {
        tx!(self, clear_sign_in_failures(username))
    }

    // People and consent ---------------------------------------------------------------------

    pub async fn create_person(&self, a: &Actor, details: &PersonDetails, not_a_duplicate: bool) -> PResult<Person> {
        tx!(self, create_person(a, details, not_a_duplicate))
    }
    pub async fn get_person(&self, a: &Actor, id: &str) -> PResult<Person> {
        tx!(self, get_person(a, id))
    }
    pub async fn update_person(&self, a: &Actor, id: &str, version: i64, details: &PersonDetails) -> PResult<Person> {
        tx!(self, update_person(a, id, version, details))
    }
    pub async fn search_people(&self, a: &Actor, q: &str, limit: i64) -> PResult<Vec<PersonSummary>> {
        tx!(self, search_people(a, q, limit))
    }
    pub async fn add_consent(&self, a: &Actor, person_id: &str, input: &ConsentInput) -> PResult<Consent> {
        tx!(self, add_consent(a, person_id, input))
    }
    pub async fn withdraw_consent(&self, a: &Actor, consent_id: &str, reason: Option<&str>) -> PResult<Consent> {
        tx!(self, withdraw_consent(a, consent_id, reason))
    }
    pub async fn list_consents(&self, a: &Actor, person_id: &str) -> PResult<Vec<Consent>> {
        tx!(self, list_consents(a, person_id))
    }

    // Referrals and episodes -----------------------------------------------------------------

    /// A duplicate warning still commits: the check read other people's records, and that read
    /// is audited.
    pub async fn create_referral(&self, a: &Actor, r: ReferralRequest<'_>) -> PResult<EpisodeSummary> {
        tx!(self, create_referral(a, &r), commit_also = |e| matches!(e, super::PathwayError::PossibleDuplicate(_)))
    }
    pub async fn get_episode(&self, a: &Actor, id: &str) -> PResult<Episode> {
        tx!(self, get_episode(a, id))
    }
    pub async fn list_episodes(&self, a: &Actor, f: &EpisodeFilter) -> PResult<(Vec<EpisodeSummary>, i64)> {
        tx!(self, list_episodes(a, f))
    }
    pub async fn transition_episode(&self, a: &Actor, id: &str, version: Option<i64>, req: &TransitionRequest) -> PResult<EpisodeSummary> {
        tx!(self, transition_episode(a, id, version, req))
    }
    pub async fn assign_episode(&self, a: &Actor, id: &str, version: Option<i64>, link_worker_id: &str) -> PResult<EpisodeSummary> {
        tx!(self, assign_episode(a, id, version, link_worker_id))
    }
    pub async fn set_assessment(&self, a: &Actor, id: &str, version: Option<i64>, assessment: &Assessment) -> PResult<Episode> {
        tx!(self, set_assessment(a, id, version, assessment))
    }
    pub async fn add_goal(&self, a: &Actor, episode_id: &str, g: &GoalInput) -> PResult<Goal> {
        tx!(self, add_goal(a, episode_id, g))
    }
    pub async fn review_goal(&self, a: &Actor, goal_id: &str, version: Option<i64>, r: &GoalReviewInput) -> PResult<Goal> {
        tx!(self, review_goal(a, goal_id, version, r))
    }
    pub async fn add_prescription_item(&self, a: &Actor, episode_id: &str, item: &PrescriptionItemInput, service_name: Option<&str>) -> PResult<PrescriptionItem> {
        tx!(self, add_prescription_item(a, episode_id, item, service_name))
    }
    pub async fn add_note(&self, a: &Actor, episode_id: &str, body: &str) -> PResult<CaseNote> {
        tx!(self, add_note(a, episode_id, body))
    }
    pub async fn list_notes(&self, a: &Actor, episode_id: &str) -> PResult<Vec<CaseNote>> {
        tx!(self, list_notes(a, episode_id))
    }
    pub async fn add_follow_up(&self, a: &Actor, episode_id: &str, due_on: &str, purpose: Option<&str>) -> PResult<FollowUp> {
        tx!(self, add_follow_up(a, episode_id, due_on, purpose))
    }
    pub async fn complete_follow_up(&self, a: &Actor, id: &str, outcome: Option<&str>) -> PResult<FollowUp> {
        tx!(self, complete_follow_up(a, id, outcome))
    }
    pub async fn due_follow_ups(&self, a: &Actor, link_worker_id: &str, until: &str) -> PResult<Vec<FollowUp>> {
        tx!(self, due_follow_ups(a, link_worker_id, until))
    }
    /// Counts only: no personal data, so no audit entry.
    pub async fn caseload(&self, link_worker_id: &str, today: &str, year_ago: &str, safe: i64) -> PResult<Caseload> {
        read!(self, caseload(link_worker_id, today, year_ago, safe))
    }

    // Onward referrals ----------------------------------------------------------------------

    pub async fn create_onward_referral(&self, a: &Actor, r: OnwardRequest<'_>) -> PResult<OnwardReferral> {
        tx!(self, create_onward(a, &r))
    }
    #[allow(clippy::too_many_arguments)]
    pub async fn change_onward_referral(
        &self,
        a: &Actor,
        id: &str,
        side: Side,
        provider_orgs: &[String],
        to: TaskStatus,
        reason: Option<&str>,
        version: Option<i64>,
    ) -> PResult<OnwardReferral> {
        tx!(self, change_onward(a, id, side, provider_orgs, to, reason, version))
    }
    pub async fn get_onward_referral(&self, a: &Actor, id: &str) -> PResult<OnwardReferral> {
        tx!(self, get_onward(a, id))
    }
    pub async fn inbox(&self, a: &Actor, orgs: &[String], status: Option<&str>, limit: i64) -> PResult<Vec<SharedReferral>> {
        tx!(self, inbox(a, orgs, status, limit))
    }
    pub async fn get_shared_referral(&self, a: &Actor, id: &str, orgs: &[String]) -> PResult<SharedReferral> {
        tx!(self, get_shared(a, id, orgs))
    }
    pub async fn record_attendance(&self, a: &Actor, id: &str, orgs: &[String], session_on: &str, attended: bool, note: Option<&str>) -> PResult<SharedReferral> {
        tx!(self, record_attendance(a, id, orgs, session_on, attended, note))
    }

    // Messages, audit, subject access ---------------------------------------------------------

    pub async fn referrals_by(&self, a: &Actor, referrer: &str, limit: i64) -> PResult<Vec<ReferralStatus>> {
        tx!(self, referrals_by(a, referrer, limit))
    }
    pub async fn mark_message_read(&self, a: &Actor, message_id: &str, recipient: &str) -> PResult<()> {
        tx!(self, mark_read(a, message_id, recipient))
    }
    /// Appends an audit entry on its own (for reads made outside this module).
    pub async fn audit(&self, a: &Actor, action: &str, entity: &str, entity_id: Option<&str>, person_id: Option<&str>) -> PResult<()> {
        tx!(self, audit(a, action, entity, entity_id, person_id))
    }
    pub async fn search_audit(&self, f: &AuditFilter) -> PResult<(Vec<AuditEntry>, i64)> {
        read!(self, search_audit(f))
    }
    /// Checks the whole hash chain: the number of entries, or where it is broken.
    pub async fn verify_audit(&self) -> PResult<Result<i64, ChainError>> {
        tx!(self, verify_audit())
    }
    pub async fn export_person(&self, a: &Actor, id: &str) -> PResult<serde_json::Value> {
        tx!(self, export_person(a, id))
    }
    pub async fn erase_person(&self, a: &Actor, id: &str) -> PResult<()> {
        tx!(self, erase_person(a, id))
    }

    // The observatory's definitions and a regional observatory's packages ----------------------

    /// Keeps a checked indicator definition; answers whether it was new.
    pub async fn load_indicator(&self, a: &Actor, id: &str, version: &str, definition: &str) -> PResult<bool> {
        tx!(self, load_indicator(a, id, version, definition))
    }
    /// The loaded (not shipped) definitions' canonical JSON, in the order loaded.
    pub async fn list_indicator_definitions(&self) -> PResult<Vec<String>> {
        read!(self, list_indicator_definitions())
    }

    /// Keeps a checked package; answers whether it was new (the same content again is not).
    pub async fn import_package(&self, a: &Actor, p: &NewPackage) -> PResult<(PackageRecord, bool)> {
        tx!(self, import_package(a, p))
    }
    pub async fn list_packages(&self) -> PResult<Vec<PackageRecord>> {
        read!(self, list_packages())
    }

    // Screening and outcome measures ------------------------------------------------------------

    /// Loads an instrument definition (already checked); answers whether it was new.
    #[allow(clippy::too_many_arguments)]
    pub async fn load_instrument(&self, a: &Actor, url: &str, version: &str, name: &str, title: &str, definition: &serde_json::Value, built_in: bool) -> PResult<(InstrumentRecord, bool)> {
        tx!(self, load_instrument(a, url, version, name, title, definition, built_in))
    }
    /// Retires an instrument, or brings it back; audited.
    pub async fn set_instrument_retired(&self, a: &Actor, id: &str, retired: bool) -> PResult<InstrumentRecord> {
        tx!(self, set_instrument_retired(a, id, retired))
    }
    pub async fn list_instruments(&self) -> PResult<Vec<InstrumentRecord>> {
        read!(self, list_instruments())
    }
    pub async fn find_instrument(&self, id_or_name: &str) -> PResult<InstrumentRecord> {
        read!(self, find_instrument(id_or_name))
    }
    #[allow(clippy::too_many_arguments)]
    pub async fn save_response(
        &self,
        a: &Actor,
        person_id: &str,
        episode_id: Option<&str>,
        instrument_id: &str,
        timepoint: &str,
        answers: &serde_json::Value,
        keep: Option<&ScoresToKeep>,
    ) -> PResult<ResponseRecord> {
        tx!(self, save_response(a, person_id, episode_id, instrument_id, timepoint, answers, keep))
    }
    pub async fn update_response(&self, a: &Actor, id: &str, version: Option<i64>, answers: &serde_json::Value, keep: Option<&ScoresToKeep>) -> PResult<ResponseRecord> {
        tx!(self, update_response(a, id, version, answers, keep))
    }
    pub async fn get_response(&self, a: &Actor, id: &str) -> PResult<ResponseRecord> {
        tx!(self, get_response(a, id))
    }
    pub async fn person_responses(&self, a: &Actor, person_id: &str) -> PResult<Vec<ResponseRecord>> {
        tx!(self, person_responses(a, person_id))
    }
    pub async fn person_needs(&self, a: &Actor, person_id: &str) -> PResult<(Vec<ProposedNeed>, Vec<PersonNeed>)> {
        tx!(self, person_needs(a, person_id))
    }
    pub async fn decide_need(&self, a: &Actor, id: &str, confirm: bool) -> PResult<ProposedNeed> {
        tx!(self, decide_need(a, id, confirm))
    }
}

mod research;
mod teams;
mod places;
mod community;
mod fhir;
mod outbox;
mod sessions;
pub mod identification;
