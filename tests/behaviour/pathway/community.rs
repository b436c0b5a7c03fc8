//! The community cycle through the API on both databases: a village's meeting, needs, groups,
//! resources, actions, supervision and monitored values; a submission sent twice kept once; an
//! edit on an old version refused, not lost; an action raised to the district and answered; and
//! no record of another place seen or changed; and the villages' monitored values in the
//! observatory, by village and district, protected like every other count.

use reqwest::Method;
use chrono::Datelike;
use serde_json::{json, Value};

use super::{s, Client, Resp, World};
use crate::on_both_databases;
use crate::support::TestDb;

const PLACES: &str = "code,name,level,parent_code,latitude,longitude,population
P1,Phou Khao,province,,,,
D1,Nam Saeng,district,P1,,,
D2,Houay Xay,district,P1,,,
V1,Ban Na Tai,village,D1,,,820
V2,Ban Phon,village,D1,,,1140
V3,Ban Don Mai,village,D2,,,690
";

/// A write with a submission id, as a phone's outbox sends it.
async fn send(c: &Client, method: Method, path: &str, key: &str, body: Value, if_match: Option<&str>) -> Resp {
    let mut rb = c.http.request(method, format!("{}{path}", c.base)).bearer_auth(c.token.as_ref().unwrap()).header("idempotency-key", key).json(&body);
    if let Some(v) = if_match {
        rb = rb.header("if-match", v);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    Resp { status, body: r.json().await.unwrap_or(Value::Null), headers }
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

fn in_days(n: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(n)).to_string()
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|r| s(&r["id"])).collect()
}

async fn setup(w: &World) {
    let r = w
        .admin
        .http
        .post(format!("{}/api/v1/places/import", w.admin.base))
        .bearer_auth(w.admin.token.as_ref().unwrap())
        .header("content-type", "text/csv")
        .body(PLACES)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    for (code, user) in [("V1", "facilitator"), ("V2", "facilitator"), ("D1", "coordinator")] {
        assert_eq!(w.admin.post(&format!("/api/v1/places/{code}/assignments"), json!({ "username": user })).await.status, 204);
    }
}

