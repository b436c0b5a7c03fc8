//! The research API: `/api/v1/research/approvals` (administrators approve and revoke; a
//! researcher lists their own) and `/api/v1/research/extracts` (a researcher takes one; the
//! register lists them).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::research::{ApprovalInput, ExtractInput, LeftOut, NewApproval};
use linkwork_store::pathway::{ApprovalRecord, ExtractRecord};
use serde::Serialize;
use utoipa::ToSchema;

use super::{problems, take};
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiResult;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/research/approvals", get(list_approvals).post(approve))
        .route("/api/v1/research/approvals/{id}/revoke", post(revoke))
        .route("/api/v1/research/extracts", get(list_extracts).post(create_extract))
}

/// Whose records a caller may list: every one (an administrator), or their own (a researcher).
fn scope(caller: &Caller) -> ApiResult<Option<String>> {
    caller.all_or_own(Action::ApproveResearch, Action::TakeExtracts)
}

/// Approves a researcher (an account with the researcher role) for a study until a day.
#[utoipa::path(post, path = "/api/v1/research/approvals", tag = "research", request_body = ApprovalInput,
    responses(
        (status = 201, description = "Approved", body = ApprovalRecord),
        (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "Only administrators approve researchers", content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong (each is named), or the account is not a researcher's", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn approve(State(state): State<AppState>, caller: Caller, Body(input): Body<ApprovalInput>) -> ApiResult<Response> {
    let a = caller.may(Action::ApproveResearch)?;
    let n = NewApproval::parse(&input, crate::api_v1::today()).map_err(problems)?;
    let rec = state.store().approve_research(&a, &n).await?;
    Ok((StatusCode::CREATED, Json(rec)).into_response())
}

/// Revokes an approval: no extract is taken under it from then on.
#[utoipa::path(post, path = "/api/v1/research/approvals/{id}/revoke", tag = "research", params(("id" = String, Path)),
    responses(
        (status = 200, description = "Revoked", body = ApprovalRecord),
        (status = 403, description = "Only administrators revoke approvals", content_type = "application/problem+json"),
        (status = 404, description = "No such approval", content_type = "application/problem+json"),
        (status = 409, description = "Already revoked", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn revoke(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<ApprovalRecord>> {
    let a = caller.may(Action::ApproveResearch)?;
    Ok(Json(state.store().revoke_research(&a, &id).await?))
}

/// Approvals, the newest first: every one for an administrator, a researcher's own for them.
#[utoipa::path(get, path = "/api/v1/research/approvals", tag = "research",
    responses((status = 200, body = [ApprovalRecord]), (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "Neither an administrator nor a researcher", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_approvals(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<ApprovalRecord>>> {
    let who = scope(&caller)?;
    Ok(Json(state.store().list_research_approvals(who.as_deref()).await?))
}

/// The register of extracts taken (never their rows), the newest first.
#[utoipa::path(get, path = "/api/v1/research/extracts", tag = "research",
    responses((status = 200, body = [ExtractRecord]), (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "Neither an administrator nor a researcher", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_extracts(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<ExtractRecord>>> {
    let who = scope(&caller)?;
    Ok(Json(state.store().list_extracts(who.as_deref()).await?))
}

/// An extract as JSON.
#[derive(Serialize, ToSchema)]
pub struct ExtractBody {
    pub extract: ExtractRecord,
    /// Episodes in the period left out because consent to evaluation was withdrawn or never given.
    pub left_out: LeftOut,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Takes a de-identified extract under one's approval, giving the reason: one row per episode
/// referred in the period, of people who consented to evaluation, with a pseudonym that holds
/// within this extract only. CSV by default (its SHA-256 is kept in the register); JSON when
/// asked for with `Accept: application/json`.
#[utoipa::path(post, path = "/api/v1/research/extracts", tag = "research", request_body = ExtractInput,
    responses(
        (status = 201, description = "The extract, as CSV (or JSON)", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "Not a researcher, or the approval is not theirs, was revoked or has expired", content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong; each is named", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn create_extract(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Body(input): Body<ExtractInput>) -> ApiResult<Response> {
    let a = caller.may(Action::TakeExtracts)?;
    let t = take(&state, &a, &input).await?;
    let json = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    if json {
        let body = ExtractBody { extract: t.record, left_out: t.extract.left_out, columns: t.extract.columns, rows: t.extract.rows };
        return Ok((StatusCode::CREATED, Json(body)).into_response());
    }
    let left = t.extract.left_out;
    let name = format!("attachment; filename=\"extract-{}.csv\"", t.record.id);
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
        (header::CONTENT_DISPOSITION, name),
        (header::HeaderName::from_static("linkwork-extract"), t.record.id.clone()),
        (header::HeaderName::from_static("linkwork-left-out"), format!("withdrawn_consent={}, no_consent_recorded={}", left.withdrawn_consent, left.no_consent_recorded)),
    ];
    Ok((StatusCode::CREATED, headers, t.csv).into_response())
}
