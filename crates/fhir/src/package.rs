//! A programme's published indicator results as one package, and a regional observatory's
//! reading of one.
//!
//! The package is a FHIR R4 `Bundle` of type `collection`: the programme (an `Organization` with
//! an identifier in [`PROGRAMME_SYSTEM`]), the `Measure` of every indicator version it reports,
//! and one summary `MeasureReport` per indicator for the period (by month where the indicator
//! allows it), each already through the publisher's disclosure control. The Bundle's
//! `identifier` is its content hash: SHA-256 of the Bundle without `identifier`, written as JSON
//! with object keys sorted and no whitespace, in lower-case hex. A Bundle has no extensions; a
//! content-derived identifier is what FHIR gives for naming one.
//!
//! Reading a package back checks, and refuses with every reason and where it is: a hash that
//! does not match (changed after publishing), an indicator version the reader does not know,
//! and a count of people from 1 to the reader's suppression limit (a small cell the publisher
//! should have withheld), so nothing a region keeps could identify anyone. (Counts of link
//! workers, in the caseload indicator, are of staff, and services, in the directory's health, are
//! not people: they go out as the engine gives them.)

use linkwork_domain::observatory::disclosure::DisclosureRule;
use linkwork_domain::observatory::region::{PublishedGroup, PublishedResult};
use linkwork_domain::observatory::{Evaluation, IndicatorDef};
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

use crate::measure::{measure, measure_report, measure_url, MEASURE_BASE};

/// The system of a package's content hash (its Bundle identifier).
pub const HASH_SYSTEM: &str = "http://linkwork.example/fhir/package-sha256";
/// The system of programmes' identifiers.
pub const PROGRAMME_SYSTEM: &str = "http://linkwork.example/fhir/programme";

/// Who publishes: a social prescribing programme.
#[derive(Clone, Debug, PartialEq)]
pub struct Programme {
    pub id: String,
    pub name: String,
}

/// The package of `results` (each with the definition it was evaluated from), made at
/// `generated` (RFC 3339).
pub fn package(programme: &Programme, results: &[(&IndicatorDef, &Evaluation)], generated: &str) -> Json {
    let org_url = format!("urn:uuid:{}", linkwork_domain::id::Id::new());
    let mut entry = vec![json!({
        "fullUrl": org_url,
        "resource": {
            "resourceType": "Organization",
            "identifier": [{ "system": PROGRAMME_SYSTEM, "value": programme.id }],
            "name": programme.name,
        },
    })];
    for (def, _) in results {
        entry.push(json!({ "fullUrl": measure_url(def), "resource": measure(def) }));
    }
    for (def, e) in results {
        let mut r = measure_report(def, e, generated);
        r["reporter"] = json!({ "reference": org_url, "display": programme.name });
        entry.push(json!({ "fullUrl": format!("urn:uuid:{}", linkwork_domain::id::Id::new()), "resource": r }));
    }
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": generated,
        "entry": entry,
    });
    let hash = content_hash(&bundle);
    bundle["identifier"] = json!({ "system": HASH_SYSTEM, "value": hash });
    bundle
}

/// SHA-256 of the Bundle without its identifier, as sorted-key JSON without whitespace.
pub fn content_hash(bundle: &Json) -> String {
    let mut without = bundle.clone();
    if let Some(m) = without.as_object_mut() {
        m.remove("identifier");
    }
    let mut text = String::new();
    canonical(&without, &mut text);
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn canonical(v: &Json, out: &mut String) {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Json::String(k.clone()).to_string());
                out.push(':');
                canonical(&m[k], out);
            }
            out.push('}');
        }
        Json::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A package as a regional observatory keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    pub programme: Programme,
    /// The period every report covers (YYYY-MM-DD).
    pub from: String,
    pub to: String,
    /// When it was made (the Bundle's timestamp).
    pub published: String,
    pub content_hash: String,
    pub results: Vec<PublishedResult>,
}

/// Something wrong with a package: where (a path into the Bundle) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub at: String,
    pub message: String,
}

fn problem(at: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { at: at.into(), message: message.into() }
}

