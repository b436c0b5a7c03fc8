//! FHIR R4 interchange for screening and outcome measures: an instrument's Questionnaire, a
//! person's answers as a QuestionnaireResponse, and its scores and screening results as
//! Observations derived from that response (the Gravity Project SDOH Clinical Care pattern).
//! Reading goes the other way: answers out of a QuestionnaireResponse, a score out of an
//! Observation, each refused with the reason when it does not fit the instrument.
//!
//! Indicators go out as Measures and MeasureReports ([`measure`]); a programme's results for a
//! period go out as one hashed Bundle, which a regional observatory checks and reads ([`package`]).
//! Referrals from health systems come in as transaction Bundles and their Tasks go back out
//! ([`referral`]), with the episode as a Procedure and the messages back as Communications
//! ([`outcome`]).
//!
//! Pure JSON in and out: no storage, no HTTP.

pub mod identification;
pub mod measure;
pub mod outcome;
pub mod package;
pub mod referral;
pub mod onward;
pub mod subscription;

use linkwork_domain::instrument::{Answer, Answers, DomainResult, Instrument, ItemKind, ScoreValue, Scored};
use serde_json::{json, Map, Value as Json};

/// Linkwork's own code systems, for codes no public system has.
pub const DOMAIN_SYSTEM: &str = "http://linkwork.example/fhir/CodeSystem/screening-domain";
/// The Gravity Project's SDOH category codes.
pub const SDOH_CATEGORY: &str = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const INTERPRETATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

/// The instrument's Questionnaire, as loaded, with its id.
pub fn questionnaire(ins: &Instrument) -> Json {
    ins.questionnaire.clone()
}

/// A stored response, as the store keeps it.
pub struct Response<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    /// "in-progress" (partial answers saved) or "completed".
    pub status: &'a str,
    /// When it was answered (RFC 3339).
    pub authored: &'a str,
    /// Who recorded it (a user id), if not the person.
    pub author: Option<&'a str>,
    pub answers: &'a Answers,
}

fn canonical(ins: &Instrument) -> String {
    format!("{}|{}", ins.url, ins.version)
}

/// The answers as a FHIR R4 QuestionnaireResponse.
pub fn questionnaire_response(ins: &Instrument, r: &Response<'_>) -> Json {
    let mut items = vec![];
    for item in &ins.items {
        let Some(a) = r.answers.get(&item.link_id) else { continue };
        let answers: Vec<Json> = match (&item.kind, a) {
            (ItemKind::Choice { options, .. }, Answer::Codes(codes)) => codes
                .iter()
                .filter_map(|c| options.iter().find(|o| &o.code == c))
                .map(|o| {
                    let mut coding = Map::new();
                    if let Some(s) = &o.system {
                        coding.insert("system".into(), json!(s));
                    }
                    coding.insert("code".into(), json!(o.code));
                    coding.insert("display".into(), json!(o.display));
                    json!({ "valueCoding": coding })
                })
                .collect(),
            (ItemKind::Integer { .. }, Answer::Number(n)) => vec![json!({ "valueInteger": *n as i64 })],
            (ItemKind::Decimal, Answer::Number(n)) => vec![json!({ "valueDecimal": n })],
            (ItemKind::Boolean, Answer::Bool(b)) => vec![json!({ "valueBoolean": b })],
            (ItemKind::String, Answer::Text(t)) => vec![json!({ "valueString": t })],
            _ => vec![],
        };
        if !answers.is_empty() {
            items.push(json!({ "linkId": item.link_id, "text": item.text, "answer": answers }));
        }
    }
    let mut qr = json!({
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id(r.id),
        "questionnaire": canonical(ins),
        "status": r.status,
        "subject": { "reference": format!("Patient/{}", r.person_id) },
        "authored": r.authored,
        "item": items,
    });
    if let Some(a) = r.author {
        qr["author"] = json!({ "reference": format!("Practitioner/{a}") });
    }
    qr
}

/// A FHIR id: letters, digits, '-' and '.', at most 64 characters. Longer ids keep their start
/// and end in a short hash of the whole, so that distinct ids stay distinct.
pub fn fhir_id(raw: &str) -> String {
    let clean: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' }).collect();
    if clean.len() <= 64 {
        return clean;
    }
    // FNV-1a: enough to tell ids apart, with no dependency.
    let hash = raw.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3));
    format!("{}-{hash:016x}", &clean[..47])
}

fn observation_base(id: String, ins: &Instrument, r: &Response<'_>, code: Json, screening: bool) -> Json {
    let mut category = vec![json!({ "coding": [{ "system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey" }] })];
    if screening {
        category.push(json!({ "coding": [{ "system": SDOH_CATEGORY, "code": "sdoh-category-unspecified", "display": "SDOH Category Unspecified" }] }));
    }
    json!({
        "resourceType": "Observation",
        "id": fhir_id(&id),
        "status": "final",
        "category": category,
        "code": code,
        "subject": { "reference": format!("Patient/{}", r.person_id) },
        "effectiveDateTime": r.authored,
        "derivedFrom": [{ "reference": format!("QuestionnaireResponse/{}", r.id), "display": ins.title }],
    })
}

