//! A referral that came in from a health system over FHIR (Gravity SDOH Clinical Care: the EHR is
//! the requester, Linkwork the Coordination Platform that owns the Task). Its Task's status is
//! not kept apart from the episode but follows it, so that what the EHR sees is what the link
//! worker did: received → requested, the person accepting → accepted, assessed and on → in
//! progress, closed → completed (goals met), rejected (before the person accepted: declined,
//! never reached…) or failed (after). The EHR's own change — a cancellation — is the one thing
//! the episode follows instead.

use serde::{Deserialize, Serialize};

use super::episode::{ClosureReason, EpisodeStatus};
use super::snomed;
use super::task::TaskStatus;

/// Why a Task is where it is, for `Task.statusReason`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReason {
    /// A SNOMED CT code, where one says it (the person declined).
    pub code: Option<(String, String)>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskState {
    pub status: TaskStatus,
    pub reason: Option<StatusReason>,
    /// Whether `Task.output` names what was done (the Procedure): when the person took part.
    pub has_output: bool,
}

/// The Task an episode's state shows to the health system that referred.
pub fn task_for(status: EpisodeStatus, accepted: bool, closure: Option<ClosureReason>) -> TaskState {
    let plain = |status| TaskState { status, reason: None, has_output: false };
    match status {
        EpisodeStatus::Received | EpisodeStatus::ContactAttempted => plain(TaskStatus::Requested),
        EpisodeStatus::Contacted if accepted => plain(TaskStatus::Accepted),
        EpisodeStatus::Contacted => plain(TaskStatus::Requested),
        EpisodeStatus::Assessed | EpisodeStatus::PlanAgreed | EpisodeStatus::Active => {
            TaskState { status: TaskStatus::InProgress, reason: None, has_output: true }
        }
        EpisodeStatus::Closed => {
            let reason = closure.unwrap_or(ClosureReason::Disengaged);
            let text = reason.describe().to_string();
            match reason {
                ClosureReason::GoalsMet => TaskState { status: TaskStatus::Completed, reason: None, has_output: true },
                ClosureReason::Declined => TaskState {
                    status: TaskStatus::Rejected,
                    reason: Some(StatusReason { code: Some((snomed::DECLINED.into(), snomed::DECLINED_DISPLAY.into())), text }),
                    has_output: false,
                },
                _ if accepted => TaskState { status: TaskStatus::Failed, reason: Some(StatusReason { code: None, text }), has_output: true },
                _ => TaskState { status: TaskStatus::Rejected, reason: Some(StatusReason { code: None, text }), has_output: false },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pathway::task::{change, Side};

    #[test]
    fn the_task_follows_the_episode() {
        assert_eq!(task_for(EpisodeStatus::Received, false, None).status, TaskStatus::Requested);
        assert_eq!(task_for(EpisodeStatus::Contacted, true, None).status, TaskStatus::Accepted);
        assert_eq!(task_for(EpisodeStatus::PlanAgreed, true, None).status, TaskStatus::InProgress);
        let done = task_for(EpisodeStatus::Closed, true, Some(ClosureReason::GoalsMet));
        assert_eq!((done.status, done.has_output), (TaskStatus::Completed, true));
        let declined = task_for(EpisodeStatus::Closed, false, Some(ClosureReason::Declined));
        assert_eq!(declined.status, TaskStatus::Rejected);
        assert_eq!(declined.reason.unwrap().code.unwrap().0, "871711000000103");
        assert_eq!(task_for(EpisodeStatus::Closed, false, Some(ClosureReason::UnableToContact)).status, TaskStatus::Rejected);
        assert_eq!(task_for(EpisodeStatus::Closed, true, Some(ClosureReason::Disengaged)).status, TaskStatus::Failed);
    }

    #[test]
    fn every_step_the_episode_takes_is_one_the_owner_may_take() {
        // Each Task status the episode's path gives can follow the one before by the IG's rules
        // (the performer's side), and is never received (the IG leaves out ready and received;
        // Linkwork has no ready).
        use EpisodeStatus::*;
        let paths: &[&[(EpisodeStatus, bool, Option<ClosureReason>)]] = &[
            &[(Received, false, None), (Contacted, true, None), (Assessed, true, None), (Active, true, None), (Closed, true, Some(ClosureReason::GoalsMet))],
            &[(Received, false, None), (ContactAttempted, false, None), (Closed, false, Some(ClosureReason::UnableToContact))],
            &[(Received, false, None), (Contacted, true, None), (Closed, true, Some(ClosureReason::MovedAway))],
            &[(Received, false, None), (Closed, false, Some(ClosureReason::Declined))],
        ];
        for path in paths {
            let mut at = TaskStatus::Requested;
            for (s, accepted, closure) in path.iter().copied() {
                let next = task_for(s, accepted, closure);
                assert_ne!(next.status, TaskStatus::Received);
                if next.status != at {
                    let reason = next.reason.as_ref().map(|r| r.text.as_str());
                    change(Side::Performer, at, next.status, reason).unwrap_or_else(|e| panic!("{at} → {}: {e}", next.status));
                    at = next.status;
                }
            }
        }
    }
}
