//! Random sequences of requests never leave an episode or an onward referral in a state its
//! machine does not allow: every recorded step is a legal one, taken by the side allowed to.

use linkwork_domain::pathway::episode::{next_statuses, EpisodeStatus};
use linkwork_domain::pathway::task::{self, Side, TaskStatus};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::{s, World};
use crate::on_both_databases;
use crate::support::TestDb;

const REASONS: [&str; 7] = ["goals_met", "disengaged", "declined", "unable_to_contact", "moved_away", "died", "referred_elsewhere"];

fn check_episode(e: &Value) {
    let events = e["events"].as_array().unwrap();
    assert_eq!(events[0]["to"], "received");
    let mut at = EpisodeStatus::Received;
    for ev in &events[1..] {
        let from: EpisodeStatus = s(&ev["from"]).parse().unwrap();
        let to: EpisodeStatus = s(&ev["to"]).parse().unwrap();
        assert_eq!(from, at, "events do not chain: {events:#?}");
        assert!(next_statuses(from).contains(&to), "illegal step {from} -> {to} recorded");
        at = to;
    }
    assert_eq!(s(&e["status"]), at.as_str(), "status disagrees with the events");
    assert_eq!(e["closure_reason"].is_string(), at == EpisodeStatus::Closed);
    let acceptances = events.iter().filter(|x| x["code"] == "871731000000106").count();
    assert!(acceptances <= 1, "acceptance recorded {acceptances} times");
    assert_eq!(e["accepted"] == json!(true), acceptances == 1);
}

async fn random_episode_transitions_stay_legal(db: TestDb) {
    let w = World::new(db).await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261121);
    let mut ids = vec![];
    for i in 0..3 {
        ids.push(s(&w.refer("Random", &format!("Person{i}")).await["id"]).to_string());
    }
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..120 {
        let eid = ids.choose(&mut rng).unwrap();
        let before = w.lw.read(&format!("/api/v1/episodes/{eid}")).await;
        let to = EpisodeStatus::ALL.choose(&mut rng).unwrap().as_str();
        let mut body = json!({ "to": to });
        if rng.gen_bool(0.4) {
            body["accepted"] = json!(rng.gen_bool(0.8));
        }
        if rng.gen_bool(0.4) {
            body["reason"] = json!(REASONS.choose(&mut rng).unwrap());
        }
        let r = w.lw.post(&format!("/api/v1/episodes/{eid}/transitions"), body.clone()).await;
        let after = w.lw.read(&format!("/api/v1/episodes/{eid}")).await;
        match r.status {
            200 => {
                ok += 1;
                assert_eq!(after["status"], to);
            }
            409 => {
                refused += 1;
                assert_eq!(after["status"], before["status"], "a refused move changed the episode");
                assert_eq!(after["version"], before["version"]);
                assert!(r.body["detail"].is_string());
            }
            other => panic!("{body} answered {other}: {:#}", r.body),
        }
        check_episode(&after);
    }
    assert!(ok > 5 && refused > 20, "the sequence exercised both outcomes: {ok} allowed, {refused} refused");
}

async fn random_onward_referral_statuses_stay_legal(db: TestDb) {
    let w = World::new(db).await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let (ep, _) = w.onward_to_walking().await;
    let eid = s(&ep["id"]).to_string();
    let (mut ok, mut refused) = (0, 0);
    for round in 0..12 {
        let o = w.lw.ok(&format!("/api/v1/episodes/{eid}/onward-referrals"), json!({ "service_id": w.f.walking, "send": round % 2 == 0 })).await;
        let oid = s(&o["id"]).to_string();
        for _ in 0..15 {
            let side = if rng.gen_bool(0.5) { Side::Requester } else { Side::Performer };
            let client = if side == Side::Requester { &w.lw } else { &w.provider };
            let before = w.lw.read(&format!("/api/v1/onward-referrals/{oid}")).await;
            // Half the time a move the machine offers this side, half the time anything at all.
            let current: TaskStatus = s(&before["status"]).parse().unwrap();
            let offered = task::next_for(side, current);
            let to = if rng.gen_bool(0.5) && !offered.is_empty() { *offered.choose(&mut rng).unwrap() } else { *TaskStatus::ALL.choose(&mut rng).unwrap() };
            let to = to.as_str();
            let mut body = json!({ "status": to });
            if rng.gen_bool(0.7) {
                body["reason"] = json!("a reason");
            }
            let r = client.post(&format!("/api/v1/onward-referrals/{oid}/status"), body.clone()).await;
            let after = w.lw.read(&format!("/api/v1/onward-referrals/{oid}")).await;
            match r.status {
                200 => {
                    ok += 1;
                    assert_eq!(after["status"], to);
                }
                // 404: a provider cannot see a draft at all.
                409 | 404 => {
                    refused += 1;
                    assert_eq!(after["status"], before["status"]);
                }
                other => panic!("{side:?} {body} answered {other}: {:#}", r.body),
            }
            // Replay the recorded steps through the machine, each by the side that took it.
            let events = after["events"].as_array().unwrap();
            assert_eq!(events[0]["to"], "draft");
            let mut at = TaskStatus::Draft;
            for ev in &events[1..] {
                let from: TaskStatus = s(&ev["from"]).parse().unwrap();
                let to: TaskStatus = s(&ev["to"]).parse().unwrap();
                let side: Side = s(&ev["side"]).parse().unwrap();
                assert_eq!(from, at);
                task::change(side, from, to, ev["reason"].as_str().or(Some("x"))).unwrap_or_else(|e| panic!("illegal recorded step: {e}"));
                at = to;
            }
            assert_eq!(s(&after["status"]), at.as_str());
        }
    }
    assert!(ok > 10 && refused > 20, "{ok} allowed, {refused} refused");
}

on_both_databases!(random_episode_transitions_stay_legal, random_onward_referral_statuses_stay_legal);
