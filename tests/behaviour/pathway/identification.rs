//! Finding people who may benefit (issue 13 item 7) on both databases: a practice's referrer
//! loads a FHIR Bundle (or a CSV) of the practice's patients with encounters, conditions and
//! screening observations; the rules list exactly the frequent attender, the recorded social
//! isolation and the positive screen, each with why, and not the patient who matches nothing;
//! a Bundle or CSV with errors is refused whole with every problem's place; nobody but the
//! practice's own referrers sees the worklist; referring from an entry makes the ordinary
//! referral (consent required) and marks the entry; loads, runs and views are audited.

use chrono::{Duration, NaiveDate};
use reqwest::Method;
use serde_json::{json, Value};

use super::{s, Client, Resp, World, PASSWORD};
use crate::on_both_databases;
use crate::support::TestDb;

pub const PRACTICE: &str = "0190e0a0-1111-7000-8000-000000000001";
const OTHER_PRACTICE: &str = "0190e0a0-2222-7000-8000-000000000002";
const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn ago(d: i64) -> String {
    (today() - Duration::days(d)).to_string()
}

fn patient(id: &str, given: &str, family: &str, birth: &str, nhs: Option<&str>) -> Value {
    let mut p = json!({ "resourceType": "Patient", "id": id, "name": [{ "given": [given], "family": family }], "birthDate": birth });
    if let Some(n) = nhs {
        p["identifier"] = json!([{ "system": NHS, "value": n }]);
    }
    json!({ "fullUrl": format!("urn:uuid:{id}"), "resource": p })
}

fn encounter(patient: &str, on: &str) -> Value {
    json!({ "resource": { "resourceType": "Encounter", "status": "finished", "class": { "code": "AMB" }, "subject": { "reference": format!("Patient/{patient}") }, "period": { "start": on } } })
}

/// Four patients: a frequent attender (eleven GP visits this year), a recorded social isolation,
/// a positive food screen, and one with two visits and a negative screen.
pub fn bundle() -> Value {
    let mut e = vec![
        patient("p1", "Margaret", "Holt", "1941-04-12", Some("943 476 5919")),
        patient("p2", "Derek", "Ainsworth", "1952-09-30", Some("9990000018")),
        patient("p3", "Priya", "Shah", "1987-02-20", None),
        patient("p4", "Alice", "Moreno", "1979-06-14", None),
    ];
    e.extend((0..11).map(|k| encounter("p1", &ago(10 + k * 30))));
    e.push(json!({ "resource": { "resourceType": "Condition", "clinicalStatus": { "coding": [{ "code": "active" }] },
        "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "422650009", "display": "Social isolation (finding)" }] },
        "subject": { "reference": "urn:uuid:p2" }, "recordedDate": ago(60) } }));
    e.push(json!({ "resource": { "resourceType": "Observation", "status": "final", "code": { "coding": [{ "system": "http://loinc.org", "code": "88122-7" }] },
        "subject": { "reference": "Patient/p3" }, "effectiveDateTime": ago(30), "valueCodeableConcept": { "coding": [{ "system": "http://loinc.org", "code": "LA28397-0", "display": "Often true" }] } } }));
    e.extend([encounter("p4", &ago(40)), encounter("p4", &ago(200))]);
    e.push(json!({ "resource": { "resourceType": "Observation", "status": "final", "code": { "coding": [{ "system": "http://loinc.org", "code": "88122-7" }] },
        "subject": { "reference": "Patient/p4" }, "effectiveDateTime": ago(30), "valueCodeableConcept": { "coding": [{ "system": "http://loinc.org", "code": "LA28398-8" }] } } }));
    e.push(json!({ "resource": { "resourceType": "Practitioner", "id": "dr1" } }));
    json!({ "resourceType": "Bundle", "type": "collection", "entry": e })
}

