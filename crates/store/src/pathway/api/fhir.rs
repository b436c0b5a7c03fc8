//! Referrals from health systems over FHIR: receiving one (the person matched by identifier,
//! the referral queued, the resources kept) in one transaction, reading and searching what a
//! client sent, the referrer's own change to its Task, and the patient as a client may see them.

use linkwork_domain::pathway::identifier::PersonIdentifier;
use linkwork_domain::pathway::task::TaskStatus;

use super::super::types::*;
use super::super::{pg, sq, PResult};
use super::changed;
use crate::{Db, Store};

impl Store {
    pub async fn receive_referral(&self, a: &Actor, r: &InboundReferral<'_>) -> PResult<Received> {
        tx!(self, receive_referral(a, r))
    }
    /// A kept resource the client sent (`client` None: an administrator).
    pub async fn fhir_read(&self, a: &Actor, client: Option<&str>, resource_type: &str, id: &str) -> PResult<FhirResource> {
        tx!(self, fhir_read(a, client, resource_type, id))
    }
    pub async fn fhir_search(&self, a: &Actor, s: &FhirSearch) -> PResult<Vec<FhirResource>> {
        tx!(self, fhir_search(a, s))
    }
    /// The referrer cancels its Task (on the version it read).
    pub async fn fhir_requester_update(&self, a: &Actor, client: Option<&str>, id: &str, version: i64, to: TaskStatus, reason: Option<&str>) -> PResult<FhirResource> {
        tx!(self, fhir_requester_update(a, client, id, version, to, reason))
    }
    pub async fn fhir_patient(&self, a: &Actor, client: Option<&str>, person_id: &str) -> PResult<(Person, Vec<PersonIdentifier>)> {
        tx!(self, fhir_patient(a, client, person_id))
    }
    pub async fn fhir_person_by_identifier(&self, client: Option<&str>, system: &str, value: &str) -> PResult<Option<String>> {
        read!(self, fhir_person_by_identifier(client, system, value))
    }
    pub async fn person_identifiers(&self, person_id: &str) -> PResult<Vec<PersonIdentifier>> {
        read!(self, person_identifiers(person_id))
    }
    /// What a referring system may hear of an episode it referred (Procedure, Communications).
    pub async fn fhir_outcome(&self, a: &Actor, client: Option<&str>, episode_id: &str) -> PResult<FhirOutcome> {
        tx!(self, fhir_outcome(a, client, episode_id))
    }
    pub async fn fhir_message_episode(&self, client: Option<&str>, message_id: &str) -> PResult<String> {
        read!(self, fhir_message_episode(client, message_id))
    }
    /// The onward referrals to `orgs` as their organisation's FHIR client searches them.
    pub async fn fhir_onward_search(&self, a: &Actor, orgs: &[String], s: &FhirSearch) -> PResult<Vec<OnwardFhir>> {
        tx!(self, fhir_onward_search(a, orgs, s))
    }
    pub async fn fhir_onward_read(&self, a: &Actor, orgs: &[String], id: &str) -> PResult<OnwardFhir> {
        tx!(self, fhir_onward_read(a, orgs, id))
    }
}
