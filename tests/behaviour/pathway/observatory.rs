//! The observatory through the API, on SQLite and PostgreSQL: a caseload seeded through the real
//! pathway API, its indicators checked against values computed independently (by hand-written
//! SQL over the database and from the seeding plan), small cells suppressed by default, people
//! without consent to evaluation left out of equity breakdowns and counted as left out, CSV, the
//! access matrix and the audit trail.

use serde_json::{json, Value};

use super::{s, World};
use crate::on_both_databases;
use crate::support::TestDb;

const PEOPLE: usize = 12;

/// Person `i`: women at even i; deprivation decile 1 + i % 10; North for i < 8, South after.
/// Consent to evaluation: none recorded for 0, withdrawn for 1, given for the rest. Episodes
/// 0..8 are contacted and assessed; 0..4 are referred on to the walking group, which accepts
/// 0..3 and records sessions attended for 0..2.
/// Every third person is referred for food as well as loneliness.
fn reasons(i: usize) -> Value {
    if i % 3 == 2 {
        json!(["social_connection", "food"])
    } else {
        json!(["social_connection"])
    }
}

pub(super) async fn seed(w: &World) -> Vec<(String, String)> {
    let mut out = vec![];
    for i in 0..PEOPLE {
        let ep = w
            .gp
            .ok(
                "/api/v1/referrals",
                json!({
                    "person": { "given_name": format!("Person{i}"), "family_name": "Seeded", "birth_date": format!("{}-03-01", 1950 + i), "phone": "01632 960 001",
                                "sex": if i % 2 == 0 { "female" } else { "male" }, "deprivation_decile": 1 + i % 10, "area": if i < 8 { "North" } else { "South" } },
                    "referral": { "source": if i < 9 { "gp" } else { "self_referral" }, "reasons": reasons(i), "urgency": "routine" },
                    "consent_to_support": true,
                    "consent_method": "verbal"
                }),
            )
            .await;
        let (eid, pid) = (s(&ep["id"]).to_string(), s(&ep["person_id"]).to_string());
        if i >= 1 {
            let c =
                w.lw.ok(
                    &format!("/api/v1/people/{pid}/consents"),
                    json!({ "purpose": "evaluation", "method": "verbal" }),
                )
                .await;
            if i == 1 {
                w.lw.ok(
                    &format!("/api/v1/consents/{}/withdraw", s(&c["id"])),
                    json!({ "reason": "changed their mind" }),
                )
                .await;
            }
        }
        if i < 8 {
            w.to_assessed(&eid).await;
        }
        if i < 4 {
            w.share_with(&pid, &w.f.org).await;
            let o =
                w.lw.ok(
                    &format!("/api/v1/episodes/{eid}/onward-referrals"),
                    json!({ "service_id": w.f.walking }),
                )
                .await;
            let oid = s(&o["id"]).to_string();
            if i < 3 {
                w.provider
                    .ok(
                        &format!("/api/v1/onward-referrals/{oid}/status"),
                        json!({ "status": "accepted" }),
                    )
                    .await;
                w.provider
                    .ok(
                        &format!("/api/v1/onward-referrals/{oid}/status"),
                        json!({ "status": "in-progress" }),
                    )
                    .await;
            }
            if i < 2 {
                w.provider
                    .ok(
                        &format!("/api/v1/onward-referrals/{oid}/attendance"),
                        json!({ "session_on": "2026-11-03", "attended": true }),
                    )
                    .await;
            }
        }
        out.push((eid, pid));
    }
    out
}

/// Counts by hand-written SQL, independent of the engine.
async fn sql_count(w: &World, sql: &str) -> u64 {
    use sqlx::Connection;
    let url = &w.app.db.url;
    let n: i64 = if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
    };
    n as u64
}

fn total(e: &Value) -> &Value {
    let cells = e["cells"].as_array().unwrap();
    &cells
        .iter()
        .find(|c| c["key"].as_array().unwrap().iter().all(Value::is_null))
        .unwrap_or_else(|| panic!("no total in {e:#}"))["values"]
}

