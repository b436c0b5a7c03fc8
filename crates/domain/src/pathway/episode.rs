//! The episode a referral to a link worker opens, as a state machine:
//! received → contact attempted → contacted → assessed → plan agreed → active → closed.
//!
//! Every transition is checked here; the store records each one with its time and actor, and the
//! process measures (time to first contact, to plan, length of episode) are computed from those.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::snomed;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EpisodeStatus {
    Received,
    ContactAttempted,
    Contacted,
    Assessed,
    PlanAgreed,
    Active,
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    GoalsMet,
    Disengaged,
    Declined,
    UnableToContact,
    MovedAway,
    Died,
    ReferredElsewhere,
}

impl EpisodeStatus {
    pub const ALL: [EpisodeStatus; 7] = [
        EpisodeStatus::Received,
        EpisodeStatus::ContactAttempted,
        EpisodeStatus::Contacted,
        EpisodeStatus::Assessed,
        EpisodeStatus::PlanAgreed,
        EpisodeStatus::Active,
        EpisodeStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EpisodeStatus::Received => "received",
            EpisodeStatus::ContactAttempted => "contact_attempted",
            EpisodeStatus::Contacted => "contacted",
            EpisodeStatus::Assessed => "assessed",
            EpisodeStatus::PlanAgreed => "plan_agreed",
            EpisodeStatus::Active => "active",
            EpisodeStatus::Closed => "closed",
        }
    }

    pub fn is_open(self) -> bool {
        self != EpisodeStatus::Closed
    }
}

impl ClosureReason {
    pub const ALL: [ClosureReason; 7] = [
        ClosureReason::GoalsMet,
        ClosureReason::Disengaged,
        ClosureReason::Declined,
        ClosureReason::UnableToContact,
        ClosureReason::MovedAway,
        ClosureReason::Died,
        ClosureReason::ReferredElsewhere,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClosureReason::GoalsMet => "goals_met",
            ClosureReason::Disengaged => "disengaged",
            ClosureReason::Declined => "declined",
            ClosureReason::UnableToContact => "unable_to_contact",
            ClosureReason::MovedAway => "moved_away",
            ClosureReason::Died => "died",
            ClosureReason::ReferredElsewhere => "referred_elsewhere",
        }
    }

    /// Words for the referrer's message.
    pub fn describe(self) -> &'static str {
        match self {
            ClosureReason::GoalsMet => "the person met their goals",
            ClosureReason::Disengaged => "the person stopped taking part",
            ClosureReason::Declined => "the person declined social prescribing",
            ClosureReason::UnableToContact => "we could not contact the person",
            ClosureReason::MovedAway => "the person moved away",
            ClosureReason::Died => "the person died",
            ClosureReason::ReferredElsewhere => "the person was referred to another service",
        }
    }
}

macro_rules! from_str_via_all {
    ($t:ty, $what:literal) => {
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let k = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                <$t>::ALL.into_iter().find(|v| v.as_str() == k).ok_or_else(|| {
                    let all: Vec<_> = <$t>::ALL.iter().map(|v| v.as_str()).collect();
                    format!("'{s}' is not {}; use one of {}", $what, all.join(", "))
                })
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
from_str_via_all!(EpisodeStatus, "an episode status");
from_str_via_all!(ClosureReason, "a closure reason");

/// What a link worker asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionRequest {
    pub to: EpisodeStatus,
    /// With `to = contacted`: whether the person accepted the referral (None: not yet asked).
    pub accepted: Option<bool>,
    /// Required with `to = closed`.
    pub reason: Option<ClosureReason>,
}

/// The episode as the machine needs to see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpisodeState {
    pub status: EpisodeStatus,
    /// Whether the person's acceptance (SNOMED 871731000000106) has been recorded.
    pub accepted: bool,
}

/// What the store records for an allowed transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: EpisodeStatus,
    pub to: EpisodeStatus,
    pub reason: Option<ClosureReason>,
    /// A SNOMED CT code to record with the transition.
    pub code: Option<&'static str>,
    pub accepted: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TransitionError {
    #[error("an episode that is {from} cannot move to {to}; from {from} it can move to: {allowed}")]
    Illegal { from: EpisodeStatus, to: EpisodeStatus, allowed: String },
    #[error("closing an episode needs a reason: one of goals_met, disengaged, declined, unable_to_contact, moved_away, died, referred_elsewhere")]
    ReasonRequired,
    #[error("a reason is only given when closing")]
    ReasonNotExpected,
    #[error("'{reason}' cannot close an episode that is {from}: {why}")]
    ReasonNotFitting { reason: ClosureReason, from: EpisodeStatus, why: &'static str },
    #[error("the person's acceptance of the referral must be recorded (move to contacted with accepted: true) before they are assessed")]
    NotAccepted,
    #[error("'accepted' is only given when moving to contacted")]
    AcceptedNotExpected,
    #[error("the person has already accepted this referral")]
    AlreadyAccepted,
}

/// The statuses an episode may move to from `from` (closing included where open).
pub fn next_statuses(from: EpisodeStatus) -> &'static [EpisodeStatus] {
    use EpisodeStatus::*;
    match from {
        Received => &[ContactAttempted, Contacted, Closed],
        // Another attempt is recorded as a transition to the same status.
        ContactAttempted => &[ContactAttempted, Contacted, Closed],
        // Contacted → contacted records the acceptance when it was not given at first contact.
        Contacted => &[Contacted, Assessed, Closed],
        Assessed => &[PlanAgreed, Closed],
        PlanAgreed => &[Active, Closed],
        Active => &[Closed],
        Closed => &[],
    }
}

