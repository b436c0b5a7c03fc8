//! Indicators as data: each indicator is a JSON definition (id, version, title and description in
//! every language, what it counts over, how it aggregates, its unit, the breakdowns it allows and
//! the consent it needs), checked in full when loaded and refused with every reason at once, as
//! instruments are (docs/decisions/0005). The vocabulary a definition may use — populations,
//! conditions, durations, dimensions — is the engine's, listed here, so that a new capability
//! (co-production's meetings and needs, say) adds a population and its words, and its indicators
//! are then written as data.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The languages every definition must carry its title and description in.
pub const LANGUAGES: [&str; 3] = ["en", "es", "lo"];

/// What an indicator counts over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    /// Referrals to the link-worker service (episodes), dated by when they were received.
    Episodes,
    /// Onward referrals to community organisations, dated by when they were sent.
    OnwardReferrals,
    /// Scores with a baseline and a follow-up, dated by the episode's referral.
    Outcomes,
    /// Goals set in episodes, dated by the episode's referral.
    Goals,
    /// Items of social prescriptions, dated by the episode's referral.
    Prescriptions,
    /// Needs confirmed on people's records, dated by the episode's referral.
    ConfirmedNeeds,
    /// Link workers and their caseloads over the last 12 months (not dated).
    LinkWorkers,
    /// The directory's active services, as they stand on the last day asked for (not dated).
    Services,
    /// The households or people a community's monitored values count (decision 0014): a value of
    /// 47 out of 160 households is 160 units of which 47 meet the indicator. Dated by the month;
    /// over a longer period each place's latest month in it counts.
    CommunityValues,
}

impl Population {
    pub const ALL: [Population; 9] = [
        Population::Episodes,
        Population::OnwardReferrals,
        Population::Outcomes,
        Population::Goals,
        Population::Prescriptions,
        Population::ConfirmedNeeds,
        Population::LinkWorkers,
        Population::Services,
        Population::CommunityValues,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Population::Episodes => "episodes",
            Population::OnwardReferrals => "onward_referrals",
            Population::Outcomes => "outcomes",
            Population::Goals => "goals",
            Population::Prescriptions => "prescriptions",
            Population::ConfirmedNeeds => "confirmed_needs",
            Population::LinkWorkers => "link_workers",
            Population::Services => "services",
            Population::CommunityValues => "community_values",
        }
    }

    /// Whether its units are people served (episodes and what hangs from them), whose counts
    /// disclosure control protects; link workers are staff and services are the directory's.
    /// A community's values count its households and people, so they are protected too.
    pub fn counts_people(self) -> bool {
        !matches!(self, Population::LinkWorkers | Population::Services)
    }

    /// The conditions a unit of this population can meet (`all` is every unit).
    pub fn conditions(self) -> &'static [&'static str] {
        match self {
            Population::Episodes => &[
                "all",
                "contacted",
                "assessed",
                "plan_agreed",
                "closed",
                "contacted_within_target",
                "open",
            ],
            Population::OnwardReferrals => &[
                "all",
                "enrolled",
                "engaged",
                "adhered",
                "rejected",
                "completed",
            ],
            Population::Outcomes => &["all", "improved", "no_change", "worse"],
            Population::Goals => &["all", "met"],
            Population::Prescriptions | Population::ConfirmedNeeds => &["all"],
            Population::LinkWorkers => &["all", "over_safe_caseload"],
            Population::Services => &["all", "confirmed_recently", "has_capacity", "at_or_near_capacity", "full"],
            // Every household or person a value is of, and those it says meet the indicator.
            Population::CommunityValues => &["all", "met"],
        }
    }

    /// The durations (in days) a unit of this population has.
    pub fn durations(self) -> &'static [&'static str] {
        match self {
            Population::Episodes => &[
                "referral_to_first_contact",
                "referral_to_plan",
                "episode_length",
            ],
            Population::OnwardReferrals => &["referral_to_first_attendance"],
            _ => &[],
        }
    }

    /// The values a mean can be taken of.
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Population::Outcomes => &["improvement"],
            Population::LinkWorkers => &["caseload"],
            _ => &[],
        }
    }

    /// The dimensions a unit of this population can be broken down or distributed by.
    pub fn dimensions(self) -> Vec<Dimension> {
        use Dimension::*;
        let person = [
            Period,
            AgeBand,
            Sex,
            Gender,
            Ethnicity,
            DeprivationDecile,
            DeprivationQuintile,
            Area,
            Source,
            LinkWorker,
            Team,
            Need,
            NeedCategory,
        ];
        let mut d: Vec<Dimension> = match self {
            Population::LinkWorkers => return vec![LinkWorker, Team],
            Population::Services => return vec![Organisation, Service, Zone],
            Population::CommunityValues => return vec![Period, Place, PlaceAbove],
            _ => person.to_vec(),
        };
        match self {
            Population::Episodes => d.push(ClosureReason),
            Population::OnwardReferrals => d.extend([Organisation, Service, Zone, RejectionReason]),
            Population::Outcomes => d.extend([Instrument, Verdict]),
            Population::Prescriptions => d.extend([Service, Zone]),
            Population::ConfirmedNeeds => d.push(ConfirmedNeed),
            _ => {}
        }
        d
    }
}

