//! Referrals from health systems (Gravity SDOH Clinical Care, Linkwork as the Coordination
//! Platform): reading what an EHR sends — a transaction Bundle of Patient, ServiceRequest, Task
//! and what supports them (Consent, Condition, Observation, QuestionnaireResponse) — into the
//! person, the referral and the resources to keep, with every problem given by its FHIRPath
//! (`Bundle.entry[1].resource.identifier[0].value`); and writing kept resources back out, the
//! Task with the status the episode gives it.

use std::collections::HashMap;

use chrono::NaiveDate;
use linkwork_domain::pathway::consent::ConsentMethod;
use linkwork_domain::pathway::identifier::PersonIdentifier;
use linkwork_domain::pathway::inbound::StatusReason;
use linkwork_domain::pathway::needs::{NEEDS, SDOH_CATEGORY_SYSTEM};
use linkwork_domain::pathway::person::{ContactMethod, PersonDetails, Sex};
use linkwork_domain::pathway::referral::{ReferralDetails, ReferralSource, Urgency};
use linkwork_domain::pathway::snomed;
use serde_json::{json, Value as Json};

/// The resource types a referral may carry; anything else in the Bundle is refused by name.
pub const KEPT_TYPES: [&str; 6] = ["ServiceRequest", "Task", "Consent", "Condition", "Observation", "QuestionnaireResponse"];

/// What the patient's references are kept as: the patient is Linkwork's person, whose id is only
/// known once they are matched, and who is written back as `Patient/<person id>`.
pub const PATIENT_REF: &str = "Patient/_";

const TASK_CODE: &str = "http://hl7.org/fhir/CodeSystem/task-code";

/// One problem with what was sent: where (a FHIRPath expression) and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub expression: String,
    pub message: String,
}

fn issue(expression: impl Into<String>, message: impl Into<String>) -> Issue {
    Issue { expression: expression.into(), message: message.into() }
}

/// A referral as read from what the EHR sent, ready for the store; ids of the kept resources are
/// Linkwork's (`new_id` gives them), references between them rewritten to those ids.
#[derive(Clone, Debug)]
pub struct ReadReferral {
    pub identifiers: Vec<PersonIdentifier>,
    pub person: PersonDetails,
    pub details: ReferralDetails,
    pub consent_method: ConsentMethod,
    /// (type, id, body) of the ServiceRequest, the Task and the others, in that order of roles.
    pub service_request: (String, Json),
    pub task: (String, Json),
    pub requester_ref: Option<String>,
    pub owner_ref: Option<String>,
    pub others: Vec<(String, String, Json)>,
    /// For a transaction-response: each entry's (fullUrl as sent, type, id given).
    pub entries: Vec<(String, String, String)>,
}

