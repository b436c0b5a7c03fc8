//! The community organisation's side of `/fhir` (the IG's "light" flow): a provider's system,
//! with a token of the `fhir` scope, reads the onward referrals sent to its organisations as
//! Tasks and ServiceRequests (`Task?owner=Organization/…&_lastUpdated=gt…&_include=Task:focus`)
//! and changes a Task's status as the performer (accepted, rejected with a reason, in-progress,
//! on-hold, completed) on the version it read. It sees exactly what its inbox shows.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::task::Side;
use linkwork_fhir::onward::{self as fo, Onward};
use linkwork_store::pathway::{Actor, FhirSearch, OnwardFhir};
use serde_json::Value as Json;

use super::{base, fhir, searchset_page, FhirResult, Outcome, Page};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// A community organisation's system: its actor and organisations.
pub(crate) struct Performer {
    pub actor: Actor,
    pub orgs: Vec<String>,
}

/// The caller as a performer, when it is a provider's token (not a browser session) and not also
/// a referrer (whose requests are about the referrals it sent).
pub(crate) fn performer(caller: &Result<Caller, ApiError>) -> Option<Performer> {
    let c = caller.as_ref().ok()?;
    if c.via_cookie || c.can(Action::CreateReferral) || c.can(Action::ExportPerson) {
        return None;
    }
    let actor = c.may(Action::ReceiveOnwardReferrals).ok()?;
    Some(Performer { actor, orgs: c.user.organizations.clone() })
}

fn view(o: &OnwardFhir) -> Onward<'_> {
    let s = &o.shared;
    Onward {
        id: &s.id,
        version: s.version,
        status: &s.status,
        status_reason: s.status_reason.as_deref(),
        organization_id: &s.organization_id,
        service_name: &s.service_name,
        person_name: &s.person_name,
        phone: s.phone.as_deref(),
        email: s.email.as_deref(),
        language: s.language.as_deref(),
        reasons: &s.reasons,
        message: s.message.as_deref(),
        created_at: &s.created_at,
        updated_at: &s.updated_at,
        origin_task: o.origin_task.as_deref(),
        origin_service_request: o.origin_service_request.as_deref(),
        sessions_attended: o.sessions_attended,
    }
}

fn with_version(v: Json, version: i64) -> Response {
    let mut r = fhir(StatusCode::OK, v);
    if let Ok(h) = header::HeaderValue::from_str(&format!("W/\"{version}\"")) {
        r.headers_mut().insert(header::ETAG, h);
    }
    r
}

pub(super) async fn read_task(state: &AppState, p: &Performer, id: &str) -> FhirResult<Response> {
    let o = state.store().fhir_onward_read(&p.actor, &p.orgs, id).await.map_err(|e| not_found_as_task(e, id))?;
    Ok(with_version(fo::task(&view(&o)), o.shared.version))
}

pub(super) async fn read_service_request(state: &AppState, p: &Performer, id: &str) -> FhirResult<Response> {
    let Some(onward) = id.strip_prefix("onward-") else {
        return Err(Outcome::new(StatusCode::NOT_FOUND, "not-found", "", format!("There is no ServiceRequest {id}.")));
    };
    let o = state.store().fhir_onward_read(&p.actor, &p.orgs, onward).await.map_err(|e| not_found_as_task(e, id))?;
    Ok(with_version(fo::service_request(&view(&o)), o.shared.version))
}

fn not_found_as_task(e: linkwork_store::pathway::PathwayError, id: &str) -> Outcome {
    match e {
        linkwork_store::pathway::PathwayError::NotFound(_) => Outcome::new(StatusCode::NOT_FOUND, "not-found", "", format!("There is no {id} for your organisation.")),
        other => other.into(),
    }
}

pub(super) async fn search_tasks(state: &AppState, p: &Performer, headers: &HeaderMap, q: &[(String, String)], s: FhirSearch, include: &[String]) -> FhirResult<Response> {
    if s.requester.is_some() || s.focus.is_some() || s.person_id.is_some() {
        return Err(Outcome::new(StatusCode::BAD_REQUEST, "not-supported", "Task", "an organisation searches its Tasks by _id, status, owner and _lastUpdated"));
    }
    if let Some(i) = include.iter().find(|i| i.as_str() != "Task:focus") {
        return Err(Outcome::new(StatusCode::BAD_REQUEST, "not-supported", "Task?_include", format!("'{i}' is not an include here for an organisation; use Task:focus")));
    }
    let found = state.store().fhir_onward_search(&p.actor, &p.orgs, &s).await?;
    let shown = &found[..found.len().min(s.limit as usize)];
    let mut matches: Vec<Json> = shown.iter().map(|o| fo::task(&view(o))).collect();
    if found.len() > shown.len() {
        matches.push(fo::task(&view(&found[shown.len()])));
    }
    let included = if include.is_empty() { vec![] } else { shown.iter().map(|o| fo::service_request(&view(o))).collect() };
    let base = base(state, headers);
    Ok(fhir(StatusCode::OK, searchset_page(&Page { base: &base, kind: "Task", query: q, offset: s.offset, limit: s.limit }, matches, included)))
}

/// The organisation changes its Task's status as the performer, on the version it read.
pub(super) async fn update_task(state: &AppState, p: &Performer, id: &str, headers: &HeaderMap, bytes: &Bytes) -> FhirResult<Response> {
    let super::TaskUpdate { version, sent, to } = super::task_update(headers, bytes, &id)?;
    let reason = sent["statusReason"]["text"].as_str();
    // Not found, for a referral the organisation may not see, before anything is said of it.
    let current = state.store().fhir_onward_read(&p.actor, &p.orgs, id).await.map_err(|e| not_found_as_task(e, id))?;
    if current.shared.status != to.as_str() {
        state.store().change_onward_referral(&p.actor, id, Side::Performer, &p.orgs, to, reason, Some(version)).await.map_err(|e| {
            let mut o = Outcome::from(e);
            for i in &mut o.issues {
                if i.expression.is_empty() || i.expression == "status" || i.expression == "reason" {
                    i.expression = if i.expression == "reason" { "Task.statusReason".into() } else { "Task.status".into() };
                }
            }
            o
        })?;
    } else if current.shared.version != version {
        return Err(Outcome::new(StatusCode::PRECONDITION_FAILED, "conflict", "", format!("the Task changed since version {version}; read it again (now {})", current.shared.version)));
    }
    read_task(state, p, id).await
}
