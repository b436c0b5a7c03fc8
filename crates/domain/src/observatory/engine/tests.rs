//! The engine's behaviour on small hand-made caseloads whose answers are worked out by hand.

use super::*;
use crate::instrument::Change;
use crate::observatory::facts::{EpisodeFact, EvaluationConsent, OutcomeFact};
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
        ..Default::default()
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

#[test]
fn a_referral_for_several_needs_is_in_each_need_but_once_in_every_total() {
    let mut f = facts();
    // Every fourth referral is also for food (10 of 40; 8 of them from GPs).
    for (i, e) in f.episodes.iter_mut().enumerate() {
        if i % 4 == 0 {
            e.needs.push("food".into());
        }
    }
    let e = evaluate(&def("referrals-by-need"), &f, &req(vec![Dimension::Source]), &exact());
    let count = |k: &[Option<&str>]| e.cell(k).unwrap().count;
    assert_eq!(count(&[Some("gp"), Some("social-connection")]), Some(30));
    assert_eq!(count(&[Some("gp"), Some("food-insecurity")]), Some(8));
    assert_eq!(count(&[Some("self_referral"), Some("food-insecurity")]), Some(2));
    // Totals are referrals, not the sums of the cells (38 and 50).
    assert_eq!(count(&[Some("gp"), None]), Some(30));
    assert_eq!(count(&[None, Some("food-insecurity")]), Some(10));
    assert_eq!(count(&[None, None]), Some(40));
    // With the default rule the 2 self-referrals for food are hidden, and so is a partner of it in
    // their row and column; the totals need not be.
    let e = evaluate(&def("referrals-by-need"), &f, &req(vec![Dimension::Source]), &ObservatorySettings::default());
    assert_eq!(e.cell(&[Some("self_referral"), Some("food-insecurity")]).unwrap().count, None);
    let hidden = |k: &[Option<&str>]| e.cell(k).unwrap().count.is_none();
    assert!(hidden(&[Some("self_referral"), Some("social-connection")]) || hidden(&[Some("self_referral"), None]));
    assert!(hidden(&[Some("gp"), Some("food-insecurity")]) || hidden(&[None, Some("food-insecurity")]));
    assert_eq!(e.total().unwrap().count, Some(40));
}

#[test]
fn the_directory_health_counts_services_as_they_are_without_suppression() {
    use crate::observatory::facts::ServiceFact;
    let service = |org: &str, confirmed: Option<&str>, places: Option<(f64, f64)>| ServiceFact {
        organisation: org.into(),
        service: format!("{org} service"),
        confirmed_on: confirmed.map(d),
        available: places.map(|p| p.0),
        maximum: places.map(|p| p.1),
        terms: vec![],
    };
    let f = Facts {
        services: vec![
            service("Walkers", Some("2026-11-01"), Some((0.0, 10.0))),
            service("Walkers", Some("2026-06-01"), Some((5.0, 10.0))),
            service("Choir", None, None),
            service("Choir", Some("2026-12-20"), Some((1.0, 20.0))),
        ],
        ..facts()
    };
    let s = ObservatorySettings::default();
    let e = evaluate(&def("services-confirmed-recently"), &f, &req(vec![Dimension::Organisation]), &s);
    let total = e.total().unwrap();
    assert_eq!((total.numerator, total.count, total.percent), (Some(2), Some(4), Some(50.0)), "{e:#?}");
    // Counts of services, not of people: 1 of 2 is shown as it is.
    let walkers = e.cell(&[Some("Walkers")]).unwrap();
    assert_eq!((walkers.numerator, walkers.count, walkers.suppressed), (Some(1), Some(2), false));
    // Three months back from the last day asked for: on 2026-08-31, June's confirmation is recent.
    let august = Request { to: d("2026-08-31"), ..req(vec![]) };
    assert_eq!(evaluate(&def("services-confirmed-recently"), &f, &august, &s).total().unwrap().numerator, Some(1));
    let e = evaluate(&def("services-near-capacity"), &f, &req(vec![]), &s);
    let total = e.total().unwrap();
    assert_eq!((total.numerator, total.count), (Some(2), Some(3)), "full, and 1 of 20 free; the choir records no places");
}

#[test]
fn a_team_groups_its_workers_where_a_definition_allows_the_link_worker() {
    let mut f = facts();
    for (i, e) in f.episodes.iter_mut().enumerate() {
        let (worker, team) = match i % 4 {
            0 => ("Lee", Some("North")),
            1 => ("Sam", Some("North")),
            2 => ("Kim", Some("South")),
            _ => ("Ola", None),
        };
        e.link_worker = Some(worker.into());
        e.team = team.map(String::from);
    }
    f.caseloads = vec![("Lee".into(), 120), ("Sam".into(), 300), ("Kim".into(), 80)];
    f.teams = [("Lee", "North"), ("Sam", "North"), ("Kim", "South")].map(|(w, t)| (w.to_string(), t.to_string())).into();
    let def = def("referrals-received");
    assert!(def.allows(Dimension::Team) && def.allows(Dimension::LinkWorker));
    let e = evaluate(&def, &f, &req(vec![Dimension::Team]), &exact());
    assert_eq!(e.cell(&[Some("North")]).unwrap().count, Some(20));
    assert_eq!(e.cell(&[Some("South")]).unwrap().count, Some(10));
    assert_eq!(e.cell(&[Some("unknown")]).unwrap().count, Some(10), "Ola is in no team");
    let north = Request { filters: Filters { team: Some("North".into()), ..Filters::default() }, ..req(vec![]) };
    assert_eq!(evaluate(&def, &f, &north, &exact()).total().unwrap().count, Some(20));
    // A team's caseloads: its workers'.
    let e = evaluate(&self::def("caseload-per-worker"), &f, &north, &exact());
    assert_eq!(e.total().unwrap().count, Some(2), "{e:#?}");
    assert!(e.cell(&[Some("Kim")]).is_none());
    // Where a definition allows no link worker, it allows no team.
    let by_source = self::def("referrals-by-source");
    assert!(!by_source.allows(Dimension::Team) || by_source.allows(Dimension::LinkWorker));
}

