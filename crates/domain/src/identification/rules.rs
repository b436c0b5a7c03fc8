//! The evaluation: a practice's patients with their records, the rules and the date of the run
//! give the patients who may benefit, each with the reasons (the rule and the evidence: how many
//! encounters between which dates, which finding on which date, which screening answer).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{IdentificationSettings, PatientRecord, PracticePatient, RecordKind};

/// What a rule saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// `count` encounters after `from` up to and including `to`.
    Encounters { count: u32, from: NaiveDate, to: NaiveDate },
    /// A Condition or an Observation carrying a finding's code.
    Finding {
        resource: RecordKind,
        system: String,
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        display: Option<String>,
        date: NaiveDate,
    },
    /// A screening question answered positively (`answer` the answer's code, when coded).
    Screen {
        system: String,
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        display: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answer: Option<String>,
        date: NaiveDate,
    },
}

impl Evidence {
    /// The evidence in English, for the API and the audit of a run.
    pub fn describe(&self) -> String {
        match self {
            Evidence::Encounters { count, from, to } => format!("{count} GP encounters between {from} and {to}"),
            Evidence::Finding { resource, code, display, date, .. } => {
                let what = display.as_deref().map(|d| format!(" {d}")).unwrap_or_default();
                format!("{} {code}{what} recorded {date}", resource.resource())
            }
            Evidence::Screen { code, display, answer, date, .. } => {
                let what = display.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
                match answer {
                    Some(a) => format!("Observation {code}{what} answered {a} on {date}"),
                    None => format!("Observation {code}{what} positive on {date}"),
                }
            }
        }
    }
}

/// Why a patient is on the worklist: one rule, what it saw, and the needs a referral proposes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    /// The rule's code (`frequent_attender`, `isolation_finding`, `positive_screen`…).
    pub rule: String,
    pub evidence: Vec<Evidence>,
    /// Needs codes a referral from this reason proposes.
    pub needs: Vec<String>,
}

/// A patient the rules found, by the practice's key, with every reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub key: String,
    pub reasons: Vec<Reason>,
}

fn since(as_of: NaiveDate, months: u32) -> NaiveDate {
    as_of.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN)
}

fn in_window(r: &PatientRecord, from: NaiveDate, to: NaiveDate) -> bool {
    r.date > from && r.date <= to
}

fn status_is(r: &PatientRecord, of: &[&str]) -> bool {
    r.status.as_deref().is_some_and(|s| of.iter().any(|o| o.eq_ignore_ascii_case(s.trim())))
}

/// An encounter that took place (not planned, cancelled or entered in error).
fn happened(r: &PatientRecord) -> bool {
    !status_is(r, &["planned", "cancelled", "entered-in-error", "unknown"])
}

/// A condition that stands: not resolved or inactive, not refuted or entered in error.
fn condition_stands(r: &PatientRecord) -> bool {
    !status_is(r, &["inactive", "resolved", "remission"]) && !r.verification.as_deref().is_some_and(|v| matches!(v.trim(), "refuted" | "entered-in-error"))
}

/// An observation that was made and not withdrawn.
fn observation_stands(r: &PatientRecord) -> bool {
    !status_is(r, &["cancelled", "entered-in-error", "registered"])
}

fn positive_interpretation(r: &PatientRecord) -> bool {
    r.interpretation.as_deref().is_some_and(|i| matches!(i.trim().to_ascii_uppercase().as_str(), "POS" | "A" | "AA" | "DET"))
}

fn negative_interpretation(r: &PatientRecord) -> bool {
    r.interpretation.as_deref().is_some_and(|i| matches!(i.trim().to_ascii_uppercase().as_str(), "NEG" | "N" | "ND"))
}

