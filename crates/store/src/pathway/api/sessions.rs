//! The first session an organisation books for someone it accepted (the person is reminded of it
//! through the outbox).

use linkwork_domain::pathway::task::Side;

use super::super::types::*;
use super::super::{pg, sq, PResult};
use super::changed;
use crate::{Db, Store};

impl Store {
    /// Books the first session of onward referral `id` on `on` (YYYY-MM-DD) at `time` (HH:MM),
    /// or withdraws it (`on` None). A provider books for its own organisations' referrals.
    #[allow(clippy::too_many_arguments)]
    pub async fn book_first_session(
        &self,
        a: &Actor,
        id: &str,
        side: Side,
        orgs: &[String],
        on: Option<&str>,
        time: Option<&str>,
        version: Option<i64>,
    ) -> PResult<OnwardReferral> {
        tx!(self, first_session_book(a, id, side, orgs, on, time, version))
    }
}
