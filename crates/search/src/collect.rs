//! The result collector: one pass over the matching documents that counts distinct services,
//! measures distances from fast fields and keeps only the best `k` hits, so that no stored
//! document is read for a hit that is not returned.
//!
//! It relies on the documents of one service being adjacent in their segment (they are always
//! written in one batch, see `SearchIndex::index_services`), which turns deduplication by service
//! into comparing each document's service key with the previous one's.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use linkwork_domain::geo::Point;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::facts::SegmentFacts;
use crate::schema::NO_COORD;

const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// The fast planar distance is trusted to this relative error (and 1 m); anything closer to a
/// decision than that is settled with the exact haversine distance.
const APPROX_MARGIN: f64 = 0.01;
/// Beyond this the planar approximation is not trusted at all.
const APPROX_LIMIT_M: f64 = 300_000.0;

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
    pub radius_m: Option<f64>,
}

impl Origin {
    pub fn new(point: Point, radius_m: Option<f64>) -> Self {
        let lat_rad = point.lat().to_radians();
        let bbox = radius_m.map(|r| {
            let b = point.bounding_box(r.max(0.0));
            // Across the antimeridian the longitude test is left to the distance.
            let (lo, hi) = if b.min_lon < -180.0 || b.max_lon > 180.0 { (-180.0, 180.0) } else { (b.min_lon, b.max_lon) };
            (b.min_lat, b.max_lat, lo, hi)
        });
        Origin { point, bbox, lat_rad, cos_lat: lat_rad.cos(), sin_lat: lat_rad.sin(), radius_m }
    }

    #[inline]
    fn in_box(&self, lat: f64, lon: f64) -> bool {
        match self.bbox {
            Some((a, b, c, d)) => lat >= a && lat <= b && lon >= c && lon <= d,
            None => true,
        }
    }

    /// Equirectangular distance at the mean latitude, cos(mean) from a first-order expansion:
    /// arithmetic only, well within `APPROX_MARGIN` of the haversine up to `APPROX_LIMIT_M`.
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

    #[inline]
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
        if approx > APPROX_LIMIT_M {
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
    /// Only people of this age: checked here, on the cached age limits, rather than with two
    /// range queries that would each scan a column.
    pub age: Option<u16>,
    /// Facts of each segment, by segment ordinal.
    pub facts: Vec<Arc<SegmentFacts>>,
}

impl Collector for RankCollector {
    type Fruit = Page;
    type Child = RankSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<RankSegment> {
        let facts = match self.facts.get(segment_ord as usize) {
            Some(f) if f.service.len() == reader.max_doc() as usize => f.clone(),
            _ => Arc::new(SegmentFacts::load(reader)?),
        };
        let geo = match self.order {
            Order::Distance(origin) => Some(origin),
            Order::Relevance => None,
        };
        Ok(RankSegment {
            segment_ord,
            scoring: self.scoring,
            k: self.k,
            facts,
            geo,
            age: self.age,
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
    /// Planar estimate of the distance and the coordinates it came from.
    approx: f64,
    lat: f64,
    lon: f64,
}

pub struct RankSegment {
    segment_ord: SegmentOrdinal,
    scoring: bool,
    k: usize,
    facts: Arc<SegmentFacts>,
    geo: Option<Origin>,
    age: Option<u16>,
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
            Some(origin) => {
                let origin = *origin;
                if run.lat == NO_COORD {
                    if origin.radius_m.is_some() {
                        return;
                    }
                    self.total += 1;
                    self.offer(Ranked { key: f64::INFINITY, score: run.score, distance_m: None, address });
                    return;
                }
                let mut exact: Option<f64> = None;
                let (lat, lon) = (run.lat, run.lon);
                if !origin.within(run.approx, || *exact.insert(origin.exact(lat, lon))) {
                    return;
                }
                self.total += 1;
                if self.k == 0 {
                    return;
                }
                // Only a hit that may beat the worst kept one is measured exactly.
                if self.heap.len() >= self.k {
                    let worst = self.heap.peek().map(|w| w.key).unwrap_or(f64::INFINITY);
                    if run.approx <= APPROX_LIMIT_M && run.approx - (run.approx * APPROX_MARGIN + 1.0) > worst {
                        return;
                    }
                }
                let d = exact.unwrap_or_else(|| origin.exact(lat, lon));
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
        let facts = &*self.facts;
        if facts.hidden[d] {
            return;
        }
        if let Some(age) = self.age {
            if facts.min_age[d] > age || facts.max_age[d] < age {
                return;
            }
        }
        let service = facts.service[d];
        let (approx, lat, lon) = match &self.geo {
            Some(origin) => {
                let (lat, lon) = (facts.lat[d], facts.lon[d]);
                if lat == NO_COORD {
                    (f64::INFINITY, lat, lon)
                } else if !origin.in_box(lat, lon) {
                    return;
                } else {
                    (origin.approx(lat, lon), lat, lon)
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
                        self.run = Some(Run { service, doc, score, approx: 0.0, lat: NO_COORD, lon: NO_COORD });
                        return;
                    }
                }
                (0.0, NO_COORD, NO_COORD)
            }
        };
        if let Some(run) = &mut self.run {
            if run.service == service {
                // Another site of the same service: keep the nearest, or the best scored.
                let better = if self.geo.is_some() { approx < run.approx } else { score > run.score };
                if better {
                    *run = Run { service, doc, score, approx, lat, lon };
                }
                return;
            }
        }
        self.flush();
        self.run = Some(Run { service, doc, score, approx, lat, lon });
    }
}
