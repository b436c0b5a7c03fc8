//! Rest-hook subscriptions as the FHIR R4 Subscriptions Backport IG writes them: a Subscription
//! whose `criteria` is the topic's canonical URL and whose filter is the `backport-filter-criteria`
//! extension, read and checked here; the subscription as the server keeps it; and the id-only
//! notification Bundle (a `history` Bundle whose first entry is the SubscriptionStatus
//! `Parameters`, then the changed Task by its full URL and no body).

use linkwork_domain::notify::TaskFilter;
use serde_json::{json, Value as Json};

use crate::referral::Issue;

/// The one topic Linkwork publishes: a referral's Task changed (its status, statusReason or output).
pub const TASK_TOPIC: &str = "http://linkwork.example/fhir/SubscriptionTopic/task-changed";
pub const FILTER_CRITERIA: &str = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria";
pub const PAYLOAD_CONTENT: &str = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content";
pub const STATUS_PROFILE: &str = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";
pub const NOTIFICATION_PROFILE: &str = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4";
pub const SUBSCRIPTION_PROFILE: &str = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription";
pub const HEARTBEAT_PERIOD: &str = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period";
/// The shortest heartbeat period kept (seconds): the delivery worker looks for quiet
/// subscriptions once a minute.
pub const MIN_HEARTBEAT_SECONDS: i64 = 60;

/// A subscription as the client asked for it, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct SubscriptionIn {
    pub filter: Option<String>,
    pub endpoint: String,
    pub headers: Vec<String>,
    pub reason: String,
    /// The `backport-heartbeat-period` asked for, in seconds: a heartbeat notification is sent
    /// when nothing else was sent for that long.
    pub heartbeat_seconds: Option<i64>,
}

/// The heartbeat period a Subscription (as received and kept) asks for.
pub fn heartbeat_of(s: &Json) -> Option<i64> {
    s["channel"]["extension"].as_array()?.iter().find(|e| e["url"] == HEARTBEAT_PERIOD)?["valueUnsignedInt"].as_i64()
}

fn issue(expression: &str, message: impl Into<String>) -> Issue {
    Issue { expression: expression.into(), message: message.into() }
}

/// Reads a Subscription: rest-hook to an http(s) endpoint, FHIR JSON, id-only, on Linkwork's
/// topic, with a filter on the Tasks the client sent. Every problem is an issue at its element.
pub fn read(s: &Json) -> Result<SubscriptionIn, Vec<Issue>> {
    let mut issues = vec![];
    if s["resourceType"] != "Subscription" {
        return Err(vec![issue("resourceType", "send a Subscription")]);
    }
    match s["criteria"].as_str() {
        Some(TASK_TOPIC) => {}
        Some(other) => issues.push(issue("Subscription.criteria", format!("'{other}' is not a topic of this server; the one topic is {TASK_TOPIC}"))),
        None => issues.push(issue("Subscription.criteria", format!("criteria is required: the topic's canonical URL, {TASK_TOPIC}"))),
    }
    let mut filter = None;
    if let Some(exts) = s["_criteria"]["extension"].as_array() {
        for (i, e) in exts.iter().enumerate() {
            if e["url"] != FILTER_CRITERIA {
                continue;
            }
            let at = format!("Subscription.criteria.extension[{i}].valueString");
            match e["valueString"].as_str() {
                Some(f) => match TaskFilter::parse(f) {
                    Ok(_) if filter.is_some() => issues.push(issue(&at, "give one filter (its parameters joined with &)")),
                    Ok(_) => filter = Some(f.trim().to_string()),
                    Err(m) => issues.push(issue(&at, m)),
                },
                None => issues.push(issue(&at, "the filter is a valueString such as Task?requester=Practitioner/1")),
            }
        }
    }
    let ch = &s["channel"];
    if ch["type"] != "rest-hook" {
        issues.push(issue("Subscription.channel.type", "only rest-hook is supported"));
    }
    let endpoint = ch["endpoint"].as_str().unwrap_or("").trim().to_string();
    if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) || endpoint.contains(char::is_whitespace) {
        issues.push(issue("Subscription.channel.endpoint", "the endpoint is the http or https URL notifications are POSTed to"));
    }
    if let Some(p) = ch["payload"].as_str() {
        if !(p == "application/fhir+json" || p == "application/json") {
            issues.push(issue("Subscription.channel.payload", "notifications are sent as application/fhir+json"));
        }
    }
    if let Some(exts) = ch["_payload"]["extension"].as_array() {
        for (i, e) in exts.iter().enumerate() {
            if e["url"] == PAYLOAD_CONTENT && e["valueCode"] != "id-only" {
                issues.push(issue(&format!("Subscription.channel.payload.extension[{i}].valueCode"), "only id-only notifications are sent: read the Task with your token"));
            }
        }
    }
    if let Some(exts) = ch["extension"].as_array() {
        for (i, e) in exts.iter().enumerate() {
            if e["url"] == HEARTBEAT_PERIOD && !e["valueUnsignedInt"].as_i64().is_some_and(|n| n >= MIN_HEARTBEAT_SECONDS) {
                issues.push(issue(
                    &format!("Subscription.channel.extension[{i}].valueUnsignedInt"),
                    format!("the heartbeat period is a whole number of seconds, at least {MIN_HEARTBEAT_SECONDS}"),
                ));
            }
        }
    }
    let mut headers = vec![];
    if let Some(hs) = ch["header"].as_array() {
        for (i, h) in hs.iter().enumerate() {
            match h.as_str() {
                Some(h) if h.split_once(':').is_some_and(|(n, v)| !n.trim().is_empty() && !v.trim().is_empty() && !n.contains(char::is_whitespace)) && !h.contains(['\r', '\n']) => {
                    headers.push(h.trim().to_string())
                }
                _ => issues.push(issue(&format!("Subscription.channel.header[{i}]"), "a header is 'Name: value' on one line")),
            }
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(SubscriptionIn { filter, endpoint, headers, reason: s["reason"].as_str().unwrap_or("").to_string(), heartbeat_seconds: heartbeat_of(s) })
}

/// What the server keeps of a subscription, to render it.
pub struct Kept<'a> {
    pub id: &'a str,
    pub status: &'a str,
    pub filter: Option<&'a str>,
    pub endpoint: &'a str,
    pub reason: &'a str,
    pub last_updated: &'a str,
    /// How many notifications it has been sent.
    pub events: i64,
    pub error: Option<&'a str>,
    pub heartbeat_seconds: Option<i64>,
}

