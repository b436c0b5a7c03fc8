//! Finding people who may benefit (identification from records): a practice's patients with
//! their encounters, conditions and screening observations, the rules that pick out who may
//! benefit from social prescribing (`settings.rs`, `[identification]`), and the evaluation that
//! gives each person found the reasons, with the evidence (`rules.rs`). What a practice sends as a
//! CSV is checked here, every problem with its line and column (`csv_rows.rs`); a FHIR Bundle is
//! read by the fhir crate into the same [`PracticePatient`]s and checked by [`check_patients`].
//!
//! A practice's patients are not Linkwork's people: nothing here becomes a person's record, and
//! nothing is shared with anyone, until the practice's referrer refers (docs/decisions/0016).

mod csv_rows;
mod rules;
mod settings;

pub use csv_rows::{check_rows, RawRow, COLUMNS};
pub use rules::{evaluate, Evidence, Found, Reason};
pub use settings::{CodedAnswer, FindingRule, FrequentAttenderRule, IdentificationSettings, RuleNames, ScreenRule};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::instrument::Coding;

/// SNOMED CT's system URI.
pub const SNOMED: &str = "http://snomed.info/sct";
/// LOINC's system URI.
pub const LOINC: &str = "http://loinc.org";

/// The most patients one load may carry (a large practice's list, with room to spare).
pub const MAX_PATIENTS: usize = 60_000;
/// The most records one load may carry.
pub const MAX_RECORDS: usize = 2_000_000;

/// What a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Encounter,
    Condition,
    Observation,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Encounter => "encounter",
            RecordKind::Condition => "condition",
            RecordKind::Observation => "observation",
        }
    }

    pub fn parse(s: &str) -> Option<RecordKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "encounter" => Some(RecordKind::Encounter),
            "condition" => Some(RecordKind::Condition),
            "observation" => Some(RecordKind::Observation),
            _ => None,
        }
    }

    /// The FHIR resource type.
    pub fn resource(self) -> &'static str {
        match self {
            RecordKind::Encounter => "Encounter",
            RecordKind::Condition => "Condition",
            RecordKind::Observation => "Observation",
        }
    }
}

/// One coded record of a patient: an encounter (its class and type), a condition or an
/// observation (its code, value and interpretation), dated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRecord {
    pub kind: RecordKind,
    /// When it happened: an encounter's start, a condition's onset (else when it was recorded),
    /// an observation's effective date (else when it was issued).
    pub date: NaiveDate,
    /// Condition.code, Observation.code or Encounter.type, each coding as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<Coding>,
    /// An encounter's class code (`AMB` ambulatory, `HH` home health, `VR` virtual…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Encounter.status, Condition.clinicalStatus or Observation.status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Condition.verificationStatus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<String>,
    /// An observation's value: a coded answer's code, `true`/`false`, or a number as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// An observation's interpretation code (`POS`, `NEG`, `A`, `N`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

impl PatientRecord {
    /// Whether the record names `system|code` among its codings.
    pub fn has_code(&self, system: &str, code: &str) -> bool {
        self.codes.iter().any(|c| c.code == code && same_system(&c.system, system))
    }
}

/// Two system URIs naming the same code system (`http://snomed.info/sct` is also written with
/// https or a trailing slash by some systems).
pub fn same_system(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('/').trim_start_matches("https://").trim_start_matches("http://").to_ascii_lowercase();
    norm(a) == norm(b)
}

/// One of a practice's patients, as the practice's record system knows them, with their records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticePatient {
    /// The practice's own id for the patient (Patient.id, or the CSV's patient_id).
    pub key: String,
    /// A verified NHS number (10 digits, check digit holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default)]
    pub records: Vec<PatientRecord>,
}

/// A problem with what a practice sent: where (a FHIRPath, or a CSV's line and column) and what
/// to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoadProblem {
    pub at: String,
    pub message: String,
}

impl LoadProblem {
    pub fn new(at: impl Into<String>, message: impl Into<String>) -> LoadProblem {
        LoadProblem { at: at.into(), message: message.into() }
    }
}

