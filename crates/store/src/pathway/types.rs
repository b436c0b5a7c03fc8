//! What the pathway store returns and takes.

use linkwork_domain::pathway::assessment::Assessment;
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::ReferralDetails;
use linkwork_domain::pathway::Role;
use serde::Serialize;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Who is acting, for authorisation checks made with the data and for the audit entry.
#[derive(Clone, Debug)]
pub struct Actor {
    /// None for the system (CLI, first-run set-up) and anonymous self-referrals.
    pub user_id: Option<String>,
    pub name: String,
    /// The role this action is taken in.
    pub role: String,
    /// Why: the endpoint or command.
    pub reason: String,
}

impl Actor {
    pub fn system(reason: impl Into<String>) -> Actor {
        Actor { user_id: None, name: "system".into(), role: "system".into(), reason: reason.into() }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub roles: Vec<Role>,
    /// Directory organisations this user acts for (providers).
    pub organizations: Vec<String>,
    /// The link-worker team they are in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub disabled: bool,
    pub created_at: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub roles: Vec<Role>,
    pub organizations: Vec<String>,
}

/// A credential being issued.
#[derive(Clone, Debug)]
pub struct NewCredential<'a> {
    pub user_id: &'a str,
    /// "api" or "session".
    pub kind: &'a str,
    pub name: &'a str,
    /// SHA-256 of the secret; the secret itself is never stored.
    pub secret_hash: &'a str,
    /// The session's CSRF token (sessions only).
    pub csrf: Option<&'a str>,
    pub scopes: &'a [String],
    pub expires_at: Option<&'a str>,
}

