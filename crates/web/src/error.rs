//! The one HTTP error type: every failure becomes RFC 9457 problem details, with field-level
//! messages for bad input, and never leaks internals (those go to the log).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// A problem with one input field: where it is and how to fix it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FieldError {
    /// The parameter or field name, or a JSON pointer into the body.
    pub field: String,
    pub message: String,
}

#[derive(Debug)]
pub enum ApiError {
    BadRequest { detail: String, errors: Vec<FieldError> },
    NotFound { what: String },
    Internal(String),
    Unavailable(String),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError { field: field.into(), message }],
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        ApiError::NotFound { what: what.into() }
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "invalid-request", "Your request has invalid parameters"),
            ApiError::NotFound { .. } => (StatusCode::NOT_FOUND, "not-found", "Not found"),
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
        match &self {
            ApiError::BadRequest { detail, errors } => {
                body["detail"] = json!(detail);
                if !errors.is_empty() {
                    body["errors"] = json!(errors);
                }
            }
            ApiError::NotFound { what } => body["detail"] = json!(format!("There is no {what}.")),
            ApiError::Internal(cause) | ApiError::Unavailable(cause) => {
                tracing::error!(%cause, "request failed");
                body["detail"] = json!("The error has been logged. Please try again; if it keeps happening, tell your administrator.");
            }
        }
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
