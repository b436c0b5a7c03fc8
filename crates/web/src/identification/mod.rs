//! Finding people who may benefit (issue 13 item 7; docs/decisions/0016): a practice's referrer
//! loads the practice's patients (a FHIR Bundle or a CSV), runs the rules of `[identification]`
//! and works through the worklist, referring (through the ordinary referral, so the same consent
//! rules apply) or dismissing with a reason. `api.rs` is `/api/v1/practices/{org}/…`, `pages.rs`
//! the referrer's pages under `/worklist`. Both go through the functions here, so a page can do
//! nothing the API would refuse, and the store checks that the user belongs to the practice.

pub mod api;
pub mod pages;

use axum::Router;
use linkwork_domain::identification::{check_rows, RawRow, Reason, COLUMNS};
use linkwork_domain::pathway::consent::ConsentMethod;
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::{ReferralDetails, ReferralSource, Urgency};
use linkwork_store::pathway::api::identification::EntryReferral;
use linkwork_store::pathway::{Actor, PracticeLoad, ReferredEntry, WorklistEntry};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::AppState;

/// The largest file of patients taken (a practice's list with a year of encounters).
pub const UPLOAD_LIMIT: usize = 32 * 1024 * 1024;

/// The API and the pages, with their own body limit and the pages' error pages.
pub fn routes(state: &AppState) -> Router<AppState> {
    let pages = pages::routes().layer(axum::middleware::from_fn_with_state(state.clone(), crate::ui::error_pages));
    Router::new()
        .merge(api::routes())
        .merge(pages)
        .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(UPLOAD_LIMIT))
}

/// A practice's id from an address: an organisation id (letters, digits, '-', '.', '_', ':').
pub fn practice_id(raw: &str) -> ApiResult<String> {
    let ok = !raw.is_empty() && raw.len() <= 200 && raw.chars().all(|c| c.is_ascii_alphanumeric() || "-._:".contains(c));
    if ok {
        Ok(raw.to_string())
    } else {
        Err(ApiError::not_found(format!("practice {raw}")))
    }
}

/// The practice's name in the directory, else its id.
pub async fn practice_name(state: &AppState, practice: &str) -> String {
    match state.store().select_in("organization", "id", &[practice.to_string()]).await {
        Ok(rows) => rows.first().and_then(|r| r.get_str("name").map(str::to_string)).unwrap_or_else(|| practice.to_string()),
        Err(_) => practice.to_string(),
    }
}

/// What was sent, by its media type (or, for a page's file, by what it looks like).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Fhir,
    Csv,
}

impl Format {
    pub fn from_content_type(ct: &str) -> Option<Format> {
        let ct = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match ct.as_str() {
            "application/fhir+json" | "application/json" => Some(Format::Fhir),
            "text/csv" | "text/plain" | "application/csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// A file's format from its first character: a Bundle is a JSON object.
    pub fn sniff(bytes: &[u8]) -> Format {
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            Format::Fhir
        } else {
            Format::Csv
        }
    }
}

fn problems(p: Vec<(String, String)>) -> ApiError {
    ApiError::invalid(p.into_iter().map(|(at, m)| FieldError::new(at, m)).collect())
}

/// Reads a patients CSV (UTF-8, a header row naming the columns; a byte-order mark is allowed).
pub fn read_csv(text: &str) -> Result<Vec<RawRow>, Vec<(String, String)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![("line 1".into(), format!("the header cannot be read: {e}"))]),
    };
    let missing: Vec<&str> = ["patient_id", "record"].into_iter().filter(|c| !header.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(vec![(format!("line 1, column {}", missing.join(", ")), format!("the header has no {} column; the columns are {}", missing.join(", "), COLUMNS.join(", ")))]);
    }
    let mut rows = vec![];
    let mut bad = vec![];
    for rec in r.records() {
        match rec {
            Ok(rec) => {
                if rec.iter().all(str::is_empty) {
                    continue;
                }
                let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
                if rec.len() > header.len() {
                    bad.push((format!("line {line}"), format!("this line has {} values and the header {} columns; quote a value that holds a comma", rec.len(), header.len())));
                    continue;
                }
                let cells = header.iter().zip(rec.iter()).filter(|(_, v)| !v.is_empty()).map(|(h, v)| (h.clone(), v.to_string())).collect();
                rows.push(RawRow { line, cells });
            }
            Err(e) => bad.push((format!("line {}", e.position().map(|p| p.line()).unwrap_or(0)), format!("this line cannot be read as CSV: {e}"))),
        }
    }
    if bad.is_empty() {
        Ok(rows)
    } else {
        Err(bad)
    }
}

