//! The search index itself: opening it (on disk or in memory), keeping it in step with the
//! directory through the change feed, and answering searches.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use linkwork_domain::matching::ServiceFacts;
use linkwork_domain::search::{SearchHit, SearchQuery, SearchResults};
use linkwork_domain::service::{CostLevel, ServiceDoc};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::UserOperation;
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::{DocAddress, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::collect::{Order, Origin, Page, RankCollector};
use crate::document::{service_documents, TERM_SEP};
use crate::error::Result;
use crate::facts::FactsCache;
use crate::query::{build, query_words, QueryWord};
use crate::reasons::{reasons, HitFacts};
use crate::schema::*;
use crate::taxonomy::TaxonomyTree;

/// Memory the writer may buffer before it writes a segment, shared by its threads. Modest on
/// purpose: the server runs beside a database on small machines.
pub const WRITER_MEMORY_BYTES: usize = 96 * 1024 * 1024;
/// Page size when the query asks for none, and the most one page may hold.
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 500;
/// Services written per writer batch: one batch always lands in one segment, in order, which is
/// what keeps a service's documents adjacent (see `collect`).
const SERVICES_PER_BATCH: usize = 64;

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// Always present between calls; taken out only while `optimize` replaces it.
    writer: Option<IndexWriter<TantivyDocument>>,
    fields: Fields,
    search_threads: usize,
    facts: FactsCache,
}

/// What each commit records besides the documents.
fn payload(seq: i64) -> String {
    serde_json::json!({ "schema": SCHEMA_VERSION, "seq": seq }).to_string()
}