/// Checks what every way in must hold, whatever the format: at least one patient, within the
/// limits, no patient key or NHS number given twice. `at` names where patient `i` came from.
pub fn check_patients(patients: &[PracticePatient], at: &dyn Fn(usize) -> String) -> Result<(), Vec<LoadProblem>> {
    let mut p = vec![];
    if patients.is_empty() {
        p.push(LoadProblem::new("patients", "there are no patients: send the practice's patients with their records"));
    }
    if patients.len() > MAX_PATIENTS {
        p.push(LoadProblem::new("patients", format!("{} patients is more than one load takes ({MAX_PATIENTS}); send the list in the practice's own parts", patients.len())));
    }
    let records: usize = patients.iter().map(|x| x.records.len()).sum();
    if records > MAX_RECORDS {
        p.push(LoadProblem::new("records", format!("{records} records is more than one load takes ({MAX_RECORDS}); send fewer months of encounters")));
    }
    let mut keys = std::collections::HashMap::new();
    let mut nhs = std::collections::HashMap::new();
    for (i, x) in patients.iter().enumerate() {
        if let Some(j) = keys.insert(x.key.as_str(), i) {
            p.push(LoadProblem::new(at(i), format!("the patient id '{}' is given twice (also at {}); each patient once", x.key, at(j))));
        }
        if let Some(n) = &x.nhs_number {
            if let Some(j) = nhs.insert(n.as_str(), i) {
                p.push(LoadProblem::new(at(i), format!("the NHS number {n} is given to two patients (also at {}); check the practice's records", at(j))));
            }
        }
    }
    if p.is_empty() {
        Ok(())
    } else {
        Err(p)
    }
}

/// A patient's name or other text: trimmed, 1 to `max` characters, no control characters.
pub(crate) fn text(v: &str, max: usize) -> Result<String, String> {
    let v = v.trim();
    if v.is_empty() {
        return Err("is empty".into());
    }
    if v.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    if v.chars().any(char::is_control) {
        return Err("holds control characters".into());
    }
    Ok(v.to_string())
}

/// A date as FHIR and CSV files write it: `YYYY-MM-DD`, or a dateTime whose date part is read.
pub fn read_date(v: &str) -> Result<NaiveDate, String> {
    let v = v.trim();
    let day = v.get(..10).unwrap_or(v);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| format!("'{v}' is not a date; write it as YYYY-MM-DD"))
}

/// Checks a birth date: a real date, not in the future, not more than 130 years ago.
pub fn read_birth_date(v: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let d = read_date(v)?;
    if d > today {
        return Err(format!("{d} is in the future"));
    }
    if today.years_since(d).unwrap_or(0) > 130 {
        return Err(format!("{d} is more than 130 years ago"));
    }
    Ok(d)
}

/// Reads an NHS number, keeping its 10 digits only when the check digit holds.
pub fn read_nhs_number(v: &str) -> Result<String, String> {
    crate::pathway::identifier::NhsNumber::parse(v).map(|n| n.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient(key: &str, nhs: Option<&str>) -> PracticePatient {
        PracticePatient {
            key: key.into(),
            nhs_number: nhs.map(str::to_string),
            given_name: "A".into(),
            family_name: "B".into(),
            birth_date: NaiveDate::from_ymd_opt(1950, 1, 1).unwrap(),
            phone: None,
            postcode: None,
            records: vec![],
        }
    }

    #[test]
    fn a_patient_or_nhs_number_given_twice_is_refused_with_both_places() {
        let at = |i: usize| format!("entry {i}");
        assert!(check_patients(&[patient("p1", Some("9434765919")), patient("p2", None)], &at).is_ok());
        let p = check_patients(&[patient("p1", Some("9434765919")), patient("p1", Some("9434765919"))], &at).unwrap_err();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].message.contains("also at entry 0"), "{p:?}");
        assert!(check_patients(&[], &at).is_err());
    }

    #[test]
    fn dates_and_systems_are_read_as_record_systems_write_them() {
        assert_eq!(read_date("2026-10-01T09:30:00Z").unwrap(), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert!(read_date("01/10/2026").unwrap_err().contains("YYYY-MM-DD"));
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert!(read_birth_date("2027-01-01", today).unwrap_err().contains("future"));
        assert!(same_system("https://snomed.info/sct/", SNOMED));
        assert!(!same_system(LOINC, SNOMED));
        assert_eq!(read_nhs_number("943 476 5919").unwrap(), "9434765919");
        assert!(read_nhs_number("943 476 5918").is_err());
    }
}