/// Checks what was sent and, only when all of it holds, replaces the practice's patients.
pub async fn load(state: &AppState, a: &Actor, practice: &str, format: Format, body: &[u8]) -> ApiResult<PracticeLoad> {
    let today = crate::api_v1::today();
    let patients = match format {
        Format::Fhir => {
            let json: serde_json::Value = serde_json::from_slice(body).map_err(|e| ApiError::field("body", format!("is not JSON: {e}; send a FHIR Bundle")))?;
            let read = linkwork_fhir::identification::read_practice_bundle(&json, today).map_err(|p| problems(p.into_iter().map(|i| (i.expression, i.message)).collect()))?;
            read.patients
        }
        Format::Csv => {
            let text = std::str::from_utf8(body).map_err(|_| ApiError::field("body", "is not UTF-8 text; save the CSV as UTF-8"))?;
            let rows = read_csv(text).map_err(problems)?;
            if rows.is_empty() {
                return Err(ApiError::field("body", "the file has no rows under its header"));
            }
            check_rows(&rows, today).map_err(|p| problems(p.into_iter().map(|x| (x.at, x.message)).collect()))?
        }
    };
    let name = if format == Format::Fhir { "fhir" } else { "csv" };
    Ok(state.store().load_practice(a, practice, name, &patients).await?)
}

/// The needs an entry's reasons propose, each once.
pub fn proposed_needs(reasons: &[Reason]) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for n in reasons.iter().flat_map(|r| r.needs.iter()) {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

/// The reasons as the referral's details say them (English: the link worker's record).
pub fn reasons_text(state: &AppState, reasons: &[Reason]) -> String {
    let s = &state.config.identification;
    reasons
        .iter()
        .map(|r| format!("{}: {}", s.rule_name(&r.rule, "en"), r.evidence.iter().map(|e| e.describe()).collect::<Vec<_>>().join("; ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A referral from a worklist entry, as the referrer fills it in.
pub struct ReferralForm {
    /// Contact details and preferences; the name and birth date are the practice's record's.
    pub person: PersonDetails,
    pub reasons: Vec<String>,
    pub details: Option<String>,
    pub urgency: Urgency,
    pub risks: Option<String>,
    pub safeguarding: bool,
    pub consent_to_support: bool,
    pub consent_method: ConsentMethod,
}

/// Refers the person an entry names: checked as every referral is (the person's agreement, the
/// reasons, their details), then the store refers and marks the entry in one transaction.
pub async fn refer(state: &AppState, caller: &Caller, a: &Actor, practice: &str, entry: &WorklistEntry, f: ReferralForm) -> ApiResult<ReferredEntry> {
    let mut errs: Vec<FieldError> = vec![];
    if !f.consent_to_support {
        errs.push(FieldError::keyed("consent_to_support", "err-consent-to-support", &[], "the person must agree to be referred; ask them first, or do not refer"));
    }
    if !entry.in_records {
        return Err(ApiError::conflict("this patient is no longer in the practice's records as loaded; run the rules again"));
    }
    let person = PersonDetails {
        given_name: entry.given_name.clone(),
        family_name: entry.family_name.clone(),
        birth_date: entry.birth_date.clone(),
        phone: f.person.phone.clone().or(entry.phone.clone()),
        postcode: f.person.postcode.clone().or(entry.postcode.clone()),
        ..f.person
    };
    let person = match person.parse("person.", &crate::api_v1::ethnicity_codes(state), crate::api_v1::today()) {
        Ok(p) => Some(p),
        Err(e) => {
            errs.extend(e);
            None
        }
    };
    let details = ReferralDetails {
        source: ReferralSource::Gp,
        referrer_name: Some(caller.user.display_name.clone()),
        referrer_organisation: Some(practice_name(state, practice).await),
        referrer_contact: caller.user.email.clone(),
        reasons: f.reasons,
        details: f.details,
        urgency: f.urgency,
        risks: f.risks,
        safeguarding: f.safeguarding,
    };
    let details = match details.parse("referral.") {
        Ok(d) => Some(d),
        Err(e) => {
            errs.extend(e);
            None
        }
    };
    let (Some(person), Some(details)) = (person, details) else { return Err(ApiError::invalid(errs)) };
    if !errs.is_empty() {
        return Err(ApiError::invalid(errs));
    }
    let r = EntryReferral { person: &person, details: &details, consent_method: f.consent_method, referred_by: Some(&caller.user.id) };
    Ok(state.store().refer_entry(a, practice, &entry.id, r).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_is_read_by_its_header_and_a_bundle_is_told_from_it() {
        let rows = read_csv("\u{feff}patient_id,record,given_name\np1,patient,Ada\n\np1,encounter,\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].cells.get("given_name").map(String::as_str), Some("Ada"));
        assert!(!rows[1].cells.contains_key("given_name"), "empty cells are left out");
        let e = read_csv("id,kind\n1,2\n").unwrap_err();
        assert!(e[0].1.contains("patient_id, record"), "{e:?}");
        assert_eq!(Format::sniff(b"  {\"resourceType\": \"Bundle\"}"), Format::Fhir);
        assert_eq!(Format::sniff(b"patient_id,record"), Format::Csv);
        assert_eq!(Format::from_content_type("application/fhir+json; charset=utf-8"), Some(Format::Fhir));
        assert!(practice_id("../x").is_err());
    }
}