/// Reads a transaction Bundle holding one referral. `new_id` makes each kept resource's id;
/// `ethnicity_codes` and `today` check the person's details as every other way in does.
pub fn read_transaction(bundle: &Json, new_id: &mut dyn FnMut() -> String, ethnicity_codes: &[&str], today: NaiveDate) -> Result<ReadReferral, Vec<Issue>> {
    let mut p = vec![];
    if bundle["resourceType"] != "Bundle" {
        return Err(vec![issue("Bundle.resourceType", "send a Bundle (resourceType \"Bundle\") of type transaction")]);
    }
    if bundle["type"] != "transaction" {
        p.push(issue("Bundle.type", format!("is {}; a referral is sent as a transaction Bundle", bundle["type"])));
    }
    let Some(entries) = bundle["entry"].as_array().filter(|e| !e.is_empty()) else {
        p.push(issue("Bundle.entry", "is empty; send the Patient, the ServiceRequest and the Task"));
        return Err(p);
    };
    // Every entry's new id first, so that references between them can be rewritten.
    let mut refs: HashMap<String, String> = HashMap::new();
    let mut planned: Vec<(usize, String, String, String)> = vec![];
    let mut patient_at = None;
    for (i, e) in entries.iter().enumerate() {
        let at = format!("Bundle.entry[{i}]");
        let r = &e["resource"];
        let Some(t) = r["resourceType"].as_str() else {
            p.push(issue(format!("{at}.resource"), "each entry needs a resource with its resourceType"));
            continue;
        };
        let method = e["request"]["method"].as_str().unwrap_or("");
        if !matches!(method, "POST" | "PUT") {
            p.push(issue(format!("{at}.request.method"), "each entry of a referral is created: use POST (or PUT for the Patient)"));
        }
        let full = e["fullUrl"].as_str().unwrap_or("").to_string();
        if t == "Patient" {
            if patient_at.is_some() {
                p.push(issue(format!("{at}.resource"), "a referral is about one Patient; send one"));
            }
            patient_at = Some(i);
            for key in [full.clone(), r["id"].as_str().map(|id| format!("Patient/{id}")).unwrap_or_default()] {
                if !key.is_empty() {
                    refs.insert(key, PATIENT_REF.to_string());
                }
            }
            continue;
        }
        if !KEPT_TYPES.contains(&t) && !matches!(t, "Practitioner" | "PractitionerRole" | "Organization") {
            p.push(issue(format!("{at}.resource.resourceType"), format!("{t} is not part of a referral here; send {} (and who referred)", KEPT_TYPES.join(", "))));
            continue;
        }
        let id = new_id();
        for key in [full.clone(), r["id"].as_str().map(|old| format!("{t}/{old}")).unwrap_or_default()] {
            if !key.is_empty() {
                refs.insert(key, format!("{t}/{id}"));
            }
        }
        planned.push((i, t.to_string(), id, full));
    }
    let Some(pi) = patient_at else {
        p.push(issue("Bundle.entry", "has no Patient; send the person referred as a Patient entry"));
        return Err(p);
    };
    let patient = &entries[pi]["resource"];
    let pat = format!("Bundle.entry[{pi}].resource");
    let identifiers = read_identifiers(patient, &pat, &mut p);
    let person = read_person(patient, &pat, ethnicity_codes, today, &mut p);

    let mut sr = None;
    let mut task = None;
    let mut others = vec![];
    let mut listed = vec![(entries[pi]["fullUrl"].as_str().unwrap_or("").to_string(), "Patient".to_string(), String::new())];
    for (i, t, id, full) in planned {
        let mut body = entries[i]["resource"].clone();
        rewrite_refs(&mut body, &refs);
        body["id"] = json!(id);
        if let Some(m) = body.get_mut("meta").and_then(Json::as_object_mut) {
            m.remove("versionId");
            m.remove("lastUpdated");
        }
        listed.push((full, t.clone(), id.clone()));
        let at = format!("Bundle.entry[{i}].resource");
        match t.as_str() {
            "ServiceRequest" if sr.is_none() => sr = Some((at, id, body)),
            "Task" if task.is_none() => task = Some((at, id, body)),
            "ServiceRequest" | "Task" => p.push(issue(at, format!("a Bundle carries one referral: one ServiceRequest and its Task, not a second {t}"))),
            _ => others.push((t, id, body)),
        }
    }
    let Some((sr_at, sr_id, sr_body)) = sr else {
        p.push(issue("Bundle.entry", "has no ServiceRequest; send what is asked for as a ServiceRequest"));
        return Err(p);
    };
    let Some((task_at, task_id, task_body)) = task else {
        p.push(issue("Bundle.entry", "has no Task; send a Task (status requested, intent order, code fulfill) whose focus is the ServiceRequest"));
        return Err(p);
    };
    check_service_request(&sr_body, &sr_at, &mut p);
    check_task(&task_body, &task_at, &format!("ServiceRequest/{sr_id}"), &mut p);
    let details = read_details(&sr_body, &sr_at, &mut p);
    let consent_method = if others.iter().any(|(t, _, b)| t == "Consent" && b["status"] == "active") { ConsentMethod::Written } else { ConsentMethod::Verbal };
    let requester_ref = task_body["requester"]["reference"].as_str().map(str::to_string);
    let owner_ref = task_body["owner"]["reference"].as_str().map(str::to_string);
    match (person, details) {
        (Some(person), Some(details)) if p.is_empty() => Ok(ReadReferral {
            identifiers,
            person,
            details,
            consent_method,
            service_request: (sr_id, sr_body),
            task: (task_id, task_body),
            requester_ref,
            owner_ref,
            others,
            entries: listed,
        }),
        _ => Err(p),
    }
}