/// What an indicator can be broken down by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Week, month, quarter or year of the unit's date (chosen per request).
    Period,
    AgeBand,
    Sex,
    Gender,
    /// Ethnicity, grouped by the configured code list.
    Ethnicity,
    DeprivationDecile,
    DeprivationQuintile,
    Area,
    /// The referral source.
    Source,
    LinkWorker,
    /// The link worker's team. A definition that allows a breakdown by link worker allows one by
    /// team too: a team is a group of workers, so it says nothing finer.
    Team,
    /// The referral's reasons (a referral with two is counted under each).
    Need,
    /// The SDOH category of the referral's reasons.
    NeedCategory,
    ClosureReason,
    Organisation,
    Service,
    /// The four prescription zones (a service may be in several).
    Zone,
    RejectionReason,
    /// An outcome's instrument and score ("UCLA-3 total").
    Instrument,
    /// Improved, no change or worse by the instrument's threshold.
    Verdict,
    /// A confirmed need's SDOH category.
    ConfirmedNeed,
    /// The place a community's value is for (its code).
    Place,
    /// The place that one is in (a village's district).
    PlaceAbove,
}

impl Dimension {
    pub const ALL: [Dimension; 23] = [
        Dimension::Period,
        Dimension::AgeBand,
        Dimension::Sex,
        Dimension::Gender,
        Dimension::Ethnicity,
        Dimension::DeprivationDecile,
        Dimension::DeprivationQuintile,
        Dimension::Area,
        Dimension::Source,
        Dimension::LinkWorker,
        Dimension::Team,
        Dimension::Need,
        Dimension::NeedCategory,
        Dimension::ClosureReason,
        Dimension::Organisation,
        Dimension::Service,
        Dimension::Zone,
        Dimension::RejectionReason,
        Dimension::Instrument,
        Dimension::Verdict,
        Dimension::ConfirmedNeed,
        Dimension::Place,
        Dimension::PlaceAbove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Period => "period",
            Dimension::AgeBand => "age_band",
            Dimension::Sex => "sex",
            Dimension::Gender => "gender",
            Dimension::Ethnicity => "ethnicity",
            Dimension::DeprivationDecile => "deprivation_decile",
            Dimension::DeprivationQuintile => "deprivation_quintile",
            Dimension::Area => "area",
            Dimension::Source => "source",
            Dimension::LinkWorker => "link_worker",
            Dimension::Team => "team",
            Dimension::Need => "need",
            Dimension::NeedCategory => "need_category",
            Dimension::ClosureReason => "closure_reason",
            Dimension::Organisation => "organisation",
            Dimension::Service => "service",
            Dimension::Zone => "zone",
            Dimension::RejectionReason => "rejection_reason",
            Dimension::Instrument => "instrument",
            Dimension::Verdict => "verdict",
            Dimension::ConfirmedNeed => "confirmed_need",
            Dimension::Place => "place",
            Dimension::PlaceAbove => "place_above",
        }
    }

    /// Equity breakdowns: people who have not consented to evaluation are left out of them.
    pub fn is_equity(self) -> bool {
        matches!(
            self,
            Dimension::AgeBand
                | Dimension::Sex
                | Dimension::Gender
                | Dimension::Ethnicity
                | Dimension::DeprivationDecile
                | Dimension::DeprivationQuintile
        )
    }

    pub fn parse(s: &str) -> Result<Dimension, String> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<_> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
                format!("'{s}' is not a breakdown; use one of {}", all.join(", "))
            })
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the units are aggregated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Aggregate {
    /// How many units.
    Count,
    /// The share of the denominator's units that also meet the numerator.
    Proportion {
        numerator: String,
        denominator: String,
    },
    /// Median and 90th centile of a duration in days, over the units that have it.
    Duration { measure: String },
    /// Mean with a 95% confidence interval (outcomes: with improved / no change / worse).
    Mean { value: String },
    /// Counts of units reaching each of several conditions, in order (a funnel).
    Stages { stages: Vec<String> },
    /// Counts by one dimension's values (closures by reason, prescriptions by zone).
    Distribution { by: Dimension },
}

