//! The crate's tests against the real standard and data in ../shared: the official examples,
//! the Miami package, legacy upgrades and bad input.

mod common;
mod examples;
mod input;
mod legacy;
mod miami;
