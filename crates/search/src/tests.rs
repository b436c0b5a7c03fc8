//! Behaviour of the directory search as link workers rely on it: every filter narrows (and only
//! narrows), text forgives typos, distance orders and cuts off, and results say why they matched.

use chrono::{NaiveDate, NaiveTime, Weekday};
use linkwork_domain::geo::Point;
use linkwork_domain::search::{CostFilter, MatchReason, SearchQuery, SearchResults};
use linkwork_domain::service::ServiceDoc;
use crate::{SearchIndex, TaxonomyTree};
use serde_json::json;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

fn tree() -> TaxonomyTree {
    TaxonomyTree::new([
        ("health", None, "Health and wellbeing"),
        ("activity", Some("health"), "Physical activity"),
        ("walking", Some("activity"), "Walking groups"),
        ("social", None, "Social connection"),
        ("lunch", Some("social"), "Lunch clubs"),
        ("money", None, "Money"),
        ("debt", Some("money"), "Debt advice"),
    ])
}

/// Home: the point people are searched from.
const HOME: (f64, f64) = (52.0, -1.0);

fn home() -> Point {
    Point::new(HOME.0, HOME.1).unwrap()
}

/// A point `km` kilometres north of home.
fn north(km: f64) -> (f64, f64) {
    (HOME.0 + km / 111.195, HOME.1)
}

fn site(id: &str, at: (f64, f64), access: &str, schedule: serde_json::Value) -> serde_json::Value {
    json!({
        "id": format!("sal-{id}"),
        "schedules": schedule,
        "location": {
            "id": format!("loc-{id}"), "name": format!("Hall {id}"), "latitude": at.0, "longitude": at.1,
            "addresses": [{"address_1": "1 High Street", "city": "Millbrook", "postal_code": "MB1 2AB"}],
            "accessibility": [{"description": access}]
        }
    })
}