/// An API token or a web session (the secret itself is never stored).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Credential {
    pub id: String,
    pub user_id: String,
    /// "api" or "session".
    pub kind: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    #[serde(skip)]
    pub csrf: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonSummary {
    pub id: String,
    pub display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Person {
    pub id: String,
    pub details: PersonDetails,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<String>,
    /// Send it back in `If-Match` to change the record.
    pub version: i64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Consent {
    pub id: String,
    pub person_id: String,
    pub purpose: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    pub method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    pub recorded_at: String,
    /// Whether it still stands.
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawal_reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EpisodeEvent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A SNOMED CT code recorded with this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// An episode as a list shows it (caseloads, a referrer's referrals).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EpisodeSummary {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure_reason: Option<String>,
    pub urgency: String,
    pub safeguarding: bool,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_worker_id: Option<String>,
    pub received_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GoalReview {
    pub progress: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Goal {
    pub id: String,
    pub episode_id: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_date: Option<String>,
    pub progress: String,
    pub created_at: String,
    pub reviews: Vec<GoalReview>,
    pub version: i64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PrescriptionItem {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub goal_ids: Vec<String>,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseNote {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    pub at: String,
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FollowUp {
    pub id: String,
    pub episode_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_worker_id: Option<String>,
    /// YYYY-MM-DD.
    pub due_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OnwardEvent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    pub side: String,
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Attendance {
    /// YYYY-MM-DD.
    pub session_on: String,
    pub attended: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub recorded_at: String,
}

/// An onward referral as the link worker sees it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OnwardReferral {
    pub id: String,
    pub episode_id: String,
    pub person_id: String,
    pub service_id: String,
    pub service_name: String,
    pub organization_id: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Set when the service had no capacity or a waiting list when the referral was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_warning: Option<String>,
    /// The first session the organisation booked (YYYY-MM-DD), of which the person is reminded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_session_on: Option<String>,
    /// Its time (HH:MM, local), if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_session_time: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub events: Vec<OnwardEvent>,
    pub attendance: Vec<Attendance>,
    /// Sessions attended / sessions recorded.
    pub sessions_attended: u32,
    pub sessions_recorded: u32,
    pub version: i64,
}

/// What the receiving organisation sees: only what the person agreed to share — name, how to
/// contact them, why they were referred — and never case notes, goals or the assessment.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SharedReferral {
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    pub organization_id: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    pub person_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub interpreter_needed: bool,
    /// Needs codes from the referral.
    pub reasons: Vec<String>,
    /// The link worker's message to the organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The first session the organisation booked (YYYY-MM-DD), of which the person is reminded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_session_on: Option<String>,
    /// Its time (HH:MM, local), if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_session_time: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub attendance: Vec<Attendance>,
    pub version: i64,
}

/// An episode with everything in it, for the link worker.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Episode {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    pub status: String,
    /// Whether the person accepted the referral (SNOMED CT 871731000000106 recorded).
    pub accepted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure_reason: Option<String>,
    pub referral: ReferralDetails,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_worker_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    pub received_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    pub events: Vec<EpisodeEvent>,
    pub goals: Vec<Goal>,
    pub prescription: Vec<PrescriptionItem>,
    pub onward_referrals: Vec<OnwardReferral>,
    pub follow_ups: Vec<FollowUp>,
    pub version: i64,
}

/// What a referrer sees of a referral they made: its progress and the messages back, not the
/// link worker's casework.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReferralStatus {
    pub episode_id: String,
    pub person_name: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure_reason: Option<String>,
    pub received_at: String,
    pub updated_at: String,
    pub messages: Vec<Message>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Message {
    pub id: String,
    pub episode_id: String,
    /// accepted, declined, plan_agreed, closed.
    pub kind: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_display: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_at: Option<String>,
}

/// A link worker's caseload at a glance.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Caseload {
    pub link_worker_id: String,
    /// Open episodes by status.
    pub by_status: Vec<(String, i64)>,
    pub open: i64,
    /// People whose episodes were open at any time in the last 12 months: what the safe caseload
    /// (about 200–250 a year in England) is measured against.
    pub people_last_12_months: i64,
    pub safe_caseload: i64,
    /// Set when the caseload is at or over the safe level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    pub follow_ups_due_today: i64,
    pub follow_ups_overdue: i64,
    /// Referrals received and not yet assigned to anyone.
    pub unassigned: i64,
}

/// Filters for episode lists.
#[derive(Clone, Debug, Default)]
pub struct EpisodeFilter {
    pub link_worker_id: Option<String>,
    pub referred_by: Option<String>,
    pub status: Option<String>,
    pub open_only: bool,
    pub unassigned: bool,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub person_id: Option<String>,
    pub entity: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A loaded instrument: its definition as given, and what identifies it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstrumentRecord {
    pub id: String,
    /// The Questionnaire's canonical URL.
    pub url: String,
    pub version: String,
    pub name: String,
    pub title: String,
    /// `{"questionnaire": …, "scoring": …}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub definition: serde_json::Value,
    pub built_in: bool,
    pub retired: bool,
    pub loaded_at: String,
}

/// A score kept with its response.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredScore {
    pub score_id: String,
    pub raw: f64,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive: Option<bool>,
    pub at: String,
}

/// A person's answers to an instrument (a QuestionnaireResponse), with its scores once complete.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseRecord {
    pub id: String,
    pub person_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub episode_id: Option<String>,
    pub instrument_id: String,
    pub instrument_name: String,
    /// screening, baseline or follow_up.
    pub timepoint: String,
    /// in-progress or completed.
    pub status: String,
    /// Answers by linkId: a list of codes, a number, a boolean or text.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: serde_json::Value,
    pub authored_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    pub scores: Vec<StoredScore>,
    pub version: i64,
}

/// A need a positive screen proposed, until a link worker confirms or dismisses it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposedNeed {
    pub id: String,
    pub person_id: String,
    pub response_id: String,
    /// A needs code.
    pub need: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdoh_category: Option<String>,
    /// The instrument's domain that screened positive.
    pub domain: String,
    /// proposed, confirmed or dismissed.
    pub status: String,
    pub proposed_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

/// A need confirmed on a person's record.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonNeed {
    pub need: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdoh_category: Option<String>,
    /// "screening" or "link_worker".
    pub source: String,
    pub recorded_at: String,
}

/// What a completed response scored, for the store to keep.
#[derive(Clone, Debug, Default)]
pub struct ScoresToKeep {
    pub scores: Vec<StoredScore>,
    /// (domain, need, SDOH category) of each positive domain that proposes a need.
    pub proposals: Vec<(String, String, Option<String>)>,
}

/// An observatory package to keep: a programme's published results (already checked).
#[derive(Clone, Debug)]
pub struct NewPackage {
    pub content_hash: String,
    pub programme_id: String,
    pub programme_name: String,
    pub period_from: String,
    pub period_to: String,
    pub published_at: String,
    /// The Bundle as received.
    pub bundle: String,
}

/// A package a regional observatory keeps.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageRecord {
    pub id: String,
    /// SHA-256 of the package's content, as its Bundle identifier gives it.
    pub content_hash: String,
    pub programme_id: String,
    pub programme_name: String,
    pub period_from: String,
    pub period_to: String,
    pub published_at: String,
    pub imported_at: String,
    #[serde(skip)]
    pub bundle: String,
}

/// A researcher's approval for a study.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRecord {
    pub id: String,
    pub researcher_id: String,
    /// The researcher's username and name.
    pub researcher: String,
    pub researcher_name: String,
    pub study: String,
    pub purpose: String,
    /// The last day extracts may be taken.
    pub expires_on: String,
    /// Who approved it (display name) and when.
    pub approved_by: Option<String>,
    pub approved_at: String,
    pub revoked_at: Option<String>,
    /// Not revoked and not expired today.
    pub active: bool,
}

