//! Research: de-identified extracts for evaluation. An administrator approves a researcher for a
//! named study (`approval`), and the researcher, giving a reason each time, takes extracts of one
//! row per episode (`extract`) for people who consented to evaluation. Unlike the observatory's
//! aggregates these are record-level, so they are governed by the approval rather than by
//! disclosure control; what a row may hold is fixed here (decision 0010).

pub mod approval;
pub mod extract;

pub use approval::{ApprovalInput, ApprovalProblem, ExtractInput, NewApproval, NewExtract};
pub use extract::{extract, Extract, LeftOut};
