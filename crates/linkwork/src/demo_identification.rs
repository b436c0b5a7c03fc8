//! The demo's GP practice finds who may benefit: the demo's GP ('gp') works for one of the demo
//! town's GP practices, which loads a small Bundle of fictional patients (a frequent attender, a
//! recorded social isolation, a positive food and housing screen, someone with two reasons, and
//! three who match nothing), and the rules are run, so the worklist shows people and why. Made
//! once, dated from the day the demo first starts, through the same load and run as the API's.

use chrono::{Duration, NaiveDate};
use linkwork_store::pathway::Actor;
use linkwork_web::identification::{load, Format};
use linkwork_web::AppState;
use serde_json::{json, Value};

/// The demo town's GP practice: the first organisation named as one.
async fn practice(st: &AppState) -> anyhow::Result<Option<String>> {
    let ids = st.store().all_ids("organization").await?;
    let mut found: Vec<(String, String)> = vec![];
    for chunk in ids.chunks(500) {
        for row in st.store().select_in("organization", "id", chunk).await? {
            let name = row.get_str("name").unwrap_or_default().to_string();
            if ["Surgery", "Medical Practice", "Health Centre", "Family Practice"].iter().any(|s| name.ends_with(s)) {
                if let Some(id) = row.get_str("id") {
                    found.push((name, id.to_string()));
                }
            }
        }
    }
    found.sort();
    Ok(found.into_iter().next().map(|(_, id)| id))
}

/// A test-range NHS number (999…) with its check digit, for fictional patients.
fn nhs_number(n: u32) -> String {
    (0..10u32)
        .map(|k| format!("999{:06}", n * 10 + k))
        .find_map(|nine| {
            let sum: u32 = nine.chars().zip((2..=10).rev()).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
            match 11 - sum % 11 {
                10 => None,
                11 => Some(format!("{nine}0")),
                d => Some(format!("{nine}{d}")),
            }
        })
        .unwrap_or_else(|| "9990000018".into())
}

fn patient(id: &str, given: &str, family: &str, birth: &str, n: u32, phone: &str) -> Value {
    json!({ "fullUrl": format!("urn:uuid:demo-{id}"), "resource": {
        "resourceType": "Patient", "id": id,
        "identifier": [{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number(n) }],
        "name": [{ "use": "official", "given": [given], "family": family }], "birthDate": birth,
        "telecom": [{ "system": "phone", "value": phone }], "address": [{ "postalCode": "ZZ99 3VZ" }] } })
}

fn encounter(id: &str, on: NaiveDate) -> Value {
    json!({ "resource": { "resourceType": "Encounter", "status": "finished",
        "class": { "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory" },
        "type": [{ "coding": [{ "system": "http://snomed.info/sct", "code": "185345009", "display": "Encounter for symptom" }] }],
        "subject": { "reference": format!("Patient/{id}") }, "period": { "start": on.to_string() } } })
}

fn condition(id: &str, code: &str, display: &str, on: NaiveDate) -> Value {
    json!({ "resource": { "resourceType": "Condition",
        "clinicalStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active" }] },
        "verificationStatus": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed" }] },
        "code": { "coding": [{ "system": "http://snomed.info/sct", "code": code, "display": display }] },
        "subject": { "reference": format!("Patient/{id}") }, "recordedDate": on.to_string() } })
}

fn answer(id: &str, question: &str, text: &str, code: &str, display: &str, on: NaiveDate) -> Value {
    json!({ "resource": { "resourceType": "Observation", "status": "final",
        "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey" }] }],
        "code": { "coding": [{ "system": "http://loinc.org", "code": question, "display": text }] },
        "subject": { "reference": format!("Patient/{id}") }, "effectiveDateTime": on.to_string(),
        "valueCodeableConcept": { "coding": [{ "system": "http://loinc.org", "code": code, "display": display }] } } })
}

