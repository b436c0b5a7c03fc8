//! What a deployment sets about its indicators (disclosure rule, age bands, targets, zones,
//! populations) and the periods of a time series.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::observatory::disclosure::DisclosureRule;

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
    /// A service with at most this share of its places free (percent) is near capacity.
    pub near_capacity_percent: u32,
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
            near_capacity_percent: 10,
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
        if self.near_capacity_percent > 100 {
            p.push(format!("observatory.near_capacity_percent: {} is more than 100", self.near_capacity_percent));
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

    /// The band an age falls in, e.g. "65-74" or "85+".
    pub fn age_band(&self, age: u32) -> String {
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

