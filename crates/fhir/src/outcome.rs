//! What a referring system hears back (PRSB's "message back to the GP and referrer"): the
//! episode as a Procedure — what was done, with what was prescribed and whether it was taken up —
//! that the completed Task's `output` names; and each message back as a Communication about the
//! ServiceRequest, with its outcome code (SNOMED CT), what matters to the person, the support and
//! activities, and a readable text.

use linkwork_domain::pathway::snomed;
use serde_json::{json, Value as Json};

/// An episode as the referrer may hear of it.
pub struct EpisodeOutcome<'a> {
    pub episode_id: &'a str,
    pub person_id: &'a str,
    /// The episode's status (received … closed) and, when closed, why.
    pub status: &'a str,
    pub accepted: bool,
    pub received_at: &'a str,
    pub closed_at: Option<&'a str>,
    pub closure_reason: Option<&'a str>,
    pub what_matters: Option<&'a str>,
    /// (service or activity, taken up).
    pub activities: &'a [(String, bool)],
    pub service_requests: &'a [String],
    pub tasks: &'a [String],
    pub requester_ref: Option<&'a str>,
}

pub struct Message<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub summary: &'a str,
    pub code: Option<(&'a str, &'a str)>,
    pub sent: &'a str,
}

const SCT: &str = "http://snomed.info/sct";

fn activity_lines(o: &EpisodeOutcome) -> Vec<String> {
    o.activities.iter().map(|(name, taken)| format!("{name}: {}", if *taken { "taken up" } else { "not taken up (yet)" })).collect()
}

/// The social prescribing episode as a Procedure (its id is the episode's): in progress once the
/// person accepted, completed when it closed, with the activities as notes. None while the
/// person has not accepted (nothing has been done yet).
pub fn procedure(o: &EpisodeOutcome) -> Option<Json> {
    if !o.accepted {
        return None;
    }
    let status = if o.status == "closed" { "completed" } else { "in-progress" };
    let mut period = json!({ "start": o.received_at });
    if let Some(end) = o.closed_at {
        period["end"] = json!(end);
    }
    let mut notes: Vec<Json> = activity_lines(o).into_iter().map(|t| json!({ "text": t })).collect();
    if let Some(w) = o.what_matters {
        notes.insert(0, json!({ "text": format!("What matters to the person: {w}") }));
    }
    let mut p = json!({
        "resourceType": "Procedure",
        "id": o.episode_id,
        "meta": { "profile": ["http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-Procedure"] },
        "status": status,
        "code": { "coding": [{ "system": SCT, "code": snomed::REFERRAL_ACCEPTED, "display": snomed::REFERRAL_ACCEPTED_DISPLAY }], "text": "Social prescribing with a link worker" },
        "subject": { "reference": format!("Patient/{}", o.person_id) },
        "basedOn": o.service_requests.iter().map(|s| json!({ "reference": format!("ServiceRequest/{s}") })).collect::<Vec<_>>(),
        "performedPeriod": period,
    });
    if !notes.is_empty() {
        p["note"] = json!(notes);
    }
    if let Some(r) = o.closure_reason {
        p["outcome"] = json!({ "text": r.replace('_', " ") });
    }
    Some(p)
}

/// A message back as a Communication about the referral.
pub fn communication(o: &EpisodeOutcome, m: &Message) -> Json {
    let mut payload = vec![json!({ "contentString": m.summary })];
    if matches!(m.kind, "plan_agreed" | "closed") {
        if let Some(w) = o.what_matters {
            payload.push(json!({ "contentString": format!("What matters to the person: {w}") }));
        }
        let lines = activity_lines(o);
        if !lines.is_empty() {
            payload.push(json!({ "contentString": format!("Support and activities: {}", lines.join("; ")) }));
        }
    }
    let mut c = json!({
        "resourceType": "Communication",
        "id": m.id,
        "meta": { "lastUpdated": m.sent },
        "status": "completed",
        "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/communication-category", "code": "notification" }], "text": m.kind.replace('_', " ") }],
        "basedOn": o.service_requests.iter().map(|s| json!({ "reference": format!("ServiceRequest/{s}") })).collect::<Vec<_>>(),
        "about": o.tasks.iter().map(|t| json!({ "reference": format!("Task/{t}") })).collect::<Vec<_>>(),
        "subject": { "reference": format!("Patient/{}", o.person_id) },
        "sent": m.sent,
        "sender": { "reference": "Organization/linkwork", "display": "Linkwork social prescribing" },
        "payload": payload,
    });
    if let Some(r) = o.requester_ref {
        c["recipient"] = json!([{ "reference": r }]);
    }
    if let Some((code, display)) = m.code {
        c["reasonCode"] = json!([{ "coding": [{ "system": SCT, "code": code, "display": display }] }]);
    }
    c
}
