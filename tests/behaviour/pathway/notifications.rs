//! Notifications through the outbox, on both databases, against a real SMTP server the tests start
//! (aiosmtpd, from PyPI) and a local HTTP receiver: the referrer's message back and the provider's
//! new referral arrive by email once, after the mail server was down at first, and say nothing of
//! the person; a person's reminder goes as a text through the gateway's template in their
//! language, and a link worker's digest as an email, each once however often the day is
//! scheduled; users choose their emails; only administrators read the outbox; and messages
//! queued when the server is killed with SIGKILL all arrive once after it starts again.

use std::io::{Read, Write};
use std::net::TcpListener as StdListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use linkwork_domain::notify::RetryPolicy;
use linkwork_domain::pathway::Role;
use linkwork_store::pathway::{Actor, NewUser};
use linkwork_web::notify::{EmailSettings, NotifySettings, Security, TextSettings};
use linkwork_web::WebConfig;
use serde_json::{json, Value};

use super::{s, Client, World, PASSWORD};
use crate::on_both_databases;
use crate::support::TestDb;

/// A port nothing listens on yet (the SMTP server may be started on it later).
pub(crate) fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A real SMTP server (aiosmtpd) keeping what it receives in a maildir.
pub(crate) struct Smtp {
    child: Child,
    pub dir: tempfile::TempDir,
}

impl Smtp {
    pub fn start(port: u16) -> Smtp {
        Smtp::spawn(port, None)
    }

    /// A server that requires STARTTLS (aiosmtpd refuses MAIL before it) with `ca`'s certificate.
    pub fn start_tls(port: u16, ca: &PrivateCa) -> Smtp {
        Smtp::spawn(port, Some(ca))
    }

    fn spawn(port: u16, tls: Option<&PrivateCa>) -> Smtp {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("python3");
        cmd.args(["-m", "aiosmtpd", "-n", "-u", "-l", &format!("127.0.0.1:{port}")]);
        if let Some(ca) = tls {
            cmd.arg("--tlscert").arg(&ca.cert).arg("--tlskey").arg(&ca.key);
        }
        let child = cmd
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs (pip install aiosmtpd)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start on {port} (is it installed? pip install aiosmtpd)");
            std::thread::sleep(Duration::from_millis(50));
        }
        Smtp { child, dir }
    }

    /// Every message received, as (headers, decoded text).
    pub fn messages(&self) -> Vec<Mail> {
        let mut out = vec![];
        for sub in ["new", "cur"] {
            let Ok(rd) = std::fs::read_dir(self.dir.path().join("mail").join(sub)) else { continue };
            for f in rd.flatten() {
                out.push(Mail::parse(&std::fs::read_to_string(f.path()).unwrap()));
            }
        }
        out
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub(crate) struct Mail {
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Mail {
    fn parse(raw: &str) -> Mail {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let mut headers: Vec<(String, String)> = vec![];
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = headers.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(line.trim());
                }
            } else if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let mut m = Mail { headers, text: String::new() };
        m.text = match m.header("content-transfer-encoding").to_ascii_lowercase().as_str() {
            "quoted-printable" => quoted_printable(body),
            "base64" => String::from_utf8(base64(body)).unwrap(),
            _ => body.to_string(),
        };
        m
    }

    pub fn header(&self, name: &str) -> String {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\n", "");
    let b = s.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'=' && i + 2 < b.len() + 1).then(|| std::str::from_utf8(&b[i + 1..(i + 3).min(b.len())]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())).flatten();
        match hex {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn base64(s: &str) -> Vec<u8> {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = vec![];
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        acc = (acc << 6) | T.iter().position(|t| *t == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// A local HTTP receiver (a text gateway, a FHIR subscriber): keeps each request's headers and
/// body, and answers 500 while `failing` is set.
#[derive(Clone)]
pub(crate) struct Sink {
    pub url: String,
    pub got: Arc<Mutex<Vec<(String, Value)>>>,
    pub failing: Arc<Mutex<bool>>,
}

impl Sink {
    pub fn start(path: &str) -> Sink {
        Sink::listen(path, None)
    }

    /// The same over HTTPS, with `ca`'s certificate for localhost.
    pub fn start_tls(path: &str, ca: &PrivateCa) -> Sink {
        Sink::listen(path, Some(ca.server.clone()))
    }

    fn listen(path: &str, tls: Option<Arc<rustls::ServerConfig>>) -> Sink {
        let l = StdListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let url = if tls.is_some() { format!("https://localhost:{port}{path}") } else { format!("http://127.0.0.1:{port}{path}") };
        let sink = Sink { url, got: Default::default(), failing: Default::default() };
        let s2 = sink.clone();
        std::thread::spawn(move || {
            for stream in l.incoming().flatten() {
                let s3 = s2.clone();
                let tls = tls.clone();
                std::thread::spawn(move || match tls {
                    Some(cfg) => s3.answer(rustls::StreamOwned::new(rustls::ServerConnection::new(cfg).unwrap(), stream)),
                    None => s3.answer(stream),
                });
            }
        });
        sink
    }

    fn answer(&self, mut stream: impl Read + Write) {
        let mut buf = vec![];
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk).unwrap_or(0);
            if n == 0 {
                return;
            }
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len: usize = head.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())).unwrap_or(0);
                if body.len() >= len {
                    let failing = *self.failing.lock().unwrap();
                    if !failing {
                        self.got.lock().unwrap().push((head.to_string(), serde_json::from_str(body).unwrap_or(Value::String(body.to_string()))));
                    }
                    let status = if failing { "500 Internal Server Error" } else { "200 OK" };
                    let _ = stream.write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes());
                    return;
                }
            }
        }
    }

    pub fn bodies(&self) -> Vec<Value> {
        self.got.lock().unwrap().iter().map(|(_, b)| b.clone()).collect()
    }
}

