//! The fixed, seeded query mix of the issue: text + radius + two filters, text only, and filters
//! only. Each query is drawn once and then put to both engines with exactly the same parameters.

use chrono::{NaiveTime, Weekday};
use linkwork_domain::geo::Point;
use linkwork_domain::search::{CostFilter, SearchQuery};

/// Page size, as the directory page shows.
pub const PAGE: usize = 20;

/// A small reproducible generator (SplitMix64): the mix needs no more than this, and it must not
/// change with a dependency's version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text near a point within a radius, with two filters.
    TextRadiusFilters,
    TextOnly,
    /// A taxonomy term and wheelchair access within a radius, no text.
    FiltersOnly,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::TextRadiusFilters, Kind::TextOnly, Kind::FiltersOnly];

    pub fn label(self) -> &'static str {
        match self {
            Kind::TextRadiusFilters => "text + radius + 2 filters",
            Kind::TextOnly => "text only",
            Kind::FiltersOnly => "filters only (term + wheelchair + radius)",
        }
    }
}

/// One query of the mix, in terms both engines understand.
#[derive(Clone, Debug)]
pub struct BenchQuery {
    pub kind: Kind,
    pub text: Option<String>,
    pub near: Option<(f64, f64)>,
    pub radius_m: f64,
    pub free: bool,
    pub open_at: Option<(Weekday, NaiveTime)>,
    pub language: Option<String>,
    pub taxonomy_term_id: Option<String>,
    pub wheelchair: bool,
}

/// What link workers type: activity names as people say them. Accents as listings spell them
/// ("café"), since the baseline's `english` configuration does not fold them.
const TEXTS: &[&str] = &[
    "walking group",
    "lunch club",
    "coffee morning",
    "food bank",
    "debt advice",
    "art group",
    "community choir",
    "men's shed",
    "memory café",
    "gardening",
    "chair exercise",
    "swimming",
    "benefits advice",
    "befriending",
    "carers group",
    "english conversation",
    "youth club",
    "job club",
    "stop smoking",
    "bereavement support",
    "tea dance",
    "cooking on a budget",
    "mental health peer support",
    "knit and natter",
    "digital skills",
    "housing advice",
    "diabetes",
    "mindfulness",
];

const LANGUAGES: &[&str] = &["polish", "urdu", "bengali", "spanish", "arabic", "romanian"];
const WEEKDAYS: [Weekday; 5] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
const TIMES: &[(u32, u32)] = &[(10, 0), (10, 30), (11, 0), (14, 0), (18, 30)];

fn open_at(rng: &mut Rng) -> (Weekday, NaiveTime) {
    let (h, m) = *rng.pick(TIMES);
    (*rng.pick(&WEEKDAYS), NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
}

/// A point near a sampled site: within about 500 m of where a service is.
fn point(rng: &mut Rng, points: &[(f64, f64)]) -> (f64, f64) {
    let (lat, lon) = *rng.pick(points);
    let dlat = (rng.unit() - 0.5) * 0.009;
    let dlon = (rng.unit() - 0.5) * 0.015;
    (lat + dlat, lon + dlon)
}

/// `n` queries of each kind, drawn from `seed`; `points` are sampled sites.
pub fn mix(seed: u64, n: usize, points: &[(f64, f64)]) -> Vec<BenchQuery> {
    let mut rng = Rng::new(seed ^ 0x0000_9e57_0000_a11c);
    // Taxonomy terms below the top level: what a link worker filters by.
    let terms: Vec<String> =
        linkwork_gen::taxonomy::TERMS.iter().filter(|t| t.code.contains('.')).map(|t| linkwork_gen::taxonomy::term_id(t.code)).collect();
    let mut out = Vec::with_capacity(3 * n);
    for _ in 0..n {
        let near = point(&mut rng, points);
        let mut q = BenchQuery {
            kind: Kind::TextRadiusFilters,
            text: Some(rng.pick(TEXTS).to_string()),
            near: Some(near),
            radius_m: 5_000.0,
            free: false,
            open_at: None,
            language: None,
            taxonomy_term_id: None,
            wheelchair: false,
        };
        // Two of: free, open at a weekday time, a language.
        match rng.below(3) {
            0 => {
                q.free = true;
                q.open_at = Some(open_at(&mut rng));
            }
            1 => {
                q.free = true;
                q.language = Some(rng.pick(LANGUAGES).to_string());
            }
            _ => {
                q.open_at = Some(open_at(&mut rng));
                q.language = Some(rng.pick(LANGUAGES).to_string());
            }
        }
        out.push(q);

        out.push(BenchQuery {
            kind: Kind::TextOnly,
            text: Some(rng.pick(TEXTS).to_string()),
            near: None,
            radius_m: 0.0,
            free: false,
            open_at: None,
            language: None,
            taxonomy_term_id: None,
            wheelchair: false,
        });

        let near = point(&mut rng, points);
        out.push(BenchQuery {
            kind: Kind::FiltersOnly,
            text: None,
            near: Some(near),
            radius_m: *rng.pick(&[5_000.0, 10_000.0]),
            free: false,
            open_at: None,
            language: None,
            taxonomy_term_id: Some(rng.pick(&terms).clone()),
            wheelchair: true,
        });
    }
    out
}

impl BenchQuery {
    /// The same query for the index.
    pub fn to_search(&self) -> SearchQuery {
        let near = self.near.map(|(lat, lon)| Point::new(lat, lon).expect("sampled from valid sites"));
        SearchQuery {
            text: self.text.clone(),
            near,
            radius_m: near.map(|_| self.radius_m),
            taxonomy_term_ids: self.taxonomy_term_id.iter().cloned().collect(),
            cost: self.free.then_some(CostFilter::Free),
            language: self.language.clone(),
            wheelchair: self.wheelchair,
            open_at: self.open_at,
            limit: PAGE,
            ..Default::default()
        }
    }
}