impl Aggregate {
    pub fn kind(&self) -> &'static str {
        match self {
            Aggregate::Count => "count",
            Aggregate::Proportion { .. } => "proportion",
            Aggregate::Duration { .. } => "duration",
            Aggregate::Mean { .. } => "mean",
            Aggregate::Stages { .. } => "stages",
            Aggregate::Distribution { .. } => "distribution",
        }
    }
}

/// Which consent the people counted must have given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentNeeded {
    /// Operational counts of the service's own workload: everyone counts.
    None,
    /// Only people whose consent to de-identified evaluation stands.
    Evaluation,
}

/// One indicator's definition, as loaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    pub id: String,
    pub version: String,
    /// Language tag → title.
    pub title: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
    pub population: Population,
    /// Only the units meeting this condition are counted (default all).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "where")]
    pub filter: Option<String>,
    pub aggregate: Aggregate,
    /// What the numbers are in: "referrals", "percent", "days", "points", "people"…
    pub unit: String,
    /// The breakdowns a request may ask for.
    #[serde(default)]
    pub breakdowns: Vec<Dimension>,
    pub consent: ConsentNeeded,
    /// Counts are also given per 1,000 population where the deployment configures area populations.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_population: bool,
    /// For community values: the code of `[community] indicators` it counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community_indicator: Option<String>,
}

/// Everything wrong with a definition, each with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionErrors(pub Vec<String>);

impl fmt::Display for DefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

impl std::error::Error for DefinitionErrors {}

impl IndicatorDef {
    /// Whether a question may break this indicator down by `d`: the breakdowns it lists, and the
    /// team wherever it lists the link worker.
    pub fn allows(&self, d: Dimension) -> bool {
        self.breakdowns.contains(&d) || d == Dimension::Team && self.breakdowns.contains(&Dimension::LinkWorker)
    }

    /// The breakdowns a question may ask for, in the definition's order (the team after the link
    /// worker).
    pub fn offered_breakdowns(&self) -> Vec<Dimension> {
        let mut out = vec![];
        for d in &self.breakdowns {
            if !out.contains(d) {
                out.push(*d);
            }
            if *d == Dimension::LinkWorker && !self.breakdowns.contains(&Dimension::Team) {
                out.push(Dimension::Team);
            }
        }
        out
    }

    /// Reads and checks a definition: JSON errors with their line and column, then every rule
    /// the definition breaks, with the field at fault.
    pub fn parse(json: &str) -> Result<IndicatorDef, DefinitionErrors> {
        let def: IndicatorDef = serde_json::from_str(json).map_err(|e| {
            DefinitionErrors(vec![format!(
                "line {}, column {}: {e}",
                e.line(),
                e.column()
            )])
        })?;
        def.check()?;
        Ok(def)
    }

