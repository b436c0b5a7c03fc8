//! Linkwork's domain: the types and rules of social prescribing and of the community directory.
//!
//! This crate is pure. It knows nothing of HTTP, SQL, files or the search engine; everything else
//! depends on it and never the reverse (checked in CI with `cargo tree -i`).

pub mod coproduction;
pub mod geo;
pub mod hsds;
pub mod id;
pub mod identification;
pub mod instrument;
pub mod matching;
pub mod notify;
pub mod observatory;
pub mod pathway;
pub mod research;
pub mod schedule;
pub mod search;
pub mod service;

pub use id::Id;
