//! The de-identified extract: one row per episode of a person who consented to evaluation, with a
//! pseudonym that holds only within the extract, age band instead of birth date, area instead of
//! address, the referral's month instead of its day and every later date as days from referral,
//! the needs, onward referrals and outcome changes. No name, contact detail, identifier, note or
//! member of staff is in the facts it is made from, so none can be in a row.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::instrument::Change;
use crate::observatory::facts::{EpisodeFact, EvaluationConsent, Facts};
use crate::observatory::ObservatorySettings;

/// Episodes in the period left out because their person's consent did not allow it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeftOut {
    pub withdrawn_consent: u64,
    pub no_consent_recorded: u64,
}

/// An extract: a header and its rows, every value as text ("" where there is none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Extract {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub left_out: LeftOut,
}

/// The fixed columns, in order; outcome columns follow, four per instrument score.
pub const COLUMNS: [&str; 28] = [
    "pseudonym",
    "referral_month",
    "age_band",
    "sex",
    "gender",
    "ethnicity_group",
    "deprivation_quintile",
    "area",
    "source",
    "needs",
    "confirmed_needs",
    "status",
    "closure_reason",
    "days_to_first_contact",
    "days_to_assessment",
    "days_to_plan",
    "days_to_closure",
    "goals_set",
    "goals_met",
    "prescribed_zones",
    "onward_sent",
    "onward_enrolled",
    "onward_engaged",
    "onward_adhered",
    "onward_rejected",
    "onward_sessions_attended",
    "days_to_first_attendance",
    "onward_zones",
];

fn join(v: impl IntoIterator<Item = String>) -> String {
    v.into_iter().collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>().join(";")
}

fn days(from: NaiveDate, to: Option<NaiveDate>) -> String {
    to.map(|t| (t - from).num_days().to_string()).unwrap_or_default()
}

fn verdict(v: Option<Change>) -> &'static str {
    match v {
        Some(Change::Improved) => "improved",
        Some(Change::NoChange) => "no_change",
        Some(Change::Worse) => "worse",
        None => "",
    }
}

