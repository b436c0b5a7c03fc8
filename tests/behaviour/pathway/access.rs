//! Authorisation: every endpoint against every role; providers and other organisations'
//! referrals; consent withdrawal cutting access at once; tokens, scopes, revocation, throttling.

use reqwest::Method;
use serde_json::{json, Value};

use super::{s, Client, World, PASSWORD};
use crate::on_both_databases;
use crate::support::TestDb;

struct Case {
    method: Method,
    path: String,
    body: Option<Value>,
    /// Roles that may call it; everyone else gets 403 (401 without a token).
    allowed: &'static [&'static str],
    /// Roles refused by relationship rather than role: they get 404, as if it did not exist.
    hidden_from: &'static [&'static str],
}

fn case(method: Method, path: String, body: Option<Value>, allowed: &'static [&'static str]) -> Case {
    Case { method, path, body, allowed, hidden_from: &[] }
}

async fn every_endpoint_against_every_role(db: TestDb) {
    let w = World::new(db).await;
    let (ep, onward) = w.onward_to_walking().await;
    let (eid, pid, oid) = (s(&ep["id"]).to_string(), s(&ep["person_id"]).to_string(), s(&onward["id"]).to_string());
    w.provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "accepted" })).await;
    w.provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "in-progress" })).await;
    let goal = w.lw.ok(&format!("/api/v1/episodes/{eid}/goals"), json!({ "description": "walk weekly" })).await;
    let fu = w.lw.ok(&format!("/api/v1/episodes/{eid}/follow-ups"), json!({ "due_on": "2026-12-01" })).await;
    let eval = w.lw.ok(&format!("/api/v1/people/{pid}/consents"), json!({ "purpose": "evaluation", "method": "written" })).await;
    let person_etag = w.lw.get(&format!("/api/v1/people/{pid}")).await.etag();
    let to_erase = w.refer("Erin", "Erase").await;
    let partial = w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "UCLA3", "answers": { "u1": ["often"] } })).await;
    let rid = s(&partial["response"]["id"]).to_string();
    let hvs = w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "HungerVitalSign", "answers": { "hvs1": ["LA28397-0"], "hvs2": ["LA28397-0"] }, "complete": true })).await;
    let hvs_id = s(&hvs["response"]["id"]).to_string();
    let proposed = w.lw.read(&format!("/api/v1/people/{pid}/needs")).await;
    let nid = s(&proposed["proposed"][0]["id"]).to_string();
    let swemwbs: Value = serde_json::from_str(linkwork_domain::instrument::SWEMWBS).unwrap();
    let instruments = w.lw.read("/api/v1/instruments").await;
    let gad2 = s(&instruments.as_array().unwrap().iter().find(|i| i["name"] == "GAD2").unwrap()["id"]).to_string();

    const ALL: &[&str] = &["admin", "gp", "lw", "provider", "provider2", "facilitator", "analyst"];
    const LW: &[&str] = &["lw"];
    const ADMIN: &[&str] = &["admin"];
    use Method as M;
    let v1 = |p: &str| format!("/api/v1{p}");
    let cases = vec![
        case(M::GET, v1("/me"), None, ALL),
        case(M::GET, v1("/tokens"), None, ALL),
        case(M::POST, v1("/tokens"), Some(json!({ "name": "matrix", "scopes": ["read"] })), ALL),
        case(M::GET, v1("/users"), None, ADMIN),
        case(M::POST, v1("/users"), Some(json!({ "username": "new.worker", "display_name": "New", "roles": ["link_worker"], "password": "a long enough password" })), ADMIN),
        case(M::PATCH, v1("/users/analyst"), Some(json!({ "roles": ["analyst"] })), ADMIN),
        case(M::GET, v1("/code-lists/needs"), None, ALL),
        case(M::GET, v1("/people?q=ros"), None, LW),
        case(M::POST, v1("/people"), Some(json!({ "details": { "given_name": "Pia", "family_name": "New" } })), LW),
        case(M::GET, v1(&format!("/people/{pid}")), None, LW),
        case(M::PUT, v1(&format!("/people/{pid}")), Some(json!({ "given_name": "Rosa", "family_name": "Martinez", "phone": "01632 960 001" })), LW),
        case(M::GET, v1(&format!("/people/{pid}/consents")), None, LW),
        case(M::POST, v1(&format!("/people/{pid}/consents")), Some(json!({ "purpose": "evaluation", "method": "verbal" })), LW),
        case(M::POST, v1(&format!("/consents/{}/withdraw", s(&eval["id"]))), Some(json!({})), LW),
        case(M::GET, v1(&format!("/people/{pid}/export")), None, ADMIN),
        case(M::POST, v1("/referrals"), Some(json!({ "person": { "given_name": "Matrix", "family_name": "Case" }, "referral": { "source": "gp", "reasons": ["food"], "urgency": "routine" }, "consent_to_support": true, "consent_method": "verbal", "not_a_duplicate": true })), &["gp", "lw", "facilitator"]),
        case(M::GET, v1("/referrals"), None, &["gp", "lw", "facilitator"]),
        case(M::GET, v1("/episodes"), None, LW),
        case(M::GET, v1(&format!("/episodes/{eid}")), None, LW),
        case(M::POST, v1(&format!("/episodes/{eid}/transitions")), Some(json!({ "to": "plan_agreed" })), LW),
        case(M::POST, v1(&format!("/episodes/{eid}/assign")), Some(json!({ "link_worker_id": w.lw.user_id })), LW),
        case(M::PUT, v1(&format!("/episodes/{eid}/assessment")), Some(json!({ "what_matters": "walking" })), LW),
        case(M::POST, v1(&format!("/episodes/{eid}/goals")), Some(json!({ "description": "sing" })), LW),
        case(M::POST, v1(&format!("/goals/{}/reviews", s(&goal["id"]))), Some(json!({ "progress": "some_progress" })), LW),
        case(M::POST, v1(&format!("/episodes/{eid}/prescription")), Some(json!({ "activity": "garden" })), LW),
        case(M::GET, v1(&format!("/episodes/{eid}/notes")), None, LW),
        case(M::POST, v1(&format!("/episodes/{eid}/notes")), Some(json!({ "body": "note" })), LW),
        case(M::POST, v1(&format!("/episodes/{eid}/follow-ups")), Some(json!({ "due_on": "2026-12-24" })), LW),
        case(M::POST, v1(&format!("/follow-ups/{}/complete", s(&fu["id"]))), Some(json!({})), LW),
        case(M::GET, v1("/follow-ups"), None, LW),
        case(M::GET, v1("/caseload"), None, LW),
        case(M::POST, v1(&format!("/episodes/{eid}/onward-referrals")), Some(json!({ "service_id": w.f.choir })), LW),
        Case { method: M::GET, path: v1(&format!("/onward-referrals/{oid}")), body: None, allowed: &["lw", "provider"], hidden_from: &["provider2"] },
        Case {
            method: M::POST,
            path: v1(&format!("/onward-referrals/{oid}/status")),
            body: Some(json!({ "status": "on-hold" })),
            allowed: &["lw", "provider"],
            hidden_from: &["provider2"],
        },
        Case {
            method: M::POST,
            path: v1(&format!("/onward-referrals/{oid}/attendance")),
            body: Some(json!({ "session_on": "2026-11-17", "attended": true })),
            allowed: &["provider"],
            hidden_from: &["provider2"],
        },
        case(M::GET, v1("/inbox"), None, &["provider", "provider2"]),
        case(M::GET, v1("/audit"), None, ADMIN),
        case(M::GET, v1("/audit/verify"), None, ADMIN),
        case(M::POST, v1(&format!("/people/{}/erase", s(&to_erase["person_id"]))), Some(json!({})), ADMIN),
        case(M::GET, v1("/instruments"), None, ALL),
        case(M::GET, v1("/instruments/UCLA3"), None, ALL),
        case(M::POST, v1("/instruments"), Some(swemwbs), ADMIN),
        case(M::PATCH, v1(&format!("/instruments/{gad2}")), Some(json!({ "retired": false })), ADMIN),
        case(M::GET, v1(&format!("/people/{pid}/responses")), None, LW),
        case(M::POST, v1(&format!("/people/{pid}/responses")), Some(json!({ "instrument": "PHQ2", "answers": {} })), LW),
        case(M::POST, v1(&format!("/people/{pid}/responses/fhir")), Some(json!({ "resourceType": "QuestionnaireResponse", "questionnaire": "http://linkwork.example/fhir/Questionnaire/ucla-3", "status": "in-progress" })), LW),
        case(M::GET, v1(&format!("/responses/{rid}")), None, LW),
        case(M::PUT, v1(&format!("/responses/{rid}")), Some(json!({ "answers": { "u1": ["often"] } })), LW),
        case(M::GET, v1(&format!("/responses/{hvs_id}/observations")), None, LW),
        case(M::GET, v1(&format!("/people/{pid}/needs")), None, LW),
        case(M::POST, v1(&format!("/proposed-needs/{nid}")), Some(json!({ "decision": "confirm" })), LW),
        case(M::GET, v1(&format!("/people/{pid}/outcomes")), None, LW),
        case(M::GET, v1(&format!("/episodes/{eid}/matches")), None, LW),
        // Community records are facilitators' and coordinators' (and read by administrators);
        // their per-place rules are in community.rs.
        case(M::GET, v1("/community/code-lists"), None, &["admin", "facilitator"]),
        case(M::GET, v1("/community/actions"), None, &["admin", "facilitator"]),
        case(M::GET, v1("/places"), None, &["admin", "facilitator"]),
    ];

    let users: Vec<(&str, &Client)> =
        vec![("facilitator", &w.facilitator), ("analyst", &w.analyst), ("provider2", &w.provider2), ("gp", &w.gp), ("provider", &w.provider), ("admin", &w.admin), ("lw", &w.lw)];
    let anon = w.anonymous();
    let mut checked = 0;
    for c in &cases {
        let r = anon.call(c.method.clone(), &c.path, c.body.clone(), None).await;
        let open = c.path.ends_with("/code-lists/needs");
        if !open {
            assert_eq!(r.status, 401, "anonymous {} {} answered {}: {:#}", c.method, c.path, r.status, r.body);
            assert!(r.headers.get("www-authenticate").is_some());
        }
        for (role, client) in &users {
            let if_match = (c.path.ends_with(&format!("/people/{pid}")) && c.method == M::PUT).then_some(person_etag.as_str());
            let r = client.call(c.method.clone(), &c.path, c.body.clone(), if_match).await;
            if c.allowed.contains(role) {
                assert!(![401, 403, 404].contains(&r.status), "{role} may {} {} but got {}: {:#}", c.method, c.path, r.status, r.body);
            } else if c.hidden_from.contains(role) {
                assert_eq!(r.status, 404, "{role} must not see {} {} (got {}): {:#}", c.method, c.path, r.status, r.body);
            } else {
                assert_eq!(r.status, 403, "{role} must be refused {} {} (got {}): {:#}", c.method, c.path, r.status, r.body);
                assert_eq!(r.headers.get("content-type").unwrap(), "application/problem+json");
            }
            checked += 1;
        }
    }
    assert!(checked >= 38 * 7, "{checked}");
    // The self-referral form is open to everyone without an account.
    let r = anon.post("/api/v1/self-referrals", json!({ "person": { "given_name": "Sam", "phone": "01632 960 444" }, "reasons": ["food"], "consent_to_support": true })).await;
    assert_eq!(r.status, 201, "{:#}", r.body);
    let mut keys: Vec<_> = r.body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["message", "reference"], "a self-referral reveals nothing back");
}

