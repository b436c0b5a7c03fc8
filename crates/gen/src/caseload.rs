//! A year of a made-up link worker service in Millbrook, as a plan of dated steps: who was
//! referred, by whom and for what, when they were contacted, assessed and agreed a plan, where
//! they were referred on, which sessions they went to, how they scored on ONS4 and UCLA3 before
//! and after, and how their episode closed.
//!
//! `linkwork demo` carries the plan out through the store's ordinary operations (each step dated
//! when it happened), so that the observatory, the caseload and the outcome charts have something
//! true to show. The plan is pure and deterministic: the same seed and day give the same plan.
//! Rates are chosen to look like published programme evaluations (most people contacted within
//! two weeks, about three in four enrolled where referred on, some lost at every step), not
//! drawn from real people.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use linkwork_domain::pathway::episode::{ClosureReason, EpisodeStatus, TransitionRequest};
use linkwork_domain::pathway::person::{PersonDetails, Sex};
use linkwork_domain::pathway::referral::{ReferralDetails, ReferralSource, Urgency};
use linkwork_domain::pathway::task::TaskStatus;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::words::{FIRST_NAMES, SURNAMES};

/// One person's year.
#[derive(Clone, Debug)]
pub struct PlannedPerson {
    pub details: PersonDetails,
    pub referral: ReferralDetails,
    pub received: DateTime<Utc>,
    /// When consent to evaluation was given, and when it was withdrawn (if it was).
    pub evaluation_consent: Option<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// When the link worker took the case on (at first contact or its attempt).
    pub assigned: Option<DateTime<Utc>>,
    /// The episode's transitions after `received`, in order.
    pub steps: Vec<(DateTime<Utc>, TransitionRequest)>,
    /// A goal agreed with the plan: its time and words.
    pub goal: Option<(DateTime<Utc>, String)>,
    /// The goal's review when the episode closed, and whether it was achieved.
    pub goal_review: Option<(DateTime<Utc>, bool)>,
    pub onward: Option<PlannedOnward>,
    pub measures: Vec<PlannedMeasure>,
}

/// A referral on to a community service, and what the organisation recorded.
#[derive(Clone, Debug)]
pub struct PlannedOnward {
    /// Sent at this time (consent to share with the organisation is recorded just before).
    pub sent: DateTime<Utc>,
    /// Which of the caller's services (an index into its list, taken modulo its length).
    pub service: usize,
    /// The organisation's status changes, in order.
    pub steps: Vec<(DateTime<Utc>, TaskStatus, Option<&'static str>)>,
    /// Sessions recorded: the day and whether the person came.
    pub sessions: Vec<(NaiveDate, bool)>,
}

/// A completed questionnaire.
#[derive(Clone, Debug)]
pub struct PlannedMeasure {
    pub at: DateTime<Utc>,
    /// The instrument's name, as `linkwork instruments` lists it (ONS4, UCLA3).
    pub instrument: &'static str,
    /// screening, baseline or follow_up.
    pub timepoint: &'static str,
    pub answers: Value,
}

/// Where Millbrook's people live, with a typical deprivation decile for each (1 = most deprived).
const AREAS: &[(&str, &str, u8)] = &[
    ("Millbrook", "MB1", 4),
    ("Northfield", "MB2", 2),
    ("Brookside", "MB3", 6),
    ("Castle Hill", "MB4", 8),
    ("Riverside", "MB5", 1),
    ("St Anne's", "MB6", 5),
    ("Kingsmere", "MB7", 7),
    ("Hollowell", "MB8", 6),
    ("Ashby Green", "MB9", 9),
];

/// Referral sources with their weights (most come from general practice).
const SOURCES: &[(ReferralSource, u32)] = &[
    (ReferralSource::Gp, 52),
    (ReferralSource::Nurse, 10),
    (ReferralSource::SelfReferral, 12),
    (ReferralSource::Hospital, 5),
    (ReferralSource::SocialWorker, 6),
    (ReferralSource::Pharmacist, 4),
    (ReferralSource::CommunityMember, 6),
    (ReferralSource::MentalHealthTeam, 5),
];

/// Reasons for referral (need codes) with their weights.
const REASONS: &[(&str, u32)] = &[
    ("social_connection", 30),
    ("mental_health", 16),
    ("financial", 12),
    ("exercise", 10),
    ("housing", 7),
    ("food", 6),
    ("chronic_disease", 6),
    ("arts_culture", 4),
    ("nature", 4),
    ("employment", 3),
    ("digital_literacy", 2),
];

/// England's 2021 census ethnicity codes (NHS data dictionary letters) with rough weights.
const ETHNICITIES: &[(&str, u32)] = &[("A", 72), ("C", 6), ("H", 4), ("J", 4), ("N", 3), ("M", 2), ("R", 2), ("F", 2), ("S", 2), ("Z", 3)];

const GOALS: &[&str] = &[
    "Get out of the house and meet people at least once a week",
    "Sort out the benefits I am owed",
    "Walk to the park and back without stopping",
    "Find a group where I can talk about how I feel",
    "Learn to video-call my grandchildren",
    "Get help with my rent arrears",
    "Start painting again",
    "Cook a hot meal most days",
];

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, w) in items {
        if pick < *w {
            return *item;
        }
        pick -= w;
    }
    items[items.len() - 1].0
}

