//! Notifications: emails (SMTP), texts (a configured HTTP gateway) and FHIR rest-hook
//! notifications, all sent from the outbox in the database (docs/decisions/0017).
//!
//! - `worker.rs`: the delivery worker the server runs — it claims due messages, renders and
//!   sends them, marks them sent or tries again with backoff, and queues the daily digests and
//!   reminders once each.
//! - `render.rs`: what each message says, in the recipient's language, from its payload.
//! - `transport.rs`: SMTP (lettre, STARTTLS by default), the text gateway's webhook, and the
//!   rest-hook POST.
//! - `api.rs`: the administrator's outbox (`/api/v1/outbox`, send a failed message again) and
//!   each user's choice of emails (`/api/v1/me/notifications`).
//! - `pages.rs`: the same on `/admin/outbox` and `/account/notifications`.

pub mod api;
pub mod pages;
mod render;
pub mod transport;
pub mod worker;

use linkwork_domain::notify::RetryPolicy;
use serde::{Deserialize, Serialize};

pub use transport::Secret;

/// How the deployment sends (`[notifications]` in linkwork.toml).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// Whether this server runs the delivery worker. More than one server may: a message is
    /// claimed by one of them at a time.
    pub deliver: bool,
    /// How often the worker looks for due messages, in milliseconds.
    pub poll_millis: u64,
    /// How long a claimed message is the claiming worker's: after that, a worker that died while
    /// sending it no longer holds it.
    pub lease_seconds: i64,
    /// Messages claimed at a time.
    pub batch: i64,
    /// Messages of a batch sent at once.
    pub concurrency: usize,
    /// The hour (UTC) from which each day's digests and reminders are queued.
    pub digest_hour: u32,
    /// Days before a booked contact that the person's reminder goes.
    pub reminder_days_before: i64,
    /// How long an SMTP server, text gateway or subscriber may take, in seconds.
    pub timeout_seconds: u64,
    pub retry: RetryPolicy,
    /// The SMTP server; without it emails wait in the outbox until one is configured.
    pub email: Option<EmailSettings>,
    /// The text gateway; without it texts wait in the outbox.
    pub text: Option<TextSettings>,
    /// A PEM file of certificate authorities trusted besides the system's, for an SMTP server,
    /// text gateway or subscriber whose certificate a private CA issued.
    pub ca_file: Option<std::path::PathBuf>,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            deliver: true,
            poll_millis: 2000,
            lease_seconds: 120,
            batch: 20,
            concurrency: 4,
            digest_hour: 7,
            reminder_days_before: 1,
            timeout_seconds: 20,
            retry: RetryPolicy::default(),
            email: None,
            text: None,
            ca_file: None,
        }
    }
}

/// How a connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or in tests.
    None,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub host: String,
    /// Defaults to 587 with STARTTLS, 465 with TLS, 25 with none.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default = "starttls")]
    pub security: Security,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<Secret>,
    /// The sender, e.g. `Linkwork <noreply@linkwork.example>`.
    pub from: String,
}

fn starttls() -> Security {
    Security::Starttls
}

/// A text gateway's webhook: gateways differ, so the request is a template.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextSettings {
    /// Where texts are POSTed.
    pub url: String,
    /// Headers sent with each, as `Name: value` (an API key, say); never logged.
    #[serde(default)]
    pub headers: Vec<Secret>,
    #[serde(default = "json_type")]
    pub content_type: String,
    /// The body, with `{to}` (the number in E.164 form) and `{text}` put in: JSON-escaped when the
    /// content type is JSON, form-encoded when it is `application/x-www-form-urlencoded`.
    #[serde(default = "json_body")]
    pub body: String,
}

fn json_type() -> String {
    "application/json".into()
}

fn json_body() -> String {
    r#"{"to": "{to}", "text": "{text}"}"#.into()
}

impl NotifySettings {
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut p = self.retry.check().err().unwrap_or_default();
        if self.digest_hour > 23 {
            p.push("notifications.digest_hour is an hour of the day, 0 to 23".into());
        }
        if self.poll_millis < 50 || self.lease_seconds < 5 || self.batch < 1 {
            p.push("notifications.poll_millis must be at least 50, lease_seconds at least 5 and batch at least 1".into());
        }
        if !(0..=14).contains(&self.reminder_days_before) {
            p.push("notifications.reminder_days_before must be 0 to 14".into());
        }
        if let Some(e) = &self.email {
            if e.from.parse::<lettre::message::Mailbox>().is_err() {
                p.push(format!("notifications.email.from '{}' is not an address such as 'Linkwork <noreply@example.org>'", e.from));
            }
            if e.host.trim().is_empty() {
                p.push("notifications.email.host is the SMTP server's name".into());
            }
            if e.password.is_some() && e.username.is_none() {
                p.push("notifications.email.password needs a username".into());
            }
        }
        if let Some(t) = &self.text {
            if !(t.url.starts_with("https://") || t.url.starts_with("http://")) {
                p.push(format!("notifications.text.url '{}' must be an https:// URL (or http:// for a gateway on the same network)", t.url));
            }
            if !t.body.contains("{to}") || !t.body.contains("{text}") {
                p.push("notifications.text.body must contain {to} and {text}".into());
            }
            for h in &t.headers {
                if h.expose().split_once(':').is_none() {
                    p.push("notifications.text.headers are 'Name: value'".into());
                }
            }
        }
        if let Some(path) = &self.ca_file {
            if let Err(e) = transport::ExtraRoots::read(path) {
                p.push(e);
            }
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(p)
        }
    }
}