async fn a_village_keeps_its_cycle_once_and_sees_only_its_own(db: TestDb) {
    let w = World::new(db).await;
    setup(&w).await;
    let f = &w.facilitator;
    let meeting = json!({ "date": today(), "body": {
        "kind": "meeting", "format": "workshop", "purpose": "ບັນຫານ້ຳ (water)",
        "attendance": [{ "sex": "female", "age_group": "15_to_59", "count": 14 }, { "sex": "male", "age_group": "60_plus", "count": 5 }],
        "partners": ["village_authority", "health_centre"], "notes": "The well near the school is dry in March." } });

    // Exactly once: the same submission id sent again gives back the first record.
    let first = send(f, Method::POST, "/api/v1/places/V1/records", "phone-0001-meeting", meeting.clone(), None).await;
    assert_eq!(first.status, 201, "{:#}", first.body);
    assert_eq!((s(&first.body["author"]), s(&first.body["kind"]), first.etag()), ("facilitator", "meeting", "\"1\"".to_string()));
    let again = send(f, Method::POST, "/api/v1/places/V1/records", "phone-0001-meeting", meeting.clone(), None).await;
    assert_eq!((again.status, &again.body["id"]), (200, &first.body["id"]), "{:#}", again.body);
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let meetings = f.read("/api/v1/places/V1/records?kind=meeting").await;
    assert_eq!(ids(&meetings), [s(&first.body["id"])], "kept once");
    let mut other = meeting.clone();
    other["body"]["purpose"] = json!("Roads");
    let reused = send(f, Method::POST, "/api/v1/places/V1/records", "phone-0001-meeting", other, None).await;
    assert_eq!(reused.status, 409, "a submission id used for something else is refused: {:#}", reused.body);
    let bad_key = send(f, Method::POST, "/api/v1/places/V1/records", "no spaces", meeting.clone(), None).await;
    assert_eq!((bad_key.status, s(&bad_key.body["errors"][0]["field"])), (422, "Idempotency-Key"));

    // Every problem named by its path in the body.
    let bad = f
        .post("/api/v1/places/V1/records", json!({ "date": in_days(3), "body": { "kind": "need", "words": "", "needs": ["well"], "rank": 0 } }))
        .await;
    let fields: Vec<&str> = bad.body["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    assert_eq!((bad.status, fields), (422, vec!["date", "body.words", "body.needs.0", "body.rank"]), "{:#}", bad.body);
    let unknown = f.post("/api/v1/places/V1/records", json!({ "date": today(), "body": { "kind": "vulnerable_group", "group": "pregnant", "count": 3, "names": ["Noy"] } })).await;
    assert_eq!(unknown.status, 400, "no names can be given for a group: {:#}", unknown.body);
    assert!(unknown.body.to_string().contains("names"), "the problem names the field: {:#}", unknown.body);

    let mid = s(&first.body["id"]).to_string();
    let need = f
        .ok("/api/v1/places/V1/records", json!({ "date": today(), "body": { "kind": "need", "words": "ນ້ຳສະອາດບໍ່ພໍ — not enough clean water", "needs": ["water_sanitation"], "votes": 23, "meeting": mid } }))
        .await;
    let stray = f.post("/api/v1/places/V2/records", json!({ "date": today(), "body": { "kind": "need", "words": "x", "needs": ["food"], "meeting": mid } })).await;
    assert_eq!((stray.status, s(&stray.body["errors"][0]["field"])), (422, "body.meeting"), "a need names a meeting of its own village");
    f.ok("/api/v1/places/V1/records", json!({ "date": today(), "body": { "kind": "vulnerable_group", "group": "older_alone", "count": 7, "description": "Mostly on the hill road" } })).await;
    let resource = f.ok("/api/v1/places/V1/records", json!({ "date": today(), "body": { "kind": "resource", "resource_kind": "transport", "name": "Mr Kham's tuk-tuk", "contact": "020 555 0101" } })).await;

    // Published to the directory with where it came from, once however often it is asked, and
    // found by search.
    let rid = s(&resource["id"]);
    let published = f.post(&format!("/api/v1/community/records/{rid}/publish"), json!({})).await;
    assert_eq!(published.status, 200, "{:#}", published.body);
    let service = s(&published.body["managed"]["published"]["service_id"]).to_string();
    let again = f.post(&format!("/api/v1/community/records/{rid}/publish"), json!({})).await;
    assert_eq!(s(&again.body["managed"]["published"]["service_id"]), service);
    assert_eq!(f.post(&format!("/api/v1/community/records/{}/publish", s(&first.body["id"])), json!({})).await.status, 409, "a meeting is not a service");
    w.app.sync_index().await;
    let (status, found) = w.app.get_json("/services?q=tuk-tuk").await;
    let hits: Vec<&Value> = found["contents"].as_array().unwrap().iter().filter(|x| x["id"] == json!(service)).collect();
    assert_eq!((status, hits.len()), (200, 1), "{found:#}");
    assert!(s(&hits[0]["description"]).contains("Ban Na Tai (V1)") && s(&hits[0]["description"]).contains("facilitator"), "provenance: {:#}", hits[0]);
    let action = f
        .ok("/api/v1/places/V1/records", json!({ "date": today(), "body": { "kind": "action", "title": "Repair the school well", "needed": "Pump parts", "lead": "district", "due_on": in_days(30), "status": "planned", "need": s(&need["id"]) } }))
        .await;
    let aid = s(&action["id"]).to_string();
    for (period, value) in [("2026-10", 31), ("2026-11", 35)] {
        f.ok("/api/v1/places/V1/records", json!({ "body": { "kind": "monitoring", "indicator": "safe_water", "period": period, "value": value, "out_of": 160 } })).await;
    }
    let series = f.read("/api/v1/places/V1/records?kind=monitoring").await;
    assert_eq!(series.as_array().unwrap().iter().map(|r| s(&r["date"])).collect::<Vec<_>>(), ["2026-11-01", "2026-10-01"]);

    // Supervision is the coordinator's.
    let visit = json!({ "date": today(), "body": { "kind": "supervision", "checklist": [{ "item": "meetings_held", "answer": "yes" }, { "item": "plan_followed", "answer": "partly", "note": "well repair waiting" }] } });
    assert_eq!(f.post("/api/v1/places/V1/records", visit.clone()).await.status, 403);
    assert_eq!(w.coordinator.post("/api/v1/places/V1/records", visit).await.status, 201);

    // An edit made on an old version is refused and the record as it is now is there to see.
    let v1 = f.get(&format!("/api/v1/community/records/{aid}")).await.etag();
    send(f, Method::POST, &format!("/api/v1/community/records/{aid}/progress"), "phone-0002-progress", json!({ "text": "Parts ordered", "status": "in_progress" }), None).await;
    let mut edit = json!({ "date": today(), "body": action["body"].clone() });
    edit["body"]["title"] = json!("Repair the well by the school");
    let stale = send(f, Method::PUT, &format!("/api/v1/community/records/{aid}"), "phone-0003-edit", edit.clone(), Some(&v1)).await;
    assert_eq!(stale.status, 412, "{:#}", stale.body);
    let now = f.get(&format!("/api/v1/community/records/{aid}")).await;
    assert_eq!((s(&now.body["body"]["status"]), s(&now.body["managed"]["progress"][0]["text"])), ("in_progress", "Parts ordered"), "the other change stands");
    let mut edit = json!({ "date": today(), "body": now.body["body"].clone() });
    edit["body"]["title"] = json!("Repair the well by the school");
    let ok = send(f, Method::PUT, &format!("/api/v1/community/records/{aid}"), "phone-0004-edit", edit.clone(), Some(&now.etag())).await;
    assert_eq!((ok.status, s(&ok.body["body"]["title"])), (200, "Repair the well by the school"), "{:#}", ok.body);
    let replay = send(f, Method::PUT, &format!("/api/v1/community/records/{aid}"), "phone-0004-edit", edit, Some(&now.etag())).await;
    assert_eq!((replay.status, &replay.body["version"]), (200, &ok.body["version"]), "a replayed edit changes nothing: {:#}", replay.body);
    assert_eq!(f.call(Method::PUT, &format!("/api/v1/community/records/{aid}"), Some(json!({ "date": today(), "body": now.body["body"].clone() })), None).await.status, 428);

    // Raised to the district and answered there.
    let raised = f.post(&format!("/api/v1/community/records/{aid}/raise"), json!({ "text": "Can the district pay for the pump?" })).await;
    assert_eq!((raised.status, s(&raised.body["managed"]["raised"][0]["to_place"])), (200, "D1"), "{:#}", raised.body);
    assert_eq!(f.post(&format!("/api/v1/community/records/{aid}/raise"), json!({ "text": "again" })).await.status, 409, "one question at a time");
    assert_eq!(f.post(&format!("/api/v1/community/records/{aid}/answer"), json!({ "text": "yes" })).await.status, 404, "the village does not answer for the district");
    let waiting = w.coordinator.read("/api/v1/community/actions?raised=true").await;
    assert_eq!(ids(&waiting), [aid.as_str()]);
    let open = w.coordinator.read("/api/v1/community/actions?place=D1").await;
    assert_eq!(ids(&open), [aid.as_str()], "the coordinator sees the district's open actions");
    let answered = w.coordinator.post(&format!("/api/v1/community/records/{aid}/answer"), json!({ "text": "Yes, in the January budget" })).await;
    assert_eq!(answered.status, 200, "{:#}", answered.body);
    let seen = f.read(&format!("/api/v1/community/records/{aid}")).await;
    assert_eq!(s(&seen["managed"]["raised"][0]["answer"]["text"]), "Yes, in the January budget");
    assert_eq!(s(&seen["managed"]["raised"][0]["answer"]["by"]), "coordinator");

    // Another district's village: neither seen nor changed, through any route.
    assert_eq!(w.admin.post("/api/v1/places/V3/assignments", json!({ "username": "facilitator" })).await.status, 204);
    let theirs = f.ok("/api/v1/places/V3/records", json!({ "date": today(), "body": { "kind": "action", "title": "Road", "lead": "community", "due_on": in_days(10), "status": "planned" } })).await;
    assert_eq!(w.admin.call(Method::DELETE, "/api/v1/places/V3/assignments/facilitator", None, None).await.status, 204);
    let tid = s(&theirs["id"]);
    assert_eq!(f.get("/api/v1/places/V3/records").await.status, 404);
    assert_eq!(f.get(&format!("/api/v1/community/records/{tid}")).await.status, 404);
    assert_eq!(f.post("/api/v1/places/V3/records", json!({ "date": today(), "body": { "kind": "vulnerable_group", "group": "pregnant", "count": 1 } })).await.status, 404);
    assert_eq!(f.post(&format!("/api/v1/community/records/{tid}/progress"), json!({ "text": "done" })).await.status, 404);
    let put = f.call(Method::PUT, &format!("/api/v1/community/records/{tid}"), Some(json!({ "date": today(), "body": theirs["body"].clone() })), Some("\"1\"")).await;
    assert_eq!(put.status, 404);
    assert_eq!(w.coordinator.get(&format!("/api/v1/community/records/{tid}")).await.status, 404, "the coordinator of D1 does not see D2's villages");
    assert!(!ids(&f.read("/api/v1/community/actions").await).contains(&tid));
    assert_eq!(w.analyst.get("/api/v1/places/V1/records").await.status, 403, "analysts see aggregates only");
    assert_eq!(w.lw.get(&format!("/api/v1/community/records/{aid}")).await.status, 403);
    assert_eq!(w.admin.read(&format!("/api/v1/community/records/{tid}")).await["id"], json!(tid), "administrators see every place");
    assert_eq!(w.admin.post("/api/v1/places/V1/records", json!({ "date": today(), "body": { "kind": "vulnerable_group", "group": "pregnant", "count": 1 } })).await.status, 403);

    // Every write audited, once (the replays add nothing).
    let log = w.admin.read("/api/v1/audit?entity=community_record&per_page=100").await;
    let mut actions: Vec<&str> = log["contents"].as_array().unwrap().iter().map(|e| s(&e["action"])).collect();
    actions.sort();
    let creates = actions.iter().filter(|a| **a == "create").count();
    assert_eq!(creates, 9, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| !["create"].contains(a)).copied().collect::<Vec<_>>(), ["answer", "progress", "publish", "raise", "update"]);
}

/// The month `back` months before this one, as YYYY-MM.
fn month(back: u32) -> String {
    let first = chrono::Utc::now().date_naive().with_day(1).unwrap();
    (first - chrono::Months::new(back)).format("%Y-%m").to_string()
}

fn cell<'a>(e: &'a Value, key: &[Option<&str>]) -> &'a Value {
    e["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"].as_array().unwrap().iter().map(Value::as_str).collect::<Vec<_>>() == key)
        .unwrap_or_else(|| panic!("no cell {key:?} in {e:#}"))
}

