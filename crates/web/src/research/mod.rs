//! Research in the web layer: administrators approve researchers for studies and see the
//! register of extracts; researchers take de-identified extracts under their approvals, by the
//! API (`api`) or their page (`pages`). Both go through [`take`], so an extract is made, checked
//! against its approval, registered and audited the same way whichever asks.

pub mod api;
pub mod pages;

use std::hash::{BuildHasher, Hasher};

use linkwork_domain::research::{extract, ApprovalProblem, Extract, ExtractInput, NewExtract};
use linkwork_store::pathway::{Actor, ExtractRecord};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::observatory::{judge, settings};
use crate::AppState;

pub fn problems(p: Vec<ApprovalProblem>) -> ApiError {
    ApiError::invalid(p)
}

/// An extract handed over: what the register keeps, the rows, and the CSV whose hash it keeps.
pub struct Taken {
    pub record: ExtractRecord,
    pub extract: Extract,
    pub csv: String,
}

/// Takes an extract for `a` under their approval: checks the request and the approval, reads the
/// facts (audited before), makes the rows, and registers the extract (audited, the approval
/// checked again) before returning it.
pub async fn take(state: &AppState, a: &Actor, input: &ExtractInput) -> ApiResult<Taken> {
    let today = crate::api_v1::today();
    let n = NewExtract::parse(input, today).map_err(problems)?;
    let judge = judge(state);
    let (_, facts) = state.store().research_facts(a, &n.approval_id, n.to, today, &judge).await?;
    // A fresh random key for every extract: its pseudonyms match no other extract's.
    let keyed = std::collections::hash_map::RandomState::new();
    let key = |subject: u64| {
        let mut h = keyed.build_hasher();
        h.write_u64(subject);
        h.finish()
    };
    let x = extract(&facts, &settings(state), n.from, n.to, &key);
    let csv = to_csv(&x);
    let sha: String = Sha256::digest(csv.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let record = state.store().record_extract(a, &n, x.rows.len() as i64, &sha).await?;
    Ok(Taken { record, extract: x, csv })
}

pub fn to_csv(x: &Extract) -> String {
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(&x.columns).expect("writing to memory");
    for r in &x.rows {
        w.write_record(r).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 text")
}
