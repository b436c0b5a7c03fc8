//! Community-led co-production: villages and neighbourhoods naming their own needs and working
//! with local authorities on solutions. `place` holds the hierarchy of places (province →
//! district → village, or city → ward → neighbourhood) that facilitators and coordinators are
//! assigned to, with the rules an imported list of places must keep.

pub mod place;

pub use place::{check_import, NewPlace, PlaceLevel, PlaceSettings, RawPlace, RowProblem};