async fn withdrawing_consent_cuts_the_organisation_off_at_once(db: TestDb) {
    let w = World::new(db).await;
    let (ep, onward) = w.onward_to_walking().await;
    let (pid, oid) = (s(&ep["person_id"]).to_string(), s(&onward["id"]).to_string());
    assert_eq!(w.provider.read("/api/v1/inbox").await.as_array().unwrap().len(), 1);
    assert_eq!(w.provider.get(&format!("/api/v1/onward-referrals/{oid}")).await.status, 200);
    // The other organisation sees nothing, even by typing the address.
    assert_eq!(w.provider2.read("/api/v1/inbox").await.as_array().unwrap().len(), 0);
    assert_eq!(w.provider2.get(&format!("/api/v1/onward-referrals/{oid}")).await.status, 404);
    assert_eq!(w.provider2.post(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "accepted" })).await.status, 404);

    let consents = w.lw.read(&format!("/api/v1/people/{pid}/consents")).await;
    let sharing = consents.as_array().unwrap().iter().find(|c| c["purpose"] == "sharing").unwrap();
    let withdrawn = w.lw.ok(&format!("/api/v1/consents/{}/withdraw", s(&sharing["id"])), json!({ "reason": "changed her mind" })).await;
    assert_eq!(withdrawn["active"], false);

    assert_eq!(w.provider.read("/api/v1/inbox").await.as_array().unwrap().len(), 0, "sharing stops at once");
    assert_eq!(w.provider.get(&format!("/api/v1/onward-referrals/{oid}")).await.status, 404);
    assert_eq!(w.provider.post(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "accepted" })).await.status, 404);
    assert_eq!(w.provider.post(&format!("/api/v1/onward-referrals/{oid}/attendance"), json!({ "session_on": "2026-11-02", "attended": true })).await.status, 404);
    // And no new referral can go to that organisation.
    let again = w.lw.post(&format!("/api/v1/episodes/{}/onward-referrals", s(&ep["id"])), json!({ "service_id": w.f.choir })).await;
    assert_eq!(again.status, 403, "{:#}", again.body);
    // The link worker still sees their own referral.
    assert_eq!(w.lw.get(&format!("/api/v1/onward-referrals/{oid}")).await.status, 200);
}

