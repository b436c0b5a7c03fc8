//! Teams' public operations on [`Store`]: putting a user in a team, and listing teams.

use super::super::types::*;
use super::super::{pg, sq, PResult};
use super::changed;
use crate::{Db, Store};

impl Store {
    /// Puts a user in a team, or in none (`None`); the observatory counts their episodes under it
    /// from its next load.
    pub async fn set_team(&self, a: &Actor, username: &str, team: Option<&str>) -> PResult<User> {
        tx!(self, set_team(a, username, team))
    }
    /// Every team with its members' display names.
    pub async fn list_teams(&self) -> PResult<Vec<(String, Vec<String>)>> {
        read!(self, list_teams())
    }
}
