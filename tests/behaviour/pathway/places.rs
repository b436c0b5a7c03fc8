//! The hierarchy of places for co-production, through the API on both databases: a file with
//! any problem is refused whole with each problem's line and column; a good one is imported once
//! (again, nothing changes); facilitators and coordinators see the places assigned to them and
//! those below, and nothing else.

use reqwest::Method;
use serde_json::{json, Value};

use super::{s, Client, World};
use crate::on_both_databases;
use crate::support::TestDb;

const GOOD: &str = "code,name,level,parent_code,latitude,longitude,population
V1,Ban Na Tai,village,D1,19.93,102.18,820
D1,Nam Saeng,district,P1,,,
P1,Phou Khao,province,,19.88,102.14,184000
V2,Ban Phon,village,D1,,,1140
D2,Houay Xay,district,P1,,,
V3,Ban Don Mai,village,D2,,,690
";

async fn csv(c: &Client, path: &str, body: &str, content_type: &str) -> (u16, Value) {
    let r = c.http.post(format!("{}{path}", c.base)).bearer_auth(c.token.as_ref().unwrap()).header("content-type", content_type).body(body.to_string()).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn codes(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|p| s(&p["code"])).collect()
}

async fn places_are_imported_whole_and_seen_only_by_those_assigned(db: TestDb) {
    let w = World::new(db).await;
    let bad = "code,name,level,parent_code\nV1,Ban Na Tai,village,P1\nD1,,district,P1\nP1,Phou Khao,province,\nX 1,Somewhere,hamlet,\n";
    let (status, body) = csv(&w.admin, "/api/v1/places/import", bad, "text/csv").await;
    assert_eq!(status, 422, "{body:#}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    assert_eq!(fields, ["line 2: parent_code", "line 3: name", "line 5: code", "line 5: level"], "{body:#}");
    assert!(s(&body["errors"][0]["message"]).contains("must be a district"), "{body:#}");
    assert_eq!(w.admin.read("/api/v1/places").await, json!([]), "nothing of a refused file is kept");
    assert_eq!(csv(&w.admin, "/api/v1/places/import", GOOD, "application/json").await.0, 415);
    assert_eq!(csv(&w.facilitator, "/api/v1/places/import", GOOD, "text/csv").await.0, 403);

    let (status, dry) = csv(&w.admin, "/api/v1/places/import?dry_run=true", GOOD, "text/csv").await;
    assert_eq!((status, &dry["created"], &dry["dry_run"]), (200, &json!(6), &json!(true)), "{dry:#}");
    assert_eq!(w.admin.read("/api/v1/places").await, json!([]), "a dry run writes nothing");
    let (_, done) = csv(&w.admin, "/api/v1/places/import", GOOD, "text/csv").await;
    assert_eq!((&done["created"], &done["updated"], &done["unchanged"]), (&json!(6), &json!(0), &json!(0)), "{done:#}");
    let (_, again) = csv(&w.admin, "/api/v1/places/import", GOOD, "text/csv").await;
    assert_eq!((&again["created"], &again["unchanged"]), (&json!(0), &json!(6)));
    let changed = GOOD.replace("Ban Phon,village,D1,,,1140", "Ban Phon Sa-at,village,D1,,,1150");
    let (_, upd) = csv(&w.admin, "/api/v1/places/import", &changed, "text/csv").await;
    assert_eq!((&upd["updated"], &upd["unchanged"]), (&json!(1), &json!(5)));
    let all = w.admin.read("/api/v1/places").await;
    assert_eq!(codes(&all), ["P1", "D2", "D1", "V3", "V1", "V2"], "from the top down, by name within a level");

    // Facilitators and coordinators only; only theirs and below.
    assert_eq!(w.lw.get("/api/v1/places").await.status, 403, "link workers have no places");
    assert_eq!(w.analyst.get("/api/v1/places").await.status, 403);
    assert_eq!(w.facilitator.read("/api/v1/places").await, json!([]), "nothing before an assignment");
    let r = w.admin.post("/api/v1/places/V1/assignments", json!({ "username": "analyst" })).await;
    assert_eq!((r.status, s(&r.body["errors"][0]["field"])), (422, "username"));
    assert_eq!(w.admin.post("/api/v1/places/V1/assignments", json!({ "username": "facilitator" })).await.status, 204);
    assert_eq!(w.admin.post("/api/v1/places/D1/assignments", json!({ "username": "coordinator" })).await.status, 204);
    assert_eq!(w.admin.post("/api/v1/places/NOPE/assignments", json!({ "username": "coordinator" })).await.status, 404);
    assert_eq!(codes(&w.facilitator.read("/api/v1/places").await), ["V1"]);
    assert_eq!(w.facilitator.get("/api/v1/places/V2").await.status, 404, "a neighbouring village is not theirs");
    assert_eq!(w.facilitator.get("/api/v1/places/D1").await.status, 404, "nor the district above");
    let d1 = w.coordinator.read("/api/v1/places/D1").await;
    assert_eq!(codes(&d1["children"]), ["V1", "V2"], "{d1:#}");
    assert_eq!(d1["place"]["assigned"], json!(["coordinator"]));
    assert_eq!(codes(&w.coordinator.read("/api/v1/places").await), ["D1", "V1", "V2"]);
    assert_eq!(w.coordinator.get("/api/v1/places/V3").await.status, 404);
    let levels = w.facilitator.read("/api/v1/places/levels").await;
    assert_eq!(levels[2]["names"]["lo"], "ບ້ານ");

    // Audited: the imports and the assignments (the dry run and the refused file are not).
    let log = w.admin.read("/api/v1/audit?entity=place&per_page=100").await;
    let actions: Vec<&str> = log["contents"].as_array().unwrap().iter().map(|e| s(&e["action"])).collect();
    assert_eq!(actions, ["assign", "assign", "import", "import", "import"], "{log:#}");

    let r = w.admin.call(Method::DELETE, "/api/v1/places/V1/assignments/facilitator", None, None).await;
    assert_eq!(r.status, 204);
    assert_eq!(w.facilitator.read("/api/v1/places").await, json!([]));
    assert_eq!(w.admin.call(Method::DELETE, "/api/v1/places/V1/assignments/facilitator", None, None).await.status, 404);
}

on_both_databases!(places_are_imported_whole_and_seen_only_by_those_assigned);
