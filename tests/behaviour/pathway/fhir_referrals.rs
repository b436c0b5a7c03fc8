//! Referrals from health systems over FHIR on both databases, as an EHR makes them: a token with
//! the fhir scope, the IG's example resources sent as one transaction Bundle, the person matched
//! by NHS number (a wrong check digit refused at its element; the same person referred twice is
//! one person; a name-and-birth-date match never merged), the Task followed by polling through
//! accepted → in-progress → completed as the link worker works the episode, the Procedure its
//! output names and the messages back as Communications, a cancellation on a named version, and
//! everything Linkwork emits validated by an independent FHIR implementation.

use reqwest::Method;
use serde_json::{json, Value};

use super::{s, Resp, World};
use crate::on_both_databases;
use crate::support::TestDb;

const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";

fn example(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/standards/fhir-sdoh-clinicalcare/examples").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

/// The IG's example referral (Colin, for food insecurity) as an EHR sends it: Patient,
/// ServiceRequest, Condition, Consent and a new Task, with the NHS number given.
fn referral(nhs: Option<&str>) -> Value {
    let mut patient = example("Patient-pat-53234.json");
    if let Some(n) = nhs {
        patient["identifier"].as_array_mut().unwrap().push(json!({ "system": NHS, "value": n }));
    }
    let mut sr = example("ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample.json");
    let mut task = example("Task-SDOHCC-TaskReferralManagementOrderFulfillmentCompletedExample.json");
    task["status"] = json!("requested");
    task.as_object_mut().unwrap().remove("output");
    sr["requester"] = task["requester"].clone();
    sr["category"].as_array_mut().unwrap().push(json!({ "coding": [{ "system": "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes", "code": "social-connection" }] }));
    let entry = |r: Value| {
        let t = s(&r["resourceType"]).to_string();
        json!({ "fullUrl": format!("urn:uuid:{}", uuid_like(&r)), "resource": r, "request": { "method": "POST", "url": t } })
    };
    // The EHR refers to its own copies by full URL: rewrite the examples' relative references.
    let mut b = json!({ "resourceType": "Bundle", "type": "transaction", "entry": [
        entry(patient), entry(sr), entry(example("Condition-SDOHCC-ConditionFoodInsecurityExample.json")),
        entry(example("Consent-SDOHCC-ConsentInformationDisclosureExample.json")), entry(task),
    ]});
    let urls: Vec<(String, String)> = b["entry"].as_array().unwrap().iter().map(|e| (format!("{}/{}", s(&e["resource"]["resourceType"]), s(&e["resource"]["id"])), s(&e["fullUrl"]).to_string())).collect();
    let mut text = b.to_string();
    for (rel, full) in urls {
        text = text.replace(&format!("\"reference\":\"{rel}\""), &format!("\"reference\":\"{full}\""));
    }
    b = serde_json::from_str(&text).unwrap();
    b
}

fn uuid_like(r: &Value) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s(&r["id"]).hash(&mut h);
    let n = h.finish();
    format!("{:08x}-0000-4000-8000-{:012x}", n >> 32, n & 0xffff_ffff_ffff)
}

/// The EHR's side: a FHIR client with its own token.
struct Ehr {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Ehr {
    async fn call(&self, method: Method, path: &str, body: Option<Value>, if_match: Option<&str>) -> Resp {
        let mut rb = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token).header("accept", "application/fhir+json");
        if let Some(b) = body {
            rb = rb.header("content-type", "application/fhir+json").body(b.to_string());
        }
        if let Some(v) = if_match {
            rb = rb.header("if-match", v);
        }
        let r = rb.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        if status != 204 {
            let ct = headers.get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            assert!(ct.starts_with("application/fhir+json"), "{path} answered {status} as {ct}");
        }
        Resp { status, body: r.json().await.unwrap_or(Value::Null), headers }
    }
    async fn get(&self, path: &str) -> Value {
        let r = self.call(Method::GET, path, None, None).await;
        assert_eq!(r.status, 200, "GET {path}: {:#}", r.body);
        r.body
    }
}

async fn ehr(w: &World, who: &super::Client, scopes: &[&str]) -> Ehr {
    let t = who.post("/api/v1/tokens", json!({ "name": "GP practice system", "scopes": scopes })).await;
    assert_eq!(t.status, 201, "{:#}", t.body);
    Ehr { base: w.gp.base.clone(), token: s(&t.body["token"]).to_string(), http: crate::support::http().build().unwrap() }
}

fn location(resp: &Value, kind: &str) -> String {
    let e = resp["entry"].as_array().unwrap().iter().find(|e| s(&e["response"]["location"]).starts_with(&format!("{kind}/"))).unwrap_or_else(|| panic!("no {kind} in {resp:#}"));
    s(&e["response"]["location"]).split('/').nth(1).unwrap().to_string()
}