fn cell<'a>(e: &'a Value, key: &[&str]) -> &'a Value {
    let want: Vec<Value> = key
        .iter()
        .map(|k| if *k == "*" { Value::Null } else { json!(k) })
        .collect();
    &e["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"].as_array().unwrap() == &want)
        .unwrap_or_else(|| panic!("no cell {key:?} in {e:#}"))["values"]
}

async fn indicators_match_independent_counts(db: TestDb) {
    let exact: linkwork_domain::observatory::ObservatorySettings =
        serde_json::from_value(json!({ "suppress_max": 0, "round_to": 1 })).unwrap();
    let w = World::with_config(
        db,
        linkwork_web::WebConfig {
            observatory: exact,
            ..linkwork_web::WebConfig::default()
        },
    )
    .await;
    seed(&w).await;
    let a = &w.analyst;

    let list = a.read("/api/v1/indicators").await;
    assert!(list.as_array().unwrap().len() >= 18);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["title"]["es"].is_string() && d["title"]["lo"].is_string()));

    let f = a.read("/api/v1/indicators/pathway-funnel").await;
    assert_eq!(
        cell(&f, &["all"])["count"],
        sql_count(&w, "SELECT COUNT(*) FROM episode").await
    );
    assert_eq!(
        cell(&f, &["contacted"])["count"],
        sql_count(
            &w,
            "SELECT COUNT(DISTINCT episode_id) FROM episode_event WHERE to_status = 'contacted'"
        )
        .await
    );
    assert_eq!(cell(&f, &["assessed"])["count"], 8);
    assert_eq!(cell(&f, &["closed"])["count"], 0);

    let by_source = a.read("/api/v1/indicators/referrals-by-source").await;
    assert_eq!(cell(&by_source, &["gp"])["count"], 9);
    assert_eq!(cell(&by_source, &["self_referral"])["count"], 3);
    assert_eq!(total(&by_source)["count"], 12);

    // A referral for two needs is under each need, and once in the total.
    let by_need = a.read("/api/v1/indicators/referrals-by-need").await;
    let for_food = sql_count(&w, r#"SELECT COUNT(*) FROM episode WHERE CAST(referral AS TEXT) LIKE '%"food"%'"#).await;
    assert_eq!(for_food, 4);
    assert_eq!(cell(&by_need, &["food-insecurity"])["count"], for_food);
    assert_eq!(cell(&by_need, &["social-connection"])["count"], 12);
    assert_eq!(total(&by_need)["count"], sql_count(&w, "SELECT COUNT(*) FROM episode").await, "{by_need:#}");

    // By link-worker team: the link worker who took on the assessed people is put in one.
    let r = w.admin.call(reqwest::Method::PUT, "/api/v1/users/lw/team", Some(json!({ "team": "  North   team " })), None).await;
    assert_eq!((r.status, &r.body["team"]), (200, &json!("North team")), "{:#}", r.body);
    let bad = w.admin.call(reqwest::Method::PUT, "/api/v1/users/lw/team", Some(json!({ "team": "x".repeat(81) })), None).await;
    assert_eq!((bad.status, s(&bad.body["errors"][0]["field"])), (422, "team"));
    assert_eq!(w.analyst.read("/api/v1/teams").await, json!([{ "name": "North team", "members": ["lw"] }]));
    let assigned = sql_count(&w, "SELECT COUNT(*) FROM episode WHERE link_worker_id IS NOT NULL").await;
    let by_team = a.read("/api/v1/indicators/referrals-received?breakdown=team").await;
    assert_eq!(cell(&by_team, &["North team"])["count"], assigned, "{by_team:#}");
    let one_team = a.read("/api/v1/indicators/referrals-received?team=North%20team").await;
    assert_eq!(total(&one_team)["count"], assigned);

    // The directory's health, against the directory's own rows.
    let health = a.read("/api/v1/indicators/services-confirmed-recently").await;
    let today = chrono::Utc::now().date_naive();
    let since = today.checked_sub_months(chrono::Months::new(3)).unwrap();
    let active = "(status IS NULL OR status = '' OR LOWER(status) = 'active')";
    let recent = format!("SELECT COUNT(*) FROM service WHERE {active} AND SUBSTR(assured_date, 1, 10) > '{since}' AND SUBSTR(assured_date, 1, 10) <= '{today}'");
    assert_eq!(
        (total(&health)["numerator"].as_u64(), total(&health)["count"].as_u64()),
        (Some(sql_count(&w, &recent).await), Some(sql_count(&w, &format!("SELECT COUNT(*) FROM service WHERE {active}")).await)),
        "{health:#}"
    );
    assert!(total(&health)["count"].as_u64().unwrap() > 0);

    let enrol = a.read("/api/v1/indicators/onward-enrolment").await;
    let sent = sql_count(
        &w,
        "SELECT COUNT(*) FROM onward_referral WHERE status <> 'draft'",
    )
    .await;
    let enrolled = sql_count(&w, "SELECT COUNT(*) FROM onward_referral WHERE status IN ('accepted', 'in-progress', 'completed')").await;
    assert_eq!(
        (
            total(&enrol)["numerator"].as_u64(),
            total(&enrol)["count"].as_u64()
        ),
        (Some(enrolled), Some(sent))
    );
    assert_eq!(total(&enrol)["percent"], 75.0);
    let engaged = a.read("/api/v1/indicators/onward-engagement").await;
    assert_eq!(
        (
            total(&engaged)["numerator"].as_u64(),
            total(&engaged)["count"].as_u64()
        ),
        (Some(2), Some(3))
    );

    // An equity breakdown leaves out person 0 (no consent recorded) and 1 (withdrawn), and says so.
    let by_sex = a
        .read("/api/v1/indicators/referrals-received?breakdown=sex")
        .await;
    assert_eq!(cell(&by_sex, &["female"])["count"], 5, "{by_sex:#}");
    assert_eq!(cell(&by_sex, &["male"])["count"], 5);
    assert_eq!(
        by_sex["excluded"],
        json!([{ "reason": "withdrawn_consent", "count": 1 }, { "reason": "no_consent_recorded", "count": 1 }])
    );
    // A two-way table by area and deprivation quintile, with its margins.
    let two = a
        .read("/api/v1/indicators/referrals-received?breakdown=area,deprivation_quintile")
        .await;
    assert_eq!(cell(&two, &["North", "*"])["count"], 6);
    assert_eq!(cell(&two, &["South", "*"])["count"], 4);
    assert_eq!(
        cell(&two, &["*", "1"])["count"],
        2,
        "deciles 1 and 2 of persons 10 and 11 (0 and 1 left out): {two:#}"
    );
    assert_eq!(total(&two)["count"], 10);

    // CSV says the same.
    let r = a
        .http
        .get(format!(
            "{}/api/v1/indicators/referrals-by-source?format=csv",
            a.base
        ))
        .bearer_auth(a.token.as_ref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = r.text().await.unwrap();
    assert!(text.starts_with("source,count,"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("gp,9,")), "{text}");
}

async fn small_cells_are_suppressed_and_only_aggregates_are_readable(db: TestDb) {
    let w = World::new(db).await;
    seed(&w).await;
    let a = &w.analyst;
    // Default rule: 1 to 7 suppressed, others rounded to 5.
    let by_source = a.read("/api/v1/indicators/referrals-by-source").await;
    assert!(
        cell(&by_source, &["self_referral"])["count"].is_null(),
        "3 self-referrals are suppressed: {by_source:#}"
    );
    assert!(
        cell(&by_source, &["gp"])["count"].is_null(),
        "and so is its complement, or 3 = 12 − 9 would give it away"
    );
    assert_eq!(
        total(&by_source)["count"],
        10,
        "12 rounded to the nearest 5"
    );
    let text = by_source.to_string();
    assert!(
        !text.contains("Person") && !text.contains("Seeded") && !text.contains("01632"),
        "no identities: {text}"
    );

    // Bad parameters name themselves.
    let r = a
        .get("/api/v1/indicators/referrals-received?breakdown=colour")
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["errors"][0]["field"], "breakdown");
    let r = a
        .get("/api/v1/indicators/referrals-received?from=2026-13-01")
        .await;
    assert_eq!((r.status, s(&r.body["errors"][0]["field"])), (400, "from"));
    assert_eq!(a.get("/api/v1/indicators/no-such-thing").await.status, 404);

    // Who may read aggregates: analysts, link workers and administrators; not referrers or providers.
    assert_eq!(w.gp.get("/api/v1/indicators").await.status, 403);
    assert_eq!(
        w.provider
            .get("/api/v1/indicators/pathway-funnel")
            .await
            .status,
        403
    );
    assert_eq!(w.facilitator.get("/api/v1/indicators").await.status, 403);
    assert_eq!(
        w.admin
            .get("/api/v1/indicators/pathway-funnel")
            .await
            .status,
        200
    );
    // And analysts still see no person.
    assert_eq!(a.get("/api/v1/people?q=Person").await.status, 403);

    // Each read of the facts is audited with who asked and what for.
    let audit = w.admin.read("/api/v1/audit?entity=indicator").await;
    let entries = audit["contents"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["actor_id"] == json!(a.user_id)
            && e["entity_id"] == "GET /api/v1/indicators/referrals-by-source"),
        "{audit:#}"
    );
}

