//! `/api/v1/practices/{org}/…`: load the practice's patients (a FHIR Bundle as
//! `application/fhir+json`, or `text/csv`), run the rules, read the worklist, dismiss an entry
//! with a reason, refer from an entry. Referrers of the practice only; another practice is 404.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::consent::ConsentMethod;
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::Urgency;
use linkwork_store::pathway::{IdentificationRun, PracticeLoad, ReferredEntry, Worklist, WorklistEntry};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{practice_id, Format, ReferralForm};
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/practices/{org}/patients", post(load_patients))
        .route("/api/v1/practices/{org}/runs", post(run_rules))
        .route("/api/v1/practices/{org}/worklist", get(read_worklist))
        .route("/api/v1/practices/{org}/worklist/{entry}/dismiss", post(dismiss))
        .route("/api/v1/practices/{org}/worklist/{entry}/refer", post(refer))
}

/// Loads the practice's patients with their encounters, conditions and screening observations,
/// replacing the last load whole. A FHIR R4 Bundle (collection, batch, transaction or
/// searchset) of Patient, Encounter, Condition and Observation as `application/fhir+json`, or a
/// CSV as `text/csv` (columns in the README). Anything wrong and nothing is kept: each problem
/// names its FHIRPath (`Bundle.entry[3].resource.subject`) or its line and column.
#[utoipa::path(post, path = "/api/v1/practices/{org}/patients", tag = "identification",
    params(("org" = String, Path, description = "The practice: an organisation its referrers belong to")),
    request_body(content((Object = "application/fhir+json"), (String = "text/csv")), description = "The practice's patients and their records"),
    responses((status = 200, body = PracticeLoad), (status = 403, description = "Not a referrer", content_type = "application/problem+json"),
        (status = 404, description = "Not a practice the caller belongs to", content_type = "application/problem+json"),
        (status = 415, description = "Neither FHIR JSON nor CSV", content_type = "application/problem+json"),
        (status = 422, description = "Refused whole; each problem says where and how to fix it", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn load_patients(State(state): State<AppState>, caller: Caller, Path(org): Path<String>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<PracticeLoad>> {
    let a = caller.may(Action::IdentifyPatients)?;
    let org = practice_id(&org)?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(format) = Format::from_content_type(ct) else {
        return Err(ApiError::UnsupportedMediaType(format!("send a FHIR Bundle as application/fhir+json or a CSV as text/csv, not {ct:?}")));
    };
    Ok(Json(super::load(&state, &a, &org, format, &body).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunInput {
    /// The date the rules' periods end on (YYYY-MM-DD); today when not given.
    #[serde(default)]
    pub as_of: Option<String>,
}

/// Runs the rules of `[identification]` over the practice's patients as loaded; the worklist is
/// this run's.
#[utoipa::path(post, path = "/api/v1/practices/{org}/runs", tag = "identification",
    params(("org" = String, Path, description = "The practice")), request_body = RunInput,
    responses((status = 201, body = IdentificationRun), (status = 404, description = "Not a practice the caller belongs to", content_type = "application/problem+json"),
        (status = 409, description = "No patients loaded yet", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn run_rules(State(state): State<AppState>, caller: Caller, Path(org): Path<String>, body: Bytes) -> ApiResult<Response> {
    let a = caller.may(Action::IdentifyPatients)?;
    let org = practice_id(&org)?;
    let today = crate::api_v1::today();
    let input: RunInput = if body.iter().all(u8::is_ascii_whitespace) {
        RunInput::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::field("body", format!("is not a run: {e}; send {{}} or {{\"as_of\": \"YYYY-MM-DD\"}}")))?
    };
    let as_of = match input.as_of {
        None => today,
        Some(d) => match linkwork_domain::identification::read_date(&d) {
            Ok(d) if d <= today => d,
            Ok(_) => return Err(ApiError::field("as_of", "is in the future; the rules look back from a day that has come")),
            Err(e) => return Err(ApiError::field("as_of", e)),
        },
    };
    let run = state.store().run_identification(&a, &org, &state.config.identification, as_of).await?;
    Ok(crate::api_v1::created(run))
}

/// The worklist with each reason also said in words (`text`).
fn with_text(state: &AppState, v: &mut Value) {
    let s = &state.config.identification;
    let Some(reasons) = v.get_mut("reasons").and_then(Value::as_array_mut) else { return };
    for r in reasons {
        let parsed: Option<linkwork_domain::identification::Reason> = serde_json::from_value(r.clone()).ok();
        if let Some(p) = parsed {
            r["text"] = Value::String(format!("{}: {}", s.rule_name(&p.rule, "en"), p.evidence.iter().map(|e| e.describe()).collect::<Vec<_>>().join("; ")));
        }
    }
}

/// The practice's worklist: the latest run, who it found and why, and what was decided.
/// Nothing on it is shared with anyone until the referrer refers.
#[utoipa::path(get, path = "/api/v1/practices/{org}/worklist", tag = "identification",
    params(("org" = String, Path, description = "The practice")),
    responses((status = 200, body = Worklist), (status = 403, description = "Not a referrer", content_type = "application/problem+json"),
        (status = 404, description = "Not a practice the caller belongs to", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn read_worklist(State(state): State<AppState>, caller: Caller, Path(org): Path<String>) -> ApiResult<Json<Value>> {
    let a = caller.may(Action::IdentifyPatients)?;
    let org = practice_id(&org)?;
    let w = state.store().worklist(&a, &org).await?;
    let mut v = serde_json::to_value(&w).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(entries) = v.get_mut("entries").and_then(Value::as_array_mut) {
        for e in entries {
            with_text(&state, e);
        }
    }
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissInput {
    /// Why this person is not referred (1 to 500 characters).
    pub reason: String,
}

/// Marks an entry dismissed, with why; a later run that finds them for a new reason lists them again.
#[utoipa::path(post, path = "/api/v1/practices/{org}/worklist/{entry}/dismiss", tag = "identification",
    params(("org" = String, Path, description = "The practice"), ("entry" = String, Path, description = "The worklist entry")), request_body = DismissInput,
    responses((status = 200, body = WorklistEntry), (status = 404, description = "No such entry at this practice", content_type = "application/problem+json"),
        (status = 409, description = "Already referred", content_type = "application/problem+json"), (status = 422, description = "No reason given", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn dismiss(State(state): State<AppState>, caller: Caller, Path((org, entry)): Path<(String, String)>, Body(b): Body<DismissInput>) -> ApiResult<Json<WorklistEntry>> {
    let a = caller.may(Action::IdentifyPatients)?;
    let org = practice_id(&org)?;
    let reason = b.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 || reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid(vec![crate::error::FieldError::new("reason", "say why this person is not referred, in 1 to 500 characters")]));
    }
    Ok(Json(state.store().dismiss_entry(&a, &org, &entry, reason).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryReferralInput {
    /// Contact details and preferences (phone, email, preferred_contact, language…). The name
    /// and birth date are the practice's record's and are not taken from here.
    #[serde(default)]
    pub person: Option<PersonDetails>,
    /// Needs codes; the needs the entry's reasons propose when not given.
    #[serde(default)]
    pub reasons: Option<Vec<String>>,
    /// What the link worker should know; the entry's reasons when not given.
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub urgency: Option<Urgency>,
    #[serde(default)]
    pub risks: Option<String>,
    #[serde(default)]
    pub safeguarding: bool,
    /// The person agreed to be referred to the link worker service. Required.
    pub consent_to_support: bool,
    pub consent_method: ConsentMethod,
}

/// Refers the person an entry names to the link worker service, as any referral (their
/// agreement required), matched by their NHS number when Linkwork already knows them; the entry
/// then shows "referred".
#[utoipa::path(post, path = "/api/v1/practices/{org}/worklist/{entry}/refer", tag = "identification",
    params(("org" = String, Path, description = "The practice"), ("entry" = String, Path, description = "The worklist entry")), request_body = EntryReferralInput,
    responses((status = 201, body = ReferredEntry), (status = 404, description = "No such entry at this practice", content_type = "application/problem+json"),
        (status = 409, description = "Already referred, or no longer in the practice's records", content_type = "application/problem+json"),
        (status = 422, description = "The referral needs correcting", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn refer(State(state): State<AppState>, caller: Caller, Path((org, entry)): Path<(String, String)>, Body(b): Body<EntryReferralInput>) -> ApiResult<Response> {
    caller.may(Action::CreateReferral)?;
    let a = caller.may(Action::IdentifyPatients)?;
    let org = practice_id(&org)?;
    let e = state.store().worklist_entry(&a, &org, &entry).await?;
    let f = ReferralForm {
        person: b.person.unwrap_or_default(),
        reasons: b.reasons.unwrap_or_else(|| super::proposed_needs(&e.reasons)),
        details: b.details.or_else(|| Some(super::reasons_text(&state, &e.reasons))),
        urgency: b.urgency.unwrap_or(Urgency::Routine),
        risks: b.risks,
        safeguarding: b.safeguarding,
        consent_to_support: b.consent_to_support,
        consent_method: b.consent_method,
    };
    let r = super::refer(&state, &caller, &a, &org, &e, f).await?;
    Ok(crate::api_v1::created(r))
}
