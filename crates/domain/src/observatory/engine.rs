//! The indicator engine: evaluates a definition over the facts for a period, breakdowns and
//! filters, and applies disclosure control before anything leaves it. The raw counts live only
//! inside [`evaluate`]; what it returns is the protected [`Evaluation`], so no caller — page,
//! CSV, API or FHIR — can publish an unprotected cell or a record-level row.
//!
//! Keys are laid out as a two-way table for disclosure control: the last dimension is the
//! column, the others together are the row. Every row total, column total and the grand total is
//! published with the cells, and secondary suppression (in `disclosure`) makes sure no suppressed
//! cell can be worked out from them.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::definition::{Aggregate, ConsentNeeded, Dimension, IndicatorDef, Population};
use super::disclosure::{self, CountTable, DisclosureRule, Shown};
use super::facts::{
    EpisodeFact, EvaluationConsent, Facts, GoalFact, OnwardFact, OutcomeFact, PrescriptionFact,
};
use super::stats;
use crate::instrument::Change;
use crate::pathway::needs;

/// What a deployment sets about its indicators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ObservatorySettings {
    /// Small-cell suppression and rounding.
    pub suppress_max: u64,
    pub round_to: u64,
    /// Lower bounds of the age bands, ascending, starting at 0.
    pub age_bands: Vec<u32>,
    /// Working days within which a first contact counts as on time.
    pub contact_target_working_days: u32,
    /// Sessions attended that count as adherence (or the referral completed).
    pub adherence_sessions: u32,
    /// Area name → population, for rates per 1,000.
    pub area_populations: BTreeMap<String, u64>,
    /// Ethnicity code → group (by default the part of the code list's label before ':').
    #[serde(skip)]
    pub ethnicity_groups: BTreeMap<String, String>,
    #[serde(skip)]
    pub safe_caseload: u64,
    /// Prescription zone → the taxonomy term codes in it (a code covers the terms beneath it:
    /// `social.arts` covers `social.arts.singing`).
    pub zones: BTreeMap<String, Vec<String>>,
    /// How long, in seconds, a server may answer from facts it loaded before (0: load for every
    /// question). Changes made through the same server show at once; this bounds how late
    /// changes made through other servers on the same database show.
    pub cache_seconds: u64,
    /// This programme's identifier in the packages it publishes (default: from the publisher's
    /// name, e.g. "Linkwork Demo" → "linkwork-demo"); a regional observatory tells programmes
    /// apart by it, so keep it once packages have gone out.
    pub programme_id: Option<String>,
    /// The programme's name in its packages (default: the publisher's name).
    pub programme_name: Option<String>,
}

/// The four zones of social prescribing, as NHS England's guidance names them.
pub const ZONES: [&str; 4] = ["arts_heritage_culture", "nature", "physical_activity", "advice"];

fn default_zones() -> BTreeMap<String, Vec<String>> {
    let z = |zone: &str, codes: &[&str]| (zone.to_string(), codes.iter().map(|c| c.to_string()).collect());
    BTreeMap::from([
        z("arts_heritage_culture", &["social.arts"]),
        z("nature", &["social.nature"]),
        z("physical_activity", &["health.activity"]),
        z("advice", &["mat.money", "mat.housing", "mat.legal", "mat.employment"]),
    ])
}

impl Default for ObservatorySettings {
    fn default() -> Self {
        let rule = DisclosureRule::default();
        ObservatorySettings {
            suppress_max: rule.suppress_max,
            round_to: rule.round_to,
            age_bands: vec![0, 18, 25, 35, 45, 55, 65, 75, 85],
            contact_target_working_days: 10,
            adherence_sessions: 6,
            area_populations: BTreeMap::new(),
            ethnicity_groups: BTreeMap::new(),
            safe_caseload: 250,
            zones: default_zones(),
            cache_seconds: 60,
            programme_id: None,
            programme_name: None,
        }
    }
}

impl ObservatorySettings {
    /// Every setting that cannot be used, with where it is.
    pub fn check(&self) -> Result<DisclosureRule, Vec<String>> {
        let mut p = vec![];
        let rule = DisclosureRule::parse(self.suppress_max, self.round_to)
            .map_err(|e| p.push(format!("observatory: {e}")))
            .ok();
        if self.age_bands.first() != Some(&0) || self.age_bands.windows(2).any(|w| w[0] >= w[1]) {
            p.push(format!(
                "observatory.age_bands: {:?} must start at 0 and rise, e.g. [0, 18, 65]",
                self.age_bands
            ));
        }
        if self.contact_target_working_days == 0 {
            p.push("observatory.contact_target_working_days: give at least 1".into());
        }
        if self.adherence_sessions == 0 {
            p.push("observatory.adherence_sessions: give at least 1".into());
        }
        for (area, n) in &self.area_populations {
            if *n == 0 {
                p.push(format!("observatory.area_populations.{area}: a population of 0 cannot be a denominator"));
            }
        }
        for (zone, codes) in &self.zones {
            if !ZONES.contains(&zone.as_str()) {
                p.push(format!("observatory.zones.{zone}: not a zone; use one of {}", ZONES.join(", ")));
            }
            if let Some(c) = codes.iter().find(|c| c.trim().is_empty()) {
                p.push(format!("observatory.zones.{zone}: {c:?} is not a taxonomy term code"));
            }
        }
        if let Some(id) = &self.programme_id {
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) {
                p.push(format!("observatory.programme_id: {id:?} must be letters, digits, '-', '.' or '_', e.g. \"north-vale-sp\""));
            }
        }
        if self.programme_name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            p.push("observatory.programme_name: give a name, or leave it out to use the publisher's".into());
        }
        match rule {
            Some(r) if p.is_empty() => Ok(r),
            _ => Err(p),
        }
    }

    pub fn rule(&self) -> DisclosureRule {
        DisclosureRule::parse(self.suppress_max, self.round_to).unwrap_or_default()
    }

    /// The zones a service with these taxonomy term codes falls in, in the zones' order.
    pub fn zones_of(&self, codes: &[String]) -> Vec<String> {
        let covers = |prefix: &str, code: &str| {
            code == prefix || code.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.'))
        };
        self.zones
            .iter()
            .filter(|(_, prefixes)| prefixes.iter().any(|p| codes.iter().any(|c| covers(p, c))))
            .map(|(z, _)| z.clone())
            .collect()
    }

    fn age_band(&self, age: u32) -> String {
        let i = self.age_bands.iter().rposition(|b| *b <= age).unwrap_or(0);
        match self.age_bands.get(i + 1) {
            Some(next) => format!("{}-{}", self.age_bands[i], next - 1),
            None => format!("{}+", self.age_bands[i]),
        }
    }
}

