//! The directory as the web layer sees it: the store for documents, the search index for finding
//! them, and the follower that keeps the index in step with the store's change feed, so that
//! every import and edit shows in search without a restart, whichever process made it.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use linkwork_domain::hsds::tree;
use linkwork_domain::search::{SearchQuery, SearchResults};
use linkwork_domain::service::ServiceDoc;
use linkwork_search::{SearchIndex, TaxonomyTree};
use linkwork_store::Store;

use crate::error::ApiError;

/// How many services are loaded and indexed at a time.
const INDEX_CHUNK: usize = 250;

#[derive(Clone)]
pub struct Directory {
    pub store: Store,
    index: Arc<RwLock<SearchIndex>>,
    /// One catch-up at a time, so the applied sequence number only moves forward.
    following: Arc<tokio::sync::Mutex<()>>,
    /// Counts the index's commits: what the cached term names are checked against.
    generation: Arc<AtomicU64>,
    /// Taxonomy term ids and their names in lower case, and the generation they were read at.
    /// Matching maps needs to terms by name on every call; reading every term each time cost
    /// a scan of the table per match.
    term_names: Arc<tokio::sync::RwLock<(u64, TermNames)>>,
}

/// Term names as [`Directory::term_names`] gives them.
pub type TermNames = Arc<Vec<(String, String)>>;

impl Directory {
    /// Opens the index in `index_dir` (or in memory) over `store`.
    pub fn new(store: Store, index_dir: Option<&Path>) -> anyhow::Result<Self> {
        let index = match index_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                SearchIndex::open(dir)?
            }
            None => SearchIndex::in_memory()?,
        };
        Ok(Directory {
            store,
            index: Arc::new(RwLock::new(index)),
            following: Arc::new(tokio::sync::Mutex::new(())),
            generation: Arc::new(AtomicU64::new(1)),
            term_names: Arc::new(tokio::sync::RwLock::new((0, Arc::new(Vec::new())))),
        })
    }

    /// Every taxonomy term's id and lower-case name, read again only after the index has
    /// applied changes.
    pub async fn term_names(&self) -> Result<TermNames, ApiError> {
        let generation = self.generation.load(Ordering::Acquire);
        {
            let cached = self.term_names.read().await;
            if cached.0 == generation {
                return Ok(cached.1.clone());
            }
        }
        let mut cached = self.term_names.write().await;
        if cached.0 == generation {
            return Ok(cached.1.clone());
        }
        let names: Vec<(String, String)> = self.term_rows().await?.into_iter().map(|(id, _, name)| (id, name.to_lowercase())).collect();
        *cached = (generation, Arc::new(names));
        Ok(cached.1.clone())
    }

    /// Searches the index off the async threads.
    pub async fn search(&self, q: SearchQuery) -> Result<SearchResults, ApiError> {
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || {
            let guard = index.read().map_err(|_| ApiError::Internal("search index lock poisoned".into()))?;
            guard.search(&q).map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
    }

    /// The change-feed position the index has applied.
    pub fn indexed_seq(&self) -> i64 {
        self.index.read().ok().and_then(|i| i.last_seq().ok().flatten()).unwrap_or(0)
    }

    /// Applies pending changes until the index has caught up; returns how many services it indexed.
    pub async fn catch_up(&self) -> anyhow::Result<usize> {
        let _one_at_a_time = self.following.lock().await;
        let mut done = 0;
        loop {
            let from = self.indexed_seq();
            let changes = self.store.changes_since(from, 10_000).await?;
            if changes.last_seq == from {
                return Ok(done);
            }
            let tree = self.taxonomy_tree().await?;
            if changes.everything {
                self.with_writer(|i| i.clear())?;
                let mut after: Option<String> = None;
                loop {
                    let rows = self.store.rows_after("service", after.as_deref(), INDEX_CHUNK).await?;
                    let Some(last) = rows.last() else { break };
                    after = last.id().map(str::to_string);
                    let ids: Vec<String> = rows.iter().filter_map(|r| r.id().map(str::to_string)).collect();
                    done += self.index_ids(&ids, &tree).await?;
                }
            } else {
                for chunk in changes.service_ids.chunks(INDEX_CHUNK) {
                    done += self.index_ids(chunk, &tree).await?;
                }
            }
            let seq = changes.last_seq;
            self.with_writer(move |i| i.commit(seq))?;
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
    }

    async fn index_ids(&self, ids: &[String], tree: &TaxonomyTree) -> anyhow::Result<usize> {
        let docs = self.store.load(&tree::SERVICE, ids).await?;
        let docs: Vec<ServiceDoc> = docs.iter().filter_map(|d| ServiceDoc::from_json(d).ok()).collect();
        let found: std::collections::HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let gone: Vec<String> = ids.iter().filter(|id| !found.contains(id.as_str())).cloned().collect();
        let n = docs.len();
        self.with_writer(|i| {
            if !gone.is_empty() {
                i.delete_services(&gone)?;
            }
            i.index_services(&docs, tree)
        })?;
        Ok(n)
    }

    async fn taxonomy_tree(&self) -> anyhow::Result<TaxonomyTree> {
        Ok(TaxonomyTree::new(self.term_rows().await?))
    }

    /// Every taxonomy term: id, parent id, name.
    async fn term_rows(&self) -> Result<Vec<(String, Option<String>, String)>, linkwork_store::StoreError> {
        let mut terms = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let rows = self.store.rows_after("taxonomy_term", after.as_deref(), 5000).await?;
            let Some(last) = rows.last() else { break };
            after = last.id().map(str::to_string);
            for r in &rows {
                terms.push((
                    r.id().unwrap_or_default().to_string(),
                    r.get_str("parent_id").map(str::to_string),
                    r.get_str("name").unwrap_or_default().to_string(),
                ));
            }
        }
        Ok(terms)
    }

    fn with_writer<T>(&self, f: impl FnOnce(&mut SearchIndex) -> Result<T, linkwork_search::SearchError>) -> anyhow::Result<T> {
        let mut guard = self.index.write().map_err(|_| anyhow::anyhow!("search index lock poisoned"))?;
        Ok(f(&mut guard)?)
    }

    /// Follows the change feed for as long as the server runs.
    pub fn spawn_follower(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = this.catch_up().await {
                    tracing::error!(error = %e, "search index could not follow the directory; will retry");
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}
