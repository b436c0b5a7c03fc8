//! Referrals over FHIR: `POST /fhir` with a transaction Bundle (the whole referral kept, or none
//! of it), and reading and searching what a system sent — Tasks with the status the episode
//! gives them, the referrer's cancellation as a versioned update, ServiceRequests, the Patient
//! (only to the system that referred them) and the supporting resources.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use linkwork_domain::pathway::task::TaskStatus;
use linkwork_fhir::referral::{self as fr, Kept};
use linkwork_store::pathway::{FhirResource, FhirResourceIn, FhirSearch, InboundReferral, Matched};
use serde_json::{json, Value as Json};

use super::{base, body, client, fhir, searchset, searchset_page, FhirResult, Outcome, Page};
use crate::api_v1::{ethnicity_codes, today};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// The Task's owner when the referrer names none: this Linkwork.
const OWNER: &str = "Organization/linkwork";

fn render(r: &FhirResource) -> Json {
    fr::render(&Kept {
        resource_type: &r.resource_type,
        id: &r.id,
        version_id: r.version_id,
        last_updated: &r.last_updated,
        body: &r.body,
        person_id: r.person_id.as_deref(),
        status: r.status.as_deref(),
        status_reason: r.status_reason.as_ref(),
        owner_ref: r.owner_ref.as_deref(),
        episode_id: r.episode_id.as_deref(),
    })
}

fn etag(r: &FhirResource) -> String {
    format!("W/\"{}\"", r.version_id)
}

fn with_version(status: StatusCode, r: &FhirResource, location: Option<String>) -> Response {
    let mut resp = fhir(status, render(r));
    if let Ok(v) = header::HeaderValue::from_str(&etag(r)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    if let Some(l) = location.and_then(|l| header::HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LOCATION, l);
    }
    resp
}

/// `POST /fhir`: a referral as one transaction Bundle. The answer is a transaction-response
/// Bundle with where each entry is kept; the person matched, the referral queued for the link
/// workers (or added to the person's open episode), all in one transaction.
pub async fn transaction(State(state): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap, bytes: Bytes) -> FhirResult<Response> {
    let cl = client(caller, true)?;
    let bundle = body(&headers, &bytes)?;
    let mut new_id = || linkwork_domain::Id::new().to_string();
    let r = fr::read_transaction(&bundle, &mut new_id, &ethnicity_codes(&state), today()).map_err(Outcome::invalid)?;
    let client_id = cl.own.clone().unwrap_or_default();
    let inbound = InboundReferral {
        client_id: &client_id,
        identifiers: &r.identifiers,
        person: &r.person,
        details: &r.details,
        consent_method: r.consent_method,
        service_request: FhirResourceIn { resource_type: "ServiceRequest".into(), id: r.service_request.0.clone(), body: r.service_request.1.clone() },
        task: FhirResourceIn { resource_type: "Task".into(), id: r.task.0.clone(), body: r.task.1.clone() },
        requester_ref: r.requester_ref.clone(),
        owner_ref: r.owner_ref.clone().unwrap_or_else(|| OWNER.to_string()),
        others: r.others.iter().map(|(t, id, b)| FhirResourceIn { resource_type: t.clone(), id: id.clone(), body: b.clone() }).collect(),
    };
    let got = state.store().receive_referral(&cl.actor, &inbound).await?;
    let base = base(&state, &headers);
    let entries: Vec<Json> = r
        .entries
        .iter()
        .map(|(full, t, id)| {
            let (t, id, version) = if t == "Patient" { ("Patient".to_string(), got.person_id.clone(), 1) } else { (t.clone(), id.clone(), 1) };
            let version = if t == "Task" { got.task.version_id } else { version };
            let status = if t == "Patient" && got.matched != Matched::New { "200 OK" } else { "201 Created" };
            json!({ "fullUrl": format!("{base}/{t}/{id}"), "response": { "status": status, "location": format!("{t}/{id}/_history/{version}"), "etag": format!("W/\"{version}\"") },
                    "link": [{ "relation": "alternate", "url": full }] })
        })
        .collect();
    let mut out = json!({ "resourceType": "Bundle", "type": "transaction-response", "entry": entries });
    // Where the person was matched only by name and birth date, the referral waits for a link
    // worker to decide who they are; say so.
    if let Matched::Proposed { candidates } = &got.matched {
        out["entry"][0]["response"]["outcome"] = fr::operation_outcome_informational(&format!(
            "Recorded as a new person: {} other record(s) have the same name and birth date but no identifier in common; a link worker will decide whether they are the same person.",
            candidates.len()
        ));
    }
    Ok(fhir(StatusCode::OK, out))
}

