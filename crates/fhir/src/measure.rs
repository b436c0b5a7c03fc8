//! Indicators as FHIR R4 quality measures: each definition as a `Measure` (its populations, the
//! groups it reports and the stratifiers its breakdowns allow), and one protected result as a
//! summary `MeasureReport` whose strata are the result's breakdown cells.
//!
//! Only what disclosure control let through is written: a suppressed count or score carries the
//! standard data-absent-reason extension with `masked` in place of its value, so a receiving
//! system can tell "withheld" from "none". Titles and descriptions carry the other languages in
//! the standard translation extension.

use linkwork_domain::observatory::{Aggregate, ConsentNeeded, Evaluation, IndicatorDef, Population, Values};
use serde_json::{json, Value as Json};

/// Where Linkwork's indicators are published as Measures.
pub const MEASURE_BASE: &str = "http://linkwork.example/fhir/Measure";
/// Linkwork's codes for a measure's groups (stages, statistics).
pub const GROUP_SYSTEM: &str = "http://linkwork.example/fhir/CodeSystem/indicator-group";
/// Linkwork's codes for breakdowns (stratifiers).
pub const DIMENSION_SYSTEM: &str = "http://linkwork.example/fhir/CodeSystem/indicator-breakdown";
/// Linkwork's codes for populations FHIR has no code for (outcome verdicts, workers over the safe caseload).
pub const POPULATION_SYSTEM: &str = "http://linkwork.example/fhir/CodeSystem/indicator-population";
/// The language of Linkwork's population and stratifier criteria: the names in the definition file.
pub const CRITERIA_LANGUAGE: &str = "text/x-linkwork-indicator";
const EXT: &str = "http://linkwork.example/fhir/StructureDefinition";
const MEASURE_POPULATION: &str = "http://terminology.hl7.org/CodeSystem/measure-population";
const MEASURE_SCORING: &str = "http://terminology.hl7.org/CodeSystem/measure-scoring";
const MEASURE_TYPE: &str = "http://terminology.hl7.org/CodeSystem/measure-type";
const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";
const DATA_ABSENT: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
const UCUM: &str = "http://unitsofmeasure.org";

/// The Measure's canonical URL.
pub fn measure_url(def: &IndicatorDef) -> String {
    format!("{MEASURE_BASE}/{}", def.id)
}

fn coding(system: &str, code: &str) -> Json {
    json!({ "coding": [{ "system": system, "code": code }], "text": code })
}

fn criteria(expression: String) -> Json {
    json!({ "language": CRITERIA_LANGUAGE, "expression": expression })
}

/// The non-English texts as translation extensions (English is the element's own value).
fn translations(texts: &std::collections::BTreeMap<String, String>) -> Json {
    let ext: Vec<Json> = texts
        .iter()
        .filter(|(lang, _)| lang.as_str() != "en")
        .map(|(lang, text)| {
            json!({ "url": TRANSLATION, "extension": [
                { "url": "lang", "valueCode": lang },
                { "url": "content", "valueString": text },
            ] })
        })
        .collect();
    json!({ "extension": ext })
}

/// "pathway-funnel" → "PathwayFunnel": a computable name (FHIR's name invariant asks for one).
fn computable_name(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// How the measure is scored, in FHIR's terms.
pub(crate) fn scoring(def: &IndicatorDef) -> &'static str {
    match def.aggregate {
        Aggregate::Proportion { .. } => "proportion",
        Aggregate::Duration { .. } | Aggregate::Mean { .. } => "continuous-variable",
        Aggregate::Count | Aggregate::Stages { .. } | Aggregate::Distribution { .. } => "cohort",
    }
}

/// The groups a definition reports: a funnel one per stage, a duration its median and 90th
/// centile, everything else one.
fn group_codes(def: &IndicatorDef) -> Vec<String> {
    match &def.aggregate {
        Aggregate::Stages { stages } => stages.clone(),
        Aggregate::Duration { .. } => vec!["median".into(), "p90".into()],
        Aggregate::Mean { .. } => vec!["mean".into()],
        Aggregate::Proportion { .. } => vec!["proportion".into()],
        Aggregate::Count => vec!["count".into()],
        Aggregate::Distribution { .. } => vec!["distribution".into()],
    }
}

fn unit_code(unit: &str) -> Option<&'static str> {
    match unit {
        "percent" => Some("%"),
        "days" => Some("d"),
        _ => None,
    }
}