fn issues_at(outcome: &Value) -> Vec<String> {
    assert_eq!(outcome["resourceType"], "OperationOutcome", "{outcome:#}");
    outcome["issue"].as_array().unwrap().iter().flat_map(|i| i["expression"].as_array().cloned().unwrap_or_default()).map(|e| s(&e).to_string()).collect()
}

/// The IG's rules for a referral's Task (TaskForReferralManagement), checked on what Linkwork
/// sends: intent order, code fulfill, a focus, a patient, when and by whom it was asked, a status
/// other than ready and received, and a reason where the status needs one.
fn follows_the_ig(t: &Value) {
    assert_eq!((s(&t["resourceType"]), s(&t["intent"])), ("Task", "order"), "{t:#}");
    assert!(t["code"]["coding"].as_array().unwrap().iter().any(|c| c["system"] == "http://hl7.org/fhir/CodeSystem/task-code" && c["code"] == "fulfill"), "{t:#}");
    for required in ["focus", "for", "authoredOn", "requester"] {
        assert!(!t[required].is_null(), "{required} missing: {t:#}");
    }
    let status = s(&t["status"]);
    assert!(!["ready", "received"].contains(&status), "{t:#}");
    if ["rejected", "cancelled", "on-hold", "failed"].contains(&status) {
        assert!(t["statusReason"]["text"].is_string(), "a {status} Task says why: {t:#}");
    }
    if status == "completed" {
        assert_eq!(t["output"][0]["type"]["coding"][0]["code"], json!("resulting-activity"), "{t:#}");
    }
}

async fn episode_of(w: &World, person: &str) -> Value {
    let list = w.lw.read("/api/v1/episodes?per_page=100").await;
    list["contents"].as_array().unwrap().iter().find(|e| e["person_id"] == json!(person)).cloned().unwrap_or_else(|| panic!("no episode of {person} in {list:#}"))
}

