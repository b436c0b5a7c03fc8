//! Large synthetic directories for benchmarks: a region about 300 km square with towns of very
//! different sizes, services clustered in them, streamed as batches so that a million services
//! never sit in memory at once.
//!
//! Each batch draws from its own ChaCha stream of the seed, so a batch's content does not depend
//! on how the previous ones were consumed, and batches could be made in parallel without
//! changing the output.

use chrono::NaiveDate;
use linkwork_domain::hsds::Batch;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::build::{write_units, Detail, Fill, Gen, Place};
use crate::kinds::{kind, Kind};
use crate::orgs::{OrgType, ORG_TYPES};
use crate::out::Out;
use crate::taxonomy;
use crate::words::{TOWN_ENDS, TOWN_STARTS, VILLAGE_PREFIXES};

/// Services per batch unless told otherwise.
pub const DEFAULT_BATCH_SERVICES: usize = 5_000;
/// The day synthetic dates are relative to, fixed so that benchmark data never changes.
pub const SYNTHETIC_TODAY: (i32, u32, u32) = (2026, 10, 1);

/// The middle of the synthetic region (latitude, longitude), in the English Midlands.
pub const REGION_CENTRE: (f64, f64) = (52.60, -1.60);
/// The region is a square about this many kilometres across.
pub const REGION_KM: f64 = 300.0;
const COUNTIES: [&str; 4] = ["Wendshire", "Marlshire", "Avonleigh", "Coldmoorland"];

/// How common each kind of organisation is in the synthetic region (out of the listed total).
fn org_weight(key: &str) -> u32 {
    match key {
        "church" => 16,
        "village_hall" | "community_centre" => 8,
        "gp" => 6,
        "walking_club" | "womens_group" | "choir" | "library" => 4,
        "mens_shed" | "memory_cafe" | "diabetes_group" | "heart_group" | "community_garden" | "food_bank" | "advice_centre" | "age_charity" | "faith_centre" => 3,
        _ => 2,
    }
}

/// A town of the region; `weight` is its share of services.
#[derive(Clone, Debug)]
struct Town {
    place: Place,
    weight: f64,
}

/// The stream of batches; see [`synthetic`].
pub struct Synthetic {
    seed: u64,
    total: usize,
    made: usize,
    batch: u64,
    per_batch: usize,
    today: NaiveDate,
    towns: Vec<Town>,
    /// Cumulative town weights, for sampling by binary search.
    cumulative: Vec<f64>,
    org_types: Vec<&'static OrgType>,
    org_cumulative: Vec<u32>,
    /// Reused between batches for its buffers.
    out: Out,
}

/// A synthetic directory of exactly `n_services` services, in batches of about 5,000 services
/// with their organisations, sites and everything else. The taxonomy and the capacity units are
/// in the first batch only; every batch holds whole organisations, parents before children.
pub fn synthetic(seed: u64, n_services: usize) -> Synthetic {
    Synthetic::new(seed, n_services)
}