/// The indicator's definition as a FHIR R4 Measure.
pub fn measure(def: &IndicatorDef) -> Json {
    let pop = def.population.as_str();
    let base = match &def.filter {
        Some(w) => format!("{pop} where {w}"),
        None => pop.to_string(),
    };
    let p = |code: &str, expr: String| json!({ "code": coding(MEASURE_POPULATION, code), "criteria": criteria(expr) });
    let own = |code: &str, expr: String| json!({ "code": coding(POPULATION_SYSTEM, code), "criteria": criteria(expr) });
    let mut stratifiers: Vec<String> = vec![];
    if def.population == Population::Outcomes {
        stratifiers.push("instrument".into());
    }
    stratifiers.extend(def.offered_breakdowns().iter().map(|b| b.as_str().to_string()));
    if let Aggregate::Distribution { by } = &def.aggregate {
        stratifiers.push(by.as_str().to_string());
    }
    let stratifier: Vec<Json> = stratifiers
        .iter()
        .map(|s| json!({ "code": coding(DIMENSION_SYSTEM, s), "criteria": criteria(s.clone()) }))
        .collect();
    let groups: Vec<Json> = group_codes(def)
        .into_iter()
        .map(|g| {
            let population = match &def.aggregate {
                Aggregate::Count | Aggregate::Distribution { .. } => vec![p("initial-population", base.clone())],
                Aggregate::Stages { .. } => vec![p("initial-population", format!("{base} where {g}"))],
                Aggregate::Proportion { numerator, denominator } => vec![
                    p("initial-population", base.clone()),
                    p("denominator", format!("{base} where {denominator}")),
                    p("numerator", format!("{base} where {denominator} and {numerator}")),
                ],
                Aggregate::Duration { measure } => vec![
                    p("measure-population", format!("{base} having {measure}")),
                    p("measure-observation", measure.clone()),
                ],
                Aggregate::Mean { value } => {
                    let mut v = vec![p("measure-population", base.clone()), p("measure-observation", value.clone())];
                    if def.population == Population::Outcomes {
                        for verdict in ["improved", "no_change", "worse"] {
                            v.push(own(verdict, format!("{base} where {verdict}")));
                        }
                    }
                    if def.population == Population::LinkWorkers {
                        v.push(own("over_safe_caseload", format!("{base} where over_safe_caseload")));
                    }
                    v
                }
            };
            json!({
                "code": coding(GROUP_SYSTEM, &g),
                "description": format!("{} ({})", g.replace('_', " "), def.unit),
                "population": population,
                "stratifier": stratifier,
            })
        })
        .collect();
    let kind = match def.population {
        Population::Outcomes | Population::Goals => "outcome",
        _ => "process",
    };
    json!({
        "resourceType": "Measure",
        "id": crate::fhir_id(&def.id),
        "url": measure_url(def),
        "version": def.version,
        "name": computable_name(&def.id),
        "title": def.title.get("en"),
        "_title": translations(&def.title),
        "status": "active",
        "experimental": false,
        "publisher": "Linkwork",
        "description": def.description.get("en"),
        "_description": translations(&def.description),
        "extension": [{
            "url": format!("{EXT}/indicator-consent"),
            "valueCode": match def.consent { ConsentNeeded::None => "none", ConsentNeeded::Evaluation => "evaluation" },
        }],
        "scoring": coding(MEASURE_SCORING, scoring(def)),
        "type": [coding(MEASURE_TYPE, kind)],
        "group": groups,
    })
}

fn masked() -> Json {
    json!({ "extension": [{ "url": DATA_ABSENT, "valueCode": "masked" }] })
}

/// A population with its count, or marked as withheld.
fn population(system: &str, code: &str, count: Option<u64>) -> Json {
    let mut p = json!({ "code": coding(system, code) });
    match count {
        Some(n) => p["count"] = json!(n),
        None => p["_count"] = masked(),
    }
    p
}

/// One group's populations and score from one cell's values.
fn scored(def: &IndicatorDef, group: &str, v: &Values, has_instrument: bool) -> Json {
    let pc = |code: &str, n: Option<u64>| population(MEASURE_POPULATION, code, n);
    let mut out = json!({});
    let score = |value: Option<f64>, unit: &str| -> Option<Json> {
        match value {
            Some(x) => {
                let mut q = json!({ "value": x, "unit": unit });
                if let Some(code) = unit_code(unit) {
                    q["system"] = json!(UCUM);
                    q["code"] = json!(code);
                }
                Some(q)
            }
            None if v.suppressed => Some(masked()),
            None => None,
        }
    };
    let (populations, measure_score) = match &def.aggregate {
        Aggregate::Count | Aggregate::Distribution { .. } | Aggregate::Stages { .. } => (vec![pc("initial-population", v.count)], None),
        Aggregate::Proportion { .. } => (
            vec![pc("initial-population", v.count), pc("denominator", v.count), pc("numerator", v.numerator)],
            score(v.percent, "percent"),
        ),
        Aggregate::Duration { .. } => {
            let x = if group == "median" { v.median } else { v.p90 };
            (vec![pc("measure-population", v.count)], score(x, &def.unit))
        }
        Aggregate::Mean { .. } => {
            let mut ps = vec![pc("measure-population", v.count)];
            if def.population == Population::Outcomes {
                ps.push(population(POPULATION_SYSTEM, "improved", v.improved));
                ps.push(population(POPULATION_SYSTEM, "no_change", v.no_change));
                ps.push(population(POPULATION_SYSTEM, "worse", v.worse));
            }
            if def.population == Population::LinkWorkers {
                ps.push(population(POPULATION_SYSTEM, "over_safe_caseload", v.numerator));
            }
            // A mean over several instruments' scales means nothing; only counts are given there.
            let s = if has_instrument { None } else { score(v.mean, &def.unit) };
            (ps, s)
        }
    };
    out["population"] = json!(populations);
    if let Some(s) = measure_score {
        out["measureScore"] = s;
    }
    let mut ext = vec![];
    if let (Some(lo), Some(hi)) = (v.ci_lower, v.ci_upper) {
        if !has_instrument {
            ext.push(json!({ "url": format!("{EXT}/confidence-interval-95"), "valueRange": { "low": { "value": lo }, "high": { "value": hi } } }));
        }
    }
    if let Some(r) = v.per_1000 {
        ext.push(json!({ "url": format!("{EXT}/rate-per-1000"), "valueDecimal": r }));
    }
    if !ext.is_empty() {
        out["extension"] = json!(ext);
    }
    out
}