async fn providers_never_receive_case_notes_or_the_assessment(db: TestDb) {
    let w = World::new(db).await;
    let (ep, onward) = w.onward_to_walking().await;
    let (eid, oid) = (s(&ep["id"]).to_string(), s(&onward["id"]).to_string());
    w.lw.ok(&format!("/api/v1/episodes/{eid}/notes"), json!({ "body": "SECRET-NOTE-7731 debt worries" })).await;
    let etag = w.lw.get(&format!("/api/v1/episodes/{eid}")).await.etag();
    let r = w.lw.call(Method::PUT, &format!("/api/v1/episodes/{eid}/assessment"), Some(json!({ "what_matters": "SECRET-WHAT-4410" })), Some(&etag)).await;
    assert_eq!(r.status, 200);
    w.lw.ok(&format!("/api/v1/episodes/{eid}/goals"), json!({ "description": "SECRET-GOAL-9902" })).await;
    let mut seen = String::new();
    seen += &w.provider.read("/api/v1/inbox").await.to_string();
    seen += &w.provider.read(&format!("/api/v1/onward-referrals/{oid}")).await.to_string();
    seen += &w.provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "accepted" })).await.to_string();
    for secret in ["SECRET-NOTE-7731", "SECRET-WHAT-4410", "SECRET-GOAL-9902", "Lonely since", "1948-05-17"] {
        assert!(!seen.contains(secret), "a provider received '{secret}'");
    }
    // Nor can they reach the episode or notes directly.
    for path in [format!("/api/v1/episodes/{eid}"), format!("/api/v1/episodes/{eid}/notes"), format!("/api/v1/people/{}", s(&ep["person_id"]))] {
        assert_eq!(w.provider.get(&path).await.status, 403, "{path}");
    }
}

