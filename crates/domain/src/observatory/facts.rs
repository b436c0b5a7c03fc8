//! The de-identified facts the indicator engine counts: one [`EpisodeFact`] per episode, holding
//! only what indicators break down by (age at referral, not birth date; area, not address) and
//! the pathway's dates. The store builds them; nothing here names a person, and the engine never
//! lets a single fact out (see `engine`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::instrument::Change;

/// Whether the person lets their data be used, de-identified, in evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationConsent {
    Given,
    Withdrawn,
    NotRecorded,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpisodeFact {
    /// Which person the episode is of, as a number that holds within one load of the facts only
    /// (not an id kept anywhere): it lets a research extract give one person's episodes one
    /// pseudonym. No indicator breaks down by it.
    #[serde(default)]
    pub subject: u64,
    pub received_on: NaiveDate,
    /// The referral source code (gp, self_referral, …).
    pub source: String,
    /// The referral's reasons, as needs codes.
    pub needs: Vec<String>,
    /// Needs confirmed on the person's record.
    pub confirmed_needs: Vec<String>,
    /// Age in whole years on the day of referral.
    pub age: Option<u32>,
    pub sex: Option<String>,
    pub gender: Option<String>,
    pub ethnicity: Option<String>,
    pub deprivation_decile: Option<u8>,
    pub area: Option<String>,
    /// The link worker's display name (a member of staff, not the person referred).
    pub link_worker: Option<String>,
    /// The link worker's team.
    #[serde(default)]
    pub team: Option<String>,
    pub status: String,
    pub first_contact_on: Option<NaiveDate>,
    pub assessed_on: Option<NaiveDate>,
    pub plan_agreed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub closure_reason: Option<String>,
    pub evaluation_consent: Option<EvaluationConsent>,
    pub onward: Vec<OnwardFact>,
    pub outcomes: Vec<OutcomeFact>,
    pub goals: Vec<GoalFact>,
    pub prescriptions: Vec<PrescriptionFact>,
}

/// One onward referral to a community organisation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OnwardFact {
    pub sent_on: NaiveDate,
    pub organisation: String,
    pub service: String,
    /// The FHIR Task status it is at now.
    pub status: String,
    pub status_reason: Option<String>,
    /// Whether it was ever accepted, in progress or completed.
    pub enrolled: bool,
    pub completed: bool,
    pub sessions_attended: u32,
    pub first_attended_on: Option<NaiveDate>,
    /// The taxonomy term codes of its service (the settings map them to prescription zones).
    pub terms: Vec<String>,
}

/// A score measured at a baseline and again later.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcomeFact {
    /// The instrument's name and the score's id, e.g. "UCLA-3" and "total".
    pub instrument: String,
    pub score: String,
    pub baseline: f64,
    pub follow_up: f64,
    /// follow-up minus baseline, signed so that a positive change is better.
    pub improvement: f64,
    pub verdict: Option<Change>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GoalFact {
    pub met: bool,
}

/// One item of the social prescription.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PrescriptionFact {
    pub service: Option<String>,
    /// The taxonomy term codes of its service, if it names one.
    pub terms: Vec<String>,
}

/// One service of the directory, for the directory's health: when its details were last
/// confirmed and its places.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceFact {
    pub organisation: String,
    pub service: String,
    /// HSDS `assured_date`: the last day someone confirmed the details are right.
    pub confirmed_on: Option<NaiveDate>,
    /// Places available and the most there are, summed over its capacity records (None where it
    /// records none).
    pub available: Option<f64>,
    pub maximum: Option<f64>,
    /// Its taxonomy term codes (the settings map them to prescription zones).
    pub terms: Vec<String>,
}

/// One value a community monitors (decision 0014): how many of a place's households or people
/// meet an indicator in a month, and, where the indicator has one, how many there are. Counts
/// a community gave of itself; no person is in it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CommunityValueFact {
    /// A code of `[community] indicators`.
    pub indicator: String,
    /// The place's code and the codes of the places it is in, from the top down: the place last.
    pub path: Vec<String>,
    /// The first day of the month the value is for.
    pub month: NaiveDate,
    pub value: u64,
    pub out_of: Option<u64>,
}

impl CommunityValueFact {
    /// How many households or people the value is of: its total, or the value where there is none.
    pub fn total(&self) -> u64 {
        self.out_of.unwrap_or(self.value).max(self.value)
    }

    pub fn place(&self) -> &str {
        self.path.last().map(String::as_str).unwrap_or("unknown")
    }
}

/// Everything the engine counts, as of one day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub episodes: Vec<EpisodeFact>,
    /// Link workers' open caseloads: (display name, people in the last 12 months).
    pub caseloads: Vec<(String, u64)>,
    /// Link workers' teams, by display name (workers in no team are not in it).
    #[serde(default)]
    pub teams: std::collections::BTreeMap<String, String>,
    /// The directory's active services.
    #[serde(default)]
    pub services: Vec<ServiceFact>,
    /// The values communities monitor, the latest kept for each place, indicator and month.
    #[serde(default)]
    pub community_values: Vec<CommunityValueFact>,
    /// When the store began reading them: every figure counted from them is "as of" this time.
    #[serde(default)]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
}
