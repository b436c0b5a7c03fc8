//! Synthetic and demo directories: realistic HSDS 3.1 data from a seed.
//!
//! Linkwork needs directories to show and to measure itself against before any real publisher's
//! data is loaded. This crate makes two:
//!
//! - [`demo()`]: Millbrook, a fictional English market town with its neighbourhoods and villages,
//!   and a few hundred organisations whose services cover every need in the domain brief (material
//!   needs, health behaviours, social and emotional). `linkwork demo` loads it.
//! - [`synthetic()`]: any number of services over a 300 km square region of towns, streamed in
//!   batches of about 5,000 services, for benchmarks of 10k, 100k and 1M services.
//!
//! Both are deterministic: the same seed gives the same records, ids included. Every value is
//! already normalised as the registry expects (UUID ids, `HH:MM:SS` times, `YYYY-MM-DD` dates,
//! RFC 3339 date-times), every reference points at a record emitted earlier in the stream, and
//! both use the [Linkwork social prescribing taxonomy](taxonomy::TERMS), whose ids are derived
//! from its codes and so are the same everywhere. Names, phone numbers (Ofcom's drama ranges),
//! postcodes and addresses are made up; web and email addresses are under `example.org.uk`.

pub mod caseload;
mod build;
mod demo;
mod kinds;
mod orgs;
mod out;
mod synthetic;
pub mod taxonomy;
mod words;

pub use demo::{demo, demo_with, CENTRE, COUNTY, DEMO_SEED, TOWN};

/// The rows every generated directory shares: the Linkwork taxonomy with its terms, and the
/// capacity units. [`synthetic()`] emits them in its first batch only; a consumer that nests
/// later batches on their own (one NDJSON document per service) can add these to resolve each
/// attribute's term and each capacity's unit.
pub fn shared() -> linkwork_domain::hsds::Batch {
    let mut out = out::Out::new();
    taxonomy::write(&mut out);
    build::write_units(&mut out);
    out.take_batch()
}
pub use synthetic::{synthetic, Synthetic, DEFAULT_BATCH_SERVICES, REGION_CENTRE, REGION_KM, SYNTHETIC_TODAY};

#[cfg(test)]
mod tests;
