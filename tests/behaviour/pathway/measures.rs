//! Screening and outcome measures through the API, on SQLite and PostgreSQL: instruments loaded
//! as data (broken ones refused with every reason), partial answers kept, complete ones scored,
//! positive screens proposing needs that a link worker confirms or dismisses, outcomes over time
//! with their verdict, FHIR export (validated independently) and import, and the audit trail.

use serde_json::{json, Value};

use super::{s, World};
use crate::on_both_databases;
use crate::support::TestDb;

fn ahc_answers(food: &str) -> Value {
    json!({
        "q1": ["LA31993-1"], "q2": ["LA9-3"], "q3": [food], "q4": ["LA28398-8"], "q5": ["LA32-8"], "q6": ["LA32002-0"],
        "q7": ["LA6270-8"], "q8": ["LA6270-8"], "q9": ["LA6270-8"], "q10": ["LA6270-8"]
    })
}

async fn screening_proposes_needs_that_a_link_worker_decides(db: TestDb) {
    let w = World::new(db).await;
    let ep = w.refer("Rosa", "Martinez").await;
    let pid = s(&ep["person_id"]).to_string();
    let list = w.lw.read("/api/v1/instruments").await;
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|i| s(&i["name"])).collect();
    assert_eq!(names, ["AHCHRSNCore", "GAD2", "HungerVitalSign", "ONS4", "PHQ2", "UCLA3"]);

    // Part-way through: kept, not scored, nothing proposed.
    let partial = w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "AHCHRSNCore", "answers": { "q1": ["LA31993-1"], "q3": ["LA6729-3"] } })).await;
    assert_eq!(partial["response"]["status"], "in-progress");
    assert!(partial.get("result").is_none());
    let rid = s(&partial["response"]["id"]).to_string();
    // Completing it without every required answer names each missing one.
    let r = w.lw.call(reqwest::Method::PUT, &format!("/api/v1/responses/{rid}"), Some(json!({ "answers": { "q1": ["LA31993-1"] }, "complete": true })), None).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"].as_array().unwrap().len(), 9, "{:#}", r.body);
    // An answer the question does not offer is refused with the question.
    let r = w.lw.call(reqwest::Method::PUT, &format!("/api/v1/responses/{rid}"), Some(json!({ "answers": { "q1": ["LA0000-0"] } })), None).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "answers.q1");
    let done = w.lw.call(reqwest::Method::PUT, &format!("/api/v1/responses/{rid}"), Some(json!({ "answers": ahc_answers("LA6729-3"), "complete": true })), Some("1")).await;
    assert_eq!(done.status, 200, "{:#}", done.body);
    assert_eq!(done.body["response"]["status"], "completed");
    let positive: Vec<&str> = done.body["result"]["domains"].as_array().unwrap().iter().filter(|d| d["positive"] == true).map(|d| s(&d["id"])).collect();
    assert_eq!(positive, ["food", "utilities"]);
    // A completed response is final.
    let again = w.lw.call(reqwest::Method::PUT, &format!("/api/v1/responses/{rid}"), Some(json!({ "answers": ahc_answers("LA28398-8") })), None).await;
    assert_eq!(again.status, 409);

    let needs = w.lw.read(&format!("/api/v1/people/{pid}/needs")).await;
    let proposed: Vec<(&str, &str)> = needs["proposed"].as_array().unwrap().iter().map(|n| (s(&n["need"]), s(&n["sdoh_category"]))).collect();
    assert_eq!(proposed, [("food", "food-insecurity"), ("utilities", "utility-insecurity")]);
    let food = needs["proposed"].as_array().unwrap().iter().find(|n| n["need"] == "food").unwrap();
    let utilities = needs["proposed"].as_array().unwrap().iter().find(|n| n["need"] == "utilities").unwrap();
    assert_eq!(w.lw.ok(&format!("/api/v1/proposed-needs/{}", s(&food["id"])), json!({ "decision": "confirm" })).await["status"], "confirmed");
    assert_eq!(w.lw.ok(&format!("/api/v1/proposed-needs/{}", s(&utilities["id"])), json!({ "decision": "dismiss" })).await["status"], "dismissed");
    assert_eq!(w.lw.post(&format!("/api/v1/proposed-needs/{}", s(&food["id"])), json!({ "decision": "dismiss" })).await.status, 409, "decided once");
    let needs = w.lw.read(&format!("/api/v1/people/{pid}/needs")).await;
    assert_eq!(needs["confirmed"], json!([{ "need": "food", "sdoh_category": "food-insecurity", "source": "screening", "recorded_at": needs["confirmed"][0]["recorded_at"] }]));

    // Screening positive for food again proposes nothing new: it is on the record.
    w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "HungerVitalSign", "answers": { "hvs1": ["LA28397-0"], "hvs2": ["LA28397-0"] }, "complete": true })).await;
    let needs = w.lw.read(&format!("/api/v1/people/{pid}/needs")).await;
    assert_eq!(needs["proposed"].as_array().unwrap().len(), 2);

    // Every read and write is in the audit log, with the person.
    let audit = w.admin.read(&format!("/api/v1/audit?person_id={pid}&entity=questionnaire_response")).await;
    let actions: Vec<&str> = audit["contents"].as_array().unwrap().iter().map(|e| s(&e["action"])).collect();
    assert!(actions.contains(&"create") && actions.contains(&"update"), "{actions:?}");
    // Others never see answers.
    assert_eq!(w.gp.get(&format!("/api/v1/responses/{rid}")).await.status, 403);
    assert_eq!(w.provider.get(&format!("/api/v1/people/{pid}/needs")).await.status, 403);
}

