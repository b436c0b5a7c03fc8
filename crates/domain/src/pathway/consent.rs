//! Consent, per purpose: support from the link worker, sharing with one named organisation, and
//! use in de-identified evaluation. Each is recorded with who recorded it, when and how; a
//! withdrawal takes effect at once (the store checks consent on every read that depends on it).

use serde::{Deserialize, Serialize};

use super::{FieldError, Problems};
use crate::Id;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    /// Support from the link worker (the referral itself).
    Support,
    /// Sharing name, contact details and referral reasons with one named organisation.
    Sharing,
    /// Use of their data, de-identified, in evaluation.
    Evaluation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    Verbal,
    Written,
    Electronic,
}

impl ConsentPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentPurpose::Support => "support",
            ConsentPurpose::Sharing => "sharing",
            ConsentPurpose::Evaluation => "evaluation",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ConsentPurpose::Support, ConsentPurpose::Sharing, ConsentPurpose::Evaluation].into_iter().find(|p| p.as_str() == s)
    }
}

impl ConsentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Verbal => "verbal",
            ConsentMethod::Written => "written",
            ConsentMethod::Electronic => "electronic",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ConsentMethod::Verbal, ConsentMethod::Written, ConsentMethod::Electronic].into_iter().find(|p| p.as_str() == s)
    }
}

/// A consent being recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub purpose: ConsentPurpose,
    /// The organisation data may be shared with; required for `sharing`, refused otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Id>,
    pub method: ConsentMethod,
    /// Who gave it when not the person (e.g. "daughter, lasting power of attorney").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ConsentInput {
    pub fn parse(self, prefix: &str) -> Result<ConsentInput, Vec<FieldError>> {
        let mut p = Problems::default();
        match (self.purpose, self.organization_id) {
            (ConsentPurpose::Sharing, None) => p.keyed(format!("{prefix}organization_id"), "err-sharing-organisation", &[], "is required: say which organisation the person agreed to share with"),
            (ConsentPurpose::Support | ConsentPurpose::Evaluation, Some(_)) => {
                p.add(format!("{prefix}organization_id"), "is only given for sharing consent")
            }
            _ => {}
        }
        let given_by = p.text(&format!("{prefix}given_by"), self.given_by.as_deref(), 200, false);
        let note = p.text(&format!("{prefix}note"), self.note.as_deref(), 2000, false);
        p.into_result(ConsentInput { given_by, note, ..self })
    }
}