/// Checks a package against the indicators this observatory knows and its disclosure rule.
pub fn check(bundle: &Json, known: &[IndicatorDef], rule: DisclosureRule) -> Result<Package, Vec<Problem>> {
    if bundle["resourceType"] != "Bundle" || bundle["type"] != "collection" {
        return Err(vec![problem(
            "resourceType",
            "not an observatory package: expected a FHIR Bundle of type collection, as `linkwork observatory publish` writes",
        )]);
    }
    let given = bundle["identifier"]["value"].as_str().unwrap_or_default();
    if bundle["identifier"]["system"] != HASH_SYSTEM || given.is_empty() {
        return Err(vec![problem("identifier", format!("the package has no content hash (an identifier in {HASH_SYSTEM})"))]);
    }
    let hash = content_hash(bundle);
    if given != hash {
        return Err(vec![problem(
            "identifier.value",
            format!("the content hash is {given}, but the content hashes to {hash}: the package was changed after it was published, or damaged; ask the programme for it as published"),
        )]);
    }
    let mut p = vec![];
    let entries = bundle["entry"].as_array().map(Vec::as_slice).unwrap_or_default();
    let mut programme = None;
    let mut measures: Vec<String> = vec![];
    let mut period: Option<(String, String, usize)> = None;
    let mut results = vec![];
    for (i, e) in entries.iter().enumerate() {
        let r = &e["resource"];
        let at = |path: &str| format!("entry[{i}].resource{path}");
        match r["resourceType"].as_str().unwrap_or_default() {
            "Organization" => {
                let id = r["identifier"].as_array().into_iter().flatten().find(|x| x["system"] == PROGRAMME_SYSTEM);
                match (id.and_then(|x| x["value"].as_str()), r["name"].as_str()) {
                    (Some(id), Some(name)) if !id.trim().is_empty() && !name.trim().is_empty() => {
                        if programme.is_some() {
                            p.push(problem(at(""), "a second programme: a package is one programme's"));
                        }
                        programme = Some(Programme { id: id.to_string(), name: name.to_string() });
                    }
                    _ => p.push(problem(at(".identifier"), format!("the programme needs a name and an identifier in {PROGRAMME_SYSTEM}"))),
                }
            }
            "Measure" => {
                let url = r["url"].as_str().unwrap_or_default();
                let version = r["version"].as_str().unwrap_or_default();
                if let Err(m) = known_version(known, url, version) {
                    p.push(problem(at(".version"), m));
                }
                measures.push(format!("{url}|{version}"));
            }
            "MeasureReport" => {
                let canonical = r["measure"].as_str().unwrap_or_default();
                let (url, version) = canonical.split_once('|').unwrap_or((canonical, ""));
                let def = match known_version(known, url, version) {
                    Ok(d) => d,
                    Err(m) => {
                        p.push(problem(at(".measure"), m));
                        continue;
                    }
                };
                if !measures.iter().any(|m| m == canonical) {
                    p.push(problem(at(".measure"), format!("{canonical}: the Measure it reports on is not in the package (it must come before its reports)")));
                }
                let (from, to) = (r["period"]["start"].as_str().unwrap_or_default(), r["period"]["end"].as_str().unwrap_or_default());
                match &period {
                    None => period = Some((from.to_string(), to.to_string(), i)),
                    Some((f, t, j)) if (f.as_str(), t.as_str()) != (from, to) => p.push(problem(
                        at(".period"),
                        format!("{from} to {to}, but entry[{j}] covers {f} to {t}: a package covers one period"),
                    )),
                    _ => {}
                }
                // A caseload report counts link workers (staff) and the directory's health counts
                // services, which the engine publishes as they are; every other count is of
                // people served.
                if def.population.counts_people() {
                    small_cells(r, &at(""), &def.id, rule, &mut p);
                }
                results.push(published(def, r));
            }
            other => p.push(problem(at(".resourceType"), format!("{other:?} does not belong in an observatory package"))),
        }
    }
    if programme.is_none() && !p.iter().any(|x| x.at.ends_with(".identifier")) {
        p.push(problem("entry", format!("the package names no programme (an Organization with an identifier in {PROGRAMME_SYSTEM})")));
    }
    if results.is_empty() && p.is_empty() {
        p.push(problem("entry", "the package has no MeasureReport: nothing was published"));
    }
    let Some((from, to, _)) = period else { return Err(p) };
    if !p.is_empty() {
        return Err(p);
    }
    Ok(Package {
        programme: programme.expect("checked above"),
        from,
        to,
        published: bundle["timestamp"].as_str().unwrap_or_default().to_string(),
        content_hash: hash,
        results,
    })
}