/// The Subscription as the server has it. Headers are not sent back: they may hold the
/// subscriber's own secrets.
pub fn render(k: &Kept) -> Json {
    let mut s = json!({
        "resourceType": "Subscription",
        "id": k.id,
        "meta": { "lastUpdated": k.last_updated, "profile": [SUBSCRIPTION_PROFILE] },
        "status": k.status,
        "reason": if k.reason.is_empty() { "Follow referrals' Tasks" } else { k.reason },
        "criteria": TASK_TOPIC,
        "channel": {
            "type": "rest-hook",
            "endpoint": k.endpoint,
            "payload": "application/fhir+json",
            "_payload": { "extension": [{ "url": PAYLOAD_CONTENT, "valueCode": "id-only" }] }
        }
    });
    if let Some(f) = k.filter {
        s["_criteria"] = json!({ "extension": [{ "url": FILTER_CRITERIA, "valueString": f }] });
    }
    if let Some(e) = k.error {
        s["error"] = json!(e);
    }
    if let Some(h) = k.heartbeat_seconds {
        s["channel"]["extension"] = json!([{ "url": HEARTBEAT_PERIOD, "valueUnsignedInt": h }]);
    }
    s
}

/// The SubscriptionStatus (`Parameters`, backport R4 profile), for a notification or `$status`.
pub fn status(base: &str, k: &Kept, kind: &str, event: Option<(i64, &str, &str)>) -> Json {
    let mut params = vec![
        json!({ "name": "subscription", "valueReference": { "reference": format!("{base}/Subscription/{}", k.id) } }),
        json!({ "name": "topic", "valueCanonical": TASK_TOPIC }),
        json!({ "name": "status", "valueCode": k.status }),
        json!({ "name": "type", "valueCode": kind }),
        json!({ "name": "events-since-subscription-start", "valueString": k.events.to_string() }),
    ];
    if let Some((n, at, task)) = event {
        params.push(json!({ "name": "notification-event", "part": [
            { "name": "event-number", "valueString": n.to_string() },
            { "name": "timestamp", "valueInstant": at },
            { "name": "focus", "valueReference": { "reference": format!("{base}/Task/{task}") } }
        ] }));
    }
    json!({ "resourceType": "Parameters", "meta": { "profile": [STATUS_PROFILE] }, "parameter": params })
}