/// One extract taken, as the register keeps it (never its rows).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtractRecord {
    pub id: String,
    pub approval_id: String,
    pub study: String,
    /// The researcher's username.
    pub requested_by: String,
    pub reason: String,
    pub period_from: String,
    pub period_to: String,
    /// Rows handed over.
    pub episodes: i64,
    /// SHA-256 of the CSV handed over, so a copy found later can be matched to its request.
    pub content_sha256: String,
    pub created_at: String,
}

/// A place of the co-production hierarchy.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRecord {
    pub id: String,
    pub code: String,
    pub name: String,
    /// The level's code (e.g. district) and depth (0 at the top).
    pub level: String,
    pub depth: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<i64>,
    /// Usernames of the facilitators and coordinators assigned to it.
    pub assigned: Vec<String>,
}

/// What an import of places did.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlacesReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Nothing was written (a dry run).
    pub dry_run: bool,
}

/// A record of the community cycle, as kept for one place.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityRecord {
    pub id: String,
    pub place_code: String,
    pub place_name: String,
    pub kind: linkwork_domain::coproduction::RecordKind,
    /// The day it happened, YYYY-MM-DD (a monitored value's month's first day).
    pub date: String,
    pub body: linkwork_domain::coproduction::RecordBody,
    /// Progress notes, raising to the level above and its answer, publication to the directory.
    pub managed: linkwork_domain::coproduction::cycle::Managed,
    /// Who recorded it (username).
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
    /// For If-Match: an edit must name the version it was made on.
    pub version: i64,
}

/// Which community records to list: those of one place (and below), of a kind, open actions only,
/// or what was raised to the caller's places.
#[derive(Clone, Debug, Default)]
pub struct RecordFilter {
    pub place_code: Option<String>,
    pub below: bool,
    pub kind: Option<linkwork_domain::coproduction::RecordKind>,
    pub open_actions: bool,
    pub raised: bool,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<i64>,
}

/// A submission's result: the record, and whether this was a replay of one kept before.
#[derive(Clone, Debug)]
pub struct Submitted {
    pub record: CommunityRecord,
    pub replayed: bool,
}