/// Writes FHIR resources to files and validates them with fhir.resources (an implementation
/// independent of Linkwork's); answers the files, for further checks, or None without the tool.
pub(super) fn validated_as_fhir(resources: &[&Value]) -> Option<(tempfile::TempDir, Vec<std::path::PathBuf>)> {
    if !crate::instruments::validator_available() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![];
    for (i, res) in resources.iter().enumerate() {
        let p = dir.path().join(format!("{i}-{}.json", s(&res["resourceType"])));
        std::fs::write(&p, res.to_string()).unwrap();
        files.push(p);
    }
    crate::instruments::validate_files(&files);
    Some((dir, files))
}

/// Every indicator as a FHIR R4 Measure, and its result with a breakdown as a MeasureReport, each
/// validated by an independent FHIR implementation; withheld cells say "masked", never a number.
async fn indicators_go_out_as_fhir_measures_and_reports(db: TestDb) {
    let w = World::new(db).await;
    seed(&w).await;
    let a = &w.analyst;
    let list = a.read("/api/v1/indicators").await;
    let mut resources = vec![];
    for d in list.as_array().unwrap() {
        let id = s(&d["id"]);
        let m = a.read(&format!("/api/v1/indicators/{id}/measure")).await;
        assert_eq!((s(&m["resourceType"]), s(&m["version"])), ("Measure", s(&d["version"])));
        assert_eq!(m["title"], d["title"]["en"]);
        let lo = m["_title"]["extension"].as_array().unwrap().iter().any(|x| x["extension"][1]["valueString"] == d["title"]["lo"]);
        assert!(lo, "the Lao title travels as a translation: {m:#}");
        let breakdown = d["breakdowns"].as_array().unwrap().first().map(|b| format!("&breakdown={}", s(b))).unwrap_or_default();
        let r = a.read(&format!("/api/v1/indicators/{id}?format=fhir&from=2025-01-01{breakdown}")).await;
        assert_eq!(s(&r["resourceType"]), "MeasureReport");
        assert_eq!(s(&r["measure"]), format!("{}|{}", s(&m["url"]), s(&m["version"])));
        resources.push(m);
        resources.push(r);
    }
    // 12 referrals: 9 from GPs, 3 self-referrals, under the default rule (1 to 7 withheld, round to 5).
    let r = a.get("/api/v1/indicators/referrals-by-source?format=fhir&from=2025-01-01").await;
    assert_eq!(r.status, 200);
    let ct = r.headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("application/fhir+json"), "{ct}");
    let g = &r.body["group"][0];
    assert_eq!(g["population"][0]["count"], 10, "{g:#}");
    let strata = g["stratifier"][0]["stratum"].as_array().unwrap();
    let self_ref = strata.iter().find(|x| x["value"]["text"] == "self_referral").expect("a self-referral stratum");
    assert!(self_ref["population"][0]["count"].is_null());
    assert_eq!(self_ref["population"][0]["_count"]["extension"][0]["valueCode"], "masked", "{self_ref:#}");
    // A two-way table: one stratifier per breakdown, and one of both with components.
    let two = a.read("/api/v1/indicators/referrals-received?format=fhir&from=2025-01-01&breakdown=area,sex").await;
    let sets: Vec<usize> = two["group"][0]["stratifier"].as_array().unwrap().iter().map(|x| x["code"].as_array().unwrap().len()).collect();
    assert_eq!(sets, [1, 1, 2], "{two:#}");
    // The funnel reports a group per stage.
    let f = a.read("/api/v1/indicators/pathway-funnel?format=fhir&from=2025-01-01").await;
    let stages: Vec<&str> = f["group"].as_array().unwrap().iter().map(|g| s(&g["code"]["coding"][0]["code"])).collect();
    assert_eq!(stages, ["all", "contacted", "assessed", "plan_agreed", "closed"]);
    assert_eq!(f["group"][1]["population"][0]["count"], 10, "8 contacted, rounded to 5");
    resources.push(r.body.clone());
    resources.push(two);
    let refs: Vec<&Value> = resources.iter().collect();
    validated_as_fhir(&refs);
    assert_eq!(a.get("/api/v1/indicators/no-such/measure").await.status, 404);
    assert_eq!(w.gp.get("/api/v1/indicators/pathway-funnel/measure").await.status, 403);
}

