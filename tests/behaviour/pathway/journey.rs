//! A referral travels the whole pathway to a closed episode, through the API alone, with every
//! step authorised, consented, audited and timestamped.

use serde_json::json;

use super::{s, World};
use crate::on_both_databases;
use crate::support::TestDb;

async fn the_whole_pathway(db: TestDb) {
    let w = World::new(db).await;
    let (gp, lw, provider) = (&w.gp, &w.lw, &w.provider);

    // The GP refers; the episode opens as received.
    let ep = w.refer("Maria", "Lopez").await;
    let (eid, pid) = (s(&ep["id"]).to_string(), s(&ep["person_id"]).to_string());
    assert_eq!(ep["status"], "received");

    // The link worker finds it in the unassigned queue and takes it.
    let queue = lw.read("/api/v1/episodes?unassigned=true").await;
    assert_eq!(queue["total_items"], 1);
    assert_eq!(queue["contents"][0]["person_name"], "Maria Lopez");
    assert_eq!(queue["contents"][0]["urgency"], "soon");
    lw.ok(&format!("/api/v1/episodes/{eid}/assign"), json!({ "link_worker_id": lw.user_id })).await;

    // Contact: one failed attempt, then contact, where Maria accepts (SNOMED CT recorded).
    lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "contact_attempted" })).await;
    lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "contacted", "accepted": true })).await;
    lw.ok(&format!("/api/v1/episodes/{eid}/follow-ups"), json!({ "due_on": "2020-01-01", "purpose": "check in after first walk" })).await;
    let due = lw.read("/api/v1/follow-ups").await;
    assert_eq!(due.as_array().unwrap().len(), 1, "an overdue follow-up shows in the due list: {due:#}");
    assert_eq!(due[0]["person_name"], "Maria Lopez");

    // "What matters to you": the assessment needs the version the link worker read.
    let read = lw.get(&format!("/api/v1/episodes/{eid}")).await;
    let etag = read.etag();
    let assessment = json!({
        "what_matters": "Getting out of the house and meeting people",
        "strengths": ["good walker", "loves to sing"],
        "interests": ["walking", "music"],
        "barriers": [{ "barrier": "confidence_company", "support": ["co_attend_first_session"] }, { "barrier": "language", "support": ["interpreter"] }]
    });
    let r = lw.call(reqwest::Method::PUT, &format!("/api/v1/episodes/{eid}/assessment"), Some(assessment), Some(&etag)).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "assessed" })).await;

    // Goals and the social prescription, then the plan is agreed.
    let goal = lw.ok(&format!("/api/v1/episodes/{eid}/goals"), json!({ "description": "Walk with others once a week", "target_date": "2027-02-01" })).await;
    let gid = s(&goal["id"]).to_string();
    lw.ok(&format!("/api/v1/episodes/{eid}/prescription"), json!({ "service_id": w.f.walking, "goal_ids": [gid] })).await;
    lw.ok(&format!("/api/v1/episodes/{eid}/prescription"), json!({ "activity": "Sunday coffee with her neighbour", "goal_ids": [gid] })).await;
    lw.ok(&format!("/api/v1/episodes/{eid}/notes"), json!({ "body": "PRIVATE-NOTE: grieving, prefers afternoons" })).await;
    lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "plan_agreed" })).await;

    // Onward referral to the walking group, after Maria agrees to share with its organisation.
    let refused = lw.post(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": w.f.walking })).await;
    assert_eq!(refused.status, 403, "no sharing consent, no referral: {:#}", refused.body);
    w.share_with(&pid, &w.f.org).await;
    let onward = lw.ok(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": w.f.walking, "message": "Maria would like company; I will come to the first walk." })).await;
    let oid = s(&onward["id"]).to_string();
    assert_eq!(onward["status"], "requested");
    lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "active" })).await;

    // The provider's inbox shows what Maria agreed to share, and no case notes.
    let inbox = provider.read("/api/v1/inbox").await;
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    let item = &inbox[0];
    assert_eq!(item["person_name"], "Maria Lopez");
    assert_eq!(item["phone"], "01632 960 001");
    assert_eq!(item["interpreter_needed"], true);
    assert_eq!(item["reasons"], json!(["social_connection", "exercise"]));
    assert!(!item.to_string().contains("PRIVATE-NOTE") && !item.to_string().contains("grieving"));
    assert!(item.get("what_matters").is_none() && !item.to_string().contains("Getting out of the house"));

    // The provider accepts, enrols Maria and records two sessions.
    provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "accepted" })).await;
    provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "in-progress" })).await;
    provider.ok(&format!("/api/v1/onward-referrals/{oid}/attendance"), json!({ "session_on": "2026-11-03", "attended": true })).await;
    provider.ok(&format!("/api/v1/onward-referrals/{oid}/attendance"), json!({ "session_on": "2026-11-10", "attended": false, "note": "unwell" })).await;

    // The link worker sees enrolment and attendance.
    let seen = lw.read(&format!("/api/v1/onward-referrals/{oid}")).await;
    assert_eq!(seen["status"], "in-progress");
    assert_eq!(seen["sessions_recorded"], 2);
    assert_eq!(seen["sessions_attended"], 1);
    let sides: Vec<(String, String)> = seen["events"].as_array().unwrap().iter().map(|e| (s(&e["to"]).to_string(), s(&e["side"]).to_string())).collect();
    assert_eq!(
        sides,
        [("draft", "requester"), ("requested", "requester"), ("accepted", "performer"), ("in-progress", "performer")].map(|(a, b)| (a.to_string(), b.to_string()))
    );

    // The provider completes; the link worker reviews the goal and closes the episode.
    provider.ok(&format!("/api/v1/onward-referrals/{oid}/status"), json!({ "status": "completed" })).await;
    lw.ok(&format!("/api/v1/goals/{gid}/reviews"), json!({ "progress": "achieved", "note": "walks every Tuesday" })).await;
    let closed = lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "closed", "reason": "goals_met" })).await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closure_reason"], "goals_met");

    // Every step has a time and an actor, in order.
    let e = lw.read(&format!("/api/v1/episodes/{eid}")).await;
    let steps: Vec<&str> = e["events"].as_array().unwrap().iter().map(|x| s(&x["to"])).collect();
    assert_eq!(steps, ["received", "contact_attempted", "contacted", "assessed", "plan_agreed", "active", "closed"]);
    let times: Vec<&str> = e["events"].as_array().unwrap().iter().map(|x| s(&x["at"])).collect();
    assert!(times.windows(2).all(|p| p[0] <= p[1]), "{times:?}");
    assert!(e["events"].as_array().unwrap()[1..].iter().all(|x| x["actor_id"] == json!(lw.user_id)));
    let accepted = e["events"].as_array().unwrap().iter().find(|x| x["to"] == "contacted").unwrap();
    assert_eq!(accepted["code"], "871731000000106");
    assert_eq!(e["goals"][0]["progress"], "achieved");
    assert!(e["closed_at"].is_string());

    // The GP reads the messages back: accepted (coded), plan agreed, closed.
    let mine = gp.read("/api/v1/referrals").await;
    let msgs = mine[0]["messages"].as_array().unwrap();
    let kinds: Vec<&str> = msgs.iter().map(|m| s(&m["kind"])).collect();
    assert_eq!(kinds, ["accepted", "plan_agreed", "closed"]);
    assert_eq!(msgs[0]["code"], "871731000000106");
    assert!(s(&msgs[1]["summary"]).contains("1 goal(s) and 2 activity"), "{}", msgs[1]["summary"]);
    assert!(s(&msgs[2]["summary"]).contains("met their goals"));
    assert!(!mine.to_string().contains("PRIVATE-NOTE"), "the referrer never sees case notes");
    let r = gp.post(&format!("/api/v1/messages/{}/read", s(&msgs[0]["id"])), json!({})).await;
    assert_eq!(r.status, 204);

    // Every read and write of Maria's data is in the audit trail, and the chain is intact.
    let audit = w.admin.read(&format!("/api/v1/audit?person_id={pid}&per_page=1000")).await;
    let actions: Vec<String> = audit["contents"].as_array().unwrap().iter().map(|a| format!("{} {}", s(&a["action"]), s(&a["entity"]))).collect();
    for needed in ["create person", "create episode", "read episode", "update assessment", "create goal", "create case_note", "create consent", "create onward_referral", "read onward_referral", "update onward_referral", "create attendance"] {
        assert!(actions.iter().any(|a| a == needed), "no '{needed}' audit entry for Maria: {actions:?}");
    }
    let v = w.admin.read("/api/v1/audit/verify").await;
    assert_eq!(v["intact"], true, "{v:#}");
}

