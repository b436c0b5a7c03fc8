//! The result collector: one pass over the matching documents that counts distinct services,
//! measures distances from fast fields and keeps only the best `k` hits, so that no stored
//! document is read for a hit that is not returned.
//!
//! It relies on the documents of one service being adjacent in their segment (they are always
//! written in one batch, see `SearchIndex::index_services`), which turns deduplication by service
//! into comparing each document's service number (see `facts`) with the previous one's.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use linkwork_domain::geo::Point;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::facts::{DocFacts, SegmentFacts};
use crate::schema::{CAPACITY_SOME, NO_COORD};

const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// The fast planar distance is trusted to this relative error (and 1 m); anything closer to a
/// decision than that is settled with the exact haversine distance.
const APPROX_MARGIN: f64 = 0.01;
/// Beyond this the planar approximation is not trusted at all...
const APPROX_LIMIT_M: f64 = 300_000.0;
/// ...nor anywhere from an origin this close to a pole, where meridians converge too fast.
const APPROX_MAX_LAT: f64 = 70.0;

/// Distances from one point: a cheap planar estimate for every candidate, the exact great-circle
/// distance only when a decision depends on it.
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    point: Point,
    /// The radius' bounding box (min lat, max lat, min lon, max lon), when there is a radius:
    /// a cheap first test.
    bbox: Option<(f64, f64, f64, f64)>,
    lat_rad: f64,
    cos_lat: f64,
    sin_lat: f64,
    /// Distances up to which the estimate is trusted (0 near the poles).
    approx_limit: f64,
    pub radius_m: Option<f64>,
}

impl Origin {
    pub fn new(point: Point, radius_m: Option<f64>) -> Self {
        let lat_rad = point.lat().to_radians();
        let bbox = radius_m.map(|r| {
            let b = point.bounding_box(r.max(0.0));
            // Across the antimeridian the longitude test is left to the distance.
            let (lo, hi) = if b.min_lon < -180.0 || b.max_lon > 180.0 { (-180.0, 180.0) } else { (b.min_lon, b.max_lon) };
            // Widened by about a metre: the cached coordinates are rounded to single precision.
            const EPS: f64 = 1e-5;
            (b.min_lat - EPS, b.max_lat + EPS, lo - EPS, hi + EPS)
        });
        let approx_limit = if point.lat().abs() > APPROX_MAX_LAT { 0.0 } else { APPROX_LIMIT_M };
        Origin { point, bbox, lat_rad, cos_lat: lat_rad.cos(), sin_lat: lat_rad.sin(), approx_limit, radius_m }
    }

    #[inline]
    fn in_box(&self, lat: f64, lon: f64) -> bool {
        match self.bbox {
            Some((a, b, c, d)) => lat >= a && lat <= b && lon >= c && lon <= d,
            None => true,
        }
    }

    /// Equirectangular distance at the mean latitude, cos(mean) from a first-order expansion:
    /// arithmetic only, well within `APPROX_MARGIN` of the haversine up to `approx_limit`.
    #[inline]
    fn approx(&self, lat: f64, lon: f64) -> f64 {
        let dlat = lat.to_radians() - self.lat_rad;
        let mut dlon = (lon - self.point.lon()).to_radians();
        if dlon > std::f64::consts::PI {
            dlon -= 2.0 * std::f64::consts::PI;
        } else if dlon < -std::f64::consts::PI {
            dlon += 2.0 * std::f64::consts::PI;
        }
        let cos_mid = self.cos_lat - self.sin_lat * dlat * 0.5;
        let x = dlon * cos_mid;
        EARTH_RADIUS_M * (dlat * dlat + x * x).sqrt()
    }

    fn exact(&self, lat: f64, lon: f64) -> f64 {
        match Point::new(lat, lon) {
            Ok(p) => self.point.distance_m(&p),
            Err(_) => f64::INFINITY,
        }
    }

    /// Whether a point at (estimated) distance `approx` lies within the radius; `exact` is only
    /// computed for points near the edge.
    #[inline]
    fn within(&self, approx: f64, exact: impl FnOnce() -> f64) -> bool {
        let Some(r) = self.radius_m else { return true };
        if approx > self.approx_limit {
            return exact() <= r;
        }
        let slack = approx * APPROX_MARGIN + 1.0;
        if approx + slack < r {
            true
        } else if approx - slack > r {
            false
        } else {
            exact() <= r
        }
    }
}

