//! Notifications: what is sent (emails, texts, FHIR rest-hook notifications), why, and the rules
//! of sending — when a failed attempt is tried again and when it is given up. The outbox that
//! keeps them is in the store; the transports are in the web crate's `notify`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Text,
    RestHook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Text => "text",
            Channel::RestHook => "rest_hook",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Email, Channel::Text, Channel::RestHook].into_iter().find(|c| c.as_str() == s)
    }
}

/// Why a message is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// The message back to the referrer (accepted, declined, plan agreed, closed).
    MessageBack,
    /// A community organisation's new referral (no personal details: a link to sign in).
    NewReferral,
    /// A link worker's daily digest of contacts due and overdue.
    Digest,
    /// A person's reminder of an appointment or a first session.
    Reminder,
    /// A FHIR subscriber's notification that one of its Tasks changed.
    TaskNotification,
}

impl Purpose {
    pub const ALL: [Purpose; 5] = [Purpose::MessageBack, Purpose::NewReferral, Purpose::Digest, Purpose::Reminder, Purpose::TaskNotification];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::MessageBack => "message_back",
            Purpose::NewReferral => "new_referral",
            Purpose::Digest => "digest",
            Purpose::Reminder => "reminder",
            Purpose::TaskNotification => "task_notification",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Where a message stands in the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by the delivery worker (until its lease runs out).
    Sending,
    Sent,
    /// Given up after the last attempt; an administrator may send it again.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [DeliveryStatus::Pending, DeliveryStatus::Sending, DeliveryStatus::Sent, DeliveryStatus::Failed].into_iter().find(|d| d.as_str() == s)
    }
}

/// How often and how patiently a failed message is tried again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts before a message is marked failed (for an administrator to send again).
    pub max_attempts: i64,
    /// The wait after the first failure; each further failure doubles it.
    pub backoff_seconds: i64,
    /// The longest wait between two attempts.
    pub max_backoff_seconds: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // Ten attempts over about eight hours: a mail server down for a night still gets everything.
        RetryPolicy { max_attempts: 10, backoff_seconds: 30, max_backoff_seconds: 3600 }
    }
}

/// What to do after an attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    GiveUp,
}

impl RetryPolicy {
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut p = vec![];
        if self.max_attempts < 1 {
            p.push("notifications.retry.max_attempts must be at least 1".to_string());
        }
        if self.backoff_seconds < 1 || self.max_backoff_seconds < self.backoff_seconds {
            p.push("notifications.retry.backoff_seconds must be at least 1 and no more than max_backoff_seconds".to_string());
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(p)
        }
    }

    /// After `attempts` attempts (counting the one that just failed), when to try next.
    pub fn after_failure(&self, attempts: i64, now: DateTime<Utc>) -> AfterFailure {
        if attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let doublings = (attempts - 1).clamp(0, 30) as u32;
        let wait = self.backoff_seconds.saturating_mul(1i64 << doublings).min(self.max_backoff_seconds);
        AfterFailure::RetryAt(now + Duration::seconds(wait))
    }
}

/// A phone number as a text gateway takes it: `+` and 7 to 15 digits (E.164). Spaces, dots,
/// dashes and brackets people write are dropped; a national number without its country code is
/// refused, since the gateway cannot know the country.
pub fn e164(phone: &str) -> Option<String> {
    let kept: String = phone.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let digits = kept.strip_prefix('+').or_else(|| kept.strip_prefix("00"))?;
    (7..=15).contains(&digits.len()).then_some(())?;
    digits.chars().all(|c| c.is_ascii_digit()).then(|| format!("+{digits}"))
}

/// A rest-hook subscription's filter on Tasks, as the Backport writes it
/// (`Task?requester=Practitioner/1&status=completed,cancelled`): every parameter given must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub ids: Vec<String>,
    pub status: Vec<String>,
    pub owner: Option<String>,
    pub requester: Option<String>,
}