/// A deployment that counts only a change of 4 on UCLA-3 as meaningful (the instrument says 1)
/// sees 8 to 5 as no change; other instruments keep their own thresholds.
async fn a_deployment_sets_its_own_outcome_threshold(db: TestDb) {
    let strict: linkwork_domain::instrument::OutcomeSettings = serde_json::from_value(json!({ "meaningful_change": { "UCLA3": { "total": 4.0 } } })).unwrap();
    let w = World::with_config(db, linkwork_web::WebConfig { outcomes: strict, ..linkwork_web::WebConfig::default() }).await;
    let ep = w.refer("Ada", "Lovelace").await;
    let pid = s(&ep["person_id"]).to_string();
    let ucla = |a: &str, b: &str, c: &str| json!({ "u1": [a], "u2": [b], "u3": [c] });
    for (tp, answers) in [("baseline", ucla("often", "often", "some-of-the-time")), ("follow_up", ucla("some-of-the-time", "hardly-ever", "some-of-the-time"))] {
        w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "UCLA3", "timepoint": tp, "answers": answers, "complete": true })).await;
    }
    let ons = |anxious: i64| json!({ "life_satisfaction": 6, "worthwhile": 6, "happy": 5, "anxious": anxious });
    w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "ONS4", "timepoint": "baseline", "answers": ons(3), "complete": true })).await;
    w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "ONS4", "timepoint": "follow_up", "answers": ons(6), "complete": true })).await;
    let out = w.lw.read(&format!("/api/v1/people/{pid}/outcomes")).await;
    let series = |ins: &str, score: &str| out.as_array().unwrap().iter().find(|o| o["instrument"] == ins && o["score_id"] == score).cloned().unwrap();
    assert_eq!((&series("UCLA3", "total")["change"], &series("UCLA3", "total")["verdict"]), (&json!(-3.0), &json!("no_change")), "{out:#}");
    assert_eq!(series("ONS4", "anxious")["verdict"], json!("worse"));
}

async fn outcomes_are_measured_against_the_baseline(db: TestDb) {
    let w = World::new(db).await;
    let ep = w.refer("Ada", "Lovelace").await;
    let (pid, eid) = (s(&ep["person_id"]).to_string(), s(&ep["id"]).to_string());
    let ucla = |a: &str, b: &str, c: &str| json!({ "u1": [a], "u2": [b], "u3": [c] });
    let base = w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "UCLA3", "episode_id": eid, "timepoint": "baseline", "answers": ucla("often", "often", "some-of-the-time"), "complete": true })).await;
    assert_eq!(base["result"]["scores"][0]["value"], 8.0);
    w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "UCLA3", "episode_id": eid, "timepoint": "follow_up", "answers": ucla("some-of-the-time", "hardly-ever", "some-of-the-time"), "complete": true })).await;
    let ons = |happy: i64, anxious: i64| json!({ "life_satisfaction": 6, "worthwhile": 6, "happy": happy, "anxious": anxious });
    w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "ONS4", "timepoint": "baseline", "answers": ons(5, 3), "complete": true })).await;
    w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "ONS4", "timepoint": "follow_up", "answers": ons(5, 6), "complete": true })).await;
    let out = w.lw.read(&format!("/api/v1/people/{pid}/outcomes")).await;
    let verdict = |ins: &str, score: &str| out.as_array().unwrap().iter().find(|o| o["instrument"] == ins && o["score_id"] == score).map(|o| o["verdict"].clone()).unwrap();
    assert_eq!(verdict("UCLA3", "total"), json!("improved"), "8 to 5 on loneliness: {out:#}");
    assert_eq!(verdict("ONS4", "happy"), json!("no_change"));
    assert_eq!(verdict("ONS4", "anxious"), json!("worse"));
    // A bad episode is refused.
    let other = w.refer("Bob", "Other").await;
    let r = w.lw.post(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "UCLA3", "episode_id": other["id"], "answers": {} })).await;
    assert_eq!(r.status, 422);
}