pub async fn read_task(State(state): State<AppState>, caller: Result<Caller, ApiError>, Path(id): Path<String>) -> FhirResult<Response> {
    if let Some(p) = super::onward::performer(&caller) {
        return super::onward::read_task(&state, &p, &id).await;
    }
    let cl = client(caller, false)?;
    let t = state.store().fhir_read(&cl.actor, cl.own.as_deref(), "Task", &id).await?;
    Ok(with_version(StatusCode::OK, &t, None))
}

pub async fn read_other(State(state): State<AppState>, caller: Result<Caller, ApiError>, Path((kind, id)): Path<(String, String)>) -> FhirResult<Response> {
    if !fr::KEPT_TYPES.contains(&kind.as_str()) && !matches!(kind.as_str(), "Practitioner" | "PractitionerRole" | "Organization") {
        return Err(Outcome::new(StatusCode::NOT_FOUND, "not-supported", "", format!("{kind} is not served here; see /fhir/metadata")));
    }
    if let Some(p) = super::onward::performer(&caller) {
        if kind == "ServiceRequest" {
            return super::onward::read_service_request(&state, &p, &id).await;
        }
        return Err(Outcome::new(StatusCode::NOT_FOUND, "not-found", "", format!("There is no {kind} {id} for your organisation.")));
    }
    let cl = client(caller, false)?;
    let r = state.store().fhir_read(&cl.actor, cl.own.as_deref(), &kind, &id).await?;
    Ok(with_version(StatusCode::OK, &r, None))
}

/// `PUT /fhir/Task/{id}`: the referrer's change to its Task, on the version it read (If-Match):
/// only a cancellation (with statusReason.text) is the referrer's to make; every other status is
/// Linkwork's, set by the episode.
pub async fn update_task(State(state): State<AppState>, caller: Result<Caller, ApiError>, Path(id): Path<String>, headers: HeaderMap, bytes: Bytes) -> FhirResult<Response> {
    if let Some(p) = super::onward::performer(&caller) {
        return super::onward::update_task(&state, &p, &id, &headers, &bytes).await;
    }
    let cl = client(caller, true)?;
    let super::TaskUpdate { version, sent, to } = super::task_update(&headers, &bytes, &id)?;
    let reason = sent["statusReason"]["text"].as_str();
    let t = state.store().fhir_requester_update(&cl.actor, cl.own.as_deref(), &id, version, to, reason).await.map_err(|e| {
        let mut o = Outcome::from(e);
        for i in &mut o.issues {
            if i.expression == "status" {
                i.expression = "Task.status".into();
            }
        }
        o
    })?;
    Ok(with_version(StatusCode::OK, &t, None))
}

fn reference(v: &str, kind: &str) -> String {
    if v.contains('/') {
        v.to_string()
    } else {
        format!("{kind}/{v}")
    }
}

