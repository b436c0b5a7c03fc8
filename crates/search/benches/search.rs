//! Search latency at directory scale: builds an index of N synthetic services (social prescribing
//! activities spread over a 200 x 200 km region of towns) and prints p50/p99 per query kind.
//!
//! `cargo bench -p linkwork-search --bench search -- 10000 100000 1000000`
//! (sizes are numbers of services; each has 0–3 sites, so about 1.3 documents per service).

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveTime, Weekday};
use linkwork_domain::geo::Point;
use linkwork_domain::search::{CostFilter, SearchQuery};
use linkwork_domain::service::{
    AccessibilityDoc, AddressDoc, AttributeDoc, CapacityDoc, CostOptionDoc, LanguageDoc, LocationDoc, OrganizationDoc,
    ServiceAtLocationDoc, ServiceDoc,
};
use linkwork_domain::schedule::ScheduleDoc;
use linkwork_search::{SearchIndex, TaxonomyTree};

/// A small, fast, reproducible generator (SplitMix64): the bench needs no dependency for this.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// Roughly normal (sum of uniforms), mean 0, sd 1.
    fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.unit()).sum::<f64>() * 3f64.sqrt() - 2.0 * 3f64.sqrt()
    }
}

/// Activities: (name, words for descriptions, taxonomy group).
const ACTIVITIES: &[(&str, &str, usize)] = &[
    ("Walking group", "gentle walks in the countryside and parks", 0),
    ("Lunch club", "a hot lunch and friendly company", 1),
    ("Debt advice", "confidential help with debts, bills and money worries", 2),
    ("Food bank", "emergency food parcels and toiletries", 2),
    ("Community choir", "singing together, no experience needed", 3),
    ("Gardening club", "growing vegetables and flowers on the allotment", 0),
    ("English classes", "learn English for everyday life, ESOL", 4),
    ("Befriending service", "regular visits and phone calls for lonely people", 1),
    ("Art group", "painting, drawing and crafts", 3),
    ("Men's shed", "woodwork, repairs and conversation", 1),
    ("Tai chi", "slow movement for balance and strength", 0),
    ("Chair yoga", "seated exercise for mobility", 0),
    ("Bereavement support", "support after the loss of someone close", 5),
    ("Carers group", "peer support for unpaid carers", 5),
    ("Dementia cafe", "a welcoming cafe for people living with dementia and their carers", 5),
    ("Swimming sessions", "swimming for beginners and older adults", 0),
    ("Cycling club", "rides for all abilities, bikes available", 0),
    ("Knit and natter", "knitting, crochet and chat", 3),
    ("Book club", "monthly reading and discussion", 3),
    ("Cooking class", "cook healthy meals on a budget", 4),
    ("Benefits advice", "help claiming benefits and universal credit", 2),
    ("Housing advice", "help with tenancy, rent arrears and homelessness", 2),
    ("Employment support", "CV writing, job search and interview practice", 4),
    ("Digital skills", "help using computers, smartphones and the internet", 4),
    ("Mindfulness course", "meditation and stress reduction", 5),
    ("Parent and toddler group", "play and support for parents with young children", 1),
    ("Youth club", "activities and mentoring for young people", 1),
    ("Volunteering", "volunteer opportunities in the local community", 1),
    ("Dance class", "ballroom, line dancing and movement to music", 0),
    ("Walking football", "football at a walking pace for older players", 0),
    ("Coffee morning", "coffee, cake and conversation", 1),
    ("Weight management", "healthy eating and activity support", 5),
    ("Stop smoking service", "free support to quit smoking", 5),
    ("Counselling", "talking therapy for anxiety and depression", 5),
    ("History society", "local history talks and outings", 3),
    ("Photography walks", "photography and exploring the outdoors", 3),
];
const GROUPS: &[&str] = &["Physical activity", "Social connection", "Money and housing", "Arts and culture", "Learning and work", "Health and wellbeing"];
const ADJECTIVES: &[&str] = &["Riverside", "Friendly", "Community", "Northside", "Parkview", "St Mary's", "Oakwood", "Green Lane", "Valley", "Hillside", "Old Town", "Harbour"];
const FILLER: &[&str] = &[
    "Everyone welcome.", "Drop in, no referral needed.", "Run by local volunteers.", "Refreshments provided.",
    "Please call ahead before your first visit.", "Suitable for beginners.", "A relaxed and welcoming group.",
    "Transport can be arranged.", "Carers are welcome to attend.", "Held in the community centre.",
];
const LANGUAGES: &[(&str, &str, f64)] =
    &[("Spanish", "es", 0.08), ("Polish", "pl", 0.08), ("Urdu", "ur", 0.07), ("Punjabi", "pa", 0.05), ("Arabic", "ar", 0.05), ("Welsh", "cy", 0.03)];
