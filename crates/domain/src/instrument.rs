//! Screening and outcome instruments as data: a FHIR R4 Questionnaire with declarative scoring
//! rules beside it, loaded without a code change. The rules say how items add up (a sum, or a
//! sum converted by a lookup table), how a score is banded, when a score or a domain screens
//! positive, which SDOH category and need a positive domain proposes, and which way and by how
//! much a change counts as better or worse.
//!
//! A definition is checked in full when it is parsed: every reason it cannot be used is reported
//! with its path ("scoring.scores[0].items[2]: 'q9' is not an item of the questionnaire"), so a
//! broken definition is refused before anyone answers it.
//!
//! Scoring is pure: answers in, scores and positive domains out. Partial answers score what they
//! can; a score whose items are not all answered is left out and says which items are missing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::pathway::needs;

/// The FHIR extension that gives an answer option its numeric value.
pub const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
/// The older extension some publishers use for the same.
pub const ITEM_WEIGHT: &str = "http://hl7.org/fhir/StructureDefinition/itemWeight";

/// A choice an item offers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnswerOption {
    pub system: Option<String>,
    pub code: String,
    pub display: String,
    /// The option's numeric value for scoring (ordinalValue), if it has one.
    pub value: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemKind {
    /// One option (or several when `repeats`).
    Choice { options: Vec<AnswerOption>, repeats: bool },
    Integer { min: Option<i64>, max: Option<i64> },
    Decimal,
    Boolean,
    String,
    /// Text shown between questions; never answered.
    Display,
}

/// One question.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub link_id: String,
    pub text: String,
    pub code: Option<Coding>,
    pub required: bool,
    pub kind: ItemKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    pub system: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A band a score falls in ("low", "high"), inclusive at both ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: f64,
    pub max: f64,
    /// A short code ("low"), which pages translate.
    pub code: String,
    pub display: String,
}

/// When a score screens positive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more_than: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<f64>,
}

impl Threshold {
    pub fn met(&self, v: f64) -> bool {
        self.at_least.is_none_or(|t| v >= t) && self.more_than.is_none_or(|t| v > t) && self.at_most.is_none_or(|t| v <= t)
    }
    fn is_empty(&self) -> bool {
        self.at_least.is_none() && self.more_than.is_none() && self.at_most.is_none()
    }
}

/// Which way is better, for outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// How a score is computed from items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRule {
    pub id: String,
    pub display: String,
    /// The Observation code the score is exported with.
    pub code: Coding,
    pub items: Vec<String>,
    /// Converts the raw sum: raw (as written, "7") → score. Every possible raw sum must be in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup: Option<BTreeMap<String, f64>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<Band>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive_if: Option<Threshold>,
    /// For outcomes: which way is better, and the smallest change that counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub better: Option<Better>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaningful_change: Option<f64>,
}

/// When a domain (housing, food…) screens positive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum DomainTest {
    /// Any of `items` answered with any of `codes`.
    AnyAnswer { items: Vec<String>, codes: Vec<String> },
    /// A score screens positive by its own `positive_if`.
    Score { score: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainRule {
    pub id: String,
    pub display: String,
    /// The Gravity Project SDOH category a positive screen proposes (food-insecurity…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdoh_category: Option<String>,
    /// The needs code proposed on the person's record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<String>,
    pub positive_if: DomainTest,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    #[serde(default)]
    pub scores: Vec<ScoreRule>,
    #[serde(default)]
    pub domains: Vec<DomainRule>,
    /// Screening (proposes needs) or outcome (measured over time), or both.
    #[serde(default)]
    pub purpose: Vec<Purpose>,
    /// Who owns it and under what terms ("Free to use", "Licensed by Warwick Medical School").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Screening,
    Outcome,
}

/// A checked instrument: its questionnaire and its rules.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instrument {
    /// The Questionnaire's canonical URL: the instrument's identity.
    pub url: String,
    pub version: String,
    pub name: String,
    pub title: String,
    pub items: Vec<Item>,
    pub scoring: Scoring,
    /// The Questionnaire as loaded, for export.
    #[serde(skip)]
    pub questionnaire: Json,
}

/// Why a definition cannot be used: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DefinitionError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

struct Problems(Vec<DefinitionError>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(DefinitionError { path: path.into(), message: message.into() });
    }
}

fn s<'a>(o: &'a Map<String, Json>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Json::as_str)
}

