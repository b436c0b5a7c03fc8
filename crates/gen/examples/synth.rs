//! Times the synthetic generator: `cargo run --release -p linkwork-gen --example synth -- 1000000`.
//!
//! The time includes dropping each batch, as a consumer would; with glibc's allocator freeing
//! the records costs about as much as making them.

use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let start = Instant::now();
    let (mut records, mut services, mut batches) = (0, 0, 0);
    for b in linkwork_gen::synthetic(1, n) {
        records += b.records.len();
        services += b.count("service");
        batches += 1;
    }
    let s = start.elapsed().as_secs_f64();
    println!("{services} services, {records} records in {batches} batches: {s:.2} s ({:.0} services/s)", services as f64 / s);
}