impl TaskFilter {
    /// The parameters this filter takes, for the CapabilityStatement and the errors.
    pub const PARAMETERS: [&'static str; 4] = ["_id", "status", "owner", "requester"];

    pub fn parse(s: &str) -> Result<TaskFilter, String> {
        let q = s.trim();
        let q = q.strip_prefix("Task?").ok_or_else(|| format!("the filter \"{s}\" must begin with Task?"))?;
        let mut f = TaskFilter::default();
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').ok_or_else(|| format!("\"{pair}\" is not name=value"))?;
            let vals: Vec<String> = v.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect();
            if vals.is_empty() {
                return Err(format!("{k} has no value"));
            }
            match k {
                "_id" => f.ids = vals,
                "status" => f.status = vals,
                "owner" => f.owner = Some(v.trim().to_string()),
                "requester" => f.requester = Some(v.trim().to_string()),
                other => return Err(format!("Tasks are not filtered by {other}; the filter takes {}", TaskFilter::PARAMETERS.join(", "))),
            }
        }
        Ok(f)
    }

    pub fn matches(&self, id: &str, status: Option<&str>, owner: Option<&str>, requester: Option<&str>) -> bool {
        (self.ids.is_empty() || self.ids.iter().any(|i| i == id))
            && (self.status.is_empty() || status.is_some_and(|s| self.status.iter().any(|x| x == s)))
            && self.owner.as_deref().is_none_or(|o| owner == Some(o))
            && self.requester.as_deref().is_none_or(|r| requester == Some(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_waits_twice_as_long_each_time_up_to_the_cap_then_gives_up() {
        let p = RetryPolicy { max_attempts: 5, backoff_seconds: 30, max_backoff_seconds: 100 };
        let now = Utc::now();
        assert_eq!(p.after_failure(1, now), AfterFailure::RetryAt(now + Duration::seconds(30)));
        assert_eq!(p.after_failure(2, now), AfterFailure::RetryAt(now + Duration::seconds(60)));
        assert_eq!(p.after_failure(3, now), AfterFailure::RetryAt(now + Duration::seconds(100)));
        assert_eq!(p.after_failure(4, now), AfterFailure::RetryAt(now + Duration::seconds(100)));
        assert_eq!(p.after_failure(5, now), AfterFailure::GiveUp);
        assert!(RetryPolicy { max_attempts: 0, ..p.clone() }.check().is_err());
        assert!(RetryPolicy::default().check().is_ok());
    }

    #[test]
    fn phone_numbers_go_to_the_gateway_in_international_form_only() {
        assert_eq!(e164("+44 7700 900123").as_deref(), Some("+447700900123"));
        assert_eq!(e164("0044 (7700) 900-123").as_deref(), Some("+447700900123"));
        assert_eq!(e164("+856 20 5555 1234").as_deref(), Some("+8562055551234"));
        assert_eq!(e164("07700 900123"), None);
        assert_eq!(e164("+44 77OO"), None);
    }

    #[test]
    fn a_subscription_hears_of_the_tasks_its_filter_names() {
        let f = TaskFilter::parse("Task?requester=Practitioner/7&status=completed,cancelled").unwrap();
        assert!(f.matches("t1", Some("completed"), Some("Organization/lw"), Some("Practitioner/7")));
        assert!(!f.matches("t1", Some("in-progress"), None, Some("Practitioner/7")));
        assert!(!f.matches("t1", Some("completed"), None, Some("Practitioner/8")));
        assert!(TaskFilter::parse("Task?").unwrap().matches("x", None, None, None));
        assert!(TaskFilter::parse("Patient?x=1").is_err());
        assert!(TaskFilter::parse("Task?code=1").unwrap_err().contains("requester"));
    }

    #[test]
    fn codes_read_back_as_they_are_written() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()), Some(p));
        }
        for c in [Channel::Email, Channel::Text, Channel::RestHook] {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(DeliveryStatus::parse("failed"), Some(DeliveryStatus::Failed));
    }
}
