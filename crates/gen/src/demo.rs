//! The demo directory: Millbrook, a fictional market town in the fictional county of Wendshire,
//! with its neighbourhoods and villages, and a few hundred organisations covering every need a
//! link worker meets. Postcodes are in the made-up MB area; phone numbers are Ofcom's drama
//! numbers; web and email addresses are under example.org.uk.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use linkwork_domain::hsds::Batch;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::build::{write_units, Detail, Fill, Gen, Org, Place};
use crate::kinds::{kind, Kind, KINDS};
use crate::orgs::{org_type, OrgType};
use crate::out::Out;
use crate::taxonomy;

/// The seed `linkwork demo` uses.
pub const DEMO_SEED: u64 = 20_260_401;
/// The demo town.
pub const TOWN: &str = "Millbrook";
pub const COUNTY: &str = "Wendshire";
/// Millbrook market place (latitude, longitude): made up, in the English Midlands.
pub const CENTRE: (f64, f64) = (52.9050, -0.9550);

/// Neighbourhoods of Millbrook: name, postcode district, km east and north of the market place.
const NEIGHBOURHOODS: &[(&str, &str, f64, f64)] = &[
    ("Millbrook", "MB1", 0.0, 0.0),
    ("Northfield", "MB2", 0.2, 1.7),
    ("Brookside", "MB3", 1.5, -0.7),
    ("Castle Hill", "MB4", -1.3, 0.4),
    ("Riverside", "MB5", 0.5, -1.6),
    ("St Anne's", "MB6", -1.0, -1.3),
];

/// Villages around Millbrook: name, postcode district, km east and north.
const VILLAGES: &[(&str, &str, f64, f64)] = &[
    ("Kingsmere", "MB7", 5.2, 3.1),
    ("Little Millbrook", "MB7", -3.0, 2.4),
    ("Hollowell", "MB8", 7.8, -2.5),
    ("Upper Tilbrook", "MB8", -6.1, -4.0),
    ("Fenwick St Mary", "MB8", 2.5, -7.2),
    ("Ashby Green", "MB9", -8.5, 1.0),
    ("Coldharbour", "MB9", 9.6, 5.4),
    ("Thornby Lacey", "MB9", -2.2, 8.3),
    ("Oakley Bridge", "MB7", 4.0, 9.1),
    ("Brackenfield", "MB9", -9.8, -6.0),
    ("Nethercote", "MB8", 11.2, -1.0),
    ("Saxby Wold", "MB8", -5.0, -9.5),
    ("Wenlow", "MB7", 7.0, 6.8),
    ("Great Hadley", "MB9", -11.5, 3.5),
    ("Pellow End", "MB8", 1.0, -11.8),
    ("Stoke Ferrers", "MB7", -6.6, 6.0),
];

/// Town-wide organisations: type, name template index, neighbourhood index.
const TOWN_ORGS: &[(&str, usize, usize)] = &[
    ("food_bank", 1, 0), ("advice_centre", 0, 0), ("law_centre", 0, 0), ("housing_charity", 2, 0),
    ("transport", 2, 0), ("library", 1, 0), ("library", 0, 1), ("library", 0, 4), ("leisure_centre", 0, 0),
    ("leisure_centre", 1, 3), ("council", 0, 0), ("council", 1, 0), ("council", 2, 0), ("council", 3, 0),
    ("gp", 0, 0), ("gp", 1, 1), ("gp", 2, 2), ("gp", 3, 5), ("gp", 1, 3), ("nhs_service", 0, 0),
    ("nhs_service", 1, 0), ("nhs_service", 2, 4), ("recovery", 2, 0), ("age_charity", 0, 0), ("age_charity", 2, 1),
    ("carers_charity", 1, 0), ("mental_health", 0, 0), ("mental_health", 2, 2), ("bereavement", 0, 0),
    ("hospice", 0, 3), ("youth", 0, 0), ("youth", 1, 1), ("volunteer_centre", 0, 0), ("arts_centre", 2, 0),
    ("wildlife", 0, 3), ("wildlife", 1, 4), ("community_garden", 0, 2), ("community_garden", 2, 5),
    ("digital", 1, 0), ("employment", 0, 0), ("family_charity", 2, 1), ("learning_group", 0, 0),
    ("faith_centre", 0, 2), ("faith_centre", 2, 4), ("migrant_group", 0, 0), ("migrant_group", 1, 2),
    ("migrant_group", 2, 0), ("migrant_group", 3, 0), ("migrant_group", 4, 1), ("migrant_group", 5, 2),
    ("food_bank", 2, 1), ("advice_centre", 3, 1), ("employment", 2, 2),
];

/// In every neighbourhood: type and how many.
const PER_NEIGHBOURHOOD: &[(&str, u8)] = &[
    ("church", 5), ("community_centre", 1), ("walking_club", 2), ("choir", 1), ("womens_group", 1),
    ("diabetes_group", 1), ("heart_group", 1), ("memory_cafe", 1), ("mens_shed", 1), ("community_garden", 1),
];

/// In villages: type, how many, and the chance in 100 of each.
const PER_VILLAGE: &[(&str, u8, u32)] = &[
    ("church", 2, 90), ("village_hall", 1, 100), ("womens_group", 1, 80), ("walking_club", 1, 60),
    ("breathing_club", 1, 25), ("memory_cafe", 1, 30), ("heart_group", 1, 20), ("mens_shed", 1, 40), ("choir", 1, 50), ("community_garden", 1, 30),
    ("learning_group", 1, 20),
];

/// The demo directory, with dates relative to today so that about a third of the listings are
/// due for confirmation, as in a real directory.
pub fn demo() -> Batch {
    demo_with(DEMO_SEED, Utc::now().date_naive())
}