async fn a_referral_comes_in_over_fhir_and_is_followed_to_completion(db: TestDb) {
    let w = World::new(db).await;
    let e = ehr(&w, &w.gp, &["fhir"]).await;
    let cap = e.get("/fhir/metadata").await;
    assert_eq!((s(&cap["resourceType"]), s(&cap["fhirVersion"])), ("CapabilityStatement", "4.0.1"));
    let task_cap = cap["rest"][0]["resource"].as_array().unwrap().iter().find(|r| r["type"] == "Task").unwrap();
    assert!(task_cap["searchParam"].as_array().unwrap().iter().any(|p| p["name"] == "_lastUpdated"));

    // A wrong check digit is refused at its element, and nothing is kept.
    let bad = e.call(Method::POST, "/fhir", Some(referral(Some("943 476 5918"))), None).await;
    assert_eq!(bad.status, 422, "{:#}", bad.body);
    assert!(issues_at(&bad.body).contains(&"Bundle.entry[0].resource.identifier[1].value".to_string()), "{:#}", bad.body);
    assert_eq!(w.lw.read("/api/v1/episodes").await["contents"].as_array().unwrap().len(), 0, "nothing kept from a refused referral");

    let sent = e.call(Method::POST, "/fhir", Some(referral(Some("943 476 5919"))), None).await;
    assert_eq!((sent.status, s(&sent.body["type"])), (200, "transaction-response"), "{:#}", sent.body);
    let task_id = location(&sent.body, "Task");
    let sr_id = location(&sent.body, "ServiceRequest");
    let patient_id = location(&sent.body, "Patient");
    let task = e.get(&format!("/fhir/Task/{task_id}")).await;
    assert_eq!((s(&task["status"]), s(&task["meta"]["versionId"])), ("requested", "1"));
    assert_eq!(task["focus"]["reference"], json!(format!("ServiceRequest/{sr_id}")));
    assert_eq!(task["for"]["reference"], json!(format!("Patient/{patient_id}")));
    let patient = e.get(&format!("/fhir/Patient/{patient_id}")).await;
    assert!(patient["identifier"].as_array().unwrap().iter().any(|i| i["system"] == NHS && i["value"] == "9434765919"), "{patient:#}");
    let found = e.get(&format!("/fhir/Patient?identifier={NHS}|9434765919")).await;
    assert_eq!(found["total"], 1);

    // In the link workers' queue, with the reasons read from the SDOH categories.
    let ep = episode_of(&w, &patient_id).await;
    let eid = s(&ep["id"]).to_string();
    let full = w.lw.read(&format!("/api/v1/episodes/{eid}")).await;
    let reasons: Vec<&str> = full["referral"]["reasons"].as_array().unwrap().iter().map(|r| s(r)).collect();
    assert_eq!(reasons, ["food", "social_connection"], "{full:#}");

    // Followed by polling: each change of the episode is a new version of the Task.
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let poll = |since: String| format!("/fhir/Task?requester=PractitionerRole/SDOHCC-PractitionerRoleDrJanWaterExample&_lastUpdated=gt{since}&_include=Task:focus");
    assert_eq!(e.get(&poll(since.clone())).await["total"], 0, "nothing changed yet");
    w.lw.ok(&format!("/api/v1/episodes/{eid}/assign"), json!({ "link_worker_id": w.lw.user_id })).await;
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "contacted", "accepted": true })).await;
    let changed = e.get(&poll(since.clone())).await;
    assert_eq!(changed["total"], 1, "{changed:#}");
    let matched: Vec<&Value> = changed["entry"].as_array().unwrap().iter().filter(|x| x["search"]["mode"] == "match").collect();
    assert_eq!((s(&matched[0]["resource"]["status"]), s(&matched[0]["resource"]["meta"]["versionId"])), ("accepted", "2"));
    assert!(changed["entry"].as_array().unwrap().iter().any(|x| x["search"]["mode"] == "include" && x["resource"]["resourceType"] == "ServiceRequest"), "Task:focus included");
    let etag = w.lw.get(&format!("/api/v1/episodes/{eid}")).await.etag();
    let assessment = json!({ "what_matters": "Cooking for his children again", "strengths": [], "interests": ["cooking"], "barriers": [] });
    assert_eq!(w.lw.call(Method::PUT, &format!("/api/v1/episodes/{eid}/assessment"), Some(assessment), Some(&etag)).await.status, 200);
    w.lw.ok(&format!("/api/v1/episodes/{eid}/notes"), json!({ "body": "PRIVATE-NOTE: worried about the rent" })).await;
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "assessed" })).await;
    assert_eq!(s(&e.get(&format!("/fhir/Task/{task_id}")).await["status"]), "in-progress");
    let goal = w.lw.ok(&format!("/api/v1/episodes/{eid}/goals"), json!({ "description": "Cook a family meal each week", "target_date": "2027-03-01" })).await;
    w.lw.ok(&format!("/api/v1/episodes/{eid}/prescription"), json!({ "activity": "Community kitchen on Thursdays", "goal_ids": [s(&goal["id"])] })).await;
    let by_status = e.get("/fhir/Task?status=in-progress").await;
    assert_eq!(by_status["total"], 1);
    let bad_param = e.call(Method::GET, "/fhir/Task?colour=blue", None, None).await;
    assert_eq!(bad_param.status, 400, "an unknown search parameter is refused, not ignored");
    for to in ["plan_agreed", "active"] {
        w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": to })).await;
    }
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "closed", "reason": "goals_met" })).await;
    let done = e.get(&format!("/fhir/Task/{task_id}")).await;
    assert_eq!(s(&done["status"]), "completed", "{done:#}");

    // What was done: the Task's output is the Procedure, with what was prescribed.
    let output = s(&done["output"][0]["valueReference"]["reference"]).to_string();
    let procedure = e.get(&format!("/fhir/{output}")).await;
    assert_eq!((s(&procedure["status"]), s(&procedure["code"]["coding"][0]["code"])), ("completed", "871731000000106"), "{procedure:#}");
    assert_eq!(procedure["basedOn"][0]["reference"], json!(format!("ServiceRequest/{sr_id}")));
    let notes = procedure["note"].to_string();
    assert!(notes.contains("Cooking for his children again") && notes.contains("Community kitchen on Thursdays"), "{procedure:#}");
    let with_output = e.get(&format!("/fhir/Task?_id={task_id}&_include=Task:output")).await;
    assert!(with_output["entry"].as_array().unwrap().iter().any(|x| x["resource"]["resourceType"] == "Procedure"), "{with_output:#}");

    // The messages back, as Communications about the referral: accepted (SNOMED CT), the plan
    // with what matters and the activities, and the close; never the case notes.
    let messages = e.get(&format!("/fhir/Communication?based-on=ServiceRequest/{sr_id}")).await;
    let kinds: Vec<&str> = messages["entry"].as_array().unwrap().iter().map(|x| s(&x["resource"]["category"][0]["text"])).collect();
    assert_eq!(kinds, ["accepted", "plan agreed", "closed"], "{messages:#}");
    let first = &messages["entry"][0]["resource"];
    assert_eq!(first["reasonCode"][0]["coding"][0]["code"], json!("871731000000106"));
    assert_eq!(first["about"][0]["reference"], json!(format!("Task/{task_id}")));
    let plan = messages["entry"][1]["resource"]["payload"].to_string();
    assert!(plan.contains("What matters to the person: Cooking for his children again") && plan.contains("Community kitchen on Thursdays"), "{plan}");
    assert!(!messages.to_string().contains("PRIVATE-NOTE"), "case notes never go back");
    let one = e.get(&format!("/fhir/Communication/{}", s(&first["id"]))).await;
    assert_eq!(one["id"], first["id"]);

    // The same person referred again (the same NHS number): one person, a new episode.
    let again = e.call(Method::POST, "/fhir", Some(referral(Some("9434765919"))), None).await;
    assert_eq!(again.status, 200, "{:#}", again.body);
    assert_eq!(location(&again.body, "Patient"), patient_id, "matched by NHS number");
    let tasks = e.get(&format!("/fhir/Task?patient=Patient/{patient_id}")).await;
    assert_eq!(tasks["total"], 2);
    // A page at a time, oldest change first: a page that is not the last links the next.
    let first = e.get(&format!("/fhir/Task?patient=Patient/{patient_id}&_count=1")).await;
    assert!(first["total"].is_null(), "no total on a page that is not the last: {first:#}");
    let next = first["link"].as_array().unwrap().iter().find(|l| l["relation"] == "next").unwrap_or_else(|| panic!("{first:#}"));
    let next = format!("/fhir{}", s(&next["url"]).split_once("/fhir").unwrap().1);
    let second = e.get(&next).await;
    assert_eq!(second["total"], 2, "{second:#}");
    assert!(second["link"].as_array().unwrap().iter().all(|l| l["relation"] != "next"));
    assert_eq!(first["entry"][0]["resource"]["id"], json!(task_id), "the older referral first");
    assert_ne!(second["entry"][0]["resource"]["id"], first["entry"][0]["resource"]["id"]);
    // A third while that one is open is added to it, not a second episode.
    let third = e.call(Method::POST, "/fhir", Some(referral(Some("9434765919"))), None).await;
    assert_eq!(third.status, 200);
    let open: Vec<Value> = w.lw.read("/api/v1/episodes?per_page=100").await["contents"].as_array().unwrap().iter().filter(|x| x["person_id"] == json!(patient_id) && x["status"] != "closed").cloned().collect();
    assert_eq!(open.len(), 1, "one open episode: {open:?}");

    // The referrer cancels the third on the version it read: the episode stops and says why.
    let t3 = location(&third.body, "Task");
    let mut t = e.get(&format!("/fhir/Task/{t3}")).await;
    t["status"] = json!("cancelled");
    assert_eq!(e.call(Method::PUT, &format!("/fhir/Task/{t3}"), Some(t.clone()), None).await.status, 428);
    let no_reason = e.call(Method::PUT, &format!("/fhir/Task/{t3}"), Some(t.clone()), Some("W/\"1\"")).await;
    assert_eq!(no_reason.status, 422, "{:#}", no_reason.body);
    t["statusReason"] = json!({ "text": "Seen by the practice's own wellbeing coach instead" });
    assert_eq!(e.call(Method::PUT, &format!("/fhir/Task/{t3}"), Some(t.clone()), Some("W/\"7\"")).await.status, 412, "a stale version is refused as FHIR says");
    let mut accept = t.clone();
    accept["status"] = json!("accepted");
    let not_theirs = e.call(Method::PUT, &format!("/fhir/Task/{t3}"), Some(accept), Some("W/\"1\"")).await;
    assert_eq!((not_theirs.status, issues_at(&not_theirs.body)), (422, vec!["Task.status".to_string()]), "only Linkwork accepts: {:#}", not_theirs.body);
    let cancelled = e.call(Method::PUT, &format!("/fhir/Task/{t3}"), Some(t), Some("W/\"1\"")).await;
    assert_eq!((cancelled.status, s(&cancelled.body["status"])), (200, "cancelled"), "{:#}", cancelled.body);
    // The second referral still stands, so the episode goes on; the link worker is told.
    let notes = w.lw.read(&format!("/api/v1/episodes/{}/notes", s(&open[0]["id"]))).await;
    let said: Vec<&str> = notes.as_array().unwrap().iter().map(|n| s(&n["body"])).collect();
    assert!(said.iter().any(|n| n.contains("A further referral came from")), "{said:?}");
    assert!(said.iter().any(|n| n.contains("cancelled one of the referrals") && n.contains("wellbeing coach")), "{said:?}");
    // Cancelling the other too ends the episode's work.
    let t2 = location(&again.body, "Task");
    let mut t = e.get(&format!("/fhir/Task/{t2}")).await;
    t["status"] = json!("cancelled");
    t["statusReason"] = json!({ "text": "Moved to another practice" });
    assert_eq!(e.call(Method::PUT, &format!("/fhir/Task/{t2}"), Some(t), Some("W/\"1\"")).await.status, 200);
    let ended = w.lw.read(&format!("/api/v1/episodes/{}", s(&open[0]["id"]))).await;
    assert_eq!(s(&ended["status"]), "closed", "{ended:#}");

    // Everything Linkwork sent back, read by an independent FHIR implementation.
    let sr = e.get(&format!("/fhir/ServiceRequest/{sr_id}")).await;
    let cancelled_task = e.get(&format!("/fhir/Task/{t3}")).await;
    let search = e.get(&format!("/fhir/Task?patient={patient_id}&_include=Task:focus&_include=Task:patient")).await;
    for t in [&task, &done, &cancelled_task] {
        follows_the_ig(t);
    }
    for x in search["entry"].as_array().unwrap().iter().filter(|x| x["resource"]["resourceType"] == "Task") {
        follows_the_ig(&x["resource"]);
    }
    super::observatory::validated_as_fhir(&[&cap, &task, &done, &patient, &sr, &cancelled_task, &search, &sent.body, &bad.body, &procedure, &messages, &with_output]);
}