fn option_value(o: &Map<String, Json>) -> Option<f64> {
    o.get("extension").and_then(Json::as_array).and_then(|exts| {
        exts.iter().find_map(|e| {
            let url = e.get("url").and_then(Json::as_str)?;
            if url == ORDINAL_VALUE || url == ITEM_WEIGHT {
                e.get("valueDecimal").or_else(|| e.get("valueInteger")).and_then(Json::as_f64)
            } else {
                None
            }
        })
    })
}

fn parse_items(p: &mut Problems, path: &str, items: &[Json], out: &mut Vec<Item>) {
    for (i, it) in items.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(o) = it.as_object() else {
            p.add(at, "is not an object");
            continue;
        };
        let Some(link_id) = s(o, "linkId").filter(|l| !l.trim().is_empty()) else {
            p.add(format!("{at}.linkId"), "is missing: every item needs a linkId");
            continue;
        };
        let text = s(o, "text").unwrap_or_default().to_string();
        let ty = s(o, "type").unwrap_or_default();
        let code = o.get("code").and_then(Json::as_array).and_then(|c| c.first()).and_then(|c| serde_json::from_value::<Coding>(c.clone()).ok());
        let kind = match ty {
            "group" => {
                if let Some(children) = o.get("item").and_then(Json::as_array) {
                    parse_items(p, &format!("{at}.item"), children, out);
                } else {
                    p.add(format!("{at}.item"), "a group needs items");
                }
                continue;
            }
            "display" => ItemKind::Display,
            "choice" | "coding" => {
                let mut options = vec![];
                for (j, opt) in o.get("answerOption").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                    let opath = format!("{at}.answerOption[{j}]");
                    let Some(oo) = opt.as_object() else {
                        p.add(opath, "is not an object");
                        continue;
                    };
                    match oo.get("valueCoding").and_then(Json::as_object) {
                        Some(c) if s(c, "code").is_some() => options.push(AnswerOption {
                            system: s(c, "system").map(str::to_string),
                            code: s(c, "code").unwrap_or_default().to_string(),
                            display: s(c, "display").unwrap_or_default().to_string(),
                            value: option_value(oo),
                        }),
                        _ => p.add(format!("{opath}.valueCoding"), "is missing or has no code: options are codings"),
                    }
                }
                if options.is_empty() {
                    p.add(format!("{at}.answerOption"), format!("item '{link_id}' is a choice with no options"));
                }
                let mut seen = BTreeSet::new();
                for o2 in &options {
                    if !seen.insert(o2.code.clone()) {
                        p.add(format!("{at}.answerOption"), format!("the code '{}' is offered twice", o2.code));
                    }
                }
                ItemKind::Choice { options, repeats: o.get("repeats").and_then(Json::as_bool).unwrap_or(false) }
            }
            "integer" => {
                let bound = |url_end: &str| {
                    o.get("extension").and_then(Json::as_array).and_then(|e| {
                        e.iter().find(|x| x.get("url").and_then(Json::as_str).is_some_and(|u| u.ends_with(url_end))).and_then(|x| x.get("valueInteger")).and_then(Json::as_i64)
                    })
                };
                ItemKind::Integer { min: bound("minValue"), max: bound("maxValue") }
            }
            "decimal" => ItemKind::Decimal,
            "boolean" => ItemKind::Boolean,
            "string" | "text" => ItemKind::String,
            other => {
                p.add(format!("{at}.type"), format!("'{other}' is not an item type Linkwork can ask (use choice, integer, decimal, boolean, string, text, display or group)"));
                continue;
            }
        };
        if out.iter().any(|x| x.link_id == link_id) {
            p.add(format!("{at}.linkId"), format!("'{link_id}' is used by two items"));
        }
        out.push(Item { link_id: link_id.to_string(), text, code, required: o.get("required").and_then(Json::as_bool).unwrap_or(false), kind });
    }
}

/// The values an item's answers can take, for checking lookup tables: None when unbounded.
fn item_range(item: &Item) -> Option<(f64, f64)> {
    match &item.kind {
        ItemKind::Choice { options, repeats: false } => {
            let vals: Vec<f64> = options.iter().filter_map(|o| o.value).collect();
            if vals.len() != options.len() {
                return None;
            }
            Some((vals.iter().cloned().fold(f64::INFINITY, f64::min), vals.iter().cloned().fold(f64::NEG_INFINITY, f64::max)))
        }
        ItemKind::Integer { min: Some(a), max: Some(b) } => Some((*a as f64, *b as f64)),
        _ => None,
    }
}

