//! Rest-hook subscriptions (FHIR R4 Subscriptions Backport, id-only): a referring system asks to
//! be told when its Tasks change instead of polling. `POST /fhir/Subscription`, read, search its
//! own, `DELETE` to turn one off, and `$status`. Notifications are queued in the outbox in the
//! transaction that changes the Task and sent by the delivery worker (`crate::notify`), with
//! retries; one given up puts the subscription in `error` until an administrator resends it.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use linkwork_fhir::subscription::{self as fs, Kept};
use linkwork_store::pathway::{NewSubscription, SubscriptionRecord};
use serde_json::json;

use super::{base, body, client, fhir, searchset, FhirResult, Outcome};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

pub(crate) fn kept(s: &SubscriptionRecord) -> Kept<'_> {
    Kept {
        id: &s.id,
        status: &s.status,
        filter: s.filter_criteria.as_deref(),
        endpoint: &s.endpoint,
        reason: s.body["reason"].as_str().unwrap_or(""),
        last_updated: &s.updated_at,
        events: s.events_since_start,
        error: (s.status == "error").then_some("Notifications to the endpoint failed after every retry; an administrator can send them again."),
        heartbeat_seconds: s.heartbeat_seconds,
    }
}

pub async fn create(State(state): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap, bytes: Bytes) -> FhirResult<Response> {
    let cl = client(caller, true)?;
    let Some(own) = cl.own.clone() else {
        return Err(Outcome::new(StatusCode::FORBIDDEN, "forbidden", "", "a subscription belongs to the system that referred; sign in with its token"));
    };
    let b = body(&headers, &bytes)?;
    let s = fs::read(&b).map_err(Outcome::invalid)?;
    let new = NewSubscription { topic: fs::TASK_TOPIC.into(), filter_criteria: s.filter, endpoint: s.endpoint, headers: s.headers, body: b, heartbeat_seconds: s.heartbeat_seconds };
    let kept_sub = state.store().create_subscription(&cl.actor, &own, &new).await?;
    let mut r = fhir(StatusCode::CREATED, fs::render(&kept(&kept_sub)));
    if let Ok(l) = header::HeaderValue::from_str(&format!("{}/Subscription/{}", base(&state, &headers), kept_sub.id)) {
        r.headers_mut().insert(header::LOCATION, l);
    }
    Ok(r)
}

pub async fn read(State(state): State<AppState>, caller: Result<Caller, ApiError>, Path(id): Path<String>) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    let s = state.store().get_subscription(cl.own.as_deref(), &id).await?;
    Ok(fhir(StatusCode::OK, fs::render(&kept(&s))))
}

pub async fn search(State(state): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    let subs = state.store().list_subscriptions(cl.own.as_deref()).await?;
    let found = subs.iter().map(|s| fs::render(&kept(s))).collect();
    Ok(fhir(StatusCode::OK, searchset(&base(&state, &headers), found, vec![])))
}

/// Turns a subscription off: no more notifications (those queued are not sent).
pub async fn delete(State(state): State<AppState>, caller: Result<Caller, ApiError>, Path(id): Path<String>) -> FhirResult<Response> {
    let cl = client(caller, true)?;
    let s = state.store().end_subscription(&cl.actor, cl.own.as_deref(), &id).await?;
    Ok(fhir(StatusCode::OK, fs::render(&kept(&s))))
}

/// `GET /fhir/Subscription/{id}/$status`: a searchset Bundle holding its SubscriptionStatus.
pub async fn status(State(state): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap, Path(id): Path<String>) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    let s = state.store().get_subscription(cl.own.as_deref(), &id).await?;
    let b = base(&state, &headers);
    let st = fs::status(&b, &kept(&s), "query-status", None);
    Ok(fhir(StatusCode::OK, json!({ "resourceType": "Bundle", "type": "searchset", "total": 1, "entry": [{ "resource": st, "search": { "mode": "match" } }] })))
}
