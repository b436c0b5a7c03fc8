//! Directory search on tantivy: text, distance and filters.
