//! `GET /fhir/metadata`: what this server does over FHIR, said truthfully — the interactions and
//! search parameters `referral.rs` serves and nothing it does not, with the Gravity SDOH
//! Coordination Platform's role and the `fhir` scope its tokens need.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::{base, fhir};
use crate::AppState;

const TASK_PROFILE: &str = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement";
const SR_PROFILE: &str = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-ServiceRequest";

pub async fn metadata(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let param = |name: &str, kind: &str, doc: &str| json!({ "name": name, "type": kind, "documentation": doc });
    let read_only = |kind: &str, doc: &str| {
        json!({ "type": kind, "documentation": doc, "interaction": [{ "code": "read" }] })
    };
    fhir(
        StatusCode::OK,
        json!({
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-12-07",
            "publisher": "Linkwork",
            "kind": "instance",
            "software": { "name": "Linkwork", "version": env!("CARGO_PKG_VERSION") },
            "implementation": { "description": "Linkwork social prescribing: referrals from health systems (Gravity SDOH Clinical Care, as the Coordination Platform)", "url": base(&state, &headers) },
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json"],
            "rest": [{
                "mode": "server",
                "documentation": "A referral is sent as one transaction Bundle (Patient, ServiceRequest, Task with status requested, and any Consent, Condition, Observation or QuestionnaireResponse). The person is matched by a verified NHS number or an identifier with its system; a match by name and birth date only is never made without a link worker. The Task then follows the link worker's episode: accepted, in-progress, completed, rejected (with statusReason) or failed; the referrer may cancel it with a versioned update (If-Match). Poll Task?requester=…&_lastUpdated=gt… with _include=Task:focus (and Task:output): results come the least recently changed first, _count to a page (default 100, at most 1000), and a page that is not the last has a next link (its _offset) and no total.",
                "security": {
                    "service": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "OAuth" }], "text": "Bearer API token" }],
                    "description": "Send an API token with the fhir scope (POST /api/v1/tokens with scopes [\"fhir\"]) in Authorization: Bearer. Each system reads back only what it sent."
                },
                "resource": [
                    {
                        "type": "Task",
                        "supportedProfile": [TASK_PROFILE],
                        "documentation": "A health system reads and cancels the Tasks of the referrals it sent. A community organisation's system (a provider's token with the fhir scope) reads the onward referrals sent to its organisations, the Gravity light flow: Task?owner=Organization/<id>&_lastUpdated=gt… with _include=Task:focus gives each Task (partOf the health system's Task) and its ServiceRequest (intent filler-order, basedOn the health system's), the person contained with only what they agreed to share; it updates a Task's status as the performer (accepted, rejected with statusReason, in-progress, on-hold, completed) with If-Match.",
                        "interaction": [{ "code": "read" }, { "code": "update" }, { "code": "search-type" }],
                        "versioning": "versioned-update",
                        "readHistory": false,
                        "updateCreate": false,
                        "searchInclude": ["Task:focus", "Task:output", "Task:patient"],
                        "searchParam": [
                            param("_id", "token", "The Task's id (several, comma-separated)"),
                            param("_lastUpdated", "date", "gt, ge, lt, le or eq and an instant, e.g. gt2026-12-01T09:00:00Z"),
                            param("status", "token", "requested, accepted, rejected, in-progress, on-hold, completed, cancelled, failed"),
                            param("owner", "reference", "Who owns the Task, as the reference given"),
                            param("requester", "reference", "Who asked, as the reference given"),
                            param("focus", "reference", "The ServiceRequest"),
                            param("patient", "reference", "Patient/<id>")
                        ]
                    },
                    {
                        "type": "ServiceRequest",
                        "supportedProfile": [SR_PROFILE],
                        "interaction": [{ "code": "read" }, { "code": "search-type" }],
                        "searchParam": [param("_id", "token", "The ServiceRequest's id"), param("patient", "reference", "Patient/<id>")]
                    },
                    {
                        "type": "Patient",
                        "interaction": [{ "code": "read" }, { "code": "search-type" }],
                        "searchParam": [param("identifier", "token", "system|value, e.g. https://fhir.nhs.uk/Id/nhs-number|9434765919")]
                    },
                    read_only("Procedure", "The social prescribing episode, once the person accepted: what was prescribed and whether it was taken up (a Task's output)"),
                    {
                        "type": "Communication",
                        "documentation": "The messages back to the referrer (accepted, declined, plan agreed, closed), about the ServiceRequest",
                        "interaction": [{ "code": "read" }, { "code": "search-type" }],
                        "searchParam": [param("based-on", "reference", "ServiceRequest/<id>"), param("_lastUpdated", "date", "When it was sent: gt, ge, lt, le or eq and an instant")]
                    },
                    {
                        "type": "Subscription",
                        "extension": [{ "url": "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical", "valueCanonical": linkwork_fhir::subscription::TASK_TOPIC }],
                        "supportedProfile": [linkwork_fhir::subscription::SUBSCRIPTION_PROFILE],
                        "documentation": format!("Rest-hook subscriptions (R4 Subscriptions Backport) to the one topic {}: a referral's Task changed. Filter with the backport-filter-criteria extension, e.g. Task?requester=Practitioner/1 (parameters _id, status, owner, requester); a new subscription is requested until its endpoint takes the handshake, then active; a backport-heartbeat-period (at least 60 s) on the channel asks for a heartbeat after that long without a notification; notifications are id-only history Bundles POSTed as application/fhir+json with the channel's headers, to https endpoints (or http on the same network), retried with backoff; after the last retry the subscription is in error until an administrator sends them again. Only the system's own Tasks are notified.", linkwork_fhir::subscription::TASK_TOPIC),
                        "interaction": [{ "code": "create" }, { "code": "read" }, { "code": "delete" }, { "code": "search-type" }],
                        "operation": [{ "name": "status", "definition": "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status" }]
                    },
                    read_only("Consent", "As sent with a referral"),
                    read_only("Condition", "As sent with a referral"),
                    read_only("Observation", "As sent with a referral"),
                    read_only("QuestionnaireResponse", "As sent with a referral")
                ],
                "interaction": [{ "code": "transaction", "documentation": "One referral per Bundle; all of it is kept or none" }]
            }]
        }),
    )
}
