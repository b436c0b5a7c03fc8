//! The pathway API under `/api/v1`: sign-in and tokens, users, people, consent, referrals,
//! episodes and casework, onward referrals, the providers' inbox, messages back to referrers,
//! the audit log and subject access. Every handler starts from a [`Caller`] and asks the domain's
//! access table before it touches the store; the store checks consent and relationships with the
//! data and writes the audit entry in the same transaction.
//!
//! Writes that change a record someone else may be editing take its version in `If-Match` (the
//! `ETag` of the read, or the `version` field) and answer 412 when it has moved on.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Duration, NaiveDate, Utc};
use linkwork_domain::hsds::tree;
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::assessment::{Assessment, GoalInput, GoalReviewInput, PrescriptionItemInput};
use linkwork_domain::pathway::audit::AuditEntry;
use linkwork_domain::pathway::consent::{ConsentInput, ConsentMethod};
use linkwork_domain::pathway::episode::{ClosureReason, EpisodeStatus, TransitionRequest};
use linkwork_domain::pathway::needs::{Need, NEEDS};
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::{ReferralDetails, ReferralInput, ReferralSource, Urgency};
use linkwork_domain::pathway::task::{Side, TaskStatus};
use linkwork_domain::pathway::{format_time, Role};
use linkwork_domain::service::ServiceDoc;
use linkwork_domain::Id;
use linkwork_store::pathway::api::{OnwardRequest, ReferralRequest};
use linkwork_store::pathway::{
    Actor, AuditFilter, CaseNote, Caseload, Consent, Credential, Episode, EpisodeFilter, EpisodeSummary, FollowUp, Goal, NewCredential, NewUser, OnwardReferral,
    Person, PersonSummary, PrescriptionItem, ReferralStatus, SharedReferral, User,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::auth::{self, Caller};
use crate::body::Body;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/token", post(sign_in).delete(sign_out))
        .route("/api/v1/me", get(me))
        .route("/api/v1/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/tokens/{id}", axum::routing::delete(revoke_token))
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{username}", axum::routing::patch(update_user))
        .route("/api/v1/code-lists/needs", get(needs))
        .route("/api/v1/people", get(search_people).post(create_person))
        .route("/api/v1/people/{id}", get(get_person).put(update_person))
        .route("/api/v1/people/{id}/consents", get(list_consents).post(add_consent))
        .route("/api/v1/people/{id}/export", get(export_person))
        .route("/api/v1/people/{id}/erase", post(erase_person))
        .route("/api/v1/consents/{id}/withdraw", post(withdraw_consent))
        .route("/api/v1/referrals", get(my_referrals).post(create_referral))
        .route("/api/v1/self-referrals", post(self_referral))
        .route("/api/v1/episodes", get(list_episodes))
        .route("/api/v1/episodes/{id}", get(get_episode))
        .route("/api/v1/episodes/{id}/transitions", post(transition))
        .route("/api/v1/episodes/{id}/assign", post(assign))
        .route("/api/v1/episodes/{id}/assessment", axum::routing::put(set_assessment))
        .route("/api/v1/episodes/{id}/goals", post(add_goal))
        .route("/api/v1/goals/{id}/reviews", post(review_goal))
        .route("/api/v1/episodes/{id}/prescription", post(add_prescription_item))
        .route("/api/v1/episodes/{id}/notes", get(list_notes).post(add_note))
        .route("/api/v1/episodes/{id}/follow-ups", post(add_follow_up))
        .route("/api/v1/follow-ups", get(due_follow_ups))
        .route("/api/v1/follow-ups/{id}/complete", post(complete_follow_up))
        .route("/api/v1/caseload", get(caseload))
        .route("/api/v1/episodes/{id}/onward-referrals", post(create_onward))
        .route("/api/v1/onward-referrals/{id}", get(get_onward))
        .route("/api/v1/onward-referrals/{id}/status", post(change_onward))
        .route("/api/v1/onward-referrals/{id}/attendance", post(record_attendance))
        .route("/api/v1/inbox", get(inbox))
        .route("/api/v1/messages/{id}/read", post(mark_read))
        .route("/api/v1/audit", get(search_audit))
        .route("/api/v1/audit/verify", get(verify_audit))
}

// ---------------------------------------------------------------------------------------------
// Helpers

pub(crate) fn id(field: &str, raw: &str) -> ApiResult<String> {
    Id::parse(raw).map(|i| i.to_string()).map_err(|e| ApiError::field(field, e.to_string()))
}

/// The version in `If-Match` ("3", W/"3" or 3), if any.
pub(crate) fn if_match(headers: &HeaderMap) -> ApiResult<Option<i64>> {
    let Some(v) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let s = v.to_str().unwrap_or("").trim();
    let s = s.strip_prefix("W/").unwrap_or(s).trim_matches('"');
    s.parse::<i64>().map(Some).map_err(|_| ApiError::field("If-Match", format!("'{s}' is not a version; send the ETag you read (e.g. \"3\")")))
}

pub(crate) fn require_if_match(headers: &HeaderMap, what: &str) -> ApiResult<i64> {
    if_match(headers)?.ok_or_else(|| {
        ApiError::PreconditionRequired(format!("send the {what}'s current version in If-Match (its ETag from GET), so that nobody's changes are lost"))
    })
}

pub(crate) fn with_etag<T: Serialize>(version: i64, body: T) -> Response {
    let mut r = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

pub(crate) fn created<T: Serialize>(body: T) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

pub(crate) fn ethnicity_codes(state: &AppState) -> Vec<&str> {
    state.config.ethnicity_codes.iter().map(String::as_str).collect()
}

/// A page of a list.
#[derive(Serialize, ToSchema)]
pub struct PageOf<T> {
    pub total_items: i64,
    pub page_number: i64,
    pub size: i64,
    pub contents: Vec<T>,
}

/// RFC 9457 problem details, as every error is answered.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: Option<String>,
    /// Field-level messages for bad input.
    pub errors: Option<Vec<FieldError>>,
}