async fn tokens_scopes_revocation_disabling_and_throttling(db: TestDb) {
    let w = World::new(db).await;
    // A read-only token reads but cannot write.
    let t = w.lw.ok("/api/v1/tokens", json!({ "name": "reporting", "scopes": ["read"] })).await;
    let ro = Client { token: Some(s(&t["token"]).to_string()), ..w.lw.clone() };
    assert_eq!(ro.get("/api/v1/episodes").await.status, 200);
    let r = ro.post("/api/v1/people", json!({ "details": { "given_name": "X" } })).await;
    assert_eq!(r.status, 403);
    assert!(s(&r.body["detail"]).contains("scopes"));
    // Revoked: refused at once.
    let r = w.lw.call(Method::DELETE, &format!("/api/v1/tokens/{}", s(&t["credential"]["id"])), None, None).await;
    assert_eq!(r.status, 204);
    assert_eq!(ro.get("/api/v1/episodes").await.status, 401);
    // Signing out ends the session.
    let again = w.anonymous().post("/api/v1/auth/token", json!({ "username": "analyst", "password": PASSWORD })).await;
    let session = Client { token: Some(s(&again.body["token"]).to_string()), ..w.analyst.clone() };
    assert_eq!(session.call(Method::DELETE, "/api/v1/auth/token", None, None).await.status, 204);
    assert_eq!(session.get("/api/v1/me").await.status, 401);
    // Disabling a user revokes their sessions.
    let r = w.admin.call(Method::PATCH, "/api/v1/users/gp", Some(json!({ "disabled": true })), None).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_eq!(w.gp.get("/api/v1/referrals").await.status, 401);
    assert_eq!(w.anonymous().post("/api/v1/auth/token", json!({ "username": "gp", "password": PASSWORD })).await.status, 401);
    // Five wrong passwords lock the account for a while, even for the right one.
    let anon = w.anonymous();
    for _ in 0..5 {
        let r = anon.post("/api/v1/auth/token", json!({ "username": "facilitator", "password": "wrong password!" })).await;
        assert_eq!(r.status, 401);
    }
    let r = anon.post("/api/v1/auth/token", json!({ "username": "facilitator", "password": PASSWORD })).await;
    assert_eq!(r.status, 429, "{:#}", r.body);
    let retry: u64 = r.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry));
    // Other accounts are not affected.
    assert_eq!(anon.post("/api/v1/auth/token", json!({ "username": "analyst", "password": PASSWORD })).await.status, 201);
}

