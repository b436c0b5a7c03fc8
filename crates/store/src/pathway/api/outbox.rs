//! The outbox of notifications and the FHIR rest-hook subscriptions: what the delivery worker
//! claims and marks, what administrators read and send again, and users' preferences.

use linkwork_domain::notify::{Channel, DeliveryStatus, RetryPolicy};

use super::super::types::*;
use super::super::{pg, sq, PResult};
use super::changed;
use crate::{Db, Store};

impl Store {
    /// Claims up to `limit` due messages for `lease_seconds` (the delivery worker).
    pub async fn outbox_claim(&self, limit: i64, lease_seconds: i64, channels: &[Channel]) -> PResult<Vec<OutboxMessage>> {
        tx!(self, outbox_claim(limit, lease_seconds, channels))
    }
    pub async fn outbox_sent(&self, id: &str) -> PResult<()> {
        tx!(self, outbox_sent(id))
    }
    /// An attempt failed: the message waits for its next attempt, or is given up.
    pub async fn outbox_failed(&self, id: &str, error: &str, policy: &RetryPolicy) -> PResult<DeliveryStatus> {
        tx!(self, outbox_failed(id, error, policy))
    }
    /// Queues the link workers' digests for `day` (YYYY-MM-DD), once each.
    pub async fn outbox_queue_digests(&self, day: &str) -> PResult<i64> {
        tx!(self, outbox_queue_digests(day))
    }
    /// Queues people's reminders of contacts booked on `day`, once each.
    pub async fn outbox_queue_reminders(&self, day: &str) -> PResult<i64> {
        tx!(self, outbox_queue_reminders(day))
    }
    pub async fn outbox_enqueue(&self, o: &Outgoing) -> PResult<bool> {
        tx!(self, outbox_enqueue(o))
    }
    pub async fn list_outbox(&self, a: &Actor, status: Option<DeliveryStatus>, limit: i64) -> PResult<Vec<OutboxMessage>> {
        tx!(self, list_outbox(a, status, limit))
    }
    pub async fn outbox_counts(&self) -> PResult<Vec<(String, i64)>> {
        read!(self, outbox_counts())
    }
    pub async fn replay_outbox(&self, a: &Actor, id: &str) -> PResult<OutboxMessage> {
        tx!(self, replay_outbox(a, id))
    }
    /// A follow-up's date and purpose, for a reminder's text.
    pub async fn outbox_follow_up(&self, id: &str) -> PResult<Option<(String, Option<String>)>> {
        read!(self, outbox_follow_up(id))
    }
    pub async fn get_preferences(&self, user_id: &str) -> PResult<NotificationPreferences> {
        read!(self, get_preferences(user_id))
    }
    pub async fn set_preferences(&self, a: &Actor, user_id: &str, p: &NotificationPreferences) -> PResult<NotificationPreferences> {
        tx!(self, set_preferences(a, user_id, p))
    }
    pub async fn create_subscription(&self, a: &Actor, client: &str, s: &NewSubscription) -> PResult<SubscriptionRecord> {
        tx!(self, create_subscription(a, client, s))
    }
    /// A subscription (`client` None: an administrator's read).
    pub async fn get_subscription(&self, client: Option<&str>, id: &str) -> PResult<SubscriptionRecord> {
        read!(self, get_subscription(client, id))
    }
    pub async fn list_subscriptions(&self, client: Option<&str>) -> PResult<Vec<SubscriptionRecord>> {
        read!(self, list_subscriptions(client))
    }
    /// Queues heartbeats for the active subscriptions quiet for their period, as of `at`.
    pub async fn subscription_heartbeats(&self, at: &str) -> PResult<i64> {
        tx!(self, subscription_heartbeats(at))
    }
    pub async fn end_subscription(&self, a: &Actor, client: Option<&str>, id: &str) -> PResult<SubscriptionRecord> {
        tx!(self, end_subscription(a, client, id))
    }
}
