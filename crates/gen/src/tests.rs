//! Checks the demo and synthetic directories as a loader would see them: valid values, required
//! fields, references that resolve in stream order, coverage of the need categories, determinism.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use linkwork_domain::hsds::{parse_value, Batch, Record};
use crate::taxonomy::{self, term_id, TERMS};
use linkwork_domain::geo::Point;
use crate::{demo_with, synthetic, CENTRE, DEMO_SEED, REGION_CENTRE, REGION_KM};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

/// Ids seen so far, per table, in stream order.
#[derive(Default)]
struct Seen {
    ids: HashMap<&'static str, HashSet<String>>,
}

impl Seen {
    /// Checks one record against everything before it, then remembers it.
    fn check(&mut self, r: &Record) {
        let table = r.table.name;
        let missing = r.missing_required();
        assert!(missing.is_empty(), "{table} {:?} lacks {missing:?}", r.id());
        for (field, value) in r.values() {
            let def = r.table.field(field).unwrap();
            let (parsed, issue) = parse_value(def, &value.to_cell());
            assert!(issue.is_none(), "{table}.{field} = {value:?}: {issue:?}");
            assert_eq!(parsed.as_ref(), Some(value), "{table}.{field} does not round-trip");
            if let Some(parent) = def.references {
                let id = value.as_str().unwrap();
                assert!(
                    self.ids.get(parent).is_some_and(|s| s.contains(id)),
                    "{table}.{field} = {id}: no {parent} with that id earlier in the stream"
                );
            }
        }
        if table == "attribute" {
            assert_eq!(r.get_str("link_entity"), Some("service"));
            let link = r.get_str("link_id").unwrap();
            assert!(self.ids["service"].contains(link), "attribute links to a missing service");
        }
        let id = r.id().expect("every record has an id").to_string();
        assert!(self.ids.entry(table).or_default().insert(id), "duplicate {table} id");
    }

    fn count(&self, table: &str) -> usize {
        self.ids.get(table).map_or(0, HashSet::len)
    }
}

fn check_batch(seen: &mut Seen, b: &Batch) {
    for r in &b.records {
        seen.check(r);
    }
}

#[test]
fn demo_is_valid_and_covers_every_need() {
    let b = demo_with(DEMO_SEED, day());
    let mut seen = Seen::default();
    check_batch(&mut seen, &b);

    let orgs = b.count("organization");
    assert!((200..=400).contains(&orgs), "{orgs} organisations");
    let services = b.count("service");
    assert!(services >= 300, "{services} services");

    // Every taxonomy term, top level included, has services under it.
    let parent: HashMap<String, Option<String>> = b
        .records
        .iter()
        .filter(|r| r.table.name == "taxonomy_term")
        .map(|r| (r.id().unwrap().to_string(), r.get_str("parent_id").map(str::to_string)))
        .collect();
    let mut covered: HashSet<String> = HashSet::new();
    for a in b.records.iter().filter(|r| r.table.name == "attribute") {
        let mut t = a.get_str("taxonomy_term_id").map(str::to_string);
        while let Some(id) = t {
            t = parent[&id].clone();
            covered.insert(id);
        }
    }
    for term in TERMS {
        assert!(covered.contains(&term_id(term.code)), "nothing under {}", term.name);
    }
    assert_eq!(taxonomy::top_level().count(), 3);

    // The variety a link worker's filters need.
    let texts = |table: &str, field: &str| -> Vec<String> {
        b.records.iter().filter(|r| r.table.name == table).filter_map(|r| r.get_str(field).map(str::to_string)).collect()
    };
    let codes = texts("language", "code");
    for code in ["en", "pl", "ur", "bn", "es", "ar", "ro", "lo", "bfi"] {
        assert!(codes.iter().any(|c| c == code), "no service in {code}");
    }
    assert!(texts("accessibility", "description").iter().any(|d| d.contains("Stairs only")));
    assert!(texts("accessibility", "description").iter().any(|d| d.contains("Step-free")));
    let full = b.records.iter().filter(|r| r.table.name == "service_capacity" && r.get_f64("available") == Some(0.0)).count();
    assert!(full > 0, "no service is full");
    let stale = texts("service", "assured_date").iter().filter(|d| d.as_str() < "2026-08-21").count();
    assert!(stale > services / 5 && stale < services / 2, "{stale} of {services} need confirming");
    let byday = texts("schedule", "byday");
    assert!(byday.iter().any(|d| d.contains("SA") || d.contains("SU")), "no weekend sessions");
    assert!(texts("schedule", "opens_at").iter().any(|t| t.as_str() >= "18:00:00"), "no evening sessions");
    let amounts: Vec<f64> = b.records.iter().filter(|r| r.table.name == "cost_option").filter_map(|r| r.get_f64("amount")).collect();
    assert!(amounts.contains(&0.0) && amounts.iter().any(|a| (2.0..=4.0).contains(a)) && amounts.iter().any(|a| *a > 5.0));
    // Every service has a site, every site an address, and all of it is in and around Millbrook.
    let sited: HashSet<&str> = b.records.iter().filter(|r| r.table.name == "service_at_location").filter_map(|r| r.get_str("service_id")).collect();
    assert_eq!(sited.len(), services, "services without a site");
    assert_eq!(b.count("address"), b.count("location"));
    let centre = Point::new(CENTRE.0, CENTRE.1).unwrap();
    for l in b.records.iter().filter(|r| r.table.name == "location") {
        let p = Point::new(l.get_f64("latitude").unwrap(), l.get_f64("longitude").unwrap()).unwrap();
        assert!(p.distance_m(&centre) < 15_000.0, "{:?} is {} m from Millbrook", l.get_str("name"), p.distance_m(&centre));
    }
    for table in ["program", "funding", "required_document", "service_area", "contact", "url", "organization_identifier", "metadata"] {
        assert!(b.count(table) > 0, "no {table}");
    }
}