async fn a_person_who_declines_is_closed_with_the_declined_code(db: TestDb) {
    let w = World::new(db).await;
    let ep = w.refer("Tom", "Baker").await;
    let eid = s(&ep["id"]);
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "contacted" })).await;
    let early = w.lw.post(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "assessed" })).await;
    assert_eq!(early.status, 409, "no assessment before the person accepts");
    assert!(s(&early.body["detail"]).contains("acceptance"), "{:#}", early.body);
    w.lw.ok(&format!("/api/v1/episodes/{eid}/transitions"), json!({ "to": "closed", "reason": "declined" })).await;
    let e = w.lw.read(&format!("/api/v1/episodes/{eid}")).await;
    assert_eq!(e["events"].as_array().unwrap().last().unwrap()["code"], "871711000000103");
    let mine = w.gp.read("/api/v1/referrals").await;
    let m = &mine[0]["messages"][0];
    assert_eq!(m["kind"], "declined");
    assert_eq!(m["code"], "871711000000103");
}

async fn caseload_counts_and_the_safe_level(db: TestDb) {
    let w = World::new(db).await;
    for (g, f) in [("A", "One"), ("B", "Two"), ("C", "Three")] {
        let ep = w.refer(g, f).await;
        w.lw.ok(&format!("/api/v1/episodes/{}/assign", s(&ep["id"])), json!({ "link_worker_id": w.lw.user_id })).await;
    }
    let c = w.lw.read("/api/v1/caseload").await;
    assert_eq!(c["open"], 3);
    assert_eq!(c["people_last_12_months"], 3);
    assert_eq!(c["safe_caseload"], 250);
    assert!(c.get("warning").is_none());
    let warned = w.app.store().caseload(&w.lw.user_id, "2026-11-21", "2025-11-21T00:00:00Z", 3).await.unwrap();
    assert!(warned.warning.unwrap().contains("3 people"));
}

on_both_databases!(the_whole_pathway, a_person_who_declines_is_closed_with_the_declined_code, caseload_counts_and_the_safe_level);
