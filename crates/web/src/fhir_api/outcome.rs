//! What a referring system reads back of an episode: `GET /fhir/Procedure/{id}` (the episode as
//! the Procedure a Task's output names) and the messages back as Communications
//! (`GET /fhir/Communication/{id}`, `GET /fhir/Communication?based-on=ServiceRequest/…`), each
//! only for the system that referred.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use linkwork_fhir::outcome::{self, EpisodeOutcome, Message};
use linkwork_store::pathway::FhirOutcome;
use serde_json::Value as Json;

use super::{base, client, fhir, searchset, Client, FhirResult, Outcome};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

fn view(o: &FhirOutcome) -> EpisodeOutcome<'_> {
    EpisodeOutcome {
        episode_id: &o.episode_id,
        person_id: &o.person_id,
        status: &o.status,
        accepted: o.accepted,
        received_at: &o.received_at,
        closed_at: o.closed_at.as_deref(),
        closure_reason: o.closure_reason.as_deref(),
        what_matters: o.what_matters.as_deref(),
        activities: &o.activities,
        service_requests: &o.service_requests,
        tasks: &o.tasks,
        requester_ref: o.requester_ref.as_deref(),
    }
}

fn communications(o: &FhirOutcome) -> Vec<Json> {
    let v = view(o);
    o.messages
        .iter()
        .map(|m| outcome::communication(&v, &Message { id: &m.id, kind: &m.kind, summary: &m.summary, code: m.code.as_ref().map(|(c, d)| (c.as_str(), d.as_str())), sent: &m.created_at }))
        .collect()
}

/// The Procedure of an episode, if the person has accepted (before that nothing was done).
pub(super) async fn procedure_of(state: &AppState, cl: &Client, episode_id: &str) -> FhirResult<Option<Json>> {
    let o = state.store().fhir_outcome(&cl.actor, cl.own.as_deref(), episode_id).await?;
    Ok(outcome::procedure(&view(&o)))
}

pub async fn read_procedure(State(state): State<AppState>, caller: Result<Caller, ApiError>, Path(id): Path<String>) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    match procedure_of(&state, &cl, &id).await? {
        Some(p) => Ok(fhir(StatusCode::OK, p)),
        None => Err(Outcome::new(StatusCode::NOT_FOUND, "not-found", "", format!("There is no Procedure {id} yet: the person has not accepted the referral"))),
    }
}

pub async fn read_communication(State(state): State<AppState>, caller: Result<Caller, ApiError>, Path(id): Path<String>) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    let episode = state.store().fhir_message_episode(cl.own.as_deref(), &id).await?;
    let o = state.store().fhir_outcome(&cl.actor, cl.own.as_deref(), &episode).await?;
    let found = communications(&o).into_iter().find(|c| c["id"] == id);
    found.map(|c| fhir(StatusCode::OK, c)).ok_or_else(|| Outcome::new(StatusCode::NOT_FOUND, "not-found", "", format!("There is no Communication {id}.")))
}

/// `GET /fhir/Communication?based-on=ServiceRequest/{id}` (and `_lastUpdated`): the messages back
/// about a referral.
pub async fn search_communications(State(state): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap, Query(q): Query<Vec<(String, String)>>) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    let mut based_on = None;
    let mut since: Vec<(&'static str, String)> = vec![];
    for (k, v) in &q {
        match k.as_str() {
            "based-on" => based_on = Some(v.trim_start_matches("ServiceRequest/").to_string()),
            "_lastUpdated" => {
                let (op, t) = match v.get(..2) {
                    Some(p @ ("gt" | "ge" | "lt" | "le" | "eq")) => (p, &v[2..]),
                    _ => ("eq", v.as_str()),
                };
                let t = chrono::DateTime::parse_from_rfc3339(t)
                    .map(|d| linkwork_domain::pathway::format_time(d.with_timezone(&chrono::Utc)))
                    .map_err(|_| Outcome::new(StatusCode::BAD_REQUEST, "invalid", "Communication?_lastUpdated", format!("'{v}' is not a prefix and an instant")))?;
                let op = match op {
                    "gt" => "gt",
                    "ge" => "ge",
                    "lt" => "lt",
                    "le" => "le",
                    _ => "eq",
                };
                since.push((op, t));
            }
            "_count" | "_format" => {}
            other => {
                return Err(Outcome::new(StatusCode::BAD_REQUEST, "not-supported", &format!("Communication?{other}"), format!("'{other}' is not a search parameter of Communication here; use based-on")))
            }
        }
    }
    let Some(sr) = based_on else {
        return Err(Outcome::new(StatusCode::BAD_REQUEST, "required", "Communication?based-on", "search the messages back by the referral: based-on=ServiceRequest/<id>"));
    };
    let kept = state.store().fhir_read(&cl.actor, cl.own.as_deref(), "ServiceRequest", &sr).await?;
    let Some(episode) = kept.episode_id else { return Ok(fhir(StatusCode::OK, searchset(&base(&state, &headers), vec![], vec![]))) };
    let o = state.store().fhir_outcome(&cl.actor, cl.own.as_deref(), &episode).await?;
    let found: Vec<Json> = communications(&o)
        .into_iter()
        .filter(|c| {
            let sent = c["sent"].as_str().unwrap_or("");
            since.iter().all(|(op, t)| match *op {
                "gt" => sent > t.as_str(),
                "ge" => sent >= t.as_str(),
                "lt" => sent < t.as_str(),
                "le" => sent <= t.as_str(),
                _ => sent == t.as_str(),
            })
        })
        .collect();
    Ok(fhir(StatusCode::OK, searchset(&base(&state, &headers), found, vec![])))
}