/// The protected result as a FHIR R4 summary MeasureReport. `generated` is when it was made
/// (RFC 3339).
pub fn measure_report(def: &IndicatorDef, e: &Evaluation, generated: &str) -> Json {
    let dims = &e.dimensions;
    let stage_at = dims.iter().position(|d| d == "stage");
    let strat_at: Vec<usize> = (0..dims.len()).filter(|i| Some(*i) != stage_at).collect();
    let instrument_at = dims.iter().position(|d| d == "instrument");

    let mut groups = vec![];
    for g in group_codes(def) {
        // The cells of this group: a funnel's by their stage, the rest all of them.
        let cells: Vec<_> = e
            .cells
            .iter()
            .filter(|c| stage_at.is_none_or(|i| c.key[i].as_deref() == Some(g.as_str())))
            .collect();
        let mut group = json!({ "code": coding(GROUP_SYSTEM, &g) });
        // The group's own values: the cell with no breakdown value.
        if let Some(total) = cells.iter().find(|c| strat_at.iter().all(|i| c.key[*i].is_none())) {
            let s = scored(def, &g, &total.values, instrument_at.is_some());
            for (k, v) in s.as_object().into_iter().flatten() {
                group[k] = v.clone();
            }
        }
        // One stratifier per set of breakdowns the cells are keyed by, in the order they come.
        let mut sets: Vec<Vec<usize>> = vec![];
        for c in &cells {
            let set: Vec<usize> = strat_at.iter().copied().filter(|i| c.key[*i].is_some()).collect();
            if !set.is_empty() && !sets.contains(&set) {
                sets.push(set);
            }
        }
        sets.sort_by_key(|s| s.len());
        let stratifier: Vec<Json> = sets
            .iter()
            .map(|set| {
                let stratum: Vec<Json> = cells
                    .iter()
                    .filter(|c| strat_at.iter().all(|i| c.key[*i].is_some() == set.contains(i)))
                    .map(|c| {
                        let within_instrument = instrument_at.is_some_and(|i| !set.contains(&i));
                        let mut s = scored(def, &g, &c.values, within_instrument);
                        if let [i] = set[..] {
                            s["value"] = json!({ "text": c.key[i] });
                        } else {
                            s["component"] = json!(set
                                .iter()
                                .map(|i| json!({ "code": coding(DIMENSION_SYSTEM, &dims[*i]), "value": { "text": c.key[*i] } }))
                                .collect::<Vec<_>>());
                        }
                        s
                    })
                    .collect();
                json!({ "code": set.iter().map(|i| coding(DIMENSION_SYSTEM, &dims[*i])).collect::<Vec<_>>(), "stratum": stratum })
            })
            .collect();
        if !stratifier.is_empty() {
            group["stratifier"] = json!(stratifier);
        }
        groups.push(group);
    }
    let mut ext = vec![json!({ "url": format!("{EXT}/disclosure-rule"), "extension": [
        { "url": "suppress-max", "valueUnsignedInt": e.rule.suppress_max },
        { "url": "round-to", "valueUnsignedInt": e.rule.round_to },
    ] })];
    if dims.iter().any(|d| d == "period") {
        ext.push(json!({ "url": format!("{EXT}/period-granularity"), "valueCode": e.granularity.as_str() }));
    }
    for x in &e.excluded {
        let count = match x.count {
            Some(n) => json!({ "url": "count", "valueUnsignedInt": n }),
            None => json!({ "url": "count", "extension": [{ "url": DATA_ABSENT, "valueCode": "masked" }] }),
        };
        ext.push(json!({ "url": format!("{EXT}/excluded"), "extension": [{ "url": "reason", "valueCode": x.reason }, count] }));
    }
    json!({
        "resourceType": "MeasureReport",
        "extension": ext,
        "status": "complete",
        "type": "summary",
        "measure": format!("{}|{}", measure_url(def), def.version),
        "date": generated,
        "period": { "start": e.from.to_string(), "end": e.to.to_string() },
        "group": groups,
    })
}
