// The outbox of notifications (included in `sq` and `pg` beside ops.rs): messages queued in the
// transaction of the change they tell of, claimed by the delivery worker for a lease, marked sent
// or tried again with backoff, and given up for an administrator to resend. FHIR rest-hook
// subscriptions live here too, since a Task's change queues their notifications. Its own names
// are prefixed `outbox_` or `subscription_` since every ops file shares one module.

use linkwork_domain::notify::{AfterFailure, Channel, DeliveryStatus, Purpose, RetryPolicy, TaskFilter};
use linkwork_domain::pathway::person::ContactMethod;

const OUTBOX_COLUMNS: &str =
    "id, channel, purpose, address, language, payload, user_id, person_id, subscription_id, dedupe_key, status, attempts, next_attempt_at, lease_until, last_error, created_at, sent_at";

fn outbox_from(r: &DbRow) -> PResult<OutboxMessage> {
    let payload: String = r.try_get("payload")?;
    let channel: String = r.try_get("channel")?;
    let purpose: String = r.try_get("purpose")?;
    let status: String = r.try_get("status")?;
    Ok(OutboxMessage {
        id: r.try_get("id")?,
        channel: Channel::parse(&channel).ok_or_else(|| crate::StoreError::Invalid(format!("outbox channel {channel}")))?,
        purpose: Purpose::parse(&purpose).ok_or_else(|| crate::StoreError::Invalid(format!("outbox purpose {purpose}")))?,
        address: r.try_get("address")?,
        language: r.try_get("language")?,
        payload: serde_json::from_str(&payload)?,
        user_id: r.try_get("user_id")?,
        person_id: r.try_get("person_id")?,
        subscription_id: r.try_get("subscription_id")?,
        dedupe_key: r.try_get("dedupe_key")?,
        status: DeliveryStatus::parse(&status).ok_or_else(|| crate::StoreError::Invalid(format!("outbox status {status}")))?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        lease_until: r.try_get("lease_until")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
    })
}

