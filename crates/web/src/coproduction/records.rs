//! The community cycle's API: records of a place (`/api/v1/places/{code}/records`), one record
//! (`/api/v1/community/records/{id}`, edited with If-Match), an action's progress, raising to the
//! level above and the answer, open and raised actions (`/api/v1/community/actions`) and the
//! code lists (`/api/v1/community/code-lists`).
//!
//! Every write may carry an `Idempotency-Key` made where the form was filled in (the phone, or the
//! page when it was drawn): the same key sent again returns what the first made (200 with
//! `Idempotent-Replayed: true`) and makes nothing new, so a form resent by a phone that lost its
//! connection is kept once. Facilitators and coordinators reach the places assigned to them and
//! those below; another place's records answer 404 as if they did not exist; analysts see none
//! (they read the monitored values as indicators, through the observatory's disclosure rules).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_domain::coproduction::cycle::ActionStatus;
use linkwork_domain::coproduction::{CommunitySettings, NewRecord, RecordInput, RecordKind};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::FieldError;
use linkwork_store::pathway::{CommunityRecord, ManagedChange, RecordFilter, Submitted};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api_v1::{require_if_match, today, with_etag};
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/community/code-lists", get(community_code_lists))
        .route("/api/v1/places/{code}/records", get(list_place_records).post(create_place_record))
        .route("/api/v1/community/records/{id}", get(get_community_record).put(update_community_record))
        .route("/api/v1/community/records/{id}/progress", post(add_action_progress))
        .route("/api/v1/community/records/{id}/raise", post(raise_action))
        .route("/api/v1/community/records/{id}/answer", post(answer_action))
        .route("/api/v1/community/records/{id}/publish", post(super::publish::publish_resource))
        .route("/api/v1/community/actions", get(list_actions))
}

/// The header a submission's id travels in.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A submission id: 8 to 100 letters, digits, '-', '_', ':' or '.' (a UUID is usual).
pub fn submission_id(raw: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    if (8..=100).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c)) {
        Ok(v.to_string())
    } else {
        Err(FieldError::new("Idempotency-Key", "a submission id is 8 to 100 letters, digits, '-', '_', ':' or '.' (a UUID made where the form was filled in)"))
    }
}

fn key_of(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get(IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(v) => submission_id(v.to_str().unwrap_or("")).map(Some).map_err(|e| ApiError::invalid(vec![e])),
    }
}

/// Who may write a record of this kind: supervision visits are coordinators'; the rest anyone
/// who records the community's cycle. Writers act for their own places (administrators manage
/// places but do not write a community's records).
fn writer(caller: &Caller, kind: RecordKind) -> ApiResult<(linkwork_store::pathway::Actor, String)> {
    let a = caller.may(if kind == RecordKind::Supervision { Action::SuperviseCommunity } else { Action::RecordCommunity })?;
    Ok((a, caller.user.id.clone()))
}

/// The checked record, or every problem with its path in the request body.
pub fn checked(s: &CommunitySettings, input: &RecordInput) -> ApiResult<NewRecord> {
    NewRecord::parse(input, s, today()).map_err(ApiError::invalid)
}

/// A write's answer: 201 for something new (200 for an edit), 200 with `Idempotent-Replayed`
/// for a replay; the record's version as its ETag.
fn answer(done: Submitted, new: bool) -> Response {
    let mut r = with_etag(done.record.version, &done.record);
    if new && !done.replayed {
        *r.status_mut() = axum::http::StatusCode::CREATED;
    }
    if done.replayed {
        r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    r
}

/// The code lists the cycle's records use, with their names in every language.
#[utoipa::path(get, path = "/api/v1/community/code-lists", tag = "community",
    responses((status = 200, description = "partners, vulnerable_groups, resource_kinds, leads, age_groups, supervision_checklist, indicators", body = Object)),
    security(("bearer" = [])))]
pub async fn community_code_lists(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<CommunitySettings>> {
    crate::coproduction::places::scope(&caller)?;
    Ok(Json(state.config.community.clone()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// Only this kind (meeting, need, vulnerable_group, resource, action, supervision, monitoring).
    pub kind: Option<String>,
    /// Also the records of every place below.
    pub below: Option<bool>,
    /// From this day, YYYY-MM-DD.
    pub from: Option<String>,
    /// To this day, YYYY-MM-DD.
    pub to: Option<String>,
}

fn day_param(field: &str, v: &Option<String>) -> ApiResult<Option<String>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| Some(d.to_string()))
            .map_err(|_| ApiError::field(field, format!("{d:?} is not a date; write it as YYYY-MM-DD"))),
    }
}