async fn administrators_load_instruments_and_broken_ones_are_refused(db: TestDb) {
    let w = World::new(db).await;
    let def: Value = serde_json::from_str(linkwork_domain::instrument::SWEMWBS).unwrap();
    assert_eq!(w.lw.post("/api/v1/instruments", def.clone()).await.status, 403, "only administrators load instruments");
    let r = w.admin.post("/api/v1/instruments", def.clone()).await;
    assert_eq!(r.status, 201, "{:#}", r.body);
    assert_eq!(r.body["licence"], "Registration with Warwick Medical School required");
    assert_eq!(w.admin.post("/api/v1/instruments", def.clone()).await.status, 200, "loading the same again changes nothing");
    let mut changed = def.clone();
    changed["questionnaire"]["title"] = json!("SWEMWBS (edited)");
    assert_eq!(w.admin.post("/api/v1/instruments", changed.clone()).await.status, 409, "a changed definition needs a new version");
    changed["questionnaire"]["version"] = json!("2");
    assert_eq!(w.admin.post("/api/v1/instruments", changed).await.status, 201);
    let mut broken = def.clone();
    broken["scoring"]["scores"][0]["items"][0] = json!("s42");
    broken["scoring"]["scores"][0]["lookup"].as_object_mut().unwrap().remove("7");
    let r = w.admin.post("/api/v1/instruments", broken).await;
    assert_eq!(r.status, 422);
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    assert!(fields.contains(&"scoring.scores[0].items[0]") && fields.contains(&"scoring.scores[0].lookup"), "{:#}", r.body);

    // A link worker measures with it: the metric score comes from the table.
    let ep = w.refer("Sam", "Swem").await;
    let answers: Value = (1..=7).map(|i| (format!("s{i}"), json!(["some"]))).collect::<serde_json::Map<_, _>>().into();
    let r = w.lw.ok(&format!("/api/v1/people/{}/responses", s(&ep["person_id"])), json!({ "instrument": "SWEMWBS", "timepoint": "baseline", "answers": answers, "complete": true })).await;
    assert_eq!(r["result"]["scores"][0]["value"], 19.25);
    // The Questionnaire itself, as FHIR.
    let q = w.lw.read("/api/v1/instruments/UCLA3?format=fhir").await;
    assert_eq!(q["resourceType"], "Questionnaire");

    // Retired, UCLA-3 takes no new answers; the answers already given keep their scores.
    let given = w.lw.ok(&format!("/api/v1/people/{}/responses", s(&ep["person_id"])), json!({ "instrument": "UCLA3", "answers": { "u1": ["often"], "u2": ["often"], "u3": ["often"] }, "complete": true })).await;
    let ucla = given["response"]["instrument_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/instruments/{ucla}");
    assert_eq!(w.lw.call(reqwest::Method::PATCH, &path, Some(json!({ "retired": true })), None).await.status, 403, "only administrators retire instruments");
    let r = w.admin.call(reqwest::Method::PATCH, &path, Some(json!({ "retired": true })), None).await;
    assert_eq!((r.status, &r.body["retired"]), (200, &json!(true)), "{:#}", r.body);
    let names = |list: &Value| list.as_array().unwrap().iter().map(|i| s(&i["name"]).to_string()).collect::<Vec<_>>();
    assert!(!names(&w.lw.read("/api/v1/instruments").await).contains(&"UCLA3".to_string()), "no longer offered");
    assert!(names(&w.admin.read("/api/v1/instruments?retired=true").await).contains(&"UCLA3".to_string()), "still listed when asked for");
    let r = w.lw.post(&format!("/api/v1/people/{}/responses", s(&ep["person_id"])), json!({ "instrument": ucla, "answers": {} })).await;
    assert_eq!(r.status, 409, "{:#}", r.body);
    assert!(r.body["detail"].as_str().unwrap().contains("retired"), "{:#}", r.body);
    let kept = w.lw.read(&format!("/api/v1/responses/{}", s(&given["response"]["id"]))).await;
    assert_eq!((&kept["status"], &kept["scores"][0]["value"]), (&json!("completed"), &json!(9.0)), "{kept:#}");
    let r = w.admin.call(reqwest::Method::PATCH, &path, Some(json!({ "retired": false })), None).await;
    assert_eq!(r.body["retired"], json!(false));
    assert!(names(&w.lw.read("/api/v1/instruments").await).contains(&"UCLA3".to_string()), "brought back");
}