/// A notification Bundle whose one entry so far is its SubscriptionStatus `st`.
fn notification_bundle(base: &str, k: &Kept, mut st: Json, notification_id: &str, at: &str) -> Json {
    st["id"] = json!(notification_id);
    json!({
        "resourceType": "Bundle",
        "id": notification_id,
        "meta": { "profile": [NOTIFICATION_PROFILE] },
        "type": "history",
        "timestamp": at,
        "entry": [{
            "fullUrl": format!("urn:uuid:{notification_id}"),
            "resource": st,
            "request": { "method": "GET", "url": format!("{base}/Subscription/{}/$status", k.id) },
            "response": { "status": "200" }
        }]
    })
}

/// A notification with no event (`handshake` when the subscription is made, `heartbeat` when
/// nothing was sent for its period): the status alone.
pub fn signal(base: &str, k: &Kept, kind: &str, notification_id: &str, at: &str) -> Json {
    notification_bundle(base, k, status(base, k, kind, None), notification_id, at)
}

/// An id-only event notification: the status, then the changed Task's full URL (no body).
pub fn notification(base: &str, k: &Kept, notification_id: &str, event_number: i64, at: &str, task_id: &str) -> Json {
    let st = status(base, k, "event-notification", Some((event_number, at, task_id)));
    let mut b = notification_bundle(base, k, st, notification_id, at);
    if let Some(entries) = b["entry"].as_array_mut() {
        entries.push(json!({
            "fullUrl": format!("{base}/Task/{task_id}"),
            "request": { "method": "PUT", "url": format!("Task/{task_id}") },
            "response": { "status": "200" }
        }));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked() -> Json {
        json!({
            "resourceType": "Subscription",
            "status": "requested",
            "reason": "Our referrals",
            "criteria": TASK_TOPIC,
            "_criteria": { "extension": [{ "url": FILTER_CRITERIA, "valueString": "Task?requester=Practitioner/7" }] },
            "channel": {
                "type": "rest-hook",
                "endpoint": "https://ehr.example/hooks/linkwork",
                "payload": "application/fhir+json",
                "_payload": { "extension": [{ "url": PAYLOAD_CONTENT, "valueCode": "id-only" }] },
                "header": ["Authorization: Bearer abc"]
            }
        })
    }

    #[test]
    fn a_backport_rest_hook_subscription_is_read_with_its_filter() {
        let s = read(&asked()).unwrap();
        assert_eq!(s.filter.as_deref(), Some("Task?requester=Practitioner/7"));
        assert_eq!(s.endpoint, "https://ehr.example/hooks/linkwork");
        assert_eq!(s.headers, vec!["Authorization: Bearer abc".to_string()]);
    }

    #[test]
    fn each_problem_is_said_at_its_element() {
        let mut a = asked();
        a["criteria"] = json!("Task?status=completed");
        a["channel"]["type"] = json!("websocket");
        a["channel"]["endpoint"] = json!("ftp://x");
        a["channel"]["_payload"]["extension"][0]["valueCode"] = json!("full-resource");
        a["_criteria"]["extension"][0]["valueString"] = json!("Task?code=x");
        a["channel"]["header"] = json!(["no colon"]);
        let at: Vec<String> = read(&a).unwrap_err().into_iter().map(|i| i.expression).collect();
        assert_eq!(
            at,
            [
                "Subscription.criteria",
                "Subscription.criteria.extension[0].valueString",
                "Subscription.channel.type",
                "Subscription.channel.endpoint",
                "Subscription.channel.payload.extension[0].valueCode",
                "Subscription.channel.header[0]"
            ]
        );
    }

    #[test]
    fn an_id_only_notification_names_the_task_and_carries_no_body() {
        let k = Kept { id: "s1", status: "active", filter: None, endpoint: "https://e", reason: "", last_updated: "2026-12-07T10:00:00Z", events: 3, error: None, heartbeat_seconds: None };
        let b = notification("https://lw/fhir", &k, "n1", 3, "2026-12-07T10:00:00Z", "t9");
        assert_eq!(b["type"], "history");
        assert_eq!(b["entry"][0]["resource"]["resourceType"], "Parameters");
        assert_eq!(b["entry"][1]["fullUrl"], "https://lw/fhir/Task/t9");
        assert!(b["entry"][1].get("resource").is_none());
        let ev = &b["entry"][0]["resource"]["parameter"][5];
        assert_eq!(ev["part"][0]["valueString"], "3");
    }
}