    /// Every rule the definition breaks.
    pub fn check(&self) -> Result<(), DefinitionErrors> {
        let mut p = vec![];
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !self.id.starts_with('-');
        if !id_ok {
            p.push(format!(
                "id: '{}' must be 1 to 64 lower-case letters, digits and hyphens",
                self.id
            ));
        }
        let parts: Vec<&str> = self.version.split('.').collect();
        if !(parts.len() == 3
            && parts
                .iter()
                .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())))
        {
            p.push(format!(
                "version: '{}' must be MAJOR.MINOR.PATCH, e.g. 1.0.0",
                self.version
            ));
        }
        for (field, texts) in [("title", &self.title), ("description", &self.description)] {
            for lang in LANGUAGES {
                if texts.get(lang).is_none_or(|t| t.trim().is_empty()) {
                    p.push(format!(
                        "{field}.{lang}: is missing; every indicator is described in {}",
                        LANGUAGES.join(", ")
                    ));
                }
            }
        }
        let pop = self.population;
        // A name that must be one of the population's conditions, durations or values.
        let one_of = |at: &str, kind: &str, got: &str, options: &[&str], p: &mut Vec<String>| {
            if !options.contains(&got) {
                let options = if options.is_empty() { "(none)".to_string() } else { options.join(", ") };
                p.push(format!("{at}: '{got}' is not a {kind} of {}; use one of {options}", pop.as_str()));
            }
        };
        let cond = |at: &str, c: &str, p: &mut Vec<String>| one_of(at, "condition", c, pop.conditions(), p);
        if let Some(w) = &self.filter {
            cond("where", w, &mut p);
        }
        match &self.aggregate {
            Aggregate::Count => {}
            Aggregate::Proportion {
                numerator,
                denominator,
            } => {
                cond("aggregate.numerator", numerator, &mut p);
                cond("aggregate.denominator", denominator, &mut p);
                if numerator == denominator {
                    p.push("aggregate.numerator: is the same as the denominator".into());
                }
            }
            Aggregate::Duration { measure } => one_of("aggregate.measure", "duration", measure, pop.durations(), &mut p),
            Aggregate::Mean { value } => one_of("aggregate.value", "value", value, pop.values(), &mut p),
            Aggregate::Stages { stages } => {
                if stages.len() < 2 {
                    p.push("aggregate.stages: give at least two stages".into());
                }
                for (i, s) in stages.iter().enumerate() {
                    cond(&format!("aggregate.stages[{i}]"), s, &mut p);
                }
            }
            Aggregate::Distribution { by } => {
                if !pop.dimensions().contains(by) {
                    p.push(format!(
                        "aggregate.by: {} cannot be counted over {}",
                        by,
                        pop.as_str()
                    ));
                }
                if self.breakdowns.contains(by) {
                    p.push(format!(
                        "breakdowns: {by} is already what the indicator is distributed by"
                    ));
                }
            }
        }
        let dims = pop.dimensions();
        let mut seen = vec![];
        for (i, b) in self.breakdowns.iter().enumerate() {
            if !dims.contains(b) {
                p.push(format!(
                    "breakdowns[{i}]: {b} is not a breakdown of {}",
                    pop.as_str()
                ));
            }
            if seen.contains(b) {
                p.push(format!("breakdowns[{i}]: {b} is listed twice"));
            }
            seen.push(*b);
        }
        if self.unit.trim().is_empty() {
            p.push("unit: is missing (e.g. \"referrals\", \"percent\", \"days\")".into());
        }
        if self.per_population && !matches!(self.aggregate, Aggregate::Count) {
            p.push("per_population: only a count can be given per 1,000 population".into());
        }
        let equity: Vec<_> = self.breakdowns.iter().filter(|d| d.is_equity()).collect();
        if pop == Population::Outcomes && self.consent != ConsentNeeded::Evaluation {
            p.push("consent: outcomes are evaluation: use \"evaluation\"".into());
        }
        if pop == Population::LinkWorkers && !equity.is_empty() {
            p.push("breakdowns: link workers' caseloads have no equity breakdowns".into());
        }
        match (&self.community_indicator, pop == Population::CommunityValues) {
            (None, true) => p.push("community_indicator: is missing; name the [community] indicator it counts".into()),
            (Some(c), true) if !crate::coproduction::settings::is_code(c) => {
                p.push(format!("community_indicator: {c:?} must be letters, digits, '-', '.' or '_'"))
            }
            (Some(_), false) => p.push("community_indicator: only community_values count a community's indicator".into()),
            _ => {}
        }
        if pop == Population::CommunityValues {
            if !matches!(self.aggregate, Aggregate::Count | Aggregate::Proportion { .. }) {
                p.push("aggregate: community values are counted or given as a share (count or proportion)".into());
            }
            if self.filter.is_some() && !matches!(self.aggregate, Aggregate::Count) {
                p.push("where: a share of community values is always of met to all; give no where".into());
            }
            if self.consent != ConsentNeeded::None {
                p.push("consent: community values are counts a community gave, with no person's consent to look for: use \"none\"".into());
            }
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(DefinitionErrors(p))
        }
    }

    /// The title in a language, falling back to English.
    pub fn title_in(&self, lang: &str) -> &str {
        self.title
            .get(lang)
            .or_else(|| self.title.get("en"))
            .map(String::as_str)
            .unwrap_or(&self.id)
    }

    pub fn description_in(&self, lang: &str) -> &str {
        self.description
            .get(lang)
            .or_else(|| self.description.get("en"))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The canonical text of the definition (what its content hash and "never changes" compare).
    pub fn canonical(&self) -> String {
        serde_json::to_string(self).expect("definitions serialise")
    }
}

