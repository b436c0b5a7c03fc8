//! A practice's patients as a FHIR R4 Bundle (collection, batch, transaction or searchset) of
//! Patient, Encounter, Condition and Observation, read into the domain's practice patients for
//! the rules that find who may benefit from social prescribing. Every problem is given by its
//! FHIRPath (`Bundle.entry[3].resource.subject`) and what to do; a Bundle with any problem is
//! refused whole.

use std::collections::HashMap;

use chrono::NaiveDate;
use linkwork_domain::identification::{check_patients, read_birth_date, read_date, read_nhs_number, Coding, PatientRecord, PracticePatient, RecordKind};
use linkwork_domain::pathway::identifier::NHS_NUMBER_SYSTEM;
use serde_json::Value as Json;

pub use crate::referral::Issue;

/// Resource types a practice's export may carry beside its patients' records; they are not read.
pub const PASSED_OVER: [&str; 5] = ["Practitioner", "PractitionerRole", "Organization", "Location", "Group"];

/// What was read: the patients with their records, and how many entries were passed over.
#[derive(Clone, Debug)]
pub struct ReadPractice {
    pub patients: Vec<PracticePatient>,
    pub passed_over: usize,
}

fn issue(expression: impl Into<String>, message: impl Into<String>) -> Issue {
    Issue { expression: expression.into(), message: message.into() }
}

fn s(v: &Json) -> Option<&str> {
    v.as_str().map(str::trim).filter(|x| !x.is_empty())
}

fn codings(cc: &Json, at: &str, p: &mut Vec<Issue>) -> Vec<Coding> {
    let mut out = vec![];
    for (i, c) in cc["coding"].as_array().into_iter().flatten().enumerate() {
        match (s(&c["system"]), s(&c["code"])) {
            (Some(system), Some(code)) => out.push(Coding { system: system.into(), code: code.into(), display: s(&c["display"]).map(str::to_string) }),
            (None, Some(_)) => p.push(issue(format!("{at}.coding[{i}].system"), "a code needs its system (http://snomed.info/sct, http://loinc.org…)")),
            _ => p.push(issue(format!("{at}.coding[{i}].code"), "a coding needs its code")),
        }
    }
    out
}

fn first_code(cc: &Json) -> Option<String> {
    cc["coding"].as_array().and_then(|a| a.iter().find_map(|c| s(&c["code"]))).map(str::to_string)
}