#[test]
fn demo_counts_per_table() {
    // Run with --nocapture to see what the demo holds.
    let b = demo_with(DEMO_SEED, day());
    for t in linkwork_domain::hsds::registry::TABLES {
        println!("{:<24} {:>6}", t.name, b.count(t.name));
    }
    println!("{:<24} {:>6}", "total", b.records.len());
}

#[test]
fn same_seed_same_output_other_seed_differs() {
    assert_eq!(demo_with(1, day()).records, demo_with(1, day()).records);
    let (a, b) = (demo_with(1, day()), demo_with(2, day()));
    let services = |b: &Batch| b.records.iter().filter(|r| r.table.name == "service").map(|r| r.id().unwrap().to_string()).collect::<Vec<_>>();
    assert_ne!(services(&a), services(&b));
    // The taxonomy is shared: its ids do not depend on the seed.
    assert_eq!(a.records.iter().find(|r| r.table.name == "taxonomy_term"), b.records.iter().find(|r| r.table.name == "taxonomy_term"));

    let run = |seed| synthetic(seed, 2_500).batch_services(1_000).flat_map(|b| b.records).collect::<Vec<_>>();
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn synthetic_streams_exactly_the_services_asked_for_parents_first() {
    let mut seen = Seen::default();
    let mut batches = 0;
    let mut per_town: HashMap<String, usize> = HashMap::new();
    let centre = Point::new(REGION_CENTRE.0, REGION_CENTRE.1).unwrap();
    for (i, b) in synthetic(42, 12_000).enumerate() {
        for r in &b.records {
            match r.table.name {
                "address" => *per_town.entry(r.get_str("city").unwrap().to_string()).or_default() += 1,
                "location" => {
                    let p = Point::new(r.get_f64("latitude").unwrap(), r.get_f64("longitude").unwrap()).unwrap();
                    // Half the square's diagonal, plus a city's spread and a village's distance.
                    assert!(p.distance_m(&centre) < (REGION_KM * 0.71 + 25.0) * 1000.0);
                }
                _ => {}
            }
        }
        let services = b.count("service");
        assert!(services <= 5_000, "batch {i} has {services} services");
        assert_eq!(b.count("taxonomy") > 0, i == 0, "taxonomy in batch {i}");
        assert_eq!(b.count("unit") > 0, i == 0, "units in batch {i}");
        check_batch(&mut seen, &b);
        batches += 1;
    }
    assert_eq!(seen.count("service"), 12_000);
    assert_eq!(batches, 3);
    assert!(seen.count("organization") > 3_000);
    assert_eq!(seen.count("taxonomy_term"), TERMS.len());
    let shared = crate::shared();
    assert_eq!(shared.count("taxonomy_term"), TERMS.len());
    assert!(shared.records.iter().all(|r| seen.ids[r.table.name].contains(r.id().unwrap())));
    // Services cluster: a few towns hold much of the directory, many places hold a little.
    let mut sizes: Vec<usize> = per_town.values().copied().collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    assert!(sizes.len() > 150, "{} places", sizes.len());
    assert!(sizes[0] > 10 * sizes[sizes.len() / 2], "largest {} vs median {}", sizes[0], sizes[sizes.len() / 2]);
}