/// Replaces every `reference` that names an entry of the Bundle with the id it is kept under.
fn rewrite_refs(v: &mut Json, refs: &HashMap<String, String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "reference" {
                    if let Some(to) = x.as_str().and_then(|s| refs.get(s)) {
                        *x = json!(to);
                    }
                } else {
                    rewrite_refs(x, refs);
                }
            }
        }
        Json::Array(a) => a.iter_mut().for_each(|x| rewrite_refs(x, refs)),
        _ => {}
    }
}

fn read_identifiers(patient: &Json, at: &str, p: &mut Vec<Issue>) -> Vec<PersonIdentifier> {
    let mut out = vec![];
    for (i, id) in patient["identifier"].as_array().into_iter().flatten().enumerate() {
        match PersonIdentifier::parse(id["system"].as_str().unwrap_or(""), id["value"].as_str().unwrap_or("")) {
            Ok(x) if !out.contains(&x) => out.push(x),
            Ok(_) => {}
            Err((field, message)) => p.push(issue(format!("{at}.identifier[{i}].{field}"), message)),
        }
    }
    out
}

/// The name in use: the official one, else the usual, else the first whose period has not ended.
fn current_name(patient: &Json) -> Option<&Json> {
    let names = patient["name"].as_array()?;
    let open = |n: &&Json| n["period"]["end"].is_null();
    names
        .iter()
        .filter(open)
        .find(|n| n["use"] == "official")
        .or_else(|| names.iter().filter(open).find(|n| n["use"] == "usual"))
        .or_else(|| names.iter().find(open))
        .or_else(|| names.last())
}

fn read_person(patient: &Json, at: &str, ethnicity_codes: &[&str], today: NaiveDate, p: &mut Vec<Issue>) -> Option<PersonDetails> {
    let name = current_name(patient);
    let given = name.and_then(|n| n["given"].as_array()).map(|g| g.iter().filter_map(Json::as_str).collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty());
    let family = name.and_then(|n| n["family"].as_str()).map(str::to_string);
    let telecom = |system: &str| {
        patient["telecom"].as_array().into_iter().flatten().find(|t| t["system"] == system && t["period"]["end"].is_null()).and_then(|t| t["value"].as_str()).map(str::to_string)
    };
    let address = patient["address"].as_array().and_then(|a| a.iter().rev().find(|x| x["period"]["end"].is_null()).or(a.last()));
    let address_text = address.map(|a| {
        let mut parts: Vec<String> = a["line"].as_array().into_iter().flatten().filter_map(Json::as_str).map(str::to_string).collect();
        parts.extend(["city", "district", "state"].iter().filter_map(|k| a[*k].as_str().map(str::to_string)));
        parts.join(", ")
    });
    let language = patient["communication"]
        .as_array()
        .and_then(|c| c.iter().find(|x| x["preferred"] == true).or(c.first()))
        .and_then(|c| c["language"]["coding"][0]["code"].as_str())
        .map(str::to_string);
    let sex = match patient["gender"].as_str() {
        Some("female") => Some(Sex::Female),
        Some("male") => Some(Sex::Male),
        Some("other") => Some(Sex::Other),
        Some("unknown") => Some(Sex::Unknown),
        None => None,
        Some(g) => {
            p.push(issue(format!("{at}.gender"), format!("'{g}' is not an administrative gender; use female, male, other or unknown")));
            None
        }
    };
    let phone = telecom("phone");
    let email = telecom("email");
    let d = PersonDetails {
        given_name: given,
        family_name: family,
        birth_date: patient["birthDate"].as_str().map(str::to_string),
        sex,
        phone: phone.clone(),
        email: email.clone(),
        address: address_text.filter(|s| !s.is_empty()),
        postcode: address.and_then(|a| a["postalCode"].as_str()).map(str::to_string),
        preferred_contact: if phone.is_some() { Some(ContactMethod::Phone) } else if email.is_some() { Some(ContactMethod::Email) } else { None },
        language,
        ..Default::default()
    };
    // The domain's checks, each problem put back at the element it came from.
    let element = |field: &str| match field {
        "given_name" | "family_name" | "preferred_name" => "name".to_string(),
        "birth_date" => "birthDate".into(),
        "phone" | "email" => "telecom".into(),
        "address" | "postcode" => "address".into(),
        "language" => "communication".into(),
        other => other.into(),
    };
    match d.parse("", ethnicity_codes, today) {
        Ok(d) => Some(d),
        Err(errs) => {
            p.extend(errs.into_iter().map(|e| issue(format!("{at}.{}", element(&e.field)), e.message)));
            None
        }
    }
}