/// A search: the parameters this server knows (anything else is refused, not ignored, so that
/// a client never takes an unfiltered answer for a filtered one), `_include`s, and the count.
fn search_of(kind: &str, q: &[(String, String)], allowed: &[&str]) -> FhirResult<(FhirSearch, Vec<String>)> {
    let mut s = FhirSearch { resource_type: kind.into(), limit: 100, ..Default::default() };
    let mut include = vec![];
    for (k, v) in q {
        let at = format!("{kind}?{k}");
        let known = allowed.contains(&k.as_str()) || matches!(k.as_str(), "_count" | "_offset" | "_include" | "_format");
        if !known {
            return Err(Outcome::new(StatusCode::BAD_REQUEST, "not-supported", &at, format!("'{k}' is not a search parameter of {kind} here; see /fhir/metadata")));
        }
        match k.as_str() {
            "_id" => s.ids.extend(v.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty())),
            "status" => {
                for st in v.split(',') {
                    let t: TaskStatus = st.parse().map_err(|e: String| Outcome::new(StatusCode::BAD_REQUEST, "code-invalid", &at, e))?;
                    s.status.push(t.as_str().to_string());
                }
            }
            "owner" => s.owner = Some(v.clone()),
            "requester" => s.requester = Some(v.clone()),
            "focus" => s.focus = Some(reference(v, "ServiceRequest")),
            "patient" | "subject" => s.person_id = Some(v.trim_start_matches("Patient/").to_string()),
            "_lastUpdated" => {
                let (op, t) = match v.get(..2) {
                    Some("gt") => (">", &v[2..]),
                    Some("ge") => (">=", &v[2..]),
                    Some("lt") => ("<", &v[2..]),
                    Some("le") => ("<=", &v[2..]),
                    Some("eq") => ("=", &v[2..]),
                    _ => ("=", v.as_str()),
                };
                let when = chrono::DateTime::parse_from_rfc3339(t)
                    .map(|d| linkwork_domain::pathway::format_time(d.with_timezone(&chrono::Utc)))
                    .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map(|d| format!("{d}T00:00:00.000000Z")))
                    .map_err(|_| Outcome::new(StatusCode::BAD_REQUEST, "invalid", &at, format!("'{v}' is not a prefix and an instant, e.g. gt2026-12-01T09:00:00Z")))?;
                s.last_updated.push((op, when));
            }
            "_count" => {
                s.limit = v.parse().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(|| Outcome::new(StatusCode::BAD_REQUEST, "invalid", &at, "give a number of results per page, 1 to 1000"))?
            }
            "_offset" => s.offset = v.parse().ok().filter(|n: &i64| *n >= 0).ok_or_else(|| Outcome::new(StatusCode::BAD_REQUEST, "invalid", &at, "give how many results to skip (the next link gives it)"))?,
            "_include" => include.push(v.clone()),
            _ => {}
        }
    }
    Ok((s, include))
}

pub async fn search_tasks(State(state): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap, Query(q): Query<Vec<(String, String)>>) -> FhirResult<Response> {
    let performer = super::onward::performer(&caller);
    let (mut s, include) = search_of("Task", &q, &["_id", "status", "owner", "requester", "focus", "patient", "_lastUpdated"])?;
    if let Some(p) = performer {
        return super::onward::search_tasks(&state, &p, &headers, &q, s, &include).await;
    }
    let cl = client(caller, false)?;
    for i in &include {
        if !matches!(i.as_str(), "Task:focus" | "Task:patient" | "Task:output") {
            return Err(Outcome::new(StatusCode::BAD_REQUEST, "not-supported", "Task?_include", format!("'{i}' is not an include here; use Task:focus, Task:output or Task:patient")));
        }
    }
    s.client_id = cl.own.clone();
    let mut found = state.store().fhir_search(&cl.actor, &s).await?;
    let more = found.len() as i64 > s.limit;
    let extra = found.split_off(found.len().min(s.limit as usize));
    let mut included = vec![];
    if include.iter().any(|i| i == "Task:focus") {
        let ids: Vec<String> = found.iter().filter_map(|t| t.focus_ref.as_deref()?.strip_prefix("ServiceRequest/").map(str::to_string)).collect();
        if !ids.is_empty() {
            let sr = FhirSearch { resource_type: "ServiceRequest".into(), client_id: cl.own.clone(), ids, limit: 1000, ..Default::default() };
            included.extend(state.store().fhir_search(&cl.actor, &sr).await?.iter().map(render));
        }
    }
    if include.iter().any(|i| i == "Task:output") {
        let mut episodes: Vec<String> = found.iter().filter(|t| matches!(t.status.as_deref(), Some("in-progress" | "completed" | "failed"))).filter_map(|t| t.episode_id.clone()).collect();
        episodes.sort();
        episodes.dedup();
        for e in episodes {
            included.extend(super::outcome::procedure_of(&state, &cl, &e).await?);
        }
    }
    if include.iter().any(|i| i == "Task:patient") {
        let mut people: Vec<String> = found.iter().filter_map(|t| t.person_id.clone()).collect();
        people.sort();
        people.dedup();
        for p in people {
            let (person, ids) = state.store().fhir_patient(&cl.actor, cl.own.as_deref(), &p).await?;
            included.push(fr::patient(&person.id, &person.details, &ids, &person.updated_at, person.version));
        }
    }
    let mut matches: Vec<Json> = found.iter().map(render).collect();
    if more {
        matches.extend(extra.iter().take(1).map(render));
    }
    let base = base(&state, &headers);
    Ok(fhir(StatusCode::OK, searchset_page(&Page { base: &base, kind: "Task", query: &q, offset: s.offset, limit: s.limit }, matches, included)))
}

