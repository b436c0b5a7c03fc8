//! The OpenAPI document: generated from the code, valid OpenAPI 3.1 (checked by the independent
//! `openapi-spec-validator` from PyPI, which `.ci/run` installs), and describing every route the
//! server answers under /api/v1.

use serde_json::Value;

use super::World;
use crate::on_both_databases;
use crate::support::TestDb;

/// Every /api/v1 route with its methods, as the router registers them (kept in step by the test
/// below: a route the server answers but the document omits fails it).
const ROUTES: &[(&str, &[&str])] = &[
    ("/api/v1/auth/token", &["post", "delete"]),
    ("/api/v1/me", &["get"]),
    ("/api/v1/tokens", &["get", "post"]),
    ("/api/v1/tokens/{id}", &["delete"]),
    ("/api/v1/users", &["get", "post"]),
    ("/api/v1/users/{username}", &["patch"]),
    ("/api/v1/code-lists/needs", &["get"]),
    ("/api/v1/people", &["get", "post"]),
    ("/api/v1/people/{id}", &["get", "put"]),
    ("/api/v1/people/{id}/consents", &["get", "post"]),
    ("/api/v1/people/{id}/export", &["get"]),
    ("/api/v1/people/{id}/erase", &["post"]),
    ("/api/v1/consents/{id}/withdraw", &["post"]),
    ("/api/v1/referrals", &["get", "post"]),
    ("/api/v1/self-referrals", &["post"]),
    ("/api/v1/episodes", &["get"]),
    ("/api/v1/episodes/{id}", &["get"]),
    ("/api/v1/episodes/{id}/transitions", &["post"]),
    ("/api/v1/episodes/{id}/assign", &["post"]),
    ("/api/v1/episodes/{id}/assessment", &["put"]),
    ("/api/v1/episodes/{id}/goals", &["post"]),
    ("/api/v1/goals/{id}/reviews", &["post"]),
    ("/api/v1/episodes/{id}/prescription", &["post"]),
    ("/api/v1/episodes/{id}/notes", &["get", "post"]),
    ("/api/v1/episodes/{id}/follow-ups", &["post"]),
    ("/api/v1/follow-ups", &["get"]),
    ("/api/v1/follow-ups/{id}/complete", &["post"]),
    ("/api/v1/caseload", &["get"]),
    ("/api/v1/episodes/{id}/onward-referrals", &["post"]),
    ("/api/v1/onward-referrals/{id}", &["get"]),
    ("/api/v1/onward-referrals/{id}/status", &["post"]),
    ("/api/v1/onward-referrals/{id}/attendance", &["post"]),
    ("/api/v1/inbox", &["get"]),
    ("/api/v1/messages/{id}/read", &["post"]),
    ("/api/v1/audit", &["get"]),
    ("/api/v1/audit/verify", &["get"]),
    ("/api/v1/instruments", &["get", "post"]),
    ("/api/v1/instruments/{id}", &["get", "patch"]),
    ("/api/v1/people/{id}/responses", &["get", "post"]),
    ("/api/v1/people/{id}/responses/fhir", &["post"]),
    ("/api/v1/responses/{id}", &["get", "put"]),
    ("/api/v1/responses/{id}/observations", &["get"]),
    ("/api/v1/people/{id}/needs", &["get"]),
    ("/api/v1/proposed-needs/{id}", &["post"]),
    ("/api/v1/people/{id}/outcomes", &["get"]),
    ("/api/v1/episodes/{id}/matches", &["get"]),
    ("/api/v1/indicators", &["get", "post"]),
    ("/api/v1/indicators/{id}", &["get"]),
    ("/api/v1/indicators/{id}/measure", &["get"]),
    ("/api/v1/observatory/package", &["get"]),
    ("/api/v1/observatory/packages", &["get", "post"]),
    ("/api/v1/observatory/region", &["get"]),
    ("/api/v1/research/approvals", &["get", "post"]),
    ("/api/v1/research/approvals/{id}/revoke", &["post"]),
    ("/api/v1/research/extracts", &["get", "post"]),
    ("/api/v1/users/{username}/team", &["put"]),
    ("/api/v1/teams", &["get"]),
    ("/api/v1/places", &["get"]),
    ("/api/v1/places/levels", &["get"]),
    ("/api/v1/places/import", &["post"]),
    ("/api/v1/places/{code}", &["get"]),
    ("/api/v1/places/{code}/assignments", &["post"]),
    ("/api/v1/places/{code}/assignments/{username}", &["delete"]),
    ("/api/v1/places/{code}/records", &["get", "post"]),
    ("/api/v1/community/code-lists", &["get"]),
    ("/api/v1/community/records/{id}", &["get", "put"]),
    ("/api/v1/community/records/{id}/progress", &["post"]),
    ("/api/v1/community/records/{id}/raise", &["post"]),
    ("/api/v1/community/records/{id}/answer", &["post"]),
    ("/api/v1/community/actions", &["get"]),
    ("/api/v1/community/records/{id}/publish", &["post"]),
    ("/api/v1/practices/{org}/patients", &["post"]),
    ("/api/v1/practices/{org}/runs", &["post"]),
    ("/api/v1/practices/{org}/worklist", &["get"]),
    ("/api/v1/practices/{org}/worklist/{entry}/dismiss", &["post"]),
    ("/api/v1/practices/{org}/worklist/{entry}/refer", &["post"]),
    ("/api/v1/onward-referrals/{id}/first-session", &["put"]),
    ("/api/v1/outbox", &["get"]),
    ("/api/v1/outbox/{id}/resend", &["post"]),
    ("/api/v1/me/notifications", &["get", "put"]),
];