/// The practice's fictional patients as of `today`.
pub fn bundle(today: NaiveDate) -> Value {
    let ago = |d: i64| today - Duration::days(d);
    let mut e = vec![
        patient("demo-p1", "Margaret", "Holt", "1941-04-12", 1, "01632 960 101"),
        patient("demo-p2", "Derek", "Ainsworth", "1952-09-30", 2, "01632 960 102"),
        patient("demo-p3", "Priya", "Shah", "1987-02-20", 3, "01632 960 103"),
        patient("demo-p4", "Tom", "Birch", "1948-11-05", 4, "01632 960 104"),
        patient("demo-p5", "Alice", "Moreno", "1979-06-14", 5, "01632 960 105"),
        patient("demo-p6", "Sam", "Okafor", "1995-01-23", 6, "01632 960 106"),
        patient("demo-p7", "Joan", "Whitley", "1960-08-08", 7, "01632 960 107"),
    ];
    // Margaret: ten visits this year.
    e.extend((0..10).map(|k| encounter("demo-p1", ago(20 + k * 33))));
    // Derek: social isolation recorded after his wife died.
    e.push(condition("demo-p2", "422650009", "Social isolation (finding)", ago(45)));
    e.extend((0..2).map(|k| encounter("demo-p2", ago(40 + k * 90))));
    // Priya: the AHC HRSN screen at her last visit: food often runs out, worried about losing her home.
    e.push(answer("demo-p3", "88122-7", "Worried food would run out", "LA28397-0", "Often true", ago(30)));
    e.push(answer("demo-p3", "71802-3", "Housing status", "LA31994-9", "I have a place to live today, but I am worried about losing it in the future", ago(30)));
    e.push(encounter("demo-p3", ago(30)));
    // Tom: nine visits and limited social contact.
    e.extend((0..9).map(|k| encounter("demo-p4", ago(10 + k * 38))));
    e.push(condition("demo-p4", "423315002", "Limited social contact (finding)", ago(100)));
    // Alice, Sam and Joan: a few visits, a negative screen; nothing to find.
    e.extend((0..3).map(|k| encounter("demo-p5", ago(15 + k * 100))));
    e.push(answer("demo-p6", "88122-7", "Worried food would run out", "LA28398-8", "Never true", ago(60)));
    e.push(encounter("demo-p6", ago(60)));
    e.extend((0..4).map(|k| encounter("demo-p7", ago(25 + k * 70))));
    e.push(json!({ "resource": { "resourceType": "Organization", "id": "demo-practice", "name": "The demo practice" } }));
    json!({ "resourceType": "Bundle", "type": "collection", "entry": e })
}

/// Puts the demo's GP in the practice and, once, loads its patients and runs the rules.
pub async fn demo_identification(st: &AppState) -> anyhow::Result<Option<String>> {
    let Some(practice) = practice(st).await? else { return Ok(None) };
    let a = Actor::system("demo set-up: the GP practice finds who may benefit");
    if let Some(gp) = st.store().user_by_username("gp").await? {
        if !gp.organizations.contains(&practice) {
            let mut orgs = gp.organizations.clone();
            orgs.push(practice.clone());
            st.store().update_user(&a, "gp", None, None, Some(&orgs), None, None).await?;
        }
    }
    if st.store().worklist(&a, &practice).await?.load.is_some() {
        return Ok(Some(practice));
    }
    let today = chrono::Utc::now().date_naive();
    let body = serde_json::to_vec(&bundle(today))?;
    load(st, &a, &practice, Format::Fhir, &body).await.map_err(crate::users::problem_text)?;
    st.store().run_identification(&a, &practice, &st.config.identification, today).await?;
    Ok(Some(practice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_patients_have_valid_fictional_nhs_numbers() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let b = bundle(today);
        let patients: Vec<&Value> = b["entry"].as_array().unwrap().iter().filter(|e| e["resource"]["resourceType"] == "Patient").collect();
        assert_eq!(patients.len(), 7);
        for p in patients {
            let n = p["resource"]["identifier"][0]["value"].as_str().unwrap();
            assert!(n.starts_with("999"), "{n} is in the NHS's test range");
            assert!(linkwork_domain::pathway::identifier::NhsNumber::parse(n).is_ok(), "{n}");
        }
    }
}