fn codings(v: &Json) -> impl Iterator<Item = (&str, &str)> {
    v["coding"].as_array().into_iter().flatten().filter_map(|c| Some((c["system"].as_str()?, c["code"].as_str()?)))
}

fn check_service_request(sr: &Json, at: &str, p: &mut Vec<Issue>) {
    if !matches!(sr["status"].as_str(), Some("active")) {
        p.push(issue(format!("{at}.status"), format!("is {}; a referral sent to be worked on is active", sr["status"])));
    }
    if !matches!(sr["intent"].as_str(), Some("order") | Some("original-order") | Some("plan") | Some("proposal")) {
        p.push(issue(format!("{at}.intent"), "give the intent (order for a referral)"));
    }
    if sr["code"].is_null() {
        p.push(issue(format!("{at}.code"), format!("give what is asked for (SNOMED CT {} for a referral to social prescribing)", snomed::REFERRAL_ACCEPTED)));
    }
    if sr["subject"]["reference"] != PATIENT_REF {
        p.push(issue(format!("{at}.subject"), "must reference the Patient entry of this Bundle"));
    }
}

fn check_task(task: &Json, at: &str, focus: &str, p: &mut Vec<Issue>) {
    if task["status"] != "requested" {
        p.push(issue(format!("{at}.status"), format!("is {}; a new referral's Task is requested (Linkwork sets it from then on)", task["status"])));
    }
    if task["intent"] != "order" {
        p.push(issue(format!("{at}.intent"), "a referral's Task has intent order"));
    }
    if !codings(&task["code"]).any(|(s, c)| s == TASK_CODE && c == "fulfill") {
        p.push(issue(format!("{at}.code"), format!("a referral's Task has code {TASK_CODE}#fulfill")));
    }
    if task["focus"]["reference"] != focus {
        p.push(issue(format!("{at}.focus"), "must reference the ServiceRequest of this Bundle"));
    }
    if task["for"]["reference"] != PATIENT_REF {
        p.push(issue(format!("{at}.for"), "must reference the Patient entry of this Bundle"));
    }
    if task["authoredOn"].as_str().is_none() {
        p.push(issue(format!("{at}.authoredOn"), "give when the referral was made"));
    }
    if task["requester"]["reference"].as_str().is_none() {
        p.push(issue(format!("{at}.requester"), "give who referred (a Practitioner, PractitionerRole or Organization reference)"));
    }
}

