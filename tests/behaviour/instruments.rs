//! Screening and outcome instruments as FHIR R4: every shipped definition's Questionnaire, a
//! full set of answers as a QuestionnaireResponse and the scores and screening results as
//! Observations, each validated by an independent FHIR implementation (the `fhir.resources`
//! package from PyPI, R4B models; `.ci/run` installs it).

use linkwork_domain::instrument::{built_in, score, Answer, Answers, Instrument, ItemKind, SWEMWBS};
use linkwork_fhir::{observations, questionnaire, questionnaire_response, Response};

/// Validates FHIR resource files with fhir.resources (`fhir/validate.py`); fails on any invalid.
pub fn validate_files(files: &[std::path::PathBuf]) {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fhir/validate.py");
    let out = std::process::Command::new("python3").arg(&script).args(files).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "invalid FHIR:\n{text}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(text.lines().filter(|l| l.starts_with("valid")).count(), files.len(), "{text}");
}

pub fn validator_available() -> bool {
    let ok = std::process::Command::new("python3").args(["-c", "import fhir.resources.R4B"]).output().map(|o| o.status.success()).unwrap_or(false);
    if !ok && std::env::var("LINKWORK_REQUIRE_TOOLS").is_ok() {
        panic!("the FHIR validator is missing: python3 -m pip install fhir.resources (.ci/run does)");
    }
    if !ok {
        eprintln!("NOT RUN: FHIR validation (python3 -m pip install fhir.resources)");
    }
    ok
}

/// Answers every question with its last option (the highest-scoring, so screens come out
/// positive) or the top of its range.
fn full_answers(ins: &Instrument) -> Answers {
    ins.items
        .iter()
        .filter_map(|i| {
            let a = match &i.kind {
                ItemKind::Choice { options, .. } => Answer::Codes(vec![options.last()?.code.clone()]),
                ItemKind::Integer { max, .. } => Answer::Number(max.unwrap_or(1) as f64),
                ItemKind::Decimal => Answer::Number(1.5),
                ItemKind::Boolean => Answer::Bool(true),
                ItemKind::String => Answer::Text("as said".into()),
                ItemKind::Display => return None,
            };
            Some((i.link_id.clone(), a))
        })
        .collect()
}

#[test]
fn every_exported_questionnaire_response_and_observation_validates() {
    if !validator_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut all = built_in();
    all.push(Instrument::parse(&serde_json::from_str(SWEMWBS).unwrap()).unwrap());
    let mut files = vec![];
    let mut counts = (0, 0, 0);
    for ins in &all {
        let answers = full_answers(ins);
        let r = Response { id: &format!("resp-{}", ins.name.to_lowercase()), person_id: "p-1", status: "completed", authored: "2026-11-21T10:00:00Z", author: Some("u-1"), answers: &answers };
        let mut resources = vec![questionnaire(ins), questionnaire_response(ins, &r)];
        let obs = observations(ins, &r, &score(ins, &answers));
        assert!(!obs.is_empty(), "{} yields observations", ins.name);
        counts.0 += 1;
        counts.1 += 1;
        counts.2 += obs.len();
        resources.extend(obs);
        for (i, res) in resources.iter().enumerate() {
            let p = dir.path().join(format!("{}-{i}.json", ins.name));
            std::fs::write(&p, serde_json::to_vec_pretty(res).unwrap()).unwrap();
            files.push(p);
        }
    }
    validate_files(&files);
    eprintln!("validated {} Questionnaires, {} QuestionnaireResponses and {} Observations", counts.0, counts.1, counts.2);
}
