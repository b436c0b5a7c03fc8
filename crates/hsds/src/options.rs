//! How to read: strictness, batch size for streams, defaults for missing required values, and
//! the progress hook the CLI uses to draw a progress bar.

use std::fmt;
use std::sync::Arc;

/// How far reading has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Rows (CSV rows, or documents for JSON and NDJSON) read so far.
    pub rows_read: u64,
    /// All rows, when known before reading (tabular packages); streams do not know it.
    pub total_rows: Option<u64>,
    /// Bytes of the input consumed so far (streams), for a bar when rows are unknown.
    pub bytes_read: u64,
    pub total_bytes: Option<u64>,
}

/// Called now and then while reading (about every 1,000 rows and at the end).
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

#[derive(Clone)]
pub struct ReadOptions {
    /// Stop at the first error (a skipped row, a removed value or reference) instead of
    /// reporting it and going on.
    pub strict: bool,
    /// Documents per batch when streaming JSON or NDJSON.
    pub batch_size: usize,
    /// ISO 3166-1 alpha-2 country for addresses that have none (HSDS 3.1 requires it and
    /// older packages often leave it out).
    pub default_country: Option<String>,
    pub progress: Option<ProgressFn>,
    /// Rows the destination already holds, as (table, id): references to them are kept even
    /// though the input does not contain them (e.g. services imported for organizations that
    /// are already in the directory). Without it, such references are removed and reported.
    pub existing: Option<ExistingFn>,
}

/// Says whether the destination already has the row `(table, id)`.
pub type ExistingFn = Arc<dyn Fn(&str, &str) -> bool + Send + Sync>;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            strict: false,
            batch_size: 1000,
            default_country: None,
            progress: None,
            existing: None,
        }
    }
}

impl fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOptions")
            .field("strict", &self.strict)
            .field("batch_size", &self.batch_size)
            .field("default_country", &self.default_country)
            .field("progress", &self.progress.is_some())
            .field("existing", &self.existing.is_some())
            .finish()
    }
}

impl ReadOptions {
    pub fn strict() -> Self {
        ReadOptions {
            strict: true,
            ..Default::default()
        }
    }

    pub(crate) fn exists(&self, table: &str, id: &str) -> bool {
        self.existing.as_ref().is_some_and(|f| f(table, id))
    }

    pub(crate) fn tell(&self, p: Progress) {
        if let Some(f) = &self.progress {
            f(&p);
        }
    }
}
