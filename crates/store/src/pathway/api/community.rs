//! The community cycle's public operations on [`Store`]: records kept for places (each write in
//! one transaction, exactly once per submission id), edits made on a named version, an action's
//! progress, raising and answer, and lists of what a viewer sees.

use linkwork_domain::coproduction::NewRecord;

use super::super::types::*;
use super::super::{pg, sq, PResult};
use super::changed;
use crate::{Db, Store};

impl Store {
    /// Keeps a record for a place the viewer sees (`None`: an administrator, who sees all).
    pub async fn create_record(&self, a: &Actor, viewer: Option<&str>, place_code: &str, rec: &NewRecord, submission: Option<&str>) -> PResult<Submitted> {
        tx!(self, create_record(a, viewer, place_code, rec, submission))
    }
    /// Replaces a record's body if it is still at `expected`.
    pub async fn update_record(&self, a: &Actor, viewer: Option<&str>, id: &str, expected: i64, rec: &NewRecord, submission: Option<&str>) -> PResult<Submitted> {
        tx!(self, update_record(a, viewer, id, expected, rec, submission))
    }
    /// A progress note on an action, raising it to the place above, or the answer from there.
    pub async fn change_action(
        &self,
        a: &Actor,
        viewer: Option<&str>,
        id: &str,
        change: &ManagedChange<'_>,
        on: chrono::NaiveDate,
        submission: Option<&str>,
    ) -> PResult<Submitted> {
        tx!(self, change_action(a, viewer, id, change, on, submission))
    }
    /// Marks a resource as published to the directory.
    pub async fn mark_published(&self, a: &Actor, viewer: Option<&str>, id: &str, published: &linkwork_domain::coproduction::cycle::Published) -> PResult<Submitted> {
        tx!(self, mark_published(a, viewer, id, published))
    }
    pub async fn get_record(&self, viewer: Option<&str>, id: &str) -> PResult<CommunityRecord> {
        read!(self, get_record(viewer, id))
    }
    pub async fn list_records(&self, viewer: Option<&str>, f: &RecordFilter) -> PResult<Vec<CommunityRecord>> {
        read!(self, list_records(viewer, f))
    }
}
