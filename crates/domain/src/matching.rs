//! Matching a person to services: a short, ranked list a link worker can trust, each result
//! saying why it fits. Pure: the person's profile and candidate services (with their text score
//! and distance from the search) in, ranked and explained services out.
//!
//! What counts, by default (every weight is configurable):
//! - the person's needs, through a need → taxonomy mapping (keywords matched against the
//!   service's taxonomy terms, so it works with the demo taxonomy, Open Eligibility and AIRS);
//! - their interests, through the search's text score and the words found;
//! - their barriers: cost (free or low cost first), distance or transport (nearer first, much
//!   more strongly), language (services in their language), physical access (accessible sites);
//! - age and other eligibility (a service that does not take their age is left out), a service
//!   not running (left out), the times they are free, and places now (full ones sink, with the
//!   reason shown).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::geo::Point;
use crate::schedule::WeeklyHours;
use crate::service::{CostLevel, ServiceDoc};

/// What is known of the person.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// Needs codes (confirmed needs and the referral's reasons).
    pub needs: Vec<String>,
    /// Interests from "what matters to you", as words.
    pub interests: Vec<String>,
    /// Barriers codes (cost, distance_transport, language, physical_access, …).
    pub barriers: Vec<String>,
    pub age: Option<u32>,
    pub location: Option<Point>,
    /// The person's language (a code or name), when it is not English.
    pub language: Option<String>,
    /// Times the person is free: a day, from (inclusive) and to (exclusive).
    pub free_at: Vec<(Weekday, NaiveTime, NaiveTime)>,
}

impl Profile {
    fn has(&self, barrier: &str) -> bool {
        self.barriers.iter().any(|b| b == barrier)
    }
}

/// What the ranker weighs of a service. Made from the listing ([`ServiceFacts::of`]), or read
/// back from the search index, which stores the same facts so that matching never has to read
/// listings from the database.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceFacts {
    pub id: String,
    /// HSDS status `active` (or none).
    pub active: bool,
    pub min_age: Option<f64>,
    pub max_age: Option<f64>,
    /// Names of the service's taxonomy terms.
    pub terms: Vec<String>,
    pub cost: CostLevel,
    /// Language names and codes, lower case, of the service and its sites.
    pub languages: Vec<String>,
    /// Some site is wheelchair accessible.
    pub accessible: bool,
    /// Half-hour slots of the week in which some site is open ([`WeeklyHours::half_hour_slots`]),
    /// sorted.
    pub open_slots: Vec<u16>,
    /// Places now: `Some(false)` when full, `None` when not stated.
    pub has_capacity: Option<bool>,
    pub available_places: Option<f64>,
    pub wait_time: Option<String>,
}

impl ServiceFacts {
    /// The facts of a listing, with its schedules read as of `today`.
    pub fn of(doc: &ServiceDoc, today: NaiveDate) -> Self {
        let mut open_slots: Vec<u16> = if doc.service_at_locations.is_empty() {
            doc.hours_at(None, today).half_hour_slots()
        } else {
            doc.service_at_locations.iter().flat_map(|sal| doc.hours_at(Some(sal), today).half_hour_slots()).collect()
        };
        open_slots.sort_unstable();
        open_slots.dedup();
        ServiceFacts {
            id: doc.id.clone(),
            active: doc.is_active(),
            min_age: doc.minimum_age,
            max_age: doc.maximum_age,
            terms: doc.terms().map(|t| t.name.clone()).collect(),
            cost: doc.cost_level(),
            languages: doc.language_keys(),
            accessible: doc.service_at_locations.iter().filter_map(|s| s.location.as_ref()).any(|l| l.wheelchair_accessible()),
            open_slots,
            has_capacity: doc.has_capacity(),
            available_places: doc.available_places(),
            wait_time: doc.waiting_list().map(str::to_string),
        }
    }

    /// Folds in the facts of another site of the same service (the index holds one entry per
    /// site): access, languages and opening times are the service's if any site has them.
    pub fn merge(&mut self, other: &ServiceFacts) {
        self.accessible |= other.accessible;
        for l in &other.languages {
            if !self.languages.contains(l) {
                self.languages.push(l.clone());
            }
        }
        if other.open_slots != self.open_slots {
            self.open_slots.extend_from_slice(&other.open_slots);
            self.open_slots.sort_unstable();
            self.open_slots.dedup();
        }
    }