async fn a_session_cookie_needs_the_csrf_token_to_change_anything(db: TestDb) {
    let w = World::new(db).await;
    let http = crate::support::http().build().unwrap();
    let secret = w.lw.token.clone().unwrap();
    let cookie = format!("{}={secret}", linkwork_web::auth::SESSION_COOKIE);
    let r = http.get(format!("{}/api/v1/episodes", w.lw.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 200, "reads work with the cookie");
    let body = json!({ "details": { "given_name": "Forged" } });
    let r = http.post(format!("{}/api/v1/people", w.lw.base)).header("cookie", &cookie).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 403, "a cross-site form post with the cookie alone is refused");
    let (cred, _) = w.app.store().credential_by_hash(&linkwork_web::auth::secret_hash(&secret)).await.unwrap().unwrap();
    let r = http
        .post(format!("{}/api/v1/people", w.lw.base))
        .header("cookie", &cookie)
        .header(linkwork_web::auth::CSRF_HEADER, cred.csrf.unwrap())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

async fn signing_in_and_out_with_the_forms(db: TestDb) {
    let w = World::new(db).await;
    let http = crate::support::http().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = &w.lw.base;
    let page = http.get(format!("{base}/login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let set: Vec<String> = page.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let login_cookie = set.iter().find(|c| c.starts_with("linkwork_login_csrf=")).expect("a sign-in CSRF cookie").split(';').next().unwrap().to_string();
    let html = page.text().await.unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // A forged form (no matching token) is refused.
    let r = http.post(format!("{base}/login")).form(&[("username", "lw"), ("password", PASSWORD), ("csrf", "forged")]).header("cookie", &login_cookie).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // A wrong password keeps the username and says what is wrong.
    let r = http.post(format!("{base}/login")).form(&[("username", "lw"), ("password", "nope"), ("csrf", &csrf)]).header("cookie", &login_cookie).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body = r.text().await.unwrap();
    assert!(body.contains("value=\"lw\"") && body.contains("not right"), "{body}");
    // The right one: a session cookie, HttpOnly and SameSite, and the home page.
    let r = http.post(format!("{base}/login")).form(&[("username", "lw"), ("password", PASSWORD), ("csrf", &csrf)]).header("cookie", &login_cookie).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let session = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("linkwork_session=")).unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"), "{session}");
    let cookie = session.split(';').next().unwrap().to_string();
    // Home is each role's own start page: the link worker's caseload.
    let r = http.get(format!("{base}/home")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.headers().get("location").unwrap(), "/caseload");
    let home = http.get(format!("{base}/caseload")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("<h1>My caseload</h1>") && home.contains("Sign out (lw)"), "{home}");
    let form_csrf = home.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // Signing out needs the form's token; then the session is gone.
    let r = http.post(format!("{base}/logout")).form(&[("csrf", "forged")]).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = http.post(format!("{base}/logout")).form(&[("csrf", form_csrf.as_str())]).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = http.get(format!("{base}/home")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.headers().get("location").unwrap(), "/login");
}

on_both_databases!(
    signing_in_and_out_with_the_forms,
    every_endpoint_against_every_role,
    withdrawing_consent_cuts_the_organisation_off_at_once,
    providers_never_receive_case_notes_or_the_assessment,
    tokens_scopes_revocation_disabling_and_throttling,
    a_session_cookie_needs_the_csrf_token_to_change_anything,
);