/// Answers come from facts kept between questions, but never from before a change: a referral
/// made a moment ago is counted in the next answer, and every answer is audited.
async fn a_change_is_counted_in_the_next_answer(db: TestDb) {
    let exact: linkwork_domain::observatory::ObservatorySettings =
        serde_json::from_value(json!({ "suppress_max": 0, "round_to": 1 })).unwrap();
    let w = World::with_config(db, linkwork_web::WebConfig { observatory: exact, ..linkwork_web::WebConfig::default() }).await;
    seed(&w).await;
    let a = &w.analyst;
    let path = "/api/v1/indicators/referrals-received";
    assert_eq!(total(&a.read(path).await)["count"], 12);
    assert_eq!(total(&a.read(path).await)["count"], 12, "asked again, nothing changed");
    w.refer("One", "More").await;
    assert_eq!(total(&a.read(path).await)["count"], 13, "the new referral is counted at once");
    let f = a.read("/api/v1/indicators/pathway-funnel").await;
    assert_eq!(cell(&f, &["assessed"])["count"], 8);
    let ep = w.refer("Two", "More").await;
    w.to_assessed(s(&ep["id"])).await;
    let f = a.read("/api/v1/indicators/pathway-funnel").await;
    assert_eq!((cell(&f, &["all"])["count"].as_u64(), cell(&f, &["assessed"])["count"].as_u64()), (Some(14), Some(9)));
    let audit = w.admin.read("/api/v1/audit?entity=indicator&per_page=100").await;
    let reads = audit["contents"].as_array().unwrap().iter().filter(|e| e["actor_id"] == json!(a.user_id) && e["entity_id"] == format!("GET {path}")).count();
    assert_eq!(reads, 3, "each answer is audited, cached or not: {audit:#}");
}