async fn the_openapi_document_is_valid_and_complete(db: TestDb) {
    let w = World::new(db).await;
    let doc: Value = w.anonymous().read("/api/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in ROUTES {
        let item = paths.get(*path).unwrap_or_else(|| panic!("{path} is not in the OpenAPI document"));
        for m in *methods {
            assert!(item.get(*m).is_some(), "{m} {path} is not in the OpenAPI document");
            // And the server really answers it (not 404/405 for an unknown route).
            let concrete = path.replace("{id}", "0195f3a0-0000-7000-8000-000000000000").replace("{username}", "nobody");
            let method = reqwest::Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            let r = w.admin.call(method, &concrete, Some(serde_json::json!({})), None).await;
            assert_ne!(r.status, 405, "{m} {path} is documented but not routed");
            assert!(r.status != 404 || r.headers.get("content-type").unwrap() == "application/problem+json");
        }
    }
    let documented: usize = paths.iter().filter(|(p, _)| p.starts_with("/api/v1")).map(|(_, v)| v.as_object().unwrap().len()).sum();
    let listed: usize = ROUTES.iter().map(|(_, m)| m.len()).sum();
    assert_eq!(documented, listed, "the document and the route list disagree");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

    // An independent validator of the OpenAPI 3.1 specification.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), doc.to_string()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys, json\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))\nprint('valid')"])
        .arg(file.path())
        .output();
    match out {
        Ok(o) if o.status.success() => assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "valid"),
        Ok(o) if String::from_utf8_lossy(&o.stderr).contains("No module named 'openapi_spec_validator'") => {
            assert!(std::env::var("LINKWORK_REQUIRE_TOOLS").as_deref() != Ok("1"), "CI must install openapi-spec-validator (.ci/run does)");
            eprintln!("NOT RUN: the OpenAPI validator (pip install openapi-spec-validator)");
        }
        Ok(o) => panic!("the OpenAPI document is not valid OpenAPI 3.1:\n{}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("python3 could not run: {e}"),
    }
}

on_both_databases!(the_openapi_document_is_valid_and_complete);
