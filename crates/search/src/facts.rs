//! Per-segment arrays of the few values every candidate document is checked against (service,
//! coordinates, age limits), read once from the fast fields when a segment first becomes
//! searchable. Plain arrays rather than column reads because a broad query touches every
//! document: at a million services the difference is most of the latency budget.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tantivy::columnar::{Cardinality, Column};
use tantivy::index::SegmentId;
use tantivy::{Searcher, SegmentReader};

use crate::schema::{NO_COORD, NO_MAX_AGE};

pub struct SegmentFacts {
    /// A number per service, equal on the (adjacent) documents of one service.
    pub service: Vec<u32>,
    pub lat: Vec<f64>,
    pub lon: Vec<f64>,
    pub min_age: Vec<u16>,
    pub max_age: Vec<u16>,
    /// Not active: never shown.
    pub hidden: Vec<bool>,
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
        let mut service = Vec::with_capacity(keys.len());
        let mut ord: u32 = 0;
        for (i, k) in keys.iter().enumerate() {
            if i > 0 && keys[i - 1] != *k {
                ord += 1;
            }
            service.push(ord);
        }
        let age = |v: u64| v.min(u64::from(u16::MAX)) as u16;
        Ok(SegmentFacts {
            service,
            lat: all_values(&ff.f64("lat")?, max_doc, NO_COORD),
            lon: all_values(&ff.f64("lon")?, max_doc, NO_COORD),
            min_age: all_values(&ff.u64("min_age")?, max_doc, 0).into_iter().map(age).collect(),
            max_age: all_values(&ff.u64("max_age")?, max_doc, NO_MAX_AGE).into_iter().map(age).collect(),
            hidden: all_values(&ff.u64("hidden")?, max_doc, 0).into_iter().map(|h| h != 0).collect(),
        })
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
