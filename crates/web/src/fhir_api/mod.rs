//! The FHIR R4 endpoint at `/fhir`, where health systems send referrals and follow them (Gravity
//! SDOH Clinical Care; Linkwork acts as the Coordination Platform): the CapabilityStatement
//! (`capability.rs`), a referral sent as one transaction Bundle, and reading and searching the
//! Tasks, ServiceRequests, Patients and supporting resources a system sent (`referral.rs`), and
//! what it hears back: the episode as a Procedure and the messages back as Communications
//! (`outcome.rs`); a community organisation's system following the onward referrals sent to it
//! and updating their Tasks as the performer (`onward.rs`); rest-hook subscriptions that tell it when its Tasks change (`subscription.rs`).
//! FHIR JSON in and out; every error is an `OperationOutcome` whose issues name the element at
//! fault. Only API tokens with the `fhir` scope are let in (a browser session never is), and
//! every read and write is audited as the rest of the API is.

mod capability;
mod outcome;
mod onward;
mod referral;
pub(crate) mod subscription;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use linkwork_domain::pathway::access::Action;
use linkwork_fhir::referral::{operation_outcome, Issue};
use linkwork_store::pathway::Actor;
use serde_json::{json, Value as Json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

pub const FHIR_JSON: &str = "application/fhir+json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fhir", post(referral::transaction))
        .route("/fhir/metadata", get(capability::metadata))
        .route("/fhir/Task", get(referral::search_tasks))
        .route("/fhir/Task/{id}", get(referral::read_task).put(referral::update_task))
        .route("/fhir/ServiceRequest", get(referral::search_service_requests))
        .route("/fhir/Patient", get(referral::search_patients))
        .route("/fhir/Patient/{id}", get(referral::read_patient))
        .route("/fhir/Procedure/{id}", get(outcome::read_procedure))
        .route("/fhir/Communication", get(outcome::search_communications))
        .route("/fhir/Communication/{id}", get(outcome::read_communication))
        .route("/fhir/Subscription", get(subscription::search).post(subscription::create))
        .route("/fhir/Subscription/{id}", get(subscription::read).delete(subscription::delete))
        .route("/fhir/Subscription/{id}/$status", get(subscription::status))
        .route("/fhir/{kind}/{id}", get(referral::read_other))
}

/// A FHIR answer: the resource, as `application/fhir+json`.
pub(crate) fn fhir(status: StatusCode, v: Json) -> Response {
    (status, [(header::CONTENT_TYPE, FHIR_JSON)], v.to_string()).into_response()
}

/// An error as FHIR says them: an OperationOutcome with the HTTP status it goes with.
pub(crate) struct Outcome {
    status: StatusCode,
    code: &'static str,
    issues: Vec<Issue>,
}

impl Outcome {
    pub fn new(status: StatusCode, code: &'static str, expression: &str, message: impl Into<String>) -> Outcome {
        Outcome { status, code, issues: vec![Issue { expression: expression.into(), message: message.into() }] }
    }
    pub fn invalid(issues: Vec<Issue>) -> Outcome {
        Outcome { status: StatusCode::UNPROCESSABLE_ENTITY, code: "invalid", issues }
    }
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        let mut r = fhir(self.status, operation_outcome(self.code, &self.issues));
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer realm=\"linkwork\", scope=\"fhir\""));
        }
        r
    }
}

/// The API's errors in FHIR's words: each field error an issue at its element, the rest one
/// issue with the detail the API would have given (internals are logged, never answered).
impl From<ApiError> for Outcome {
    fn from(e: ApiError) -> Outcome {
        let (status, _, title) = e.parts();
        let code = match status {
            StatusCode::UNAUTHORIZED => "login",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not-found",
            StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED => "conflict",
            StatusCode::TOO_MANY_REQUESTS => "throttled",
            s if s.is_server_error() => "exception",
            _ => "invalid",
        };
        let issues = match e {
            ApiError::BadRequest { errors, detail } | ApiError::Unprocessable { errors, detail } if !errors.is_empty() || !detail.is_empty() => {
                if errors.is_empty() {
                    vec![Issue { expression: String::new(), message: detail }]
                } else {
                    errors.into_iter().map(|f| Issue { expression: f.field, message: f.message }).collect()
                }
            }
            ApiError::NotFound { what } => vec![Issue { expression: String::new(), message: format!("There is no {what}.") }],
            ApiError::Internal(cause) | ApiError::Unavailable(cause) => {
                tracing::error!(%cause, "FHIR request failed");
                vec![Issue { expression: String::new(), message: "The error has been logged; please try again.".into() }]
            }
            ApiError::Unauthorized(d) | ApiError::Forbidden(d) | ApiError::PreconditionFailed(d) | ApiError::PreconditionRequired(d) | ApiError::TooLarge(d) | ApiError::UnsupportedMediaType(d) => {
                vec![Issue { expression: String::new(), message: d }]
            }
            ApiError::Conflict { detail, .. } | ApiError::TooManyRequests { detail, .. } => vec![Issue { expression: String::new(), message: detail }],
            _ => vec![Issue { expression: String::new(), message: title.to_string() }],
        };
        Outcome { status, code, issues }
    }
}

impl From<linkwork_store::pathway::PathwayError> for Outcome {
    fn from(e: linkwork_store::pathway::PathwayError) -> Outcome {
        ApiError::from(e).into()
    }
}

pub(crate) type FhirResult<T> = Result<T, Outcome>;

/// Who is asking, over FHIR: an API token with the `fhir` scope (checked by `Caller`), whose
/// role may refer. Answers the actor and whose resources it reads: its own, or every system's
/// for an administrator.
pub(crate) struct Client {
    pub actor: Actor,
    pub own: Option<String>,
}