/// The referral's reasons, from the SDOH categories (and codes Linkwork knows); its urgency
/// from the priority; its free text from the notes and what is asked for.
fn read_details(sr: &Json, at: &str, p: &mut Vec<Issue>) -> Option<ReferralDetails> {
    let mut reasons = vec![];
    for cat in sr["category"].as_array().into_iter().flatten() {
        for (system, code) in codings(cat) {
            if system == SDOH_CATEGORY_SYSTEM {
                if let Some(n) = NEEDS.iter().find(|n| n.sdoh_category == Some(code)) {
                    if !reasons.contains(&n.code.to_string()) {
                        reasons.push(n.code.to_string());
                    }
                }
            }
        }
    }
    if reasons.is_empty() {
        let known: Vec<&str> = NEEDS.iter().filter_map(|n| n.sdoh_category).collect();
        p.push(issue(format!("{at}.category"), format!("give at least one SDOH category this service works with ({SDOH_CATEGORY_SYSTEM}: {})", known.join(", "))));
        return None;
    }
    let urgency = match sr["priority"].as_str() {
        Some("urgent") => Urgency::Soon,
        Some("asap") | Some("stat") => Urgency::Urgent,
        _ => Urgency::Routine,
    };
    let mut text: Vec<String> = vec![];
    if let Some(what) = sr["code"]["text"].as_str().or(sr["code"]["coding"][0]["display"].as_str()) {
        text.push(what.to_string());
    }
    text.extend(sr["note"].as_array().into_iter().flatten().filter_map(|n| n["text"].as_str()).map(str::to_string));
    let no_contact = sr["orderDetail"].as_array().into_iter().flatten().any(|d| codings(d).any(|(_, c)| c == "contacting-subject-prohibited"));
    if no_contact {
        text.push("Do not contact the person directly: contact the referrer.".into());
    }
    let requester = sr["requester"]["display"].as_str().map(str::to_string);
    let d = ReferralDetails {
        source: ReferralSource::Gp,
        referrer_name: requester,
        referrer_organisation: None,
        referrer_contact: None,
        reasons,
        details: (!text.is_empty()).then(|| text.join("\n")),
        urgency,
        risks: None,
        safeguarding: false,
    };
    match d.parse("") {
        Ok(d) => Some(d),
        Err(errs) => {
            p.extend(errs.into_iter().map(|e| issue(format!("{at}.{}", if e.field.starts_with("reasons") { "category" } else { "note" }), e.message)));
            None
        }
    }
}

/// A kept resource as it is read back: its id and version, the patient's references as
/// `Patient/<person id>`, and, for a Task, the status (and reason) Linkwork holds.
pub struct Kept<'a> {
    pub resource_type: &'a str,
    pub id: &'a str,
    pub version_id: i64,
    pub last_updated: &'a str,
    pub body: &'a Json,
    pub person_id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub status_reason: Option<&'a StatusReason>,
    pub owner_ref: Option<&'a str>,
    /// The episode it follows (a Task's output names it as a Procedure).
    pub episode_id: Option<&'a str>,
}

fn patient_refs(v: &mut Json, to: &str) {
    match v {
        Json::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "reference" && x == PATIENT_REF {
                    *x = json!(to);
                } else {
                    patient_refs(x, to);
                }
            }
        }
        Json::Array(a) => a.iter_mut().for_each(|x| patient_refs(x, to)),
        _ => {}
    }
}