impl Instrument {
    /// Parses and checks a definition: `{"questionnaire": {FHIR R4 Questionnaire}, "scoring":
    /// {…}}`. Every problem found is returned, with its path.
    pub fn parse(def: &Json) -> Result<Instrument, Vec<DefinitionError>> {
        let mut p = Problems(vec![]);
        let Some(root) = def.as_object() else {
            return Err(vec![DefinitionError { path: "$".into(), message: "a definition is a JSON object with 'questionnaire' and 'scoring'".into() }]);
        };
        for k in root.keys() {
            if k != "questionnaire" && k != "scoring" {
                p.add(k.clone(), "is not part of a definition (use 'questionnaire' and 'scoring')");
            }
        }
        let q = root.get("questionnaire").and_then(Json::as_object);
        let Some(q) = q else {
            p.add("questionnaire", "is missing: give the FHIR R4 Questionnaire");
            return Err(p.0);
        };
        if s(q, "resourceType") != Some("Questionnaire") {
            p.add("questionnaire.resourceType", "must be 'Questionnaire'");
        }
        let url = s(q, "url").unwrap_or_default().to_string();
        if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with("urn:")) {
            p.add("questionnaire.url", "is required: the canonical URL that identifies the instrument");
        }
        let version = s(q, "version").unwrap_or("1").to_string();
        let name = s(q, "name").unwrap_or_default().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            p.add("questionnaire.name", "is required: a computer-friendly name (letters, digits, _), such as UCLA3");
        }
        let title = s(q, "title").unwrap_or(&name).to_string();
        if let Some(status) = s(q, "status") {
            if !["draft", "active", "retired", "unknown"].contains(&status) {
                p.add("questionnaire.status", format!("'{status}' is not a publication status"));
            }
        } else {
            p.add("questionnaire.status", "is required by FHIR (draft, active, retired or unknown)");
        }
        let mut items = vec![];
        match q.get("item").and_then(Json::as_array) {
            Some(list) if !list.is_empty() => parse_items(&mut p, "questionnaire.item", list, &mut items),
            _ => p.add("questionnaire.item", "has no questions"),
        }
        let scoring: Scoring = match root.get("scoring") {
            None => {
                p.add("scoring", "is missing: say how the answers are scored (it may be empty: {})");
                Scoring::default()
            }
            Some(v) => match serde_json::from_value(v.clone()) {
                Ok(sc) => sc,
                Err(e) => {
                    p.add("scoring", format!("{e}"));
                    Scoring::default()
                }
            },
        };
        let by_id: BTreeMap<&str, &Item> = items.iter().map(|i| (i.link_id.as_str(), i)).collect();
        let mut score_ids = BTreeSet::new();
        for (i, r) in scoring.scores.iter().enumerate() {
            let at = format!("scoring.scores[{i}]");
            if !score_ids.insert(r.id.as_str()) {
                p.add(format!("{at}.id"), format!("'{}' names two scores", r.id));
            }
            if r.items.is_empty() {
                p.add(format!("{at}.items"), "a score needs at least one item");
            }
            let mut lo = 0.0;
            let mut hi = 0.0;
            let mut bounded = true;
            for (j, link) in r.items.iter().enumerate() {
                match by_id.get(link.as_str()) {
                    None => p.add(format!("{at}.items[{j}]"), format!("'{link}' is not an item of the questionnaire")),
                    Some(item) => match &item.kind {
                        ItemKind::Choice { options, .. } if options.iter().any(|o| o.value.is_none()) => {
                            p.add(format!("{at}.items[{j}]"), format!("item '{link}' has options without a value (ordinalValue), so it cannot be added up"))
                        }
                        ItemKind::Choice { .. } | ItemKind::Integer { .. } | ItemKind::Decimal => match item_range(item) {
                            Some((a, b)) => {
                                lo += a;
                                hi += b;
                            }
                            None => bounded = false,
                        },
                        _ => p.add(format!("{at}.items[{j}]"), format!("item '{link}' is not a number or a scored choice")),
                    },
                }
            }
            if let Some(table) = &r.lookup {
                for k in table.keys() {
                    if k.parse::<i64>().is_err() {
                        p.add(format!("{at}.lookup"), format!("'{k}' is not a whole raw score"));
                    }
                }
                if bounded {
                    for raw in (lo as i64)..=(hi as i64) {
                        if !table.contains_key(&raw.to_string()) {
                            p.add(format!("{at}.lookup"), format!("has no value for the raw score {raw} (raw scores run from {lo} to {hi})"));
                        }
                    }
                }
            }
            let mut bands = r.bands.clone();
            bands.sort_by(|a, b| a.min.total_cmp(&b.min));
            for (k, b) in bands.iter().enumerate() {
                if b.min > b.max {
                    p.add(format!("{at}.bands"), format!("the band '{}' runs from {} down to {}", b.code, b.min, b.max));
                }
                if k > 0 && b.min <= bands[k - 1].max {
                    p.add(format!("{at}.bands"), format!("the bands '{}' and '{}' overlap", bands[k - 1].code, b.code));
                }
            }
            if r.positive_if.as_ref().is_some_and(Threshold::is_empty) {
                p.add(format!("{at}.positive_if"), "says nothing: give at_least, more_than or at_most");
            }
            if r.meaningful_change.is_some() && r.better.is_none() {
                p.add(format!("{at}.better"), "is needed with meaningful_change: say whether higher or lower is better");
            }
            if r.meaningful_change.is_some_and(|m| m <= 0.0) {
                p.add(format!("{at}.meaningful_change"), "must be more than 0");
            }
        }
        for (i, d) in scoring.domains.iter().enumerate() {
            let at = format!("scoring.domains[{i}]");
            if let Some(n) = &d.need {
                if needs::need(n).is_none() {
                    p.add(format!("{at}.need"), format!("'{n}' is not a needs code"));
                }
            }
            match &d.positive_if {
                DomainTest::AnyAnswer { items: links, codes } => {
                    if codes.is_empty() {
                        p.add(format!("{at}.positive_if.any_answer.codes"), "lists no answers");
                    }
                    let mut offered = BTreeSet::new();
                    for (j, link) in links.iter().enumerate() {
                        match by_id.get(link.as_str()).map(|i| &i.kind) {
                            Some(ItemKind::Choice { options, .. }) => offered.extend(options.iter().map(|o| o.code.as_str())),
                            Some(_) => p.add(format!("{at}.positive_if.any_answer.items[{j}]"), format!("item '{link}' is not a choice")),
                            None => p.add(format!("{at}.positive_if.any_answer.items[{j}]"), format!("'{link}' is not an item of the questionnaire")),
                        }
                    }
                    for c in codes {
                        if !offered.contains(c.as_str()) {
                            p.add(format!("{at}.positive_if.any_answer.codes"), format!("'{c}' is not an answer of any of its items"));
                        }
                    }
                }
                DomainTest::Score { score } => match scoring.scores.iter().find(|r| &r.id == score) {
                    None => p.add(format!("{at}.positive_if.score"), format!("'{score}' is not one of the scores")),
                    Some(r) if r.positive_if.is_none() => p.add(format!("{at}.positive_if.score"), format!("the score '{score}' has no positive_if")),
                    _ => {}
                },
            }
        }
        if scoring.scores.is_empty() && scoring.domains.is_empty() {
            p.add("scoring", "has no scores and no domains: nothing would come of the answers");
        }
        // Duplicate error messages (one per code) read badly: keep each once.
        p.0.dedup();
        if !p.0.is_empty() {
            return Err(p.0);
        }
        Ok(Instrument { url, version, name, title, items, scoring, questionnaire: Json::Object(q.clone()) })
    }

    pub fn item(&self, link_id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.link_id == link_id)
    }
}

