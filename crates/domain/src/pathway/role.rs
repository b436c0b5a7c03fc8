//! The roles a user can hold. A user may hold several (a link worker who is also an admin).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, organisations, imports, code lists, the audit log, subject-access exports and erasure.
    Admin,
    /// GP, nurse, hospital or mental-health team, social worker, pharmacist, community member.
    Referrer,
    /// Holds a caseload: contacts, assesses, co-designs, refers onward, follows up, closes.
    LinkWorker,
    /// Staff of a community organisation: sees referrals shared with it, records attendance.
    Provider,
    /// Runs community meetings and action plans; sees no personal data.
    Facilitator,
    /// Supervises facilitators: sees the places assigned to them and every place below.
    Coordinator,
    /// Sees indicators, never identities.
    Analyst,
    /// Takes de-identified extracts for evaluation, only under an administrator's approval for a
    /// named study; sees nothing else.
    Researcher,
}

impl Role {
    pub const ALL: [Role; 8] = [Role::Admin, Role::Referrer, Role::LinkWorker, Role::Provider, Role::Facilitator, Role::Coordinator, Role::Analyst, Role::Researcher];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Referrer => "referrer",
            Role::LinkWorker => "link_worker",
            Role::Provider => "provider",
            Role::Facilitator => "facilitator",
            Role::Coordinator => "coordinator",
            Role::Analyst => "analyst",
            Role::Researcher => "researcher",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("'{0}' is not a role; use one of admin, referrer, link_worker, provider, facilitator, coordinator, analyst, researcher")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Role::ALL.into_iter().find(|r| r.as_str() == k).ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// Parses a comma-separated role list, as stored and as given to `linkwork user add --roles`.
pub fn parse_roles(s: &str) -> Result<Vec<Role>, UnknownRole> {
    let mut roles: Vec<Role> = s.split(',').filter(|p| !p.trim().is_empty()).map(str::parse).collect::<Result<_, _>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}

pub fn format_roles(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}