    pub fn accepts_age(&self, age: f64) -> bool {
        self.min_age.is_none_or(|m| age >= m) && self.max_age.is_none_or(|m| age <= m)
    }

    /// When a site is first open on `day` between `from` and `to`, if it is.
    pub fn first_open(&self, day: Weekday, from: NaiveTime, to: NaiveTime) -> Option<NaiveTime> {
        let (first, end) = (WeeklyHours::slot_of(day, from), WeeklyHours::slot_of(day, to));
        let i = self.open_slots.partition_point(|s| *s < first);
        let slot = *self.open_slots.get(i).filter(|s| **s < end)?;
        let in_day = u32::from(slot % 48);
        let start = NaiveTime::from_hms_opt(in_day / 2, (in_day % 2) * 30, 0)?;
        Some(start.max(from))
    }
}

/// One candidate from the search.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    pub facts: &'a ServiceFacts,
    /// The search's relevance for the person's words (any scale; normalised over the set).
    pub text_score: f32,
    /// Distance from the person, metres, at the nearest site.
    pub distance_m: Option<f64>,
    /// The person's interest words the listing mentions.
    pub words: Vec<String>,
}

/// Why a service fits (or what counts against it), for the link worker to read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fit {
    /// Meets a need, through one of its taxonomy terms.
    Need { need: String, term: String },
    Interest { words: Vec<String> },
    Near { distance_m: f64 },
    Free,
    LowCost,
    /// There is a charge, and cost is a barrier.
    Charges,
    Language { language: String },
    /// Not offered in the person's language.
    NotInLanguage { language: String },
    Accessible,
    /// Physical access is a barrier and the listing does not say the site is accessible.
    AccessNotStated,
    OpenWhenFree { day: Weekday, time: NaiveTime },
    Places { available: f64 },
    Full,
    WaitingList { wait: String },
}

/// A ranked service.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    pub service_id: String,
    pub score: f64,
    pub fits: Vec<Fit>,
}

/// The weights of each consideration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub need: f64,
    pub interest: f64,
    pub near: f64,
    pub near_with_transport_barrier: f64,
    /// Distance (metres) at which nearness counts half.
    pub near_half_m: f64,
    pub free_when_cost_barrier: f64,
    pub low_cost_when_cost_barrier: f64,
    pub charges_when_cost_barrier: f64,
    pub language: f64,
    pub not_in_language: f64,
    pub accessible: f64,
    pub access_not_stated: f64,
    pub open_when_free: f64,
    pub places: f64,
    pub full: f64,
    pub waiting_list: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            need: 3.0,
            interest: 2.5,
            near: 1.5,
            near_with_transport_barrier: 3.0,
            near_half_m: 2500.0,
            free_when_cost_barrier: 2.0,
            low_cost_when_cost_barrier: 1.0,
            charges_when_cost_barrier: -2.5,
            language: 2.0,
            not_in_language: -1.5,
            accessible: 1.5,
            access_not_stated: -1.0,
            open_when_free: 1.0,
            places: 0.3,
            full: -2.5,
            waiting_list: -0.7,
        }
    }
}

/// Needs → keywords found in the names (or codes) of taxonomy terms that meet them. Lower case;
/// a keyword matches when a term's name contains it.
pub type NeedTerms = BTreeMap<String, Vec<String>>;

