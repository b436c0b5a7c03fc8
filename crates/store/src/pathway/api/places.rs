//! Places' public operations on [`Store`]: importing the hierarchy (all or nothing), listing what
//! a user sees, and assigning facilitators and coordinators.

use linkwork_domain::coproduction::NewPlace;

use super::super::types::*;
use super::super::{pg, sq, PResult};
use super::changed;
use crate::{Db, Store};

impl Store {
    /// Every place's depth by code.
    pub async fn place_depths(&self) -> PResult<std::collections::HashMap<String, usize>> {
        let rows = read!(self, place_depths())?;
        Ok(rows.into_iter().map(|(c, d)| (c, d.max(0) as usize)).collect())
    }
    /// Keeps checked places in one transaction; a dry run says what it would do and writes nothing.
    pub async fn import_places(&self, a: &Actor, places: &[NewPlace], levels: &[String], dry_run: bool) -> PResult<PlacesReport> {
        tx!(self, import_places(a, places, levels, dry_run))
    }
    /// The places a user sees (assigned and below), or every place for `None`.
    pub async fn list_places(&self, user_id: Option<&str>) -> PResult<Vec<PlaceRecord>> {
        read!(self, list_places(user_id))
    }
    pub async fn assign_place(&self, a: &Actor, code: &str, username: &str) -> PResult<()> {
        tx!(self, assign_place(a, code, username))
    }
    pub async fn unassign_place(&self, a: &Actor, code: &str, username: &str) -> PResult<()> {
        tx!(self, unassign_place(a, code, username))
    }
}