fn kind_param(v: &Option<String>) -> ApiResult<Option<RecordKind>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(k) => RecordKind::parse(k).map(Some).ok_or_else(|| {
            let known: Vec<&str> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
            ApiError::field("kind", format!("{k:?} is not a kind of record; use one of {}", known.join(", ")))
        }),
    }
}

/// A place's records, newest first (with `below=true`, also the places below it).
#[utoipa::path(get, path = "/api/v1/places/{code}/records", tag = "community", params(("code" = String, Path), RecordQuery),
    responses((status = 200, body = [CommunityRecord]), (status = 404, description = "No such place among those the caller sees", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_place_records(State(state): State<AppState>, caller: Caller, Path(code): Path<String>, Query(q): Query<RecordQuery>) -> ApiResult<Json<Vec<CommunityRecord>>> {
    let who = crate::coproduction::places::scope(&caller)?;
    // The place itself must be one the caller sees: an unseen place is not found, not empty.
    let seen = state.store().list_places(who.as_deref()).await?;
    if !seen.iter().any(|p| p.code == code) {
        return Err(ApiError::not_found(format!("place {code}")));
    }
    let f = RecordFilter {
        place_code: Some(code),
        below: q.below.unwrap_or(false),
        kind: kind_param(&q.kind)?,
        from: day_param("from", &q.from)?,
        to: day_param("to", &q.to)?,
        ..RecordFilter::default()
    };
    Ok(Json(state.store().list_records(who.as_deref(), &f).await?))
}

/// Records a meeting, need, vulnerable group, resource, action, supervision visit or monitored
/// value for a place. Send an `Idempotency-Key` so that sending it again keeps it once.
#[utoipa::path(post, path = "/api/v1/places/{code}/records", tag = "community", params(("code" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "The submission's id, made where the form was filled in")),
    request_body = RecordInput,
    responses((status = 201, body = CommunityRecord, description = "Kept"),
        (status = 200, body = CommunityRecord, description = "A replay: what the first submission with this key made"),
        (status = 403, description = "Not a facilitator or coordinator (supervision: coordinators only)", content_type = "application/problem+json"),
        (status = 404, description = "No such place among the caller's", content_type = "application/problem+json"),
        (status = 409, description = "The key was used for something else", content_type = "application/problem+json"),
        (status = 422, description = "Refused; each problem names its field", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn create_place_record(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(code): Path<String>, Body(input): Body<RecordInput>) -> ApiResult<Response> {
    let (a, me) = writer(&caller, input.body.kind())?;
    let key = key_of(&headers)?;
    let rec = checked(&state.config.community, &input)?;
    let done = state.store().create_record(&a, Some(&me), &code, &rec, key.as_deref()).await?;
    Ok(answer(done, true))
}

/// One record, with its version as ETag.
#[utoipa::path(get, path = "/api/v1/community/records/{id}", tag = "community", params(("id" = String, Path)),
    responses((status = 200, body = CommunityRecord), (status = 404, description = "No such record among the caller's places", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_community_record(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let who = crate::coproduction::places::scope(&caller)?;
    let id = crate::api_v1::id("id", &id)?;
    let r = state.store().get_record(who.as_deref(), &id).await?;
    Ok(with_etag(r.version, r))
}

/// Replaces what a record says. `If-Match` must carry the version the edit was made on: if
/// someone changed it meanwhile the edit is refused (412) and the record as it is now can be read
/// and the edit made again, so nobody's change is silently lost.
#[utoipa::path(put, path = "/api/v1/community/records/{id}", tag = "community", params(("id" = String, Path),
        ("If-Match" = String, Header, description = "The version the edit was made on"),
        ("Idempotency-Key" = Option<String>, Header, description = "The submission's id")),
    request_body = RecordInput,
    responses((status = 200, body = CommunityRecord), (status = 412, description = "Changed by someone else meanwhile", content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", content_type = "application/problem+json"),
        (status = 422, description = "Refused; each problem names its field", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn update_community_record(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(id): Path<String>, Body(input): Body<RecordInput>) -> ApiResult<Response> {
    let (a, me) = writer(&caller, input.body.kind())?;
    let id = crate::api_v1::id("id", &id)?;
    let expected = require_if_match(&headers, "record")?;
    let key = key_of(&headers)?;
    let rec = checked(&state.config.community, &input)?;
    let done = state.store().update_record(&a, Some(&me), &id, expected, &rec, key.as_deref()).await?;
    Ok(answer(done, false))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressBody {
    pub text: String,
    /// The action's status from now on, if it changes (planned, in_progress, stuck, done, dropped).
    #[serde(default)]
    pub status: Option<ActionStatus>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextBody {
    pub text: String,
}

/// A note's text: 1 to 2,000 characters (progress, a question raised, an answer).
pub(crate) fn words(field: &str, v: &str) -> ApiResult<()> {
    let n = v.trim().chars().count();
    if n == 0 || n > 2000 {
        return Err(ApiError::invalid(vec![FieldError::keyed(field, "err-community-required", &[], "write it (at most 2,000 characters)")]));
    }
    Ok(())
}

async fn change(state: &AppState, caller: &Caller, headers: &HeaderMap, id: &str, c: ManagedChange<'_>) -> ApiResult<Response> {
    let (a, me) = writer(caller, RecordKind::Action)?;
    let id = crate::api_v1::id("id", id)?;
    let key = key_of(headers)?;
    let done = state.store().change_action(&a, Some(&me), &id, &c, today(), key.as_deref()).await?;
    Ok(answer(done, false))
}

/// Adds a progress note to an action, and its new status if it changed.
#[utoipa::path(post, path = "/api/v1/community/records/{id}/progress", tag = "community", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "The submission's id")),
    request_body = ProgressBody, responses((status = 200, body = CommunityRecord), (status = 409, description = "Not an action", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn add_action_progress(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(id): Path<String>, Body(b): Body<ProgressBody>) -> ApiResult<Response> {
    words("text", &b.text)?;
    change(&state, &caller, &headers, &id, ManagedChange::Progress { text: b.text.trim(), status: b.status }).await
}

/// Raises an action to the place above (a district dialogue), with the question for it.
#[utoipa::path(post, path = "/api/v1/community/records/{id}/raise", tag = "community", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "The submission's id")),
    request_body = TextBody,
    responses((status = 200, body = CommunityRecord), (status = 409, description = "Not an action, at the top, or already waiting for an answer", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn raise_action(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(id): Path<String>, Body(b): Body<TextBody>) -> ApiResult<Response> {
    words("text", &b.text)?;
    change(&state, &caller, &headers, &id, ManagedChange::Raise { question: b.text.trim() }).await
}

/// Records the answer of the place an action was raised to (by someone who sees that place).
#[utoipa::path(post, path = "/api/v1/community/records/{id}/answer", tag = "community", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "The submission's id")),
    request_body = TextBody,
    responses((status = 200, body = CommunityRecord), (status = 404, description = "Not raised to a place the caller sees", content_type = "application/problem+json"),
        (status = 409, description = "Nothing waiting for an answer", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn answer_action(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(id): Path<String>, Body(b): Body<TextBody>) -> ApiResult<Response> {
    words("text", &b.text)?;
    change(&state, &caller, &headers, &id, ManagedChange::Answer { text: b.text.trim() }).await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    /// Only the actions of this place and those below it.
    pub place: Option<String>,
    /// true: the actions raised to the caller's places (or to `place`), answered or not.
    pub raised: Option<bool>,
    /// false: closed actions too (done, dropped). Open only by default.
    pub open: Option<bool>,
}

/// Actions across the caller's places: open ones by due date, or those raised to them.
#[utoipa::path(get, path = "/api/v1/community/actions", tag = "community", params(ActionQuery),
    responses((status = 200, body = [CommunityRecord])), security(("bearer" = [])))]
pub async fn list_actions(State(state): State<AppState>, caller: Caller, Query(q): Query<ActionQuery>) -> ApiResult<Json<Vec<CommunityRecord>>> {
    let who = crate::coproduction::places::scope(&caller)?;
    let raised = q.raised.unwrap_or(false);
    let f = RecordFilter {
        place_code: q.place.clone(),
        below: true,
        kind: Some(RecordKind::Action),
        open_actions: q.open.unwrap_or(true) && !raised,
        raised,
        ..RecordFilter::default()
    };
    if let Some(code) = &q.place {
        let seen = state.store().list_places(who.as_deref()).await?;
        if !seen.iter().any(|p| &p.code == code) {
            return Err(ApiError::not_found(format!("place {code}")));
        }
    }
    Ok(Json(state.store().list_records(who.as_deref(), &f).await?))
}
