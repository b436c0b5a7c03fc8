//! What the store of a practice's patients and worklists returns and takes.

use linkwork_domain::identification::Reason;
use serde::Serialize;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A load of a practice's patients: what was kept, and what it replaced.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PracticeLoad {
    pub id: String,
    pub practice_id: String,
    pub loaded_at: String,
    /// fhir or csv
    pub format: String,
    pub patients: i64,
    pub records: i64,
    /// How many patients the load before held (all replaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced: Option<i64>,
}

/// One run of the rules over a practice's patients.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IdentificationRun {
    pub id: String,
    pub practice_id: String,
    pub run_at: String,
    /// The date the rules' periods end on.
    pub as_of: String,
    /// The load it ran over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_id: Option<String>,
    pub patients: i64,
    pub found: i64,
}

/// A person on the worklist, with why, and what the referrer decided.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WorklistEntry {
    pub id: String,
    pub run_id: String,
    /// The practice's own id for the patient.
    pub patient_key: String,
    /// False when the practice's latest load no longer has this patient (then no details).
    pub in_records: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    pub reasons: Vec<Reason>,
    /// open, dismissed or referred.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dismissed_reason: Option<String>,
    /// The episode a referral from this entry opened (or joined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub episode_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

/// A practice's worklist: the latest load and run, and who that run found.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Worklist {
    pub practice_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<PracticeLoad>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<IdentificationRun>,
    /// The patients were loaded again after this run: run the rules again to see who they find.
    pub stale: bool,
    pub entries: Vec<WorklistEntry>,
}

/// A referral made from a worklist entry: the episode, and the entry now marked referred.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReferredEntry {
    pub episode: super::EpisodeSummary,
    pub entry: WorklistEntry,
    /// The person was already known by their NHS number (and had an open episode, joined).
    pub joined: bool,
}