// ---------------------------------------------------------------------------------------------
// Sign-in and tokens

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    pub username: String,
    pub password: String,
    /// A name for this sign-in, shown in the user's list of sessions.
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenIssued {
    /// The secret: shown once, send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub credential: Credential,
    pub user: User,
}

/// Signs in with a username and password; answers a token valid for 12 hours. Five failures
/// for one username within 15 minutes lock it for the rest of that window (429).
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = SignInBody,
    responses((status = 201, body = TokenIssued), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn sign_in(State(state): State<AppState>, Body(b): Body<SignInBody>) -> ApiResult<Response> {
    let s = auth::sign_in(&state, &b.username, &b.password, "session", b.name.as_deref().unwrap_or("API sign-in")).await?;
    Ok(created(TokenIssued { token: s.secret, credential: s.credential, user: s.user }))
}

/// Signs out: revokes the token or session the request carries.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth", responses((status = 204)), security(("bearer" = [])))]
async fn sign_out(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    let a = caller.own_actor();
    state.store().revoke_credential(&a, &caller.credential.id, Some(&caller.user.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = User)), security(("bearer" = [])))]
async fn me(caller: Caller) -> Json<User> {
    Json(caller.user)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// What the token is for ("GP system integration").
    pub name: String,
    /// "read", "write" (default both), "fhir" (the FHIR endpoint /fhir only).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Days until it expires (default: never).
    pub expires_in_days: Option<i64>,
}