/// Checks a transition and says what to record.
pub fn transition(state: EpisodeState, req: &TransitionRequest) -> Result<Transition, TransitionError> {
    use EpisodeStatus::*;
    let from = state.status;
    if !next_statuses(from).contains(&req.to) {
        let allowed = next_statuses(from).iter().map(|s| s.as_str()).collect::<Vec<_>>();
        let allowed = if allowed.is_empty() { "nothing (it is closed)".to_string() } else { allowed.join(", ") };
        return Err(TransitionError::Illegal { from, to: req.to, allowed });
    }
    if req.to != Closed && req.reason.is_some() {
        return Err(TransitionError::ReasonNotExpected);
    }
    if req.to != Contacted && req.accepted.is_some() {
        return Err(TransitionError::AcceptedNotExpected);
    }
    let mut code = None;
    let mut accepted = state.accepted;
    match req.to {
        Contacted => {
            if from == Contacted && req.accepted != Some(true) {
                return Err(TransitionError::Illegal { from, to: req.to, allowed: "contacted with accepted: true, assessed, closed".into() });
            }
            if req.accepted == Some(true) {
                if state.accepted {
                    return Err(TransitionError::AlreadyAccepted);
                }
                accepted = true;
                code = Some(snomed::REFERRAL_ACCEPTED);
            }
            if req.accepted == Some(false) {
                // Declining at first contact closes the episode: the caller should send closed/declined.
                return Err(TransitionError::Illegal { from, to: req.to, allowed: "closed with reason declined (the person declined)".into() });
            }
        }
        Assessed if !state.accepted => return Err(TransitionError::NotAccepted),
        Closed => {
            let reason = req.reason.ok_or(TransitionError::ReasonRequired)?;
            let fits = match reason {
                ClosureReason::GoalsMet if !matches!(from, PlanAgreed | Active) => Err("goals can only be met once a plan is agreed"),
                ClosureReason::UnableToContact if !matches!(from, Received | ContactAttempted) => Err("the person has already been contacted"),
                ClosureReason::Declined if state.accepted && matches!(from, PlanAgreed | Active) => {
                    Err("the person accepted and agreed a plan; use disengaged")
                }
                _ => Ok(()),
            };
            if let Err(why) = fits {
                return Err(TransitionError::ReasonNotFitting { reason, from, why });
            }
            if reason == ClosureReason::Declined {
                code = Some(snomed::DECLINED);
            }
        }
        _ => {}
    }
    Ok(Transition { from, to: req.to, reason: req.reason, code, accepted })
}

#[cfg(test)]
mod tests {
    use super::*;
    use EpisodeStatus::*;

    fn req(to: EpisodeStatus) -> TransitionRequest {
        TransitionRequest { to, accepted: None, reason: None }
    }

    #[test]
    fn the_whole_path_records_acceptance_once() {
        let mut s = EpisodeState { status: Received, accepted: false };
        let t = transition(s, &req(ContactAttempted)).unwrap();
        s.status = t.to;
        let t = transition(s, &TransitionRequest { to: Contacted, accepted: Some(true), reason: None }).unwrap();
        assert_eq!(t.code, Some(snomed::REFERRAL_ACCEPTED));
        s = EpisodeState { status: t.to, accepted: t.accepted };
        assert_eq!(
            transition(s, &TransitionRequest { to: Contacted, accepted: Some(true), reason: None }),
            Err(TransitionError::AlreadyAccepted)
        );
        for to in [Assessed, PlanAgreed, Active] {
            s.status = transition(s, &req(to)).unwrap().to;
        }
        let t = transition(s, &TransitionRequest { to: Closed, accepted: None, reason: Some(ClosureReason::GoalsMet) }).unwrap();
        assert_eq!(t.to, Closed);
        assert!(matches!(transition(EpisodeState { status: Closed, accepted: true }, &req(Active)), Err(TransitionError::Illegal { .. })));
    }

    #[test]
    fn assessment_needs_acceptance_and_closing_needs_a_fitting_reason() {
        let s = EpisodeState { status: Contacted, accepted: false };
        assert_eq!(transition(s, &req(Assessed)), Err(TransitionError::NotAccepted));
        assert_eq!(transition(s, &req(Closed)), Err(TransitionError::ReasonRequired));
        let t = transition(s, &TransitionRequest { to: Closed, accepted: None, reason: Some(ClosureReason::Declined) }).unwrap();
        assert_eq!(t.code, Some(snomed::DECLINED));
        assert!(matches!(
            transition(s, &TransitionRequest { to: Closed, accepted: None, reason: Some(ClosureReason::UnableToContact) }),
            Err(TransitionError::ReasonNotFitting { .. })
        ));
        assert!(transition(EpisodeState { status: Received, accepted: false }, &req(Active)).is_err());
        assert_eq!("plan-agreed".parse::<EpisodeStatus>(), Ok(PlanAgreed));
    }
}
