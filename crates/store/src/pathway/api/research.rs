//! Research's public operations on [`Store`]: approvals, and extracts taken under them. An
//! extract is read in three steps, each audited before anything leaves: the approval is checked
//! and the read recorded (`research_facts`), the facts are read in one snapshot, and the extract
//! is registered with its size and hash (`record_extract`) — checking the approval again — before
//! the caller hands it over.

use linkwork_domain::observatory::Facts;
use linkwork_domain::research::{NewApproval, NewExtract};

use super::super::types::*;
use super::super::{pg, sq, PResult};
use super::changed;
use crate::observatory::OutcomeJudge;
use crate::{Db, Store};

impl Store {
    pub async fn approve_research(&self, a: &Actor, n: &NewApproval) -> PResult<ApprovalRecord> {
        tx!(self, approve_research(a, n))
    }
    pub async fn revoke_research(&self, a: &Actor, id: &str) -> PResult<ApprovalRecord> {
        tx!(self, revoke_research(a, id))
    }
    /// Every approval, or only this researcher's (a user id).
    pub async fn list_research_approvals(&self, researcher_id: Option<&str>) -> PResult<Vec<ApprovalRecord>> {
        read!(self, list_research_approvals(researcher_id))
    }
    /// The facts for an extract under `approval_id`, which must be `a`'s and in force; the read is
    /// in the audit log before it happens.
    pub async fn research_facts(&self, a: &Actor, approval_id: &str, to: chrono::NaiveDate, today: chrono::NaiveDate, judge: OutcomeJudge<'_>) -> PResult<(ApprovalRecord, Facts)> {
        let ap = tx!(self, begin_extract(a, approval_id))?;
        let facts = self.load_facts(to, today, judge).await?;
        Ok((ap, facts))
    }
    pub async fn record_extract(&self, a: &Actor, n: &NewExtract, episodes: i64, sha256: &str) -> PResult<ExtractRecord> {
        tx!(self, record_extract(a, n, episodes, sha256))
    }
    /// The register of extracts, or only this researcher's (a user id).
    pub async fn list_extracts(&self, researcher_id: Option<&str>) -> PResult<Vec<ExtractRecord>> {
        read!(self, list_extracts(researcher_id))
    }
}