/// The default mapping, written for the demo taxonomy, Open Eligibility and AIRS (211) names.
pub fn default_need_terms() -> NeedTerms {
    let m: &[(&str, &[&str])] = &[
        ("food", &["food", "meal", "pantry", "grocer", "nutrition"]),
        ("transportation", &["transport", "dial-a-ride", "car scheme", "bus", "transit", "ride"]),
        ("financial", &["money", "debt", "benefit", "financial", "income", "budget", "bill"]),
        ("legal", &["legal", "law", "immigration", "asylum"]),
        ("housing", &["housing", "home repair", "tenancy", "rent", "shelter"]),
        ("homelessness", &["homeless", "shelter", "rough sleep"]),
        ("utilities", &["energy", "utilit", "heating", "fuel", "electric", "keeping warm"]),
        ("digital_access", &["digital", "device", "internet", "computer"]),
        ("digital_literacy", &["digital skill", "digital inclusion", "computer class", "internet skill"]),
        ("diet", &["healthy eating", "cooking", "nutrition", "weight"]),
        ("exercise", &["physical activity", "exercise", "walking", "swimming", "dance", "sport", "fitness", "green gym"]),
        ("smoking", &["smoking", "tobacco"]),
        ("substance_use", &["alcohol", "drug", "substance", "addiction"]),
        ("chronic_disease", &["long-term condition", "self-management", "diabetes", "lung", "heart", "dementia", "chronic"]),
        ("mental_health", &["mental health", "wellbeing", "talking therap", "peer support", "counsel", "stress"]),
        ("social_connection", &["social connection", "befriending", "lunch club", "coffee morning", "warm space", "social club", "men's shed", "companion", "lonel"]),
        ("nature", &["nature", "gardening", "outdoor", "green gym", "conservation"]),
        ("arts_culture", &["arts", "singing", "music", "art group", "craft", "reading", "heritage", "museum", "culture"]),
        ("volunteering", &["volunteer"]),
        ("employment", &["job", "employment", "work"]),
        ("education", &["learning", "education", "esol", "class"]),
        ("community_groups", &["social club", "community group", "coffee morning", "lunch club"]),
        ("language", &["esol", "english language", "interpret", "translation"]),
        ("safety", &["domestic abuse", "domestic violence", "safety"]),
        ("elder_abuse", &["elder abuse", "adult protective", "safeguarding"]),
    ];
    m.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
}

/// What a deployment may change about matching, from its configuration file:
///
/// ```toml
/// [matching.need_terms]
/// food = ["food", "meal", "pantry", "community fridge"]
/// [matching.weights]
/// interest = 3.0
/// ```
///
/// A need named in `need_terms` gets exactly the keywords given; the others keep theirs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchingSettings {
    pub need_terms: NeedTerms,
    pub weights: Weights,
}

impl MatchingSettings {
    /// Every problem, each with where it is (`matching.need_terms.food`) and what to do.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut problems = vec![];
        for (need, keys) in &self.need_terms {
            if !crate::pathway::needs::NEEDS.iter().any(|n| n.code == need) {
                let known: Vec<&str> = crate::pathway::needs::NEEDS.iter().map(|n| n.code).collect();
                problems.push(format!("matching.need_terms.{need}: '{need}' is not a needs code; use one of {}", known.join(", ")));
            }
            if keys.is_empty() {
                problems.push(format!("matching.need_terms.{need}: give at least one keyword, or leave the need out to keep its defaults"));
            }
            for (i, k) in keys.iter().enumerate() {
                if k.trim().is_empty() {
                    problems.push(format!("matching.need_terms.{need}[{i}]: a keyword cannot be empty"));
                }
            }
        }
        let w = serde_json::to_value(&self.weights).unwrap_or_default();
        for (name, v) in w.as_object().into_iter().flatten() {
            if !v.as_f64().is_some_and(f64::is_finite) {
                problems.push(format!("matching.weights.{name}: must be a number"));
            }
        }
        if self.weights.near_half_m.is_nan() || self.weights.near_half_m <= 0.0 {
            problems.push("matching.weights.near_half_m: must be a distance in metres above 0".to_string());
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// The need → keywords map in use: the defaults, with the configured needs replaced.
    pub fn terms(&self) -> NeedTerms {
        let mut terms = default_need_terms();
        for (need, keys) in &self.need_terms {
            terms.insert(need.clone(), keys.iter().map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()).collect());
        }
        terms
    }
}

/// The name of the service's first taxonomy term that meets the need, if any.
fn need_term<'a>(terms: &NeedTerms, need: &str, f: &'a ServiceFacts) -> Option<&'a str> {
    let keys = terms.get(need)?;
    f.terms.iter().map(String::as_str).find(|name| {
        let n = name.to_lowercase();
        keys.iter().any(|k| n.contains(k.as_str()))
    })
}

fn language_matches(f: &ServiceFacts, language: &str) -> bool {
    let l = language.trim().to_lowercase();
    let primary = l.split('-').next().unwrap_or(&l).to_string();
    f.languages.iter().any(|k| *k == l || *k == primary)
}

