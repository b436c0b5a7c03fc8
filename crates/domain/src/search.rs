//! What a directory search asks and what it answers, independent of the engine that runs it.

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::geo::Point;

/// Cost filters a link worker uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostFilter {
    Free,
    /// Free or low cost.
    LowCost,
}

/// A directory search. Every filter narrows; text ranks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchQuery {
    pub text: Option<String>,
    pub near: Option<Point>,
    /// Only used with `near`; results further away are left out.
    pub radius_m: Option<f64>,
    /// Services with any of these terms or their descendants.
    pub taxonomy_term_ids: Vec<String>,
    pub cost: Option<CostFilter>,
    /// A language name or code ("spanish", "es").
    pub language: Option<String>,
    pub wheelchair: bool,
    pub open_at: Option<(Weekday, NaiveTime)>,
    pub age: Option<u32>,
    pub has_capacity: bool,
    pub organization_id: Option<String>,
    /// 0-based offset and page size.
    pub offset: usize,
    pub limit: usize,
}

/// Why a result matched, so that the link worker can trust it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchReason {
    /// Words of the query found in the listing (as the listing spells them).
    Text { words: Vec<String> },
    Near { distance_m: f64 },
    Category { term: String },
    Free,
    LowCost,
    Language { language: String },
    Wheelchair,
    OpenAt { day: String, time: String },
    Age { age: u32 },
    Capacity { available: Option<f64> },
}

/// One result: a service, at one of its sites when it has any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub service_id: String,
    pub service_at_location_id: Option<String>,
    pub location_id: Option<String>,
    pub name: String,
    pub organization_name: Option<String>,
    pub location_name: Option<String>,
    pub address: Option<String>,
    pub snippet: Option<String>,
    pub distance_m: Option<f64>,
    pub score: f32,
    pub reasons: Vec<MatchReason>,
    /// What matching weighs of the service at this site, as the index stores it, so that
    /// matching needs no listing from the database. Not part of the API's answer.
    #[serde(skip)]
    pub facts: Option<crate::matching::ServiceFacts>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<SearchHit>,
}