pub fn render(k: &Kept) -> Json {
    let mut out = k.body.clone();
    if let Some(pid) = k.person_id {
        patient_refs(&mut out, &format!("Patient/{pid}"));
    }
    out["resourceType"] = json!(k.resource_type);
    out["id"] = json!(k.id);
    let mut meta = out["meta"].as_object().cloned().unwrap_or_default();
    meta.insert("versionId".into(), json!(k.version_id.to_string()));
    meta.insert("lastUpdated".into(), json!(k.last_updated));
    out["meta"] = Json::Object(meta);
    if k.resource_type == "Task" {
        if let Some(s) = k.status {
            out["status"] = json!(s);
        }
        if let Some(o) = k.owner_ref {
            out["owner"]["reference"] = json!(o);
        }
        out["lastModified"] = json!(k.last_updated);
        // What was done, once the person took part: the episode as a Procedure.
        if let (Some(ep), Some("in-progress" | "completed" | "failed")) = (k.episode_id, k.status) {
            out["output"] = json!([{
                "type": { "coding": [{ "system": SDOH_CATEGORY_SYSTEM, "code": "resulting-activity", "display": "Resulting Activity" }] },
                "valueReference": { "reference": format!("Procedure/{ep}") }
            }]);
        }
        match k.status_reason {
            Some(r) => {
                let mut reason = json!({ "text": r.text });
                if let Some((code, display)) = &r.code {
                    reason["coding"] = json!([{ "system": "http://snomed.info/sct", "code": code, "display": display }]);
                }
                out["statusReason"] = reason;
            }
            None => {
                if let Some(m) = out.as_object_mut() {
                    m.remove("statusReason");
                }
            }
        }
    }
    out
}

/// A person as a FHIR Patient: what a referring system may read back of someone it referred.
pub fn patient(id: &str, d: &PersonDetails, identifiers: &[PersonIdentifier], last_updated: &str, version: i64) -> Json {
    let mut p = json!({
        "resourceType": "Patient",
        "id": id,
        "meta": { "versionId": version.to_string(), "lastUpdated": last_updated },
        "identifier": identifiers.iter().map(|i| json!({ "system": i.system, "value": i.value })).collect::<Vec<_>>(),
        "active": true,
    });
    let mut name = serde_json::Map::new();
    if let Some(f) = &d.family_name {
        name.insert("family".into(), json!(f));
    }
    if let Some(g) = &d.given_name {
        name.insert("given".into(), json!(g.split_whitespace().collect::<Vec<_>>()));
    }
    if !name.is_empty() {
        p["name"] = json!([name]);
    }
    if let Some(b) = &d.birth_date {
        p["birthDate"] = json!(b);
    }
    if let Some(s) = d.sex {
        p["gender"] = json!(match s {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        });
    }
    if p["identifier"].as_array().is_some_and(Vec::is_empty) {
        p.as_object_mut().expect("an object").remove("identifier");
    }
    p
}

/// Every problem as an OperationOutcome, each issue with its element.
pub fn operation_outcome(code: &str, issues: &[Issue]) -> Json {
    json!({
        "resourceType": "OperationOutcome",
        "issue": issues.iter().map(|i| json!({ "severity": "error", "code": code, "diagnostics": i.message, "expression": [i.expression] })).collect::<Vec<_>>(),
    })
}

