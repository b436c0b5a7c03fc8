//! The social prescribing pathway: who may do what, the people referred, their consents, the
//! episode a referral opens and its state machine, assessment and plan, the onward referrals to
//! community organisations (FHIR Task statuses, with the side allowed to set each), follow-ups,
//! messages back to the referrer, the audit chain, identifiers other systems give a person
//! (`identifier`: the NHS number, checked) and the Task of a referral from a health system
//! (`inbound`), which follows the episode.
//!
//! Everything here is pure: inputs are parsed into valid values or a list of [`FieldError`]s that
//! say which field is wrong and how to fix it; storage and HTTP live elsewhere.

pub mod access;
pub mod assessment;
pub mod audit;
pub mod consent;
pub mod episode;
pub mod identifier;
pub mod inbound;
pub mod needs;
pub mod person;
pub mod referral;
pub mod role;
pub mod task;
pub mod team;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

pub use role::Role;

/// SNOMED CT codes the PRSB standard asks for.
pub mod snomed {
    /// |Referral to social prescribing service (procedure)|: the person accepted the referral.
    pub const REFERRAL_ACCEPTED: &str = "871731000000106";
    pub const REFERRAL_ACCEPTED_DISPLAY: &str = "Referral to social prescribing service (procedure)";
    /// |Social prescribing declined (situation)|.
    pub const DECLINED: &str = "871711000000103";
    pub const DECLINED_DISPLAY: &str = "Social prescribing declined (situation)";
}

/// One thing wrong with an input: the field (a JSON pointer-like dotted path) and how to fix it.
///
/// `message` is the English the API answers with. `key` and `args` name the same message in the
/// pages' translation resources (`err-…` in Fluent), so a form can say it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The parameter or field name, or its path into the body ("person.birth_date").
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub key: Option<&'static str>,
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into(), key: None, args: vec![] }
    }
    /// A field error that also names its message in the translation resources.
    pub fn keyed(field: impl Into<String>, key: &'static str, args: &[(&'static str, &str)], message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into(), key: Some(key), args: args.iter().map(|(k, v)| (*k, v.to_string())).collect() }
    }
}

/// Collects field errors while an input is checked.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }
    pub fn keyed(&mut self, field: impl Into<String>, key: &'static str, args: &[(&'static str, &str)], message: impl Into<String>) {
        self.0.push(FieldError::keyed(field, key, args, message));
    }
    pub fn into_result<T>(self, ok: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            Err(self.0)
        }
    }
    /// Checks a free-text field: trimmed, within `max` characters, no control characters but
    /// line breaks and tabs. Returns the trimmed text, or None when empty.
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize, required: bool) -> Option<String> {
        let v = value.map(str::trim).filter(|s| !s.is_empty());
        match v {
            None => {
                if required {
                    self.keyed(field, "err-required", &[], "is required");
                }
                None
            }
            Some(s) => {
                let n = s.chars().count();
                if n > max {
                    self.keyed(field, "err-too-long", &[("length", &n.to_string()), ("max", &max.to_string())], format!("is {n} characters long; the most allowed is {max}"));
                    return None;
                }
                if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
                    self.keyed(field, "err-control-characters", &[], "contains control characters; remove them");
                    return None;
                }
                Some(s.to_string())
            }
        }
    }
}

/// How pathway timestamps are written everywhere (stored, hashed, sent): UTC, microseconds, so
/// that their text order is their time order.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The current time, cut to the microsecond so that a stored and re-read time compares equal.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}