pub async fn search_service_requests(State(state): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap, Query(q): Query<Vec<(String, String)>>) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    let (mut s, include) = search_of("ServiceRequest", &q, &["_id", "patient", "subject", "_lastUpdated"])?;
    if let Some(i) = include.first() {
        return Err(Outcome::new(StatusCode::BAD_REQUEST, "not-supported", "ServiceRequest?_include", format!("'{i}' is not an include of ServiceRequest here")));
    }
    s.client_id = cl.own.clone();
    let found = state.store().fhir_search(&cl.actor, &s).await?;
    let base = base(&state, &headers);
    Ok(fhir(StatusCode::OK, searchset_page(&Page { base: &base, kind: "ServiceRequest", query: &q, offset: s.offset, limit: s.limit }, found.iter().map(render).collect(), vec![])))
}

pub async fn read_patient(State(state): State<AppState>, caller: Result<Caller, ApiError>, Path(id): Path<String>) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    let (p, ids) = state.store().fhir_patient(&cl.actor, cl.own.as_deref(), &id).await?;
    let mut resp = fhir(StatusCode::OK, fr::patient(&p.id, &p.details, &ids, &p.updated_at, p.version));
    if let Ok(v) = header::HeaderValue::from_str(&format!("W/\"{}\"", p.version)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    Ok(resp)
}

/// `GET /fhir/Patient?identifier=system|value`: only someone this system referred.
pub async fn search_patients(State(state): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap, Query(q): Query<Vec<(String, String)>>) -> FhirResult<Response> {
    let cl = client(caller, false)?;
    let mut found = vec![];
    let mut asked = false;
    for (k, v) in &q {
        match k.as_str() {
            "identifier" => {
                asked = true;
                let Some((system, value)) = v.split_once('|') else {
                    return Err(Outcome::new(StatusCode::BAD_REQUEST, "invalid", "Patient?identifier", "give the identifier as system|value; a value without its system is not searched"));
                };
                let value = if system == linkwork_domain::pathway::identifier::NHS_NUMBER_SYSTEM { value.replace([' ', '-'], "") } else { value.to_string() };
                if let Some(pid) = state.store().fhir_person_by_identifier(cl.own.as_deref(), system, &value).await? {
                    let (p, ids) = state.store().fhir_patient(&cl.actor, cl.own.as_deref(), &pid).await?;
                    found.push(fr::patient(&p.id, &p.details, &ids, &p.updated_at, p.version));
                }
            }
            "_count" | "_format" => {}
            other => return Err(Outcome::new(StatusCode::BAD_REQUEST, "not-supported", &format!("Patient?{other}"), format!("'{other}' is not a search parameter of Patient here; search by identifier"))),
        }
    }
    if !asked {
        return Err(Outcome::new(StatusCode::BAD_REQUEST, "required", "Patient?identifier", "search Patients by identifier (system|value)"));
    }
    Ok(fhir(StatusCode::OK, searchset(&base(&state, &headers), found, vec![])))
}