/// The extract of every episode received from `from` to `to` (both included). `key` orders the
/// people before they are numbered: give it a keyed hash with a fresh random key for each extract,
/// so that pseudonyms neither follow the order people were referred in nor match another extract's.
pub fn extract(facts: &Facts, s: &ObservatorySettings, from: NaiveDate, to: NaiveDate, key: &dyn Fn(u64) -> u64) -> Extract {
    let mut left_out = LeftOut::default();
    let mut kept: Vec<&EpisodeFact> = vec![];
    for e in facts.episodes.iter().filter(|e| e.received_on >= from && e.received_on <= to) {
        match e.evaluation_consent.unwrap_or(EvaluationConsent::NotRecorded) {
            EvaluationConsent::Given => kept.push(e),
            EvaluationConsent::Withdrawn => left_out.withdrawn_consent += 1,
            EvaluationConsent::NotRecorded => left_out.no_consent_recorded += 1,
        }
    }
    let mut people: Vec<u64> = kept.iter().map(|e| e.subject).collect::<BTreeSet<_>>().into_iter().collect();
    people.sort_by_key(|p| (key(*p), *p));
    let width = people.len().to_string().len().max(4);
    let pseudonym: HashMap<u64, String> = people.iter().enumerate().map(|(i, p)| (*p, format!("P{:0width$}", i + 1))).collect();

    let outcome_keys: BTreeSet<(String, String)> =
        kept.iter().flat_map(|e| e.outcomes.iter().map(|o| (o.instrument.clone(), o.score.clone()))).collect();
    let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    for (ins, score) in &outcome_keys {
        for part in ["baseline", "follow_up", "change", "verdict"] {
            columns.push(format!("{ins} {score} {part}"));
        }
    }

    let mut rows: Vec<(String, NaiveDate, Vec<String>)> = kept
        .iter()
        .map(|e| {
            let r = e.received_on;
            let zones = |terms: &[String]| s.zones_of(terms);
            let enrolled = e.onward.iter().filter(|o| o.enrolled).count();
            let engaged = e.onward.iter().filter(|o| o.enrolled && o.sessions_attended >= 1).count();
            let adhered = e.onward.iter().filter(|o| o.enrolled && (o.sessions_attended >= s.adherence_sessions || o.completed)).count();
            let first_attended = e.onward.iter().filter_map(|o| o.first_attended_on).min();
            let p = pseudonym[&e.subject].clone();
            let mut row = vec![
                p.clone(),
                format!("{}-{:02}", r.year(), r.month()),
                e.age.map(|a| s.age_band(a)).unwrap_or_default(),
                e.sex.clone().unwrap_or_default(),
                e.gender.clone().unwrap_or_default(),
                e.ethnicity.as_ref().map(|c| s.ethnicity_groups.get(c).cloned().unwrap_or_else(|| c.clone())).unwrap_or_default(),
                e.deprivation_decile.map(|d| d.div_ceil(2).to_string()).unwrap_or_default(),
                e.area.clone().unwrap_or_default(),
                e.source.clone(),
                join(e.needs.iter().cloned()),
                join(e.confirmed_needs.iter().cloned()),
                e.status.clone(),
                e.closure_reason.clone().unwrap_or_default(),
                days(r, e.first_contact_on),
                days(r, e.assessed_on),
                days(r, e.plan_agreed_on),
                days(r, e.closed_on),
                e.goals.len().to_string(),
                e.goals.iter().filter(|g| g.met).count().to_string(),
                join(e.prescriptions.iter().flat_map(|p| zones(&p.terms))),
                e.onward.len().to_string(),
                enrolled.to_string(),
                engaged.to_string(),
                adhered.to_string(),
                e.onward.iter().filter(|o| o.status == "rejected").count().to_string(),
                e.onward.iter().map(|o| o.sessions_attended).sum::<u32>().to_string(),
                days(r, first_attended),
                join(e.onward.iter().flat_map(|o| zones(&o.terms))),
            ];
            let by_key: BTreeMap<(&str, &str), _> = e.outcomes.iter().map(|o| ((o.instrument.as_str(), o.score.as_str()), o)).collect();
            for (ins, score) in &outcome_keys {
                match by_key.get(&(ins.as_str(), score.as_str())) {
                    Some(o) => row.extend([
                        o.baseline.to_string(),
                        o.follow_up.to_string(),
                        o.improvement.to_string(),
                        verdict(o.verdict).to_string(),
                    ]),
                    None => row.extend(std::iter::repeat_n(String::new(), 4)),
                }
            }
            (p, r, row)
        })
        .collect();
    // In pseudonym order, so that the rows' order says nothing about the records'.
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Extract { columns, rows: rows.into_iter().map(|(_, _, r)| r).collect(), left_out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observatory::facts::{OnwardFact, OutcomeFact};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts() -> Facts {
        let ep = |subject: u64, day: &str, consent: EvaluationConsent| EpisodeFact {
            subject,
            received_on: d(day),
            source: "gp".into(),
            needs: vec!["social_connection".into(), "food".into()],
            age: Some(67),
            area: Some("North".into()),
            deprivation_decile: Some(3),
            status: "closed".into(),
            first_contact_on: Some(d(day) + chrono::Duration::days(4)),
            closed_on: Some(d(day) + chrono::Duration::days(90)),
            closure_reason: Some("goals_met".into()),
            evaluation_consent: Some(consent),
            ..Default::default()
        };
        let mut a = ep(7, "2026-03-10", EvaluationConsent::Given);
        a.onward.push(OnwardFact {
            sent_on: d("2026-03-20"),
            organisation: "Walkers".into(),
            service: "Health walks".into(),
            status: "completed".into(),
            enrolled: true,
            completed: true,
            sessions_attended: 6,
            first_attended_on: Some(d("2026-03-24")),
            terms: vec!["social.nature.walks".into()],
            ..Default::default()
        });
        a.outcomes.push(OutcomeFact {
            instrument: "UCLA-3".into(),
            score: "total".into(),
            baseline: 8.0,
            follow_up: 5.0,
            improvement: 3.0,
            verdict: Some(Change::Improved),
        });
        let b = ep(7, "2026-09-01", EvaluationConsent::Given);
        let c = ep(9, "2026-05-01", EvaluationConsent::Given);
        let w = ep(11, "2026-05-02", EvaluationConsent::Withdrawn);
        let n = ep(12, "2026-05-03", EvaluationConsent::NotRecorded);
        let old = ep(13, "2025-01-01", EvaluationConsent::Given);
        Facts { episodes: vec![a, b, c, w, n, old], ..Default::default() }
    }

    #[test]
    fn one_row_per_consented_episode_with_dates_as_days_and_one_pseudonym_per_person() {
        let x = extract(&facts(), &ObservatorySettings::default(), d("2026-01-01"), d("2026-12-31"), &|p| p);
        assert_eq!(x.rows.len(), 3);
        assert_eq!(x.left_out, LeftOut { withdrawn_consent: 1, no_consent_recorded: 1 });
        let col = |name: &str| x.columns.iter().position(|c| c == name).unwrap();
        let first = &x.rows[0];
        assert_eq!(first[col("pseudonym")], "P0001");
        assert_eq!(first[col("referral_month")], "2026-03");
        assert_eq!(first[col("age_band")], "65-74");
        assert_eq!(first[col("deprivation_quintile")], "2");
        assert_eq!(first[col("needs")], "food;social_connection");
        assert_eq!(first[col("days_to_first_contact")], "4");
        assert_eq!(first[col("days_to_closure")], "90");
        assert_eq!(first[col("days_to_first_attendance")], "14");
        assert_eq!(first[col("onward_adhered")], "1");
        assert_eq!(first[col("onward_zones")], "nature");
        assert_eq!(first[col("UCLA-3 total change")], "3");
        assert_eq!(first[col("UCLA-3 total verdict")], "improved");
        // The same person's second episode has the same pseudonym and no outcome.
        assert_eq!(x.rows[1][col("pseudonym")], "P0001");
        assert_eq!(x.rows[1][col("UCLA-3 total change")], "");
        assert_eq!(x.rows[2][col("pseudonym")], "P0002");
        // Nothing looks like a date of birth or a day of referral.
        assert!(x.rows.iter().flatten().all(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err()));
    }

    #[test]
    fn the_key_decides_the_numbering() {
        let s = ObservatorySettings::default();
        let x = extract(&facts(), &s, d("2026-01-01"), d("2026-12-31"), &|p| u64::MAX - p);
        assert_eq!(x.rows[0][0], "P0001");
        assert_eq!(x.rows[0][1], "2026-05", "person 9 comes first under this key");
    }
}
