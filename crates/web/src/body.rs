//! JSON request bodies with problem details that name the field: a body of the wrong shape
//! answers 400 with the JSON path of the first problem ("person.birth_date: invalid type..."),
//! a body that is not JSON 415, one over the limit 413.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or("").trim().to_string();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(ApiError::UnsupportedMediaType(format!(
                "send the body as JSON with 'Content-Type: application/json' (got '{}')",
                if essence.is_empty() { "nothing" } else { &essence }
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge("the body is over this endpoint's size limit (1 MiB; 16 MiB for observatory packages)".into())
            } else {
                ApiError::BadRequest { detail: format!("the body could not be read: {e}"), errors: vec![] }
            }
        })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(de) {
            Ok(v) => Ok(Body(v)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let field = if path == "." || path.is_empty() { "(body)".to_string() } else { path };
                let message = if inner.is_syntax() || inner.is_eof() {
                    format!("the body is not valid JSON: {inner}")
                } else {
                    // serde's message ends with " at line L column C", which is useful as it is.
                    inner.to_string()
                };
                Err(ApiError::BadRequest { detail: format!("{field}: {message}"), errors: vec![FieldError::new(field, message)] })
            }
        }
    }
}
