//! Per-segment arrays of the few values every candidate document is checked against (service,
//! coordinates, age limits), read once from the fast fields when a segment first becomes
//! searchable. Plain arrays rather than column reads because a broad query touches every
//! document: at a million services the difference is most of the latency budget.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tantivy::columnar::{Cardinality, Column};
use tantivy::index::SegmentId;
use tantivy::{Searcher, SegmentReader};

use crate::schema::{CAPACITY_UNKNOWN, COST_UNKNOWN, NO_COORD, NO_MAX_AGE};

/// What is checked on every candidate document, packed in 8 bytes so that one cache line
/// serves eight documents: with filters, candidates are scattered and memory is the cost.
#[derive(Clone, Copy, Debug, Default)]
pub struct DocFacts {
    /// A number per service, equal on the (adjacent) documents of one service.
    pub service: u32,
    pub min_age: u8,
    /// [`NO_AGE_LIMIT`] when the listing has none.
    pub max_age: u8,
    /// Bit 0: not active (never shown); bit 1: wheelchair access; bits 2-3: cost code;
    /// bits 4-5: capacity code (see `schema`).
    pub flags: u8,
}

pub const NO_AGE_LIMIT: u8 = u8::MAX;

impl DocFacts {
    #[inline]
    pub fn hidden(&self) -> bool {
        self.flags & 1 != 0
    }
    #[inline]
    pub fn wheelchair(&self) -> bool {
        self.flags & 2 != 0
    }
    #[inline]
    pub fn cost(&self) -> u8 {
        (self.flags >> 2) & 3
    }
    #[inline]
    pub fn capacity(&self) -> u8 {
        (self.flags >> 4) & 3
    }
}

pub struct SegmentFacts {
    pub docs: Vec<DocFacts>,
    /// Latitude and longitude in single precision (under half a metre off), for the bounding
    /// box and the planar estimate; decisions at the edge are made on the exact values.
    pub coords: Vec<[f32; 2]>,
}

fn all_values<T>(column: &Column<T>, max_doc: u32, missing: T) -> Vec<T>
where
    T: PartialOrd + Copy + std::fmt::Debug + Send + Sync + 'static,
{
    if column.get_cardinality() == Cardinality::Full && column.num_docs() == max_doc {
        column.values.iter().collect()
    } else {
        (0..max_doc).map(|d| column.first(d).unwrap_or(missing)).collect()
    }
}

impl SegmentFacts {
    pub fn load(reader: &SegmentReader) -> tantivy::Result<Self> {
        let ff = reader.fast_fields();
        let max_doc = reader.max_doc();
        let keys = all_values(&ff.u64("service_key")?, max_doc, 0);
        let min_age = all_values(&ff.u64("min_age")?, max_doc, 0);
        let max_age = all_values(&ff.u64("max_age")?, max_doc, NO_MAX_AGE);
        let hidden = all_values(&ff.u64("hidden")?, max_doc, 0);
        let wheelchair = all_values(&ff.u64("wheelchair")?, max_doc, 0);
        let cost = all_values(&ff.u64("cost")?, max_doc, COST_UNKNOWN);
        let capacity = all_values(&ff.u64("capacity")?, max_doc, CAPACITY_UNKNOWN);
        let lat = all_values(&ff.f64("lat")?, max_doc, NO_COORD);
        let lon = all_values(&ff.f64("lon")?, max_doc, NO_COORD);
        let mut docs = Vec::with_capacity(keys.len());
        let mut ord: u32 = 0;
        for i in 0..keys.len() {
            if i > 0 && keys[i - 1] != keys[i] {
                ord += 1;
            }
            docs.push(DocFacts {
                service: ord,
                min_age: min_age[i].min(u64::from(NO_AGE_LIMIT - 1)) as u8,
                max_age: if max_age[i] >= NO_MAX_AGE { NO_AGE_LIMIT } else { max_age[i].min(u64::from(NO_AGE_LIMIT - 1)) as u8 },
                flags: u8::from(hidden[i] != 0)
                    | u8::from(wheelchair[i] != 0) << 1
                    | ((cost[i].min(3) as u8) << 2)
                    | ((capacity[i].min(3) as u8) << 4),
            });
        }
        let coords = lat.iter().zip(&lon).map(|(a, b)| [*a as f32, *b as f32]).collect();
        Ok(SegmentFacts { docs, coords })
    }
}

/// Facts of the searchable segments, by segment. Segments never change once written (deletes
/// only hide documents), so an entry stays valid for the life of its segment.
#[derive(Default)]
pub struct FactsCache {
    segments: RwLock<HashMap<SegmentId, Arc<SegmentFacts>>>,
}

impl FactsCache {
    /// Facts for each segment of `searcher`, in segment order; missing ones are loaded, and
    /// those of segments gone (merged away) are dropped.
    pub fn for_searcher(&self, searcher: &Searcher) -> tantivy::Result<Vec<Arc<SegmentFacts>>> {
        let readers = searcher.segment_readers();
        {
            let map = self.segments.read().unwrap_or_else(|e| e.into_inner());
            let found: Vec<Arc<SegmentFacts>> = readers.iter().filter_map(|r| map.get(&r.segment_id()).cloned()).collect();
            if found.len() == readers.len() {
                return Ok(found);
            }
        }
        let mut map = self.segments.write().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::with_capacity(readers.len());
        for r in readers {
            let facts = match map.get(&r.segment_id()) {
                Some(f) => f.clone(),
                None => {
                    let f = Arc::new(SegmentFacts::load(r)?);
                    map.insert(r.segment_id(), f.clone());
                    f
                }
            };
            out.push(facts);
        }
        map.retain(|id, _| readers.iter().any(|r| r.segment_id() == *id));
        Ok(out)
    }
}
