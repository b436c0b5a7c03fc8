//! Onward referrals to community organisations, tracked with the statuses of a FHIR R4 Task
//! (Gravity SDOH Clinical Care IG): which status may follow which, and which side may set it.
//! The requester is the link worker's side; the performer is the organisation's.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    Draft,
    Requested,
    Received,
    Accepted,
    Rejected,
    /// The person is enrolled and taking part.
    InProgress,
    OnHold,
    Completed,
    Cancelled,
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The link worker who sends the referral.
    Requester,
    /// The community organisation that receives it.
    Performer,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 10] = [
        TaskStatus::Draft,
        TaskStatus::Requested,
        TaskStatus::Received,
        TaskStatus::Accepted,
        TaskStatus::Rejected,
        TaskStatus::InProgress,
        TaskStatus::OnHold,
        TaskStatus::Completed,
        TaskStatus::Cancelled,
        TaskStatus::Failed,
    ];

    /// The FHIR code (R4 spells it "cancelled").
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Draft => "draft",
            TaskStatus::Requested => "requested",
            TaskStatus::Received => "received",
            TaskStatus::Accepted => "accepted",
            TaskStatus::Rejected => "rejected",
            TaskStatus::InProgress => "in-progress",
            TaskStatus::OnHold => "on-hold",
            TaskStatus::Completed => "completed",
            TaskStatus::Cancelled => "cancelled",
            TaskStatus::Failed => "failed",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, TaskStatus::Rejected | TaskStatus::Completed | TaskStatus::Cancelled | TaskStatus::Failed)
    }

    /// Whether the organisation can see the referral: not while it is a draft.
    pub fn visible_to_performer(self) -> bool {
        self != TaskStatus::Draft
    }

    /// Enrolment, for the process measures: the person was taken on.
    pub fn is_enrolled(self) -> bool {
        matches!(self, TaskStatus::InProgress | TaskStatus::OnHold | TaskStatus::Completed)
    }
}

impl FromStr for Side {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "requester" => Ok(Side::Requester),
            "performer" => Ok(Side::Performer),
            _ => Err(format!("'{s}' is not a side")),
        }
    }
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Requester => "requester",
            Side::Performer => "performer",
        }
    }
}

// "canceled" (the US spelling some systems send) is accepted as well.
impl FromStr for TaskStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let k = s.trim().to_ascii_lowercase().replace('_', "-");
        let k = if k == "canceled" { "cancelled".to_string() } else { k };
        TaskStatus::ALL.into_iter().find(|v| v.as_str() == k).ok_or_else(|| {
            let all: Vec<_> = TaskStatus::ALL.iter().map(|v| v.as_str()).collect();
            format!("'{s}' is not a referral status; use one of {}", all.join(", "))
        })
    }
}
impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TaskError {
    #[error("a referral that is {from} cannot become {to}{hint}")]
    Illegal { from: TaskStatus, to: TaskStatus, hint: String },
    #[error("only the {needed} can set a referral to {to}; you are the {actual}")]
    WrongSide { to: TaskStatus, needed: &'static str, actual: &'static str },
    #[error("a reason is required when a referral is {0}")]
    ReasonRequired(TaskStatus),
}

/// Who may set `to`, and from which statuses.
fn rule(to: TaskStatus) -> (&'static [Side], &'static [TaskStatus]) {
    use Side::*;
    use TaskStatus::*;
    match to {
        Draft => (&[], &[]),
        Requested => (&[Requester], &[Draft]),
        Received => (&[Performer], &[Requested]),
        Accepted => (&[Performer], &[Requested, Received]),
        Rejected => (&[Performer], &[Requested, Received]),
        InProgress => (&[Performer], &[Accepted, OnHold]),
        OnHold => (&[Performer], &[InProgress]),
        Completed => (&[Performer], &[InProgress, OnHold]),
        Failed => (&[Performer], &[Accepted, InProgress, OnHold]),
        Cancelled => (&[Requester, Performer], &[Draft, Requested, Received, Accepted, InProgress, OnHold]),
    }
}

/// The statuses `side` may move a referral to from `from`.
pub fn next_for(side: Side, from: TaskStatus) -> Vec<TaskStatus> {
    TaskStatus::ALL
        .into_iter()
        .filter(|to| {
            let (sides, froms) = rule(*to);
            // A performer cannot move a referral on from a state it is not shown.
            sides.contains(&side) && froms.contains(&from) && (side != Side::Performer || from.visible_to_performer())
        })
        .collect()
}

/// Checks one status change by one side.
pub fn change(side: Side, from: TaskStatus, to: TaskStatus, reason: Option<&str>) -> Result<(), TaskError> {
    let (sides, froms) = rule(to);
    if !froms.contains(&from) || (side == Side::Performer && !from.visible_to_performer()) {
        let next = next_for(side, from);
        let hint = if next.is_empty() {
            String::new()
        } else {
            format!("; from {from} you can set: {}", next.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
        };
        return Err(TaskError::Illegal { from, to, hint });
    }
    if !sides.contains(&side) {
        let needed = if sides == [Side::Requester] { "referring link worker" } else { "receiving organisation" };
        let actual = match side {
            Side::Requester => "referring side",
            Side::Performer => "receiving organisation",
        };
        return Err(TaskError::WrongSide { to, needed, actual });
    }
    let needs_reason = matches!(to, TaskStatus::Rejected | TaskStatus::Failed | TaskStatus::Cancelled);
    if needs_reason && reason.map(str::trim).unwrap_or("").is_empty() {
        return Err(TaskError::ReasonRequired(to));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Side::*;
    use TaskStatus::*;

    #[test]
    fn each_side_sets_only_its_own_statuses() {
        assert!(change(Requester, Draft, Requested, None).is_ok());
        assert!(matches!(change(Performer, Draft, Accepted, None), Err(TaskError::Illegal { .. })));
        assert!(matches!(change(Requester, Requested, Accepted, None), Err(TaskError::WrongSide { .. })));
        assert!(change(Performer, Requested, Accepted, None).is_ok());
        assert_eq!(change(Performer, Requested, Rejected, None), Err(TaskError::ReasonRequired(Rejected)));
        assert!(change(Performer, Received, Rejected, Some("no places until spring")).is_ok());
        assert!(change(Performer, Accepted, InProgress, None).is_ok());
        assert!(change(Requester, InProgress, Cancelled, Some("moved away")).is_ok());
        assert!(change(Performer, Completed, Cancelled, Some("x")).is_err());
        assert_eq!("canceled".parse::<TaskStatus>(), Ok(Cancelled));
        assert_eq!(next_for(Performer, Requested), vec![Received, Accepted, Rejected, Cancelled]);
    }
}
