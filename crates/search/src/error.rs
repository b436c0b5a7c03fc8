//! Errors of the search index: what can go wrong opening, writing or querying it.

use tantivy::directory::error::OpenDirectoryError;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(#[from] OpenDirectoryError),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;