fn interpretation(positive: bool) -> Json {
    let (code, display) = if positive { ("POS", "Positive") } else { ("NEG", "Negative") };
    json!([{ "coding": [{ "system": INTERPRETATION, "code": code, "display": display }] }])
}

/// One Observation per score (its value, band and screening result) and one per screening
/// domain decided (positive or negative, with its SDOH category), derived from the response.
pub fn observations(ins: &Instrument, r: &Response<'_>, scored: &Scored) -> Vec<Json> {
    let mut out = vec![];
    for s in &scored.scores {
        out.push(score_observation(ins, r, s));
    }
    for d in &scored.domains {
        out.push(domain_observation(ins, r, d));
    }
    out
}

fn score_observation(ins: &Instrument, r: &Response<'_>, s: &ScoreValue) -> Json {
    let mut coding = json!({ "system": s.code.system, "code": s.code.code });
    coding["display"] = json!(s.code.display.clone().unwrap_or_else(|| s.display.clone()));
    let mut o = observation_base(format!("{}-{}", r.id, s.id), ins, r, json!({ "coding": [coding], "text": s.display }), false);
    o["valueQuantity"] = json!({ "value": s.value, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}" });
    if let Some(p) = s.positive {
        o["interpretation"] = interpretation(p);
    }
    if let Some(b) = &s.band {
        o["note"] = json!([{ "text": b.display }]);
    }
    o
}

fn domain_observation(ins: &Instrument, r: &Response<'_>, d: &DomainResult) -> Json {
    let code = json!({ "coding": [{ "system": DOMAIN_SYSTEM, "code": format!("{}-{}", ins.name, d.id), "display": d.display }], "text": d.display });
    let mut o = observation_base(format!("{}-domain-{}", r.id, d.id), ins, r, code, true);
    if let Some(cat) = &d.sdoh_category {
        o["category"][1] = json!({ "coding": [{ "system": SDOH_CATEGORY, "code": cat }] });
    }
    o["valueBoolean"] = json!(d.positive);
    o["interpretation"] = interpretation(d.positive);
    o
}

/// What a QuestionnaireResponse says: its answers and status, checked against the instrument.
#[derive(Debug, PartialEq)]
pub struct ReadResponse {
    pub answers: Answers,
    pub status: String,
    pub authored: Option<String>,
}

fn collect(items: &[Json], out: &mut Vec<(String, Vec<Json>)>) {
    for it in items {
        if let Some(l) = it.get("linkId").and_then(Json::as_str) {
            if let Some(a) = it.get("answer").and_then(Json::as_array) {
                out.push((l.to_string(), a.clone()));
            }
        }
        if let Some(children) = it.get("item").and_then(Json::as_array) {
            collect(children, out);
        }
    }
}

/// Reads a QuestionnaireResponse for `ins`: every problem is reported with its linkId.
pub fn read_response(ins: &Instrument, qr: &Json) -> Result<ReadResponse, Vec<String>> {
    let mut errs = vec![];
    if qr.get("resourceType").and_then(Json::as_str) != Some("QuestionnaireResponse") {
        return Err(vec!["resourceType: must be 'QuestionnaireResponse'".into()]);
    }
    let q = qr.get("questionnaire").and_then(Json::as_str).unwrap_or_default();
    let q_url = q.split('|').next().unwrap_or_default();
    if q_url != ins.url {
        errs.push(format!("questionnaire: '{q}' is not {} ({})", ins.title, ins.url));
    }
    let status = qr.get("status").and_then(Json::as_str).unwrap_or_default().to_string();
    if !["in-progress", "completed", "amended"].contains(&status.as_str()) {
        errs.push(format!("status: '{status}' cannot be imported; use in-progress, completed or amended"));
    }
    let mut found = vec![];
    collect(qr.get("item").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default(), &mut found);
    let mut answers = Answers::new();
    for (link, values) in found {
        let Some(item) = ins.item(&link) else {
            errs.push(format!("item '{link}': not a question of {}", ins.title));
            continue;
        };
        let a = match &item.kind {
            ItemKind::Choice { .. } => {
                let codes: Vec<String> = values.iter().filter_map(|v| v.pointer("/valueCoding/code").and_then(Json::as_str).map(str::to_string)).collect();
                if codes.len() != values.len() {
                    errs.push(format!("item '{link}': answers must be valueCoding"));
                }
                Answer::Codes(codes)
            }
            ItemKind::Integer { .. } | ItemKind::Decimal => match values.first().and_then(|v| v.get("valueInteger").or_else(|| v.get("valueDecimal"))).and_then(Json::as_f64) {
                Some(n) => Answer::Number(n),
                None => {
                    errs.push(format!("item '{link}': the answer must be a number"));
                    continue;
                }
            },
            ItemKind::Boolean => match values.first().and_then(|v| v.get("valueBoolean")).and_then(Json::as_bool) {
                Some(b) => Answer::Bool(b),
                None => {
                    errs.push(format!("item '{link}': the answer must be valueBoolean"));
                    continue;
                }
            },
            ItemKind::String => Answer::Text(values.first().and_then(|v| v.get("valueString")).and_then(Json::as_str).unwrap_or_default().to_string()),
            ItemKind::Display => continue,
        };
        answers.insert(link, a);
    }
    for e in linkwork_domain::instrument::check_answers(ins, &answers) {
        errs.push(format!("item '{}': {}", e.link_id, e.message));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(ReadResponse { answers, status, authored: qr.get("authored").and_then(Json::as_str).map(str::to_string) })
}

/// A score brought in from another system's Observation.
#[derive(Debug, PartialEq)]
pub struct ReadScore {
    pub system: String,
    pub code: String,
    pub value: f64,
    pub effective: Option<String>,
    /// The Patient it is about ("Patient/…" reference's id).
    pub subject: Option<String>,
}

/// Reads a score Observation (a coded `code` and a numeric `valueQuantity` or `valueInteger`).
pub fn read_score(obs: &Json) -> Result<ReadScore, Vec<String>> {
    let mut errs = vec![];
    if obs.get("resourceType").and_then(Json::as_str) != Some("Observation") {
        return Err(vec!["resourceType: must be 'Observation'".into()]);
    }
    let coding = obs.pointer("/code/coding/0");
    let system = coding.and_then(|c| c.get("system")).and_then(Json::as_str).unwrap_or_default().to_string();
    let code = coding.and_then(|c| c.get("code")).and_then(Json::as_str).unwrap_or_default().to_string();
    if system.is_empty() || code.is_empty() {
        errs.push("code.coding[0]: needs a system and a code".into());
    }
    let value = obs.pointer("/valueQuantity/value").or_else(|| obs.get("valueInteger")).and_then(Json::as_f64);
    if value.is_none() {
        errs.push("value: a score Observation needs valueQuantity.value or valueInteger".into());
    }
    let subject = obs.pointer("/subject/reference").and_then(Json::as_str).and_then(|r| r.strip_prefix("Patient/")).map(str::to_string);
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(ReadScore { system, code, value: value.unwrap_or_default(), effective: obs.get("effectiveDateTime").and_then(Json::as_str).map(str::to_string), subject })
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::instrument::{built_in, score};

    fn ucla() -> Instrument {
        built_in().into_iter().find(|i| i.name == "UCLA3").unwrap()
    }

    #[test]
    fn a_response_goes_out_and_comes_back_the_same() {
        let ins = ucla();
        let answers: Answers = [("u1", "often"), ("u2", "some-of-the-time"), ("u3", "often")].iter().map(|(l, c)| (l.to_string(), Answer::Codes(vec![c.to_string()]))).collect();
        let r = Response { id: "r1", person_id: "p1", status: "completed", authored: "2026-11-21T10:00:00Z", author: Some("u9"), answers: &answers };
        let qr = questionnaire_response(&ins, &r);
        assert_eq!(qr["questionnaire"], json!("http://linkwork.example/fhir/Questionnaire/ucla-3|1"));
        assert_eq!(qr["item"][0]["answer"][0]["valueCoding"]["display"], json!("Often"));
        let back = read_response(&ins, &qr).unwrap();
        assert_eq!(back.answers, answers);
        let scored = score(&ins, &answers);
        let obs = observations(&ins, &r, &scored);
        assert_eq!(obs.len(), 2, "the score and the loneliness domain");
        assert_eq!(obs[0]["valueQuantity"]["value"], json!(8.0));
        assert_eq!(obs[0]["interpretation"][0]["coding"][0]["code"], json!("POS"));
        assert_eq!(obs[1]["category"][1]["coding"][0]["code"], json!("social-connection"));
        assert_eq!(obs[1]["derivedFrom"][0]["reference"], json!("QuestionnaireResponse/r1"));
        let s = read_score(&obs[0]).unwrap();
        assert_eq!((s.code.as_str(), s.value, s.subject.as_deref()), ("ucla3-total", 8.0, Some("p1")));
    }

    #[test]
    fn ids_follow_fhirs_rules() {
        assert_eq!(fhir_id("resp-1-life_satisfaction"), "resp-1-life-satisfaction");
        let long = format!("{}-domain-housing_quality-and-more-and-more", "01a1fdc3-aa90-77dc-8752-6a1eacc22764");
        let id = fhir_id(&long);
        assert_eq!(id.len(), 64);
        assert_ne!(id, fhir_id(&long.replace("more-and-more", "more-and-less")));
    }

    #[test]
    fn a_response_to_something_else_is_refused_with_reasons() {
        let ins = ucla();
        let qr = json!({"resourceType": "QuestionnaireResponse", "questionnaire": "http://example.org/Questionnaire/other", "status": "stopped",
            "item": [{"linkId": "u1", "answer": [{"valueCoding": {"code": "sometimes"}}]}, {"linkId": "zz", "answer": [{"valueString": "x"}]}]});
        let errs = read_response(&ins, &qr).unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:#?}");
        assert!(errs[0].starts_with("questionnaire:"));
        assert!(errs.iter().any(|e| e.contains("'zz'")));
        assert!(errs.iter().any(|e| e.contains("'sometimes' is not one of its answers")));
    }
}