/// Two villages of one district and one of another, with safe water counted in three months;
/// village B gave two values for April (an edit), of which the store keeps the latest.
fn community() -> Facts {
    use crate::observatory::facts::CommunityValueFact;
    let v = |place: &[&str], month: &str, value: u64, out_of: Option<u64>| CommunityValueFact {
        indicator: "safe_water".into(),
        path: place.iter().map(|p| p.to_string()).collect(),
        month: d(month),
        value,
        out_of,
    };
    Facts {
        community_values: vec![
            v(&["P", "D1", "A"], "2026-03-01", 40, Some(160)),
            v(&["P", "D1", "A"], "2026-04-01", 47, Some(160)),
            v(&["P", "D1", "B"], "2026-04-01", 30, Some(40)),
            v(&["P", "D2", "C"], "2026-03-01", 5, Some(6)),
            // Another indicator is not counted by this one.
            CommunityValueFact { indicator: "anc_attending".into(), ..v(&["P", "D1", "A"], "2026-04-01", 3, Some(5)) },
        ],
        ..Default::default()
    }
}

fn safe_water() -> IndicatorDef {
    crate::coproduction::CommunitySettings::default().indicator("safe_water").unwrap().definition()
}

#[test]
fn a_community_share_counts_each_place_latest_value_in_the_period() {
    let e = evaluate(&safe_water(), &community(), &req(vec![Dimension::Place]), &exact());
    // A: April's 47 of 160 (not March's too); B: 30 of 40; C: 5 of 6.
    let a = e.cell(&[Some("A")]).unwrap();
    assert_eq!((a.numerator, a.count), (Some(47), Some(160)));
    let total = e.total().unwrap();
    assert_eq!((total.numerator, total.count), (Some(82), Some(206)));
    assert_eq!(total.percent, Some(39.81));
    // By month, each month is what was recorded for it.
    let e = evaluate(&safe_water(), &community(), &req(vec![Dimension::Period]), &exact());
    assert_eq!(e.cell(&[Some("2026-03")]).unwrap().numerator, Some(45));
    assert_eq!(e.cell(&[Some("2026-04")]).unwrap().count, Some(200));
    // By district; and narrowed to one district by the area filter.
    let e = evaluate(&safe_water(), &community(), &req(vec![Dimension::PlaceAbove]), &exact());
    assert_eq!(e.cell(&[Some("D1")]).unwrap().count, Some(200));
    let mut r = req(vec![]);
    r.filters.area = Some("D2".into());
    assert_eq!(evaluate(&safe_water(), &community(), &r, &exact()).total().unwrap().count, Some(6));
    // A period that ends before April takes March.
    let mut r = req(vec![]);
    r.to = d("2026-03-31");
    assert_eq!(evaluate(&safe_water(), &community(), &r, &exact()).total().unwrap().numerator, Some(45));
}

#[test]
fn a_small_village_count_is_hidden_and_cannot_be_worked_out() {
    let e = evaluate(&safe_water(), &community(), &req(vec![Dimension::Place]), &ObservatorySettings::default());
    // C's 5 of 6 is at most 7: hidden, its share too; and so that it cannot be had from the
    // total less A and B, another cell goes with it.
    let c = e.cell(&[Some("C")]).unwrap();
    assert!(c.suppressed && c.count.is_none() && c.percent.is_none(), "{c:?}");
    let hidden = ["A", "B", "C"].iter().filter(|p| e.cell(&[Some(p)]).unwrap().count.is_none()).count();
    assert!(hidden >= 2, "{:?}", e.cells);
    // Counts that are shown are rounded to fives.
    assert!(e.cells.iter().filter_map(|c| c.values.count).all(|n| n % 5 == 0), "{:?}", e.cells);
}

#[test]
fn a_community_count_without_a_total_counts_the_value() {
    let mut i = crate::coproduction::CommunitySettings::default().indicator("older_visited").unwrap().clone();
    i.code = "safe_water".into();
    let e = evaluate(&i.definition(), &community(), &req(vec![]), &exact());
    assert_eq!(e.kind, "count");
    assert_eq!(e.total().unwrap().count, Some(82));
    // Facts of link workers' or organisations' work: a community's values are in none.
    let mut r = req(vec![]);
    r.filters.link_worker = Some("Sam".into());
    assert_eq!(evaluate(&i.definition(), &community(), &r, &exact()).total().unwrap().count.unwrap_or(0), 0);
}
