//! The audit trail's entries and their hash chain. Each entry's hash covers its own fields and the
//! previous entry's hash, so changing, removing or reordering any entry breaks every hash after
//! it; `verify` finds the first broken link.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash the first entry chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339, UTC, microseconds.
    pub at: String,
    /// The user, or None for the system and anonymous self-referrals.
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub actor_role: String,
    /// read, create, update, delete, export, erase, sign_in, ...
    pub action: String,
    /// What kind of record: person, episode, consent, onward_referral, ...
    pub entity: String,
    pub entity_id: Option<String>,
    /// Whose personal data, when it is a person's.
    pub person_id: Option<String>,
    /// Why: the endpoint or command, and the purpose.
    pub reason: String,
    pub prev_hash: String,
    pub hash: String,
}

fn put(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

impl AuditEntry {
    /// The hash this entry should have, given its fields and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.seq.to_be_bytes());
        for s in [
            self.at.as_str(),
            self.actor_id.as_deref().unwrap_or("-"),
            &self.actor_name,
            &self.actor_role,
            &self.action,
            &self.entity,
            self.entity_id.as_deref().unwrap_or("-"),
            self.person_id.as_deref().unwrap_or("-"),
            &self.reason,
            &self.prev_hash,
        ] {
            put(&mut h, s);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("audit entry {seq} has been altered: its hash does not match its contents")]
    Altered { seq: i64 },
    #[error("audit entry {seq} does not follow the entry before it (an entry was removed, inserted or reordered)")]
    Broken { seq: i64 },
}

/// Checks a run of consecutive entries, starting after `prev_hash` (GENESIS for the first).
/// Returns the last hash, to continue with the next run.
pub fn verify<'a>(prev_hash: &str, entries: impl IntoIterator<Item = &'a AuditEntry>) -> Result<String, ChainError> {
    let mut prev = prev_hash.to_string();
    for e in entries {
        if e.prev_hash != prev {
            return Err(ChainError::Broken { seq: e.seq });
        }
        if e.compute_hash() != e.hash {
            return Err(ChainError::Altered { seq: e.seq });
        }
        prev = e.hash.clone();
    }
    Ok(prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2026-11-21T10:00:0{seq}.000000Z"),
                    actor_id: Some("u1".into()),
                    actor_name: "Sam".into(),
                    actor_role: "link_worker".into(),
                    action: "read".into(),
                    entity: "person".into(),
                    entity_id: Some("p1".into()),
                    person_id: Some("p1".into()),
                    reason: "GET /api/v1/people/p1".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn tampering_is_found_where_it_happened() {
        let entries = chain(5);
        assert!(verify(GENESIS, &entries).is_ok());
        let mut altered = entries.clone();
        altered[2].actor_name = "Someone else".into();
        assert_eq!(verify(GENESIS, &altered), Err(ChainError::Altered { seq: 3 }));
        let mut removed = entries.clone();
        removed.remove(1);
        assert_eq!(verify(GENESIS, &removed), Err(ChainError::Broken { seq: 3 }));
    }
}