async fn fhir_export_validates_and_import_scores(db: TestDb) {
    let w = World::new(db).await;
    let ep = w.refer("Fay", "Hir").await;
    let pid = s(&ep["person_id"]).to_string();
    let r = w.lw.ok(&format!("/api/v1/people/{pid}/responses"), json!({ "instrument": "PHQ2", "answers": { "p1": ["LA6570-1"], "p2": ["LA6569-3"] }, "complete": true })).await;
    let rid = s(&r["response"]["id"]).to_string();
    let qr = w.lw.read(&format!("/api/v1/responses/{rid}?format=fhir")).await;
    assert_eq!(qr["resourceType"], "QuestionnaireResponse");
    let bundle = w.lw.read(&format!("/api/v1/responses/{rid}/observations")).await;
    let obs: Vec<Value> = bundle["entry"].as_array().unwrap().iter().map(|e| e["resource"].clone()).collect();
    assert_eq!(obs[0]["code"]["coding"][0]["code"], "55758-7");
    assert_eq!(obs[0]["valueQuantity"]["value"], 3.0);
    if crate::instruments::validator_available() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = vec![];
        for (i, res) in std::iter::once(&qr).chain(obs.iter()).enumerate() {
            let p = dir.path().join(format!("{i}.json"));
            std::fs::write(&p, res.to_string()).unwrap();
            files.push(p);
        }
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fhir/validate.py");
        let out = std::process::Command::new("python3").arg(&script).args(&files).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    }
    // Importing that QuestionnaireResponse for another person scores it the same.
    let other = w.refer("Imp", "Ort").await;
    let imported = w.lw.ok(&format!("/api/v1/people/{}/responses/fhir", s(&other["person_id"])), qr.clone()).await;
    assert_eq!(imported["result"]["scores"][0]["value"], 3.0);
    let mut bad = qr.clone();
    bad["item"][0]["answer"][0]["valueCoding"]["code"] = json!("LA0000-0");
    let r = w.lw.post(&format!("/api/v1/people/{}/responses/fhir", s(&other["person_id"])), bad).await;
    assert_eq!(r.status, 422);
    assert!(r.body["errors"][0]["message"].as_str().unwrap().contains("'LA0000-0' is not one of its answers"), "{:#}", r.body);
}

/// Matching ranks the directory for the person: Rosa is referred for loneliness and exercise
/// and wants to walk; the walking group meets a need, mentions walking and is near her.
async fn matching_ranks_and_explains_services_for_the_person(db: TestDb) {
    let w = World::new(db).await;
    w.app.sync_index().await;
    let ep = w.refer("Rosa", "Martinez").await;
    let eid = s(&ep["id"]).to_string();
    w.to_assessed(&eid).await;
    let etag = w.lw.get(&format!("/api/v1/episodes/{eid}")).await.etag();
    let put = |body: serde_json::Value, etag: String| {
        let lw = &w.lw;
        let url = format!("/api/v1/episodes/{eid}/assessment");
        async move { lw.call(reqwest::Method::PUT, &url, Some(body), Some(&etag)).await }
    };
    let r = put(json!({ "interests": ["walking"], "free_times": [{ "day": "sunday", "part": "night" }] }), etag.clone()).await;
    assert_eq!((r.status, &r.body["errors"][0]["field"]), (400, &json!("free_times[0].part")), "a part of the day that does not exist is refused, saying where: {:#}", r.body);
    let free = json!([{ "day": "tuesday", "part": "morning" }, { "day": "monday", "part": "evening" }, { "day": "tuesday", "part": "morning" }]);
    let r = put(json!({ "interests": ["walking"], "barriers": [{ "barrier": "cost", "support": [] }], "free_times": free }), etag).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_eq!(r.body["assessment"]["free_times"], json!([{ "day": "monday", "part": "evening" }, { "day": "tuesday", "part": "morning" }]), "kept in week order, once each");
    let m = w.lw.read(&format!("/api/v1/episodes/{eid}/matches")).await;
    let first = &m[0];
    assert_eq!(first["name"], "Tuesday walking group", "{m:#}");
    let kinds: Vec<&str> = first["fits"].as_array().unwrap().iter().map(|f| s(&f["kind"])).collect();
    assert!(kinds.contains(&"need") && kinds.contains(&"interest"), "{kinds:?}");
    let open = first["fits"].as_array().unwrap().iter().find(|f| f["kind"] == "open_when_free").unwrap_or_else(|| panic!("free on Tuesday mornings, and it meets then: {m:#}"));
    assert_eq!((s(&open["day"]), s(&open["time"])), ("Tue", "10:00:00"), "it says when in their free time it meets");
    assert_eq!(w.gp.get(&format!("/api/v1/episodes/{eid}/matches")).await.status, 403);
    assert_eq!(w.lw.get(&format!("/api/v1/episodes/{eid}/matches?limit=0")).await.status, 400);
}

on_both_databases!(
    matching_ranks_and_explains_services_for_the_person,
    screening_proposes_needs_that_a_link_worker_decides,
    outcomes_are_measured_against_the_baseline,
    a_deployment_sets_its_own_outcome_threshold,
    administrators_load_instruments_and_broken_ones_are_refused,
    fhir_export_validates_and_import_scores,
);