/// Values a facilitator records reach the observatory through its indicator engine: each
/// village's latest month (an edit replacing what it edits), by village and by district, with
/// counts rounded and a small village's count hidden; facilitators do not read aggregates.
async fn the_villages_values_reach_the_observatory_protected(db: TestDb) {
    let w = World::new(db).await;
    setup(&w).await;
    let f = &w.facilitator;
    let value = |place: &str, indicator: &str, back: u32, value: u32, out_of: u32| {
        let body = json!({ "body": { "kind": "monitoring", "indicator": indicator, "period": month(back), "value": value, "out_of": out_of } });
        let path = format!("/api/v1/places/{place}/records");
        async move { f.ok(&path, body).await }
    };
    value("V1", "safe_water", 1, 41, 160).await;
    value("V1", "safe_water", 0, 47, 160).await;
    let v2 = value("V2", "safe_water", 0, 30, 40).await;
    value("V2", "anc_attending", 0, 5, 6).await;
    // A value corrected: the correction counts, not both.
    let mut fixed = json!({ "body": v2["body"].clone() });
    fixed["body"]["value"] = json!(32);
    let put = f.call(Method::PUT, &format!("/api/v1/community/records/{}", s(&v2["id"])), Some(fixed), Some("\"1\"")).await;
    assert_eq!(put.status, 200, "{:#}", put.body);

    let a = &w.analyst;
    let list = a.read("/api/v1/indicators").await;
    let listed: Vec<&str> = list.as_array().unwrap().iter().map(|i| s(&i["id"])).collect();
    assert!(listed.contains(&"community-safe-water") && listed.contains(&"community-older-visited"), "{listed:?}");

    let by_village = a.read("/api/v1/indicators/community-safe-water?breakdown=place").await;
    assert_eq!(s(&by_village["kind"]), "proportion");
    // V1: this month's 47 of 160 (shown as 45 of 160, the share from the true counts).
    let v1 = &cell(&by_village, &[Some("V1")])["values"];
    assert_eq!((&v1["numerator"], &v1["count"], &v1["percent"]), (&json!(45), &json!(160), &json!(29.38)), "{by_village:#}");
    let v2 = &cell(&by_village, &[Some("V2")])["values"];
    assert_eq!((&v2["numerator"], &v2["count"], &v2["percent"]), (&json!(30), &json!(40), &json!(80.0)), "32 of 40: {by_village:#}");
    let all = &cell(&by_village, &[None])["values"];
    assert_eq!((&all["numerator"], &all["count"]), (&json!(80), &json!(200)), "79 of 200: {by_village:#}");
    let by_district = a.read("/api/v1/indicators/community-safe-water?breakdown=place_above").await;
    assert_eq!(cell(&by_district, &[Some("D1")])["values"]["count"], json!(200));
    let by_month = a.read("/api/v1/indicators/community-safe-water?breakdown=period").await;
    assert_eq!(cell(&by_month, &[Some(month(1).as_str())])["values"]["count"], json!(160), "last month, V1 only: {by_month:#}");
    // The district narrows to its villages; another district has none.
    let d2 = a.read("/api/v1/indicators/community-safe-water?area=D2").await;
    assert_eq!(cell(&d2, &[])["values"]["count"].as_u64().unwrap_or(0), 0, "{d2:#}");

    // Five of six pregnant women is a small count: hidden, and the share with it.
    let anc = a.read("/api/v1/indicators/community-anc-attending?breakdown=place").await;
    let small = &cell(&anc, &[Some("V2")])["values"];
    assert!(small["count"].is_null() && small["numerator"].is_null() && small["percent"].is_null(), "{anc:#}");
    assert_eq!(small["suppressed"], json!(true));
    let text = anc.to_string();
    assert!(!text.contains("facilitator"), "no one who recorded it is named: {text}");

    // As FHIR: a Measure and a MeasureReport an independent implementation reads.
    let measure = a.read("/api/v1/indicators/community-safe-water/measure").await;
    let report = a.read("/api/v1/indicators/community-safe-water?format=fhir&breakdown=place").await;
    super::observatory::validated_as_fhir(&[&measure, &report]);

    assert_eq!(f.get("/api/v1/indicators/community-safe-water").await.status, 403, "facilitators record values; analysts read aggregates");
}

on_both_databases!(a_village_keeps_its_cycle_once_and_sees_only_its_own, the_villages_values_reach_the_observatory_protected);
