//! The delivery worker: claims due messages from the outbox, renders and sends each, and marks it
//! sent, or failed with its next attempt (backoff) or given up. It also queues each day's digests
//! and reminders, once each (their keys keep a second pass, or a second server, from queueing
//! another).
//!
//! Nothing is lost: a message is in the database before anyone is told of it, and one claimed by a
//! worker that dies is claimed again when its lease runs out. Nothing is sent twice, except in the
//! moment between an SMTP server taking a message and the worker marking it sent; a message sent
//! again after a crash there carries the same Message-ID (docs/decisions/0017).

use std::time::Duration;

use chrono::{Timelike, Utc};
use linkwork_domain::notify::Channel;
use linkwork_store::pathway::OutboxMessage;

use super::render::render;
use super::transport::{Email, ExtraRoots, Gateway, RestHook, Smtp};
use crate::i18n::{Lang, Tr};
use crate::AppState;

/// The transports this deployment has, built once.
pub struct Transports {
    smtp: Option<Smtp>,
    gateway: Option<Gateway>,
    hook: RestHook,
}

impl Transports {
    pub fn new(state: &AppState) -> Result<Transports, String> {
        let s = &state.config.notify;
        let timeout = Duration::from_secs(s.timeout_seconds);
        let extra = match &s.ca_file {
            Some(path) => ExtraRoots::read(path)?,
            None => ExtraRoots::default(),
        };
        Ok(Transports {
            smtp: s.email.as_ref().map(|e| Smtp::new(e, timeout, &extra)).transpose()?,
            gateway: s.text.as_ref().map(|t| Gateway::new(t, timeout, &extra)).transpose()?,
            hook: RestHook::new(timeout, &extra)?,
        })
    }

    /// The channels that can be sent: emails and texts wait in the outbox until their server is
    /// configured.
    pub fn channels(&self) -> Vec<Channel> {
        let mut c = vec![Channel::RestHook];
        if self.smtp.is_some() {
            c.push(Channel::Email);
        }
        if self.gateway.is_some() {
            c.push(Channel::Text);
        }
        c
    }
}

/// Runs the worker until the process ends. `base` is the URL people reach the server at.
pub fn spawn(state: AppState, base: String) {
    let transports = match Transports::new(&state) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "notifications are not sent: the configuration has a problem");
            return;
        }
    };
    tokio::spawn(async move {
        let poll = Duration::from_millis(state.config.notify.poll_millis);
        let mut last_schedule: Option<std::time::Instant> = None;
        loop {
            if last_schedule.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                if let Err(e) = schedule(&state, Utc::now()).await {
                    tracing::warn!(error = %e, "the day's digests and reminders could not be queued; trying again in a minute");
                }
                last_schedule = Some(std::time::Instant::now());
            }
            match run_once(&state, &transports, &base).await {
                Ok(n) if n as i64 >= state.config.notify.batch => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the outbox could not be read; trying again"),
            }
            tokio::time::sleep(poll).await;
        }
    });
}

/// Queues the day's digests and the reminders for the contacts `reminder_days_before` ahead,
/// once the day's digest hour has come. Answers how many were queued.
pub async fn schedule(state: &AppState, now: chrono::DateTime<Utc>) -> Result<i64, linkwork_store::pathway::PathwayError> {
    let s = &state.config.notify;
    // Heartbeats whatever the hour: a subscriber counts on them to know it is still subscribed.
    let h = state.store().subscription_heartbeats(&linkwork_domain::pathway::format_time(now)).await?;
    if h > 0 {
        tracing::debug!(heartbeats = h, "heartbeats queued");
    }
    if now.hour() < s.digest_hour {
        return Ok(0);
    }
    let today = now.date_naive();
    let ahead = today + chrono::Duration::days(s.reminder_days_before);
    let d = state.store().outbox_queue_digests(&today.to_string()).await?;
    let r = state.store().outbox_queue_reminders(&ahead.to_string()).await?;
    Ok(d + r)
}

/// One pass: claims a batch and sends each. Answers how many were claimed.
pub async fn run_once(state: &AppState, t: &Transports, base: &str) -> Result<usize, linkwork_store::pathway::PathwayError> {
    let s = &state.config.notify;
    let batch = state.store().outbox_claim(s.batch, s.lease_seconds, &t.channels()).await?;
    let n = batch.len();
    // A few at a time: each waits mostly on the other side (SMTP, a gateway, a subscriber).
    use futures_util::StreamExt;
    let results: Vec<(OutboxMessage, Result<(), Failure>)> =
        futures_util::stream::iter(batch).map(|m| async move { let r = deliver(state, t, base, &m).await; (m, r) }).buffer_unordered(s.concurrency.max(1)).collect().await;
    for (m, result) in results {
        match result {
            Ok(()) => state.store().outbox_sent(&m.id).await?,
            Err(Failure { message: e, permanent }) => {
                // What cannot succeed later is given up at once, for an administrator to see.
                let once = linkwork_domain::notify::RetryPolicy { max_attempts: 1, ..s.retry.clone() };
                let status = state.store().outbox_failed(&m.id, &e, if permanent { &once } else { &s.retry }).await?;
                tracing::warn!(id = %m.id, channel = m.channel.as_str(), attempts = m.attempts, status = status.as_str(), error = %e, "a notification was not delivered");
            }
        }
    }
    Ok(n)
}

/// Why a message was not delivered, and whether trying again could help.
struct Failure {
    message: String,
    permanent: bool,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure { message, permanent: false }
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure { message: message.into(), permanent: false }
    }
}

fn permanent(message: impl Into<String>) -> Failure {
    Failure { message: message.into(), permanent: true }
}

async fn deliver(state: &AppState, t: &Transports, base: &str, m: &OutboxMessage) -> Result<(), Failure> {
    let lang = crate::i18n::chosen(&m.language, false).unwrap_or(Lang::En);
    let tr = Tr::new(state.i18n.clone(), lang);
    match m.channel {
        Channel::Email => {
            let smtp = t.smtp.as_ref().ok_or("no SMTP server is configured")?;
            let r = render(&tr, m, base).map_err(permanent)?;
            Ok(smtp.send(&Email { id: &m.id, to: &m.address, subject: &r.subject, text: &r.text }).await?)
        }
        Channel::Text => {
            let gw = t.gateway.as_ref().ok_or("no text gateway is configured")?;
            let r = render(&tr, m, base).map_err(permanent)?;
            Ok(gw.send(&m.address, &r.text).await?)
        }
        Channel::RestHook => {
            let sid = m.subscription_id.as_deref().ok_or_else(|| permanent("a notification without its subscription"))?;
            let sub = state.store().get_subscription(None, sid).await.map_err(|e| format!("the subscription: {e}"))?;
            if sub.status == "off" {
                return Err(permanent("the subscriber turned the subscription off"));
            }
            let k = crate::fhir_api::subscription::kept(&sub);
            let fhir = format!("{base}/fhir");
            let bundle = match m.payload["type"].as_str() {
                Some(kind @ ("handshake" | "heartbeat")) => linkwork_fhir::subscription::signal(&fhir, &k, kind, &m.id, &m.created_at),
                _ => {
                    let task = m.payload["task_id"].as_str().ok_or_else(|| permanent("a notification without its Task"))?;
                    let n = m.payload["event_number"].as_i64().unwrap_or(0);
                    linkwork_fhir::subscription::notification(&fhir, &k, &m.id, n, &m.created_at, task)
                }
            };
            Ok(t.hook.send(&sub.endpoint, &sub.headers, &bundle).await?)
        }
    }
}