/// Days until something happens: mostly soon, with a long tail (a log-normal-ish spread).
fn days_after(rng: &mut ChaCha8Rng, median: f64) -> Duration {
    let z: f64 = (0..4).map(|_| rng.gen::<f64>()).sum::<f64>() - 2.0; // roughly normal, sd 0.58
    let days = median * (z * 1.2).exp();
    Duration::minutes((days * 24.0 * 60.0) as i64 + rng.gen_range(30..240))
}

fn ons4(rng: &mut ChaCha8Rng, shift: i64) -> Value {
    let mut s = |base: i64| (base + shift + rng.gen_range(-2..=2)).clamp(0, 10);
    json!({ "life_satisfaction": s(4), "worthwhile": s(5), "happy": s(4), "anxious": (6 - shift + rng.gen_range(-2..=2)).clamp(0, 10) })
}

fn ucla3(rng: &mut ChaCha8Rng, better: bool) -> Value {
    let pick = |rng: &mut ChaCha8Rng| {
        let options = if better { ["hardly-ever", "some-of-the-time", "some-of-the-time"] } else { ["often", "often", "some-of-the-time"] };
        *options.choose(rng).unwrap()
    };
    json!({ "u1": [pick(rng)], "u2": [pick(rng)], "u3": [pick(rng)] })
}

fn hunger(rng: &mut ChaCha8Rng) -> Value {
    let mut pick = || *["LA28397-0", "LA6729-3", "LA28398-8"].choose(rng).unwrap();
    json!({ "hvs1": [pick()], "hvs2": [pick()] })
}

/// `people` referrals received over the year before `today`, oldest first.
pub fn plan(people: usize, seed: u64, today: NaiveDate) -> Vec<PlannedPerson> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let now = Utc.from_utc_datetime(&today.and_hms_opt(17, 0, 0).expect("a valid time"));
    let start = now - Duration::days(365);
    let mut received: Vec<DateTime<Utc>> = (0..people)
        .map(|_| {
            let day = start + Duration::days(rng.gen_range(0..365));
            day - Duration::hours(8) + Duration::minutes(rng.gen_range(0..8 * 60))
        })
        .collect();
    received.sort();
    received.into_iter().map(|at| person(&mut rng, at, now)).collect()
}