fn parse_payload(p: &str) -> Option<(u32, i64)> {
    let v: serde_json::Value = serde_json::from_str(p).ok()?;
    Some((u32::try_from(v.get("schema")?.as_u64()?).ok()?, v.get("seq")?.as_i64()?))
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and the index when missing. An index
    /// written with another layout is replaced by an empty one, and `last_seq` is then `None`
    /// so that the caller rebuilds it.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let directory = MmapDirectory::open(dir)?;
        let schema = build_schema();
        let index = if Index::exists(&directory).map_err(tantivy::TantivyError::from)? {
            let existing = Index::open(directory.clone())?;
            let same_version = match existing.load_metas()?.payload.as_deref() {
                Some(p) => parse_payload(p).map(|(v, _)| v == SCHEMA_VERSION).unwrap_or(false),
                None => true,
            };
            if existing.schema() == schema && same_version {
                existing
            } else {
                tracing::warn!(dir = %dir.display(), "search index has another layout; starting a new one");
                drop(existing);
                Index::create(directory, schema, IndexSettings::default())?
            }
        } else {
            Index::create(directory, schema, IndexSettings::default())?
        };
        Self::from_index(index)
    }

    /// An index that lives and dies with the process: for tests and small deployments.
    pub fn in_memory() -> Result<Self> {
        Self::from_index(Index::create_in_ram(build_schema()))
    }

    fn from_index(mut index: Index) -> Result<Self> {
        register_analyzers(index.tokenizers());
        // Segments are searched in parallel: on a two-core machine this halves the latency of
        // the broad queries that decide p99.
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        let fields = Fields::from_schema(&index.schema())?;
        let writer = Some(index.writer(WRITER_MEMORY_BYTES)?);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let this = SearchIndex { index, reader, writer, fields, search_threads: threads, facts: FactsCache::default() };
        this.warm()?;
        Ok(this)
    }

    /// Loads the per-segment facts of new segments now, so that the first search after a change
    /// does not pay for it.
    fn warm(&self) -> Result<()> {
        self.facts.for_searcher(&self.reader.searcher())?;
        Ok(())
    }

    fn writer(&mut self) -> Result<&mut IndexWriter<TantivyDocument>> {
        if self.writer.is_none() {
            self.writer = Some(self.index.writer(WRITER_MEMORY_BYTES)?);
        }
        Ok(self.writer.as_mut().expect("just set"))
    }

    /// Replaces every document of these services (their old sites go, their current ones come),
    /// computing opening hours as of today (UTC).
    pub fn index_services(&mut self, docs: &[ServiceDoc], tree: &TaxonomyTree) -> Result<()> {
        self.index_services_on(docs, tree, chrono::Utc::now().date_naive())
    }

    /// As [`SearchIndex::index_services`], with schedules read as valid on `today`.
    pub fn index_services_on(&mut self, docs: &[ServiceDoc], tree: &TaxonomyTree, today: NaiveDate) -> Result<()> {
        // The same service twice in one call: the last one wins, as it would in two calls.
        let mut last: HashMap<&str, usize> = HashMap::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            last.insert(d.id.as_str(), i);
        }
        let wanted = docs.iter().enumerate().filter(|(i, d)| {
            if d.id.is_empty() {
                tracing::warn!(name = %d.name, "service without an id not indexed");
                return false;
            }
            last.get(d.id.as_str()) == Some(i)
        });
        let mut ops: Vec<UserOperation> = Vec::new();
        let mut in_batch = 0;
        for (_, s) in wanted {
            ops.push(UserOperation::Delete(Term::from_field_text(self.fields.service_id, &s.id)));
            ops.extend(service_documents(&self.fields, s, tree, today).into_iter().map(UserOperation::Add));
            in_batch += 1;
            if in_batch == SERVICES_PER_BATCH {
                self.writer()?.run(std::mem::take(&mut ops))?;
                in_batch = 0;
            }
        }
        if !ops.is_empty() {
            self.writer()?.run(ops)?;
        }
        Ok(())
    }

    pub fn delete_services<S: AsRef<str>>(&mut self, ids: &[S]) -> Result<()> {
        let field = self.fields.service_id;
        let writer = self.writer()?;
        for id in ids {
            writer.delete_term(Term::from_field_text(field, id.as_ref()));
        }
        Ok(())
    }

    /// Removes every document, for a full rebuild; like every change, seen after `commit`.
    pub fn clear(&mut self) -> Result<()> {
        // A delete by query, unlike `delete_all_documents`, also catches documents still
        // buffered in the writer.
        self.writer()?.delete_query(Box::new(AllQuery))?;
        Ok(())
    }

    /// Makes the changes durable and searchable, recording how far the change feed has been read.
    pub fn commit(&mut self, last_change_seq: i64) -> Result<()> {
        let mut prepared = self.writer()?.prepare_commit()?;
        prepared.set_payload(&payload(last_change_seq));
        prepared.commit()?;
        self.reader.reload()?;
        self.warm()
    }

    /// The change-feed sequence number of the last commit, if any.
    pub fn last_seq(&self) -> Result<Option<i64>> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.as_deref().and_then(parse_payload).map(|(_, seq)| seq))
    }

    /// Searchable documents (one per service-at-location).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Searchable segments; fewer is faster.
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Merges the segments into as many as searches use threads (one per core, at most four), and
    /// waits for it: worth it after a full rebuild, as every segment costs every query a few
    /// dictionary lookups, while a few equal segments are searched in parallel. Uncommitted
    /// changes are discarded: commit first.
    pub fn optimize(&mut self) -> Result<()> {
        // Background merges must end first, or they would take segments from under this one.
        if let Some(w) = self.writer.take() {
            w.wait_merging_threads()?;
        }
        let mut segments = self.index.searchable_segment_metas()?;
        segments.sort_by_key(|m| std::cmp::Reverse(m.num_docs()));
        let groups_wanted = self.search_threads.max(1);
        let mut groups: Vec<(u64, Vec<tantivy::index::SegmentId>)> = vec![(0, Vec::new()); groups_wanted];
        for m in segments {
            let lightest = groups.iter_mut().min_by_key(|g| g.0).expect("at least one group");
            lightest.0 += u64::from(m.num_docs());
            lightest.1.push(m.id());
        }
        let writer = self.writer()?;
        let merges: Vec<_> = groups.iter().filter(|g| g.1.len() > 1).map(|g| writer.merge(&g.1)).collect();
        for m in merges {
            m.wait()?;
        }
        let _ = writer.garbage_collect_files().wait();
        self.reader.reload()?;
        self.warm()
    }

    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let words = match q.text.as_deref() {
            Some(t) if !t.trim().is_empty() => query_words(t, &searcher, &self.fields)?,
            _ => Vec::new(),
        };
        let limit = if q.limit == 0 { DEFAULT_LIMIT } else { q.limit.min(MAX_LIMIT) };
        let k = q.offset.saturating_add(limit);
        let page = match (q.near, q.radius_m) {
            // With words, the text already narrows to few documents: one pass measures them all.
            (Some(_), None) if words.is_empty() => self.nearest(&searcher, q, &words, k)?,
            _ => self.run(&searcher, q, &words, k)?,
        };
        let mut hits = Vec::with_capacity(limit);
        for r in page.best.into_iter().skip(q.offset) {
            hits.push(self.hit(&searcher, q, &words, r.address, r.score, r.distance_m)?);
        }
        Ok(SearchResults { total: page.total, hits })
    }

    /// One pass: the query's matches, counted by service, the best `k` kept.
    fn run(&self, searcher: &Searcher, q: &SearchQuery, words: &[QueryWord], k: usize) -> Result<Page> {
        let scoring = !words.is_empty() && q.near.is_none();
        let (query, filter) = build(q, words, &self.fields, scoring, searcher)?;
        let order = match q.near {
            Some(p) => Order::Distance(Origin::new(p, q.radius_m)),
            None => Order::Relevance,
        };
        let collector = RankCollector { k, order, scoring, filter, facts: self.facts.for_searcher(searcher)? };
        Ok(searcher.search(query.as_ref(), &collector)?)
    }

    /// Nearest first with no radius. Measuring every match would cost a distance per document
    /// of the directory; instead growing radii are tried until one holds a full page (the `k`
    /// nearest are then within it, as everything outside is further than all of them), and the
    /// total comes from a count without the point, which needs no distances.
    fn nearest(&self, searcher: &Searcher, q: &SearchQuery, words: &[QueryWord], k: usize) -> Result<Page> {
        for radius_m in [5_000.0, 25_000.0, 100_000.0] {
            let within = SearchQuery { radius_m: Some(radius_m), ..q.clone() };
            let page = self.run(searcher, &within, words, k)?;
            if page.best.len() >= k {
                let everywhere = SearchQuery { near: None, radius_m: None, text: None, offset: 0, limit: 1, ..q.clone() };
                let total = self.count(searcher, &everywhere, words)?;
                return Ok(Page { total, best: page.best });
            }
        }
        self.run(searcher, q, words, k)
    }

    /// Services matching, without ranking: `q` without a point, `words` unscored.
    fn count(&self, searcher: &Searcher, q: &SearchQuery, words: &[QueryWord]) -> Result<usize> {
        let (query, filter) = build(q, words, &self.fields, false, searcher)?;
        let collector = RankCollector { k: 1, order: Order::Relevance, scoring: false, filter, facts: self.facts.for_searcher(searcher)? };
        Ok(searcher.search(query.as_ref(), &collector)?.total)
    }

    fn hit(&self, searcher: &Searcher, q: &SearchQuery, words: &[QueryWord], at: DocAddress, score: f32, distance_m: Option<f64>) -> Result<SearchHit> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(at)?;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
        let ff = searcher.segment_reader(at.segment_ord).fast_fields();
        let fast = |name: &str| -> Result<Option<u64>> { Ok(ff.u64(name)?.first(at.doc_id)) };
        let cost = fast("cost")?;
        let places = doc.get_first(f.places).and_then(|v| v.as_f64());
        let terms: Vec<&str> = doc.get_all(f.terms).filter_map(|v| v.as_str()).collect();
        let hit_facts = HitFacts { listing: doc.get_first(f.listing).and_then(|v| v.as_str()).unwrap_or(""), terms: terms.clone(), cost, places, distance_m };
        let reasons = reasons(q, words, &hit_facts);
        let service_id = text(f.service_id).unwrap_or_default();
        let facts = ServiceFacts {
            id: service_id.clone(),
            active: fast("hidden")? != Some(1),
            min_age: fast("min_age")?.filter(|a| *a > 0).map(|a| a as f64),
            max_age: fast("max_age")?.filter(|a| *a < NO_MAX_AGE).map(|a| a as f64),
            terms: terms.iter().filter_map(|t| t.split(TERM_SEP).nth(1)).map(str::to_string).collect(),
            cost: match cost {
                Some(COST_FREE) => CostLevel::Free,
                Some(COST_LOW) => CostLevel::LowCost,
                Some(COST_PAID) => CostLevel::Paid,
                _ => CostLevel::Unknown,
            },
            languages: doc.get_all(f.language).filter_map(|v| v.as_str()).map(str::to_string).collect(),
            accessible: fast("wheelchair")? == Some(1),
            open_slots: doc.get_first(f.open_slots).and_then(|v| v.as_bytes()).map(bitmap_slots).unwrap_or_default(),
            has_capacity: match fast("capacity")? {
                Some(CAPACITY_SOME) => Some(true),
                Some(CAPACITY_NONE) => Some(false),
                _ => None,
            },
            available_places: places,
            wait_time: text(f.wait_time),
        };
        Ok(SearchHit {
            service_id,
            service_at_location_id: text(f.sal_id),
            location_id: text(f.location_id),
            name: text(f.name).unwrap_or_default(),
            organization_name: text(f.organization_name),
            location_name: text(f.location_name),
            address: text(f.address),
            snippet: text(f.snippet),
            distance_m,
            score,
            reasons,
            facts: Some(facts),
        })
    }
}