fn known_version<'a>(known: &'a [IndicatorDef], url: &str, version: &str) -> Result<&'a IndicatorDef, String> {
    let id = url.strip_prefix(MEASURE_BASE).and_then(|r| r.strip_prefix('/')).unwrap_or_default();
    let Some(def) = known.iter().find(|d| d.id == id) else {
        return Err(format!("{url}: not an indicator this observatory knows"));
    };
    if def.version != version {
        return Err(format!(
            "{} version {version:?} is not a version this observatory knows (it has {}); ask for a package made with version {}, or load that version here",
            def.id, def.version, def.version
        ));
    }
    Ok(def)
}

/// Every count in a report (groups, strata, people left out) from 1 to the rule's limit.
fn small_cells(r: &Json, at: &str, indicator: &str, rule: DisclosureRule, p: &mut Vec<Problem>) {
    let mut check = |n: &Json, path: String, what: String| {
        if let Some(n) = n.as_u64() {
            if (1..=rule.suppress_max).contains(&n) {
                p.push(problem(
                    path,
                    format!(
                        "{indicator}, {what}: a count of {n} is a small cell; counts from 1 to {} must be withheld before publishing (Linkwork's publish does so)",
                        rule.suppress_max
                    ),
                ));
            }
        }
    };
    let list = |v: &Json| v.as_array().cloned().unwrap_or_default();
    for (g, group) in list(&r["group"]).iter().enumerate() {
        let code = group["code"]["coding"][0]["code"].as_str().unwrap_or("?").to_string();
        for (k, pop) in list(&group["population"]).iter().enumerate() {
            check(&pop["count"], format!("{at}.group[{g}].population[{k}].count"), format!("group {code}"));
        }
        for (s, strat) in list(&group["stratifier"]).iter().enumerate() {
            for (t, stratum) in list(&strat["stratum"]).iter().enumerate() {
                let value = stratum["value"]["text"].as_str().map(str::to_string).unwrap_or_else(|| {
                    list(&stratum["component"]).iter().filter_map(|c| c["value"]["text"].as_str()).collect::<Vec<_>>().join(" × ")
                });
                for (k, pop) in list(&stratum["population"]).iter().enumerate() {
                    check(
                        &pop["count"],
                        format!("{at}.group[{g}].stratifier[{s}].stratum[{t}].population[{k}].count"),
                        format!("group {code}, stratum {value}"),
                    );
                }
            }
        }
    }
    for (x, ext) in list(&r["extension"]).iter().enumerate() {
        for (y, part) in list(&ext["extension"]).iter().enumerate() {
            if part["url"] == "count" {
                check(&part["valueUnsignedInt"], format!("{at}.extension[{x}].extension[{y}].valueUnsignedInt"), "people left out".into());
            }
        }
    }
}

/// The report's own figures (its groups, not its strata), as the region compares them.
fn published(def: &IndicatorDef, r: &Json) -> PublishedResult {
    let list = |v: &Json| v.as_array().cloned().unwrap_or_default();
    let groups = list(&r["group"])
        .iter()
        .map(|g| PublishedGroup {
            code: g["code"]["coding"][0]["code"].as_str().unwrap_or_default().to_string(),
            populations: list(&g["population"])
                .iter()
                .map(|p| (p["code"]["coding"][0]["code"].as_str().unwrap_or_default().to_string(), p["count"].as_u64()))
                .collect(),
            score: g["measureScore"]["value"].as_f64(),
            score_masked: g["measureScore"]["extension"][0]["valueCode"] == "masked",
        })
        .collect();
    PublishedResult { indicator: def.id.clone(), version: def.version.clone(), scoring: crate::measure::scoring(def).into(), groups }
}

/// The results of a package already checked and kept (read again, without the checks, so that a
/// package imported under one rule still reads after the rule changes).
pub fn results(bundle: &Json, known: &[IndicatorDef]) -> Vec<PublishedResult> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == "MeasureReport")
        .filter_map(|r| {
            let canonical = r["measure"].as_str()?;
            let (url, version) = canonical.split_once('|')?;
            known_version(known, url, version).ok().map(|d| published(d, r))
        })
        .collect()
}