/// Conditions on the few values cached per document (see `facts`): checking them costs an
/// array read, where a query clause on a term most documents have costs a full list walk.
#[derive(Clone, Copy, Debug, Default)]
pub struct DocFilter {
    pub age: Option<u8>,
    /// Bit per allowed cost code; 0 when cost does not matter.
    pub cost_mask: u8,
    pub wheelchair: bool,
    pub capacity: bool,
}

impl DocFilter {
    /// Without short-circuits: on scattered data a mispredicted branch costs more than the few
    /// comparisons it would skip.
    #[inline(always)]
    fn accepts(&self, f: &DocFacts) -> bool {
        let age_ok = match self.age {
            Some(a) => (f.min_age <= a) & (a <= f.max_age),
            None => true,
        };
        let cost_ok = (self.cost_mask == 0) | (self.cost_mask & (1 << f.cost()) != 0);
        let wheelchair_ok = !self.wheelchair | f.wheelchair();
        let capacity_ok = !self.capacity | (u64::from(f.capacity()) == CAPACITY_SOME);
        !f.hidden() & age_ok & cost_ok & wheelchair_ok & capacity_ok
    }
}

/// How hits are ordered.
#[derive(Clone, Copy, Debug)]
pub enum Order {
    /// Best score first; equal scores in index order.
    Relevance,
    /// Nearest first; documents without coordinates last (they never pass a radius).
    Distance(Origin),
}

/// A kept hit. `key` is what is ranked on, lower first: minus the score, or the distance.
#[derive(Clone, Copy, Debug)]
pub struct Ranked {
    pub key: f64,
    pub score: Score,
    pub distance_m: Option<f64>,
    pub address: DocAddress,
}

impl Ranked {
    fn cmp_key(&self, other: &Self) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then(self.address.segment_ord.cmp(&other.address.segment_ord))
            .then(self.address.doc_id.cmp(&other.address.doc_id))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp_key(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_key(other)
    }
}

pub struct Page {
    /// Distinct services matching.
    pub total: usize,
    /// The best `k`, best first.
    pub best: Vec<Ranked>,
}

pub struct RankCollector {
    pub k: usize,
    pub order: Order,
    pub scoring: bool,
    /// Conditions checked here on cached values rather than by the query.
    pub filter: DocFilter,
    /// Facts of each segment, by segment ordinal.
    pub facts: Vec<Arc<SegmentFacts>>,
}