/// The reasons the rules give for one patient (none: not on the worklist).
pub fn reasons(s: &IdentificationSettings, p: &PracticePatient, as_of: NaiveDate) -> Vec<Reason> {
    let mut out = vec![];
    let f = &s.frequent_attender;
    if f.enabled {
        let from = since(as_of, f.months);
        let counted = p
            .records
            .iter()
            .filter(|r| r.kind == RecordKind::Encounter && in_window(r, from, as_of) && happened(r))
            .filter(|r| f.classes.is_empty() || r.class.as_deref().is_some_and(|c| f.classes.iter().any(|k| k.eq_ignore_ascii_case(c.trim()))))
            .count() as u32;
        if counted >= f.min_encounters {
            out.push(Reason { rule: f.code.clone(), evidence: vec![Evidence::Encounters { count: counted, from, to: as_of }], needs: f.needs.clone() });
        }
    }
    let i = &s.isolation_finding;
    if i.enabled {
        let from = since(as_of, i.months);
        let mut evidence: Vec<Evidence> = vec![];
        for code in &i.codes {
            let latest = p
                .records
                .iter()
                .filter(|r| in_window(r, from, as_of) && r.has_code(&code.system, &code.code))
                .filter(|r| match r.kind {
                    RecordKind::Condition => condition_stands(r),
                    RecordKind::Observation => observation_stands(r) && r.value.as_deref() != Some("false") && !negative_interpretation(r),
                    RecordKind::Encounter => false,
                })
                .max_by_key(|r| r.date);
            if let Some(r) = latest {
                evidence.push(Evidence::Finding { resource: r.kind, system: code.system.clone(), code: code.code.clone(), display: code.display.clone(), date: r.date });
            }
        }
        if !evidence.is_empty() {
            out.push(Reason { rule: i.code.clone(), evidence, needs: i.needs.clone() });
        }
    }
    let sc = &s.positive_screen;
    if sc.enabled {
        let from = since(as_of, sc.months);
        let mut evidence: Vec<Evidence> = vec![];
        let mut needs: Vec<String> = vec![];
        for item in &sc.items {
            let latest = p
                .records
                .iter()
                .filter(|r| r.kind == RecordKind::Observation && in_window(r, from, as_of) && observation_stands(r) && r.has_code(&item.system, &item.code))
                .max_by_key(|r| r.date);
            let Some(r) = latest else { continue };
            let by_answer = r.value.as_deref().is_some_and(|v| item.positive.iter().any(|c| c == v.trim()));
            if by_answer || positive_interpretation(r) {
                evidence.push(Evidence::Screen {
                    system: item.system.clone(),
                    code: item.code.clone(),
                    display: item.display.clone(),
                    answer: r.value.clone().filter(|_| by_answer),
                    date: r.date,
                });
                if let Some(n) = item.need.as_ref().filter(|n| !needs.contains(n)) {
                    needs.push(n.clone());
                }
            }
        }
        if !evidence.is_empty() {
            out.push(Reason { rule: sc.code.clone(), evidence, needs });
        }
    }
    out
}

