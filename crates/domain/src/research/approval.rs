//! Approvals of researchers and the requests they make, parsed from what an administrator or a
//! researcher typed: every problem is reported with the field it is about.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::pathway::FieldError;

/// One problem with an input: the field it is in, the message, and its key in the translations.
pub type ApprovalProblem = FieldError;

fn problem(field: &'static str, key: &'static str, args: &[(&'static str, &str)], message: impl Into<String>) -> ApprovalProblem {
    FieldError::keyed(field, key, args, message)
}

/// The longest an approval may run before it is renewed.
pub const MAX_APPROVAL_DAYS: i64 = 3 * 366;

/// An approval as given (by the API, the page or the CLI).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalInput {
    /// The researcher's username (an account with the researcher role).
    pub researcher: String,
    /// The study's title, e.g. "Loneliness outcomes 2026 (University of Vale, ethics ref 24/117)".
    pub study: String,
    /// What the data will be used for and under which agreement.
    pub purpose: String,
    /// The last day extracts may be taken, YYYY-MM-DD (at most three years ahead).
    pub expires_on: String,
}

/// An approval that may be kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApproval {
    pub researcher: String,
    pub study: String,
    pub purpose: String,
    pub expires_on: NaiveDate,
}

/// Text of `min` to `max` characters; `missing` is the key of the message for too little.
fn words(field: &'static str, v: &str, (min, max): (usize, usize), missing: &'static str, what: &str, p: &mut Vec<ApprovalProblem>) -> String {
    let v = v.trim();
    let n = v.chars().count();
    if n < min {
        p.push(problem(field, missing, &[("min", &min.to_string())], format!("give {what} (at least {min} characters)")));
    } else if n > max {
        p.push(problem(field, "err-research-too-long", &[("max", &max.to_string())], format!("{n} characters is too long; keep {what} to {max}")));
    }
    v.to_string()
}

fn day(field: &'static str, v: &str, p: &mut Vec<ApprovalProblem>) -> Option<NaiveDate> {
    let v = v.trim();
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            p.push(problem(field, "err-research-date", &[("value", v)], format!("'{v}' is not a date; write it as YYYY-MM-DD")));
            None
        }
    }
}

impl NewApproval {
    /// Checks an approval made on `today`.
    pub fn parse(i: &ApprovalInput, today: NaiveDate) -> Result<NewApproval, Vec<ApprovalProblem>> {
        let mut p = vec![];
        let researcher = i.researcher.trim().to_string();
        if researcher.is_empty() {
            p.push(problem("researcher", "err-research-researcher-missing", &[], "give the researcher's username"));
        }
        let study = words("study", &i.study, (3, 200), "err-research-study-missing", "the study's title", &mut p);
        let purpose = words("purpose", &i.purpose, (10, 2000), "err-research-purpose-missing", "what the data will be used for", &mut p);
        let expires_on = match day("expires_on", &i.expires_on, &mut p) {
            Some(d) if d < today => {
                let (ds, ts) = (d.to_string(), today.to_string());
                p.push(problem("expires_on", "err-research-expiry-passed", &[("date", &ds), ("today", &ts)], format!("{d} has passed; give a day from {today} on")));
                None
            }
            Some(d) if (d - today).num_days() > MAX_APPROVAL_DAYS => {
                p.push(problem("expires_on", "err-research-expiry-too-far", &[("date", &d.to_string())], format!("{d} is more than three years ahead; approve for less and renew")));
                None
            }
            d => d,
        };
        match expires_on {
            Some(expires_on) if p.is_empty() => Ok(NewApproval { researcher, study, purpose, expires_on }),
            _ => Err(p),
        }
    }
}

/// A request for an extract, as given.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtractInput {
    /// The approval it is taken under.
    pub approval_id: String,
    /// Why this extract is needed now; kept in the register and the audit log.
    pub reason: String,
    /// First day of referral included, YYYY-MM-DD (default: two years before `to`).
    #[serde(default)]
    pub from: Option<String>,
    /// Last day of referral included, YYYY-MM-DD (default: today).
    #[serde(default)]
    pub to: Option<String>,
}

/// A request that may be served (the approval itself is checked where it is kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewExtract {
    pub approval_id: String,
    pub reason: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl NewExtract {
    pub fn parse(i: &ExtractInput, today: NaiveDate) -> Result<NewExtract, Vec<ApprovalProblem>> {
        let mut p = vec![];
        let approval_id = i.approval_id.trim().to_string();
        if approval_id.is_empty() {
            p.push(problem("approval_id", "err-research-approval-missing", &[], "give the approval this extract is taken under"));
        }
        let reason = words("reason", &i.reason, (10, 2000), "err-research-reason-missing", "why this extract is needed", &mut p);
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let to = given(&i.to).and_then(|v| day("to", &v, &mut p)).unwrap_or(today);
        let from = given(&i.from).and_then(|v| day("from", &v, &mut p)).unwrap_or_else(|| to - chrono::Duration::days(2 * 365));
        if to < from {
            let (fs, ts) = (from.to_string(), to.to_string());
            p.push(problem("to", "err-research-period-backwards", &[("from", &fs), ("to", &ts)], format!("{to} is before from ({from})")));
        }
        if p.is_empty() {
            Ok(NewExtract { approval_id, reason, from, to })
        } else {
            Err(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_approval_says_every_field_that_is_wrong() {
        let today = d("2026-12-07");
        let bad = ApprovalInput { researcher: " ".into(), study: "x".into(), purpose: "data".into(), expires_on: "2030-01-01".into() };
        let p = NewApproval::parse(&bad, today).unwrap_err();
        let fields: Vec<_> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["researcher", "study", "purpose", "expires_on"]);
        assert!(p[3].message.contains("three years"), "{p:?}");
        let past = ApprovalInput { expires_on: "2026-12-06".into(), ..good() };
        assert!(NewApproval::parse(&past, today).unwrap_err()[0].message.contains("has passed"));
        let ok = NewApproval::parse(&good(), today).unwrap();
        assert_eq!(ok.expires_on, d("2027-06-30"));
    }

    fn good() -> ApprovalInput {
        ApprovalInput {
            researcher: "rita".into(),
            study: "Loneliness outcomes".into(),
            purpose: "Evaluation of the loneliness pathway under agreement DSA-7".into(),
            expires_on: "2027-06-30".into(),
        }
    }

    #[test]
    fn an_extract_needs_a_reason_and_a_period_that_runs_forwards() {
        let today = d("2026-12-07");
        let i = ExtractInput { approval_id: "a1".into(), reason: "because".into(), from: Some("2026-02-01".into()), to: Some("2026-01-01".into()) };
        let problems = NewExtract::parse(&i, today).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["reason", "to"]);
        let i = ExtractInput { approval_id: "a1".into(), reason: "Interim analysis for the steering group".into(), from: None, to: None };
        let e = NewExtract::parse(&i, today).unwrap();
        assert_eq!((e.from, e.to), (d("2024-12-07"), today));
    }
}
