//! Onward referrals to community organisations as FHIR, the Gravity SDOH "light" flow: each is a
//! ServiceRequest (`intent = filler-order`, `basedOn` the health system's ServiceRequest when the
//! referral came over FHIR) with a Task owned by the organisation (`partOf` the health system's
//! Task). The person is a contained Patient holding only what they agreed to share with the
//! organisation — name, how to contact them, their language — never an identifier or a birth date.

use linkwork_domain::pathway::needs::{NEEDS, SDOH_CATEGORY_SYSTEM};
use serde_json::{json, Value as Json};

const TASK_PROFILE: &str = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement";
const SR_PROFILE: &str = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-ServiceRequest";
/// Who sends onward referrals: this Linkwork's link worker service.
pub const REQUESTER: &str = "Organization/linkwork";

/// An onward referral as its organisation may see it.
pub struct Onward<'a> {
    pub id: &'a str,
    pub version: i64,
    pub status: &'a str,
    pub status_reason: Option<&'a str>,
    pub organization_id: &'a str,
    pub service_name: &'a str,
    pub person_name: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub language: Option<&'a str>,
    pub reasons: &'a [String],
    pub message: Option<&'a str>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    pub origin_task: Option<&'a str>,
    pub origin_service_request: Option<&'a str>,
    pub sessions_attended: i64,
}

/// The ServiceRequest's id for an onward referral (the Task's is the referral's own).
pub fn service_request_id(onward_id: &str) -> String {
    format!("onward-{onward_id}")
}

fn patient(o: &Onward) -> Json {
    let mut telecom = vec![];
    if let Some(p) = o.phone {
        telecom.push(json!({ "system": "phone", "value": p }));
    }
    if let Some(e) = o.email {
        telecom.push(json!({ "system": "email", "value": e }));
    }
    let mut p = json!({ "resourceType": "Patient", "id": "person", "name": [{ "text": o.person_name }] });
    if !telecom.is_empty() {
        p["telecom"] = json!(telecom);
    }
    if let Some(l) = o.language {
        p["communication"] = json!([{ "language": { "coding": [{ "system": "urn:ietf:bcp:47", "code": l }] } }]);
    }
    p
}

fn categories(reasons: &[String]) -> Vec<Json> {
    let mut out: Vec<Json> = vec![];
    for r in reasons {
        if let Some(n) = NEEDS.iter().find(|n| n.code == r.as_str()) {
            match n.sdoh_category {
                Some(c) => out.push(json!({ "coding": [{ "system": SDOH_CATEGORY_SYSTEM, "code": c }], "text": n.display })),
                None => out.push(json!({ "text": n.display })),
            }
        }
    }
    out
}

/// The onward referral as a ServiceRequest (filler-order).
pub fn service_request(o: &Onward) -> Json {
    let status = match o.status {
        "completed" => "completed",
        "cancelled" | "rejected" | "failed" => "revoked",
        "on-hold" => "on-hold",
        _ => "active",
    };
    let mut sr = json!({
        "resourceType": "ServiceRequest",
        "id": service_request_id(o.id),
        "meta": { "versionId": o.version.to_string(), "lastUpdated": o.updated_at, "profile": [SR_PROFILE] },
        "contained": [patient(o)],
        "status": status,
        "intent": "filler-order",
        "code": { "text": o.service_name },
        "subject": { "reference": "#person", "display": o.person_name },
        "authoredOn": o.created_at,
        "requester": { "reference": REQUESTER, "display": "Link worker service" },
        "performer": [{ "reference": format!("Organization/{}", o.organization_id), "display": o.service_name }]
    });
    let cats = categories(o.reasons);
    if !cats.is_empty() {
        sr["category"] = json!(cats);
    }
    if let Some(b) = o.origin_service_request {
        sr["basedOn"] = json!([{ "reference": format!("ServiceRequest/{b}") }]);
    }
    if let Some(m) = o.message {
        sr["note"] = json!([{ "text": m }]);
    }
    sr
}

/// The onward referral's Task, owned by the organisation.
pub fn task(o: &Onward) -> Json {
    let mut t = json!({
        "resourceType": "Task",
        "id": o.id,
        "meta": { "versionId": o.version.to_string(), "lastUpdated": o.updated_at, "profile": [TASK_PROFILE] },
        "contained": [patient(o)],
        // The IG's Task statuses leave out `received`: the organisation having seen it is said
        // as the business status of a Task still requested.
        "status": if o.status == "received" { "requested" } else { o.status },
        "intent": "order",
        "code": { "coding": [{ "system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill" }] },
        "focus": { "reference": format!("ServiceRequest/{}", service_request_id(o.id)) },
        "for": { "reference": "#person", "display": o.person_name },
        "authoredOn": o.created_at,
        "lastModified": o.updated_at,
        "requester": { "reference": REQUESTER, "display": "Link worker service" },
        "owner": { "reference": format!("Organization/{}", o.organization_id) }
    });
    if o.status == "received" {
        t["businessStatus"] = json!({ "text": "Received by the organisation" });
    }
    if let Some(p) = o.origin_task {
        t["partOf"] = json!([{ "reference": format!("Task/{p}") }]);
    }
    if let Some(r) = o.status_reason.filter(|r| !r.is_empty()) {
        t["statusReason"] = json!({ "text": r });
    }
    if o.sessions_attended > 0 {
        t["output"] = json!([{ "type": { "text": "Sessions attended" }, "valueInteger": o.sessions_attended }]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_onward_referral_carries_what_was_shared_and_points_back_to_the_health_systems_referral() {
        let reasons = vec!["food".to_string()];
        let o = Onward {
            id: "o1",
            version: 3,
            status: "accepted",
            status_reason: None,
            organization_id: "org1",
            service_name: "Community kitchen",
            person_name: "Colin Doe",
            phone: Some("01632 960 001"),
            email: None,
            language: Some("es"),
            reasons: &reasons,
            message: Some("Likes cooking"),
            created_at: "2026-12-01T10:00:00Z",
            updated_at: "2026-12-02T10:00:00Z",
            origin_task: Some("t9"),
            origin_service_request: Some("s9"),
            sessions_attended: 0,
        };
        let sr = service_request(&o);
        assert_eq!((sr["intent"].as_str(), sr["basedOn"][0]["reference"].as_str()), (Some("filler-order"), Some("ServiceRequest/s9")));
        assert_eq!(sr["category"][0]["coding"][0]["code"], "food-insecurity");
        let t = task(&o);
        assert_eq!((t["partOf"][0]["reference"].as_str(), t["owner"]["reference"].as_str()), (Some("Task/t9"), Some("Organization/org1")));
        let p = &t["contained"][0];
        assert!(p.get("identifier").is_none() && p.get("birthDate").is_none(), "{p}");
    }
}
