//! The units an indicator counts (episodes, onward referrals, outcomes, goals, prescriptions,
//! confirmed needs, link workers, services, the households and people of communities' values), the values each has for a breakdown, and the conditions and
//! measures a definition may name.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::{Granularity, ObservatorySettings};
use crate::instrument::Change;
use crate::observatory::definition::{Dimension, Population};
use crate::observatory::facts::{
    CommunityValueFact, EpisodeFact, Facts, GoalFact, OnwardFact, OutcomeFact, PrescriptionFact, ServiceFact,
};
use crate::observatory::stats;
use crate::pathway::needs;

/// What one unit of a population is.
pub(super) enum Unit<'a> {
    Episode(&'a EpisodeFact),
    Onward(&'a EpisodeFact, &'a OnwardFact),
    Outcome(&'a EpisodeFact, &'a OutcomeFact),
    Goal(&'a EpisodeFact, &'a GoalFact),
    Prescription(&'a EpisodeFact, &'a PrescriptionFact),
    Need(&'a EpisodeFact, &'a str),
    Worker(&'a str, u64),
    Service(&'a ServiceFact),
    /// A community's value: the households or people it is of, as one weighted unit.
    Community(&'a CommunityValueFact),
}

impl<'a> Unit<'a> {
    pub(super) fn episode(&self) -> Option<&'a EpisodeFact> {
        match self {
            Unit::Episode(e)
            | Unit::Onward(e, _)
            | Unit::Outcome(e, _)
            | Unit::Goal(e, _)
            | Unit::Prescription(e, _)
            | Unit::Need(e, _) => Some(e),
            Unit::Worker(..) | Unit::Service(..) | Unit::Community(..) => None,
        }
    }

    /// How many units it stands for in a condition: a community's value is many households or
    /// people (all of them, or those it says meet the indicator); every other unit is one or none.
    pub(super) fn weight(&self, ctx: &Ctx, cond: &str) -> u64 {
        match self {
            Unit::Community(c) => match cond {
                "met" => c.value.min(c.total()),
                "all" => c.total(),
                _ => 0,
            },
            u => u64::from(ctx.meets(u, cond)),
        }
    }

    pub(super) fn date(&self) -> Option<NaiveDate> {
        match self {
            Unit::Onward(_, o) => Some(o.sent_on),
            // A community's value is for a whole month: which ones a period takes is decided when
            // the latest of each place is chosen (`tally::latest_values`).
            Unit::Worker(..) | Unit::Service(..) | Unit::Community(..) => None,
            u => u.episode().map(|e| e.received_on),
        }
    }
}

pub(super) const UNKNOWN: &str = "unknown";

pub(super) struct Ctx<'s> {
    pub s: &'s ObservatorySettings,
    pub granularity: Granularity,
    /// The last day asked for: services are judged as they stand on it.
    pub to: NaiveDate,
    /// Link workers' teams, by display name.
    pub teams: &'s std::collections::BTreeMap<String, String>,
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
    pub(super) fn values(&self, u: &Unit, d: Dimension) -> Vec<String> {
        use Dimension::*;
        if let Unit::Worker(name, _) = u {
            return match d {
                Dimension::Team => vec![self.teams.get(*name).cloned().unwrap_or_else(|| UNKNOWN.into())],
                _ => vec![name.to_string()],
            };
        }
        if let Unit::Service(s) = u {
            return match d {
                Dimension::Organisation => vec![s.organisation.clone()],
                Dimension::Service => vec![s.service.clone()],
                Dimension::Zone => non_empty(self.s.zones_of(&s.terms)),
                _ => vec![UNKNOWN.into()],
            };
        }
        if let Unit::Community(c) = u {
            return match d {
                Dimension::Period => vec![self.granularity.label(c.month)],
                Dimension::Place => vec![c.place().to_string()],
                Dimension::PlaceAbove => {
                    vec![c.path.len().checked_sub(2).map(|i| c.path[i].clone()).unwrap_or_else(|| UNKNOWN.into())]
                }
                _ => vec![UNKNOWN.into()],
            };
        }
        let e = u
            .episode()
            .expect("units other than workers, services and community values have an episode");
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
            Team => opt(&e.team),
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
            Place | PlaceAbove => vec![UNKNOWN.into()],
        }
    }

    pub(super) fn meets(&self, u: &Unit, cond: &str) -> bool {
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
            Unit::Service(s) => {
                let places = |v: Option<f64>| v.filter(|n| n.is_finite());
                let (available, maximum) = (places(s.available), places(s.maximum));
                match cond {
                    // Confirmed within the three months that end on the last day asked for.
                    "confirmed_recently" => s.confirmed_on.is_some_and(|d| {
                        d <= self.to && self.to.checked_sub_months(chrono::Months::new(3)).is_none_or(|since| d > since)
                    }),
                    "has_capacity" => available.is_some(),
                    "full" => available.is_some_and(|a| a <= 0.0),
                    "at_or_near_capacity" => match (available, maximum) {
                        (Some(a), _) if a <= 0.0 => true,
                        (Some(a), Some(m)) if m > 0.0 => a <= m * f64::from(self.s.near_capacity_percent) / 100.0,
                        _ => false,
                    },
                    _ => false,
                }
            }
            Unit::Community(c) => cond == "met" && c.value > 0,
            Unit::Prescription(..) | Unit::Need(..) => false,
        }
    }

    pub(super) fn number(&self, u: &Unit, name: &str) -> Option<f64> {
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
pub(super) fn natural(a: &str, b: &str) -> Ordering {
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


pub(super) fn units<'a>(pop: Population, facts: &'a Facts) -> Vec<Unit<'a>> {
    let mut out = vec![];
    if pop == Population::CommunityValues {
        return facts.community_values.iter().map(Unit::Community).collect();
    }
    if pop == Population::Services {
        return facts.services.iter().map(Unit::Service).collect();
    }
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
            Population::LinkWorkers | Population::Services | Population::CommunityValues => {}
        }
    }
    out
}