/// One answer, as the person gave it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// Choice codes (one, or several for a repeating choice).
    Codes(Vec<String>),
    Number(f64),
    Bool(bool),
    Text(String),
}

/// Answers by linkId.
pub type Answers = BTreeMap<String, Answer>;

/// A problem with an answer: which item and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnswerError {
    pub link_id: String,
    pub message: String,
}

/// Checks answers against the questionnaire: unknown items, options it does not offer, numbers
/// out of range. Missing answers are fine (partial answers are saved).
pub fn check_answers(ins: &Instrument, answers: &Answers) -> Vec<AnswerError> {
    let mut out = vec![];
    let mut err = |l: &str, m: String| out.push(AnswerError { link_id: l.to_string(), message: m });
    for (link, a) in answers {
        let Some(item) = ins.item(link) else {
            err(link, format!("'{link}' is not a question of {}", ins.title));
            continue;
        };
        match (&item.kind, a) {
            (ItemKind::Choice { options, repeats }, Answer::Codes(codes)) => {
                if codes.len() > 1 && !repeats {
                    err(link, "takes one answer".into());
                }
                for c in codes {
                    if !options.iter().any(|o| &o.code == c) {
                        err(link, format!("'{c}' is not one of its answers"));
                    }
                }
            }
            (ItemKind::Integer { min, max }, Answer::Number(n)) => {
                if n.fract() != 0.0 {
                    err(link, format!("{n} is not a whole number"));
                } else if min.is_some_and(|m| (*n as i64) < m) || max.is_some_and(|m| (*n as i64) > m) {
                    err(link, format!("{n} is outside {} to {}", min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX)));
                }
            }
            (ItemKind::Decimal, Answer::Number(_)) | (ItemKind::Boolean, Answer::Bool(_)) | (ItemKind::String, Answer::Text(_)) => {}
            (ItemKind::Display, _) => err(link, "is text to read, not a question".into()),
            _ => err(link, "has an answer of the wrong kind".into()),
        }
    }
    out
}

