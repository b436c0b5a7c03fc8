//! The observatory: standard social prescribing indicators computed over de-identified facts, with
//! disclosure control. Indicators are data (`definition`), evaluated by one engine (`engine`) over
//! facts the store extracts (`facts`); small cells are suppressed and counts rounded
//! (`disclosure`) before any result leaves the engine; `stats` holds the medians, centiles and
//! confidence intervals; `region` recomputes a region's figures from programmes' published ones.
pub mod definition;
pub mod disclosure;
pub mod engine;
pub mod facts;
pub mod region;
pub mod stats;

pub use definition::{Aggregate, ConsentNeeded, Dimension, IndicatorDef, Population};
pub use engine::{
    evaluate, Cell, Evaluation, Filters, Granularity, ObservatorySettings, Request, Values,
};
pub use facts::{EpisodeFact, EvaluationConsent, Facts};