/// Queues one message (in the caller's transaction). A message with a `dedupe_key` already
/// queued is not queued again: returns whether it was.
pub(super) async fn outbox_enqueue(c: &mut Conn, o: &Outgoing) -> PResult<bool> {
    let at = format_time(linkwork_domain::pathway::now());
    let done = sqlx::query(
        "INSERT INTO outbox_message (id, channel, purpose, address, language, payload, user_id, person_id, subscription_id, dedupe_key, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', 0, $11, $11) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(o.channel.as_str())
    .bind(o.purpose.as_str())
    .bind(&o.address)
    .bind(&o.language)
    .bind(o.payload.to_string())
    .bind(&o.user_id)
    .bind(&o.person_id)
    .bind(&o.subscription_id)
    .bind(&o.dedupe_key)
    .bind(&at)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a user wants to be told (their row, else the defaults: everything their roles get, in
/// English).
pub(super) async fn outbox_preferences(c: &mut Conn, user_id: &str) -> PResult<NotificationPreferences> {
    let r = sqlx::query("SELECT language, message_back, new_referral, digest FROM notification_preference WHERE user_id = $1").bind(user_id).fetch_optional(&mut *c).await?;
    Ok(match r {
        Some(r) => NotificationPreferences {
            language: r.try_get("language")?,
            message_back: r.try_get("message_back")?,
            new_referral: r.try_get("new_referral")?,
            digest: r.try_get("digest")?,
        },
        None => NotificationPreferences::default(),
    })
}

pub(super) async fn set_preferences(c: &mut Conn, a: &Actor, user_id: &str, p: &NotificationPreferences) -> PResult<NotificationPreferences> {
    sqlx::query(
        "INSERT INTO notification_preference (user_id, language, message_back, new_referral, digest, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (user_id) DO UPDATE SET language = EXCLUDED.language, message_back = EXCLUDED.message_back, new_referral = EXCLUDED.new_referral, \
         digest = EXCLUDED.digest, updated_at = EXCLUDED.updated_at",
    )
    .bind(user_id)
    .bind(&p.language)
    .bind(p.message_back)
    .bind(p.new_referral)
    .bind(p.digest)
    .bind(now())
    .execute(&mut *c)
    .await?;
    audit(c, a, "update", "notification_preference", Some(user_id), None).await?;
    outbox_preferences(c, user_id).await
}

pub(super) async fn get_preferences(c: &mut Conn, user_id: &str) -> PResult<NotificationPreferences> {
    outbox_preferences(c, user_id).await
}

/// An active user's email address and preferences, if they have an address.
async fn outbox_recipient(c: &mut Conn, user_id: &str) -> PResult<Option<(User, NotificationPreferences)>> {
    let Some(u) = user_by(c, false, user_id).await? else { return Ok(None) };
    if u.disabled || u.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
        return Ok(None);
    }
    let p = outbox_preferences(c, user_id).await?;
    Ok(Some((u, p)))
}

/// The referrer's message back by email, unless the referral came over FHIR (where the message
/// back is a Communication the referring system reads). The email carries what kind of message it
/// is and the referral's date, never the person's name: email is not a safe place for it.
pub(super) async fn outbox_message_back(c: &mut Conn, message_id: &str, episode_id: &str, recipient: &str, kind: &str, code: Option<(&str, &str)>) -> PResult<()> {
    let over_fhir: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Task' AND episode_id = $1").bind(episode_id).fetch_one(&mut *c).await?;
    if over_fhir > 0 {
        return Ok(());
    }
    let Some((u, p)) = outbox_recipient(c, recipient).await? else { return Ok(()) };
    if !p.message_back {
        return Ok(());
    }
    let received: String = sqlx::query_scalar("SELECT received_at FROM episode WHERE id = $1").bind(episode_id).fetch_one(&mut *c).await?;
    let payload = serde_json::json!({
        "message_id": message_id,
        "episode_id": episode_id,
        "kind": kind,
        "code": code.map(|c| c.0),
        "code_display": code.map(|c| c.1),
        "referred_on": received.get(..10).unwrap_or(&received),
    });
    let o = Outgoing::email(Purpose::MessageBack, u.email.unwrap_or_default(), p.language, payload).for_user(&u.id);
    outbox_enqueue(c, &o).await?;
    Ok(())
}

/// A community organisation's new referral: each of its providers who wants to hear gets an email
/// with the service's name and a link to sign in, nothing about the person.
pub(super) async fn outbox_new_referral(c: &mut Conn, onward_id: &str) -> PResult<()> {
    let (org, service): (String, String) =
        sqlx::query_as("SELECT organization_id, service_name FROM onward_referral WHERE id = $1").bind(onward_id).fetch_one(&mut *c).await?;
    let members: Vec<String> = sqlx::query_scalar("SELECT user_id FROM user_organization WHERE organization_id = $1 ORDER BY user_id").bind(&org).fetch_all(&mut *c).await?;
    for m in members {
        let Some((u, p)) = outbox_recipient(c, &m).await? else { continue };
        if !p.new_referral || !u.roles.contains(&linkwork_domain::pathway::Role::Provider) {
            continue;
        }
        let payload = serde_json::json!({ "onward_referral_id": onward_id, "service_name": service });
        let o = Outgoing::email(Purpose::NewReferral, u.email.clone().unwrap_or_default(), p.language, payload).for_user(&u.id);
        outbox_enqueue(c, &o).await?;
    }
    Ok(())
}

/// Each link worker's digest for `day` (once a day: the key keeps a second pass from queueing
/// another), when they have contacts due that day or overdue and want the digest.
pub(super) async fn outbox_queue_digests(c: &mut Conn, day: &str) -> PResult<i64> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT link_worker_id, \
                SUM(CASE WHEN due_on = $1 THEN 1 ELSE 0 END), SUM(CASE WHEN due_on < $1 THEN 1 ELSE 0 END) \
         FROM follow_up WHERE done_at IS NULL AND link_worker_id IS NOT NULL AND due_on <= $1 GROUP BY link_worker_id ORDER BY link_worker_id",
    )
    .bind(day)
    .fetch_all(&mut *c)
    .await?;
    let mut queued = 0;
    for (lw, due, overdue) in rows {
        let Some((u, p)) = outbox_recipient(c, &lw).await? else { continue };
        if !p.digest || !u.roles.contains(&linkwork_domain::pathway::Role::LinkWorker) {
            continue;
        }
        let payload = serde_json::json!({ "day": day, "due": due, "overdue": overdue });
        let mut o = Outgoing::email(Purpose::Digest, u.email.clone().unwrap_or_default(), p.language, payload).for_user(&u.id);
        o.dedupe_key = Some(format!("digest:{}:{day}", u.id));
        queued += i64::from(outbox_enqueue(c, &o).await?);
    }
    Ok(queued)
}