/// The same patients as a CSV.
pub fn csv() -> String {
    let mut out = String::from("patient_id,record,nhs_number,given_name,family_name,birth_date,date,system,code,class,status,value\n");
    out += "p1,patient,943 476 5919,Margaret,Holt,1941-04-12,,,,,,\n";
    out += "p2,patient,,Derek,Ainsworth,1952-09-30,,,,,,\n";
    out += "p3,patient,,Priya,Shah,1987-02-20,,,,,,\n";
    out += "p4,patient,,Alice,Moreno,1979-06-14,,,,,,\n";
    for k in 0..11 {
        out += &format!("p1,encounter,,,,,{},,,AMB,finished,\n", ago(10 + k * 30));
    }
    out += &format!("p2,condition,,,,,{},snomed,422650009,,active,\n", ago(60));
    out += &format!("p3,observation,,,,,{},loinc,88122-7,,final,LA28397-0\n", ago(30));
    out += &format!("p4,encounter,,,,,{},,,AMB,finished,\n", ago(40));
    out += &format!("p4,observation,,,,,{},loinc,88122-7,,final,LA28398-8\n", ago(30));
    out
}

async fn send(c: &Client, path: &str, content_type: &str, body: String) -> Resp {
    let mut rb = c.http.post(format!("{}{}", c.base, path)).header("content-type", content_type).body(body);
    if let Some(t) = &c.token {
        rb = rb.bearer_auth(t);
    }
    let r = rb.send().await.expect("answered");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    Resp { status, body: serde_json::from_str(&text).unwrap_or(Value::String(text)), headers }
}

fn patients_path(org: &str) -> String {
    format!("/api/v1/practices/{org}/patients")
}

/// Two GP practices in the directory; the GP works at the first, a second referrer at the other.
pub async fn practices(w: &World) -> Client {
    use linkwork_domain::hsds::{table, Batch, Record};
    let mut records = vec![];
    for (id, name) in [(PRACTICE, "Millbrook Surgery"), (OTHER_PRACTICE, "Oakley Medical Practice")] {
        let mut r = Record::new(table("organization").unwrap());
        r.set_raw("id", id);
        r.set_raw("name", name);
        r.set_raw("description", "An NHS GP practice.");
        records.push(r);
    }
    w.app.store().write_batch(&Batch { records, source_ids: vec![] }).await.unwrap();
    let r = w.admin.call(Method::PATCH, "/api/v1/users/gp", Some(json!({ "organizations": [PRACTICE] })), None).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    w.admin.ok("/api/v1/users", json!({ "username": "gp2", "display_name": "Dr Other", "password": PASSWORD, "roles": ["referrer"], "organizations": [OTHER_PRACTICE] })).await;
    let t = w.anonymous().post("/api/v1/auth/token", json!({ "username": "gp2", "password": PASSWORD })).await;
    assert_eq!(t.status, 201, "{:#}", t.body);
    Client { token: Some(s(&t.body["token"]).to_string()), ..w.gp.clone() }
}

fn entry<'a>(list: &'a Value, key: &str) -> &'a Value {
    list["entries"].as_array().unwrap().iter().find(|e| e["patient_key"] == key).unwrap_or_else(|| panic!("{key} is on the worklist: {list:#}"))
}

