//! Community-led co-production: villages and neighbourhoods naming their own needs and working
//! with local authorities on solutions. `place` holds the hierarchy of places (province →
//! district → village, or city → ward → neighbourhood) that facilitators and coordinators are
//! assigned to; `settings` the code lists of the community cycle; `cycle` its records (meetings,
//! needs, vulnerable groups, resources, actions, supervision, monitoring) and their rules;
//! `indicators` the observatory's definitions for what communities monitor.

pub mod cycle;
pub mod indicators;
pub mod place;
pub mod settings;

pub use cycle::{NewRecord, RecordBody, RecordInput, RecordKind};
pub use place::{check_import, NewPlace, PlaceLevel, PlaceSettings, RawPlace, RowProblem};
pub use settings::{CommunitySettings, MonitoringIndicator, Term};