/// A note that goes with a success (a transaction entry's `response.outcome`).
pub fn operation_outcome_informational(message: &str) -> Json {
    json!({ "resourceType": "OperationOutcome", "issue": [{ "severity": "information", "code": "informational", "diagnostics": message }] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Json {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/standards/fhir-sdoh-clinicalcare/examples").join(name);
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
    }

    /// The IG's examples put together as an EHR sends a referral: the Patient, the ServiceRequest
    /// and its Condition, the Consent and a Task (the example Task, made new: requested).
    pub(crate) fn ig_bundle() -> Json {
        let mut task = example("Task-SDOHCC-TaskReferralManagementOrderFulfillmentCompletedExample.json");
        task["status"] = json!("requested");
        task.as_object_mut().unwrap().remove("output");
        let mut sr = example("ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample.json");
        sr["requester"] = task["requester"].clone();
        let entry = |r: Json| {
            let t = r["resourceType"].as_str().unwrap().to_string();
            let id = r["id"].as_str().unwrap().to_string();
            json!({ "fullUrl": format!("http://ehr.example/fhir/{t}/{id}"), "resource": r, "request": { "method": "POST", "url": t } })
        };
        json!({ "resourceType": "Bundle", "type": "transaction", "entry": [
            entry(example("Patient-pat-53234.json")),
            entry(sr),
            entry(example("Condition-SDOHCC-ConditionFoodInsecurityExample.json")),
            entry(example("Consent-SDOHCC-ConsentInformationDisclosureExample.json")),
            entry(task),
        ]})
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("id-{n}")
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    #[test]
    fn the_ig_examples_read_as_a_referral() {
        let r = read_transaction(&ig_bundle(), &mut ids(), &[], today()).unwrap_or_else(|e| panic!("{e:#?}"));
        // COLIN V. BAXTER is his name since 2020; ABBAS has ended.
        assert_eq!((r.person.given_name.as_deref(), r.person.family_name.as_deref()), (Some("COLIN V."), Some("BAXTER")));
        assert_eq!(r.person.birth_date.as_deref(), Some("1987-02-20"));
        assert_eq!(r.identifiers[0].system, "http://hospital.smarthealthit.org");
        assert_eq!(r.details.reasons, ["food"]);
        // References between entries now name the ids Linkwork gave them; the patient is kept as
        // Patient/_ until they are matched.
        assert_eq!(r.task.1["focus"]["reference"], json!(format!("ServiceRequest/{}", r.service_request.0)));
        assert_eq!(r.task.1["for"]["reference"], json!(PATIENT_REF));
        let condition = r.others.iter().find(|(t, ..)| t == "Condition").unwrap();
        assert_eq!(r.service_request.1["reasonReference"][0]["reference"], json!(format!("Condition/{}", condition.1)));
        assert_eq!(r.requester_ref.as_deref(), Some("PractitionerRole/SDOHCC-PractitionerRoleDrJanWaterExample"));
    }

    #[test]
    fn every_problem_is_named_by_its_element() {
        let mut b = ig_bundle();
        b["entry"][0]["resource"]["identifier"] = json!([{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "943 476 5918" }]);
        b["entry"][0]["resource"]["birthDate"] = json!("2999-01-01");
        b["entry"][1]["resource"]["category"] = json!([]);
        b["entry"][4]["resource"]["status"] = json!("accepted");
        let e = read_transaction(&b, &mut ids(), &[], today()).unwrap_err();
        let at: Vec<&str> = e.iter().map(|i| i.expression.as_str()).collect();
        for want in ["Bundle.entry[0].resource.identifier[0].value", "Bundle.entry[0].resource.birthDate", "Bundle.entry[1].resource.category", "Bundle.entry[4].resource.status"] {
            assert!(at.contains(&want), "{want} not in {at:?}");
        }
        assert!(e.iter().any(|i| i.message.contains("check digit")), "{e:?}");
    }

    #[test]
    fn a_kept_task_reads_back_with_the_status_linkwork_holds() {
        let r = read_transaction(&ig_bundle(), &mut ids(), &[], today()).unwrap();
        let reason = StatusReason { code: Some((snomed::DECLINED.into(), snomed::DECLINED_DISPLAY.into())), text: "the person declined".into() };
        let out = render(&Kept {
            resource_type: "Task",
            id: &r.task.0,
            version_id: 3,
            last_updated: "2026-12-07T10:00:00.000000Z",
            body: &r.task.1,
            person_id: Some("p-1"),
            status: Some("rejected"),
            status_reason: Some(&reason),
            owner_ref: Some("Organization/linkwork"),
            episode_id: None,
        });
        assert_eq!((&out["status"], &out["for"]["reference"], &out["meta"]["versionId"]), (&json!("rejected"), &json!("Patient/p-1"), &json!("3")));
        assert_eq!(out["statusReason"]["coding"][0]["code"], json!("871711000000103"));
    }
}