async fn a_practice_finds_who_may_benefit_and_refers_them(db: TestDb) {
    let w = World::new(db).await;
    let gp2 = practices(&w).await;
    let r = send(&w.gp, &patients_path(PRACTICE), "application/fhir+json", bundle().to_string()).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_eq!((&r.body["patients"], &r.body["records"], &r.body["format"]), (&json!(4), &json!(16), &json!("fhir")), "{:#}", r.body);
    let run = w.gp.ok(&format!("/api/v1/practices/{PRACTICE}/runs"), json!({})).await;
    assert_eq!((&run["patients"], &run["found"], s(&run["as_of"])), (&json!(4), &json!(3), today().to_string().as_str()), "{run:#}");

    // Exactly the three, each with why.
    let list = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    assert_eq!(list["entries"].as_array().unwrap().len(), 3, "{list:#}");
    assert!(list["entries"].as_array().unwrap().iter().all(|e| e["patient_key"] != "p4"), "Alice matches nothing: {list:#}");
    let margaret = entry(&list, "p1");
    assert_eq!(margaret["reasons"][0]["rule"], "frequent_attender");
    assert_eq!(margaret["reasons"][0]["evidence"][0]["count"], 11);
    assert_eq!(
        s(&margaret["reasons"][0]["text"]),
        format!("Frequent attender: 11 GP encounters between {} and {}", today().checked_sub_months(chrono::Months::new(12)).unwrap(), today())
    );
    assert_eq!((s(&margaret["given_name"]), s(&margaret["nhs_number"])), ("Margaret", "9434765919"));
    let derek = entry(&list, "p2");
    assert_eq!(derek["reasons"][0]["rule"], "isolation_finding");
    assert_eq!(s(&derek["reasons"][0]["text"]), format!("Loneliness or social isolation recorded: Condition 422650009 Social isolation (finding) recorded {}", ago(60)));
    let priya = entry(&list, "p3");
    assert_eq!(priya["reasons"][0]["rule"], "positive_screen");
    assert_eq!(priya["reasons"][0]["needs"], json!(["food"]));
    assert!(list["entries"].as_array().unwrap().iter().all(|e| e["status"] == "open"));

    // Nobody else sees it: other roles by role, another practice's referrer as if it did not exist.
    for (who, c) in [("the link worker", &w.lw), ("the analyst", &w.analyst), ("a provider", &w.provider), ("the administrator", &w.admin)] {
        let r = c.get(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
        assert_eq!(r.status, 403, "{who}: {:#}", r.body);
    }
    let r = gp2.get(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    assert_eq!(r.status, 404, "{:#}", r.body);
    let r = send(&gp2, &patients_path(PRACTICE), "application/fhir+json", bundle().to_string()).await;
    assert_eq!(r.status, 404, "another practice's referrer cannot load into it: {:#}", r.body);
    let r = gp2.post(&format!("/api/v1/practices/{PRACTICE}/worklist/{}/refer", s(&derek["id"])), json!({ "consent_to_support": true, "consent_method": "verbal" })).await;
    assert_eq!(r.status, 404, "{:#}", r.body);
    assert_eq!(w.anonymous().get(&format!("/api/v1/practices/{PRACTICE}/worklist")).await.status, 401);
    // Nothing is a person's record yet: the link worker's queue is empty.
    assert_eq!(w.app.store().count_episodes().await.unwrap(), 0);

    // Referring needs the person's agreement, as every referral does.
    let path = format!("/api/v1/practices/{PRACTICE}/worklist/{}/refer", s(&derek["id"]));
    let r = w.gp.post(&path, json!({ "consent_to_support": false, "consent_method": "verbal" })).await;
    assert_eq!(r.status, 422, "{:#}", r.body);
    assert!(r.body["errors"].as_array().unwrap().iter().any(|e| e["field"] == "consent_to_support"), "{:#}", r.body);
    let referred = w.gp.ok(&path, json!({ "person": { "phone": "01632 960 002", "preferred_contact": "phone" }, "consent_to_support": true, "consent_method": "verbal" })).await;
    assert_eq!((s(&referred["entry"]["status"]), &referred["joined"]), ("referred", &json!(false)), "{referred:#}");
    let episode = s(&referred["episode"]["id"]).to_string();
    assert_eq!(referred["entry"]["episode_id"], json!(episode));
    let again = w.gp.post(&path, json!({ "consent_to_support": true, "consent_method": "verbal" })).await;
    assert_eq!(again.status, 409, "{:#}", again.body);
    // The link worker has the referral, with the reasons mapped to needs and the evidence.
    let ep = w.lw.read(&format!("/api/v1/episodes/{episode}")).await;
    assert_eq!(ep["referral"]["reasons"], json!(["social_connection"]), "{ep:#}");
    assert!(s(&ep["referral"]["details"]).contains("422650009"), "{ep:#}");
    let person = w.lw.read(&format!("/api/v1/people/{}", s(&referred["episode"]["person_id"]))).await;
    assert_eq!((s(&person["details"]["given_name"]), s(&person["details"]["birth_date"])), ("Derek", "1952-09-30"), "{person:#}");
    let mine = w.gp.read("/api/v1/referrals").await;
    assert!(mine.as_array().unwrap().iter().any(|r| r["episode_id"] == json!(episode)), "{mine:#}");

    // Dismissed with a reason; a later run keeps the decisions.
    let r = w.gp.post(&format!("/api/v1/practices/{PRACTICE}/worklist/{}/dismiss", s(&priya["id"])), json!({ "reason": " " })).await;
    assert_eq!(r.status, 422, "{:#}", r.body);
    let d = w.gp.ok(&format!("/api/v1/practices/{PRACTICE}/worklist/{}/dismiss", s(&priya["id"])), json!({ "reason": "Already supported by the food bank" })).await;
    assert_eq!((s(&d["status"]), s(&d["dismissed_reason"])), ("dismissed", "Already supported by the food bank"));
    w.gp.ok(&format!("/api/v1/practices/{PRACTICE}/runs"), json!({ "as_of": today().to_string() })).await;
    let list = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    assert_eq!((s(&entry(&list, "p1")["status"]), s(&entry(&list, "p2")["status"]), s(&entry(&list, "p3")["status"])), ("open", "referred", "dismissed"), "{list:#}");
    let r = w.gp.post(&format!("/api/v1/practices/{PRACTICE}/runs"), json!({ "as_of": (today() + Duration::days(1)).to_string() })).await;
    assert_eq!(r.status, 400, "{:#}", r.body);

    // Audited: the load, the runs, each view, the referral from the worklist.
    for (entity, action, n) in [("practice_patients", "load", 1), ("identification_run", "run", 2), ("identification_worklist", "read", 2), ("identification_entry", "refer", 1), ("identification_entry", "dismiss", 1)] {
        let log = w.admin.read(&format!("/api/v1/audit?entity={entity}&action={action}&per_page=100")).await;
        let found = log["contents"].as_array().unwrap();
        assert_eq!(found.len(), n, "{entity} {action}: {log:#}");
        assert!(found.iter().all(|e| e["actor_name"] == "gp"), "{log:#}");
    }
    let refer_log = w.admin.read("/api/v1/audit?entity=identification_entry&action=refer").await;
    assert_eq!(refer_log["contents"][0]["person_id"], referred["episode"]["person_id"], "{refer_log:#}");
}

async fn what_is_wrong_is_refused_whole_with_where(db: TestDb) {
    let w = World::new(db).await;
    practices(&w).await;
    let r = send(&w.gp, &patients_path(PRACTICE), "application/fhir+json", bundle().to_string()).await;
    assert_eq!(r.status, 200, "{:#}", r.body);

    // A Bundle with errors: each at its FHIRPath, and nothing replaced.
    let mut bad = bundle();
    bad["entry"][0]["resource"]["identifier"][0]["value"] = json!("943 476 5918");
    bad["entry"][4]["resource"]["subject"]["reference"] = json!("Patient/nobody");
    bad["entry"][3]["resource"]["birthDate"] = json!("2999-01-01");
    bad["entry"].as_array_mut().unwrap().push(json!({ "resource": { "resourceType": "MedicationRequest" } }));
    let r = send(&w.gp, &patients_path(PRACTICE), "application/fhir+json", bad.to_string()).await;
    assert_eq!(r.status, 422, "{:#}", r.body);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    let last = bad["entry"].as_array().unwrap().len() - 1;
    for want in ["Bundle.entry[0].resource.identifier[0].value", "Bundle.entry[4].resource.subject", "Bundle.entry[3].resource.birthDate", &format!("Bundle.entry[{last}].resource.resourceType")] {
        assert!(fields.contains(&want), "{want} in {:#}", r.body);
    }
    assert!(r.body["errors"].as_array().unwrap().iter().all(|e| !s(&e["message"]).is_empty()));
    let list = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    assert_eq!((&list["load"]["patients"], &list["load"]["format"]), (&json!(4), &json!("fhir")), "the good load stands: {list:#}");
    let r = send(&w.gp, &patients_path(PRACTICE), "application/fhir+json", "{\"resourceType\": \"Bundle\", oops".into()).await;
    assert_eq!(r.status, 400, "{:#}", r.body);
    let r = send(&w.gp, &patients_path(PRACTICE), "application/xml", "<Bundle/>".into()).await;
    assert_eq!(r.status, 415, "{:#}", r.body);

    // The CSV: the same patients, found the same; a file with errors named by line and column.
    let r = send(&w.gp, &patients_path(PRACTICE), "text/csv", csv()).await;
    assert_eq!((r.status, &r.body["patients"], &r.body["format"], &r.body["replaced"]), (200, &json!(4), &json!("csv"), &json!(4)), "{:#}", r.body);
    let run = w.gp.ok(&format!("/api/v1/practices/{PRACTICE}/runs"), json!({})).await;
    assert_eq!(run["found"], 3, "{run:#}");
    let list = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    let mut keys: Vec<&str> = list["entries"].as_array().unwrap().iter().map(|e| s(&e["patient_key"])).collect();
    keys.sort();
    assert_eq!(keys, ["p1", "p2", "p3"], "{list:#}");
    let broken = csv().replace("p2,patient,,Derek,Ainsworth,1952-09-30", "p2,patient,,Derek,Ainsworth,30/09/1952").replace("p3,observation", "p9,observation");
    let r = send(&w.gp, &patients_path(PRACTICE), "text/csv", broken).await;
    assert_eq!(r.status, 422, "{:#}", r.body);
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    assert!(fields.contains(&"line 3, column birth_date"), "{:#}", r.body);
    assert!(fields.iter().any(|f| f.ends_with("column patient_id")), "{:#}", r.body);
    let list = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    assert_eq!(list["load"]["format"], "csv");
    assert_eq!(list["stale"], false, "{list:#}");
    // Loading again marks the last run stale until the rules are run again.
    send(&w.gp, &patients_path(PRACTICE), "text/csv", csv()).await;
    let list = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    assert_eq!(list["stale"], true, "{list:#}");
}

/// A browser's view of the pages: a signed-in session's cookie and its CSRF token.
pub(crate) struct Session {
    base: String,
    cookie: String,
    csrf: String,
    http: reqwest::Client,
}

impl Session {
    pub(crate) async fn of(w: &World, username: &str) -> Session {
        let s = linkwork_web::auth::sign_in(&w.app.state, username, PASSWORD, "session", "page test").await.unwrap_or_else(|_| panic!("{username} signs in"));
        Session { base: w.app.url(""), cookie: format!("linkwork_session={}", s.secret), csrf: s.credential.csrf.unwrap_or_default(), http: crate::support::http().build().unwrap() }
    }

    async fn answer(rb: reqwest::RequestBuilder) -> (u16, String, String) {
        let r = rb.send().await.expect("answered");
        let (status, url) = (r.status().as_u16(), r.url().path().to_string());
        (status, url, r.text().await.unwrap())
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, String, String) {
        Self::answer(self.http.get(format!("{}{path}", self.base)).header("cookie", &self.cookie)).await
    }

    pub(crate) async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let enc = |v: &str| v.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>();
        let mut body = format!("csrf={}", enc(&self.csrf));
        for (k, v) in fields {
            body += &format!("&{k}={}", enc(v));
        }
        Self::answer(self.http.post(format!("{}{path}", self.base)).header("cookie", &self.cookie).header("content-type", "application/x-www-form-urlencoded").body(body)).await
    }

    async fn upload(&self, path: &str, file: &str) -> (u16, String, String) {
        let b = "----linkworktest";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"patients.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{b}--\r\n",
            self.csrf
        );
        Self::answer(self.http.post(format!("{}{path}", self.base)).header("cookie", &self.cookie).header("content-type", format!("multipart/form-data; boundary={b}")).body(body)).await
    }
}