/// Everyone the rules find among a practice's patients on `as_of`, in the order given.
pub fn evaluate(s: &IdentificationSettings, patients: &[PracticePatient], as_of: NaiveDate) -> Vec<Found> {
    patients
        .iter()
        .filter_map(|p| {
            let r = reasons(s, p, as_of);
            (!r.is_empty()).then(|| Found { key: p.key.clone(), reasons: r })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identification::{Coding, LOINC, SNOMED};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rec(kind: RecordKind, date: &str) -> PatientRecord {
        PatientRecord { kind, date: d(date), codes: vec![], class: None, status: None, verification: None, value: None, interpretation: None }
    }

    fn encounter(date: &str, class: &str) -> PatientRecord {
        PatientRecord { class: Some(class.into()), status: Some("finished".into()), ..rec(RecordKind::Encounter, date) }
    }

    fn coded(kind: RecordKind, date: &str, system: &str, code: &str) -> PatientRecord {
        PatientRecord { codes: vec![Coding { system: system.into(), code: code.into(), display: None }], ..rec(kind, date) }
    }

    fn patient(key: &str, records: Vec<PatientRecord>) -> PracticePatient {
        PracticePatient { key: key.into(), nhs_number: None, given_name: "G".into(), family_name: "F".into(), birth_date: d("1950-01-01"), phone: None, postcode: None, records }
    }

    const AS_OF: &str = "2026-12-05";

    #[test]
    fn eight_gp_encounters_in_twelve_months_make_a_frequent_attender() {
        let s = IdentificationSettings::default();
        let mut records: Vec<PatientRecord> = (1..=11).map(|m| encounter(&format!("2026-{m:02}-10"), "AMB")).collect();
        records.push(encounter("2025-11-30", "AMB")); // before the window
        records.push(encounter("2026-12-06", "AMB")); // after the run date
        records.push(encounter("2026-06-11", "IMP")); // an admission, not a GP encounter
        records.push(PatientRecord { status: Some("cancelled".into()), ..encounter("2026-06-12", "AMB") });
        let found = evaluate(&s, &[patient("p1", records.clone())], d(AS_OF));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reasons[0].rule, "frequent_attender");
        assert_eq!(found[0].reasons[0].evidence[0].describe(), "11 GP encounters between 2025-12-05 and 2026-12-05");
        // Seven is not enough.
        let seven: Vec<PatientRecord> = records.into_iter().filter(|r| r.date.format("%m").to_string().as_str() < "08").collect();
        assert!(evaluate(&s, &[patient("p1", seven)], d(AS_OF)).is_empty());
    }

    #[test]
    fn a_standing_isolation_finding_counts_and_a_resolved_one_does_not() {
        let s = IdentificationSettings::default();
        let finding = coded(RecordKind::Condition, "2026-10-01", SNOMED, "422650009");
        let found = evaluate(&s, &[patient("p2", vec![finding.clone()])], d(AS_OF));
        assert_eq!(found[0].reasons[0].rule, "isolation_finding");
        assert_eq!(found[0].reasons[0].evidence[0].describe(), "Condition 422650009 Social isolation (finding) recorded 2026-10-01");
        assert_eq!(found[0].reasons[0].needs, vec!["social_connection".to_string()]);
        let resolved = PatientRecord { status: Some("resolved".into()), ..finding.clone() };
        let refuted = PatientRecord { verification: Some("refuted".into()), ..finding.clone() };
        let old = PatientRecord { date: d("2023-01-01"), ..finding.clone() };
        let denied = PatientRecord { value: Some("false".into()), ..coded(RecordKind::Observation, "2026-10-01", SNOMED, "422650009") };
        for p in [resolved, refuted, old, denied] {
            assert!(evaluate(&s, &[patient("p", vec![p.clone()])], d(AS_OF)).is_empty(), "{p:?}");
        }
        let asserted = PatientRecord { value: Some("true".into()), ..coded(RecordKind::Observation, "2026-10-01", "https://snomed.info/sct", "422650009") };
        assert_eq!(evaluate(&s, &[patient("p", vec![asserted])], d(AS_OF)).len(), 1);
    }

    #[test]
    fn a_positive_screening_answer_proposes_its_need() {
        let s = IdentificationSettings::default();
        let food = PatientRecord { value: Some("LA28397-0".into()), ..coded(RecordKind::Observation, "2026-09-01", LOINC, "88122-7") };
        let housing_ok = PatientRecord { value: Some("LA31993-1".into()), ..coded(RecordKind::Observation, "2026-09-01", LOINC, "71802-3") };
        let risk = PatientRecord { interpretation: Some("POS".into()), ..coded(RecordKind::Observation, "2026-09-01", LOINC, "88124-3") };
        let found = evaluate(&s, &[patient("p3", vec![food, housing_ok.clone(), risk])], d(AS_OF));
        let r = &found[0].reasons[0];
        assert_eq!(r.rule, "positive_screen");
        assert_eq!(r.evidence.len(), 2, "{:?}", r.evidence);
        assert!(r.evidence[0].describe().starts_with("Observation 88122-7"), "{}", r.evidence[0].describe());
        assert!(r.evidence[0].describe().ends_with("answered LA28397-0 on 2026-09-01"));
        assert_eq!(r.needs, vec!["food".to_string()]);
        assert!(evaluate(&s, &[patient("p4", vec![housing_ok])], d(AS_OF)).is_empty(), "a steady place to live is not positive");
    }

    #[test]
    fn a_rule_switched_off_finds_nobody_and_someone_with_nothing_is_not_listed() {
        let mut s = IdentificationSettings::default();
        let finding = coded(RecordKind::Condition, "2026-10-01", SNOMED, "422650009");
        s.isolation_finding.enabled = false;
        assert!(evaluate(&s, &[patient("p", vec![finding])], d(AS_OF)).is_empty());
        assert!(evaluate(&IdentificationSettings::default(), &[patient("p", vec![encounter("2026-10-01", "AMB")])], d(AS_OF)).is_empty());
    }
}