impl Synthetic {
    pub fn new(seed: u64, n_services: usize) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let towns = region(&mut rng);
        let mut acc = 0.0;
        let cumulative = towns.iter().map(|t| {
            acc += t.weight;
            acc
        });
        let cumulative = cumulative.collect();
        let org_types: Vec<&'static OrgType> = ORG_TYPES.iter().collect();
        let mut acc = 0;
        let org_cumulative = org_types
            .iter()
            .map(|t| {
                acc += org_weight(t.key);
                acc
            })
            .collect();
        let (y, m, d) = SYNTHETIC_TODAY;
        Synthetic {
            seed,
            total: n_services,
            made: 0,
            batch: 0,
            per_batch: DEFAULT_BATCH_SERVICES,
            today: NaiveDate::from_ymd_opt(y, m, d).expect("a real date"),
            towns,
            cumulative,
            org_types,
            org_cumulative,
            out: Out::new(),
        }
    }

    /// About this many services per batch (at least 1).
    pub fn batch_services(mut self, n: usize) -> Self {
        self.per_batch = n.max(1);
        self
    }

    /// Dates relative to `today` instead of [`SYNTHETIC_TODAY`].
    pub fn today(mut self, today: NaiveDate) -> Self {
        self.today = today;
        self
    }

    /// Services still to come.
    pub fn remaining(&self) -> usize {
        self.total - self.made
    }

    fn town(&self, rng: &mut ChaCha8Rng) -> &Town {
        let x = rng.gen::<f64>() * self.cumulative.last().copied().unwrap_or(1.0);
        let i = self.cumulative.partition_point(|c| *c < x).min(self.towns.len() - 1);
        &self.towns[i]
    }

    fn org_type(&self, rng: &mut ChaCha8Rng) -> &'static OrgType {
        let x = rng.gen_range(0..*self.org_cumulative.last().unwrap_or(&1));
        let i = self.org_cumulative.partition_point(|c| *c <= x).min(self.org_types.len() - 1);
        self.org_types[i]
    }

    fn make_batch(&mut self) -> Batch {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(self.batch + 1);
        let out = std::mem::replace(&mut self.out, Out::new());
        let mut g = Gen::new(rng, self.today, Detail { metadata: false }, out);
        if self.batch == 0 {
            taxonomy::write(&mut g.out);
            write_units(&mut g.out);
        }
        let target = self.per_batch.min(self.remaining());
        let mut made = 0;
        while made < target {
            let town = self.town(&mut g.rng).clone();
            // One organisation in five is out in a village near the town.
            let place = if g.rng.gen_range(0..5) == 0 { village(&mut g.rng, &town.place) } else { town.place.clone() };
            let ty = self.org_type(&mut g.rng);
            let name_t = ty.names[g.rng.gen_range(0..ty.names.len())];
            let name = Fill { place: &place.name, town: &place.town, county: &place.county, venue: "", days: "", name: "" }.apply(name_t);
            let n = (g.rng.gen_range(ty.n.0..=ty.n.1) as usize).min(ty.kinds.len()).min(target - made);
            let kinds: Vec<&'static Kind> = ty.kinds.choose_multiple(&mut g.rng, n).map(|k| kind(k)).collect();
            let hired = ty.venues.is_empty().then(|| g.hired_venue_name(&place));
            let org = g.org(ty, name, &place, 0, &kinds, hired);
            for k in kinds {
                let mut sites = org.sites.clone();
                if ty.outreach && g.rng.gen_range(0..100) < 25 {
                    let venue = g.hired_venue_name(&place);
                    sites.push(g.site(&org.id, venue, &place, false));
                }
                if sites.is_empty() {
                    let venue = g.hired_venue_name(&place);
                    sites.push(g.site(&org.id, venue, &place, false));
                }
                let venue = sites.first().map(|s| s.name.clone()).unwrap_or_default();
                let fill = Fill { place: &place.name, town: &place.town, county: &place.county, venue: &venue, days: "", name: &org.name };
                let variant = g.rng.gen_range(0..k.names.len());
                let sname = fill.apply(k.names[variant]);
                g.service(&org, k, variant, sname, &sites, &place);
                made += 1;
            }
        }
        self.made += made;
        self.batch += 1;
        let batch = g.out.take_batch();
        self.out = g.out;
        batch
    }
}

impl Iterator for Synthetic {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        if self.remaining() == 0 {
            return None;
        }
        Some(self.make_batch())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining().div_ceil(self.per_batch);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Synthetic {}

/// The region's towns: a few cities, some market towns and many small towns, spread over the
/// square; each town's weight (its share of services) falls off with its rank, as town sizes do.
fn region(rng: &mut ChaCha8Rng) -> Vec<Town> {
    let n_towns = 160;
    let mut used = std::collections::HashSet::new();
    let km_lat = 111.32;
    let km_lon = 111.32 * REGION_CENTRE.0.to_radians().cos();
    let mut towns = Vec::with_capacity(n_towns);
    for rank in 0..n_towns {
        let name = loop {
            let n = format!("{}{}", TOWN_STARTS.choose(rng).unwrap_or(&"Ash"), TOWN_ENDS.choose(rng).unwrap_or(&"ford"));
            if used.insert(n.clone()) {
                break n;
            }
        };
        let east = (rng.gen::<f64>() - 0.5) * REGION_KM;
        let north = (rng.gen::<f64>() - 0.5) * REGION_KM;
        let lat = REGION_CENTRE.0 + north / km_lat;
        let lon = REGION_CENTRE.1 + east / km_lon;
        let county = COUNTIES[usize::from(east > 0.0) + 2 * usize::from(north > 0.0)];
        let weight = 1.0 / (rank as f64 + 1.0).powf(0.9);
        let letters: String = name.chars().filter(|c| c.is_ascii_alphabetic()).take(2).collect::<String>().to_ascii_uppercase();
        let outcode = format!("{letters}{}", 1 + rank % 9);
        towns.push(Town {
            place: Place {
                post_town: name.clone(),
                town: name.clone(),
                name,
                county: county.to_string(),
                lat,
                lon,
                // Bigger towns spread wider: about 1.5 km for the smallest, 10 km for a city.
                spread_km: 1.5 + 8.5 * weight.sqrt(),
                outcode,
            },
            weight,
        });
    }
    towns
}

/// A village a few kilometres from `town`, named after it.
fn village(rng: &mut ChaCha8Rng, town: &Place) -> Place {
    let prefix = VILLAGE_PREFIXES.choose(rng).unwrap_or(&"Little");
    let km = rng.gen_range(3.0..12.0);
    let angle = rng.gen::<f64>() * std::f64::consts::TAU;
    let lat = town.lat + km * angle.sin() / 111.32;
    let lon = town.lon + km * angle.cos() / (111.32 * town.lat.to_radians().cos());
    let name = format!("{prefix} {}", town.name);
    Place {
        post_town: name.clone(),
        name,
        town: town.town.clone(),
        county: town.county.clone(),
        lat,
        lon,
        spread_km: 0.5,
        outcode: town.outcode.clone(),
    }
}
