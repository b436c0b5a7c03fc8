//! Directory search on tantivy: the search link workers run many times a day ("a walking group
//! near this person, free, on Tuesdays, in Spanish"), with typo-tolerant text, distance from a
//! point, filters, and the reasons each result matched. Pure of SQL and HTTP: the server feeds it
//! [`ServiceDoc`](linkwork_domain::service::ServiceDoc)s from the change feed and asks it
//! [`SearchQuery`](linkwork_domain::search::SearchQuery)s.
//!
//! One document is indexed per service-at-location (one without a place for a service with no
//! site); results are one per service, at its best (nearest) matching site.

mod collect;
mod document;
mod error;
mod facts;
mod index;
mod query;
mod reasons;
mod schema;
mod taxonomy;

pub use error::{Result, SearchError};
pub use index::{SearchIndex, DEFAULT_LIMIT, MAX_LIMIT, WRITER_MEMORY_BYTES};
pub use query::fuzzy_distance;
pub use reasons::edit_distance;
pub use taxonomy::TaxonomyTree;

#[cfg(test)]
mod tests;