/// What changes a managed part: a progress note (with the status it sets), raising to the level
/// above, or the answer from there.
pub enum ManagedChange<'a> {
    Progress { text: &'a str, status: Option<linkwork_domain::coproduction::cycle::ActionStatus> },
    Raise { question: &'a str },
    Answer { text: &'a str },
}


// ---------------------------------------------------------------------------------------------
// FHIR referrals from health systems

/// A FHIR resource to keep with a referral from a health system, its id given by the caller.
#[derive(Clone, Debug)]
pub struct FhirResourceIn {
    pub resource_type: String,
    pub id: String,
    pub body: serde_json::Value,
}

/// A kept FHIR resource, with what Linkwork knows of it.
#[derive(Clone, Debug, Serialize)]
pub struct FhirResource {
    pub resource_type: String,
    pub id: String,
    pub version_id: i64,
    pub last_updated: String,
    pub body: serde_json::Value,
    pub person_id: Option<String>,
    pub episode_id: Option<String>,
    pub client_id: Option<String>,
    pub status: Option<String>,
    pub status_reason: Option<linkwork_domain::pathway::inbound::StatusReason>,
    pub owner_ref: Option<String>,
    pub requester_ref: Option<String>,
    pub focus_ref: Option<String>,
}

/// A referral that came in over FHIR: the person as the health system describes them, the
/// referral Linkwork reads from it, and the resources to keep.
pub struct InboundReferral<'a> {
    /// The health system's account.
    pub client_id: &'a str,
    pub identifiers: &'a [linkwork_domain::pathway::identifier::PersonIdentifier],
    pub person: &'a PersonDetails,
    pub details: &'a ReferralDetails,
    pub consent_method: linkwork_domain::pathway::consent::ConsentMethod,
    pub service_request: FhirResourceIn,
    /// The Task as sent (its status is Linkwork's from then on), with who asked and who owns it.
    pub task: FhirResourceIn,
    pub requester_ref: Option<String>,
    pub owner_ref: String,
    pub others: Vec<FhirResourceIn>,
}

/// How the person of an inbound referral was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Matched {
    /// An identifier (a verified NHS number, or one with its system) named someone known.
    Identifier { system: String },
    /// Nobody known: a new person.
    New,
    /// Someone new who may be someone known (same name and birth date): kept apart until a
    /// link worker decides.
    Proposed { candidates: Vec<String> },
}

/// What an inbound referral became.
#[derive(Clone, Debug, Serialize)]
pub struct Received {
    pub person_id: String,
    pub episode_id: String,
    pub matched: Matched,
    /// The person already had an open episode: the referral was added to it.
    pub joined_open_episode: bool,
    pub task: FhirResource,
    pub service_request: FhirResource,
}