async fn a_person_is_never_merged_on_a_name_and_only_the_referrer_reads_it_back(db: TestDb) {
    let w = World::new(db).await;
    let e = ehr(&w, &w.gp, &["fhir"]).await;
    // Someone with Colin's name and birth date is already known, with no identifier.
    let known = w.lw.ok("/api/v1/people", json!({ "details": { "given_name": "COLIN V.", "family_name": "BAXTER", "birth_date": "1987-02-20" } })).await;
    let mut b = referral(None);
    b["entry"][0]["resource"].as_object_mut().unwrap().remove("identifier");
    let sent = e.call(Method::POST, "/fhir", Some(b), None).await;
    assert_eq!(sent.status, 200, "{:#}", sent.body);
    let pid = location(&sent.body, "Patient");
    assert_ne!(pid, s(&known["id"]), "a new person, not a silent merge");
    let note = &sent.body["entry"][0]["response"]["outcome"];
    assert!(s(&note["issue"][0]["diagnostics"]).contains("same name and birth date"), "{:#}", sent.body);

    // Another system sees none of it; a token without the fhir scope gets nowhere; a provider
    // cannot refer over FHIR.
    let other_user = w.admin.ok("/api/v1/users", json!({ "username": "hospital", "display_name": "Hospital system", "password": "another long password", "roles": ["referrer"] })).await;
    let _ = other_user;
    let other = {
        let c = super::Client { base: w.gp.base.clone(), token: None, user_id: String::new(), http: crate::support::http().build().unwrap() };
        let t = c.post("/api/v1/auth/token", json!({ "username": "hospital", "password": "another long password" })).await;
        let c = super::Client { token: Some(s(&t.body["token"]).to_string()), ..c };
        ehr(&w, &c, &["fhir"]).await
    };
    let task = location(&sent.body, "Task");
    assert_eq!(other.call(Method::GET, &format!("/fhir/Task/{task}"), None, None).await.status, 404);
    assert_eq!(other.call(Method::GET, &format!("/fhir/Patient/{pid}"), None, None).await.status, 404);
    assert_eq!(other.get("/fhir/Task").await["total"], 0);
    let plain = ehr(&w, &w.gp, &["read", "write"]).await;
    let refused = plain.call(Method::GET, &format!("/fhir/Task/{task}"), None, None).await;
    assert_eq!(refused.status, 403, "{:#}", refused.body);
    let provider = ehr(&w, &w.provider, &["fhir"]).await;
    assert_eq!(provider.call(Method::POST, "/fhir", Some(referral(None)), None).await.status, 403);
    let nobody = w.anonymous();
    let r = nobody.http.get(format!("{}/fhir/Task", nobody.base)).send().await.unwrap();
    assert_eq!(r.status(), 401);

    // Not JSON, and not a Bundle: said where.
    let r = e.http.post(format!("{}/fhir", e.base)).bearer_auth(&e.token).header("content-type", "application/fhir+json").body("{\"resourceType\": \"Bundle\",\n oops").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let o: Value = r.json().await.unwrap();
    assert!(s(&o["issue"][0]["diagnostics"]).starts_with("line 2"), "{o:#}");

    // Reads and writes are audited.
    let log = w.admin.read("/api/v1/audit?per_page=200").await;
    let entities: Vec<&str> = log["contents"].as_array().unwrap().iter().map(|x| s(&x["entity"])).collect();
    assert!(entities.contains(&"fhir_referral") && entities.contains(&"fhir_task"), "{entities:?}");
}