fn weekly(byday: &str, opens: &str, closes: &str) -> serde_json::Value {
    json!([{"freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes}])
}

fn term(id: &str) -> serde_json::Value {
    json!([{"taxonomy_term_id": id}])
}

fn services() -> Vec<ServiceDoc> {
    let v = [
        json!({
            "id": "walk", "name": "Riverside Walking Group",
            "description": "Gentle walks along the river for all abilities.",
            "organization": {"id": "org1", "name": "Millbrook Ramblers"},
            "cost_options": [{"amount": 0}], "languages": [{"name": "Spanish", "code": "es"}],
            "minimum_age": 18, "capacities": [{"available": 5}], "attributes": term("walking"),
            "service_at_locations": [site("walk", north(1.0), "Step-free access", weekly("TU", "10:00", "12:00"))]
        }),
        json!({
            "id": "hill", "name": "Hill walking club",
            "description": "Longer hikes for fit walkers.",
            "organization": {"id": "org2", "name": "Peak Club"},
            "cost_options": [{"amount": 12}], "languages": [{"name": "English", "code": "en"}],
            "wait_time": "About two weeks", "minimum_age": 16, "maximum_age": 25, "capacities": [{"available": 0}], "attributes": term("walking"),
            "service_at_locations": [site("hill", north(30.0), "Stairs only", weekly("SA", "09:00", "12:00"))]
        }),
        json!({
            "id": "lunch", "name": "Friendship lunch club",
            "description": "A hot meal and good company every Wednesday.",
            "organization": {"id": "org2", "name": "Peak Club"},
            "cost_options": [{"amount": 3}], "languages": [{"name": "English", "code": "en"}],
            "attributes": term("lunch"),
            "service_at_locations": [
                site("lunch-far", north(10.0), "Wheelchair accessible", weekly("WE", "12:00", "14:00")),
                site("lunch-near", north(2.0), "No step-free access", weekly("WE", "12:00", "14:00"))
            ]
        }),
        json!({
            "id": "debt", "name": "Debt advice line",
            "description": "Free, confidential help with money worries by phone.",
            "fees_description": "Free", "attributes": term("debt")
        }),
        json!({
            "id": "football", "name": "Walking football", "status": "inactive",
            "service_at_locations": [site("football", north(0.5), "", json!([]))]
        }),
    ];
    v.iter().map(|j| ServiceDoc::from_json(j).unwrap()).collect()
}

fn index() -> SearchIndex {
    let mut idx = SearchIndex::in_memory().unwrap();
    idx.index_services_on(&services(), &tree(), today()).unwrap();
    idx.commit(1).unwrap();
    idx
}

fn ids(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.service_id.as_str()).collect()
}

fn sorted(r: &SearchResults) -> Vec<&str> {
    let mut v = ids(r);
    v.sort();
    v
}

fn q() -> SearchQuery {
    SearchQuery { limit: 50, ..Default::default() }
}

fn text(t: &str) -> SearchQuery {
    SearchQuery { text: Some(t.into()), ..q() }
}

#[test]
fn only_active_services_and_one_hit_per_service() {
    let idx = index();
    let r = idx.search(&q()).unwrap();
    assert_eq!(sorted(&r), vec!["debt", "hill", "lunch", "walk"]);
    assert_eq!(r.total, 4);
    assert_eq!(idx.num_docs(), 6, "one document per site, one for the service without a site");
}

#[test]
fn text_stems_ranks_names_first_and_explains() {
    let idx = index();
    let r = idx.search(&text("walks")).unwrap();
    assert_eq!(ids(&r), vec!["walk", "hill"], "name matches rank above description ones; inactive left out");
    let words = r.hits[0].reasons.iter().find_map(|m| match m {
        MatchReason::Text { words } => Some(words.clone()),
        _ => None,
    });
    assert_eq!(words, Some(vec!["Walking".to_string(), "walks".to_string()]));
    assert!(r.hits[0].score > 0.0);
    assert_eq!(idx.search(&text("walking river")).unwrap().total, 1, "every word must match");
    // "group" matches the hill club through its category name, "Walking groups".
    assert_eq!(idx.search(&text("walking group")).unwrap().total, 2);
    assert_eq!(idx.search(&text("walking in the")).unwrap().total, 2, "stop words are ignored");
    assert_eq!(idx.search(&text("zumba")).unwrap().total, 0);
}

#[test]
fn text_tolerates_typos() {
    let idx = index();
    let r = idx.search(&text("walkng")).unwrap();
    assert_eq!(sorted(&r), vec!["hill", "walk"]);
    assert!(r.hits.iter().all(|h| h.reasons.iter().any(|m| matches!(m, MatchReason::Text { .. }))));
    assert_eq!(ids(&idx.search(&text("frendship lunch")).unwrap()), vec!["lunch"]);
    assert_eq!(ids(&idx.search(&text("confidental")).unwrap()), vec!["debt"], "two edits allowed from 8 letters");
    assert_eq!(ids(&idx.search(&text("lnch")).unwrap()), vec!["lunch"], "one edit from 4 letters");
    assert_eq!(idx.search(&text("hil")).unwrap().total, 0, "no edits under 4 letters");
}

#[test]
fn taxonomy_filter_matches_descendants() {
    let idx = index();
    let by = |t: &str| SearchQuery { taxonomy_term_ids: vec![t.into()], ..q() };
    assert_eq!(sorted(&idx.search(&by("health")).unwrap()), vec!["hill", "walk"]);
    assert_eq!(sorted(&idx.search(&by("walking")).unwrap()), vec!["hill", "walk"]);
    assert_eq!(sorted(&idx.search(&by("social")).unwrap()), vec!["lunch"]);
    let both = SearchQuery { taxonomy_term_ids: vec!["money".into(), "social".into()], ..q() };
    assert_eq!(sorted(&idx.search(&both).unwrap()), vec!["debt", "lunch"]);
    let r = idx.search(&by("activity")).unwrap();
    assert!(r.hits[0].reasons.contains(&MatchReason::Category { term: "Walking groups".into() }));
}

#[test]
fn cost_filters() {
    let idx = index();
    let free = idx.search(&SearchQuery { cost: Some(CostFilter::Free), ..q() }).unwrap();
    assert_eq!(sorted(&free), vec!["debt", "walk"]);
    assert!(free.hits.iter().all(|h| h.reasons.contains(&MatchReason::Free)));
    let low = idx.search(&SearchQuery { cost: Some(CostFilter::LowCost), ..q() }).unwrap();
    assert_eq!(sorted(&low), vec!["debt", "lunch", "walk"]);
    // Several broad conditions together: one leads, the others are checked per document.
    let low_access = idx.search(&SearchQuery { cost: Some(CostFilter::LowCost), wheelchair: true, ..q() }).unwrap();
    assert_eq!(sorted(&low_access), vec!["lunch", "walk"]);
    let free_access_room = SearchQuery { cost: Some(CostFilter::Free), wheelchair: true, has_capacity: true, age: Some(30), ..q() };
    assert_eq!(ids(&idx.search(&free_access_room).unwrap()), vec!["walk"]);
    let paid_text = SearchQuery { text: Some("club".into()), cost: Some(CostFilter::Free), ..q() };
    assert_eq!(idx.search(&paid_text).unwrap().total, 0, "checked per document under a text lead too");
}

#[test]
fn language_filter_by_name_or_code() {
    let idx = index();
    let lang = |l: &str| SearchQuery { language: Some(l.into()), ..q() };
    assert_eq!(ids(&idx.search(&lang("Spanish")).unwrap()), vec!["walk"]);
    assert_eq!(ids(&idx.search(&lang("es")).unwrap()), vec!["walk"]);
    assert_eq!(sorted(&idx.search(&lang("english")).unwrap()), vec!["hill", "lunch"]);
    assert_eq!(idx.search(&lang("polish")).unwrap().total, 0);
    let r = idx.search(&lang("es")).unwrap();
    assert!(r.hits[0].reasons.contains(&MatchReason::Language { language: "es".into() }));
}

#[test]
fn wheelchair_filter_is_per_site() {
    let idx = index();
    let r = idx.search(&SearchQuery { wheelchair: true, near: Some(home()), ..q() }).unwrap();
    assert_eq!(ids(&r), vec!["walk", "lunch"]);
    // The lunch club's accessible site is the far one: that is the one shown.
    assert_eq!(r.hits[1].location_id.as_deref(), Some("loc-lunch-far"));
    assert!(r.hits[1].reasons.contains(&MatchReason::Wheelchair));
}

#[test]
fn open_at_filter() {
    let idx = index();
    let at = |d: Weekday, h: u32, m: u32| SearchQuery { open_at: Some((d, NaiveTime::from_hms_opt(h, m, 0).unwrap())), ..q() };
    let r = idx.search(&at(Weekday::Tue, 10, 0)).unwrap();
    assert_eq!(ids(&r), vec!["walk"]);
    assert!(r.hits[0].reasons.contains(&MatchReason::OpenAt { day: "Tuesday".into(), time: "10:00".into() }));
    assert_eq!(ids(&idx.search(&at(Weekday::Tue, 11, 45)).unwrap()), vec!["walk"]);
    assert_eq!(idx.search(&at(Weekday::Tue, 12, 0)).unwrap().total, 0, "closed at closing time");
    assert_eq!(idx.search(&at(Weekday::Mon, 10, 0)).unwrap().total, 0);
    assert_eq!(ids(&idx.search(&at(Weekday::Wed, 13, 0)).unwrap()), vec!["lunch"]);
}

#[test]
fn age_filter_with_missing_limits() {
    let idx = index();
    let age = |a: u32| SearchQuery { age: Some(a), ..q() };
    // walk: 18+, hill: 16-25, lunch and debt: no limits.
    assert_eq!(sorted(&idx.search(&age(17)).unwrap()), vec!["debt", "hill", "lunch"]);
    assert_eq!(sorted(&idx.search(&age(20)).unwrap()), vec!["debt", "hill", "lunch", "walk"]);
    assert_eq!(sorted(&idx.search(&age(80)).unwrap()), vec!["debt", "lunch", "walk"]);
    assert_eq!(sorted(&idx.search(&age(5)).unwrap()), vec!["debt", "lunch"]);
    assert!(idx.search(&age(80)).unwrap().hits[0].reasons.contains(&MatchReason::Age { age: 80 }));
}

#[test]
fn capacity_and_organization_filters() {
    let idx = index();
    let r = idx.search(&SearchQuery { has_capacity: true, ..q() }).unwrap();
    assert_eq!(ids(&r), vec!["walk"]);
    assert!(r.hits[0].reasons.contains(&MatchReason::Capacity { available: Some(5.0) }));
    let org = |o: &str| SearchQuery { organization_id: Some(o.into()), ..q() };
    assert_eq!(sorted(&idx.search(&org("org2")).unwrap()), vec!["hill", "lunch"]);
    assert_eq!(idx.search(&org("nobody")).unwrap().total, 0);
}

#[test]
fn distance_orders_and_radius_cuts_off() {
    let idx = index();
    let r = idx.search(&SearchQuery { near: Some(home()), ..q() }).unwrap();
    // Nearest site of each service; the service without a site comes last, without a distance.
    assert_eq!(ids(&r), vec!["walk", "lunch", "hill", "debt"]);
    assert_eq!(r.hits[1].location_id.as_deref(), Some("loc-lunch-near"));
    let d: Vec<Option<f64>> = r.hits.iter().map(|h| h.distance_m.map(|d| (d / 100.0).round() / 10.0)).collect();
    assert_eq!(d, vec![Some(1.0), Some(2.0), Some(30.0), None]);
    assert!(r.hits[0].reasons.iter().any(|m| matches!(m, MatchReason::Near { .. })));

    let within = |km: f64| idx.search(&SearchQuery { near: Some(home()), radius_m: Some(km * 1000.0), ..q() }).unwrap();
    assert_eq!(ids(&within(5.0)), vec!["walk", "lunch"]);
    assert_eq!(ids(&within(1.5)), vec!["walk"]);
    assert_eq!(within(0.5).total, 0);
    assert_eq!(within(50.0).total, 3);
    // The cut-off is exact: a site 1 km away is in at 1001 m and out at 999 m.
    assert_eq!(within(1.001).total, 1);
    assert_eq!(within(0.999).total, 0);
}

#[test]
fn text_radius_and_filters_together() {
    let idx = index();
    let r = idx
        .search(&SearchQuery {
            text: Some("walkng".into()),
            near: Some(home()),
            radius_m: Some(50_000.0),
            cost: Some(CostFilter::Free),
            language: Some("spanish".into()),
            ..q()
        })
        .unwrap();
    assert_eq!(ids(&r), vec!["walk"]);
    let kinds: Vec<&str> = r.hits[0]
        .reasons
        .iter()
        .map(|m| match m {
            MatchReason::Text { .. } => "text",
            MatchReason::Near { .. } => "near",
            MatchReason::Free => "free",
            MatchReason::Language { .. } => "language",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, vec!["text", "near", "free", "language"]);
}

#[test]
fn pagination_keeps_an_exact_total() {
    let idx = index();
    let page = |offset, limit| idx.search(&SearchQuery { near: Some(home()), offset, limit, ..Default::default() }).unwrap();
    let p1 = page(0, 2);
    let p2 = page(2, 2);
    let p3 = page(4, 2);
    assert_eq!((p1.total, p2.total, p3.total), (4, 4, 4));
    assert_eq!(ids(&p1), vec!["walk", "lunch"]);
    assert_eq!(ids(&p2), vec!["hill", "debt"]);
    assert!(p3.hits.is_empty());
    // Without a point: index order, the two-site lunch club counted once even on a full page.
    let unranked = |offset, limit| idx.search(&SearchQuery { offset, limit, ..Default::default() }).unwrap();
    let all = unranked(0, 10);
    assert_eq!(all.total, 4);
    let one_by_one: Vec<String> = (0..4).map(|o| unranked(o, 1)).inspect(|r| assert_eq!(r.total, 4)).map(|r| r.hits[0].service_id.clone()).collect();
    assert_eq!(one_by_one, ids(&all));
    let young = idx.search(&SearchQuery { age: Some(17), limit: 1, ..Default::default() }).unwrap();
    assert_eq!(young.total, 3);
}

#[test]
fn hits_carry_their_place() {
    let idx = index();
    let r = idx.search(&text("friendship")).unwrap();
    let h = &r.hits[0];
    assert_eq!(h.name, "Friendship lunch club");
    assert_eq!(h.organization_name.as_deref(), Some("Peak Club"));
    assert_eq!(h.address.as_deref(), Some("1 High Street, Millbrook, MB1 2AB"));
    assert!(h.location_name.as_deref().unwrap().starts_with("Hall lunch"));
    assert!(h.snippet.as_deref().unwrap().starts_with("A hot meal"));
}

#[test]
fn reindexing_replaces_a_services_documents() {
    let mut idx = index();
    let mut lunch = services().into_iter().find(|s| s.id == "lunch").unwrap();
    lunch.name = "Community supper".into();
    lunch.service_at_locations.truncate(1);
    idx.index_services_on(&[lunch], &tree(), today()).unwrap();
    idx.commit(2).unwrap();
    assert_eq!(idx.num_docs(), 5);
    assert_eq!(idx.search(&text("friendship")).unwrap().total, 0);
    let r = idx.search(&text("supper")).unwrap();
    assert_eq!(ids(&r), vec!["lunch"]);
    let near = idx.search(&SearchQuery { near: Some(home()), radius_m: Some(5_000.0), ..q() }).unwrap();
    assert_eq!(ids(&near), vec!["walk"], "the removed near site is gone");

    idx.delete_services(&["walk"]).unwrap();
    idx.commit(3).unwrap();
    assert_eq!(idx.search(&text("walking")).unwrap().total, 1);

    idx.clear().unwrap();
    idx.commit(4).unwrap();
    assert_eq!(idx.num_docs(), 0);
    assert_eq!(idx.last_seq().unwrap(), Some(4));

    // A full rebuild: clear and index again before one commit.
    idx.index_services_on(&services(), &tree(), today()).unwrap();
    idx.commit(5).unwrap();
    idx.clear().unwrap();
    idx.index_services_on(&services(), &tree(), today()).unwrap();
    idx.commit(6).unwrap();
    assert_eq!(idx.num_docs(), 6);
    assert_eq!(idx.search(&q()).unwrap().total, 4);
}

#[test]
fn reopening_keeps_documents_and_the_change_feed_position() {
    let dir = std::env::temp_dir().join(format!("linkwork-search-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    {
        let mut idx = SearchIndex::open(&dir).unwrap();
        assert_eq!(idx.last_seq().unwrap(), None);
        idx.index_services_on(&services(), &tree(), today()).unwrap();
        idx.commit(42).unwrap();
    }
    {
        let mut idx = SearchIndex::open(&dir).unwrap();
        assert_eq!(idx.last_seq().unwrap(), Some(42));
        assert_eq!(idx.num_docs(), 6);
        assert_eq!(ids(&idx.search(&text("walkng rivr")).unwrap()), vec!["walk"]);
        idx.delete_services(&["debt"]).unwrap();
        idx.commit(43).unwrap();
        idx.index_services_on(&services()[..1], &tree(), today()).unwrap();
        idx.commit(44).unwrap();
        idx.optimize().unwrap();
        assert_eq!(idx.last_seq().unwrap(), Some(44), "merging keeps the change-feed position");
        assert_eq!(idx.num_docs(), 5);
        assert!(idx.num_segments() <= 4);
    }
    let idx = SearchIndex::open(&dir).unwrap();
    assert_eq!(idx.last_seq().unwrap(), Some(44));
    assert_eq!(idx.search(&q()).unwrap().total, 3);
    drop(idx);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Matching ranks on the facts each hit carries, read from the index alone: they must say what
/// the listing says, for the site the hit is at.
#[test]
fn hits_carry_what_matching_weighs_as_the_listing_says_it() {
    let idx = index();
    let docs = services();
    let r = idx.search(&q()).unwrap();
    assert_eq!(r.hits.len(), 4);
    for h in &r.hits {
        let doc = docs.iter().find(|d| d.id == h.service_id).unwrap();
        let facts = h.facts.clone().expect("every hit carries its facts");
        // The listing's facts at the hit's site: the index holds one document per site.
        let mut at_site = doc.clone();
        at_site.service_at_locations.retain(|s| Some(&s.id) == h.service_at_location_id.as_ref());
        let mut want = linkwork_domain::matching::ServiceFacts::of(&at_site, today());
        // The index names terms from the taxonomy tree (the listing only gives their ids).
        want.terms = doc.attributes.iter().filter_map(|a| a.taxonomy_term_id.as_deref()).filter_map(|id| tree().name(id).map(str::to_string)).collect();
        assert_eq!(facts, want, "{}", h.service_id);
    }
    let hill = r.hits.iter().find(|h| h.service_id == "hill").unwrap().facts.clone().unwrap();
    assert_eq!((hill.min_age, hill.max_age, hill.has_capacity, hill.wait_time.as_deref()), (Some(16.0), Some(25.0), Some(false), Some("About two weeks")));
    assert_eq!(hill.open_slots.len(), 6, "Saturday 09:00 to 12:00 is six half-hours");
    let walk = r.hits.iter().find(|h| h.service_id == "walk").unwrap().facts.clone().unwrap();
    assert!(walk.accessible && walk.languages.contains(&"es".to_string()) && walk.terms == vec!["Walking groups".to_string()]);
}