/// A computed score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreValue {
    pub id: String,
    pub display: String,
    pub code: Coding,
    /// The sum of the items' values.
    pub raw: f64,
    /// The score: the raw sum, or its conversion by the lookup table.
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive: Option<bool>,
}

/// A domain's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DomainResult {
    pub id: String,
    pub display: String,
    pub positive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdoh_category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need: Option<String>,
}

/// What the answers come to.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Scored {
    pub scores: Vec<ScoreValue>,
    pub domains: Vec<DomainResult>,
    /// Required questions not yet answered.
    pub unanswered: Vec<String>,
    /// Scores that could not be computed, with the items they still need.
    pub incomplete: Vec<(String, Vec<String>)>,
}

fn item_value(item: &Item, a: &Answer) -> Option<f64> {
    match (&item.kind, a) {
        (ItemKind::Choice { options, .. }, Answer::Codes(codes)) => {
            let vals: Vec<f64> = codes.iter().filter_map(|c| options.iter().find(|o| &o.code == c).and_then(|o| o.value)).collect();
            if vals.is_empty() { None } else { Some(vals.iter().sum()) }
        }
        (_, Answer::Number(n)) => Some(*n),
        _ => None,
    }
}

/// Scores the answers: every score whose items are all answered, every domain that can be
/// decided. Answers should have been checked with [`check_answers`].
pub fn score(ins: &Instrument, answers: &Answers) -> Scored {
    let mut out = Scored::default();
    for item in &ins.items {
        if item.required && !matches!(item.kind, ItemKind::Display) && !answers.contains_key(&item.link_id) {
            out.unanswered.push(item.link_id.clone());
        }
    }
    for r in &ins.scoring.scores {
        let missing: Vec<String> = r.items.iter().filter(|l| !answers.contains_key(*l)).cloned().collect();
        if !missing.is_empty() {
            out.incomplete.push((r.id.clone(), missing));
            continue;
        }
        let vals: Option<Vec<f64>> = r.items.iter().map(|l| ins.item(l).and_then(|i| item_value(i, &answers[l]))).collect();
        let Some(vals) = vals else {
            out.incomplete.push((r.id.clone(), vec![]));
            continue;
        };
        let raw: f64 = vals.iter().sum();
        let value = match &r.lookup {
            Some(t) => match t.get(&format!("{}", raw.round() as i64)) {
                Some(v) => *v,
                None => {
                    out.incomplete.push((r.id.clone(), vec![]));
                    continue;
                }
            },
            None => raw,
        };
        let band = r.bands.iter().find(|b| value >= b.min && value <= b.max).cloned();
        let positive = r.positive_if.as_ref().map(|t| t.met(value));
        out.scores.push(ScoreValue { id: r.id.clone(), display: r.display.clone(), code: r.code.clone(), raw, value, band, positive });
    }
    for d in &ins.scoring.domains {
        let positive = match &d.positive_if {
            DomainTest::AnyAnswer { items, codes } => {
                let answered: Vec<&Answer> = items.iter().filter_map(|l| answers.get(l)).collect();
                if answered.is_empty() {
                    continue;
                }
                answered.iter().any(|a| matches!(a, Answer::Codes(cs) if cs.iter().any(|c| codes.contains(c))))
            }
            DomainTest::Score { score } => match out.scores.iter().find(|s| &s.id == score).and_then(|s| s.positive) {
                Some(p) => p,
                None => continue,
            },
        };
        out.domains.push(DomainResult { id: d.id.clone(), display: d.display.clone(), positive, sdoh_category: d.sdoh_category.clone(), need: d.need.clone() });
    }
    out
}

/// How a score moved between two measurements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Improved,
    NoChange,
    Worse,
}