/// The whole loop with a rest-hook subscription instead of polling: the EHR subscribes, is told
/// by id of each change to its Task (accepted, in-progress, completed) and reads the Task it is
/// pointed at; a subscriber that keeps failing puts the subscription in error, and an
/// administrator's resend brings it back. The EHR's endpoint is HTTPS with a certificate from
/// the deployment's own CA (`notifications.ca_file`).
async fn a_subscriber_is_told_of_each_change_and_a_failed_delivery_is_resent(db: TestDb) {
    use super::notifications::{eventually, fast, PrivateCa, Sink};
    let ca = PrivateCa::new();
    let mut notify = fast(None, None);
    notify.ca_file = Some(ca.ca.clone());
    notify.retry = linkwork_domain::notify::RetryPolicy { max_attempts: 2, backoff_seconds: 1, max_backoff_seconds: 1 };
    let w = World::with_config(db, linkwork_web::WebConfig { notify, ..linkwork_web::WebConfig::default() }).await;
    let e = ehr(&w, &w.gp, &["fhir"]).await;
    let hook = Sink::start_tls("/fhir-hooks/linkwork", &ca);
    assert!(hook.url.starts_with("https://"));
    let topic = "http://linkwork.example/fhir/SubscriptionTopic/task-changed";
    let ask = |filter: &str, endpoint: &str| {
        json!({
            "resourceType": "Subscription", "status": "requested", "reason": "Our practice's referrals", "criteria": topic,
            "_criteria": { "extension": [{ "url": "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria", "valueString": filter }] },
            "channel": { "type": "rest-hook", "endpoint": endpoint, "payload": "application/fhir+json",
                "_payload": { "extension": [{ "url": "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content", "valueCode": "id-only" }] },
                "header": ["Authorization: Bearer ehr-own-secret"] }
        })
    };
    let refused = e.call(Method::POST, "/fhir/Subscription", Some(ask("Task?colour=blue", "mailto:x")), None).await;
    assert_eq!(refused.status, 422);
    assert_eq!(issues_at(&refused.body), ["Subscription.criteria.extension[0].valueString", "Subscription.channel.endpoint"], "{:#}", refused.body);
    let heartbeat = |every: i64| json!([{ "url": "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period", "valueUnsignedInt": every }]);
    let mut too_often = ask("Task?status=accepted", &hook.url);
    too_often["channel"]["extension"] = heartbeat(5);
    let refused_beat = e.call(Method::POST, "/fhir/Subscription", Some(too_often), None).await;
    assert_eq!((refused_beat.status, issues_at(&refused_beat.body)), (422, vec!["Subscription.channel.extension[0].valueUnsignedInt".to_string()]), "{:#}", refused_beat.body);
    let mut asked = ask("Task?requester=PractitionerRole/SDOHCC-PractitionerRoleDrJanWaterExample", &hook.url);
    asked["channel"]["extension"] = heartbeat(600);
    let made = e.call(Method::POST, "/fhir/Subscription", Some(asked), None).await;
    // Requested until the endpoint takes the handshake, then active.
    assert_eq!((made.status, s(&made.body["status"])), (201, "requested"), "{:#}", made.body);
    assert!(made.body["channel"].get("header").is_none(), "the subscriber's secrets are not sent back");
    assert_eq!(made.body["channel"]["extension"][0]["valueUnsignedInt"], json!(600), "the heartbeat period is kept");
    let sub_id = s(&made.body["id"]).to_string();
    eventually("the handshake arrives", || async { hook.bodies().len() == 1 }).await;
    let hand = hook.bodies()[0].clone();
    let kind = |b: &Value| b["entry"][0]["resource"]["parameter"].as_array().unwrap().iter().find(|p| p["name"] == "type").map(|p| s(&p["valueCode"]).to_string()).unwrap_or_default();
    assert_eq!((kind(&hand), hand["entry"].as_array().unwrap().len()), ("handshake".to_string(), 1), "{hand:#}");
    eventually("the subscription is active", || async { s(&e.get(&format!("/fhir/Subscription/{sub_id}")).await["status"]) == "active" }).await;
    // Quiet for longer than its period, it is sent a heartbeat (once, however often the worker looks).
    let later = chrono::Utc::now() + chrono::Duration::seconds(601);
    linkwork_web::notify::worker::schedule(&w.app.state, later).await.unwrap();
    linkwork_web::notify::worker::schedule(&w.app.state, later).await.unwrap();
    eventually("the heartbeat arrives", || async { hook.bodies().len() == 2 }).await;
    let beat = hook.bodies()[1].clone();
    assert_eq!(kind(&beat), "heartbeat", "{beat:#}");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(hook.bodies().len(), 2, "one heartbeat for the period");
    hook.got.lock().unwrap().clear();
    // Another system neither sees nor ends it.
    let other = ehr(&w, &w.lw, &["fhir"]).await;
    assert_eq!(other.call(Method::GET, &format!("/fhir/Subscription/{sub_id}"), None, None).await.status, 404);

    let sent = e.call(Method::POST, "/fhir", Some(referral(Some("943 476 5919"))), None).await;
    assert_eq!(sent.status, 200, "{:#}", sent.body);
    let task_id = location(&sent.body, "Task");
    let patient_id = location(&sent.body, "Patient");
    let eid = s(&episode_of(&w, &patient_id).await["id"]).to_string();
    w.lw.ok(&format!("/api/v1/episodes/{eid}/assign"), json!({ "link_worker_id": w.lw.user_id })).await;
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "contacted", "accepted": true })).await;
    eventually("the EHR is told the Task was accepted", || async { hook.bodies().len() == 1 }).await;
    let n = hook.bodies()[0].clone();
    assert_eq!((s(&n["resourceType"]), s(&n["type"])), ("Bundle", "history"), "{n:#}");
    let status = &n["entry"][0]["resource"];
    assert_eq!(s(&status["resourceType"]), "Parameters");
    let param = |name: &str| status["parameter"].as_array().unwrap().iter().find(|p| p["name"] == name).cloned().unwrap_or(Value::Null);
    assert_eq!((s(&param("type")["valueCode"]), s(&param("events-since-subscription-start")["valueString"])), ("event-notification", "1"));
    let focus = s(&n["entry"][1]["fullUrl"]).to_string();
    assert!(focus.ends_with(&format!("/fhir/Task/{task_id}")) && n["entry"][1].get("resource").is_none(), "id-only: {n:#}");
    assert!(hook.got.lock().unwrap()[0].0.contains("Bearer ehr-own-secret"), "the subscriber's header goes with it");
    // The EHR follows the pointer with its own token.
    let task = e.get(&format!("/fhir{}", focus.split_once("/fhir").unwrap().1)).await;
    assert_eq!(s(&task["status"]), "accepted");

    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "assessed" })).await;
    eventually("told of in-progress", || async { hook.bodies().len() == 2 }).await;

    // The EHR's endpoint is down: two attempts, then the delivery is given up and the
    // subscription is in error, for an administrator to see.
    *hook.failing.lock().unwrap() = true;
    for to in ["plan_agreed", "active"] {
        w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": to })).await;
    }
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "closed", "reason": "goals_met" })).await;
    let failed = || async { w.admin.read("/api/v1/outbox?status=failed").await["messages"].as_array().unwrap().clone() };
    eventually("the notification is given up", || async { !failed().await.is_empty() }).await;
    let sub = e.get(&format!("/fhir/Subscription/{sub_id}")).await;
    assert_eq!(s(&sub["status"]), "error", "{sub:#}");
    let st = e.get(&format!("/fhir/Subscription/{sub_id}/$status")).await;
    assert_eq!(st["entry"][0]["resource"]["parameter"][2]["valueCode"], json!("error"), "{st:#}");
    *hook.failing.lock().unwrap() = false;
    let gave_up = failed().await;
    assert_eq!(s(&gave_up[0]["channel"]), "rest_hook");
    w.admin.ok(&format!("/api/v1/outbox/{}/resend", s(&gave_up[0]["id"])), json!({})).await;
    eventually("the resent notification arrives", || async { hook.bodies().len() >= 3 }).await;
    assert_eq!(s(&e.get(&format!("/fhir/Subscription/{sub_id}")).await["status"]), "active", "active again");
    let done = e.get(&format!("/fhir/Task/{task_id}")).await;
    assert_eq!(s(&done["status"]), "completed");

    // Turned off, it is told of nothing more.
    let off = e.call(Method::DELETE, &format!("/fhir/Subscription/{sub_id}"), None, None).await;
    assert_eq!((off.status, s(&off.body["status"])), (200, "off"));
    let cap = e.get("/fhir/metadata").await;
    assert!(cap["rest"][0]["resource"].as_array().unwrap().iter().any(|r| r["type"] == "Subscription"), "the CapabilityStatement says so");
    super::observatory::validated_as_fhir(&[&n, &hand, &beat, &made.body, &sub, &st, &cap, &refused.body]);
}