const DAYS: &[&str] = &["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

struct World {
    towns: Vec<(String, f64, f64, f64)>, // name, lat, lon, spread in km
    tree: TaxonomyTree,
    /// Leaf term ids per activity.
    leaf: Vec<String>,
    /// (id, name) of the mid-level terms.
    mids: Vec<String>,
    roots: Vec<String>,
}

const CENTRE: (f64, f64) = (52.5, -1.5);

fn world(rng: &mut Rng) -> World {
    // 200 x 200 km: 1.8 degrees of latitude, 2.95 of longitude at 52.5°N.
    let towns = (0..60)
        .map(|i| {
            let lat = CENTRE.0 + (rng.unit() - 0.5) * 1.8;
            let lon = CENTRE.1 + (rng.unit() - 0.5) * 2.95;
            let spread = if i < 5 { 8.0 } else { 2.0 + rng.unit() * 3.0 };
            (format!("Town{i}"), lat, lon, spread)
        })
        .collect();
    // Three levels: 6 roots, 3 mids each (18), and one leaf per activity plus filler leaves (~100).
    let mut triples: Vec<(String, Option<String>, String)> = Vec::new();
    let mut roots = Vec::new();
    let mut mids = Vec::new();
    for (g, name) in GROUPS.iter().enumerate() {
        let root = format!("t-{g}");
        triples.push((root.clone(), None, name.to_string()));
        roots.push(root.clone());
        for m in 0..3 {
            let mid = format!("t-{g}-{m}");
            triples.push((mid.clone(), Some(root.clone()), format!("{name} {m}")));
            mids.push(mid);
        }
    }
    let mut leaf = Vec::new();
    for (a, (name, _, g)) in ACTIVITIES.iter().enumerate() {
        let id = format!("t-{g}-{}-{a}", a % 3);
        triples.push((id.clone(), Some(format!("t-{g}-{}", a % 3)), name.to_string()));
        leaf.push(id);
    }
    for x in 0..40 {
        let g = x % GROUPS.len();
        triples.push((format!("t-{g}-{}-x{x}", x % 3), Some(format!("t-{g}-{}", x % 3)), format!("Other {x}")));
    }
    World { towns, tree: TaxonomyTree::new(triples), leaf, mids, roots }
}

fn service(rng: &mut Rng, w: &World, i: usize) -> ServiceDoc {
    let a = rng.below(ACTIVITIES.len());
    let (activity, about, _) = ACTIVITIES[a];
    let town_ix = {
        // Bigger towns hold more services.
        let t = rng.below(w.towns.len() * 2);
        if t >= w.towns.len() { t % 5 } else { t }
    };
    let (town, tlat, tlon, spread) = &w.towns[town_ix];
    let name = if rng.chance(0.5) { format!("{} {}", rng.pick(ADJECTIVES), activity) } else { format!("{town} {activity}") };
    let description = format!("{} offers {about}. {} {}", name, rng.pick(FILLER), rng.pick(FILLER));
    let mut s = ServiceDoc {
        id: format!("svc-{i}"),
        name,
        description: Some(description),
        status: Some(if rng.chance(0.02) { "inactive" } else { "active" }.into()),
        organization: Some(OrganizationDoc {
            id: format!("org-{}", i / 8),
            name: format!("{town} {}", rng.pick(&["Community Trust", "Council for Voluntary Service", "Age Concern", "Wellbeing Partnership"])),
            ..Default::default()
        }),
        ..Default::default()
    };
    if rng.chance(0.2) {
        s.eligibility_description = Some(rng.pick(&["Adults over 18", "People over 65", "Carers", "Residents of the borough"]).to_string());
    }
    match rng.below(10) {
        0..=3 => s.cost_options.push(CostOptionDoc { amount: Some(0.0), ..Default::default() }),
        4..=5 => s.cost_options.push(CostOptionDoc { amount: Some(1.0 + rng.below(4) as f64), ..Default::default() }),
        6..=7 => s.cost_options.push(CostOptionDoc { amount: Some(6.0 + rng.below(15) as f64), ..Default::default() }),
        _ => {}
    }
    s.languages.push(LanguageDoc { name: Some("English".into()), code: Some("en".into()), note: None });
    for (n, c, p) in LANGUAGES {
        if rng.chance(*p) {
            s.languages.push(LanguageDoc { name: Some(n.to_string()), code: Some(c.to_string()), note: None });
        }
    }
    if rng.chance(0.5) {
        let max = 10 + rng.below(20) as u32;
        let available = if rng.chance(0.7) { 1 + rng.below(max as usize) } else { 0 };
        s.capacities.push(CapacityDoc { available: Some(available as f64), maximum: Some(max as f64), ..Default::default() });
    }
    match rng.below(10) {
        0..=2 => s.minimum_age = Some(18.0),
        3 => s.minimum_age = Some(65.0),
        4 => {
            s.minimum_age = Some(11.0);
            s.maximum_age = Some(18.0)
        }
        _ => {}
    }
    s.attributes.push(AttributeDoc { taxonomy_term_id: Some(w.leaf[a].clone()), ..Default::default() });
    let sessions = 1 + rng.below(3);
    for _ in 0..sessions {
        let start = 8 + rng.below(11);
        let len = 1 + rng.below(3);
        s.schedules.push(ScheduleDoc {
            freq: Some("WEEKLY".into()),
            byday: Some(rng.pick(DAYS).to_string()),
            opens_at: Some(format!("{start:02}:00")),
            closes_at: Some(format!("{:02}:{}", start + len, if rng.chance(0.5) { "00" } else { "30" })),
            ..Default::default()
        });
    }
    let sites = match rng.below(10) {
        0 => 0,
        1..=6 => 1,
        7..=8 => 2,
        _ => 3,
    };
    for k in 0..sites {
        let (t2, lat0, lon0, sp) = if k == 0 { (town.clone(), *tlat, *tlon, *spread) } else { w.towns[rng.below(w.towns.len())].clone() };
        let lat = lat0 + rng.normal() * sp / 111.0;
        let lon = lon0 + rng.normal() * sp / (111.0 * lat0.to_radians().cos());
        s.service_at_locations.push(ServiceAtLocationDoc {
            id: format!("sal-{i}-{k}"),
            location: Some(LocationDoc {
                id: format!("loc-{i}-{k}"),
                name: Some(format!("{t2} community centre")),
                latitude: Some(lat),
                longitude: Some(lon),
                addresses: vec![AddressDoc { address_1: format!("{} High Street", 1 + rng.below(200)), city: t2, ..Default::default() }],
                accessibility: if rng.chance(0.5) {
                    vec![AccessibilityDoc { description: Some("Step-free access".into()), ..Default::default() }]
                } else {
                    Vec::new()
                },
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    s
}

const TEXTS: &[&str] = &[
    "walking group", "lunch club", "debt advice", "food bank", "choir", "gardening", "english classes", "befriending",
    "art", "yoga", "dementia", "carers support", "benefits", "housing", "swimming", "cycling", "knitting", "cooking",
    "digital skills", "counselling", "coffee morning", "football", "dance", "mindfulness", "bereavement", "singing",
];

/// A typo: one letter dropped or two swapped.
fn typo(rng: &mut Rng, word: &str) -> String {
    let mut c: Vec<char> = word.chars().collect();
    if c.len() < 5 {
        return word.to_string();
    }
    let i = 1 + rng.below(c.len() - 2);
    if rng.chance(0.5) {
        c.remove(i);
    } else {
        c.swap(i, i + 1);
    }
    c.into_iter().collect()
}

fn random_text(rng: &mut Rng) -> String {
    let t = rng.pick(TEXTS);
    if rng.chance(0.2) {
        t.split(' ').map(|w| typo(rng, w)).collect::<Vec<_>>().join(" ")
    } else {
        t.to_string()
    }
}

fn add_filter(rng: &mut Rng, w: &World, q: &mut SearchQuery) {
    match rng.below(8) {
        0 => q.cost = Some(if rng.chance(0.5) { CostFilter::Free } else { CostFilter::LowCost }),
        1 => q.language = Some(rng.pick(&["spanish", "polish", "ur", "english"]).to_string()),
        2 => q.wheelchair = true,
        3 => {
            let day = *rng.pick(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat]);
            q.open_at = Some((day, NaiveTime::from_hms_opt(9 + rng.below(9) as u32, 30 * rng.below(2) as u32, 0).unwrap()));
        }
        4 => q.age = Some(*rng.pick(&[16u32, 30, 70])),
        5 => q.has_capacity = true,
        6 => q.taxonomy_term_ids = vec![if rng.chance(0.5) { rng.pick(&w.roots).clone() } else { rng.pick(&w.mids).clone() }],
        _ => q.cost = Some(CostFilter::Free),
    }
}

fn near(rng: &mut Rng, w: &World) -> Point {
    let (_, lat, lon, _) = &w.towns[rng.below(w.towns.len())];
    Point::new(lat + rng.normal() * 0.02, lon + rng.normal() * 0.03).unwrap()
}

fn two_filters(rng: &mut Rng, w: &World, q: &mut SearchQuery) {
    add_filter(rng, w, q);
    add_filter(rng, w, q);
}

fn queries(rng: &mut Rng, w: &World, n: usize) -> Vec<(&'static str, SearchQuery)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let base = SearchQuery { limit: 20, ..Default::default() };
        let mut a = SearchQuery { text: Some(random_text(rng)), near: Some(near(rng, w)), radius_m: Some(5_000.0 + rng.below(4) as f64 * 5_000.0), ..base.clone() };
        two_filters(rng, w, &mut a);
        out.push(("text+radius+2 filters", a));
        out.push(("text only", SearchQuery { text: Some(random_text(rng)), ..base.clone() }));
        let mut c = base.clone();
        two_filters(rng, w, &mut c);
        out.push(("2 filters only", c));
        let mut d = SearchQuery { near: Some(near(rng, w)), radius_m: Some(10_000.0), ..base.clone() };
        add_filter(rng, w, &mut d);
        out.push(("radius+1 filter", d));
        let e = SearchQuery { near: Some(near(rng, w)), text: Some(random_text(rng)), ..base.clone() };
        out.push(("text+near, no radius", e));
    }
    out
}

/// CPU time of the whole process (all threads) in clock ticks of 10 ms, from /proc: unlike wall
/// time it does not count waiting for a core that other work holds (the machine is shared).
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime) of the full line are 12 and 13 after the command name.
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn run(n: usize) {
    let dir = std::env::temp_dir().join(format!("linkwork-search-bench-{n}"));
    // LW_BENCH_KEEP=1 keeps the index for the next run, and reuses one a previous run kept.
    let keep = std::env::var_os("LW_BENCH_KEEP").is_some();
    let mut rng = Rng(42);
    let w = world(&mut rng);
    if keep {
        if let Ok(idx) = SearchIndex::open(&dir) {
            if idx.last_seq().unwrap() == Some(n as i64) {
                println!("\n== {n} services, {} documents, reused index in {} ({} segments)", idx.num_docs(), dir.display(), idx.num_segments());
                queries_and_report(&idx, &w);
                return;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let mut idx = SearchIndex::open(&dir).unwrap();
    let t0 = Instant::now();
    let mut i = 0;
    while i < n {
        let chunk: Vec<ServiceDoc> = (i..(i + 10_000).min(n)).map(|j| service(&mut rng, &w, j)).collect();
        idx.index_services_on(&chunk, &w.tree, today).unwrap();
        i += chunk.len();
    }
    idx.commit(n as i64).unwrap();
    let indexed = t0.elapsed();
    let segments_before = idx.num_segments();
    let t1 = Instant::now();
    idx.optimize().unwrap();
    let merged = t1.elapsed();
    println!(
        "\n== {n} services, {} documents: indexed and committed in {:.1} s ({} segments), merged to {} in {:.1} s",
        idx.num_docs(),
        indexed.as_secs_f64(),
        segments_before,
        idx.num_segments(),
        merged.as_secs_f64()
    );
    queries_and_report(&idx, &w);
    drop(idx);
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn queries_and_report(idx: &SearchIndex, w: &World) {
    let mut qrng = Rng(7);
    let qs = if std::env::var_os("LW_BENCH_CASE").is_some() { Vec::new() } else { queries(&mut qrng, w, 400) };
    // Warm-up: page cache and lazily opened structures.
    for (_, q) in qs.iter().take(200) {
        idx.search(q).unwrap();
    }
    let mut kinds: Vec<(&str, Vec<Duration>, usize, u64)> = Vec::new();
    for (kind, q) in &qs {
        let c = cpu_ticks();
        let t = Instant::now();
        let r = idx.search(q).unwrap();
        let el = t.elapsed();
        let ticks = cpu_ticks() - c;
        match kinds.iter_mut().find(|k| k.0 == *kind) {
            Some(k) => {
                k.1.push(el);
                k.2 += r.total;
                k.3 += ticks;
            }
            None => kinds.push((kind, vec![el], r.total, ticks)),
        }
    }
    println!("{:<24} {:>7} {:>9} {:>9} {:>9} {:>12} {:>11}", "query kind", "queries", "p50 ms", "p99 ms", "max ms", "mean total", "cpu ms/q");
    let mut all: Vec<Duration> = Vec::new();
    for (kind, mut t, totals, ticks) in kinds {
        t.sort();
        all.extend(&t);
        println!(
            "{:<24} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>12} {:>11.2}",
            kind,
            t.len(),
            pct(&t, 0.5),
            pct(&t, 0.99),
            pct(&t, 1.0),
            totals / t.len(),
            ticks as f64 * 10.0 / t.len() as f64
        );
    }
    all.sort();
    if !all.is_empty() {
        println!("{:<24} {:>7} {:>9.2} {:>9.2} {:>9.2}", "all", all.len(), pct(&all, 0.5), pct(&all, 0.99), pct(&all, 1.0));
    }
    if std::env::var_os("LW_BENCH_DETAIL").is_some() {
        detail(idx, w);
    }
}

/// One filter at a time, to see which costs what.
fn detail(idx: &SearchIndex, w: &World) {
    let base = SearchQuery { limit: 20, ..Default::default() };
    let tue = (Weekday::Tue, NaiveTime::from_hms_opt(10, 0, 0).unwrap());
    let here = Point::new(w.towns[0].1, w.towns[0].2).unwrap();
    let cases: Vec<(&str, SearchQuery)> = vec![
        ("nothing", base.clone()),
        ("free", SearchQuery { cost: Some(CostFilter::Free), ..base.clone() }),
        ("low cost", SearchQuery { cost: Some(CostFilter::LowCost), ..base.clone() }),
        ("spanish", SearchQuery { language: Some("spanish".into()), ..base.clone() }),
        ("english", SearchQuery { language: Some("english".into()), ..base.clone() }),
        ("wheelchair", SearchQuery { wheelchair: true, ..base.clone() }),
        ("open tue 10", SearchQuery { open_at: Some(tue), ..base.clone() }),
        ("age 30", SearchQuery { age: Some(30), ..base.clone() }),
        ("capacity", SearchQuery { has_capacity: true, ..base.clone() }),
        ("taxonomy root", SearchQuery { taxonomy_term_ids: vec![w.roots[0].clone()], ..base.clone() }),
        ("free+wheelchair", SearchQuery { cost: Some(CostFilter::Free), wheelchair: true, ..base.clone() }),
        ("age+english", SearchQuery { age: Some(30), language: Some("english".into()), ..base.clone() }),
        ("near 10km", SearchQuery { near: Some(here), radius_m: Some(10_000.0), ..base.clone() }),
        ("near, no radius", SearchQuery { near: Some(here), ..base.clone() }),
        ("text walking", SearchQuery { text: Some("walking".into()), ..base.clone() }),
        ("text wakling (typo)", SearchQuery { text: Some("wakling".into()), ..base.clone() }),
        ("text support", SearchQuery { text: Some("support".into()), ..base.clone() }),
    ];
    println!("{:<24} {:>9} {:>9} {:>10}", "single case", "p50 ms", "max ms", "total");
    // LW_BENCH_CASE=name runs only that case, many times (for a profiler).
    let only = std::env::var("LW_BENCH_CASE").ok();
    for (name, q) in cases {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let mut t: Vec<Duration> = Vec::new();
        let mut total = 0;
        for _ in 0..if only.is_some() { 300 } else { 30 } {
            let s = Instant::now();
            total = idx.search(&q).unwrap().total;
            t.push(s.elapsed());
        }
        t.sort();
        println!("{:<24} {:>9.2} {:>9.2} {:>10}", name, pct(&t, 0.5), pct(&t, 1.0), total);
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.replace('_', "").parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10_000, 100_000] } else { sizes };
    for n in sizes {
        run(n);
    }
}