/// Compares a follow-up score with the baseline by the rule's direction and threshold
/// (`threshold` overrides the rule's `meaningful_change`, for deployments that set their own).
/// None when the rule has no direction.
pub fn change(rule: &ScoreRule, baseline: f64, follow_up: f64, threshold: Option<f64>) -> Option<Change> {
    let better = rule.better?;
    let t = threshold.or(rule.meaningful_change).unwrap_or(f64::EPSILON);
    let d = match better {
        Better::Higher => follow_up - baseline,
        Better::Lower => baseline - follow_up,
    };
    Some(if d >= t - 1e-9 {
        Change::Improved
    } else if d <= -t + 1e-9 {
        Change::Worse
    } else {
        Change::NoChange
    })
}

/// What a deployment sets about outcomes in its configuration file: the change in a score that
/// counts as meaningful, in place of the instrument's own `meaningful_change`, by instrument name
/// and score id:
///
/// ```toml
/// [outcomes.meaningful_change.SWEMWBS]
/// metric = 2.0
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeSettings {
    pub meaningful_change: BTreeMap<String, BTreeMap<String, f64>>,
}

impl OutcomeSettings {
    /// Every threshold that is not a positive number, with where it is.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let problems: Vec<String> = self
            .meaningful_change
            .iter()
            .flat_map(|(ins, scores)| scores.iter().map(move |(score, t)| (ins, score, *t)))
            .filter(|(_, _, t)| !(t.is_finite() && *t > 0.0))
            .map(|(ins, score, t)| format!("outcomes.meaningful_change.{ins}.{score}: {t} is not a change; give a number above 0"))
            .collect();
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// The configured threshold for a score, if any.
    pub fn threshold(&self, instrument: &str, score_id: &str) -> Option<f64> {
        self.meaningful_change.get(instrument)?.get(score_id).copied()
    }
}

/// The instruments Linkwork ships, free to use: (file name, definition).
pub const BUILT_IN: [(&str, &str); 6] = [
    ("ahc-hrsn-core.json", include_str!("../instruments/ahc-hrsn-core.json")),
    ("hunger-vital-sign.json", include_str!("../instruments/hunger-vital-sign.json")),
    ("ucla-3.json", include_str!("../instruments/ucla-3.json")),
    ("ons4.json", include_str!("../instruments/ons4.json")),
    ("phq-2.json", include_str!("../instruments/phq-2.json")),
    ("gad-2.json", include_str!("../instruments/gad-2.json")),
];

/// SWEMWBS, for organisations that hold its licence to load (`linkwork instrument load`).
pub const SWEMWBS: &str = include_str!("../instruments/licensed/swemwbs.json");