/// Which kept resources a FHIR search wants.
#[derive(Clone, Debug, Default)]
pub struct FhirSearch {
    pub resource_type: String,
    /// Only those the client sent (None: an administrator, every client's).
    pub client_id: Option<String>,
    pub ids: Vec<String>,
    pub status: Vec<String>,
    pub owner: Option<String>,
    pub requester: Option<String>,
    pub focus: Option<String>,
    pub person_id: Option<String>,
    /// `_lastUpdated` bounds: (operator: gt, ge, lt, le, eq, as SQL), RFC 3339 time.
    pub last_updated: Vec<(&'static str, String)>,
    /// At most this many (1 to 1000), after skipping `offset`, the least recently changed first;
    /// one more is read to tell whether there is a next page.
    pub limit: i64,
    pub offset: i64,
}

/// An episode as a referring health system may hear of it (the Procedure and the messages
/// back): what matters to the person, what was prescribed and whether it was taken up, and the
/// messages addressed to the system. Nothing of the case notes or the assessment beyond that.
#[derive(Clone, Debug, Serialize)]
pub struct FhirOutcome {
    pub episode_id: String,
    pub person_id: String,
    pub status: String,
    pub accepted: bool,
    pub received_at: String,
    pub closed_at: Option<String>,
    pub closure_reason: Option<String>,
    pub what_matters: Option<String>,
    /// (service or activity, taken up: enrolled with the organisation).
    pub activities: Vec<(String, bool)>,
    /// The client's ServiceRequests and Tasks for the episode.
    pub service_requests: Vec<String>,
    pub tasks: Vec<String>,
    pub requester_ref: Option<String>,
    pub messages: Vec<MessageBack>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MessageBack {
    pub id: String,
    pub kind: String,
    pub summary: String,
    pub code: Option<(String, String)>,
    pub created_at: String,
}

// ---------------------------------------------------------------------------------------------
// Notifications

/// A message in the outbox.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OutboxMessage {
    pub id: String,
    pub channel: linkwork_domain::notify::Channel,
    pub purpose: linkwork_domain::notify::Purpose,
    /// The email address, phone number or endpoint it goes to.
    pub address: String,
    pub language: String,
    /// What the message is rendered from (no more than it needs).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    #[serde(skip)]
    pub dedupe_key: Option<String>,
    pub status: linkwork_domain::notify::DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: String,
    #[serde(skip)]
    pub lease_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
}

/// A message to queue.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub channel: linkwork_domain::notify::Channel,
    pub purpose: linkwork_domain::notify::Purpose,
    pub address: String,
    pub language: String,
    pub payload: serde_json::Value,
    pub user_id: Option<String>,
    pub person_id: Option<String>,
    pub subscription_id: Option<String>,
    pub dedupe_key: Option<String>,
}

impl Outgoing {
    pub fn email(purpose: linkwork_domain::notify::Purpose, address: String, language: String, payload: serde_json::Value) -> Outgoing {
        Outgoing { channel: linkwork_domain::notify::Channel::Email, purpose, address, language, payload, user_id: None, person_id: None, subscription_id: None, dedupe_key: None }
    }

    pub fn for_user(mut self, user_id: &str) -> Outgoing {
        self.user_id = Some(user_id.to_string());
        self
    }
}

/// What a user wants to be told by email, and in which language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationPreferences {
    /// BCP 47 language of the emails: en, es or lo.
    pub language: String,
    /// Messages back about referrals one sent.
    pub message_back: bool,
    /// A community organisation's new referrals (providers).
    pub new_referral: bool,
    /// The daily digest of contacts due and overdue (link workers).
    pub digest: bool,
}

impl Default for NotificationPreferences {
    fn default() -> Self {
        NotificationPreferences { language: "en".into(), message_back: true, new_referral: true, digest: true }
    }
}

/// A FHIR rest-hook subscription as kept.
#[derive(Clone, Debug, Serialize)]
pub struct SubscriptionRecord {
    pub id: String,
    pub client_id: String,
    /// requested, active, error or off.
    pub status: String,
    pub topic: String,
    pub filter_criteria: Option<String>,
    pub endpoint: String,
    pub headers: Vec<String>,
    /// The Subscription as the client sent it.
    pub body: serde_json::Value,
    pub events_since_start: i64,
    /// Seconds without a notification after which a heartbeat is sent.
    pub heartbeat_seconds: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

/// A subscription to keep.
#[derive(Clone, Debug)]
pub struct NewSubscription {
    pub topic: String,
    pub filter_criteria: Option<String>,
    pub endpoint: String,
    pub headers: Vec<String>,
    pub body: serde_json::Value,
    pub heartbeat_seconds: Option<i64>,
}

/// An onward referral as a community organisation's system reads it over FHIR: what its inbox
/// shows, and the health system's referral it came from (the Task it is part of, the
/// ServiceRequest it is based on), if it came over FHIR.
#[derive(Clone, Debug, Serialize)]
pub struct OnwardFhir {
    pub shared: SharedReferral,
    pub origin_task: Option<String>,
    pub origin_service_request: Option<String>,
    pub sessions_attended: i64,
}
