//! The one HTTP error type: every failure becomes RFC 9457 problem details, with field-level
//! messages for bad input, and never leaks internals (those go to the log).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A problem with one input field: where it is and how to fix it. The domain's own type, so
/// that its parse errors reach the problem details as they are.
pub use linkwork_domain::pathway::FieldError;

#[derive(Debug)]
pub enum ApiError {
    BadRequest { detail: String, errors: Vec<FieldError> },
    /// Well-formed input that breaks a rule: each field says what and how to fix it.
    Unprocessable { detail: String, errors: Vec<FieldError> },
    /// No valid credentials.
    Unauthorized(String),
    /// Signed in, but the role, consent or relationship does not allow it.
    Forbidden(String),
    NotFound { what: String },
    /// The record's state does not allow it; `extra` carries members such as candidates.
    Conflict { detail: String, extra: Option<serde_json::Value> },
    /// `If-Match` does not match the current version.
    PreconditionFailed(String),
    /// A write that must say which version it changes did not.
    PreconditionRequired(String),
    TooManyRequests { detail: String, retry_after_secs: u64 },
    /// The body is over the size limit, or not JSON.
    TooLarge(String),
    UnsupportedMediaType(String),
    Internal(String),
    Unavailable(String),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        ApiError::NotFound { what: what.into() }
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        ApiError::Unprocessable { detail, errors }
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        ApiError::Conflict { detail: detail.into(), extra: None }
    }

    pub fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "invalid-request", "Your request has invalid parameters"),
            ApiError::Unprocessable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-input", "Some of what you sent needs correcting"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Sign in first"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            ApiError::NotFound { .. } => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            ApiError::Conflict { .. } => (StatusCode::CONFLICT, "conflict", "This cannot be done now"),
            ApiError::PreconditionFailed(_) => (StatusCode::PRECONDITION_FAILED, "edit-conflict", "Someone else changed this record"),
            ApiError::PreconditionRequired(_) => (StatusCode::PRECONDITION_REQUIRED, "version-required", "Say which version you are changing"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", "Too many attempts"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large", "What you sent is too large"),
            ApiError::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Send JSON"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Temporarily unavailable"),
        }
    }
}

impl From<linkwork_store::StoreError> for ApiError {
    fn from(e: linkwork_store::StoreError) -> Self {
        match e {
            linkwork_store::StoreError::Invalid(m) => ApiError::BadRequest { detail: m, errors: vec![] },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, slug, title) = self.parts();
        let mut body = json!({
            "type": format!("https://linkwork.example/problems/{slug}"),
            "title": title,
            "status": status.as_u16(),
        });
        let mut retry_after = None;
        let mut www_authenticate = false;
        match &self {
            ApiError::BadRequest { detail, errors } | ApiError::Unprocessable { detail, errors } => {
                body["detail"] = json!(detail);
                if !errors.is_empty() {
                    body["errors"] = json!(errors);
                }
            }
            ApiError::NotFound { what } => body["detail"] = json!(format!("There is no {what}.")),
            ApiError::Unauthorized(d) => {
                www_authenticate = true;
                body["detail"] = json!(d);
            }
            ApiError::Forbidden(d)
            | ApiError::PreconditionFailed(d)
            | ApiError::PreconditionRequired(d)
            | ApiError::TooLarge(d)
            | ApiError::UnsupportedMediaType(d) => body["detail"] = json!(d),
            ApiError::Conflict { detail, extra } => {
                body["detail"] = json!(detail);
                if let Some(serde_json::Value::Object(m)) = extra {
                    for (k, v) in m {
                        body[k] = v.clone();
                    }
                }
            }
            ApiError::TooManyRequests { detail, retry_after_secs } => {
                body["detail"] = json!(detail);
                retry_after = Some(*retry_after_secs);
            }
            ApiError::Internal(cause) | ApiError::Unavailable(cause) => {
                tracing::error!(%cause, "request failed");
                body["detail"] = json!("The error has been logged. Please try again; if it keeps happening, tell your administrator.");
            }
        }
        let mut resp = (status, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response();
        if let Some(secs) = retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        if www_authenticate {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer realm=\"linkwork\""));
        }
        resp
    }
}

impl From<linkwork_store::pathway::PathwayError> for ApiError {
    fn from(e: linkwork_store::pathway::PathwayError) -> Self {
        use linkwork_store::pathway::PathwayError as P;
        match e {
            P::NotFound(what) => ApiError::NotFound { what },
            P::Invalid(errors) => ApiError::invalid(errors),
            P::VersionMismatch { .. } => ApiError::PreconditionFailed(e.to_string()),
            P::Conflict(d) => ApiError::conflict(d),
            P::Forbidden(d) => ApiError::Forbidden(d),
            P::PossibleDuplicate(candidates) => ApiError::Conflict {
                detail: "A person with the same name and birth date is already recorded. Refer them by person_id, or send not_a_duplicate: true if this is someone else.".into(),
                extra: Some(json!({ "possible_duplicates": candidates })),
            },
            P::Store(s) => s.into(),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Errors answered below the handlers (a body over the limit, a method a route does not take)
/// come without a body or as plain text; they are given problem details like every other error.
pub async fn problems_for_bare_errors(resp: Response) -> Response {
    let status = resp.status();
    let is_problem = resp.headers().get(header::CONTENT_TYPE).is_some_and(|c| c.as_bytes().starts_with(b"application/problem+json"));
    let is_html = resp.headers().get(header::CONTENT_TYPE).is_some_and(|c| c.as_bytes().starts_with(b"text/html"));
    // The FHIR endpoint answers its errors as OperationOutcomes.
    let is_fhir = resp.headers().get(header::CONTENT_TYPE).is_some_and(|c| c.as_bytes().starts_with(b"application/fhir+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem || is_html || is_fhir {
        return resp;
    }
    let (title, detail) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("What you sent is too large", "The body is over the 1 MiB limit."),
        StatusCode::METHOD_NOT_ALLOWED => ("Method not allowed", "This address does not take that method; see /api/openapi.json."),
        _ => (status.canonical_reason().unwrap_or("Error"), "The request could not be handled."),
    };
    let body = json!({ "type": "about:blank", "title": title, "status": status.as_u16(), "detail": detail });
    let mut out = (status, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response();
    for (k, v) in resp.headers() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}