/// The built-in instruments, parsed.
pub fn built_in() -> Vec<Instrument> {
    BUILT_IN.iter().map(|(f, src)| Instrument::parse(&serde_json::from_str(src).unwrap_or_else(|e| panic!("{f}: {e}"))).unwrap_or_else(|e| panic!("{f}: {e:?}"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn by_name(name: &str) -> Instrument {
        built_in().into_iter().find(|i| i.name == name).unwrap_or_else(|| panic!("{name} is built in"))
    }

    fn codes(pairs: &[(&str, &str)]) -> Answers {
        pairs.iter().map(|(l, c)| (l.to_string(), Answer::Codes(vec![c.to_string()]))).collect()
    }

    #[test]
    fn every_shipped_definition_is_valid_and_swemwbs_loads_too() {
        let all = built_in();
        assert_eq!(all.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["AHCHRSNCore", "HungerVitalSign", "UCLA3", "ONS4", "PHQ2", "GAD2"]);
        let ahc = by_name("AHCHRSNCore");
        assert_eq!(ahc.items.len(), 10, "AHC HRSN core has 10 questions");
        assert_eq!(ahc.scoring.domains.iter().map(|d| d.need.clone().unwrap()).collect::<BTreeSet<_>>().len(), 5, "in 5 domains");
        let sw = Instrument::parse(&serde_json::from_str(SWEMWBS).unwrap()).unwrap();
        assert_eq!(sw.items.iter().filter(|i| !matches!(i.kind, ItemKind::Display)).count(), 7);
    }

    #[test]
    fn ahc_hrsn_screens_each_domain_by_its_own_rule() {
        let ahc = by_name("AHCHRSNCore");
        let mut a = codes(&[("q1", "LA31993-1"), ("q2", "LA9-3"), ("q3", "LA6729-3"), ("q4", "LA28398-8"), ("q5", "LA32-8"), ("q6", "LA32002-0")]);
        // Safety: hurt rarely (2), insult sometimes (3), threaten never (1), scream sometimes (3) = 9.
        a.extend(codes(&[("q7", "LA10066-1"), ("q8", "LA10082-8"), ("q9", "LA6270-8"), ("q10", "LA10082-8")]));
        assert!(check_answers(&ahc, &a).is_empty());
        let r = score(&ahc, &a);
        let positive: Vec<&str> = r.domains.iter().filter(|d| d.positive).map(|d| d.id.as_str()).collect();
        assert_eq!(positive, ["food", "utilities"], "{r:#?}");
        assert_eq!(r.scores[0].value, 9.0);
        // Over 10 is positive: 11 is, 10 is not.
        a.insert("q9".into(), Answer::Codes(vec!["LA10082-8".into()]));
        let r = score(&ahc, &a);
        assert_eq!(r.scores[0].value, 11.0);
        assert!(r.domains.iter().any(|d| d.id == "safety" && d.positive && d.sdoh_category.as_deref() == Some("intimate-partner-violence")));
        a.insert("q9".into(), Answer::Codes(vec!["LA10066-1".into()]));
        assert!(score(&ahc, &a).domains.iter().any(|d| d.id == "safety" && !d.positive));
        // Several housing problems at once.
        a.insert("q2".into(), Answer::Codes(vec!["LA28580-1".into(), "LA31998-0".into()]));
        assert!(score(&ahc, &a).domains.iter().any(|d| d.id == "housing_quality" && d.positive));
    }

    #[test]
    fn hunger_vital_sign_is_positive_on_either_item() {
        let hvs = by_name("HungerVitalSign");
        let r = score(&hvs, &codes(&[("hvs1", "LA28398-8"), ("hvs2", "LA28397-0")]));
        assert!(r.domains[0].positive);
        assert_eq!(r.domains[0].need.as_deref(), Some("food"));
        assert!(!score(&hvs, &codes(&[("hvs1", "LA28398-8"), ("hvs2", "LA28398-8")])).domains[0].positive);
    }

    #[test]
    fn ucla_bands_and_the_lonely_threshold() {
        let u = by_name("UCLA3");
        let r = score(&u, &codes(&[("u1", "some-of-the-time"), ("u2", "some-of-the-time"), ("u3", "some-of-the-time")]));
        assert_eq!(r.scores[0].value, 6.0);
        assert_eq!(r.scores[0].band.as_ref().unwrap().code, "lonely");
        assert_eq!(r.domains[0].need.as_deref(), Some("social_connection"));
        assert!(r.domains[0].positive);
        let r = score(&u, &codes(&[("u1", "hardly-ever"), ("u2", "hardly-ever"), ("u3", "often")]));
        assert_eq!((r.scores[0].value, r.scores[0].positive), (5.0, Some(false)));
    }

    #[test]
    fn swemwbs_raw_scores_convert_by_the_table() {
        let sw = Instrument::parse(&serde_json::from_str(SWEMWBS).unwrap()).unwrap();
        let all = |c: &str| (1..=7).map(|i| (format!("s{i}"), Answer::Codes(vec![c.into()]))).collect::<Answers>();
        let r = score(&sw, &all("some"));
        assert_eq!((r.scores[0].raw, r.scores[0].value), (21.0, 19.25));
        assert_eq!(score(&sw, &all("all")).scores[0].value, 35.0);
        assert_eq!(score(&sw, &all("none")).scores[0].value, 7.0);
    }

    #[test]
    fn ons4_bands_each_question_its_own_way() {
        let o = by_name("ONS4");
        let a: Answers = [("life_satisfaction", 8.0), ("worthwhile", 9.0), ("happy", 4.0), ("anxious", 5.0)].iter().map(|(l, n)| (l.to_string(), Answer::Number(*n))).collect();
        assert!(check_answers(&o, &a).is_empty());
        let r = score(&o, &a);
        let bands: Vec<&str> = r.scores.iter().map(|s| s.band.as_ref().unwrap().code.as_str()).collect();
        assert_eq!(bands, ["high", "very-high", "low", "medium"]);
        let bad: Answers = [("happy".to_string(), Answer::Number(11.0)), ("anxious".to_string(), Answer::Number(2.5))].into_iter().collect();
        let errs = check_answers(&o, &bad);
        assert_eq!(errs.len(), 2, "{errs:?}");
    }

    #[test]
    fn partial_answers_score_what_they_can_and_say_what_is_missing() {
        let p = by_name("PHQ2");
        let r = score(&p, &codes(&[("p1", "LA6571-9")]));
        assert!(r.scores.is_empty());
        assert_eq!(r.incomplete, vec![("total".to_string(), vec!["p2".to_string()])]);
        assert_eq!(r.unanswered, ["p2"]);
        let r = score(&p, &codes(&[("p1", "LA6571-9"), ("p2", "LA6568-5")]));
        assert_eq!((r.scores[0].value, r.scores[0].positive), (3.0, Some(true)));
    }

    #[test]
    fn answers_the_questionnaire_does_not_offer_are_refused() {
        let g = by_name("GAD2");
        let mut a = codes(&[("g1", "LA0000-0"), ("g9", "LA6568-5")]);
        a.insert("g2".into(), Answer::Codes(vec!["LA6568-5".into(), "LA6569-3".into()]));
        let errs = check_answers(&g, &a);
        let msgs: Vec<String> = errs.iter().map(|e| format!("{}: {}", e.link_id, e.message)).collect();
        assert_eq!(msgs, ["g1: 'LA0000-0' is not one of its answers", "g2: takes one answer", "g9: 'g9' is not a question of GAD-2 (anxiety screening)"]);
    }

    #[test]
    fn change_follows_each_scores_direction_and_threshold() {
        let sw = Instrument::parse(&serde_json::from_str(SWEMWBS).unwrap()).unwrap();
        let r = &sw.scoring.scores[0];
        assert_eq!(change(r, 19.25, 20.73, None), Some(Change::Improved));
        assert_eq!(change(r, 19.25, 19.98, None), Some(Change::NoChange));
        assert_eq!(change(r, 19.25, 17.98, None), Some(Change::Worse));
        assert_eq!(change(r, 19.25, 20.73, Some(3.0)), Some(Change::NoChange), "a deployment may ask for 3 points");
        let u = by_name("UCLA3");
        assert_eq!(change(&u.scoring.scores[0], 7.0, 5.0, None), Some(Change::Improved), "less lonely is better");
        let o = by_name("ONS4");
        let anxious = o.scoring.scores.iter().find(|s| s.id == "anxious").unwrap();
        assert_eq!(change(anxious, 3.0, 6.0, None), Some(Change::Worse));
    }

    #[test]
    fn a_broken_definition_is_refused_with_every_reason() {
        let mut def: Json = serde_json::from_str(SWEMWBS).unwrap();
        def["questionnaire"]["url"] = json!("");
        def["questionnaire"]["item"][1]["answerOption"][0]["valueCoding"] = json!({"display": "no code"});
        def["scoring"]["scores"][0]["items"][6] = json!("s99");
        def["scoring"]["scores"][0]["lookup"].as_object_mut().unwrap().remove("20");
        def["scoring"]["scores"][0]["bands"] = json!([{"min": 7, "max": 20, "code": "low", "display": "Low"}, {"min": 20, "max": 35, "code": "high", "display": "High"}]);
        def["scoring"]["domains"] = json!([{"id": "x", "display": "X", "need": "unicorns", "positive_if": {"score": {"score": "nope"}}}]);
        let errs = Instrument::parse(&def).unwrap_err();
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        for expected in [
            "questionnaire.url: is required",
            "questionnaire.item[1].answerOption[0].valueCoding: is missing or has no code",
            "scoring.scores[0].items[6]: 's99' is not an item of the questionnaire",
            "scoring.scores[0].bands: the bands 'low' and 'high' overlap",
            "scoring.domains[0].need: 'unicorns' is not a needs code",
            "scoring.domains[0].positive_if.score: 'nope' is not one of the scores",
        ] {
            assert!(text.iter().any(|t| t.starts_with(expected)), "missing “{expected}” in {text:#?}");
        }
        // A lookup table with a gap is named by the raw score it lacks.
        let mut def: Json = serde_json::from_str(SWEMWBS).unwrap();
        def["scoring"]["scores"][0]["lookup"].as_object_mut().unwrap().remove("20");
        let errs = Instrument::parse(&def).unwrap_err();
        assert_eq!(errs[0].to_string(), "scoring.scores[0].lookup: has no value for the raw score 20 (raw scores run from 7 to 35)");
        assert!(Instrument::parse(&json!([])).is_err());
        assert!(Instrument::parse(&json!({"questionnaire": {"resourceType": "Patient"}})).is_err());
    }
}