pub(crate) fn client(caller: Result<Caller, ApiError>, write: bool) -> FhirResult<Client> {
    let caller = caller?;
    if caller.via_cookie {
        return Err(Outcome::new(StatusCode::FORBIDDEN, "forbidden", "", "the FHIR endpoint takes API tokens with the fhir scope, not a browser session"));
    }
    if let Ok(actor) = caller.may(Action::ExportPerson) {
        if !write {
            return Ok(Client { actor, own: None });
        }
    }
    let actor = caller.may(if write { Action::CreateReferral } else { Action::ReadOwnReferrals })?;
    Ok(Client { actor, own: Some(caller.user.id.clone()) })
}

/// A FHIR JSON body (`application/fhir+json` or `application/json`), or an OperationOutcome saying
/// where it stops being JSON.
pub(crate) fn body(headers: &HeaderMap, bytes: &Bytes) -> FhirResult<Json> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !(ct.starts_with(FHIR_JSON) || ct.starts_with("application/json")) {
        return Err(Outcome::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "not-supported", "", format!("send FHIR JSON (Content-Type: {FHIR_JSON}); got '{ct}'")));
    }
    serde_json::from_slice(bytes).map_err(|e| Outcome::new(StatusCode::BAD_REQUEST, "structure", "", format!("line {}, column {}: this is not JSON: {e}", e.line(), e.column())))
}

/// A Task sent to `PUT /fhir/Task/{id}`, checked: the version it was read at (If-Match), the
/// body (a Task with that id) and the status asked for.
pub(crate) struct TaskUpdate {
    pub version: i64,
    pub sent: Json,
    pub to: linkwork_domain::pathway::task::TaskStatus,
}

pub(crate) fn task_update(headers: &HeaderMap, bytes: &Bytes, id: &str) -> FhirResult<TaskUpdate> {
    let sent = body(headers, bytes)?;
    let Some(tag) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(Outcome::new(StatusCode::PRECONDITION_REQUIRED, "required", "", "send the version you read in If-Match (W/\"<versionId>\"): a Task is changed only on the version read"));
    };
    let version: i64 = tag.trim().trim_start_matches("W/").trim_matches('"').parse().map_err(|_| Outcome::new(StatusCode::BAD_REQUEST, "invalid", "", format!("If-Match '{tag}' is not a version (W/\"3\")")))?;
    if sent["resourceType"] != "Task" || sent["id"] != json!(id) {
        return Err(Outcome::new(StatusCode::BAD_REQUEST, "invalid", "Task.id", format!("send the Task with resourceType Task and id {id}")));
    }
    let to = sent["status"].as_str().unwrap_or("").parse().map_err(|e: String| Outcome::new(StatusCode::UNPROCESSABLE_ENTITY, "code-invalid", "Task.status", e))?;
    Ok(TaskUpdate { version, sent, to })
}

/// The server's base for full URLs and locations.
pub(crate) fn base(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}/fhir", state.public_url(headers))
}

/// A page of search results: the matches (one more than the page holds when there is a next
/// page), what they include, and the query to link the next page from.
pub(crate) struct Page<'a> {
    pub base: &'a str,
    /// The resource type and the query as asked (its `_offset` is replaced for the next page).
    pub kind: &'a str,
    pub query: &'a [(String, String)],
    pub offset: i64,
    pub limit: i64,
}

fn encode(v: &str) -> String {
    v.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '~' | ':' | '/' | '|' | ',' => c.to_string(),
            c => c.to_string().bytes().map(|b| format!("%{b:02X}")).collect(),
        })
        .collect()
}

/// A searchset Bundle: `total` when this is the last page (the offset and what it holds), else
/// a `next` link; the `self` link either way.
pub(crate) fn searchset_page(p: &Page, mut matches: Vec<Json>, included: Vec<Json>) -> Json {
    let more = matches.len() as i64 > p.limit;
    matches.truncate(p.limit.max(0) as usize);
    let url = |offset: i64| {
        let mut q: Vec<String> = p.query.iter().filter(|(k, _)| k != "_offset").map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        if offset > 0 {
            q.push(format!("_offset={offset}"));
        }
        format!("{}/{}{}{}", p.base, p.kind, if q.is_empty() { "" } else { "?" }, q.join("&"))
    };
    let mut links = vec![json!({ "relation": "self", "url": url(p.offset) })];
    if more {
        links.push(json!({ "relation": "next", "url": url(p.offset + p.limit) }));
    }
    let mut b = searchset(p.base, matches, included);
    b["link"] = json!(links);
    if more {
        b.as_object_mut().expect("a Bundle").remove("total");
    } else {
        b["total"] = json!(p.offset + b["entry"].as_array().map(|e| e.iter().filter(|x| x["search"]["mode"] == "match").count()).unwrap_or(0) as i64);
    }
    b
}

/// A searchset Bundle of what was found (and included), all of it.
pub(crate) fn searchset(base: &str, matches: Vec<Json>, included: Vec<Json>) -> Json {
    let total = matches.len();
    let entry = |r: Json, mode: &str| {
        let url = format!("{base}/{}/{}", r["resourceType"].as_str().unwrap_or(""), r["id"].as_str().unwrap_or(""));
        json!({ "fullUrl": url, "resource": r, "search": { "mode": mode } })
    };
    let entries: Vec<Json> = matches.into_iter().map(|r| entry(r, "match")).chain(included.into_iter().map(|r| entry(r, "include"))).collect();
    json!({ "resourceType": "Bundle", "type": "searchset", "total": total, "entry": entries })
}
