//! Identifiers: UUIDs everywhere, time-ordered (v7) when Linkwork mints them, and derived
//! deterministically (v5) from a publisher's own id when an import brings a non-UUID one, so that
//! importing the same file twice finds the same rows.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The namespace for ids Linkwork derives from source ids. Fixed forever: changing it would give
/// every imported row a new id.
const SOURCE_NAMESPACE: Uuid = Uuid::from_u128(0x6c69_6e6b_776f_726b_8000_0000_0000_0001);

/// A UUID identifying any Linkwork or HSDS object.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(Uuid);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("'{0}' is not a UUID (expected 8-4-4-4-12 hexadecimal digits)")]
pub struct InvalidId(pub String);

impl Id {
    /// A new time-ordered id.
    pub fn new() -> Self {
        Id(Uuid::now_v7())
    }

    /// Parses a UUID in any of the usual spellings.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        Uuid::parse_str(s.trim()).map(Id).map_err(|_| InvalidId(s.to_string()))
    }

    /// The stable id for a publisher's non-UUID id `source_id` of object kind `kind` (e.g. "service").
    pub fn derived(kind: &str, source_id: &str) -> Self {
        let name = format!("{kind}:{source_id}");
        Id(Uuid::new_v5(&SOURCE_NAMESPACE, name.as_bytes()))
    }

    /// The id as given when it is a UUID, otherwise derived from it.
    pub fn parse_or_derive(kind: &str, raw: &str) -> (Self, bool) {
        match Id::parse(raw) {
            Ok(id) => (id, false),
            Err(_) => (Id::derived(kind, raw.trim()), true),
        }
    }

    pub fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

impl Default for Id {
    fn default() -> Self {
        Id::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for Id {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Id::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_distinct_per_kind() {
        assert_eq!(Id::derived("service", "136"), Id::derived("service", "136"));
        assert_ne!(Id::derived("service", "136"), Id::derived("location", "136"));
    }

    #[test]
    fn parse_accepts_uuids_and_refuses_others() {
        assert!(Id::parse("ac148810-d857-441c-9679-408f346de14b").is_ok());
        assert_eq!(Id::parse("136"), Err(InvalidId("136".into())));
        let (id, derived) = Id::parse_or_derive("service", "136");
        assert!(derived);
        assert_eq!(id, Id::derived("service", "136"));
    }

    #[test]
    fn new_ids_are_time_ordered() {
        let a = Id::new();
        let b = Id::new();
        assert!(a < b);
    }
}