/// The caller's API tokens (not their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "auth", responses((status = 200, body = [Credential])), security(("bearer" = [])))]
async fn list_tokens(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Credential>>> {
    Ok(Json(state.store().list_credentials(&caller.user.id).await?))
}

/// Creates an API token for another system to act as the caller, with the scopes given.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = TokenBody,
    responses((status = 201, body = TokenIssued), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn create_token(State(state): State<AppState>, caller: Caller, Body(b): Body<TokenBody>) -> ApiResult<Response> {
    let mut errs = vec![];
    let name = b.name.trim();
    if name.is_empty() || name.len() > 100 {
        errs.push(FieldError::new("name", "give the token a name of 1 to 100 characters"));
    }
    let scopes = if b.scopes.is_empty() { vec!["read".to_string(), "write".to_string()] } else { b.scopes.clone() };
    for (i, s) in scopes.iter().enumerate() {
        if !matches!(s.as_str(), "read" | "write" | "fhir") {
            errs.push(FieldError::new(format!("scopes.{i}"), format!("'{s}' is not a scope; use read, write or fhir (the FHIR endpoint /fhir)")));
        }
    }
    if let Some(d) = b.expires_in_days {
        if !(1..=3650).contains(&d) {
            errs.push(FieldError::new("expires_in_days", "use 1 to 3650 days, or leave it out"));
        }
    }
    if !errs.is_empty() {
        return Err(ApiError::invalid(errs));
    }
    let secret = auth::new_secret("lwt");
    let expires = b.expires_in_days.map(|d| format_time(Utc::now() + Duration::days(d)));
    let a = caller.own_actor();
    let hash = auth::secret_hash(&secret);
    let n = NewCredential { user_id: &caller.user.id, kind: "api", name, secret_hash: &hash, csrf: None, scopes: &scopes, expires_at: expires.as_deref() };
    let cred = state.store().create_credential(&a, &n).await?;
    Ok(created(TokenIssued { token: secret, credential: cred, user: caller.user }))
}

/// Revokes one of the caller's tokens at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn revoke_token(State(state): State<AppState>, caller: Caller, Path(tid): Path<String>) -> ApiResult<StatusCode> {
    let tid = id("id", &tid)?;
    let a = caller.own_actor();
    state.store().revoke_credential(&a, &tid, Some(&caller.user.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Users

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// Leave out to have one generated (and returned once).
    pub password: Option<String>,
    pub roles: Vec<Role>,
    /// Directory organisation ids (for providers).
    #[serde(default)]
    pub organizations: Vec<Id>,
}

#[derive(Serialize, ToSchema)]
pub struct UserCreated {
    pub user: User,
    /// The generated password, when none was given: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

fn valid_username(u: &str) -> bool {
    (2..=64).contains(&u.len()) && u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@".contains(c))
}

/// Lists users (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = [User]), (status = 403, body = Problem)), security(("bearer" = [])))]
async fn list_users(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<User>>> {
    caller.may(Action::ManageUsers)?;
    Ok(Json(state.store().list_users().await?))
}

/// Creates a user (admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserBody,
    responses((status = 201, body = UserCreated), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn create_user(State(state): State<AppState>, caller: Caller, Body(b): Body<NewUserBody>) -> ApiResult<Response> {
    let a = caller.may(Action::ManageUsers)?;
    let (user, password) = add_user(&state, &a, b).await?;
    Ok(created(UserCreated { user, password }))
}

/// Checks and creates a user; the generated password when none was given. Shared with the CLI.
pub async fn add_user(state: &AppState, a: &Actor, b: NewUserBody) -> ApiResult<(User, Option<String>)> {
    let mut errs = vec![];
    let username = b.username.trim().to_lowercase();
    if !valid_username(&username) {
        errs.push(FieldError::keyed("username", "err-username", &[], "use 2 to 64 lower-case letters, digits, '.', '_', '-' or '@'"));
    }
    if b.display_name.trim().is_empty() {
        errs.push(FieldError::keyed("display_name", "err-required", &[], "is required"));
    }
    if b.roles.is_empty() {
        errs.push(FieldError::keyed("roles", "err-no-roles", &[], "give at least one role"));
    }
    if b.roles.contains(&Role::Provider) && b.organizations.is_empty() {
        errs.push(FieldError::keyed("organizations", "err-provider-organisation", &[], "a provider must belong to at least one organisation of the directory"));
    }
    let generated = b.password.is_none().then(auth::new_password);
    let password = b.password.clone().or(generated.clone()).unwrap_or_default();
    if let Some(p) = auth::password_problem(&password) {
        errs.push(FieldError::new("password", p));
    }
    for (i, o) in b.organizations.iter().enumerate() {
        if state.store().get(&tree::ORGANIZATION_BRIEF, &o.to_string()).await?.is_none() {
            errs.push(FieldError::new(format!("organizations.{i}"), format!("there is no organisation {o} in the directory")));
        }
    }
    if !errs.is_empty() {
        return Err(ApiError::invalid(errs));
    }
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(|e| ApiError::Internal(e.to_string()))??;
    let mut roles = b.roles.clone();
    roles.sort();
    roles.dedup();
    let nu = NewUser {
        username,
        display_name: b.display_name.trim().to_string(),
        email: b.email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()),
        password_hash: Some(hash),
        roles,
        organizations: b.organizations.iter().map(|o| o.to_string()).collect(),
    };
    Ok((state.store().create_user(a, &nu).await?, generated))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    pub disabled: Option<bool>,
    pub roles: Option<Vec<Role>>,
    pub organizations: Option<Vec<Id>>,
    pub password: Option<String>,
    /// Where the user's emails go (messages back, new referrals, digests); "" removes it.
    pub email: Option<String>,
}

/// Changes a user: disable (which signs them out everywhere), roles, organisations, password,
/// the address their emails go to.
#[utoipa::path(patch, path = "/api/v1/users/{username}", tag = "users", request_body = UpdateUserBody,
    responses((status = 200, body = User), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn update_user(State(state): State<AppState>, caller: Caller, Path(username): Path<String>, Body(b): Body<UpdateUserBody>) -> ApiResult<Json<User>> {
    let a = caller.may(Action::ManageUsers)?;
    let hash = match b.password {
        Some(p) => {
            if let Some(problem) = auth::password_problem(&p) {
                return Err(ApiError::invalid(vec![FieldError::new("password", problem)]));
            }
            Some(tokio::task::spawn_blocking(move || auth::hash_password(&p)).await.map_err(|e| ApiError::Internal(e.to_string()))??)
        }
        None => None,
    };
    let email = match b.email.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(e) => match e.parse::<lettre::Address>() {
            Ok(_) => Some(Some(e.to_string())),
            Err(_) => return Err(ApiError::invalid(vec![FieldError::new("email", format!("'{e}' is not an email address such as name@example.org"))])),
        },
    };
    let orgs: Option<Vec<String>> = b.organizations.map(|o| o.iter().map(|x| x.to_string()).collect());
    let username = username.to_lowercase();
    let email = email.as_ref().map(|e| e.as_deref());
    let u = state.store().update_user(&a, &username, b.disabled, b.roles.as_deref(), orgs.as_deref(), hash.as_deref(), email).await?;
    Ok(Json(u))
}

/// The needs code list referral reasons come from, with their SDOH categories.
#[utoipa::path(get, path = "/api/v1/code-lists/needs", tag = "code lists", responses((status = 200, body = [Need])))]
async fn needs() -> Json<&'static [Need]> {
    Json(NEEDS)
}

// ---------------------------------------------------------------------------------------------
// People and consent

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchPeople {
    /// Part of the name.
    pub q: String,
    pub limit: Option<i64>,
}

/// Finds people by name (link workers).
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(("q" = String, Query, description = "part of the name")),
    responses((status = 200, body = [PersonSummary])), security(("bearer" = [])))]
async fn search_people(State(state): State<AppState>, caller: Caller, Query(q): Query<SearchPeople>) -> ApiResult<Json<Vec<PersonSummary>>> {
    let a = caller.may(Action::ReadPeople)?;
    if q.q.trim().chars().count() < 2 {
        return Err(ApiError::field("q", "type at least 2 letters of the name"));
    }
    Ok(Json(state.store().search_people(&a, &q.q, q.limit.unwrap_or(50)).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonBody {
    pub details: PersonDetails,
    /// Create even though someone with the same name and birth date is recorded.
    #[serde(default)]
    pub not_a_duplicate: bool,
}

/// Records a person. A likely duplicate (same name and birth date) answers 409 with the
/// candidates, unless `not_a_duplicate` is set.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = NewPersonBody,
    responses((status = 201, body = Person), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn create_person(State(state): State<AppState>, caller: Caller, Body(b): Body<NewPersonBody>) -> ApiResult<Response> {
    let a = caller.may(Action::WritePeople)?;
    let details = b.details.parse("details.", &ethnicity_codes(&state), today()).map_err(ApiError::invalid)?;
    let p = state.store().create_person(&a, &details, b.not_a_duplicate).await?;
    Ok((StatusCode::CREATED, with_etag(p.version, p)).into_response())
}

/// A person's record, with its version as the ETag.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", responses((status = 200, body = Person), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn get_person(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>) -> ApiResult<Response> {
    let a = caller.may(Action::ReadPeople)?;
    let p = state.store().get_person(&a, &id("id", &pid)?).await?;
    Ok(with_etag(p.version, p))
}

/// Replaces a person's details; `If-Match` must carry the version read.
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "people", request_body = PersonDetails,
    responses((status = 200, body = Person), (status = 412, body = Problem), (status = 428, body = Problem)), security(("bearer" = [])))]
async fn update_person(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(pid): Path<String>, Body(b): Body<PersonDetails>) -> ApiResult<Response> {
    let a = caller.may(Action::WritePeople)?;
    let pid = id("id", &pid)?;
    let version = require_if_match(&headers, "person")?;
    let details = b.parse("", &ethnicity_codes(&state), today()).map_err(ApiError::invalid)?;
    let p = state.store().update_person(&a, &pid, version, &details).await?;
    Ok(with_etag(p.version, p))
}

/// A person's consents, standing and withdrawn.
#[utoipa::path(get, path = "/api/v1/people/{id}/consents", tag = "consent", responses((status = 200, body = [Consent])), security(("bearer" = [])))]
async fn list_consents(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>) -> ApiResult<Json<Vec<Consent>>> {
    let a = caller.may(Action::ReadPeople)?;
    Ok(Json(state.store().list_consents(&a, &id("id", &pid)?).await?))
}

/// Records a consent (support, sharing with one organisation, or evaluation).
#[utoipa::path(post, path = "/api/v1/people/{id}/consents", tag = "consent", request_body = ConsentInput,
    responses((status = 201, body = Consent), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn add_consent(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>, Body(b): Body<ConsentInput>) -> ApiResult<Response> {
    let a = caller.may(Action::ManageConsent)?;
    let pid = id("id", &pid)?;
    let input = b.parse("").map_err(ApiError::invalid)?;
    if let Some(org) = input.organization_id {
        if state.store().get(&tree::ORGANIZATION_BRIEF, &org.to_string()).await?.is_none() {
            return Err(ApiError::invalid(vec![FieldError::new("organization_id", format!("there is no organisation {org} in the directory"))]));
        }
    }
    Ok(created(state.store().add_consent(&a, &pid, &input).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    pub reason: Option<String>,
}

/// Withdraws a consent. It takes effect at once: an organisation loses sight of the person's
/// referrals on its next request.
#[utoipa::path(post, path = "/api/v1/consents/{id}/withdraw", tag = "consent", request_body = WithdrawBody,
    responses((status = 200, body = Consent), (status = 409, body = Problem)), security(("bearer" = [])))]
async fn withdraw_consent(State(state): State<AppState>, caller: Caller, Path(cid): Path<String>, Body(b): Body<WithdrawBody>) -> ApiResult<Json<Consent>> {
    let a = caller.may(Action::ManageConsent)?;
    Ok(Json(state.store().withdraw_consent(&a, &id("id", &cid)?, b.reason.as_deref().map(str::trim).filter(|s| !s.is_empty())).await?))
}

/// A person's whole record as JSON (subject access; admins).
#[utoipa::path(get, path = "/api/v1/people/{id}/export", tag = "people", responses((status = 200, body = Object)), security(("bearer" = [])))]
async fn export_person(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>) -> ApiResult<Json<Value>> {
    let a = caller.may(Action::ExportPerson)?;
    Ok(Json(state.store().export_person(&a, &id("id", &pid)?).await?))
}

/// Erases what identifies a person and what they said, keeping de-identified counts (admins).
#[utoipa::path(post, path = "/api/v1/people/{id}/erase", tag = "people", responses((status = 204), (status = 409, body = Problem)), security(("bearer" = [])))]
async fn erase_person(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>) -> ApiResult<StatusCode> {
    let a = caller.may(Action::ErasePerson)?;
    state.store().erase_person(&a, &id("id", &pid)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Referrals in

pub(crate) async fn referral_in(state: &AppState, a: &Actor, b: ReferralInput, referred_by: Option<&str>) -> ApiResult<EpisodeSummary> {
    let mut errs: Vec<FieldError> = vec![];
    if !b.consent_to_support {
        errs.push(FieldError::keyed("consent_to_support", "err-consent-to-support", &[], "the person must agree to be referred; ask them first, or do not refer"));
    }
    let details = match b.referral.parse("referral.") {
        Ok(d) => Some(d),
        Err(e) => {
            errs.extend(e);
            None
        }
    };
    let person = match b.person {
        Some(p) => match p.parse("person.", &ethnicity_codes(state), today()) {
            Ok(p) => Some(p),
            Err(e) => {
                errs.extend(e);
                None
            }
        },
        None => None,
    };
    if b.person_id.is_none() && person.is_none() && errs.iter().all(|e| !e.field.starts_with("person")) {
        errs.push(FieldError::new("person", "give the person's details (person), or person_id for someone already recorded"));
    }
    if !errs.is_empty() {
        return Err(ApiError::invalid(errs));
    }
    let person_id = b.person_id.map(|p| p.to_string());
    let r = ReferralRequest {
        person_id: person_id.as_deref(),
        person: person.as_ref(),
        not_a_duplicate: b.not_a_duplicate,
        details: details.as_ref().expect("checked above"),
        consent_method: b.consent_method,
        referred_by,
    };
    Ok(state.store().create_referral(a, r).await?)
}

/// Sends a referral to the link worker service: the person (new, or by id), the reasons (needs
/// codes), urgency, risks and the person's consent. Opens an episode in status `received`.
#[utoipa::path(post, path = "/api/v1/referrals", tag = "referrals", request_body = ReferralInput,
    responses((status = 201, body = EpisodeSummary), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn create_referral(State(state): State<AppState>, caller: Caller, Body(b): Body<ReferralInput>) -> ApiResult<Response> {
    let a = caller.may(Action::CreateReferral)?;
    if b.person_id.is_some() && !caller.can(Action::ReadPeople) {
        return Err(ApiError::Forbidden("referrers refer by the person's details; only link workers can refer someone already recorded by id".into()));
    }
    let uid = caller.user.id.clone();
    Ok(created(referral_in(&state, &a, b, Some(&uid)).await?))
}

/// The referrals the caller sent, their status and the messages back.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals", responses((status = 200, body = [ReferralStatus])), security(("bearer" = [])))]
async fn my_referrals(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<ReferralStatus>>> {
    let a = caller.may(Action::ReadOwnReferrals)?;
    Ok(Json(state.store().referrals_by(&a, &caller.user.id, 200).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfReferralBody {
    pub person: PersonDetails,
    /// Needs codes.
    pub reasons: Vec<String>,
    pub details: Option<String>,
    pub consent_to_support: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SelfReferralReceived {
    /// A reference to quote when calling.
    pub reference: String,
    pub message: String,
}

/// A person refers themself, without an account. Answers only a reference: nothing recorded
/// about anyone can be read back this way.
#[utoipa::path(post, path = "/api/v1/self-referrals", tag = "referrals", request_body = SelfReferralBody,
    responses((status = 201, body = SelfReferralReceived), (status = 422, body = Problem)))]
async fn self_referral(State(state): State<AppState>, Body(b): Body<SelfReferralBody>) -> ApiResult<Response> {
    let input = ReferralInput {
        person_id: None,
        person: Some(b.person),
        referral: ReferralDetails {
            source: ReferralSource::SelfReferral,
            referrer_name: None,
            referrer_organisation: None,
            referrer_contact: None,
            reasons: b.reasons,
            details: b.details,
            urgency: Urgency::Routine,
            risks: None,
            safeguarding: false,
        },
        consent_to_support: b.consent_to_support,
        consent_method: ConsentMethod::Electronic,
        // A self-referral never reveals whether someone else is recorded: duplicates are merged
        // by a link worker later.
        not_a_duplicate: true,
    };
    let a = Actor { user_id: None, name: "self-referral".into(), role: "person".into(), reason: "POST /api/v1/self-referrals".into() };
    let e = referral_in(&state, &a, input, None).await?;
    let reference = e.id.chars().rev().take(8).collect::<String>().chars().rev().collect::<String>().to_uppercase();
    Ok(created(SelfReferralReceived { reference, message: "Thank you. A link worker will contact you, usually within a week.".into() }))
}

// ---------------------------------------------------------------------------------------------
// Episodes and casework

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EpisodeQuery {
    /// Only the caller's caseload.
    #[serde(default)]
    pub mine: bool,
    pub link_worker_id: Option<String>,
    pub status: Option<String>,
    /// Only open episodes (default true).
    pub open: Option<bool>,
    /// Only episodes nobody has been assigned.
    #[serde(default)]
    pub unassigned: bool,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Episodes, most urgent and oldest first: a caseload, the unassigned queue, or by status.
#[utoipa::path(get, path = "/api/v1/episodes", tag = "episodes", params(("mine" = Option<bool>, Query), ("status" = Option<String>, Query), ("open" = Option<bool>, Query), ("unassigned" = Option<bool>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = PageOf<EpisodeSummary>)), security(("bearer" = [])))]
async fn list_episodes(State(state): State<AppState>, caller: Caller, Query(q): Query<EpisodeQuery>) -> ApiResult<Json<PageOf<EpisodeSummary>>> {
    let a = caller.may(Action::ReadPeople)?;
    if let Some(s) = &q.status {
        s.parse::<EpisodeStatus>().map_err(|e| ApiError::field("status", e))?;
    }
    let lw = if q.mine { Some(caller.user.id.clone()) } else { q.link_worker_id.as_deref().map(|l| id("link_worker_id", l)).transpose()? };
    let per_page = q.per_page.unwrap_or(50);
    if !(1..=500).contains(&per_page) {
        return Err(ApiError::field("per_page", "use 1 to 500"));
    }
    let page = q.page.unwrap_or(1).max(1);
    let f = EpisodeFilter {
        link_worker_id: lw,
        referred_by: None,
        status: q.status.as_deref().map(|s| s.parse::<EpisodeStatus>().map(|s| s.as_str().to_string())).transpose().map_err(|e| ApiError::field("status", e))?,
        open_only: q.open.unwrap_or(true),
        unassigned: q.unassigned,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let (items, total) = state.store().list_episodes(&a, &f).await?;
    Ok(Json(PageOf { total_items: total, page_number: page, size: items.len() as i64, contents: items }))
}

/// An episode with its referral, timeline, assessment, goals, prescription, onward referrals and
/// follow-ups (not its case notes, which are read on their own).
#[utoipa::path(get, path = "/api/v1/episodes/{id}", tag = "episodes", responses((status = 200, body = Episode), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn get_episode(State(state): State<AppState>, caller: Caller, Path(eid): Path<String>) -> ApiResult<Response> {
    let a = caller.may(Action::ReadPeople)?;
    let e = state.store().get_episode(&a, &id("id", &eid)?).await?;
    Ok(with_etag(e.version, e))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    /// received, contact_attempted, contacted, assessed, plan_agreed, active, closed.
    pub to: String,
    /// With `contacted`: whether the person accepted the referral.
    pub accepted: Option<bool>,
    /// With `closed`: goals_met, disengaged, declined, unable_to_contact, moved_away, died, referred_elsewhere.
    pub reason: Option<String>,
}

/// Moves an episode on. Illegal moves answer 409 saying which are allowed. Acceptance records
/// SNOMED CT 871731000000106, a decline 871711000000103; the referrer gets a message on
/// acceptance, on a plan agreed and on closing. `If-Match` is checked when sent.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/transitions", tag = "episodes", request_body = TransitionBody,
    responses((status = 200, body = EpisodeSummary), (status = 409, body = Problem), (status = 412, body = Problem)), security(("bearer" = [])))]
async fn transition(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(eid): Path<String>, Body(b): Body<TransitionBody>) -> ApiResult<Json<EpisodeSummary>> {
    let a = caller.may(Action::WorkEpisodes)?;
    let eid = id("id", &eid)?;
    let mut errs = vec![];
    let to = b.to.parse::<EpisodeStatus>().map_err(|e| errs.push(FieldError::new("to", e))).ok();
    let reason = match b.reason.as_deref() {
        Some(r) => r.parse::<ClosureReason>().map_err(|e| errs.push(FieldError::new("reason", e))).ok(),
        None => None,
    };
    if !errs.is_empty() {
        return Err(ApiError::invalid(errs));
    }
    let req = TransitionRequest { to: to.expect("checked"), accepted: b.accepted, reason };
    Ok(Json(state.store().transition_episode(&a, &eid, if_match(&headers)?, &req).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub link_worker_id: Id,
}

/// Assigns an episode to a link worker.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/assign", tag = "episodes", request_body = AssignBody,
    responses((status = 200, body = EpisodeSummary), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn assign(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(eid): Path<String>, Body(b): Body<AssignBody>) -> ApiResult<Json<EpisodeSummary>> {
    let a = caller.may(Action::WorkEpisodes)?;
    Ok(Json(state.store().assign_episode(&a, &id("id", &eid)?, if_match(&headers)?, &b.link_worker_id.to_string()).await?))
}

/// Records the "what matters to you" assessment: what matters, strengths, interests, barriers and
/// the support agreed for each. `If-Match` must carry the episode's version.
#[utoipa::path(put, path = "/api/v1/episodes/{id}/assessment", tag = "episodes", request_body = Assessment,
    responses((status = 200, body = Episode), (status = 412, body = Problem), (status = 428, body = Problem)), security(("bearer" = [])))]
async fn set_assessment(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(eid): Path<String>, Body(b): Body<Assessment>) -> ApiResult<Response> {
    let a = caller.may(Action::WorkEpisodes)?;
    let eid = id("id", &eid)?;
    let version = require_if_match(&headers, "episode")?;
    let assessment = b.parse().map_err(ApiError::invalid)?;
    let e = state.store().set_assessment(&a, &eid, Some(version), &assessment).await?;
    Ok(with_etag(e.version, e))
}

/// Adds a goal written with the person.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/goals", tag = "episodes", request_body = GoalInput,
    responses((status = 201, body = Goal), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn add_goal(State(state): State<AppState>, caller: Caller, Path(eid): Path<String>, Body(b): Body<GoalInput>) -> ApiResult<Response> {
    let a = caller.may(Action::WorkEpisodes)?;
    let eid = id("id", &eid)?;
    let g = b.parse().map_err(ApiError::invalid)?;
    Ok(created(state.store().add_goal(&a, &eid, &g).await?))
}

/// Records a progress review of a goal.
#[utoipa::path(post, path = "/api/v1/goals/{id}/reviews", tag = "episodes", request_body = GoalReviewInput,
    responses((status = 201, body = Goal)), security(("bearer" = [])))]
async fn review_goal(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(gid): Path<String>, Body(b): Body<GoalReviewInput>) -> ApiResult<Response> {
    let a = caller.may(Action::WorkEpisodes)?;
    let gid = id("id", &gid)?;
    let r = b.parse().map_err(ApiError::invalid)?;
    Ok(created(state.store().review_goal(&a, &gid, if_match(&headers)?, &r).await?))
}

pub(crate) async fn service_doc(state: &AppState, service_id: &str) -> ApiResult<Option<ServiceDoc>> {
    match state.store().get(&tree::SERVICE, service_id).await? {
        Some(j) => Ok(Some(ServiceDoc::from_json(&j).map_err(|e| ApiError::Internal(format!("service {service_id}: {e}")))?)),
        None => Ok(None),
    }
}

/// Adds an item to the social prescription: a directory service, or an informal activity.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/prescription", tag = "episodes", request_body = PrescriptionItemInput,
    responses((status = 201, body = PrescriptionItem), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn add_prescription_item(State(state): State<AppState>, caller: Caller, Path(eid): Path<String>, Body(b): Body<PrescriptionItemInput>) -> ApiResult<Response> {
    let a = caller.may(Action::WorkEpisodes)?;
    let eid = id("id", &eid)?;
    let item = b.parse().map_err(ApiError::invalid)?;
    let name = match item.service_id {
        Some(sid) => match service_doc(&state, &sid.to_string()).await? {
            Some(s) => Some(s.name),
            None => return Err(ApiError::invalid(vec![FieldError::new("service_id", format!("there is no service {sid} in the directory"))])),
        },
        None => None,
    };
    Ok(created(state.store().add_prescription_item(&a, &eid, &item, name.as_deref()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub body: String,
}

/// The episode's case notes (link workers only; never shared with organisations).
#[utoipa::path(get, path = "/api/v1/episodes/{id}/notes", tag = "episodes", responses((status = 200, body = [CaseNote])), security(("bearer" = [])))]
async fn list_notes(State(state): State<AppState>, caller: Caller, Path(eid): Path<String>) -> ApiResult<Json<Vec<CaseNote>>> {
    let a = caller.may(Action::WorkEpisodes)?;
    Ok(Json(state.store().list_notes(&a, &id("id", &eid)?).await?))
}

/// Adds a case note.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/notes", tag = "episodes", request_body = NoteBody,
    responses((status = 201, body = CaseNote), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn add_note(State(state): State<AppState>, caller: Caller, Path(eid): Path<String>, Body(b): Body<NoteBody>) -> ApiResult<Response> {
    let a = caller.may(Action::WorkEpisodes)?;
    let eid = id("id", &eid)?;
    let mut p = linkwork_domain::pathway::Problems::default();
    let body = p.text("body", Some(&b.body), 20_000, true);
    if !p.0.is_empty() {
        return Err(ApiError::invalid(p.0));
    }
    Ok(created(state.store().add_note(&a, &eid, &body.unwrap_or_default()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    /// YYYY-MM-DD.
    pub due_on: String,
    pub purpose: Option<String>,
}

pub(crate) fn date(field: &str, s: &str) -> ApiResult<String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| ApiError::invalid(vec![FieldError::keyed(field, "err-not-a-date", &[("value", s)], format!("'{s}' is not a date; write it as YYYY-MM-DD"))]))
}

/// Schedules a follow-up contact.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/follow-ups", tag = "follow-ups", request_body = FollowUpBody,
    responses((status = 201, body = FollowUp), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn add_follow_up(State(state): State<AppState>, caller: Caller, Path(eid): Path<String>, Body(b): Body<FollowUpBody>) -> ApiResult<Response> {
    let a = caller.may(Action::WorkEpisodes)?;
    let eid = id("id", &eid)?;
    let due = date("due_on", &b.due_on)?;
    let purpose = b.purpose.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(created(state.store().add_follow_up(&a, &eid, &due, purpose).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    pub outcome: Option<String>,
}

/// Marks a follow-up done.
#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/complete", tag = "follow-ups", request_body = CompleteBody,
    responses((status = 200, body = FollowUp), (status = 409, body = Problem)), security(("bearer" = [])))]
async fn complete_follow_up(State(state): State<AppState>, caller: Caller, Path(fid): Path<String>, Body(b): Body<CompleteBody>) -> ApiResult<Json<FollowUp>> {
    let a = caller.may(Action::WorkEpisodes)?;
    Ok(Json(state.store().complete_follow_up(&a, &id("id", &fid)?, b.outcome.as_deref()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DueQuery {
    /// Due on or before this day (default today): today's and overdue contacts.
    pub until: Option<String>,
    pub link_worker_id: Option<String>,
}

/// The caller's (or a colleague's) open follow-ups due by a day, overdue first.
#[utoipa::path(get, path = "/api/v1/follow-ups", tag = "follow-ups", params(("until" = Option<String>, Query), ("link_worker_id" = Option<String>, Query)),
    responses((status = 200, body = [FollowUp])), security(("bearer" = [])))]
async fn due_follow_ups(State(state): State<AppState>, caller: Caller, Query(q): Query<DueQuery>) -> ApiResult<Json<Vec<FollowUp>>> {
    let a = caller.may(Action::WorkEpisodes)?;
    let until = match q.until {
        Some(u) => date("until", &u)?,
        None => today().format("%Y-%m-%d").to_string(),
    };
    let lw = match q.link_worker_id {
        Some(l) => id("link_worker_id", &l)?,
        None => caller.user.id.clone(),
    };
    Ok(Json(state.store().due_follow_ups(&a, &lw, &until).await?))
}

/// The caller's (or a colleague's) caseload: open episodes by status, people in the last 12
/// months against the safe caseload, follow-ups due and overdue.
#[utoipa::path(get, path = "/api/v1/caseload", tag = "follow-ups", params(("link_worker_id" = Option<String>, Query)),
    responses((status = 200, body = Caseload)), security(("bearer" = [])))]
async fn caseload(State(state): State<AppState>, caller: Caller, Query(q): Query<DueQuery>) -> ApiResult<Json<Caseload>> {
    caller.may(Action::WorkEpisodes)?;
    let lw = match q.link_worker_id {
        Some(l) => id("link_worker_id", &l)?,
        None => caller.user.id.clone(),
    };
    let t = today();
    let year_ago = format_time((Utc::now() - Duration::days(365)).with_timezone(&Utc));
    Ok(Json(state.store().caseload(&lw, &t.format("%Y-%m-%d").to_string(), &year_ago, state.config.safe_caseload).await?))
}

// ---------------------------------------------------------------------------------------------
// Onward referrals and the providers' side

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnwardBody {
    pub service_id: Id,
    /// A note for the organisation (shared with it).
    pub message: Option<String>,
    /// Send now (status requested); false keeps a draft. Default true.
    pub send: Option<bool>,
    /// Send even though the service has no places or a waiting list.
    #[serde(default)]
    pub acknowledge_capacity: bool,
}

/// Refers the person onward to a directory service. Needs the person's consent to share with the
/// service's organisation. A service with no places or a waiting list answers 409 with the
/// warning, unless `acknowledge_capacity` is set; the warning is kept with the referral.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/onward-referrals", tag = "onward referrals", request_body = OnwardBody,
    responses((status = 201, body = OnwardReferral), (status = 403, body = Problem), (status = 409, body = Problem)), security(("bearer" = [])))]
async fn create_onward(State(state): State<AppState>, caller: Caller, Path(eid): Path<String>, Body(b): Body<OnwardBody>) -> ApiResult<Response> {
    let a = caller.may(Action::SendOnwardReferrals)?;
    let eid = id("id", &eid)?;
    let sid = b.service_id.to_string();
    let Some(service) = service_doc(&state, &sid).await? else {
        return Err(ApiError::invalid(vec![FieldError::new("service_id", format!("there is no service {sid} in the directory"))]));
    };
    let Some(org) = service.organization.as_ref().filter(|o| !o.id.is_empty()) else {
        return Err(ApiError::invalid(vec![FieldError::new("service_id", "this service has no organisation to receive referrals")]));
    };
    let mut warnings = vec![];
    if service.has_capacity() == Some(false) {
        warnings.push("the service says it has no places available".to_string());
    }
    if let Some(w) = service.waiting_list() {
        warnings.push(format!("the service has a waiting list ({w})"));
    }
    if !service.is_active() {
        warnings.push(format!("the service is {}", service.status.as_deref().unwrap_or_default()));
    }
    let warning = (!warnings.is_empty()).then(|| warnings.join("; "));
    if let Some(w) = &warning {
        if !b.acknowledge_capacity {
            return Err(ApiError::Conflict {
                detail: format!("{} — send again with acknowledge_capacity: true to refer anyway", capitalise(w)),
                extra: Some(json!({ "capacity_warning": w })),
            });
        }
    }
    let message = b.message.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if message.is_some_and(|m| m.chars().count() > 2000) {
        return Err(ApiError::invalid(vec![FieldError::new("message", "keep it under 2000 characters")]));
    }
    let r = OnwardRequest {
        episode_id: &eid,
        service_id: &sid,
        service_name: &service.name,
        organization_id: &org.id,
        message,
        send: b.send.unwrap_or(true),
        capacity_warning: warning.as_deref(),
    };
    Ok(created(state.store().create_onward_referral(&a, r).await?))
}

/// The sentence with its first letter in upper case.
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// One onward referral: in full for link workers; for a provider of the receiving organisation,
/// only what the person agreed to share, and only while that consent stands (otherwise 404).
#[utoipa::path(get, path = "/api/v1/onward-referrals/{id}", tag = "onward referrals",
    responses((status = 200, body = OnwardReferral), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn get_onward(State(state): State<AppState>, caller: Caller, Path(oid): Path<String>) -> ApiResult<Response> {
    let oid = id("id", &oid)?;
    if caller.can(Action::SendOnwardReferrals) {
        let a = caller.may(Action::SendOnwardReferrals)?;
        return Ok(with_etag_of_onward(state.store().get_onward_referral(&a, &oid).await?));
    }
    let a = caller.may(Action::ReceiveOnwardReferrals)?;
    let s = state.store().get_shared_referral(&a, &oid, &caller.user.organizations).await?;
    Ok(with_etag(s.version, s))
}

fn with_etag_of_onward(o: OnwardReferral) -> Response {
    with_etag(o.version, o)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// A FHIR Task status: requested, received, accepted, rejected, in-progress, on-hold,
    /// completed, cancelled, failed.
    pub status: String,
    /// Required for rejected, failed and cancelled.
    pub reason: Option<String>,
}

/// Sets an onward referral's status. Each status can be set only by the side the standard says:
/// the link worker sends and cancels; the organisation receives, accepts or rejects, enrols
/// (in-progress), holds, completes or fails.
#[utoipa::path(post, path = "/api/v1/onward-referrals/{id}/status", tag = "onward referrals", request_body = StatusBody,
    responses((status = 200, body = Object), (status = 404, body = Problem), (status = 409, body = Problem)), security(("bearer" = [])))]
async fn change_onward(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(oid): Path<String>, Body(b): Body<StatusBody>) -> ApiResult<Response> {
    let oid = id("id", &oid)?;
    let to: TaskStatus = b.status.parse().map_err(|e: String| ApiError::invalid(vec![FieldError::new("status", e)]))?;
    let reason = b.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let version = if_match(&headers)?;
    // A provider acts as the performer; a link worker as the requester.
    if caller.can(Action::ReceiveOnwardReferrals) && !caller.can(Action::SendOnwardReferrals) {
        let a = caller.may(Action::ReceiveOnwardReferrals)?;
        let orgs = caller.user.organizations.clone();
        state.store().change_onward_referral(&a, &oid, Side::Performer, &orgs, to, reason, version).await?;
        let s = state.store().get_shared_referral(&a, &oid, &orgs).await?;
        return Ok(with_etag(s.version, s));
    }
    let a = caller.may(Action::SendOnwardReferrals)?;
    let o = state.store().change_onward_referral(&a, &oid, Side::Requester, &[], to, reason, version).await?;
    Ok(with_etag_of_onward(o))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceBody {
    /// YYYY-MM-DD.
    pub session_on: String,
    pub attended: bool,
    pub note: Option<String>,
}

/// Records a session attended or missed (providers, once the person is enrolled). Recording the
/// same day again corrects it.
#[utoipa::path(post, path = "/api/v1/onward-referrals/{id}/attendance", tag = "onward referrals", request_body = AttendanceBody,
    responses((status = 201, body = SharedReferral), (status = 404, body = Problem), (status = 409, body = Problem)), security(("bearer" = [])))]
async fn record_attendance(State(state): State<AppState>, caller: Caller, Path(oid): Path<String>, Body(b): Body<AttendanceBody>) -> ApiResult<Response> {
    let a = caller.may(Action::ReceiveOnwardReferrals)?;
    let oid = id("id", &oid)?;
    let day = date("session_on", &b.session_on)?;
    if day > (today() + Duration::days(1)).format("%Y-%m-%d").to_string() {
        return Err(ApiError::invalid(vec![FieldError::new("session_on", "is in the future; record sessions once they have happened")]));
    }
    let note = b.note.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(created(state.store().record_attendance(&a, &oid, &caller.user.organizations, &day, b.attended, note).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    pub status: Option<String>,
    /// How many, newest first (default 50, at most 200).
    pub limit: Option<i64>,
}

/// The provider's inbox: referrals to their organisations that the person agreed to share,
/// newest first. Shows name, contact and reasons, never case notes.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "onward referrals", params(("status" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = [SharedReferral])), security(("bearer" = [])))]
async fn inbox(State(state): State<AppState>, caller: Caller, Query(q): Query<InboxQuery>) -> ApiResult<Json<Vec<SharedReferral>>> {
    let a = caller.may(Action::ReceiveOnwardReferrals)?;
    let status = q.status.as_deref().map(|s| s.parse::<TaskStatus>().map(|t| t.as_str().to_string())).transpose().map_err(|e| ApiError::field("status", e))?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "use 1 to 200"));
    }
    Ok(Json(state.store().inbox(&a, &caller.user.organizations, status.as_deref(), limit).await?))
}

/// Marks a message back as read (its recipient).
#[utoipa::path(post, path = "/api/v1/messages/{id}/read", tag = "referrals", responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn mark_read(State(state): State<AppState>, caller: Caller, Path(mid): Path<String>) -> ApiResult<StatusCode> {
    let a = caller.may(Action::ReadOwnReferrals)?;
    state.store().mark_message_read(&a, &id("id", &mid)?, &caller.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Audit

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub actor_id: Option<String>,
    pub person_id: Option<String>,
    pub entity: Option<String>,
    pub action: Option<String>,
    /// RFC 3339 times.
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Searches the audit log, newest first (admins).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(("actor_id" = Option<String>, Query), ("person_id" = Option<String>, Query), ("entity" = Option<String>, Query), ("action" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = PageOf<AuditEntry>)), security(("bearer" = [])))]
async fn search_audit(State(state): State<AppState>, caller: Caller, Query(q): Query<AuditQuery>) -> ApiResult<Json<PageOf<AuditEntry>>> {
    caller.may(Action::ReadAudit)?;
    let time = |f: &str, v: Option<String>| -> ApiResult<Option<String>> {
        v.map(|s| linkwork_domain::pathway::parse_time(&s).map(format_time).ok_or_else(|| ApiError::field(f, format!("'{s}' is not an RFC 3339 time (2026-11-21T09:00:00Z)"))))
            .transpose()
    };
    let per_page = q.per_page.unwrap_or(100).clamp(1, 1000);
    let page = q.page.unwrap_or(1).max(1);
    let f = AuditFilter {
        actor_id: q.actor_id.as_deref().map(|v| id("actor_id", v)).transpose()?,
        person_id: q.person_id.as_deref().map(|v| id("person_id", v)).transpose()?,
        entity: q.entity,
        action: q.action,
        from: time("from", q.from)?,
        to: time("to", q.to)?,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let (items, total) = state.store().search_audit(&f).await?;
    Ok(Json(PageOf { total_items: total, page_number: page, size: items.len() as i64, contents: items }))
}

#[derive(Serialize, ToSchema)]
pub struct ChainReport {
    pub intact: bool,
    pub entries_checked: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Verifies the audit log's hash chain from the first entry to the last (admins).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", responses((status = 200, body = ChainReport)), security(("bearer" = [])))]
async fn verify_audit(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<ChainReport>> {
    caller.may(Action::ReadAudit)?;
    Ok(Json(match state.store().verify_audit().await? {
        Ok(n) => ChainReport { intact: true, entries_checked: n, problem: None },
        Err(e) => ChainReport { intact: false, entries_checked: 0, problem: Some(e.to_string()) },
    }))
}