/// Reads a practice's Bundle. `today` refuses birth dates and records in the future.
pub fn read_practice_bundle(bundle: &Json, today: NaiveDate) -> Result<ReadPractice, Vec<Issue>> {
    let mut p = vec![];
    if bundle["resourceType"] != "Bundle" {
        return Err(vec![issue("Bundle.resourceType", "send a Bundle (resourceType \"Bundle\") of the practice's Patients, Encounters, Conditions and Observations")]);
    }
    match bundle["type"].as_str() {
        Some("collection" | "batch" | "transaction" | "searchset") => {}
        other => p.push(issue("Bundle.type", format!("is {}; send a collection, batch, transaction or searchset Bundle", other.map(|t| format!("'{t}'")).unwrap_or_else(|| "missing".into())))),
    }
    let Some(entries) = bundle["entry"].as_array().filter(|e| !e.is_empty()) else {
        p.push(issue("Bundle.entry", "is empty; send the practice's patients and their records as entries"));
        return Err(p);
    };
    // The patients first, so that records may come before or after the Patient they are about.
    let mut patients: Vec<(usize, PracticePatient)> = vec![];
    let mut refs: HashMap<String, usize> = HashMap::new();
    let mut passed_over = 0;
    for (i, e) in entries.iter().enumerate() {
        let r = &e["resource"];
        if r["resourceType"] != "Patient" {
            continue;
        }
        let at = format!("Bundle.entry[{i}].resource");
        let Some(id) = s(&r["id"]).filter(|id| id.len() <= 64) else {
            p.push(issue(format!("{at}.id"), "a Patient needs its id (the practice's own, at most 64 characters), by which its records name it"));
            continue;
        };
        let names = r["name"].as_array().cloned().unwrap_or_default();
        let name = names.iter().find(|n| n["use"] == "official").or_else(|| names.first());
        let given = name.and_then(|n| n["given"].as_array()).map(|g| g.iter().filter_map(s).collect::<Vec<_>>().join(" ")).filter(|g| !g.is_empty());
        let family = name.and_then(|n| s(&n["family"]));
        if given.is_none() {
            p.push(issue(format!("{at}.name"), "give the patient's given name (name.given)"));
        }
        if family.is_none() {
            p.push(issue(format!("{at}.name"), "give the patient's family name (name.family)"));
        }
        let birth = match s(&r["birthDate"]).map(|b| read_birth_date(b, today)) {
            Some(Ok(d)) => Some(d),
            Some(Err(m)) => {
                p.push(issue(format!("{at}.birthDate"), m));
                None
            }
            None => {
                p.push(issue(format!("{at}.birthDate"), "give the patient's birth date (YYYY-MM-DD)"));
                None
            }
        };
        let mut nhs = None;
        for (j, ident) in r["identifier"].as_array().into_iter().flatten().enumerate() {
            if s(&ident["system"]) == Some(NHS_NUMBER_SYSTEM) {
                match read_nhs_number(ident["value"].as_str().unwrap_or("")) {
                    Ok(n) => nhs = Some(n),
                    Err(m) => p.push(issue(format!("{at}.identifier[{j}].value"), format!("{m}; correct it in the practice's record, or leave the identifier out"))),
                }
            }
        }
        let phone = r["telecom"].as_array().and_then(|t| t.iter().find(|x| x["system"] == "phone").and_then(|x| s(&x["value"]))).map(str::to_string);
        let postcode = r["address"].as_array().and_then(|a| a.iter().find_map(|x| s(&x["postalCode"]))).map(str::to_string);
        if let (Some(given_name), Some(family), Some(birth_date)) = (given, family, birth) {
            if given_name.chars().count() > 100 || family.chars().count() > 100 {
                p.push(issue(format!("{at}.name"), "a name is longer than 100 characters"));
                continue;
            }
            let n = patients.len();
            for key in [format!("Patient/{id}"), s(&e["fullUrl"]).unwrap_or_default().to_string()] {
                if !key.is_empty() {
                    refs.insert(key, n);
                }
            }
            patients.push((i, PracticePatient { key: id.to_string(), nhs_number: nhs, given_name, family_name: family.to_string(), birth_date, phone, postcode, records: vec![] }));
        } else {
            // Its records still resolve, so that their own problems are found too.
            for key in [format!("Patient/{id}"), s(&e["fullUrl"]).unwrap_or_default().to_string()] {
                if !key.is_empty() {
                    refs.insert(key, usize::MAX);
                }
            }
        }
    }
    for (i, e) in entries.iter().enumerate() {
        let r = &e["resource"];
        let at = format!("Bundle.entry[{i}].resource");
        let Some(t) = r["resourceType"].as_str() else {
            p.push(issue(&at, "each entry needs a resource with its resourceType"));
            continue;
        };
        let kind = match t {
            "Patient" => continue,
            "Encounter" => RecordKind::Encounter,
            "Condition" => RecordKind::Condition,
            "Observation" => RecordKind::Observation,
            _ if PASSED_OVER.contains(&t) => {
                passed_over += 1;
                continue;
            }
            _ => {
                p.push(issue(format!("{at}.resourceType"), format!("{t} is not read here; send Patient, Encounter, Condition and Observation (and who recorded them)")));
                continue;
            }
        };
        let subject = s(&r["subject"]["reference"]);
        let owner = match subject.map(|x| refs.get(x)) {
            Some(Some(n)) => Some(*n),
            Some(None) => {
                p.push(issue(format!("{at}.subject"), format!("names {}, which is not a Patient in this Bundle; send the Patient too, or correct the reference", subject.unwrap_or_default())));
                None
            }
            None => {
                p.push(issue(format!("{at}.subject"), "give the Patient it is about (subject.reference = \"Patient/<id>\")"));
                None
            }
        };
        let (date_at, date) = match kind {
            RecordKind::Encounter => ("period.start", s(&r["period"]["start"])),
            RecordKind::Condition => ("onsetDateTime", s(&r["onsetDateTime"]).or_else(|| s(&r["onsetPeriod"]["start"])).or_else(|| s(&r["recordedDate"]))),
            RecordKind::Observation => ("effectiveDateTime", s(&r["effectiveDateTime"]).or_else(|| s(&r["effectivePeriod"]["start"])).or_else(|| s(&r["effectiveInstant"])).or_else(|| s(&r["issued"]))),
        };
        let date = match date.map(read_date) {
            Some(Ok(d)) if d <= today => Some(d),
            Some(Ok(d)) => {
                p.push(issue(format!("{at}.{date_at}"), format!("{d} is in the future; give when it happened")));
                None
            }
            Some(Err(m)) => {
                p.push(issue(format!("{at}.{date_at}"), m));
                None
            }
            None => {
                let want = match kind {
                    RecordKind::Encounter => "give when the encounter took place (period.start)",
                    RecordKind::Condition => "give when it began or was recorded (onsetDateTime, onsetPeriod.start or recordedDate)",
                    RecordKind::Observation => "give when it was made (effectiveDateTime, effectivePeriod.start or issued)",
                };
                p.push(issue(format!("{at}.{date_at}"), want));
                None
            }
        };
        let (codes, class, status, verification, value, interpretation) = match kind {
            RecordKind::Encounter => {
                let mut codes = vec![];
                for (j, ty) in r["type"].as_array().into_iter().flatten().enumerate() {
                    codes.extend(codings(ty, &format!("{at}.type[{j}]"), &mut p));
                }
                // R4's class is a Coding; some systems send a CodeableConcept (R5) instead.
                let class = s(&r["class"]["code"]).map(str::to_string).or_else(|| r["class"].as_array().and_then(|a| a.first()).and_then(first_code)).or_else(|| first_code(&r["class"]));
                (codes, class, s(&r["status"]).map(str::to_string), None, None, None)
            }
            RecordKind::Condition | RecordKind::Observation => {
                let codes = codings(&r["code"], &format!("{at}.code"), &mut p);
                if codes.is_empty() && r["code"]["coding"].as_array().is_none_or(|a| a.is_empty()) {
                    p.push(issue(format!("{at}.code"), "give its code as a coding with system and code (SNOMED CT for a finding, LOINC for a screening question)"));
                }
                if kind == RecordKind::Condition {
                    (codes, None, first_code(&r["clinicalStatus"]), first_code(&r["verificationStatus"]), None, None)
                } else {
                    let value = first_code(&r["valueCodeableConcept"])
                        .or_else(|| r["valueBoolean"].as_bool().map(|b| b.to_string()))
                        .or_else(|| r["valueInteger"].as_i64().map(|n| n.to_string()))
                        .or_else(|| r["valueQuantity"]["value"].as_f64().map(|n| n.to_string()))
                        .or_else(|| s(&r["valueString"]).map(|v| v.chars().take(200).collect()));
                    let interpretation = r["interpretation"].as_array().and_then(|a| a.iter().find_map(first_code));
                    (codes, None, s(&r["status"]).map(str::to_string), None, value, interpretation)
                }
            }
        };
        if let (Some(n), Some(date)) = (owner, date) {
            if n != usize::MAX {
                patients[n].1.records.push(PatientRecord { kind, date, codes, class, status, verification, value, interpretation });
            }
        }
    }
    let at: Vec<usize> = patients.iter().map(|(i, _)| *i).collect();
    let patients: Vec<PracticePatient> = patients.into_iter().map(|(_, x)| x).collect();
    if p.is_empty() {
        if let Err(more) = check_patients(&patients, &|i| format!("Bundle.entry[{}].resource", at.get(i).copied().unwrap_or(0))) {
            p.extend(more.into_iter().map(|m| issue(m.at, m.message)));
        }
    }
    if p.is_empty() {
        Ok(ReadPractice { patients, passed_over })
    } else {
        Err(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    #[test]
    fn a_practice_bundle_is_read_into_patients_and_records() {
        let b = json!({ "resourceType": "Bundle", "type": "collection", "entry": [
            { "fullUrl": "urn:uuid:c1", "resource": { "resourceType": "Condition", "subject": { "reference": "urn:uuid:p1" }, "recordedDate": "2026-10-01",
                "clinicalStatus": { "coding": [{ "code": "active" }] }, "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "422650009" }] } } },
            { "fullUrl": "urn:uuid:p1", "resource": { "resourceType": "Patient", "id": "p1", "name": [{ "given": ["Ada", "May"], "family": "Lovelace" }], "birthDate": "1950-03-04",
                "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": "943 476 5919" }], "telecom": [{ "system": "phone", "value": "01632 960 001" }] } },
            { "resource": { "resourceType": "Encounter", "status": "finished", "class": { "code": "AMB" }, "subject": { "reference": "Patient/p1" }, "period": { "start": "2026-11-02T09:00:00Z" } } },
            { "resource": { "resourceType": "Observation", "status": "final", "subject": { "reference": "Patient/p1" }, "effectiveDateTime": "2026-09-01",
                "code": { "coding": [{ "system": "http://loinc.org", "code": "88122-7" }] }, "valueCodeableConcept": { "coding": [{ "system": "http://loinc.org", "code": "LA28397-0" }] } } },
            { "resource": { "resourceType": "Organization", "id": "o1" } },
        ]});
        let r = read_practice_bundle(&b, today()).unwrap();
        assert_eq!(r.passed_over, 1);
        let p = &r.patients[0];
        assert_eq!((p.given_name.as_str(), p.nhs_number.as_deref(), p.phone.as_deref()), ("Ada May", Some("9434765919"), Some("01632 960 001")));
        assert_eq!(p.records.len(), 3);
        assert_eq!(p.records[1].class.as_deref(), Some("AMB"));
        assert_eq!(p.records[2].value.as_deref(), Some("LA28397-0"));
    }

    #[test]
    fn every_problem_is_given_at_its_fhirpath() {
        let b = json!({ "resourceType": "Bundle", "type": "document", "entry": [
            { "resource": { "resourceType": "Patient", "id": "p1", "name": [{ "given": ["Ada"] }], "birthDate": "2030-01-01",
                "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": "9434765918" }] } },
            { "resource": { "resourceType": "Encounter", "subject": { "reference": "Patient/nobody" }, "period": { "start": "2026-11-02" } } },
            { "resource": { "resourceType": "Condition", "subject": { "reference": "Patient/p1" }, "code": { "text": "lonely" } } },
            { "resource": { "resourceType": "MedicationRequest" } },
        ]});
        let p = read_practice_bundle(&b, today()).unwrap_err();
        let at: Vec<&str> = p.iter().map(|i| i.expression.as_str()).collect();
        for want in [
            "Bundle.type",
            "Bundle.entry[0].resource.name",
            "Bundle.entry[0].resource.birthDate",
            "Bundle.entry[0].resource.identifier[0].value",
            "Bundle.entry[1].resource.subject",
            "Bundle.entry[2].resource.onsetDateTime",
            "Bundle.entry[2].resource.code",
            "Bundle.entry[3].resource.resourceType",
        ] {
            assert!(at.contains(&want), "{want} in {p:#?}");
        }
    }
}