fn message(id: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/web/locales/en/main.ftl");
    let text = std::fs::read_to_string(p).unwrap();
    text.lines().find_map(|l| l.strip_prefix(&format!("{id} = "))).unwrap_or_else(|| panic!("{id}")).replace('\'', "&#x27;")
}

async fn the_pages_take_the_referrer_from_upload_to_referral(db: TestDb) {
    let w = World::new(db).await;
    practices(&w).await;
    let gp = Session::of(&w, "gp").await;
    let (status, url, page) = gp.get("/worklist?lang=en").await;
    assert_eq!((status, url.as_str()), (200, format!("/worklist/{PRACTICE}").as_str()), "one practice: its worklist straight away");
    assert!(page.contains("Millbrook Surgery") && page.contains(&message("worklist-not-loaded")), "{page}");
    let (_, _, home) = gp.get("/referrals").await;
    assert!(home.contains("href=\"/worklist\""), "the referrer's home links to the worklist");

    // A broken file is refused with each problem where it is; the good one is loaded.
    let broken = csv().replace("p2,patient,,Derek,Ainsworth,1952-09-30", "p2,patient,,Derek,Ainsworth,30/09/1952");
    let (status, _, page) = gp.upload(&format!("/worklist/{PRACTICE}/patients"), &broken).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("line 3, column birth_date"), "{page}");
    let (status, _, page) = gp.upload(&format!("/worklist/{PRACTICE}/patients"), &csv()).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&message("done-worklist-loaded")), "{page}");
    let (status, _, page) = gp.form(&format!("/worklist/{PRACTICE}/runs"), &[]).await;
    assert_eq!(status, 200, "{page}");
    for who in ["Margaret Holt", "Derek Ainsworth", "Priya Shah"] {
        assert!(page.contains(who), "{who} is listed: {page}");
    }
    assert!(!page.contains("Alice Moreno"), "{page}");
    assert!(page.contains("Frequent attender") && page.contains("11 GP encounters between") && page.contains("422650009"), "each with why: {page}");

    // Refer: the form filled in from the record; without the person's agreement it comes back.
    let list = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    let derek = s(&entry(&list, "p2")["id"]).to_string();
    let refer = format!("/worklist/{PRACTICE}/entries/{derek}/refer");
    let (status, _, form) = gp.get(&refer).await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("Derek Ainsworth") && form.contains("value=\"social_connection\" checked"), "{form}");
    let (status, _, again) = gp.form(&refer, &[("reasons", "social_connection"), ("phone", "01632 960 002"), ("urgency", "routine"), ("consent_method", "verbal")]).await;
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("consent_to_support-error"), "{again}");
    let (status, _, page) = gp.form(&refer, &[("reasons", "social_connection"), ("phone", "01632 960 002"), ("urgency", "routine"), ("consent", "1"), ("consent_method", "verbal")]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&message("done-worklist-referred")) && page.contains(&message("worklist-status-referred")), "{page}");
    let list = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await;
    assert_eq!(entry(&list, "p2")["status"], "referred");

    // Taken off the list with a reason; none, and the page says so.
    let priya = s(&entry(&list, "p3")["id"]).to_string();
    let (status, _, page) = gp.form(&format!("/worklist/{PRACTICE}/entries/{priya}/dismiss"), &[("reason", "")]).await;
    assert_eq!(status, 422, "{page}");
    let (status, _, page) = gp.form(&format!("/worklist/{PRACTICE}/entries/{priya}/dismiss"), &[("reason", "Already supported")]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Already supported") && page.contains(&message("worklist-status-dismissed")), "{page}");

    // Nobody else has the pages.
    let lw = Session::of(&w, "lw").await;
    let (status, _, _) = lw.get(&format!("/worklist/{PRACTICE}")).await;
    assert_eq!(status, 403);
    let other = Session::of(&w, "gp2").await;
    let (status, _, _) = other.get(&format!("/worklist/{PRACTICE}")).await;
    assert_eq!(status, 404);
    let (status, _, page) = other.form(&format!("/worklist/{PRACTICE}/runs"), &[]).await;
    assert_eq!(status, 404, "{page}");
}

on_both_databases!(a_practice_finds_who_may_benefit_and_refers_them, what_is_wrong_is_refused_whole_with_where, the_pages_take_the_referrer_from_upload_to_referral);
