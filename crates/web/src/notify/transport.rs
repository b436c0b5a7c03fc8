//! The ways out: an SMTP server (lettre; STARTTLS unless configured otherwise), a text gateway's
//! webhook, and a FHIR subscriber's endpoint. Each answers Ok once the other side has taken the
//! message, or the reason it did not, in words an administrator can act on (never a secret).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use super::{EmailSettings, Security, TextSettings};

/// A setting that must never be printed or logged (a password, an API key header).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

/// Serialised as `***`: a configuration written out (defaults, a diagnostic) never holds it.
impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// An email ready to go.
pub struct Email<'a> {
    /// The outbox message's id: the Message-ID is made from it, so that a receiving system can
    /// tell a message it already has if one is ever sent twice.
    pub id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
}

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(s: &EmailSettings, timeout: Duration) -> Result<Smtp, String> {
        let from: Mailbox = s.from.parse().map_err(|e| format!("the sender '{}' is not an address: {e}", s.from))?;
        let builder = match s.security {
            Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host).map_err(|e| format!("SMTP server {}: {e}", s.host))?.port(s.port.unwrap_or(587)),
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(|e| format!("SMTP server {}: {e}", s.host))?.port(s.port.unwrap_or(465)),
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host).port(s.port.unwrap_or(25)),
        };
        let builder = match (&s.username, &s.password) {
            (Some(u), Some(p)) => builder.credentials(Credentials::new(u.clone(), p.expose().to_string())),
            _ => builder,
        };
        Ok(Smtp { transport: builder.timeout(Some(timeout)).build(), from })
    }

    pub async fn send(&self, e: &Email<'_>) -> Result<(), String> {
        let to: Mailbox = e.to.parse().map_err(|err| format!("'{}' is not an email address: {err}", e.to))?;
        let host = self.from.email.domain().to_string();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(e.subject)
            .message_id(Some(format!("<{}@{host}>", e.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(e.text.to_string())
            .map_err(|err| format!("the email could not be built: {err}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|err| format!("the SMTP server did not take it: {err}"))
    }
}

fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder().timeout(timeout).redirect(reqwest::redirect::Policy::none()).build().map_err(|e| format!("HTTP client: {e}"))
}

fn header_pair(h: &str) -> Option<(String, String)> {
    let (n, v) = h.split_once(':')?;
    Some((n.trim().to_string(), v.trim().to_string()))
}

/// JSON-escapes `s` without its quotes (for a template's `"{text}"`).
fn json_inner(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap_or_default();
    q[1..q.len() - 1].to_string()
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// The gateway's body for one text, from its template.
pub fn text_body(t: &TextSettings, to: &str, text: &str) -> String {
    let esc: fn(&str) -> String = if t.content_type.starts_with("application/json") {
        json_inner
    } else if t.content_type.starts_with("application/x-www-form-urlencoded") {
        form_encode
    } else {
        str::to_string
    };
    t.body.replace("{to}", &esc(to)).replace("{text}", &esc(text))
}

pub struct Gateway {
    http: reqwest::Client,
    settings: TextSettings,
}

impl Gateway {
    pub fn new(t: &TextSettings, timeout: Duration) -> Result<Gateway, String> {
        Ok(Gateway { http: client(timeout)?, settings: t.clone() })
    }

    pub async fn send(&self, to: &str, text: &str) -> Result<(), String> {
        let mut r = self.http.post(&self.settings.url).header(reqwest::header::CONTENT_TYPE, &self.settings.content_type).body(text_body(&self.settings, to, text));
        for h in &self.settings.headers {
            if let Some((n, v)) = header_pair(h.expose()) {
                r = r.header(n, v);
            }
        }
        answered(r.send().await, "the text gateway").await
    }
}

async fn answered(r: Result<reqwest::Response, reqwest::Error>, who: &str) -> Result<(), String> {
    match r {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => {
            let status = r.status();
            let body: String = r.text().await.unwrap_or_default().chars().take(200).collect();
            Err(format!("{who} answered {status}: {body}"))
        }
        Err(e) if e.is_timeout() => Err(format!("{who} did not answer in time")),
        Err(e) if e.is_connect() => Err(format!("{who} could not be reached")),
        Err(e) => Err(format!("{who}: {e}")),
    }
}

/// FHIR subscribers' endpoints.
pub struct RestHook {
    http: reqwest::Client,
}

impl RestHook {
    pub fn new(timeout: Duration) -> Result<RestHook, String> {
        Ok(RestHook { http: client(timeout)? })
    }

    pub async fn send(&self, endpoint: &str, headers: &[String], bundle: &serde_json::Value) -> Result<(), String> {
        let mut r = self.http.post(endpoint).header(reqwest::header::CONTENT_TYPE, "application/fhir+json").body(bundle.to_string());
        for h in headers {
            if let Some((n, v)) = header_pair(h) {
                r = r.header(n, v);
            }
        }
        answered(r.send().await, "the subscriber's endpoint").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gateway_template_gets_the_number_and_text_escaped_for_its_content_type() {
        let mut t = TextSettings { url: "http://g".into(), headers: vec![], content_type: "application/json".into(), body: r#"{"to":"{to}","msg":"{text}"}"#.into() };
        let b = text_body(&t, "+447700900123", "Say \"hi\"\nthen");
        let v: serde_json::Value = serde_json::from_str(&b).unwrap();
        assert_eq!(v["msg"], "Say \"hi\"\nthen");
        t.content_type = "application/x-www-form-urlencoded".into();
        t.body = "To={to}&Body={text}".into();
        assert_eq!(text_body(&t, "+44 1", "a&b c"), "To=%2B44+1&Body=a%26b+c");
    }

    #[test]
    fn secrets_are_never_shown() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "\"***\"");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
    }
}