/// A person's reminder of a contact booked with their link worker on `day`, by email or text as
/// they chose (once per booking), in their language. The reminder names the date only.
pub(super) async fn outbox_queue_reminders(c: &mut Conn, day: &str) -> PResult<i64> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT f.id, e.person_id, p.details FROM follow_up f JOIN episode e ON e.id = f.episode_id JOIN person p ON p.id = e.person_id \
         WHERE f.done_at IS NULL AND f.due_on = $1 AND e.status NOT IN ('closed') AND p.erased_at IS NULL ORDER BY f.id",
    )
    .bind(day)
    .fetch_all(&mut *c)
    .await?;
    let mut queued = 0;
    for (fu, person, details) in rows {
        let d: PersonDetails = serde_json::from_str(&details)?;
        let Some((channel, address)) = reminder_address(c, &person, &d).await? else { continue };
        let language = d.language.clone().unwrap_or_else(|| "en".into());
        let payload = serde_json::json!({ "follow_up_id": fu, "day": day });
        let o = Outgoing { channel, purpose: Purpose::Reminder, address, language, payload, user_id: None, person_id: Some(person), subscription_id: None, dedupe_key: Some(format!("reminder:{fu}")) };
        queued += i64::from(outbox_enqueue(c, &o).await?);
    }
    Ok(queued + first_session_reminders(c, day).await?)
}

/// Where a reminder to the person goes: by email or text only when they chose it and agreed to
/// the service's support.
async fn reminder_address(c: &mut Conn, person: &str, d: &PersonDetails) -> PResult<Option<(Channel, String)>> {
    if !has_consent(c, person, ConsentPurpose::Support, None).await? {
        return Ok(None);
    }
    Ok(match d.preferred_contact {
        Some(ContactMethod::Email) => d.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(|e| (Channel::Email, e.to_string())),
        Some(ContactMethod::TextMessage) => d.phone.as_deref().and_then(linkwork_domain::notify::e164).map(|p| (Channel::Text, p)),
        _ => None,
    })
}