/// The shipped indicator set: (file name, definition).
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "referrals-received.json",
        include_str!("../../indicators/referrals-received.json"),
    ),
    (
        "referrals-by-source.json",
        include_str!("../../indicators/referrals-by-source.json"),
    ),
    (
        "referrals-by-need.json",
        include_str!("../../indicators/referrals-by-need.json"),
    ),
    (
        "time-to-first-contact.json",
        include_str!("../../indicators/time-to-first-contact.json"),
    ),
    (
        "contacted-within-target.json",
        include_str!("../../indicators/contacted-within-target.json"),
    ),
    (
        "pathway-funnel.json",
        include_str!("../../indicators/pathway-funnel.json"),
    ),
    (
        "closures-by-reason.json",
        include_str!("../../indicators/closures-by-reason.json"),
    ),
    (
        "onward-enrolment.json",
        include_str!("../../indicators/onward-enrolment.json"),
    ),
    (
        "onward-engagement.json",
        include_str!("../../indicators/onward-engagement.json"),
    ),
    (
        "onward-adherence.json",
        include_str!("../../indicators/onward-adherence.json"),
    ),
    (
        "onward-time-to-attendance.json",
        include_str!("../../indicators/onward-time-to-attendance.json"),
    ),
    (
        "onward-rejections-by-reason.json",
        include_str!("../../indicators/onward-rejections-by-reason.json"),
    ),
    (
        "outcome-change.json",
        include_str!("../../indicators/outcome-change.json"),
    ),
    (
        "goals-met.json",
        include_str!("../../indicators/goals-met.json"),
    ),
    (
        "caseload-per-worker.json",
        include_str!("../../indicators/caseload-per-worker.json"),
    ),
    (
        "confirmed-needs.json",
        include_str!("../../indicators/confirmed-needs.json"),
    ),
    (
        "prescriptions-by-zone.json",
        include_str!("../../indicators/prescriptions-by-zone.json"),
    ),
    (
        "onward-by-organisation.json",
        include_str!("../../indicators/onward-by-organisation.json"),
    ),
    (
        "services-confirmed-recently.json",
        include_str!("../../indicators/services-confirmed-recently.json"),
    ),
    (
        "services-near-capacity.json",
        include_str!("../../indicators/services-near-capacity.json"),
    ),
];

/// The shipped definitions, parsed.
pub fn built_in() -> Vec<IndicatorDef> {
    BUILT_IN
        .iter()
        .map(|(file, json)| {
            IndicatorDef::parse(json).unwrap_or_else(|e| panic!("shipped indicator {file}: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_indicator_loads_and_ids_are_unique() {
        let all = built_in();
        assert!(all.len() >= 18);
        let mut ids: Vec<_> = all.iter().map(|d| d.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn a_bad_definition_is_refused_with_every_reason() {
        let json = r#"{"id": "Bad Id", "version": "1", "title": {"en": "x"}, "description": {"en": "y", "es": "y", "lo": "y"},
            "population": "onward_referrals", "where": "contacted", "aggregate": {"kind": "duration", "measure": "episode_length"},
            "unit": "", "breakdowns": ["instrument", "sex", "sex"], "consent": "none"}"#;
        let e = IndicatorDef::parse(json).unwrap_err().0;
        let text = e.join("\n");
        for needle in [
            "id:",
            "version:",
            "title.es",
            "title.lo",
            "where: 'contacted'",
            "aggregate.measure",
            "unit:",
            "breakdowns[0]",
            "breakdowns[2]: sex is listed twice",
        ] {
            assert!(text.contains(needle), "{needle} missing from:\n{text}");
        }
    }

    #[test]
    fn unknown_fields_and_bad_json_say_where() {
        let e = IndicatorDef::parse("{\"id\": \"x\",\n \"colour\": 1}")
            .unwrap_err()
            .0;
        assert!(e[0].starts_with("line 2"), "{e:?}");
        assert!(e[0].contains("colour"), "{e:?}");
    }
}
