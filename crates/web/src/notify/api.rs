//! The outbox over the API: administrators read it (`GET /api/v1/outbox?status=failed`) and send a
//! failed message again (`POST /api/v1/outbox/{id}/resend`); every user reads and sets which emails
//! they get and in which language (`GET`/`PUT /api/v1/me/notifications`).

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_domain::notify::DeliveryStatus;
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::FieldError;
use linkwork_store::pathway::{NotificationPreferences, OutboxMessage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/outbox", get(list_outbox))
        .route("/api/v1/outbox/{id}/resend", post(resend))
        .route("/api/v1/me/notifications", get(get_preferences).put(set_preferences))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OutboxQuery {
    /// pending, sending, sent or failed; all when not given.
    pub status: Option<String>,
    /// At most this many, newest first (1 to 500; 100 when not given).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Outbox {
    /// How many messages are in each state.
    pub counts: std::collections::BTreeMap<String, i64>,
    pub messages: Vec<OutboxMessage>,
}

pub(crate) fn parse_status(s: Option<&str>) -> Result<Option<DeliveryStatus>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DeliveryStatus::parse(s).map(Some).ok_or_else(|| ApiError::invalid(vec![FieldError::new("status", "status is pending, sending, sent or failed")])),
    }
}

/// The outbox, newest first, with how many messages are in each state: what failed and why.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "notifications", params(OutboxQuery),
    responses((status = 200, body = Outbox), (status = 403, description = "Only administrators read the outbox", content_type = "application/problem+json"),
        (status = 422, description = "An unknown status or a limit out of range", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_outbox(State(state): State<AppState>, caller: Caller, Query(q): Query<OutboxQuery>) -> ApiResult<Json<Outbox>> {
    let a = caller.may(Action::ManageDeliveries)?;
    let status = parse_status(q.status.as_deref())?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid(vec![FieldError::new("limit", "limit is 1 to 500")]));
    }
    let messages = state.store().list_outbox(&a, status, limit).await?;
    let counts = state.store().outbox_counts().await?.into_iter().collect();
    Ok(Json(Outbox { counts, messages }))
}

/// Sends a failed message again (its attempts counted afresh); a FHIR subscription in error is
/// made active again.
#[utoipa::path(post, path = "/api/v1/outbox/{id}/resend", tag = "notifications", params(("id" = String, Path)),
    responses((status = 200, body = OutboxMessage), (status = 403, description = "Only administrators resend", content_type = "application/problem+json"),
        (status = 404, description = "No such message", content_type = "application/problem+json"),
        (status = 409, description = "The message has not failed", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn resend(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<OutboxMessage>> {
    let a = caller.may(Action::ManageDeliveries)?;
    Ok(Json(state.store().replay_outbox(&a, &id).await?))
}

/// Which emails one gets, and in which language.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications",
    responses((status = 200, body = NotificationPreferences), (status = 401, description = "Not signed in", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_preferences(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<NotificationPreferences>> {
    Ok(Json(state.store().get_preferences(&caller.user.id).await?))
}

/// Checks a choice of emails: the language must be one the emails are written in.
pub(crate) fn check_preferences(p: &NotificationPreferences) -> Result<(), ApiError> {
    if !crate::i18n::Lang::OFFERED.iter().any(|l| l.tag() == p.language) {
        let offered: Vec<&str> = crate::i18n::Lang::OFFERED.iter().map(|l| l.tag()).collect();
        return Err(ApiError::invalid(vec![FieldError::new("language", format!("emails are written in {}", offered.join(", ")))]));
    }
    Ok(())
}

#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "notifications", request_body = NotificationPreferences,
    responses((status = 200, body = NotificationPreferences), (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 422, description = "A language the emails are not written in", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn set_preferences(State(state): State<AppState>, caller: Caller, Body(p): Body<NotificationPreferences>) -> ApiResult<Json<NotificationPreferences>> {
    check_preferences(&p)?;
    Ok(Json(state.store().set_preferences(&own_actor(&caller)?, &caller.user.id, &p).await?))
}

/// The user acting on their own account, in their first role.
pub(crate) fn own_actor(caller: &Caller) -> Result<linkwork_store::pathway::Actor, ApiError> {
    caller.user.roles.first().map(|r| caller.actor_as(*r)).ok_or_else(|| ApiError::Forbidden("an account with no role".into()))
}
