//! A practice's patients and worklist: loading them (replacing the last load whole), running
//! the rules, reading the worklist and an entry, dismissing one and referring from one. Each in
//! one transaction, audited, reaching only a practice the acting user belongs to.

use linkwork_domain::identification::{IdentificationSettings, PracticePatient};
use linkwork_domain::pathway::consent::ConsentMethod;
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::ReferralDetails;

use super::super::identification_types::*;
use super::super::types::*;
use super::super::{pg, sq, PResult};
use super::changed;
use crate::{Db, Store};

/// What `refer_entry` takes.
pub struct EntryReferral<'a> {
    pub person: &'a PersonDetails,
    pub details: &'a ReferralDetails,
    pub consent_method: ConsentMethod,
    /// The referrer's user id, who will get the messages back.
    pub referred_by: Option<&'a str>,
}

impl Store {
    /// Replaces a practice's patients with `patients` (`format`: fhir or csv).
    pub async fn load_practice(&self, a: &Actor, practice: &str, format: &str, patients: &[PracticePatient]) -> PResult<PracticeLoad> {
        tx!(self, load_practice(a, practice, format, patients))
    }
    /// Runs the rules over the practice's patients on `as_of` and keeps who they found.
    pub async fn run_identification(&self, a: &Actor, practice: &str, rules: &IdentificationSettings, as_of: chrono::NaiveDate) -> PResult<IdentificationRun> {
        tx!(self, run_identification(a, practice, rules, as_of))
    }
    pub async fn worklist(&self, a: &Actor, practice: &str) -> PResult<Worklist> {
        tx!(self, worklist(a, practice))
    }
    pub async fn worklist_entry(&self, a: &Actor, practice: &str, entry: &str) -> PResult<WorklistEntry> {
        tx!(self, ident_entry(a, practice, entry))
    }
    pub async fn dismiss_entry(&self, a: &Actor, practice: &str, entry: &str, reason: &str) -> PResult<WorklistEntry> {
        tx!(self, dismiss_entry(a, practice, entry, reason))
    }
    /// Refers the person a worklist entry names (see the ops' `refer_entry`).
    pub async fn refer_entry(&self, a: &Actor, practice: &str, entry: &str, r: EntryReferral<'_>) -> PResult<ReferredEntry> {
        tx!(self, refer_entry(a, practice, entry, r.person, r.details, r.consent_method, r.referred_by))
    }
}
