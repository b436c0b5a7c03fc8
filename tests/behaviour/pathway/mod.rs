//! The social prescribing pathway through the API alone, on SQLite and PostgreSQL: the whole
//! journey, authorisation, consent and data minimisation, the state machines under random
//! sequences, the audit trail, hostile input and lost updates.

mod access;
mod audit;
mod input;
mod journey;
mod machines;
mod measures;
mod observatory;
mod observatory_packages;
mod openapi;
mod community;
mod fhir_referrals;
pub mod identification;
mod notifications;
mod places;
mod research;

use std::sync::OnceLock;

use linkwork_domain::pathway::Role;
use linkwork_store::pathway::{Actor, NewUser};
use reqwest::Method;
use serde_json::{json, Value};

use crate::fixtures::{self, Fixture};
use crate::support::{TestApp, TestDb};

pub const PASSWORD: &str = "correct horse battery";

/// A server with the fixture directory and one signed-in user per role (two providers: one
/// for each organisation).
pub struct World {
    pub app: TestApp,
    pub f: Fixture,
    pub admin: Client,
    pub gp: Client,
    pub lw: Client,
    pub provider: Client,
    pub provider2: Client,
    pub facilitator: Client,
    pub analyst: Client,
    pub researcher: Client,
    pub coordinator: Client,
}

/// One user's view of the API.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub token: Option<String>,
    pub user_id: String,
    pub http: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    /// The ETag's version.
    pub fn etag(&self) -> String {
        self.headers.get("etag").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }
}

impl Client {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>, if_match: Option<&str>) -> Resp {
        let mut rb = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        if let Some(v) = if_match {
            rb = rb.header("if-match", v);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.expect("the request is answered");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Resp { status, body, headers }
    }
    pub async fn get(&self, path: &str) -> Resp {
        self.call(Method::GET, path, None, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(body), None).await
    }
    /// POST that must succeed; returns the body.
    pub async fn ok(&self, path: &str, body: Value) -> Value {
        let r = self.post(path, body).await;
        assert!(r.status < 300, "POST {path} answered {}: {:#}", r.status, r.body);
        r.body
    }
    pub async fn read(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert!(r.status < 300, "GET {path} answered {}: {:#}", r.status, r.body);
        r.body
    }
}

fn password_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| linkwork_web::auth::hash_password(PASSWORD).unwrap())
}

impl World {
    pub async fn new(db: TestDb) -> World {
        World::on(TestApp::start(db).await).await
    }

    /// The world on a server started with its own settings.
    pub async fn with_config(db: TestDb, config: linkwork_web::WebConfig) -> World {
        World::on(TestApp::start_with(db, config).await).await
    }

    async fn on(app: TestApp) -> World {
        let f = fixtures::directory();
        app.store().write_batch(&f.batch).await.unwrap();
        let base = format!("http://{}", app.addr);
        let http = crate::support::http().build().unwrap();
        let mut clients = vec![];
        for (username, role, orgs) in [
            ("admin", Role::Admin, vec![]),
            ("gp", Role::Referrer, vec![]),
            ("lw", Role::LinkWorker, vec![]),
            ("provider", Role::Provider, vec![f.org.clone()]),
            ("provider2", Role::Provider, vec![f.org2.clone()]),
            ("facilitator", Role::Facilitator, vec![]),
            ("analyst", Role::Analyst, vec![]),
            ("researcher", Role::Researcher, vec![]),
            ("coordinator", Role::Coordinator, vec![]),
        ] {
            let u = NewUser {
                username: username.into(),
                display_name: username.into(),
                email: None,
                password_hash: Some(password_hash().to_string()),
                roles: vec![role],
                organizations: orgs,
            };
            let user = app.store().create_user(&Actor::system("test set-up"), &u).await.unwrap();
            let c = Client { base: base.clone(), token: None, user_id: user.id.clone(), http: http.clone() };
            let t = c.post("/api/v1/auth/token", json!({ "username": username, "password": PASSWORD })).await;
            assert_eq!(t.status, 201, "{username} signs in: {:#}", t.body);
            clients.push(Client { token: Some(t.body["token"].as_str().unwrap().to_string()), ..c });
        }
        let mut it = clients.into_iter();
        let mut next = || it.next().unwrap();
        World {
            admin: next(),
            gp: next(),
            lw: next(),
            provider: next(),
            provider2: next(),
            facilitator: next(),
            analyst: next(),
            researcher: next(),
            coordinator: next(),
            app,
            f,
        }
    }

    pub fn anonymous(&self) -> Client {
        Client { token: None, user_id: String::new(), ..self.gp.clone() }
    }

    /// A referral from the GP for a new person; returns the episode.
    pub async fn refer(&self, given: &str, family: &str) -> Value {
        self.gp
            .ok(
                "/api/v1/referrals",
                json!({
                    "person": { "given_name": given, "family_name": family, "birth_date": "1948-05-17", "phone": "01632 960 001", "preferred_contact": "phone", "language": "es", "interpreter_needed": true },
                    "referral": { "source": "gp", "reasons": ["social_connection", "exercise"], "urgency": "soon", "details": "Lonely since her husband died; would like to walk." },
                    "consent_to_support": true,
                    "consent_method": "verbal"
                }),
            )
            .await
    }

    /// Takes an episode from received to assessed (accepted) as the link worker.
    pub async fn to_assessed(&self, episode: &str) {
        let lw = &self.lw;
        lw.ok(&format!("/api/v1/episodes/{episode}/assign"), json!({ "link_worker_id": lw.user_id })).await;
        lw.ok(&format!("/api/v1/episodes/{episode}/transitions"), json!({ "to": "contacted", "accepted": true })).await;
        lw.ok(&format!("/api/v1/episodes/{episode}/transitions"), json!({ "to": "assessed" })).await;
    }

    /// Records the person's consent to share with `org`; returns the consent.
    pub async fn share_with(&self, person: &str, org: &str) -> Value {
        self.lw.ok(&format!("/api/v1/people/{person}/consents"), json!({ "purpose": "sharing", "organization_id": org, "method": "verbal" })).await
    }

    /// An onward referral to the walking group (sent), from an assessed episode with consent.
    pub async fn onward_to_walking(&self) -> (Value, Value) {
        let ep = self.refer("Rosa", "Martinez").await;
        let (eid, pid) = (ep["id"].as_str().unwrap(), ep["person_id"].as_str().unwrap());
        self.to_assessed(eid).await;
        self.share_with(pid, &self.f.org).await;
        let o = self.lw.ok(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": self.f.walking, "message": "Rosa would like company on walks." })).await;
        (ep, o)
    }
}

pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}