/// Ranks the candidates for the person, best first, leaving out services the person cannot use
/// (not running, or not for their age). Ties keep the search's order.
pub fn rank(profile: &Profile, candidates: &[Candidate<'_>], terms: &NeedTerms, w: &Weights) -> Vec<Match> {
    let max_text = candidates.iter().map(|c| c.text_score).fold(0.0f32, f32::max);
    let mut out: Vec<(usize, Match)> = vec![];
    for (i, c) in candidates.iter().enumerate() {
        let d = c.facts;
        if !d.active {
            continue;
        }
        if let Some(age) = profile.age {
            if !d.accepts_age(age as f64) {
                continue;
            }
        }
        let mut score = 0.0;
        let mut fits = vec![];
        let mut met = 0;
        for need in &profile.needs {
            if met >= 2 {
                break;
            }
            if let Some(term) = need_term(terms, need, d) {
                score += w.need;
                met += 1;
                fits.push(Fit::Need { need: need.clone(), term: term.to_string() });
            }
        }
        // The search's relevance when it gives one (it may not, when it orders by distance),
        // else the share of the person's words the listing mentions.
        let relevance = if max_text > 0.0 { (c.text_score / max_text) as f64 } else { 0.0 };
        let share = if profile.interests.is_empty() { 0.0 } else { (c.words.len() as f64 / profile.interests.len() as f64).min(1.0) };
        if !c.words.is_empty() || relevance > 0.0 {
            score += w.interest * relevance.max(share);
            if !c.words.is_empty() {
                fits.push(Fit::Interest { words: c.words.clone() });
            }
        }
        if let Some(m) = c.distance_m {
            let weight = if profile.has("distance_transport") { w.near_with_transport_barrier } else { w.near };
            score += weight * w.near_half_m / (w.near_half_m + m);
            fits.push(Fit::Near { distance_m: m });
        }
        let cost = d.cost;
        if profile.has("cost") {
            match cost {
                CostLevel::Free => {
                    score += w.free_when_cost_barrier;
                    fits.push(Fit::Free);
                }
                CostLevel::LowCost => {
                    score += w.low_cost_when_cost_barrier;
                    fits.push(Fit::LowCost);
                }
                CostLevel::Paid => {
                    score += w.charges_when_cost_barrier;
                    fits.push(Fit::Charges);
                }
                CostLevel::Unknown => {}
            }
        } else if cost == CostLevel::Free {
            fits.push(Fit::Free);
        }
        if let Some(lang) = profile.language.as_deref().filter(|l| !l.is_empty()) {
            if language_matches(d, lang) {
                score += w.language;
                fits.push(Fit::Language { language: lang.to_string() });
            } else if profile.has("language") {
                score += w.not_in_language;
                fits.push(Fit::NotInLanguage { language: lang.to_string() });
            }
        }
        if profile.has("physical_access") {
            if d.accessible {
                score += w.accessible;
                fits.push(Fit::Accessible);
            } else {
                score += w.access_not_stated;
                fits.push(Fit::AccessNotStated);
            }
        }
        if !profile.free_at.is_empty() {
            if let Some((day, time)) = profile.free_at.iter().find_map(|(day, from, to)| Some((*day, d.first_open(*day, *from, *to)?))) {
                score += w.open_when_free;
                fits.push(Fit::OpenWhenFree { day, time });
            }
        }
        match d.has_capacity {
            Some(false) => {
                score += w.full;
                fits.push(Fit::Full);
            }
            Some(true) => {
                score += w.places;
                fits.push(Fit::Places { available: d.available_places.unwrap_or(0.0) });
            }
            None => {}
        }
        if let Some(wait) = d.wait_time.as_deref() {
            score += w.waiting_list;
            fits.push(Fit::WaitingList { wait: wait.to_string() });
        }
        out.push((i, Match { service_id: d.id.clone(), score, fits }));
    }
    out.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.cmp(&b.0)));
    out.into_iter().map(|(_, m)| m).collect()
}

/// Precision at k: the share of the first k results that are relevant.
pub fn precision_at(k: usize, ranked: &[String], relevant: &[String]) -> f64 {
    if k == 0 {
        return 0.0;
    }
    ranked.iter().take(k).filter(|id| relevant.contains(id)).count() as f64 / k as f64
}