/// An administrator loads a programme's own indicator beside the shipped ones; it is listed and
/// evaluated like them, the same definition again changes nothing, a changed one under the same
/// version is refused (a new version replaces it as the one evaluated), and a broken one is
/// refused with every reason.
async fn an_administrator_loads_an_indicator_and_it_never_changes(db: TestDb) {
    let exact: linkwork_domain::observatory::ObservatorySettings =
        serde_json::from_value(json!({ "suppress_max": 0, "round_to": 1 })).unwrap();
    let w = World::with_config(db, linkwork_web::WebConfig { observatory: exact, ..linkwork_web::WebConfig::default() }).await;
    seed(&w).await;
    let text = |en: &str| json!({ "en": en, "es": format!("{en} (es)"), "lo": format!("{en} (lo)") });
    let def = json!({
        "id": "people-assessed", "version": "1.0.0",
        "title": text("People assessed"), "description": text("Referrals that reached a what-matters conversation."),
        "population": "episodes", "where": "assessed", "aggregate": { "kind": "count" },
        "unit": "referrals", "breakdowns": ["period", "sex"], "consent": "none"
    });
    assert_eq!(w.analyst.post("/api/v1/indicators", def.clone()).await.status, 403, "analysts read indicators; administrators load them");
    let r = w.admin.post("/api/v1/indicators", def.clone()).await;
    assert_eq!(r.status, 201, "{:#}", r.body);
    assert_eq!(w.admin.post("/api/v1/indicators", def.clone()).await.status, 200, "the same definition again changes nothing");
    let list = w.analyst.read("/api/v1/indicators").await;
    assert!(list.as_array().unwrap().iter().any(|d| d["id"] == "people-assessed" && d["title"]["lo"] == "People assessed (lo)"), "{list:#}");
    // 8 of the 12 seeded referrals were assessed; by sex (an equity breakdown) persons 0 and 1,
    // without consent to evaluation, are left out: women 2, 4, 6 and men 3, 5, 7.
    let e = w.analyst.read("/api/v1/indicators/people-assessed?from=2025-01-01").await;
    assert_eq!(total(&e)["count"], 8, "{e:#}");
    let e = w.analyst.read("/api/v1/indicators/people-assessed?from=2025-01-01&breakdown=sex").await;
    assert_eq!((cell(&e, &["female"])["count"].as_u64(), cell(&e, &["male"])["count"].as_u64()), (Some(3), Some(3)), "{e:#}");
    assert_eq!(e["excluded"].as_array().unwrap().iter().map(|x| x["count"].as_u64().unwrap()).sum::<u64>(), 2);

    let mut changed = def.clone();
    changed["where"] = json!("open");
    let r = w.admin.post("/api/v1/indicators", changed.clone()).await;
    assert_eq!(r.status, 409, "a loaded definition never changes: {:#}", r.body);
    assert!(s(&r.body["detail"]).contains("new version"), "{:#}", r.body);
    changed["version"] = json!("1.1.0");
    assert_eq!(w.admin.post("/api/v1/indicators", changed).await.status, 201);
    let e = w.analyst.read("/api/v1/indicators/people-assessed?from=2025-01-01").await;
    assert_eq!((s(&e["version"]), total(&e)["count"].as_u64()), ("1.1.0", Some(12)), "the new version is the one evaluated: {e:#}");
    assert_eq!(s(&w.analyst.read("/api/v1/indicators/people-assessed/measure").await["version"]), "1.1.0");

    let mut shipped: Value = serde_json::from_str(linkwork_domain::observatory::definition::BUILT_IN[0].1).unwrap();
    shipped["description"]["en"] = json!("Something else");
    assert_eq!(w.admin.post("/api/v1/indicators", shipped).await.status, 409, "a shipped version is not redefined");

    let mut broken = def.clone();
    broken["id"] = json!("Not An Id");
    broken["breakdowns"] = json!(["sex", "sex"]);
    broken["title"] = json!({ "en": "Only English" });
    let r = w.admin.post("/api/v1/indicators", broken).await;
    assert_eq!(r.status, 422, "{:#}", r.body);
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| s(&e["field"])).collect();
    assert!(fields.len() >= 2 && fields.iter().any(|f| f.starts_with("breakdowns")), "every reason, each with its field: {:#}", r.body);

    let audit = w.admin.read("/api/v1/audit?entity=indicator_definition&per_page=100").await;
    let loads: Vec<&str> = audit["contents"].as_array().unwrap().iter().map(|e| s(&e["entity_id"])).collect();
    assert_eq!(loads, ["people-assessed|1.1.0", "people-assessed|1.0.0"], "{audit:#}");
}

on_both_databases!(
    an_administrator_loads_an_indicator_and_it_never_changes,
    a_change_is_counted_in_the_next_answer,
    indicators_match_independent_counts,
    small_cells_are_suppressed_and_only_aggregates_are_readable,
    indicators_go_out_as_fhir_measures_and_reports
);