/// The width of a period in a time series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Week,
    Month,
    Quarter,
    Year,
}

impl Granularity {
    pub fn parse(s: &str) -> Result<Granularity, String> {
        match s {
            "week" => Ok(Granularity::Week),
            "month" => Ok(Granularity::Month),
            "quarter" => Ok(Granularity::Quarter),
            "year" => Ok(Granularity::Year),
            _ => Err(format!(
                "'{s}' is not a period; use week, month, quarter or year"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Week => "week",
            Granularity::Month => "month",
            Granularity::Quarter => "quarter",
            Granularity::Year => "year",
        }
    }

    /// The label of the period a day falls in: 2026-W05, 2026-01, 2026-Q1, 2026.
    pub fn label(self, d: NaiveDate) -> String {
        match self {
            Granularity::Week => {
                let w = d.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Granularity::Month => format!("{}-{:02}", d.year(), d.month()),
            Granularity::Quarter => format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
            Granularity::Year => d.year().to_string(),
        }
    }

    /// Every period from `from` to `to`, in order, so that gaps show as gaps.
    pub fn labels(self, from: NaiveDate, to: NaiveDate) -> Vec<String> {
        let mut out: Vec<String> = vec![];
        let mut d = from;
        while d <= to {
            let l = self.label(d);
            if out.last() != Some(&l) {
                out.push(l);
            }
            d = match d.succ_opt() {
                Some(n) => n,
                None => break,
            };
        }
        out
    }
}

/// Narrowing the units counted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    pub area: Option<String>,
    pub link_worker: Option<String>,
    pub organisation: Option<String>,
}

/// One question asked of an indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// First and last day counted (both included).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    pub breakdowns: Vec<Dimension>,
    pub filters: Filters,
}

impl Request {
    /// Checks the request against the definition: every problem with the parameter at fault.
    pub fn check(&self, def: &IndicatorDef) -> Result<(), Vec<(String, String)>> {
        let mut p = vec![];
        if self.to < self.from {
            p.push((
                "to".to_string(),
                format!("{} is before from ({})", self.to, self.from),
            ));
        }
        if (self.to - self.from).num_days() > 366 * 20 {
            p.push((
                "from".to_string(),
                "a period of more than 20 years cannot be asked for at once".to_string(),
            ));
        }
        if self.breakdowns.len() > 2 {
            p.push((
                "breakdown".to_string(),
                "give at most two breakdowns (a two-way table)".to_string(),
            ));
        }
        for b in &self.breakdowns {
            if !def.breakdowns.contains(b) {
                let allowed: Vec<_> = def.breakdowns.iter().map(|d| d.as_str()).collect();
                p.push((
                    "breakdown".to_string(),
                    format!(
                        "{} does not allow a breakdown by {b}; it allows {}",
                        def.id,
                        if allowed.is_empty() {
                            "none".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                ));
            }
        }
        if self.breakdowns.len() == 2 && self.breakdowns[0] == self.breakdowns[1] {
            p.push((
                "breakdown".to_string(),
                "the two breakdowns are the same".to_string(),
            ));
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(p)
        }
    }
}

/// The published values of one cell. A value left out was suppressed (or, for a statistic, has
/// no data); `suppressed` says which it was.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Values {
    /// Units counted (the denominator of a proportion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_lower: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_upper: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub improved: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_change: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worse: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_1000: Option<f64>,
    /// Some value of this cell was withheld by disclosure control.
    pub suppressed: bool,
}

/// One published cell: its key (a value per dimension, None for "all") and values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub key: Vec<Option<String>>,
    pub values: Values,
}

/// People left out, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exclusion {
    /// withdrawn_consent or no_consent_recorded.
    pub reason: String,
    /// Episodes left out (protected like any count).
    pub count: Shown,
}

/// An indicator's protected result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub indicator: String,
    pub version: String,
    pub kind: String,
    pub unit: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    /// The dimensions of each key, in order ("stage" for a funnel's stage).
    pub dimensions: Vec<String>,
    pub rule: DisclosureRule,
    pub cells: Vec<Cell>,
    pub excluded: Vec<Exclusion>,
    /// When the facts counted were read (figures may be kept for a while; see the web layer).
    #[serde(default)]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
}

impl Evaluation {
    /// The grand total (the cell whose key is all "all").
    pub fn total(&self) -> Option<&Values> {
        self.cells
            .iter()
            .find(|c| c.key.iter().all(Option::is_none))
            .map(|c| &c.values)
    }