impl Collector for RankCollector {
    type Fruit = Page;
    type Child = RankSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<RankSegment> {
        let facts = match self.facts.get(segment_ord as usize) {
            Some(f) if f.docs.len() == reader.max_doc() as usize => f.clone(),
            _ => Arc::new(SegmentFacts::load(reader)?),
        };
        let geo = match self.order {
            Order::Distance(origin) => {
                let ff = reader.fast_fields();
                Some((origin, ff.f64("lat")?, ff.f64("lon")?))
            }
            Order::Relevance => None,
        };
        Ok(RankSegment {
            segment_ord,
            scoring: self.scoring,
            k: self.k,
            facts,
            geo,
            filter: self.filter,
            total: 0,
            run: None,
            heap: BinaryHeap::with_capacity(self.k + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<Page>) -> tantivy::Result<Page> {
        let total = fruits.iter().map(|f| f.total).sum();
        let mut best: Vec<Ranked> = fruits.into_iter().flat_map(|f| f.best).collect();
        best.sort_unstable();
        best.truncate(self.k);
        Ok(Page { total, best })
    }
}

/// The best document so far of the service being read.
struct Run {
    service: u32,
    doc: DocId,
    score: Score,
    /// Planar estimate of the distance; infinite without coordinates.
    approx: f64,
    /// Whether the document has coordinates.
    placed: bool,
}

pub struct RankSegment {
    segment_ord: SegmentOrdinal,
    scoring: bool,
    k: usize,
    facts: Arc<SegmentFacts>,
    /// The origin, and the exact coordinates for decisions at the edge.
    geo: Option<(Origin, Column<f64>, Column<f64>)>,
    filter: DocFilter,
    total: usize,
    run: Option<Run>,
    /// Max-heap: the worst kept hit on top, ready to be replaced.
    heap: BinaryHeap<Ranked>,
}

impl RankSegment {
    fn flush(&mut self) {
        let Some(run) = self.run.take() else { return };
        let address = DocAddress::new(self.segment_ord, run.doc);
        match &self.geo {
            None => {
                self.total += 1;
                let cand = Ranked { key: -f64::from(run.score), score: run.score, distance_m: None, address };
                self.offer(cand);
            }
            Some((origin, lat_col, lon_col)) => {
                let origin = *origin;
                // The exact coordinates, from the column (the cache holds rounded ones).
                let exact_at = |doc: DocId| match (lat_col.first(doc), lon_col.first(doc)) {
                    (Some(la), Some(lo)) => origin.exact(la, lo),
                    _ => f64::INFINITY,
                };
                if !run.placed {
                    if origin.radius_m.is_some() {
                        return;
                    }
                    self.total += 1;
                    self.offer(Ranked { key: f64::INFINITY, score: run.score, distance_m: None, address });
                    return;
                }
                let mut exact: Option<f64> = None;
                if !origin.within(run.approx, || *exact.insert(exact_at(run.doc))) {
                    return;
                }
                self.total += 1;
                if self.k == 0 {
                    return;
                }
                // Only a hit that may beat the worst kept one is measured exactly.
                if self.heap.len() >= self.k {
                    let worst = self.heap.peek().map(|w| w.key).unwrap_or(f64::INFINITY);
                    if run.approx <= origin.approx_limit && run.approx - (run.approx * APPROX_MARGIN + 1.0) > worst {
                        return;
                    }
                }
                let d = exact.unwrap_or_else(|| exact_at(run.doc));
                self.offer(Ranked { key: d, score: run.score, distance_m: Some(d), address });
            }
        }
    }

    #[inline]
    fn offer(&mut self, cand: Ranked) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(cand);
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if cand < *worst {
                *worst = cand;
            }
        }
    }
}

impl SegmentCollector for RankSegment {
    type Fruit = Page;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        self.collect_one(doc, score);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        if !self.scoring && self.geo.is_none() && self.heap.len() >= self.k && self.k > 0 {
            // Unscored, in index order, page full: no later document can enter the page, so
            // all that is left is counting services, in a loop tight enough for a million
            // documents. Each change of service completes the previous run, which counts.
            if let Some(run) = &mut self.run {
                let filter = self.filter;
                let facts = &self.facts.docs;
                let (mut service, mut first) = (run.service, run.doc);
                let mut completed = 0;
                // Branch-free: services of one to three documents make the "new service" test
                // a coin toss for the branch predictor.
                for &doc in docs {
                    let f = facts[doc as usize];
                    let new = filter.accepts(&f) & (f.service != service);
                    completed += usize::from(new);
                    service = if new { f.service } else { service };
                    first = if new { doc } else { first };
                }
                self.total += completed;
                run.service = service;
                run.doc = first;
                return;
            }
        }
        for doc in docs {
            self.collect_one(*doc, 0.0);
        }
    }

    fn harvest(mut self) -> Page {
        self.flush();
        Page { total: self.total, best: self.heap.into_sorted_vec() }
    }
}

impl RankSegment {
    #[inline]
    fn collect_one(&mut self, doc: DocId, score: Score) {
        let d = doc as usize;
        let facts = self.facts.docs[d];
        if !self.filter.accepts(&facts) {
            return;
        }
        let service = facts.service;
        let (approx, placed) = match &self.geo {
            Some((origin, _, _)) => {
                let [lat, lon] = self.facts.coords[d];
                let (lat, lon) = (f64::from(lat), f64::from(lon));
                if lat == NO_COORD {
                    (f64::INFINITY, false)
                } else if !origin.in_box(lat, lon) {
                    return;
                } else {
                    (origin.approx(lat, lon), true)
                }
            }
            None => {
                // Ranked by score or index order: once the page is full and this is not a new
                // service's better hit, all that is left to do is count.
                if let Some(run) = &self.run {
                    if run.service == service && (!self.scoring || score <= run.score) {
                        return;
                    }
                    if !self.scoring && self.heap.len() >= self.k {
                        self.total += 1;
                        self.run = Some(Run { service, doc, score, approx: 0.0, placed: false });
                        return;
                    }
                }
                (0.0, false)
            }
        };
        if let Some(run) = &mut self.run {
            if run.service == service {
                // Another site of the same service: keep the nearest, or the best scored.
                let better = if self.geo.is_some() { approx < run.approx } else { score > run.score };
                if better {
                    *run = Run { service, doc, score, approx, placed };
                }
                return;
            }
        }
        self.flush();
        self.run = Some(Run { service, doc, score, approx, placed });
    }
}