/// Normalised discounted cumulative gain at k, with graded relevance (id → gain).
pub fn ndcg_at(k: usize, ranked: &[String], gains: &BTreeMap<String, f64>) -> f64 {
    let dcg: f64 = ranked.iter().take(k).enumerate().map(|(i, id)| gains.get(id).copied().unwrap_or(0.0) / ((i + 2) as f64).log2()).sum();
    let mut ideal: Vec<f64> = gains.values().copied().collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal.iter().take(k).enumerate().map(|(i, g)| g / ((i + 2) as f64).log2()).sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(id: &str, term: &str, extra: serde_json::Value) -> ServiceFacts {
        let mut v = json!({
            "id": id, "name": id, "status": "active",
            "attributes": [{ "id": format!("a-{id}"), "taxonomy_term": { "id": format!("t-{id}"), "name": term } }],
        });
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                o.insert(k.clone(), x.clone());
            }
        }
        ServiceFacts::of(&ServiceDoc::from_json(&v).unwrap(), today())
    }

    fn cand(d: &ServiceFacts, text: f32, m: Option<f64>) -> Candidate<'_> {
        Candidate { facts: d, text_score: text, distance_m: m, words: vec![] }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn a_service_meeting_the_need_beats_a_better_worded_one_that_does_not() {
        let food = doc("foodbank", "Food bank", json!({}));
        let choir = doc("choir", "Singing and music", json!({}));
        let p = Profile { needs: vec!["food".into()], ..Profile::default() };
        let r = rank(&p, &[cand(&choir, 9.0, None), cand(&food, 1.0, None)], &default_need_terms(), &Weights::default());
        assert_eq!(r[0].service_id, "foodbank");
        assert_eq!(r[0].fits[0], Fit::Need { need: "food".into(), term: "Food bank".into() });
    }

    #[test]
    fn barriers_change_the_order_and_say_why() {
        let paid = doc("paid", "Exercise classes", json!({ "cost_options": [{ "id": "c1", "amount": 12.0, "currency": "GBP" }] }));
        let free = doc("free", "Exercise classes", json!({ "cost_options": [{ "id": "c2", "amount": 0.0, "currency": "GBP" }] }));
        let near_paid = [cand(&paid, 1.0, Some(300.0)), cand(&free, 1.0, Some(3000.0))];
        let p = Profile { needs: vec!["exercise".into()], ..Profile::default() };
        assert_eq!(rank(&p, &near_paid, &default_need_terms(), &Weights::default())[0].service_id, "paid", "nearer wins without a cost barrier");
        let p = Profile { barriers: vec!["cost".into()], ..p };
        let r = rank(&p, &near_paid, &default_need_terms(), &Weights::default());
        assert_eq!(r[0].service_id, "free");
        assert!(r[0].fits.contains(&Fit::Free));
        assert!(r[1].fits.contains(&Fit::Charges));
    }

    #[test]
    fn people_are_not_offered_what_they_cannot_join() {
        let kids = doc("youth", "Youth clubs", json!({ "maximum_age": 18.0 }));
        let closed = doc("closed", "Social clubs", json!({ "status": "inactive" }));
        let open = doc("open", "Social clubs", json!({ "capacities": [{ "id": "k", "available": 0.0 }] }));
        let p = Profile { needs: vec!["social_connection".into()], age: Some(70), ..Profile::default() };
        let r = rank(&p, &[cand(&kids, 1.0, None), cand(&closed, 1.0, None), cand(&open, 1.0, None)], &default_need_terms(), &Weights::default());
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].fits.contains(&Fit::Full), "a full service stays, saying so");
    }

    #[test]
    fn the_persons_language_and_access_count() {
        let es = doc("es", "Social clubs", json!({ "languages": [{ "id": "l", "name": "Spanish", "code": "es" }] }));
        let en = doc("en", "Social clubs", json!({ "languages": [{ "id": "l2", "name": "English", "code": "en" }] }));
        let p = Profile { needs: vec!["social_connection".into()], language: Some("es".into()), barriers: vec!["language".into()], ..Profile::default() };
        let r = rank(&p, &[cand(&en, 1.0, None), cand(&es, 1.0, None)], &default_need_terms(), &Weights::default());
        assert_eq!(r[0].service_id, "es");
        assert!(r[1].fits.contains(&Fit::NotInLanguage { language: "es".into() }));
    }

    #[test]
    fn a_service_open_when_the_person_is_free_comes_first() {
        let sched = |day: &str| json!({ "schedules": [{ "id": format!("s-{day}"), "freq": "WEEKLY", "byday": day, "opens_at": "10:00", "closes_at": "12:00" }] });
        let monday = doc("monday", "Social clubs", sched("MO"));
        let friday = doc("friday", "Social clubs", sched("FR"));
        let at = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let friday_morning = (Weekday::Fri, at(9, 0), at(12, 0));
        let p = Profile { needs: vec!["social_connection".into()], free_at: vec![(Weekday::Sat, at(9, 0), at(12, 0)), friday_morning], ..Profile::default() };
        let r = rank(&p, &[cand(&monday, 1.0, None), cand(&friday, 1.0, None)], &default_need_terms(), &Weights::default());
        assert_eq!(r[0].service_id, "friday");
        assert!(r[0].fits.contains(&Fit::OpenWhenFree { day: Weekday::Fri, time: at(10, 0) }), "says when it opens in their free time: {:?}", r[0].fits);
        assert!(!r[1].fits.iter().any(|f| matches!(f, Fit::OpenWhenFree { .. })));
    }

    #[test]
    fn the_sites_of_one_service_add_up() {
        let mut a = ServiceFacts { id: "s".into(), languages: vec!["english".into()], open_slots: vec![1, 5], ..ServiceFacts::default() };
        let b = ServiceFacts { id: "s".into(), accessible: true, languages: vec!["spanish".into(), "english".into()], open_slots: vec![3, 5], ..ServiceFacts::default() };
        a.merge(&b);
        assert!(a.accessible);
        assert_eq!(a.languages, vec!["english".to_string(), "spanish".to_string()]);
        assert_eq!(a.open_slots, vec![1, 3, 5]);
        let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(a.first_open(Weekday::Mon, t(1, 0), t(3, 0)), Some(t(1, 30)), "slot 3 is 01:30");
        assert_eq!(a.first_open(Weekday::Mon, t(0, 45), t(1, 0)), Some(t(0, 45)), "open since 00:30");
        assert_eq!(a.first_open(Weekday::Mon, t(3, 0), t(9, 0)), None);
        assert_eq!(a.first_open(Weekday::Tue, t(0, 0), t(3, 0)), None, "slots are per day of the week");
        assert!(a.accepts_age(80.0));
        let teens = ServiceFacts { min_age: Some(13.0), max_age: Some(19.0), ..ServiceFacts::default() };
        assert!(teens.accepts_age(19.0) && !teens.accepts_age(20.0) && !teens.accepts_age(12.0));
    }

    #[test]
    fn a_deployment_can_change_what_meets_a_need() {
        let fridge = doc("fridge", "Community fridge", json!({}));
        let p = Profile { needs: vec!["food".into()], ..Profile::default() };
        let defaults = MatchingSettings::default();
        assert!(rank(&p, &[cand(&fridge, 0.0, None)], &defaults.terms(), &defaults.weights)[0].fits.is_empty());
        let mine: MatchingSettings = toml_like(json!({ "need_terms": { "food": ["Fridge"] }, "weights": { "need": 5.0 } }));
        assert_eq!(mine.check(), Ok(()));
        let r = rank(&p, &[cand(&fridge, 0.0, None)], &mine.terms(), &mine.weights);
        assert_eq!(r[0].fits, vec![Fit::Need { need: "food".into(), term: "Community fridge".into() }]);
        assert_eq!(r[0].score, 5.0);
        assert_eq!(mine.terms()["exercise"], default_need_terms()["exercise"], "other needs keep their keywords");
        let bad: MatchingSettings = toml_like(json!({ "need_terms": { "fod": ["food"], "housing": [] }, "weights": { "near_half_m": 0.0 } }));
        let problems = bad.check().unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("matching.need_terms.fod: 'fod' is not a needs code"), "{problems:?}");
        assert!(serde_json::from_value::<MatchingSettings>(json!({ "weigths": {} })).is_err(), "a misspelt section is refused");
    }

    fn toml_like(v: serde_json::Value) -> MatchingSettings {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn precision_and_ndcg() {
        let ranked: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|s| s.to_string()).collect();
        let relevant: Vec<String> = vec!["a".into(), "c".into(), "z".into()];
        assert_eq!(precision_at(5, &ranked, &relevant), 0.4);
        let gains: BTreeMap<String, f64> = [("a".to_string(), 2.0), ("c".to_string(), 1.0)].into_iter().collect();
        assert!((ndcg_at(10, &ranked, &gains) - (2.0 + 1.0 / 4f64.log2()) / (2.0 + 1.0 / 3f64.log2())).abs() < 1e-9);
        let perfect: Vec<String> = vec!["a".into(), "c".into()];
        assert!((ndcg_at(10, &perfect, &gains) - 1.0).abs() < 1e-12);
    }
}
