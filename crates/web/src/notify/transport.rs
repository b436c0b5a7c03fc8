//! The ways out: an SMTP server (lettre; STARTTLS unless configured otherwise), a text gateway's
//! webhook, and a FHIR subscriber's endpoint. Each answers Ok once the other side has taken the
//! message, or the reason it did not, in words an administrator can act on (never a secret).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rustls::pki_types::{pem::PemObject, CertificateDer};
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

/// The certificate authorities trusted besides the system's (`notifications.ca_file`): the PEM
/// text as read, for SMTP, and its certificates, for HTTPS.
#[derive(Clone, Default)]
pub struct ExtraRoots {
    pem: Option<Vec<u8>>,
    certs: Vec<CertificateDer<'static>>,
}

impl std::fmt::Debug for ExtraRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExtraRoots({} certificates)", self.certs.len())
    }
}

impl ExtraRoots {
    /// Reads a PEM file of one or more CA certificates.
    pub fn read(path: &std::path::Path) -> Result<ExtraRoots, String> {
        let pem = std::fs::read(path).map_err(|e| format!("notifications.ca_file {}: {e}", path.display()))?;
        let certs = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("notifications.ca_file {}: not PEM certificates ({e})", path.display()))?;
        if certs.is_empty() {
            return Err(format!("notifications.ca_file {} holds no certificate (-----BEGIN CERTIFICATE-----)", path.display()));
        }
        Ok(ExtraRoots { pem: Some(pem), certs })
    }
}

/// TLS for outbound HTTPS: the system's roots and the configured ones, with the same crypto
/// provider as the rest of the tree (aws-lc-rs) named here rather than installed process-wide,
/// so no other TLS client in the process is affected (decision 0017).
fn https_config(extra: &ExtraRoots) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    // Certificates the system offers that rustls cannot read are skipped, as browsers do.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    for c in &extra.certs {
        roots.add(c.clone()).map_err(|e| format!("notifications.ca_file: a certificate is not usable as a root: {e}"))?;
    }
    rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
}

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(s: &EmailSettings, timeout: Duration, extra: &ExtraRoots) -> Result<Smtp, String> {
        let from: Mailbox = s.from.parse().map_err(|e| format!("the sender '{}' is not an address: {e}", s.from))?;
        let tls = || -> Result<TlsParameters, String> {
            let mut b = TlsParameters::builder(s.host.clone());
            if let Some(pem) = &extra.pem {
                b = b.add_root_certificate(Certificate::from_pem(pem).map_err(|e| format!("notifications.ca_file: {e}"))?);
            }
            b.build_rustls().map_err(|e| format!("TLS for SMTP server {}: {e}", s.host))
        };
        let plain = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host);
        let builder = match s.security {
            // STARTTLS must succeed: a server that does not offer it gets no email in the clear.
            Security::Starttls => plain.port(s.port.unwrap_or(587)).tls(Tls::Required(tls()?)),
            Security::Tls => plain.port(s.port.unwrap_or(465)).tls(Tls::Wrapper(tls()?)),
            Security::None => plain.port(s.port.unwrap_or(25)),
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

fn client(timeout: Duration, extra: &ExtraRoots) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .use_preconfigured_tls(https_config(extra)?)
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
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
    pub fn new(t: &TextSettings, timeout: Duration, extra: &ExtraRoots) -> Result<Gateway, String> {
        Ok(Gateway { http: client(timeout, extra)?, settings: t.clone() })
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
        // The innermost cause says what to fix: refused, a name not found, a certificate not trusted.
        Err(e) if e.is_connect() => Err(format!("{who} could not be reached: {}", innermost(&e))),
        Err(e) => Err(format!("{who}: {e}")),
    }
}

fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// FHIR subscribers' endpoints.
pub struct RestHook {
    http: reqwest::Client,
}

impl RestHook {
    pub fn new(timeout: Duration, extra: &ExtraRoots) -> Result<RestHook, String> {
        Ok(RestHook { http: client(timeout, extra)? })
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