/// A certificate authority of the test's own and a certificate it issued for localhost, as PEM
/// files (for aiosmtpd and `notifications.ca_file`) and as a TLS server configuration.
pub(crate) struct PrivateCa {
    _dir: tempfile::TempDir,
    pub ca: std::path::PathBuf,
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
    pub server: Arc<rustls::ServerConfig>,
}

impl PrivateCa {
    pub fn new() -> PrivateCa {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let ca_key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name.push(DnType::CommonName, "Linkwork test CA");
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca = p.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let mut lp = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        lp.distinguished_name.push(DnType::CommonName, "localhost");
        let leaf = lp.signed_by(&key, &ca, &ca_key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (ca_path, cert, key_path) = (dir.path().join("ca.pem"), dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&ca_path, ca.pem()).unwrap();
        std::fs::write(&cert, leaf.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        let der = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
        let server = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(vec![leaf.der().clone()], der).unwrap();
        PrivateCa { _dir: dir, ca: ca_path, cert, key: key_path, server: Arc::new(server) }
    }
}

/// Settings that retry within a second and look for work every 100 ms.
pub(crate) fn fast(email_port: Option<u16>, text: Option<&Sink>) -> NotifySettings {
    NotifySettings {
        poll_millis: 100,
        lease_seconds: 5,
        retry: RetryPolicy { max_attempts: 30, backoff_seconds: 1, max_backoff_seconds: 1 },
        email: email_port.map(|port| EmailSettings { host: "127.0.0.1".into(), port: Some(port), security: Security::None, username: None, password: None, from: "Linkwork <noreply@linkwork.test>".into() }),
        text: text.map(|t| TextSettings { url: t.url.clone(), headers: vec![linkwork_web::notify::Secret::new("X-Api-Key: gateway-key")], content_type: "application/json".into(), body: r#"{"to": "{to}", "message": "{text}"}"#.into() }),
        ..NotifySettings::default()
    }
}

/// Waits until `check` holds (up to 30 s), polling every 100 ms.
pub(crate) async fn eventually<F: std::future::Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A user with an email address, signed in.
async fn with_email(w: &World, username: &str, role: Role, email: &str, orgs: Vec<String>) -> Client {
    let u = NewUser {
        username: username.into(),
        display_name: username.into(),
        email: Some(email.into()),
        password_hash: Some(linkwork_web::auth::hash_password(PASSWORD).unwrap()),
        roles: vec![role],
        organizations: orgs,
    };
    let user = w.app.store().create_user(&Actor::system("test set-up"), &u).await.unwrap();
    let c = Client { token: None, user_id: user.id.clone(), ..w.gp.clone() };
    let t = c.post("/api/v1/auth/token", json!({ "username": username, "password": PASSWORD })).await;
    Client { token: Some(s(&t.body["token"]).to_string()), ..c }
}

async fn outbox(w: &World) -> Vec<Value> {
    w.admin.read("/api/v1/outbox?limit=500").await["messages"].as_array().unwrap().clone()
}

/// The message back and the new referral wait while the mail server is down, then arrive once
/// each, in the recipient's language, naming nobody.
async fn emails_wait_for_the_mail_server_and_arrive_once_naming_nobody(db: TestDb) {
    let port = free_port();
    let w = World::with_config(db, WebConfig { notify: fast(Some(port), None), ..WebConfig::default() }).await;
    let gp = with_email(&w, "drjones", Role::Referrer, "old.address@practice.test", vec![]).await;
    // The practice's address changed: an administrator sets the new one, checked.
    let wrong = w.admin.call(reqwest::Method::PATCH, "/api/v1/users/drjones", Some(json!({ "email": "dr.jones at practice" })), None).await;
    assert_eq!((wrong.status, s(&wrong.body["errors"][0]["field"])), (422, "email"), "{:#}", wrong.body);
    assert_eq!(gp.call(reqwest::Method::PATCH, "/api/v1/users/drjones", Some(json!({ "email": "me@elsewhere.test" })), None).await.status, 403, "only administrators");
    let moved = w.admin.call(reqwest::Method::PATCH, "/api/v1/users/drjones", Some(json!({ "email": "dr.jones@practice.test" })), None).await;
    assert_eq!((moved.status, s(&moved.body["email"])), (200, "dr.jones@practice.test"), "{:#}", moved.body);
    let org = with_email(&w, "walkers", Role::Provider, "hello@walkers.test", vec![w.f.org.clone()]).await;
    // The organisation's coordinator wants her emails in Spanish.
    let saved = org.call(reqwest::Method::PUT, "/api/v1/me/notifications", Some(json!({ "language": "es", "message_back": true, "new_referral": true, "digest": true })), None).await;
    assert_eq!(saved.status, 200, "{:#}", saved.body);
    let bad = org.call(reqwest::Method::PUT, "/api/v1/me/notifications", Some(json!({ "language": "fr", "message_back": true, "new_referral": true, "digest": true })), None).await;
    assert_eq!((bad.status, s(&bad.body["errors"][0]["field"])), (422, "language"), "{:#}", bad.body);

    let ep = gp
        .ok(
            "/api/v1/referrals",
            json!({
                "person": { "given_name": "Winifred", "family_name": "Oyelaran", "birth_date": "1941-02-03", "phone": "01632 960 002", "preferred_contact": "phone" },
                "referral": { "source": "gp", "reasons": ["social_connection"], "urgency": "soon", "details": "Winifred is lonely." },
                "consent_to_support": true, "consent_method": "verbal"
            }),
        )
        .await;
    let (eid, pid) = (s(&ep["id"]).to_string(), s(&ep["person_id"]).to_string());
    w.to_assessed(&eid).await;
    w.share_with(&pid, &w.f.org).await;
    w.lw.ok(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": w.f.walking, "message": "Winifred would like company on walks." })).await;

    // Two emails wait: the mail server cannot be reached, and each attempt says so.
    eventually("both emails have been tried", || async { let o = outbox(&w).await; o.len() == 2 && o.iter().all(|m| m["attempts"].as_i64().unwrap() >= 1) }).await;
    for m in outbox(&w).await {
        assert_eq!(s(&m["status"]), "pending", "{m:#}");
        assert!(s(&m["last_error"]).contains("SMTP"), "the reason is given: {m:#}");
    }
    // Only administrators read the outbox.
    for who in [&w.gp, &w.lw, &w.analyst, &org] {
        assert_eq!(who.get("/api/v1/outbox").await.status, 403);
    }

    let smtp = Smtp::start(port);
    eventually("both emails are sent", || async { outbox(&w).await.iter().all(|m| m["status"] == "sent") }).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mail = smtp.messages();
    assert_eq!(mail.len(), 2, "each email once: {mail:#?}");
    let ids: Vec<String> = outbox(&w).await.iter().map(|m| s(&m["id"]).to_string()).collect();
    for m in &mail {
        assert!(!m.text.contains("Winifred") && !m.text.contains("Oyelaran") && !m.header("subject").contains("Winifred"), "no name in an email: {m:#?}");
        assert!(ids.iter().any(|id| m.header("message-id").contains(id.as_str())), "the Message-ID is the outbox id: {m:#?}");
    }
    let back = mail.iter().find(|m| m.header("to").contains("dr.jones@practice.test")).expect("the referrer's email, at the address set last");
    assert!(!mail.iter().any(|m| m.header("to").contains("old.address")), "nothing to the old address");
    assert!(back.header("subject").contains("News of the referral you sent on"), "{back:#?}");
    assert!(back.text.contains("accepted the referral") && back.text.contains("871731000000106") && back.text.contains("/referrals"), "{back:#?}");
    let new = mail.iter().find(|m| m.header("to").contains("hello@walkers.test")).expect("the organisation's email");
    assert!(new.text.contains("Un agente de enlace ha derivado a alguien a") && new.text.contains("/inbox"), "in Spanish, with the link: {new:#?}");

    // A referrer who turns messages back off gets no more of them.
    let off = gp.call(reqwest::Method::PUT, "/api/v1/me/notifications", Some(json!({ "language": "en", "message_back": false, "new_referral": true, "digest": true })), None).await;
    assert_eq!(off.status, 200);
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "plan_agreed" })).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(outbox(&w).await.len(), 2, "nothing queued for a referrer who said no");
    let audit = w.admin.read("/api/v1/audit?entity=outbox_message").await;
    assert!(!audit["contents"].as_array().unwrap().is_empty(), "reading the outbox is audited");
}

/// A person's reminder goes as a text in their language through the gateway's template, a link
/// worker's digest as an email; scheduling the day again queues neither twice; a gateway that
/// fails is tried again and an administrator can resend what was given up.
async fn reminders_and_digests_go_once_each_day(db: TestDb) {
    let port = free_port();
    let _smtp = Smtp::start(port);
    let gateway = Sink::start("/sms");
    *gateway.failing.lock().unwrap() = true;
    let mut settings = fast(Some(port), Some(&gateway));
    settings.retry = RetryPolicy { max_attempts: 2, backoff_seconds: 1, max_backoff_seconds: 1 };
    let w = World::with_config(db, WebConfig { notify: settings, ..WebConfig::default() }).await;
    let lw = with_email(&w, "lw2", Role::LinkWorker, "sam@linkwork.test", vec![]).await;
    let ep = w
        .gp
        .ok(
            "/api/v1/referrals",
            json!({
                "person": { "given_name": "Lucía", "family_name": "Ramos", "birth_date": "1950-07-07", "phone": "+44 7700 900123", "preferred_contact": "text_message", "language": "es" },
                "referral": { "source": "gp", "reasons": ["exercise"], "urgency": "routine", "details": "Would like to walk." },
                "consent_to_support": true, "consent_method": "verbal"
            }),
        )
        .await;
    let eid = s(&ep["id"]).to_string();
    lw.ok(&format!("/api/v1/episodes/{eid}/assign"), json!({ "link_worker_id": lw.user_id })).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive().to_string();
    let today = chrono::Utc::now().date_naive().to_string();
    lw.ok(&format!("/api/v1/episodes/{eid}/follow-ups"), json!({ "due_on": tomorrow, "purpose": "Call to arrange the first walk" })).await;
    lw.ok(&format!("/api/v1/episodes/{eid}/follow-ups"), json!({ "due_on": today, "purpose": "Check in" })).await;

    let at_eight = chrono::Utc::now().date_naive().and_hms_opt(8, 0, 0).unwrap().and_utc();
    let st = &w.app.state;
    assert_eq!(linkwork_web::notify::worker::schedule(st, at_eight - chrono::Duration::hours(2)).await.unwrap(), 0, "nothing before the digest hour");
    assert_eq!(linkwork_web::notify::worker::schedule(st, at_eight).await.unwrap(), 2, "the reminder and the digest");
    assert_eq!(linkwork_web::notify::worker::schedule(st, at_eight + chrono::Duration::hours(3)).await.unwrap(), 0, "once a day");

    // The gateway fails: tried twice, then given up, for an administrator to see and resend.
    eventually("the text is given up", || async { outbox(&w).await.iter().any(|m| m["channel"] == "text" && m["status"] == "failed") }).await;
    let text = outbox(&w).await.into_iter().find(|m| m["channel"] == "text").unwrap();
    assert_eq!((text["attempts"].as_i64(), s(&text["address"])), (Some(2), "+447700900123"), "{text:#}");
    assert!(s(&text["last_error"]).contains("500"), "{text:#}");
    *gateway.failing.lock().unwrap() = false;
    assert_eq!(w.gp.post(&format!("/api/v1/outbox/{}/resend", s(&text["id"])), json!({})).await.status, 403);
    let again = w.admin.ok(&format!("/api/v1/outbox/{}/resend", s(&text["id"])), json!({})).await;
    assert_eq!(s(&again["status"]), "pending");
    eventually("the text is sent", || async { gateway.bodies().len() == 1 }).await;
    let got = gateway.bodies()[0].clone();
    assert_eq!(s(&got["to"]), "+447700900123");
    assert!(s(&got["message"]).starts_with("Recordatorio de Linkwork"), "in the person's language: {got:#}");
    assert!(!s(&got["message"]).contains("Lucía"), "{got:#}");
    assert!(gateway.got.lock().unwrap()[0].0.to_ascii_lowercase().contains("x-api-key: gateway-key"), "the gateway's key is sent");

    eventually("the digest is sent", || async { _smtp.messages().len() == 1 }).await;
    let digest = &_smtp.messages()[0];
    assert!(digest.header("to").contains("sam@linkwork.test"));
    assert!(digest.text.contains("One contact is due today") && digest.text.contains("/caseload"), "{digest:#?}");
}


/// The `linkwork` server, started on a database with notifications going to `smtp_port`.
fn serve(data: &Path, database_url: &str, smtp_port: u16) -> (Child, String) {
    use std::io::BufRead;
    let config = data.join("linkwork.toml");
    std::fs::write(
        &config,
        format!(
            "[notifications]\npoll_millis = 100\nlease_seconds = 5\n[notifications.retry]\nmax_attempts = 30\nbackoff_seconds = 1\nmax_backoff_seconds = 1\n\
             [notifications.email]\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"none\"\nfrom = \"Linkwork <noreply@linkwork.test>\"\n"
        ),
    )
    .unwrap();
    let mut child = Command::new(crate::cli::linkwork())
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(data)
        .arg("--database-url")
        .arg(database_url)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("the server says where it runs").unwrap();
        if let Some(u) = line.split("running at ").nth(1) {
            break u.trim().trim_end_matches('/').to_string();
        }
    };
    (child, url)
}

fn killed(mut child: Child) {
    // SIGKILL: no shutdown, no flush, nothing finished.
    child.kill().unwrap();
    child.wait().unwrap();
}

async fn the_outbox_survives_a_kill_9_with_nothing_lost_or_sent_twice(db: TestDb) {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    // Thirty emails are queued, as the pathway queues them; the server tries while the mail
    // server is down and is killed.
    let store = db.store().await;
    for i in 0..30 {
        let o = linkwork_store::pathway::Outgoing::email(
            linkwork_domain::notify::Purpose::NewReferral,
            format!("org{i}@walkers.test"),
            "en".into(),
            json!({ "onward_referral_id": format!("r{i}"), "service_name": format!("Walk {i}") }),
        );
        assert!(store.outbox_enqueue(&o).await.unwrap());
    }
    let (child, _) = serve(data.path(), &db.url, port);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let counts = store.outbox_counts().await.unwrap();
        let tried: i64 = counts.iter().filter(|(s, _)| s == "pending" || s == "sending").map(|(_, n)| n).sum();
        let attempted = store.list_outbox(&Actor::system("test"), None, 100).await.unwrap().iter().filter(|m| m.attempts > 0).count();
        if tried == 30 && attempted > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not try to send: {counts:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    killed(child);

    // The mail server comes up; the server starts again and sends each once.
    let smtp = Smtp::start(port);
    let (child, _) = serve(data.path(), &db.url, port);
    let deadline = Instant::now() + Duration::from_secs(60);
    while store.outbox_counts().await.unwrap() != vec![("sent".to_string(), 30)] {
        assert!(Instant::now() < deadline, "not all were sent: {:?}", store.outbox_counts().await.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    killed(child);
    let mail = smtp.messages();
    let mut to: Vec<String> = mail.iter().map(|m| m.header("to")).collect();
    to.sort();
    to.dedup();
    assert_eq!((mail.len(), to.len()), (30, 30), "each of the thirty once");
    store.close().await;
}

/// A deployment whose mail server and text gateway have certificates from its own CA: without
/// `ca_file` the certificate is refused and the reason says so; with it the email goes by
/// STARTTLS (the server refuses mail before it) and the text by HTTPS, once each.
async fn mail_and_texts_go_over_tls_to_servers_a_private_ca_vouches_for(db: TestDb) {
    use linkwork_web::notify::transport::{ExtraRoots, RestHook};
    let ca = PrivateCa::new();
    let port = free_port();
    let smtp = Smtp::start_tls(port, &ca);
    let gateway = Sink::start_tls("/sms", &ca);

    // The system's roots alone do not trust it, and the administrator is told why.
    let timeout = Duration::from_secs(5);
    let untrusted = RestHook::new(timeout, &ExtraRoots::default()).unwrap().send(&gateway.url, &[], &json!({})).await.unwrap_err();
    assert!(untrusted.contains("could not be reached") && untrusted.to_ascii_lowercase().contains("certificate"), "{untrusted}");
    let roots = ExtraRoots::read(&ca.ca).unwrap();
    RestHook::new(timeout, &roots).unwrap().send(&gateway.url, &[], &json!({ "resourceType": "Bundle" })).await.unwrap();
    assert_eq!(gateway.bodies().len(), 1, "trusted through the CA");
    let not_pem = ca.key.parent().unwrap().join("nothing.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    assert!(ExtraRoots::read(&not_pem).unwrap_err().contains("holds no certificate"));

    let mut settings = fast(Some(port), Some(&gateway));
    settings.ca_file = Some(ca.ca.clone());
    if let Some(e) = settings.email.as_mut() {
        e.host = "localhost".into();
        e.security = Security::Starttls;
    }
    settings.check().unwrap();
    let w = World::with_config(db, WebConfig { notify: settings, ..WebConfig::default() }).await;
    let gp = with_email(&w, "drtls", Role::Referrer, "dr.tls@practice.test", vec![]).await;
    let ep = gp
        .ok(
            "/api/v1/referrals",
            json!({
                "person": { "given_name": "Teodora", "family_name": "Lin", "birth_date": "1948-04-05", "phone": "+44 7700 900456", "preferred_contact": "text_message" },
                "referral": { "source": "gp", "reasons": ["social_connection"], "urgency": "routine", "details": "Would like company." },
                "consent_to_support": true, "consent_method": "verbal"
            }),
        )
        .await;
    let eid = s(&ep["id"]).to_string();
    w.to_assessed(&eid).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive().to_string();
    w.lw.ok(&format!("/api/v1/episodes/{eid}/follow-ups"), json!({ "due_on": tomorrow, "purpose": "First call" })).await;
    let at_eight = chrono::Utc::now().date_naive().and_hms_opt(8, 0, 0).unwrap().and_utc();
    linkwork_web::notify::worker::schedule(&w.app.state, at_eight).await.unwrap();

    eventually("the email and the text are sent", || async {
        let o = outbox(&w).await;
        o.iter().any(|m| m["channel"] == "email") && o.iter().any(|m| m["channel"] == "text") && o.iter().all(|m| m["status"] == "sent")
    })
    .await;
    let mail = smtp.messages();
    assert_eq!(mail.len(), 1, "{mail:#?}");
    assert!(mail[0].header("to").contains("dr.tls@practice.test"));
    let texts: Vec<Value> = gateway.bodies().into_iter().filter(|b| b.get("to").is_some()).collect();
    assert_eq!(texts.len(), 1, "{texts:#?}");
    assert_eq!(s(&texts[0]["to"]), "+447700900456");
}

/// The organisation books the first session (on the API or its page); the person, who asked for
/// texts, is reminded of it the day before, once, with the service and the time; a booking in
/// the past, a time that is not one, another organisation or a referral not yet accepted are
/// refused, each saying why.
async fn a_first_session_the_organisation_books_is_reminded_once(db: TestDb) {
    let gateway = Sink::start("/sms");
    let w = World::with_config(db, WebConfig { notify: fast(None, Some(&gateway)), ..WebConfig::default() }).await;
    let ep = w
        .gp
        .ok(
            "/api/v1/referrals",
            json!({
                "person": { "given_name": "Bounmy", "family_name": "Phommasak", "birth_date": "1957-09-09", "phone": "+44 7700 900789", "preferred_contact": "text_message", "language": "lo" },
                "referral": { "source": "gp", "reasons": ["exercise"], "urgency": "routine", "details": "Would like to walk." },
                "consent_to_support": true, "consent_method": "verbal"
            }),
        )
        .await;
    let (eid, pid) = (s(&ep["id"]).to_string(), s(&ep["person_id"]).to_string());
    w.to_assessed(&eid).await;
    w.share_with(&pid, &w.f.org).await;
    let onward = w.lw.ok(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": w.f.walking })).await;
    let oid = s(&onward["id"]).to_string();
    let path = format!("/api/v1/onward-referrals/{oid}/first-session");
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive().to_string();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive().to_string();

    let early = w.provider.call(reqwest::Method::PUT, &path, Some(json!({ "on": tomorrow })), None).await;
    assert_eq!(early.status, 409, "not accepted yet: {:#}", early.body);
    w.provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "accepted" })).await;
    let bad = w.provider.call(reqwest::Method::PUT, &path, Some(json!({ "on": yesterday, "time": "2pm" })), None).await;
    assert_eq!(bad.status, 422, "{:#}", bad.body);
    let fields: Vec<&str> = bad.body["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    assert_eq!(fields, ["on", "time"], "{:#}", bad.body);
    assert_eq!(w.provider2.call(reqwest::Method::PUT, &path, Some(json!({ "on": tomorrow })), None).await.status, 404, "another organisation's referral");
    let stale = w.provider.call(reqwest::Method::PUT, &path, Some(json!({ "on": tomorrow })), Some("\"1\"")).await;
    assert_eq!(stale.status, 412, "a booking on an old version: {:#}", stale.body);
    let booked = w.provider.call(reqwest::Method::PUT, &path, Some(json!({ "on": tomorrow, "time": "14:30" })), None).await;
    assert_eq!(booked.status, 200, "{:#}", booked.body);
    assert_eq!((s(&booked.body["first_session_on"]), s(&booked.body["first_session_time"])), (tomorrow.as_str(), "14:30"));
    let seen = w.lw.read(&format!("/api/v1/onward-referrals/{oid}")).await;
    assert_eq!(s(&seen["first_session_on"]), tomorrow, "the link worker sees the booking");

    // The organisation's page shows it and books through a form (no JavaScript).
    let page = super::identification::Session::of(&w, "provider").await;
    let (status, _, html) = page.get(&format!("/inbox/{oid}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"first-session\"") && html.contains("14:30"), "the booking is shown");
    let v = booked.body["version"].to_string();
    let (status, _, html) = page.form(&format!("/inbox/{oid}/first-session"), &[("version", v.as_str()), ("on", "not a day"), ("time", "")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("first_session-on-error"), "the error is at the field");

    let at_eight = chrono::Utc::now().date_naive().and_hms_opt(8, 0, 0).unwrap().and_utc();
    let st = &w.app.state;
    assert_eq!(linkwork_web::notify::worker::schedule(st, at_eight).await.unwrap(), 1, "the first session's reminder");
    assert_eq!(linkwork_web::notify::worker::schedule(st, at_eight + chrono::Duration::hours(2)).await.unwrap(), 0, "once");
    eventually("the reminder is sent", || async { gateway.bodies().len() == 1 }).await;
    let text = s(&gateway.bodies()[0]["message"]).to_string();
    assert_eq!(s(&gateway.bodies()[0]["to"]), "+447700900789");
    assert!(text.starts_with("ການແຈ້ງເຕືອນຈາກ Linkwork") && text.contains("14:30"), "in Lao with the time: {text}");
    assert!(!text.contains("Bounmy") && !text.contains("Phommasak"), "{text}");

    // Withdrawn, nothing more is queued; the change is audited.
    let version = w.provider.get(&format!("/api/v1/onward-referrals/{oid}")).await.body["version"].as_i64().unwrap();
    let off = w.provider.call(reqwest::Method::PUT, &path, Some(json!({ "on": null })), Some(&format!("\"{version}\""))).await;
    assert_eq!(off.status, 200, "{:#}", off.body);
    assert!(off.body.get("first_session_on").is_none());
    let audit = w.admin.read("/api/v1/audit?entity=first_session").await;
    assert_eq!(audit["contents"].as_array().unwrap().len(), 2, "both changes are audited: {audit:#}");
}

on_both_databases!(
    a_first_session_the_organisation_books_is_reminded_once,
    emails_wait_for_the_mail_server_and_arrive_once_naming_nobody,
    reminders_and_digests_go_once_each_day,
    the_outbox_survives_a_kill_9_with_nothing_lost_or_sent_twice,
    mail_and_texts_go_over_tls_to_servers_a_private_ca_vouches_for
);