/// The demo directory for a seed, with dates relative to `today`. The same arguments always give
/// the same records, ids included.
pub fn demo_with(seed: u64, today: NaiveDate) -> Batch {
    let mut g = Gen::new(ChaCha8Rng::seed_from_u64(seed), today, Detail { metadata: true }, Out::new());
    taxonomy::write(&mut g.out);
    write_units(&mut g.out);

    let places = places();
    let n_neighbourhoods = NEIGHBOURHOODS.len();
    let mut plan: Vec<(&'static OrgType, usize, usize)> = Vec::new();
    for &(key, name_index, place) in TOWN_ORGS {
        plan.push((org_type(key), name_index, place));
    }
    for p in 0..n_neighbourhoods {
        for &(key, n) in PER_NEIGHBOURHOOD {
            for i in 0..n {
                plan.push((org_type(key), i as usize + p, p));
            }
        }
    }
    for v in 0..VILLAGES.len() {
        let p = n_neighbourhoods + v;
        for &(key, n, chance) in PER_VILLAGE {
            for i in 0..n {
                if g.rng.gen_range(0..100) < chance {
                    plan.push((org_type(key), i as usize + v, p));
                }
            }
        }
    }

    let mut names = HashSet::new();
    let mut orgs: Vec<(Org, &'static OrgType)> = Vec::new();
    let mut used: HashSet<&'static str> = HashSet::new();
    let mut service_names = HashSet::new();
    for (ty, name_index, p) in plan {
        let place = &places[p];
        let Some(name) = unique_name(ty, name_index, place, &mut names) else {
            continue;
        };
        let n = g.rng.gen_range(ty.n.0..=ty.n.1) as usize;
        let kinds: Vec<&'static Kind> = ty.kinds.choose_multiple(&mut g.rng, n.min(ty.kinds.len())).map(|k| kind(k)).collect();
        let hired = ty.venues.is_empty().then(|| g.hired_venue_name(place));
        let org = g.org(ty, name.clone(), place, p, &kinds, hired);
        for k in &kinds {
            used.insert(k.key);
            add_service(&mut g, &org, ty, k, &places, &mut service_names);
        }
        orgs.push((org, ty));
    }
    // Every kind of service appears at least once, so that every category has something to find.
    for k in KINDS {
        if !used.contains(k.key) {
            if let Some((org, ty)) = orgs.iter().find(|(_, ty)| ty.kinds.contains(&k.key)) {
                add_service(&mut g, org, ty, k, &places, &mut service_names);
            }
        }
    }
    g.out.take_batch()
}

fn places() -> Vec<Place> {
    let place = |name: &str, post_town: &str, outcode: &str, east: f64, north: f64, spread: f64| {
        let lat = CENTRE.0 + north / 111.32;
        let lon = CENTRE.1 + east / (111.32 * CENTRE.0.to_radians().cos());
        Place {
            name: name.to_string(),
            post_town: post_town.to_string(),
            town: TOWN.to_string(),
            county: COUNTY.to_string(),
            lat,
            lon,
            spread_km: spread,
            outcode: outcode.to_string(),
        }
    };
    let mut v: Vec<Place> = NEIGHBOURHOODS.iter().map(|&(n, o, e, no)| place(n, TOWN, o, e, no, 0.8)).collect();
    v.extend(VILLAGES.iter().map(|&(n, o, e, no)| place(n, n, o, e, no, 0.6)));
    v
}

/// The organisation's name, trying the other templates when this one is taken.
fn unique_name(ty: &OrgType, index: usize, place: &Place, names: &mut HashSet<String>) -> Option<String> {
    (0..ty.names.len()).find_map(|i| {
        let t = ty.names[(index + i) % ty.names.len()];
        let name = Fill { place: &place.name, town: &place.town, county: &place.county, venue: "", days: "", name: "" }.apply(t);
        names.insert(name.clone()).then_some(name)
    })
}

/// One service of `org`: at its own site, or for outreach organisations sometimes at a site in
/// another place too (a village hall, a branch library).
fn add_service(g: &mut Gen, org: &Org, ty: &OrgType, k: &Kind, places: &[Place], names: &mut HashSet<String>) {
    let home = &places[org.place];
    let mut sites = org.sites.clone();
    let mut place = home;
    if ty.outreach && g.rng.gen_range(0..100) < 40 {
        let other = &places[g.rng.gen_range(0..places.len())];
        let venue = g.hired_venue_name(other);
        sites.push(g.site(&org.id, venue, other, false));
        if sites.len() > 1 && g.rng.gen_range(0..100) < 30 {
            sites.remove(0);
        }
        place = other;
    }
    // Phone-based services still list the office they are run from, so every service has a site.
    if sites.is_empty() {
        let venue = g.hired_venue_name(place);
        sites.push(g.site(&org.id, venue, place, false));
    }
    let venue = sites.first().map(|s| s.name.clone()).unwrap_or_default();
    let fill = Fill { place: &place.name, town: &place.town, county: &place.county, venue: &venue, days: "", name: &org.name };
    // A name nobody else in the town uses, so that a link worker can tell listings apart.
    let first = g.rng.gen_range(0..k.names.len());
    let (variant, name) = (0..k.names.len())
        .map(|i| (first + i) % k.names.len())
        .map(|v| (v, fill.apply(k.names[v])))
        .find(|(_, n)| !names.contains(n))
        .unwrap_or_else(|| (first, format!("{} ({})", fill.apply(k.names[first]), org.name)));
    names.insert(name.clone());
    g.service(org, k, variant, name, &sites, place);
}