/// Claims up to `limit` messages that are due (pending, or sending with a lapsed lease: a worker
/// that died mid-send), each for `lease_seconds`, counting the attempt.
pub(super) async fn outbox_claim(c: &mut Conn, limit: i64, lease_seconds: i64, channels: &[Channel]) -> PResult<Vec<OutboxMessage>> {
    if channels.is_empty() {
        return Ok(vec![]);
    }
    // The channels' codes are this crate's own constants, never input.
    let channels: Vec<String> = channels.iter().map(|ch| format!("'{}'", ch.as_str())).collect();
    let channels = channels.join(", ");
    let now = linkwork_domain::pathway::now();
    let at = format_time(now);
    let lease = format_time(now + chrono::Duration::seconds(lease_seconds));
    let lock = if IS_PG { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE outbox_message SET status = 'sending', attempts = attempts + 1, lease_until = $1 WHERE id IN (\
           SELECT id FROM outbox_message WHERE ((status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until < $2)) \
           AND channel IN ({channels}) ORDER BY next_attempt_at, id LIMIT $3{lock}) RETURNING {OUTBOX_COLUMNS}"
    );
    let rows = sqlx::query(&sql).bind(&lease).bind(&at).bind(limit).fetch_all(&mut *c).await?;
    let mut out = rows.iter().map(outbox_from).collect::<PResult<Vec<_>>>()?;
    out.sort_by(|a, b| a.next_attempt_at.cmp(&b.next_attempt_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

pub(super) async fn outbox_sent(c: &mut Conn, id: &str) -> PResult<()> {
    // The endpoint took a notification (the handshake first): a requested subscription is active.
    sqlx::query("UPDATE fhir_subscription SET status = 'active', updated_at = $1 WHERE status = 'requested' AND id = (SELECT subscription_id FROM outbox_message WHERE id = $2 AND status = 'sending')")
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE outbox_message SET status = 'sent', sent_at = $1, lease_until = NULL, last_error = NULL WHERE id = $2 AND status = 'sending'")
        .bind(format_time(linkwork_domain::pathway::now()))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// An attempt failed: tried again later, or given up after the last. A subscription whose
/// notification is given up is marked in error (the IG's status for a failing endpoint).
pub(super) async fn outbox_failed(c: &mut Conn, id: &str, error: &str, policy: &RetryPolicy) -> PResult<DeliveryStatus> {
    let m = sqlx::query(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox_message WHERE id = $1")).bind(id).fetch_optional(&mut *c).await?;
    let m = outbox_from(&m.ok_or_else(|| PathwayError::NotFound(format!("outbox message {id}")))?)?;
    let error: String = error.chars().take(500).collect();
    let status = match policy.after_failure(m.attempts, linkwork_domain::pathway::now()) {
        AfterFailure::RetryAt(t) => {
            sqlx::query("UPDATE outbox_message SET status = 'pending', next_attempt_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3")
                .bind(format_time(t))
                .bind(&error)
                .bind(id)
                .execute(&mut *c)
                .await?;
            DeliveryStatus::Pending
        }
        AfterFailure::GiveUp => {
            sqlx::query("UPDATE outbox_message SET status = 'failed', lease_until = NULL, last_error = $1 WHERE id = $2").bind(&error).bind(id).execute(&mut *c).await?;
            if let Some(s) = &m.subscription_id {
                sqlx::query("UPDATE fhir_subscription SET status = 'error', updated_at = $1 WHERE id = $2 AND status IN ('active', 'requested')").bind(now()).bind(s).execute(&mut *c).await?;
            }
            DeliveryStatus::Failed
        }
    };
    Ok(status)
}

/// The outbox as an administrator reads it (newest first), audited: it names addresses.
pub(super) async fn list_outbox(c: &mut Conn, a: &Actor, status: Option<DeliveryStatus>, limit: i64) -> PResult<Vec<OutboxMessage>> {
    let sql = format!("SELECT {OUTBOX_COLUMNS} FROM outbox_message WHERE CAST($1 AS TEXT) IS NULL OR status = $1 ORDER BY created_at DESC, id DESC LIMIT $2");
    let rows = sqlx::query(&sql).bind(status.map(|s| s.as_str())).bind(limit).fetch_all(&mut *c).await?;
    audit(c, a, "search", "outbox_message", None, None).await?;
    rows.iter().map(outbox_from).collect()
}

/// How many messages are in each state.
pub(super) async fn outbox_counts(c: &mut Conn) -> PResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as("SELECT status, COUNT(*) FROM outbox_message GROUP BY status ORDER BY status").fetch_all(&mut *c).await?)
}

/// An administrator sends a failed message again: it goes back to the queue with its attempts
/// counted afresh (a subscription in error is made active again).
pub(super) async fn replay_outbox(c: &mut Conn, a: &Actor, id: &str) -> PResult<OutboxMessage> {
    let m = sqlx::query(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox_message WHERE id = $1")).bind(id).fetch_optional(&mut *c).await?;
    let m = outbox_from(&m.ok_or_else(|| PathwayError::NotFound(format!("outbox message {id}")))?)?;
    if m.status != DeliveryStatus::Failed {
        return Err(PathwayError::Conflict(format!("only a failed message is sent again; this one is {}", m.status.as_str())));
    }
    sqlx::query("UPDATE outbox_message SET status = 'pending', attempts = 0, next_attempt_at = $1 WHERE id = $2").bind(format_time(linkwork_domain::pathway::now())).bind(id).execute(&mut *c).await?;
    if let Some(s) = &m.subscription_id {
        sqlx::query("UPDATE fhir_subscription SET status = 'active', updated_at = $1 WHERE id = $2 AND status = 'error'").bind(now()).bind(s).execute(&mut *c).await?;
    }
    audit(c, a, "replay", "outbox_message", Some(id), m.person_id.as_deref()).await?;
    let r = sqlx::query(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox_message WHERE id = $1")).bind(id).fetch_one(&mut *c).await?;
    outbox_from(&r)
}

/// The delivery worker's read of the facts a message is rendered from.
pub(super) async fn outbox_follow_up(c: &mut Conn, id: &str) -> PResult<Option<(String, Option<String>)>> {
    Ok(sqlx::query_as("SELECT due_on, purpose FROM follow_up WHERE id = $1").bind(id).fetch_optional(&mut *c).await?)
}

// ---------------------------------------------------------------------------------------------
// FHIR rest-hook subscriptions

const SUBSCRIPTION_COLUMNS: &str = "id, client_id, status, topic, filter_criteria, endpoint, headers, body, events_since_start, heartbeat_seconds, created_at, updated_at";

fn subscription_from(r: &DbRow) -> PResult<SubscriptionRecord> {
    let headers: String = r.try_get("headers")?;
    let body: String = r.try_get("body")?;
    Ok(SubscriptionRecord {
        id: r.try_get("id")?,
        client_id: r.try_get("client_id")?,
        status: r.try_get("status")?,
        topic: r.try_get("topic")?,
        filter_criteria: r.try_get("filter_criteria")?,
        endpoint: r.try_get("endpoint")?,
        headers: serde_json::from_str(&headers)?,
        body: serde_json::from_str(&body)?,
        events_since_start: r.try_get("events_since_start")?,
        heartbeat_seconds: r.try_get("heartbeat_seconds")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A subscription is kept `requested` and a handshake queued to its endpoint: it becomes active
/// when the endpoint takes the handshake, and is in error if it never does (the Backport's
/// handshake). Only an active subscription is told of changes.
pub(super) async fn create_subscription(c: &mut Conn, a: &Actor, client: &str, s: &NewSubscription) -> PResult<SubscriptionRecord> {
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO fhir_subscription (id, client_id, status, topic, filter_criteria, endpoint, headers, body, events_since_start, heartbeat_seconds, created_at, updated_at) \
         VALUES ($1, $2, 'requested', $3, $4, $5, $6, $7, 0, $8, $9, $9)",
    )
    .bind(&id)
    .bind(client)
    .bind(&s.topic)
    .bind(&s.filter_criteria)
    .bind(&s.endpoint)
    .bind(to_json(&s.headers))
    .bind(s.body.to_string())
    .bind(s.heartbeat_seconds)
    .bind(&at)
    .execute(&mut *c)
    .await?;
    subscription_signal(c, client, &id, &s.endpoint, "handshake", format!("handshake:{id}")).await?;
    audit(c, a, "create", "fhir_subscription", Some(&id), None).await?;
    subscription_get(c, Some(client), &id).await
}

/// Queues a notification with no event (`handshake`, `heartbeat`) for a subscription.
async fn subscription_signal(c: &mut Conn, client: &str, id: &str, endpoint: &str, kind: &str, key: String) -> PResult<bool> {
    let o = Outgoing {
        channel: Channel::RestHook,
        purpose: Purpose::TaskNotification,
        address: endpoint.to_string(),
        language: "en".into(),
        payload: serde_json::json!({ "type": kind }),
        user_id: Some(client.to_string()),
        person_id: None,
        subscription_id: Some(id.to_string()),
        dedupe_key: Some(key),
    };
    outbox_enqueue(c, &o).await
}

/// Queues a heartbeat for each active subscription with a heartbeat period that nothing was
/// queued for in that long (once per period, whichever server looks first).
pub(super) async fn subscription_heartbeats(c: &mut Conn, at: &str) -> PResult<i64> {
    let subs: Vec<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, client_id, endpoint, heartbeat_seconds, created_at FROM fhir_subscription WHERE status = 'active' AND heartbeat_seconds IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut *c)
    .await?;
    let now_t = linkwork_domain::pathway::parse_time(at).ok_or_else(|| crate::StoreError::Invalid(format!("a time: {at}")))?;
    let mut queued = 0;
    for (id, client, endpoint, period, created) in subs {
        let last: Option<String> = sqlx::query_scalar("SELECT MAX(created_at) FROM outbox_message WHERE subscription_id = $1").bind(&id).fetch_one(&mut *c).await?;
        let last = last.unwrap_or(created);
        let Some(last_t) = linkwork_domain::pathway::parse_time(&last) else { continue };
        if (now_t - last_t).num_seconds() < period {
            continue;
        }
        let bucket = now_t.timestamp() / period.max(1);
        queued += i64::from(subscription_signal(c, &client, &id, &endpoint, "heartbeat", format!("heartbeat:{id}:{bucket}")).await?);
    }
    Ok(queued)
}

async fn subscription_get(c: &mut Conn, client: Option<&str>, id: &str) -> PResult<SubscriptionRecord> {
    let r = sqlx::query(&format!("SELECT {SUBSCRIPTION_COLUMNS} FROM fhir_subscription WHERE id = $1")).bind(id).fetch_optional(&mut *c).await?;
    let s = subscription_from(&r.ok_or_else(|| PathwayError::NotFound(format!("Subscription {id}")))?)?;
    if client.is_some_and(|cl| cl != s.client_id) {
        return Err(PathwayError::NotFound(format!("Subscription {id}")));
    }
    Ok(s)
}

pub(super) async fn get_subscription(c: &mut Conn, client: Option<&str>, id: &str) -> PResult<SubscriptionRecord> {
    subscription_get(c, client, id).await
}

pub(super) async fn list_subscriptions(c: &mut Conn, client: Option<&str>) -> PResult<Vec<SubscriptionRecord>> {
    let sql = format!("SELECT {SUBSCRIPTION_COLUMNS} FROM fhir_subscription WHERE CAST($1 AS TEXT) IS NULL OR client_id = $1 ORDER BY created_at, id");
    let rows = sqlx::query(&sql).bind(client).fetch_all(&mut *c).await?;
    rows.iter().map(subscription_from).collect()
}

/// The subscriber turns its subscription off (kept, with its log of deliveries).
pub(super) async fn end_subscription(c: &mut Conn, a: &Actor, client: Option<&str>, id: &str) -> PResult<SubscriptionRecord> {
    subscription_get(c, client, id).await?;
    sqlx::query("UPDATE fhir_subscription SET status = 'off', updated_at = $1 WHERE id = $2").bind(now()).bind(id).execute(&mut *c).await?;
    audit(c, a, "delete", "fhir_subscription", Some(id), None).await?;
    subscription_get(c, client, id).await
}

/// A Task changed: each active subscription of the system that sent it, whose filter the Task
/// matches, gets an id-only notification (queued in this transaction), numbered by the
/// subscription's event count as the Backport's SubscriptionStatus requires.
pub(super) async fn subscription_task_changed(c: &mut Conn, task_id: &str) -> PResult<()> {
    let t = fhir_get(c, "Task", task_id).await?;
    let Some(client) = t.client_id.as_deref() else { return Ok(()) };
    let subs: Vec<(String, Option<String>, String)> =
        sqlx::query_as("SELECT id, filter_criteria, endpoint FROM fhir_subscription WHERE client_id = $1 AND status = 'active' ORDER BY id").bind(client).fetch_all(&mut *c).await?;
    for (sid, filter, endpoint) in subs {
        let f = match filter.as_deref().map(TaskFilter::parse).transpose() {
            Ok(f) => f,
            Err(_) => continue,
        };
        if f.is_some_and(|f| !f.matches(task_id, t.status.as_deref(), t.owner_ref.as_deref(), t.requester_ref.as_deref())) {
            continue;
        }
        let n: i64 = sqlx::query_scalar("UPDATE fhir_subscription SET events_since_start = events_since_start + 1 WHERE id = $1 RETURNING events_since_start")
            .bind(&sid)
            .fetch_one(&mut *c)
            .await?;
        let payload = serde_json::json!({ "task_id": task_id, "task_version": t.version_id, "event_number": n });
        let o = Outgoing { channel: Channel::RestHook, purpose: Purpose::TaskNotification, address: endpoint, language: "en".into(), payload, user_id: Some(client.to_string()), person_id: None, subscription_id: Some(sid), dedupe_key: None };
        outbox_enqueue(c, &o).await?;
    }
    Ok(())
}