/// The issue's "done when": a script acting as an EHR (scripts/ehr-demo.py, standard library
/// Python) refers a person over FHIR, subscribes, follows the referral to completion as it is
/// told of each change, and reads what was done and the message back.
async fn a_script_acting_as_an_ehr_follows_a_referral_to_completion(db: TestDb) {
    let w = World::with_config(db, linkwork_web::WebConfig { notify: super::notifications::fast(None, None), ..linkwork_web::WebConfig::default() }).await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/ehr-demo.py");
    let base = w.gp.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3").arg(script).args(["--url", &base, "--referrer", "gp", "--link-worker", "lw", "--password", super::PASSWORD]).output().unwrap()
    })
    .await
    .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    for step in ["The handshake arrived; the subscription is active", "told of Task/", "read it: accepted", "read it: in-progress", "read it: completed", "What was done (Procedure/", "Message back (accepted)", "Message back (closed)", "followed to completion"] {
        assert!(said.contains(step), "'{step}' missing from:\n{said}");
    }
}

/// The light flow: an onward referral made from a referral that came over FHIR is a Task (part
/// of the health system's) and a filler-order ServiceRequest (based on the health system's) that
/// the organisation's own system polls and moves on, on the version it read; it sees only what
/// the person agreed to share, and nothing once that consent is withdrawn.
async fn an_organisations_system_follows_and_updates_its_onward_referral(db: TestDb) {
    let w = World::new(db).await;
    let e = ehr(&w, &w.gp, &["fhir"]).await;
    let sent = e.call(Method::POST, "/fhir", Some(referral(Some("943 476 5919"))), None).await;
    assert_eq!(sent.status, 200, "{:#}", sent.body);
    let (task_id, sr_id, patient_id) = (location(&sent.body, "Task"), location(&sent.body, "ServiceRequest"), location(&sent.body, "Patient"));
    let eid = s(&episode_of(&w, &patient_id).await["id"]).to_string();
    w.to_assessed(&eid).await;
    w.share_with(&patient_id, &w.f.org).await;
    let onward = w.lw.ok(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": w.f.walking, "message": "Likes cooking; ask about Thursdays." })).await;
    let oid = s(&onward["id"]).to_string();

    let org = ehr(&w, &w.provider, &["fhir"]).await;
    let since = "2000-01-01T00:00:00Z";
    let polled = org.get(&format!("/fhir/Task?owner=Organization/{}&_lastUpdated=gt{since}&_include=Task:focus", w.f.org)).await;
    assert_eq!(polled["total"], 1, "{polled:#}");
    let t = &polled["entry"][0]["resource"];
    assert_eq!((s(&t["id"]), s(&t["status"])), (oid.as_str(), "requested"), "{t:#}");
    assert_eq!(t["partOf"][0]["reference"], json!(format!("Task/{task_id}")));
    follows_the_ig(t);
    let sr = polled["entry"].as_array().unwrap().iter().find(|x| x["search"]["mode"] == "include").map(|x| x["resource"].clone()).expect("the ServiceRequest included");
    assert_eq!((s(&sr["intent"]), s(&sr["basedOn"][0]["reference"])), ("filler-order", format!("ServiceRequest/{sr_id}").as_str()), "{sr:#}");
    let shared = sr["contained"][0].to_string();
    assert!(!shared.contains("9434765919") && sr["contained"][0].get("birthDate").is_none(), "only what was shared: {sr:#}");
    assert!(!polled.to_string().contains("Cooking for his children"), "nothing of the assessment");
    let read_sr = org.get(&format!("/fhir/ServiceRequest/{}", s(&sr["id"]))).await;
    assert_eq!(read_sr["id"], sr["id"]);
    // The health system's own Task and Patient are not the organisation's to read.
    assert_eq!(org.call(Method::GET, &format!("/fhir/Task/{task_id}"), None, None).await.status, 404);
    assert_eq!(org.call(Method::GET, &format!("/fhir/Patient/{patient_id}"), None, None).await.status, 403, "an organisation reads no Patient: the person comes contained, as shared");
    // Another organisation's system sees nothing of it.
    let other = ehr(&w, &w.provider2, &["fhir"]).await;
    assert_eq!(other.call(Method::GET, &format!("/fhir/Task/{oid}"), None, None).await.status, 404);
    assert_eq!(other.get("/fhir/Task").await["total"], 0);

    // Accepted, then enrolled, each on the version read; a stale version is refused.
    let mut task = org.get(&format!("/fhir/Task/{oid}")).await;
    let v = s(&task["meta"]["versionId"]).to_string();
    task["status"] = json!("accepted");
    assert_eq!(org.call(Method::PUT, &format!("/fhir/Task/{oid}"), Some(task.clone()), None).await.status, 428);
    let accepted = org.call(Method::PUT, &format!("/fhir/Task/{oid}"), Some(task.clone()), Some(&format!("W/\"{v}\""))).await;
    assert_eq!((accepted.status, s(&accepted.body["status"])), (200, "accepted"), "{:#}", accepted.body);
    task["status"] = json!("in-progress");
    assert_eq!(org.call(Method::PUT, &format!("/fhir/Task/{oid}"), Some(task.clone()), Some(&format!("W/\"{v}\""))).await.status, 412, "a stale version");
    let v2 = s(&accepted.body["meta"]["versionId"]).to_string();
    let enrolled = org.call(Method::PUT, &format!("/fhir/Task/{oid}"), Some(task.clone()), Some(&format!("W/\"{v2}\""))).await;
    assert_eq!((enrolled.status, s(&enrolled.body["status"])), (200, "in-progress"), "{:#}", enrolled.body);
    task["status"] = json!("requested");
    let back = org.call(Method::PUT, &format!("/fhir/Task/{oid}"), Some(task), Some(&format!("W/\"{}\"", s(&enrolled.body["meta"]["versionId"])))).await;
    assert!(back.status >= 400 && issues_at(&back.body).contains(&"Task.status".to_string()), "not the performer's to set: {:#}", back.body);
    // The link worker sees the organisation's change.
    let seen = w.lw.read(&format!("/api/v1/onward-referrals/{oid}")).await;
    assert_eq!(s(&seen["status"]), "in-progress", "{seen:#}");

    // The person withdraws consent to share with the organisation: the Task is gone for it.
    let consents = w.lw.read(&format!("/api/v1/people/{patient_id}/consents")).await;
    let sharing = consents.as_array().unwrap().iter().find(|c| c["purpose"] == "sharing").unwrap();
    w.lw.ok(&format!("/api/v1/consents/{}/withdraw", s(&sharing["id"])), json!({ "reason": "Changed their mind" })).await;
    assert_eq!(org.call(Method::GET, &format!("/fhir/Task/{oid}"), None, None).await.status, 404);
    super::observatory::validated_as_fhir(&[&polled, &sr, &accepted.body, &enrolled.body, &back.body]);
}

on_both_databases!(an_organisations_system_follows_and_updates_its_onward_referral, a_script_acting_as_an_ehr_follows_a_referral_to_completion, a_referral_comes_in_over_fhir_and_is_followed_to_completion, a_person_is_never_merged_on_a_name_and_only_the_referrer_reads_it_back, a_subscriber_is_told_of_each_change_and_a_failed_delivery_is_resent);