    /// The cell with exactly this key.
    pub fn cell(&self, key: &[Option<&str>]) -> Option<&Values> {
        self.cells
            .iter()
            .find(|c| {
                c.key.len() == key.len() && c.key.iter().zip(key).all(|(a, b)| a.as_deref() == *b)
            })
            .map(|c| &c.values)
    }
}

/// What one unit of a population is.
enum Unit<'a> {
    Episode(&'a EpisodeFact),
    Onward(&'a EpisodeFact, &'a OnwardFact),
    Outcome(&'a EpisodeFact, &'a OutcomeFact),
    Goal(&'a EpisodeFact, &'a GoalFact),
    Prescription(&'a EpisodeFact, &'a PrescriptionFact),
    Need(&'a EpisodeFact, &'a str),
    Worker(&'a str, u64),
}

impl<'a> Unit<'a> {
    fn episode(&self) -> Option<&'a EpisodeFact> {
        match self {
            Unit::Episode(e)
            | Unit::Onward(e, _)
            | Unit::Outcome(e, _)
            | Unit::Goal(e, _)
            | Unit::Prescription(e, _)
            | Unit::Need(e, _) => Some(e),
            Unit::Worker(..) => None,
        }
    }

    fn date(&self) -> Option<NaiveDate> {
        match self {
            Unit::Onward(_, o) => Some(o.sent_on),
            Unit::Worker(..) => None,
            u => u.episode().map(|e| e.received_on),
        }
    }
}

const UNKNOWN: &str = "unknown";

struct Ctx<'s> {
    s: &'s ObservatorySettings,
    granularity: Granularity,
}

fn opt(v: &Option<String>) -> Vec<String> {
    vec![v.clone().unwrap_or_else(|| UNKNOWN.to_string())]
}

fn non_empty(v: Vec<String>) -> Vec<String> {
    if v.is_empty() {
        vec![UNKNOWN.to_string()]
    } else {
        v
    }
}

fn need_category(code: &str) -> String {
    needs::NEEDS
        .iter()
        .find(|n| n.code == code)
        .and_then(|n| n.sdoh_category)
        .unwrap_or("other")
        .to_string()
}

impl Ctx<'_> {
    /// The values a unit has for a dimension (several for a multi-valued one).
    fn values(&self, u: &Unit, d: Dimension) -> Vec<String> {
        use Dimension::*;
        if let Unit::Worker(name, _) = u {
            return vec![name.to_string()];
        }
        let e = u
            .episode()
            .expect("units other than workers have an episode");
        match d {
            Period => vec![u
                .date()
                .map(|d| self.granularity.label(d))
                .unwrap_or_else(|| UNKNOWN.into())],
            AgeBand => vec![e
                .age
                .map(|a| self.s.age_band(a))
                .unwrap_or_else(|| UNKNOWN.into())],
            Sex => opt(&e.sex),
            Gender => opt(&e.gender),
            Ethnicity => vec![match &e.ethnicity {
                Some(c) => self
                    .s
                    .ethnicity_groups
                    .get(c)
                    .cloned()
                    .unwrap_or_else(|| c.clone()),
                None => UNKNOWN.into(),
            }],
            DeprivationDecile => vec![e
                .deprivation_decile
                .map(|d| d.to_string())
                .unwrap_or_else(|| UNKNOWN.into())],
            DeprivationQuintile => vec![e
                .deprivation_decile
                .map(|d| d.div_ceil(2).to_string())
                .unwrap_or_else(|| UNKNOWN.into())],
            Area => opt(&e.area),
            Source => vec![e.source.clone()],
            LinkWorker => opt(&e.link_worker),
            Need => non_empty(dedup(e.needs.clone())),
            NeedCategory => non_empty(dedup(e.needs.iter().map(|n| need_category(n)).collect())),
            ClosureReason => opt(&e.closure_reason),
            Organisation => match u {
                Unit::Onward(_, o) => vec![o.organisation.clone()],
                _ => vec![UNKNOWN.into()],
            },
            Service => match u {
                Unit::Onward(_, o) => vec![o.service.clone()],
                Unit::Prescription(_, p) => opt(&p.service),
                _ => vec![UNKNOWN.into()],
            },
            Zone => match u {
                Unit::Onward(_, o) => non_empty(self.s.zones_of(&o.terms)),
                Unit::Prescription(_, p) => non_empty(self.s.zones_of(&p.terms)),
                _ => vec![UNKNOWN.into()],
            },
            RejectionReason => match u {
                Unit::Onward(_, o) => opt(&o.status_reason),
                _ => vec![UNKNOWN.into()],
            },
            Instrument => match u {
                Unit::Outcome(_, o) => vec![format!("{} {}", o.instrument, o.score)],
                _ => vec![UNKNOWN.into()],
            },
            Verdict => match u {
                Unit::Outcome(_, o) => {
                    vec![o.verdict.map(verdict_str).unwrap_or(UNKNOWN).to_string()]
                }
                _ => vec![UNKNOWN.into()],
            },
            ConfirmedNeed => match u {
                Unit::Need(_, n) => vec![need_category(n)],
                _ => vec![UNKNOWN.into()],
            },
        }
    }

    fn meets(&self, u: &Unit, cond: &str) -> bool {
        if cond == "all" {
            return true;
        }
        match u {
            Unit::Episode(e) => match cond {
                "contacted" => e.first_contact_on.is_some(),
                "assessed" => e.assessed_on.is_some(),
                "plan_agreed" => e.plan_agreed_on.is_some(),
                "closed" => e.closed_on.is_some(),
                "open" => e.closed_on.is_none(),
                "contacted_within_target" => e.first_contact_on.is_some_and(|c| {
                    stats::working_days_between(e.received_on, c)
                        <= i64::from(self.s.contact_target_working_days)
                }),
                _ => false,
            },
            Unit::Onward(_, o) => match cond {
                "enrolled" => o.enrolled,
                "engaged" => o.enrolled && o.sessions_attended >= 1,
                "adhered" => {
                    o.enrolled && (o.sessions_attended >= self.s.adherence_sessions || o.completed)
                }
                "rejected" => o.status == "rejected",
                "completed" => o.completed,
                _ => false,
            },
            Unit::Outcome(_, o) => match cond {
                "improved" => o.verdict == Some(Change::Improved),
                "no_change" => o.verdict == Some(Change::NoChange),
                "worse" => o.verdict == Some(Change::Worse),
                _ => false,
            },
            Unit::Goal(_, g) => cond == "met" && g.met,
            Unit::Worker(_, n) => cond == "over_safe_caseload" && *n > self.s.safe_caseload,
            Unit::Prescription(..) | Unit::Need(..) => false,
        }
    }

    fn number(&self, u: &Unit, name: &str) -> Option<f64> {
        let days = |a: NaiveDate, b: Option<NaiveDate>| b.map(|b| (b - a).num_days() as f64);
        match u {
            Unit::Episode(e) => match name {
                "referral_to_first_contact" => days(e.received_on, e.first_contact_on),
                "referral_to_plan" => days(e.received_on, e.plan_agreed_on),
                "episode_length" => days(e.received_on, e.closed_on),
                _ => None,
            },
            Unit::Onward(_, o) if name == "referral_to_first_attendance" => {
                days(o.sent_on, o.first_attended_on)
            }
            Unit::Outcome(_, o) if name == "improvement" => Some(o.improvement),
            Unit::Worker(_, n) if name == "caseload" => Some(*n as f64),
            _ => None,
        }
    }
}