fn person(rng: &mut ChaCha8Rng, received: DateTime<Utc>, now: DateTime<Utc>) -> PlannedPerson {
    let (area, district, decile) = *AREAS.choose(rng).unwrap();
    let age = if rng.gen_bool(0.55) { rng.gen_range(65..92) } else { rng.gen_range(18..65) };
    let born = received.date_naive() - Duration::days(age * 365 + rng.gen_range(0..365));
    let sex = if rng.gen_bool(0.58) { Sex::Female } else { Sex::Male };
    let details = PersonDetails {
        given_name: Some(FIRST_NAMES.choose(rng).unwrap().to_string()),
        family_name: Some(SURNAMES.choose(rng).unwrap().to_string()),
        birth_date: Some(born.format("%Y-%m-%d").to_string()),
        sex: Some(sex),
        ethnicity: rng.gen_bool(0.9).then(|| weighted(rng, ETHNICITIES).to_string()),
        phone: Some(format!("01632 960 {:03}", rng.gen_range(0..1000))),
        postcode: Some(format!("{district} {}{}{}", rng.gen_range(1..9), (b'A' + rng.gen_range(0..26)) as char, (b'A' + rng.gen_range(0..26)) as char)),
        area: Some(area.to_string()),
        deprivation_decile: Some((decile as i64 + rng.gen_range(-1..=1)).clamp(1, 10) as u8),
        language: Some(if rng.gen_bool(0.06) { "es" } else { "en" }.to_string()),
        ..PersonDetails::default()
    };
    let mut reasons = vec![weighted(rng, REASONS).to_string()];
    if rng.gen_bool(0.35) {
        let second = weighted(rng, REASONS).to_string();
        if second != reasons[0] {
            reasons.push(second);
        }
    }
    let referral = ReferralDetails {
        source: weighted(rng, SOURCES),
        referrer_name: None,
        referrer_organisation: None,
        referrer_contact: None,
        reasons: reasons.clone(),
        details: Some("Referred for support with what matters to them.".into()),
        urgency: if rng.gen_bool(0.08) { Urgency::Urgent } else { Urgency::Routine },
        risks: None,
        safeguarding: false,
    };
    let mut p = PlannedPerson {
        details,
        referral,
        received,
        evaluation_consent: None,
        assigned: None,
        steps: vec![],
        goal: None,
        goal_review: None,
        onward: None,
        measures: vec![],
    };
    let step = |to: EpisodeStatus| TransitionRequest { to, accepted: None, reason: None };
    let close = |reason: ClosureReason| TransitionRequest { to: EpisodeStatus::Closed, accepted: None, reason: Some(reason) };
    let mut at = received;

    // First contact, sometimes after an attempt or two; some are never reached.
    at += days_after(rng, 4.0);
    if at > now {
        return p;
    }
    p.assigned = Some(at);
    if rng.gen_bool(0.2) {
        p.steps.push((at, step(EpisodeStatus::ContactAttempted)));
        if rng.gen_bool(0.3) {
            at += Duration::days(21);
            if at < now {
                p.steps.push((at, close(ClosureReason::UnableToContact)));
            }
            return p;
        }
        at += days_after(rng, 3.0);
        if at > now {
            return p;
        }
    }
    if rng.gen_bool(0.07) {
        p.steps.push((at, close(ClosureReason::Declined)));
        return p;
    }
    p.steps.push((at, TransitionRequest { to: EpisodeStatus::Contacted, accepted: Some(true), reason: None }));
    if rng.gen_bool(0.82) {
        let withdrawn = rng.gen_bool(0.05).then(|| at + Duration::days(rng.gen_range(10..120))).filter(|w| *w < now);
        p.evaluation_consent = Some((at, withdrawn));
    }

    // The "what matters to you" conversation, with a baseline measure.
    at += days_after(rng, 7.0);
    if at > now {
        return p;
    }
    p.steps.push((at, step(EpisodeStatus::Assessed)));
    let lonely = p.referral.reasons.iter().any(|r| r == "social_connection");
    p.measures.push(PlannedMeasure { at, instrument: "ONS4", timepoint: "baseline", answers: ons4(rng, 0) });
    if lonely {
        p.measures.push(PlannedMeasure { at, instrument: "UCLA3", timepoint: "baseline", answers: ucla3(rng, false) });
    }
    // People referred for money or food are screened for food insecurity; a positive screen
    // proposes the need, which the link worker confirms.
    if p.referral.reasons.iter().any(|r| r == "food" || r == "financial") {
        p.measures.push(PlannedMeasure { at, instrument: "HungerVitalSign", timepoint: "screening", answers: hunger(rng) });
    }
    if rng.gen_bool(0.08) {
        at += Duration::days(rng.gen_range(7..30));
        if at < now {
            p.steps.push((at, close(ClosureReason::Disengaged)));
        }
        return p;
    }
    at += days_after(rng, 3.0);
    if at > now {
        return p;
    }
    p.steps.push((at, step(EpisodeStatus::PlanAgreed)));
    p.goal = Some((at, GOALS.choose(rng).unwrap().to_string()));

    // Referred on, and what the organisation did with it.
    let mut onward_active = None;
    if rng.gen_bool(0.85) {
        let sent = at + Duration::hours(rng.gen_range(1..48));
        if sent < now {
            let mut o = PlannedOnward { sent, service: rng.gen_range(0..1000), steps: vec![], sessions: vec![] };
            let mut t = sent + days_after(rng, 3.0);
            let answer = rng.gen_range(0..100);
            if t < now && answer < 76 {
                o.steps.push((t, TaskStatus::Accepted, None));
                t += days_after(rng, 5.0);
                if t < now && rng.gen_bool(0.88) {
                    o.steps.push((t, TaskStatus::InProgress, None));
                    onward_active = Some(t);
                    let keen = rng.gen_range(0.35..0.95);
                    let mut day = t.date_naive() + Duration::days(rng.gen_range(1..7));
                    for _ in 0..rng.gen_range(1..11) {
                        if day >= now.date_naive() {
                            break;
                        }
                        o.sessions.push((day, rng.gen_bool(keen)));
                        day += Duration::days(7);
                    }
                    let attended = o.sessions.iter().filter(|s| s.1).count();
                    let last = Utc.from_utc_datetime(&(day.and_hms_opt(12, 0, 0).expect("a valid time")));
                    if o.sessions.len() >= 6 && last < now {
                        o.steps.push((last, if attended >= 4 { TaskStatus::Completed } else { TaskStatus::Failed }, (attended < 4).then_some("stopped coming")));
                    }
                }
            } else if t < now && answer < 88 {
                o.steps.push((t, TaskStatus::Rejected, Some("the group is full until the spring")));
            }
            p.onward = Some(o);
        }
    }
    if let Some(t) = onward_active {
        at = at.max(t);
        p.steps.push((at, step(EpisodeStatus::Active)));
    }

    // A follow-up measure and closure, for those whose support has run its course.
    let end = at + Duration::days(rng.gen_range(42..120));
    if end > now {
        return p;
    }
    let better = rng.gen_bool(0.65);
    p.measures.push(PlannedMeasure { at: end, instrument: "ONS4", timepoint: "follow_up", answers: ons4(rng, if better { 2 } else { 0 }) });
    if lonely {
        p.measures.push(PlannedMeasure { at: end, instrument: "UCLA3", timepoint: "follow_up", answers: ucla3(rng, better) });
    }
    let met = better || rng.gen_bool(0.5);
    p.goal_review = Some((end, met && better));
    p.steps.push((end, close(if met { ClosureReason::GoalsMet } else { ClosureReason::Disengaged })));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_a_believable_year_and_the_same_from_the_same_seed() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let a = plan(400, 7, today);
        let b = plan(400, 7, today);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let now = Utc.from_utc_datetime(&today.and_hms_opt(17, 0, 0).unwrap());
        for p in &a {
            let mut last = p.received;
            for (t, _) in &p.steps {
                assert!(*t >= last && *t <= now, "steps out of order or in the future: {p:?}");
                last = *t;
            }
            if let Some(o) = &p.onward {
                assert!(o.steps.iter().all(|(t, _, _)| *t >= o.sent && *t <= now));
            }
        }
        let closed = a.iter().filter(|p| p.steps.last().is_some_and(|s| s.1.to == EpisodeStatus::Closed)).count();
        let onward = a.iter().filter(|p| p.onward.is_some()).count();
        let contacted = a.iter().filter(|p| p.steps.iter().any(|s| s.1.to == EpisodeStatus::Contacted)).count();
        assert!(contacted > 300 && closed > 150 && closed < 350 && onward > 180, "contacted {contacted}, closed {closed}, onward {onward}");
    }
}
