//! Helpers shared by the integration tests: where the standards and data live (read-only,
//! beside the repository, never read by product code).

#![allow(dead_code)]

use std::path::PathBuf;

/// /work/shared, found relative to this crate (/work/main/crates/hsds -> ../../../shared).
pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

pub fn miami() -> PathBuf {
    shared().join("data/hsds/miami-211-hsds1")
}

pub fn hsds() -> PathBuf {
    shared().join("standards/hsds-3.1")
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linkwork-hsds-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