fn verdict_str(c: Change) -> &'static str {
    match c {
        Change::Improved => "improved",
        Change::NoChange => "no_change",
        Change::Worse => "worse",
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Orders dimension values as people read them: numbers by value, "unknown" last.
fn natural(a: &str, b: &str) -> Ordering {
    let lead = |s: &str| {
        s.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u64>()
            .ok()
    };
    match (a == UNKNOWN, b == UNKNOWN) {
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    match (lead(a), lead(b)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => a.cmp(b),
    }
}

#[derive(Default, Clone)]
struct Acc {
    n: u64,
    num: u64,
    values: Vec<f64>,
    verdicts: [u64; 3],
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        self.num += o.num;
        self.values.extend_from_slice(&o.values);
        for i in 0..3 {
            self.verdicts[i] += o.verdicts[i];
        }
    }
}

fn intern(ids: &mut HashMap<String, u32>, names: &mut Vec<String>, v: &str) -> u32 {
    if let Some(&i) = ids.get(v) {
        return i;
    }
    let i = u32::try_from(names.len()).expect("fewer than 2^32 distinct values");
    names.push(v.to_string());
    ids.insert(v.to_string(), i);
    i
}

/// Adds one unit to a cell: to its count where it is in the denominator (or has the measure),
/// and to the numerator, values and verdicts the aggregate needs.
fn count(ctx: &Ctx, def: &IndicatorDef, u: &Unit, acc: &mut Acc) {
    match &def.aggregate {
        Aggregate::Proportion {
            numerator,
            denominator,
        } => {
            if ctx.meets(u, denominator) {
                acc.n += 1;
                if ctx.meets(u, numerator) {
                    acc.num += 1;
                }
            }
        }
        Aggregate::Duration { measure } => {
            if let Some(v) = ctx.number(u, measure) {
                acc.n += 1;
                acc.values.push(v);
            }
        }
        Aggregate::Mean { value } => {
            acc.n += 1;
            if let Some(v) = ctx.number(u, value) {
                acc.values.push(v);
            }
            if let Unit::Outcome(_, o) = u {
                match o.verdict {
                    Some(Change::Improved) => acc.verdicts[0] += 1,
                    Some(Change::NoChange) => acc.verdicts[1] += 1,
                    Some(Change::Worse) => acc.verdicts[2] += 1,
                    None => {}
                }
            }
            if ctx.meets(u, "over_safe_caseload") {
                acc.num += 1;
            }
        }
        _ => acc.n += 1,
    }
}

fn units<'a>(pop: Population, facts: &'a Facts) -> Vec<Unit<'a>> {
    let mut out = vec![];
    if pop == Population::LinkWorkers {
        return facts
            .caseloads
            .iter()
            .map(|(n, c)| Unit::Worker(n.as_str(), *c))
            .collect();
    }
    for e in &facts.episodes {
        match pop {
            Population::Episodes => out.push(Unit::Episode(e)),
            Population::OnwardReferrals => out.extend(e.onward.iter().map(|o| Unit::Onward(e, o))),
            Population::Outcomes => out.extend(e.outcomes.iter().map(|o| Unit::Outcome(e, o))),
            Population::Goals => out.extend(e.goals.iter().map(|g| Unit::Goal(e, g))),
            Population::Prescriptions => {
                out.extend(e.prescriptions.iter().map(|p| Unit::Prescription(e, p)))
            }
            Population::ConfirmedNeeds => {
                out.extend(e.confirmed_needs.iter().map(|n| Unit::Need(e, n.as_str())))
            }
            Population::LinkWorkers => {}
        }
    }
    out
}

/// Evaluates an indicator. The request must have passed [`Request::check`].
pub fn evaluate(
    def: &IndicatorDef,
    facts: &Facts,
    req: &Request,
    settings: &ObservatorySettings,
) -> Evaluation {
    let rule = settings.rule();
    let ctx = Ctx {
        s: settings,
        granularity: req.granularity,
    };
    let pop = def.population;

    // The dimensions of a key: [instrument] [stage] breakdowns [distributed by].
    let mut dims: Vec<Option<Dimension>> = vec![];
    if pop == Population::Outcomes {
        dims.push(Some(Dimension::Instrument));
    }
    let stages: Option<&Vec<String>> = match &def.aggregate {
        Aggregate::Stages { stages } => Some(stages),
        _ => None,
    };
    if stages.is_some() {
        dims.push(None);
    }
    dims.extend(req.breakdowns.iter().copied().map(Some));
    if let Aggregate::Distribution { by } = &def.aggregate {
        dims.push(Some(*by));
    }

    let needs_consent =
        def.consent == ConsentNeeded::Evaluation || req.breakdowns.iter().any(|d| d.is_equity());
    let (mut withdrawn, mut not_recorded) = (BTreeSet::new(), BTreeSet::new());
    // Values are interned while counting, so that a unit's keys allocate nothing once seen:
    // at 100k episodes this loop is most of an answer's time.
    let (mut ids, mut names) = (HashMap::new(), vec![]);
    let stage_ids: Vec<u32> = stages
        .map(|st| st.iter().map(|s| intern(&mut ids, &mut names, s)).collect())
        .unwrap_or_default();
    let mut counted: HashMap<Vec<u32>, Acc> = HashMap::new();
    let mut choice: Vec<Vec<u32>> = vec![vec![]; dims.len()];
    let (mut key, mut at): (Vec<u32>, Vec<usize>) = (vec![], vec![0; dims.len()]);

    for u in units(pop, facts) {
        if let Some(d) = u.date() {
            if d < req.from || d > req.to {
                continue;
            }
        }
        if let Some(e) = u.episode() {
            let f = &req.filters;
            if f.area.as_ref().is_some_and(|a| e.area.as_ref() != Some(a))
                || f.link_worker
                    .as_ref()
                    .is_some_and(|w| e.link_worker.as_ref() != Some(w))
            {
                continue;
            }
            if let Some(org) = &f.organisation {
                let ok = match &u {
                    Unit::Onward(_, o) => &o.organisation == org,
                    _ => e.onward.iter().any(|o| &o.organisation == org),
                };
                if !ok {
                    continue;
                }
            }
            if needs_consent {
                let key = e as *const EpisodeFact as usize;
                match e
                    .evaluation_consent
                    .unwrap_or(EvaluationConsent::NotRecorded)
                {
                    EvaluationConsent::Given => {}
                    EvaluationConsent::Withdrawn => {
                        withdrawn.insert(key);
                        continue;
                    }
                    EvaluationConsent::NotRecorded => {
                        not_recorded.insert(key);
                        continue;
                    }
                }
            }
        } else if req
            .filters
            .link_worker
            .as_ref()
            .is_some_and(|w| !matches!(&u, Unit::Worker(n, _) if n == w))
        {
            continue;
        }
        if let Some(w) = &def.filter {
            if !ctx.meets(&u, w) {
                continue;
            }
        }
        // Every combination of the unit's values (stages: the stages it reached), as interned ids.
        for (i, d) in dims.iter().enumerate() {
            let c = &mut choice[i];
            c.clear();
            match d {
                Some(d) => {
                    for v in ctx.values(&u, *d) {
                        c.push(intern(&mut ids, &mut names, &v));
                    }
                }
                None => {
                    let stages = stages.expect("a stage dimension comes with stages");
                    for (s, id) in stages.iter().zip(&stage_ids) {
                        if ctx.meets(&u, s) {
                            c.push(*id);
                        }
                    }
                }
            }
        }
        if choice.iter().any(Vec::is_empty) {
            continue;
        }
        at.iter_mut().for_each(|a| *a = 0);
        'combinations: loop {
            key.clear();
            key.extend(at.iter().enumerate().map(|(i, &j)| choice[i][j]));
            if !counted.contains_key(key.as_slice()) {
                counted.insert(key.clone(), Acc::default());
            }
            count(&ctx, def, &u, counted.get_mut(key.as_slice()).expect("inserted above"));
            // The next combination, the last dimension turning fastest.
            let mut i = at.len();
            loop {
                if i == 0 {
                    break 'combinations;
                }
                i -= 1;
                at[i] += 1;
                if at[i] < choice[i].len() {
                    break;
                }
                at[i] = 0;
            }
        }
    }
    let mut groups: BTreeMap<Vec<String>, Acc> = counted
        .into_iter()
        .map(|(k, a)| (k.into_iter().map(|i| names[i as usize].clone()).collect(), a))
        .collect();
    groups.retain(|_, a| a.n > 0 || a.num > 0);

    // The values each dimension takes: periods all of them, stages in their order, the rest as found.
    let mut axis: Vec<Vec<String>> = dims
        .iter()
        .enumerate()
        .map(|(i, d)| match d {
            Some(Dimension::Period) => req.granularity.labels(req.from, req.to),
            None => stages.cloned().unwrap_or_default(),
            Some(Dimension::Verdict) => ["improved", "no_change", "worse"]
                .map(String::from)
                .to_vec(),
            Some(_) => {
                let mut v: Vec<String> = groups
                    .keys()
                    .map(|k| k[i].clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                v.sort_by(|a, b| natural(a, b));
                v
            }
        })
        .collect();
    if dims.is_empty() {
        axis.push(vec![String::new()]);
    }
    let (row_axes, col_axis) = axis.split_at(axis.len() - 1);
    let col_axis = &col_axis[0];
    let mut rows: Vec<Vec<String>> = vec![vec![]];
    for a in row_axes {
        rows = rows
            .iter()
            .flat_map(|r| a.iter().map(move |v| [r.clone(), vec![v.clone()]].concat()))
            .collect();
    }
    // Rows of a multi-dimension prefix that hold nothing are left out (a time series keeps its gaps).
    if row_axes.len() > 1
        || !row_axes.is_empty()
            && !matches!(dims.first(), Some(Some(Dimension::Period)) | Some(None))
    {
        rows.retain(|r| groups.keys().any(|k| k.starts_with(r)));
        if rows.is_empty() {
            rows.push(row_axes.iter().map(|_| UNKNOWN.to_string()).collect());
        }
    }
    let full_key = |r: &Vec<String>, c: &String| -> Vec<String> {
        if dims.is_empty() {
            vec![]
        } else {
            [r.clone(), vec![c.clone()]].concat()
        }
    };
    let acc_at =
        |r: &Vec<String>, c: &String| groups.get(&full_key(r, c)).cloned().unwrap_or_default();
    let cells: Vec<Vec<Acc>> = rows
        .iter()
        .map(|r| col_axis.iter().map(|c| acc_at(r, c)).collect())
        .collect();

    // Disclosure control over the base counts, and over numerators and verdicts where there are any.
    let table = |f: &dyn Fn(&Acc) -> u64| CountTable {
        cells: cells.iter().map(|r| r.iter().map(f).collect()).collect(),
    };
    let base = disclosure::protect(&rule, &table(&|a| a.n));
    let num = disclosure::protect(&rule, &table(&|a| a.num));
    let is_workers = pop == Population::LinkWorkers;

    let mut merged_rows: Vec<Acc> = vec![Acc::default(); rows.len()];
    let mut merged_cols: Vec<Acc> = vec![Acc::default(); col_axis.len()];
    let mut grand = Acc::default();
    for (i, r) in cells.iter().enumerate() {
        for (j, a) in r.iter().enumerate() {
            merged_rows[i].merge(a);
            merged_cols[j].merge(a);
            grand.merge(a);
        }
    }

    let values = |a: &Acc,
                  n: Shown,
                  n_suppressed: bool,
                  num_shown: Shown,
                  key: &[Option<String>]|
     -> Values {
        let mut v = Values {
            suppressed: n_suppressed,
            ..Default::default()
        };
        v.count = if is_workers { Some(a.n) } else { n };
        let usable = !n_suppressed && a.n > 0;
        match &def.aggregate {
            Aggregate::Proportion { .. } => {
                v.numerator = num_shown;
                if num_shown.is_none() && a.num > 0 {
                    v.suppressed = true;
                }
                if usable && num_shown.is_some() && disclosure::rate_shown(&rule, a.num, a.n) {
                    v.percent = Some(round2(100.0 * a.num as f64 / a.n as f64));
                } else if a.n > 0 {
                    v.suppressed = true;
                }
            }
            Aggregate::Duration { .. } if usable => {
                v.median = stats::median(&a.values).map(round2);
                v.p90 = stats::percentile(&a.values, 90.0).map(round2);
            }
            Aggregate::Mean { .. } => {
                let people: f64 = if is_workers {
                    a.values.iter().sum()
                } else {
                    a.n as f64
                };
                let ok = if is_workers {
                    !rule.is_small(people as u64)
                } else {
                    usable
                };
                // Scores on different instruments' scales do not average: across instruments only
                // the counts and verdicts are given.
                let across_instruments = pop == Population::Outcomes && key.first().is_some_and(Option::is_none);
                if ok && !across_instruments {
                    if let Some(m) = stats::mean_ci95(&a.values) {
                        v.mean = Some(round2(m.mean));
                        v.ci_lower = Some(round2(m.lower));
                        v.ci_upper = Some(round2(m.upper));
                    } else if let [x] = a.values[..] {
                        v.mean = Some(round2(x));
                    }
                } else if a.n > 0 && !across_instruments {
                    v.suppressed = true;
                }
                if is_workers {
                    v.numerator = Some(a.num);
                } else if pop == Population::Outcomes && usable {
                    let t = disclosure::protect(
                        &rule,
                        &CountTable {
                            cells: vec![a.verdicts.to_vec()],
                        },
                    );
                    v.improved = t.cells[0][0];
                    v.no_change = t.cells[0][1];
                    v.worse = t.cells[0][2];
                    if t.suppressed[0].iter().any(|s| *s) {
                        v.suppressed = true;
                    }
                }
            }
            Aggregate::Count if def.per_population && usable => {
                let pop_n = match dims.iter().position(|d| *d == Some(Dimension::Area)) {
                    Some(i) => key[i]
                        .as_ref()
                        .and_then(|area| settings.area_populations.get(area))
                        .copied(),
                    None => match &req.filters.area {
                        Some(area) => settings.area_populations.get(area).copied(),
                        None if !settings.area_populations.is_empty() => {
                            Some(settings.area_populations.values().sum())
                        }
                        None => None,
                    },
                };
                v.per_1000 = pop_n.map(|p| round2(1000.0 * a.n as f64 / p as f64));
            }
            _ => {}
        }
        v
    };

    let mut out = vec![];
    let ncols = col_axis.len();
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in col_axis.iter().enumerate() {
            if dims.is_empty() {
                break;
            }
            let key: Vec<Option<String>> = r
                .iter()
                .cloned()
                .map(Some)
                .chain([Some(c.clone())])
                .collect();
            let v = values(
                &cells[i][j],
                base.cells[i][j],
                base.suppressed[i][j],
                num.cells[i][j],
                &key,
            );
            out.push(Cell { key, values: v });
        }
        if !row_axes.is_empty() && ncols > 0 {
            let key: Vec<Option<String>> = r.iter().cloned().map(Some).chain([None]).collect();
            let sup = base.row_totals[i].is_none() && merged_rows[i].n > 0;
            let v = values(
                &merged_rows[i],
                base.row_totals[i],
                sup,
                num.row_totals[i],
                &key,
            );
            out.push(Cell { key, values: v });
        }
    }
    // A funnel's stages do not add up, so there are no column totals or grand total across them.
    let stage_led = stages.is_some() && dims.first() == Some(&None);
    if !stage_led {
        if !row_axes.is_empty() {
            for (j, c) in col_axis.iter().enumerate() {
                let key: Vec<Option<String>> = row_axes
                    .iter()
                    .map(|_| None)
                    .chain([Some(c.clone())])
                    .collect();
                let sup = base.col_totals[j].is_none() && merged_cols[j].n > 0;
                let v = values(
                    &merged_cols[j],
                    base.col_totals[j],
                    sup,
                    num.col_totals[j],
                    &key,
                );
                out.push(Cell { key, values: v });
            }
        }
        let key: Vec<Option<String>> = dims.iter().map(|_| None).collect();
        let sup = base.total.is_none() && grand.n > 0;
        let v = values(&grand, base.total, sup, num.total, &key);
        out.push(Cell { key, values: v });
    }

    let mut excluded = vec![];
    if needs_consent {
        excluded.push(Exclusion {
            reason: "withdrawn_consent".into(),
            count: disclosure::protect_one(&rule, withdrawn.len() as u64),
        });
        excluded.push(Exclusion {
            reason: "no_consent_recorded".into(),
            count: disclosure::protect_one(&rule, not_recorded.len() as u64),
        });
    }

    Evaluation {
        indicator: def.id.clone(),
        version: def.version.clone(),
        kind: def.aggregate.kind().to_string(),
        unit: def.unit.clone(),
        from: req.from,
        to: req.to,
        granularity: req.granularity,
        dimensions: dims
            .iter()
            .map(|d| d.map(|d| d.as_str()).unwrap_or("stage").to_string())
            .collect(),
        rule,
        cells: out,
        excluded,
        as_of: facts.as_of,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observatory::definition::built_in;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_zone_covers_the_terms_beneath_its_codes_and_no_look_alikes() {
        let s = ObservatorySettings::default();
        let codes = |c: &[&str]| c.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(s.zones_of(&codes(&["social.arts.singing"])), ["arts_heritage_culture"]);
        assert_eq!(s.zones_of(&codes(&["social.nature.walks", "health.activity.walking"])), ["nature", "physical_activity"]);
        assert!(s.zones_of(&codes(&["social.artsy", "mat.food.bank"])).is_empty());
        let mut bad = ObservatorySettings::default();
        bad.zones.insert("sport".into(), vec!["health.activity".into()]);
        assert!(bad.check().unwrap_err().iter().any(|e| e.contains("observatory.zones.sport")));
    }

    /// 40 episodes: half women; every other one contacted (after 3 days, or 30 for every fourth);
    /// a quarter closed as goals met; consent to evaluation given by all but 4 (2 withdrawn).
    fn facts() -> Facts {
        let mut episodes = vec![];
        for i in 0..40u32 {
            let received_on = d("2026-01-05") + chrono::Duration::days(i as i64 * 7);
            let contacted = i % 2 == 0;
            let late = i % 4 == 0;
            episodes.push(EpisodeFact {
                received_on,
                source: if i < 30 {
                    "gp".into()
                } else {
                    "self_referral".into()
                },
                needs: vec!["social_connection".into()],
                age: Some(20 + i),
                sex: Some(if i % 2 == 0 { "female" } else { "male" }.into()),
                status: "received".into(),
                first_contact_on: contacted
                    .then(|| received_on + chrono::Duration::days(if late { 30 } else { 3 })),
                closed_on: (i % 4 == 1).then_some(received_on + chrono::Duration::days(60)),
                closure_reason: (i % 4 == 1).then(|| "goals_met".into()),
                evaluation_consent: Some(match i {
                    0 | 1 => EvaluationConsent::Withdrawn,
                    2 | 3 => EvaluationConsent::NotRecorded,
                    _ => EvaluationConsent::Given,
                }),
                outcomes: vec![OutcomeFact {
                    instrument: "UCLA-3".into(),
                    score: "total".into(),
                    baseline: 7.0,
                    follow_up: 7.0 - (i % 3) as f64,
                    improvement: (i % 3) as f64,
                    verdict: Some(if i % 3 == 0 {
                        Change::NoChange
                    } else {
                        Change::Improved
                    }),
                }],
                ..Default::default()
            });
        }
        Facts {
            episodes,
            caseloads: vec![],
            as_of: None,
        }
    }

    fn def(id: &str) -> IndicatorDef {
        built_in().into_iter().find(|d| d.id == id).unwrap()
    }

    fn req(breakdowns: Vec<Dimension>) -> Request {
        Request {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
            granularity: Granularity::Month,
            breakdowns,
            filters: Filters::default(),
        }
    }

    fn exact() -> ObservatorySettings {
        ObservatorySettings {
            suppress_max: 0,
            round_to: 1,
            ..Default::default()
        }
    }

    #[test]
    fn the_funnel_counts_each_stage_reached() {
        let e = evaluate(&def("pathway-funnel"), &facts(), &req(vec![]), &exact());
        // 2026-01-05 + 7·i stays within 2026 for i ≤ 51: all 40 count.
        assert_eq!(e.cell(&[Some("all")]).unwrap().count, Some(40));
        assert_eq!(e.cell(&[Some("contacted")]).unwrap().count, Some(20));
        assert_eq!(e.cell(&[Some("closed")]).unwrap().count, Some(10));
    }

    #[test]
    fn time_to_contact_and_the_share_on_time() {
        let e = evaluate(
            &def("time-to-first-contact"),
            &facts(),
            &req(vec![]),
            &exact(),
        );
        let t = e.total().unwrap();
        assert_eq!(t.count, Some(20));
        // 10 contacted after 3 days, 10 after 30: median 16.5, 90th centile 30.
        assert_eq!(t.median, Some(16.5));
        assert_eq!(t.p90, Some(30.0));
        let e = evaluate(
            &def("contacted-within-target"),
            &facts(),
            &req(vec![]),
            &exact(),
        );
        let t = e.total().unwrap();
        assert_eq!(
            (t.numerator, t.count, t.percent),
            (Some(10), Some(40), Some(25.0))
        );
    }

    #[test]
    fn a_time_series_keeps_empty_periods_as_gaps() {
        let r = Request {
            from: d("2025-11-01"),
            ..req(vec![Dimension::Period])
        };
        let e = evaluate(&def("referrals-received"), &facts(), &r, &exact());
        assert_eq!(e.cell(&[Some("2025-11")]).unwrap().count, Some(0));
        assert_eq!(e.cell(&[Some("2026-01")]).unwrap().count, Some(4));
        assert_eq!(e.total().unwrap().count, Some(40));
    }

    #[test]
    fn outcomes_leave_out_people_without_consent_and_say_so() {
        let e = evaluate(&def("outcome-change"), &facts(), &req(vec![]), &exact());
        let c = e.cell(&[Some("UCLA-3 total")]).unwrap();
        assert_eq!(c.count, Some(36));
        let improved = (4..40).filter(|i| i % 3 != 0).count() as u64;
        assert_eq!(c.improved, Some(improved));
        assert_eq!(c.no_change, Some(36 - improved));
        let mean = (4..40).map(|i| (i % 3) as f64).sum::<f64>() / 36.0;
        assert!((c.mean.unwrap() - mean).abs() < 0.01);
        assert!(c.ci_lower.unwrap() < c.mean.unwrap() && c.mean.unwrap() < c.ci_upper.unwrap());
        // Across instruments: how many and their verdicts, but no mean of unlike scales.
        let all = e.total().unwrap();
        assert_eq!((all.count, all.improved), (Some(36), Some(improved)));
        assert_eq!((all.mean, all.ci_lower, all.suppressed), (None, None, false));
        let why: Vec<_> = e
            .excluded
            .iter()
            .map(|x| (x.reason.as_str(), x.count))
            .collect();
        assert_eq!(
            why,
            vec![
                ("withdrawn_consent", Some(2)),
                ("no_consent_recorded", Some(2))
            ]
        );
        // Operational counts count everyone.
        let e = evaluate(&def("referrals-received"), &facts(), &req(vec![]), &exact());
        assert!(e.excluded.is_empty());
    }

    #[test]
    fn small_cells_are_suppressed_with_their_complements_by_default() {
        let e = evaluate(
            &def("referrals-by-source"),
            &facts(),
            &req(vec![]),
            &ObservatorySettings::default(),
        );
        // 30 from GPs and 10 self-referrals: nothing small.
        assert_eq!(e.cell(&[Some("gp")]).unwrap().count, Some(30));
        assert_eq!(e.cell(&[Some("self_referral")]).unwrap().count, Some(10));
        // By month, each month has 4 or 5: every cell is small, and so are the months' totals.
        let e = evaluate(
            &def("referrals-by-source"),
            &facts(),
            &req(vec![Dimension::Period]),
            &ObservatorySettings::default(),
        );
        let jan = e.cell(&[Some("2026-01"), Some("gp")]).unwrap();
        assert_eq!(jan.count, None);
        assert!(jan.suppressed);
        for c in &e.cells {
            if let Some(n) = c.values.count {
                assert!(n == 0 || n > 7, "{c:?}");
                assert_eq!(n % 5, 0, "{c:?}");
            }
        }
    }

    #[test]
    fn equity_breakdowns_need_consent_and_a_bad_request_says_what_is_wrong() {
        let e = evaluate(
            &def("referrals-received"),
            &facts(),
            &req(vec![Dimension::Sex]),
            &exact(),
        );
        assert_eq!(e.total().unwrap().count, Some(36));
        assert_eq!(e.cell(&[Some("female")]).unwrap().count, Some(18));
        let bad = Request {
            to: d("2025-01-01"),
            breakdowns: vec![Dimension::Organisation, Dimension::Sex, Dimension::Area],
            ..req(vec![])
        };
        let p = bad.check(&def("referrals-received")).unwrap_err();
        let fields: Vec<_> = p.iter().map(|(f, _)| f.as_str()).collect();
        assert!(
            fields.contains(&"to") && fields.contains(&"breakdown"),
            "{p:?}"
        );
    }
}
