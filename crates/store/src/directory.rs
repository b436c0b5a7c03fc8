//! The community directory: writing HSDS records in one transaction, reading them back nested
//! as the standard's documents, listing and paging, and the change feed the search index follows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;

use chrono::Utc;
use linkwork_domain::hsds::tree::{EdgeKind, Node, ATTRIBUTE};
use linkwork_domain::hsds::{self, Batch, Record, TableDef};
use serde_json::{Map, Value as Json};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::rows::{bind_all, columns, params_of, to_record, Param};
use crate::{on_pool, Backend, Result, Store, StoreError};

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The SQLite page cache of a connection while it writes the directory, and after.
const WRITE_CACHE_KIB: u32 = 256 * 1024;
use crate::READ_CACHE_KIB;

/// Ids per `IN (...)` list: well under both databases' parameter limits.
const IN_CHUNK: usize = 500;
/// Past this many changed services, the change feed says "everything" instead of listing them.
const FULL_REINDEX_THRESHOLD: usize = 20_000;

/// `n` bind parameters numbered from `start`. SQLite gets anonymous `?`s: it looks a numbered
/// parameter up by name, linearly, so a statement with thousands of `$n`s binds in quadratic time
/// (that was 70% of an import's time). The parameters are bound in the order they appear.
fn placeholders(backend: Backend, start: usize, n: usize) -> String {
    match backend {
        Backend::Sqlite => vec!["?"; n].join(", "),
        Backend::Postgres => (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", "),
    }
}

fn table(name: &str) -> &'static TableDef {
    hsds::table(name).unwrap_or_else(|| panic!("no HSDS table {name}"))
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// Writes to the directory inside one transaction: all of it lands, or none of it does.
pub struct DirectoryWriter {
    tx: Tx,
    /// This process's turn to write (SQLite), held until commit or drop.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    counts: BTreeMap<&'static str, usize>,
    services: BTreeSet<String>,
    indirect: BTreeMap<&'static str, BTreeSet<String>>,
}

/// What a committed write did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteSummary {
    /// Rows written (inserted or updated) per table.
    pub counts: BTreeMap<&'static str, usize>,
    /// Services whose search documents changed; `None` means all of them.
    pub changed_services: Option<usize>,
}

/// Changes the search index has not applied yet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChangeBatch {
    pub last_seq: i64,
    pub everything: bool,
    pub service_ids: Vec<String>,
}

/// Filters for listing a table's ids (the HSDS API's query parameters).
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub organization_id: Option<String>,
    /// Services linked to any of these terms or their descendants.
    pub taxonomy_term_ids: Vec<String>,
    /// Services linked to any term of this taxonomy.
    pub taxonomy_id: Option<String>,
    /// Rows modified at or after this RFC 3339 time (services only).
    pub modified_after: Option<String>,
    /// Case-insensitive substring of the name.
    pub name_contains: Option<String>,
    /// Service at locations whose address has this postcode (spaces ignored).
    pub postcode: Option<String>,
    /// Taxonomy terms without a parent.
    pub top_only: bool,
    pub parent_id: Option<String>,
    /// Restrict to these ids (e.g. from the search index).
    pub ids: Option<Vec<String>>,
}

/// One page of results, as the HSDS API envelope needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

impl Store {
    /// Begins a write. On SQLite the transaction starts IMMEDIATE so that a second writer waits
    /// at the start instead of failing half-way; on PostgreSQL the change feed is locked so that
    /// its sequence numbers commit in order (the index follower relies on that).
    pub async fn begin_directory_write(&self) -> Result<DirectoryWriter> {
        let mut turn = None;
        let tx = match &self.db {
            crate::Db::Sqlite(p) => {
                turn = Some(self.write_gate.clone().lock_owned().await);
                let mut t = p.begin_with("BEGIN IMMEDIATE").await?;
                // A large write touches index pages all over the file (ids are random); a bigger
                // page cache for this connection while it writes made a 100k-service import 25%
                // faster. Readers keep the default, so the server's memory stays small.
                sqlx::query(&format!("PRAGMA cache_size = -{WRITE_CACHE_KIB}")).execute(&mut *t).await?;
                Tx::Sqlite(t)
            }
            crate::Db::Postgres(p) => {
                let mut t = p.begin().await?;
                sqlx::query("LOCK TABLE directory_change IN EXCLUSIVE MODE").execute(&mut *t).await?;
                Tx::Postgres(t)
            }
        };
        Ok(DirectoryWriter { tx, _turn: turn, counts: BTreeMap::new(), services: BTreeSet::new(), indirect: BTreeMap::new() })
    }

    /// Writes a batch in its own transaction.
    pub async fn write_batch(&self, batch: &Batch) -> Result<WriteSummary> {
        let mut w = self.begin_directory_write().await?;
        w.write(batch).await?;
        w.commit().await
    }

    /// Loads documents shaped by `node` for `ids`, in the order given; missing ids are skipped.
    pub async fn load(&self, node: &'static Node, ids: &[String]) -> Result<Vec<Json>> {
        let rows = self.select_in(node.table, "id", ids).await?;
        let by_id: HashMap<String, Record> = rows.into_iter().map(|r| (r.id().unwrap_or_default().to_string(), r)).collect();
        let ordered: Vec<Record> = ids.iter().filter_map(|id| by_id.get(id).cloned()).collect();
        let objs = self.nest(node, ordered).await?;
        Ok(objs.into_iter().map(Json::Object).collect())
    }

    /// One document shaped by `node`, if the id exists.
    pub async fn get(&self, node: &'static Node, id: &str) -> Result<Option<Json>> {
        Ok(self.load(node, &[id.to_string()]).await?.into_iter().next())
    }

    /// Rows of `table` whose `field` is one of `values`.
    pub async fn select_in(&self, table_name: &str, field: &str, values: &[String]) -> Result<Vec<Record>> {
        let t = table(table_name);
        let mut out = Vec::new();
        let mut uniq: Vec<&String> = values.iter().collect();
        uniq.sort();
        uniq.dedup();
        for chunk in uniq.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT {} FROM \"{}\" WHERE \"{field}\" IN ({}) ORDER BY \"id\"",
                columns(t),
                t.name,
                placeholders(self.backend(), 1, chunk.len())
            );
            let found: Vec<Record> = on_pool!(&self.db, p => {
                let mut q = sqlx::query(&sql);
                for v in chunk {
                    q = q.bind(v.as_str());
                }
                let rows = q.fetch_all(p).await?;
                rows.iter().map(|r| to_record(r, t)).collect::<Result<Vec<_>, sqlx::Error>>()?
            });
            out.extend(found);
        }
        Ok(out)
    }

    /// Rows of a table in id order after `after_id`, for exports that stream everything.
    pub async fn rows_after(&self, table_name: &str, after_id: Option<&str>, limit: usize) -> Result<Vec<Record>> {
        let t = table(table_name);
        let sql = format!(
            "SELECT {} FROM \"{}\" WHERE \"id\" > $1 ORDER BY \"id\" LIMIT {}",
            columns(t),
            t.name,
            limit
        );
        let after = after_id.unwrap_or("").to_string();
        let rows = on_pool!(&self.db, p => {
            let rows = sqlx::query(&sql).bind(after).fetch_all(p).await?;
            rows.iter().map(|r| to_record(r, t)).collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Coordinates of the locations whose address has `postcode` (case and spaces ignored).
    pub async fn postcode_points(&self, postcode: &str) -> Result<Vec<(f64, f64)>> {
        let norm = postcode.replace(' ', "").to_uppercase();
        let sql = "SELECT l.\"latitude\", l.\"longitude\" FROM \"location\" l JOIN \"address\" a ON a.\"location_id\" = l.\"id\" \
                   WHERE REPLACE(UPPER(a.\"postal_code\"), ' ', '') = $1 AND l.\"latitude\" IS NOT NULL AND l.\"longitude\" IS NOT NULL";
        let rows: Vec<(f64, f64)> = on_pool!(&self.db, p => sqlx::query_as(sql).bind(norm.as_str()).fetch_all(p).await)?;
        Ok(rows)
    }

    /// Every id of a table (for telling an import which references already resolve).
    pub async fn all_ids(&self, table_name: &str) -> Result<Vec<String>> {
        let t = table(table_name);
        let sql = format!("SELECT \"id\" FROM \"{}\"", t.name);
        let rows: Vec<(String,)> = on_pool!(&self.db, p => sqlx::query_as(&sql).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub async fn count(&self, table_name: &str) -> Result<u64> {
        let t = table(table_name);
        let sql = format!("SELECT COUNT(*) FROM \"{}\"", t.name);
        let (n,): (i64,) = on_pool!(&self.db, p => sqlx::query_as(&sql).fetch_one(p).await)?;
        Ok(n as u64)
    }

    /// Ids of `table` that pass `filter`, ordered by name then id, one page at a time.
    pub async fn list_ids(&self, table_name: &str, filter: &ListFilter, offset: u64, limit: u64) -> Result<Page<String>> {
        let t = table(table_name);
        let mut conds: Vec<String> = Vec::new();
        let mut params: Vec<String> = Vec::new();
        let backend = self.backend();
        let p = |v: String, params: &mut Vec<String>| {
            params.push(v);
            placeholders(backend, params.len(), 1)
        };
        if let Some(org) = &filter.organization_id {
            if t.field("organization_id").is_some() {
                conds.push(format!("x.\"organization_id\" = {}", p(org.clone(), &mut params)));
            }
        }
        if !filter.taxonomy_term_ids.is_empty() {
            let list = filter.taxonomy_term_ids.iter().map(|id| p(id.clone(), &mut params)).collect::<Vec<_>>().join(", ");
            let link = link_column(t)?;
            conds.push(format!(
                "{link} IN (SELECT a.\"link_id\" FROM \"attribute\" a WHERE a.\"taxonomy_term_id\" IN (\
                 WITH RECURSIVE sub(id) AS (SELECT \"id\" FROM \"taxonomy_term\" WHERE \"id\" IN ({list}) \
                 UNION SELECT c.\"id\" FROM \"taxonomy_term\" c JOIN sub ON c.\"parent_id\" = sub.id) SELECT id FROM sub))"
            ));
        }
        if let Some(tax) = &filter.taxonomy_id {
            if t.name == "taxonomy_term" {
                conds.push(format!("x.\"taxonomy_id\" = {}", p(tax.clone(), &mut params)));
            } else {
                let link = link_column(t)?;
                conds.push(format!(
                    "{link} IN (SELECT a.\"link_id\" FROM \"attribute\" a JOIN \"taxonomy_term\" tt ON tt.\"id\" = a.\"taxonomy_term_id\" WHERE tt.\"taxonomy_id\" = {})",
                    p(tax.clone(), &mut params)
                ));
            }
        }
        if let Some(after) = &filter.modified_after {
            if t.field("last_modified").is_some() {
                conds.push(format!("x.\"last_modified\" >= {}", p(after.clone(), &mut params)));
            }
        }
        if let Some(name) = &filter.name_contains {
            if t.field("name").is_some() {
                conds.push(format!("LOWER(x.\"name\") LIKE {}", p(format!("%{}%", name.to_lowercase()), &mut params)));
            }
        }
        if let Some(pc) = &filter.postcode {
            if t.name == "service_at_location" {
                conds.push(format!(
                    "x.\"location_id\" IN (SELECT ad.\"location_id\" FROM \"address\" ad WHERE REPLACE(UPPER(ad.\"postal_code\"), ' ', '') = {})",
                    p(pc.replace(' ', "").to_uppercase(), &mut params)
                ));
            }
        }
        if filter.top_only && t.name == "taxonomy_term" {
            conds.push("x.\"parent_id\" IS NULL".into());
        }
        if let Some(parent) = &filter.parent_id {
            if t.name == "taxonomy_term" {
                conds.push(format!("x.\"parent_id\" = {}", p(parent.clone(), &mut params)));
            }
        }
        if let Some(ids) = &filter.ids {
            if ids.is_empty() {
                return Ok(Page::default());
            }
            let list = ids.iter().map(|id| p(id.clone(), &mut params)).collect::<Vec<_>>().join(", ");
            conds.push(format!("x.\"id\" IN ({list})"));
        }
        let where_sql = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
        let order = if t.field("name").is_some() { "x.\"name\", x.\"id\"" } else { "x.\"id\"" };
        let count_sql = format!("SELECT COUNT(*) FROM \"{}\" x{where_sql}", t.name);
        let page_sql = format!("SELECT x.\"id\" FROM \"{}\" x{where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}", t.name);
        let (total, ids) = on_pool!(&self.db, pool => {
            let mut cq = sqlx::query_as::<_, (i64,)>(&count_sql);
            for v in &params { cq = cq.bind(v.as_str()); }
            let (total,) = cq.fetch_one(pool).await?;
            let mut q = sqlx::query_as::<_, (String,)>(&page_sql);
            for v in &params { q = q.bind(v.as_str()); }
            let ids: Vec<(String,)> = q.fetch_all(pool).await?;
            (total, ids)
        });
        Ok(Page { items: ids.into_iter().map(|r| r.0).collect(), total: total as u64 })
    }

    /// Changes after `seq`, at most `limit` of them.
    pub async fn changes_since(&self, seq: i64, limit: i64) -> Result<ChangeBatch> {
        let sql = "SELECT seq, service_id FROM directory_change WHERE seq > $1 ORDER BY seq LIMIT $2";
        let rows: Vec<(i64, Option<String>)> =
            on_pool!(&self.db, p => sqlx::query_as(sql).bind(seq).bind(limit).fetch_all(p).await)?;
        let mut batch = ChangeBatch { last_seq: seq, ..Default::default() };
        for (s, id) in rows {
            batch.last_seq = s;
            match id {
                Some(id) => batch.service_ids.push(id),
                None => batch.everything = true,
            }
        }
        batch.service_ids.sort();
        batch.service_ids.dedup();
        Ok(batch)
    }

    /// The most recent imports, newest first: (id, source, format, started_at, finished_at,
    /// summary).
    pub async fn list_imports(&self, limit: i64) -> Result<Vec<ImportRun>> {
        let sql = "SELECT id, source, format, started_at, finished_at, summary FROM directory_import ORDER BY started_at DESC, id DESC LIMIT $1";
        let rows: Vec<(String, String, String, String, String, String)> = on_pool!(&self.db, p => sqlx::query_as(sql).bind(limit).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, source, format, started_at, finished_at, summary)| ImportRun { id, source, format, started_at, finished_at, summary })
            .collect())
    }

    pub async fn latest_change_seq(&self) -> Result<i64> {
        let sql = "SELECT COALESCE(MAX(seq), 0) FROM directory_change";
        let (n,): (i64,) = on_pool!(&self.db, p => sqlx::query_as(sql).fetch_one(p).await)?;
        Ok(n)
    }

    /// Builds documents for `rows` shaped by `node` (children loaded a table at a time).
    fn nest<'a>(&'a self, node: &'static Node, rows: Vec<Record>) -> BoxFuture<'a, Result<Vec<Map<String, Json>>>> {
        Box::pin(async move {
            let ids: Vec<String> = rows.iter().filter_map(|r| r.id().map(str::to_string)).collect();
            let mut objs: Vec<Map<String, Json>> = rows.iter().map(Record::to_json).collect();
            if rows.is_empty() {
                return Ok(objs);
            }
            for edge in node.edges {
                match edge.kind {
                    EdgeKind::Many { fk } => {
                        let children = self.select_in(edge.node.table, fk, &ids).await?;
                        let keys: Vec<Option<String>> = children.iter().map(|c| c.get_str(fk).map(str::to_string)).collect();
                        let nested = self.nest(edge.node, children).await?;
                        let mut groups: HashMap<String, Vec<Json>> = HashMap::new();
                        for (k, obj) in keys.into_iter().zip(nested) {
                            if let Some(k) = k {
                                groups.entry(k).or_default().push(Json::Object(obj));
                            }
                        }
                        for (rec, obj) in rows.iter().zip(objs.iter_mut()) {
                            if let Some(list) = rec.id().and_then(|id| groups.remove(id)) {
                                obj.insert(edge.key.to_string(), Json::Array(list));
                            }
                        }
                    }
                    EdgeKind::One { via } => {
                        let targets: Vec<String> = rows.iter().filter_map(|r| r.get_str(via).map(str::to_string)).collect();
                        if targets.is_empty() {
                            continue;
                        }
                        let children = self.select_in(edge.node.table, "id", &targets).await?;
                        let child_ids: Vec<String> = children.iter().map(|c| c.id().unwrap_or_default().to_string()).collect();
                        let nested = self.nest(edge.node, children).await?;
                        let by_id: HashMap<String, Map<String, Json>> = child_ids.into_iter().zip(nested).collect();
                        for (rec, obj) in rows.iter().zip(objs.iter_mut()) {
                            if let Some(child) = rec.get_str(via).and_then(|v| by_id.get(v)) {
                                obj.insert(edge.key.to_string(), Json::Object(child.clone()));
                            }
                        }
                    }
                }
            }
            if !node.plain {
                let attrs = self.select_in("attribute", "link_id", &ids).await?;
                let keys: Vec<String> = attrs.iter().map(|a| a.get_str("link_id").unwrap_or_default().to_string()).collect();
                let nested = self.nest(&ATTRIBUTE, attrs).await?;
                let mut groups: HashMap<String, Vec<Json>> = HashMap::new();
                for (k, obj) in keys.into_iter().zip(nested) {
                    groups.entry(k).or_default().push(Json::Object(obj));
                }
                let meta = self.select_in("metadata", "resource_id", &ids).await?;
                let mut meta_groups: HashMap<String, Vec<Json>> = HashMap::new();
                for m in meta {
                    meta_groups.entry(m.get_str("resource_id").unwrap_or_default().to_string()).or_default().push(Json::Object(m.to_json()));
                }
                for (rec, obj) in rows.iter().zip(objs.iter_mut()) {
                    let id = rec.id().unwrap_or_default();
                    if let Some(list) = groups.remove(id) {
                        obj.insert("attributes".into(), Json::Array(list));
                    }
                    if let Some(list) = meta_groups.remove(id) {
                        obj.insert("metadata".into(), Json::Array(list));
                    }
                }
            }
            Ok(objs)
        })
    }
}

/// The column that attributes link to, for tables filtered by taxonomy.
fn link_column(t: &TableDef) -> Result<&'static str> {
    match t.name {
        "service" | "organization" | "location" => Ok("x.\"id\""),
        "service_at_location" => Ok("x.\"service_id\""),
        other => Err(StoreError::Invalid(format!("{other} cannot be filtered by taxonomy"))),
    }
}

impl DirectoryWriter {
    /// Inserts or updates every record of the batch (by id), parents before children.
    pub async fn write(&mut self, batch: &Batch) -> Result<()> {
        let mut by_table: BTreeMap<usize, Vec<&Record>> = BTreeMap::new();
        for r in &batch.records {
            by_table.entry(r.table.order()).or_default().push(r);
        }
        for (_, recs) in by_table {
            let t = recs[0].table;
            if recs.iter().any(|r| r.id().is_none()) {
                return Err(StoreError::Invalid(format!("a {} record has no id", t.name)));
            }
            // The last record for an id wins; one statement may not touch a row twice. In id
            // order: consecutive rows then go to neighbouring places of the id index, which
            // SQLite finds faster (the sort is stable, so the last of equal ids is the last given).
            let mut uniq = recs;
            uniq.sort_by(|a, b| a.id().cmp(&b.id()));
            let mut i = 0;
            let mut keep: Vec<&Record> = Vec::with_capacity(uniq.len());
            while i < uniq.len() {
                let mut j = i;
                while j + 1 < uniq.len() && uniq[j + 1].id() == uniq[i].id() {
                    j += 1;
                }
                keep.push(uniq[j]);
                i = j + 1;
            }
            let uniq = keep;
            match &mut self.tx {
                Tx::Sqlite(tx) => sqlite_rows::upsert(tx, t, &uniq).await?,
                Tx::Postgres(_) => {
                    let rows_per_stmt = (30_000 / t.fields.len()).clamp(1, 400);
                    for chunk in uniq.chunks(rows_per_stmt) {
                        self.upsert(t, chunk).await?;
                    }
                }
            }
            *self.counts.entry(t.name).or_default() += uniq.len();
            for r in uniq {
                self.note_change(r);
            }
        }
        for chunk in batch.source_ids.chunks(1000) {
            let backend = self.backend();
            let values = (0..chunk.len()).map(|i| format!("({})", placeholders(backend, 3 * i + 1, 3))).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "INSERT INTO directory_source_id (table_name, id, source_id) VALUES {values} \
                 ON CONFLICT (table_name, id) DO UPDATE SET source_id = excluded.source_id"
            );
            on_tx!(&mut self.tx, c => {
                let mut q = sqlx::query(&sql);
                for s in chunk {
                    q = q.bind(s.table).bind(s.id.as_str()).bind(s.source_id.as_str());
                }
                q.execute(c).await?;
            });
        }
        Ok(())
    }

    /// PostgreSQL: a multi-row upsert per chunk (SQLite has its own path, [`sqlite_rows`]).
    async fn upsert(&mut self, t: &'static TableDef, recs: &[&Record]) -> Result<()> {
        let n = t.fields.len();
        let backend = self.backend();
        let values = (0..recs.len()).map(|i| format!("({})", placeholders(backend, i * n + 1, n))).collect::<Vec<_>>().join(", ");
        let updates = t.fields.iter().filter(|f| f.name != "id").map(|f| format!("\"{0}\" = excluded.\"{0}\"", f.name)).collect::<Vec<_>>().join(", ");
        let sql = format!("INSERT INTO \"{}\" ({}) VALUES {values} ON CONFLICT (\"id\") DO UPDATE SET {updates}", t.name, columns(t));
        let params: Vec<Param> = recs.iter().flat_map(|r| params_of(r)).collect();
        on_tx!(&mut self.tx, c => {
            bind_all!(sqlx::query(&sql), params).execute(c).await?;
        });
        Ok(())
    }

    /// Records an import and its report summary with the data it brought, in the same transaction.
    pub async fn record_import(&mut self, source: &str, format: &str, started_at: &str, summary: &str) -> Result<String> {
        let id = linkwork_domain::Id::new().to_string();
        let finished = linkwork_domain::hsds::value::format_datetime(Utc::now());
        let sql = "INSERT INTO directory_import (id, source, format, started_at, finished_at, summary) VALUES ($1, $2, $3, $4, $5, $6)";
        on_tx!(&mut self.tx, c => {
            sqlx::query(sql).bind(id.as_str()).bind(source).bind(format).bind(started_at).bind(finished.as_str()).bind(summary).execute(c).await?;
        });
        Ok(id)
    }

    /// Deletes a row (and, through foreign keys, what hangs off it).
    pub async fn delete(&mut self, table_name: &str, id: &str) -> Result<bool> {
        let t = table(table_name);
        let mut rec = Record::new(t);
        rec.set_text("id", id);
        // What it touched must be known before it goes.
        let existing = on_tx!(&mut self.tx, c => {
            let sql = format!("SELECT {} FROM \"{}\" WHERE \"id\" = $1", columns(t), t.name);
            let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *c).await?;
            row.map(|r| to_record(&r, t)).transpose()?
        });
        let Some(existing) = existing else { return Ok(false) };
        self.note_change(&existing);
        let sql = format!("DELETE FROM \"{}\" WHERE \"id\" = $1", t.name);
        on_tx!(&mut self.tx, c => { sqlx::query(&sql).bind(id).execute(c).await?; });
        Ok(true)
    }

    fn backend(&self) -> Backend {
        match self.tx {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    fn note_change(&mut self, r: &Record) {
        // Most rows name a service already noted: look before allocating.
        fn note(set: &mut BTreeSet<String>, id: &str) {
            if !set.contains(id) {
                set.insert(id.to_string());
            }
        }
        let id = r.id().unwrap_or_default();
        match r.table.name {
            "service" => note(&mut self.services, id),
            "attribute" if r.get_str("link_entity") == Some("service") => {
                if let Some(l) = r.get_str("link_id") {
                    note(&mut self.services, l);
                }
            }
            "location" | "organization" | "taxonomy_term" => note(self.indirect.entry(r.table.name).or_default(), id),
            _ => {
                if let Some(s) = r.get_str("service_id") {
                    note(&mut self.services, s);
                } else if let Some(l) = r.get_str("location_id") {
                    note(self.indirect.entry("location").or_default(), l);
                }
            }
        }
    }

    /// Commits the write and records which services changed for the search index.
    pub async fn commit(mut self) -> Result<WriteSummary> {
        let resolve: [(&str, &str); 3] = [
            ("location", "SELECT \"service_id\" FROM \"service_at_location\" WHERE \"location_id\" IN"),
            ("organization", "SELECT \"id\" FROM \"service\" WHERE \"organization_id\" IN"),
            ("taxonomy_term", "SELECT \"link_id\" FROM \"attribute\" WHERE \"link_entity\" = 'service' AND \"taxonomy_term_id\" IN"),
        ];
        let mut everything = false;
        for (kind, sql_head) in resolve {
            let Some(ids) = self.indirect.get(kind) else { continue };
            let ids: Vec<&String> = ids.iter().collect();
            for chunk in ids.chunks(IN_CHUNK) {
                if self.services.len() > FULL_REINDEX_THRESHOLD {
                    everything = true;
                    break;
                }
                let sql = format!("{sql_head} ({})", placeholders(self.backend(), 1, chunk.len()));
                let found: Vec<(String,)> = on_tx!(&mut self.tx, c => {
                    let mut q = sqlx::query_as::<_, (String,)>(&sql);
                    for v in chunk { q = q.bind(v.as_str()); }
                    q.fetch_all(c).await?
                });
                self.services.extend(found.into_iter().map(|r| r.0));
            }
        }
        everything |= self.services.len() > FULL_REINDEX_THRESHOLD;
        let now = linkwork_domain::hsds::value::format_datetime(Utc::now());
        if everything {
            on_tx!(&mut self.tx, c => {
                sqlx::query("INSERT INTO directory_change (service_id, changed_at) VALUES (NULL, $1)").bind(now.as_str()).execute(c).await?;
            });
        } else {
            let ids: Vec<&String> = self.services.iter().collect();
            for chunk in ids.chunks(IN_CHUNK) {
                let backend = self.backend();
                let values = (0..chunk.len()).map(|i| format!("({})", placeholders(backend, 2 * i + 1, 2))).collect::<Vec<_>>().join(", ");
                let sql = format!("INSERT INTO directory_change (service_id, changed_at) VALUES {values}");
                on_tx!(&mut self.tx, c => {
                    let mut q = sqlx::query(&sql);
                    for v in chunk { q = q.bind(v.as_str()).bind(now.as_str()); }
                    q.execute(c).await?;
                });
            }
        }
        match self.tx {
            Tx::Sqlite(mut t) => {
                sqlx::query(&format!("PRAGMA cache_size = -{READ_CACHE_KIB}")).execute(&mut *t).await?;
                t.commit().await?
            }
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(WriteSummary { counts: self.counts, changed_services: if everything { None } else { Some(self.services.len()) } })
    }

    /// Abandons the write; nothing of it is kept.
    pub async fn rollback(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(mut t) => {
                sqlx::query(&format!("PRAGMA cache_size = -{READ_CACHE_KIB}")).execute(&mut *t).await?;
                t.rollback().await?
            }
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// Upserts on SQLite one row at a time through SQLite's own API, on the transaction's connection.
///
/// Why not a multi-row `INSERT … ON CONFLICT DO UPDATE` through sqlx, as on PostgreSQL: such a
/// statement may write many rows and abort half-way, so SQLite keeps a statement journal, a copy
/// of every page it touches (with random ids, nearly every page is a different one); and sqlx
/// copies every string twice on the way (into its arguments, then SQLite's own copy). Here each
/// row is a single-row `INSERT … ON CONFLICT ("id") DO NOTHING` (no statement journal: a
/// single-row insert either happens or not), followed, only when the row was already there, by
/// an `UPDATE` of every other column: together exactly the upsert's `DO UPDATE SET col =
/// excluded.col`. Strings are bound in place (`SQLITE_STATIC`), without a copy. Constraint
/// failures (a foreign key, say) fail the write as before, and the transaction is sqlx's, so
/// commit, rollback and drop behave as on the other path.
///
/// sqlx's documented way to make direct SQLite calls is `lock_handle`; the functions come from
/// `libsqlite3-sys`, the same crate (and so the same linked SQLite) sqlx uses.
mod sqlite_rows {
    use std::ffi::{c_int, CStr};

    use linkwork_domain::hsds::{FieldType, Record, TableDef, Value};
    use sqlx::{Sqlite, Transaction};

    use crate::{Result, StoreError};

    const SQLITE_OK: c_int = 0;
    const SQLITE_DONE: c_int = 101;

    use libsqlite3_sys::{
        sqlite3, sqlite3_bind_double, sqlite3_bind_null, sqlite3_bind_text, sqlite3_changes, sqlite3_errmsg, sqlite3_extended_errcode, sqlite3_finalize,
        sqlite3_prepare_v2, sqlite3_reset, sqlite3_step, sqlite3_stmt,
    };

    /// Rows written between releases of the connection, so that a long write does not hold the
    /// async thread for seconds at a time.
    const ROWS_PER_LOCK: usize = 4096;

    fn error(db: *mut sqlite3) -> StoreError {
        // SAFETY: `db` is the open connection we hold the lock on; errmsg is a C string it owns.
        let (code, msg) = unsafe { (sqlite3_extended_errcode(db), CStr::from_ptr(sqlite3_errmsg(db)).to_string_lossy().into_owned()) };
        StoreError::Invalid(format!("database error: error returned from database: (code: {code}) {msg}"))
    }

    /// A prepared statement, finalized when dropped.
    struct Stmt {
        db: *mut sqlite3,
        raw: *mut sqlite3_stmt,
    }

    impl Stmt {
        fn prepare(db: *mut sqlite3, sql: &str) -> Result<Stmt> {
            let mut raw = std::ptr::null_mut();
            // SAFETY: `sql` is valid for its length; SQLite writes the statement pointer.
            let rc = unsafe { sqlite3_prepare_v2(db, sql.as_ptr().cast(), sql.len() as c_int, &mut raw, std::ptr::null_mut()) };
            if rc != SQLITE_OK || raw.is_null() {
                return Err(error(db));
            }
            Ok(Stmt { db, raw })
        }

        /// Binds parameter `i` (1-based). Text must stay alive until the statement is rebound
        /// or finalized: the callers bind every parameter of every row from records that
        /// outlive the statement.
        fn bind(&self, i: usize, p: Bound<'_>) -> Result<()> {
            let i = i as c_int;
            // SAFETY: the statement is live; text pointers are valid for their length and
            // outlive the binding (see above).
            let rc = unsafe {
                match p {
                    // No destructor: SQLITE_STATIC, the caller keeps the text alive.
                    Bound::Text(s) => sqlite3_bind_text(self.raw, i, s.as_ptr().cast(), s.len() as c_int, None),
                    Bound::Number(n) => sqlite3_bind_double(self.raw, i, n),
                    Bound::Null => sqlite3_bind_null(self.raw, i),
                }
            };
            if rc != SQLITE_OK {
                return Err(error(self.db));
            }
            Ok(())
        }

        /// Runs the statement once; returns the rows it changed.
        fn run(&self) -> Result<usize> {
            // SAFETY: the statement and connection are live and used by this thread alone.
            unsafe {
                let rc = sqlite3_step(self.raw);
                let changed = sqlite3_changes(self.db);
                sqlite3_reset(self.raw);
                if rc != SQLITE_DONE {
                    return Err(error(self.db));
                }
                Ok(changed as usize)
            }
        }
    }

    impl Drop for Stmt {
        fn drop(&mut self) {
            // SAFETY: finalized once, while the connection is still locked by the caller.
            unsafe {
                sqlite3_finalize(self.raw);
            }
        }
    }

    #[derive(Clone, Copy)]
    enum Bound<'a> {
        Text(&'a str),
        Number(f64),
        Null,
    }

    /// The value bound for a field, as the sqlx path binds it (see `rows::params_of`). A number
    /// in a text field is bound as its text, made beforehand into `spare`.
    fn bound<'a>(ty: FieldType, v: Option<&'a Value>, spare: &'a Option<String>) -> Bound<'a> {
        match (ty, v) {
            (FieldType::Number, Some(Value::Number(n))) => Bound::Number(*n),
            (FieldType::Number, _) => Bound::Null,
            (_, Some(Value::Text(s))) => Bound::Text(s),
            (_, Some(Value::Number(_))) => Bound::Text(spare.as_deref().unwrap_or_default()),
            (_, None) => Bound::Null,
        }
    }

    /// Inserts or updates `recs` (unique ids) of table `t`.
    pub(super) async fn upsert(tx: &mut Transaction<'static, Sqlite>, t: &'static TableDef, recs: &[&Record]) -> Result<()> {
        let cols = crate::rows::columns(t);
        let marks = vec!["?"; t.fields.len()].join(", ");
        let insert_sql = format!("INSERT INTO \"{}\" ({cols}) VALUES ({marks}) ON CONFLICT (\"id\") DO NOTHING", t.name);
        let sets = t.fields.iter().filter(|f| f.name != "id").map(|f| format!("\"{}\" = ?", f.name)).collect::<Vec<_>>().join(", ");
        let update_sql = (!sets.is_empty()).then(|| format!("UPDATE \"{}\" SET {sets} WHERE \"id\" = ?", t.name));
        let id_at = t.fields.iter().position(|f| f.name == "id").expect("every HSDS table has an id");
        for slice in recs.chunks(ROWS_PER_LOCK) {
            let mut handle = tx.lock_handle().await?;
            let db: *mut sqlite3 = handle.as_raw_handle().as_ptr();
            let insert = Stmt::prepare(db, &insert_sql)?;
            let update = update_sql.as_deref().map(|sql| Stmt::prepare(db, sql)).transpose()?;
            // Text made for numbers in text fields; kept until the row's statements have run.
            let mut spare: Vec<Option<String>> = vec![None; t.fields.len()];
            for r in slice {
                for ((f, v), s) in r.slots().zip(spare.iter_mut()) {
                    *s = match (f.ty, v) {
                        (FieldType::Number, _) => None,
                        (_, Some(Value::Number(n))) => Some(n.to_string()),
                        _ => None,
                    };
                }
                for (i, (f, v)) in r.slots().enumerate() {
                    insert.bind(i + 1, bound(f.ty, v, &spare[i]))?;
                }
                if insert.run()? > 0 {
                    continue;
                }
                // The row was there already: set every other column, as the upsert would.
                let Some(update) = &update else { continue };
                let mut n = 0;
                for (i, (f, v)) in r.slots().enumerate() {
                    if i != id_at {
                        n += 1;
                        update.bind(n, bound(f.ty, v, &spare[i]))?;
                    }
                }
                let (f, v) = r.slots().nth(id_at).expect("the id is a field");
                update.bind(n + 1, bound(f.ty, v, &spare[id_at]))?;
                update.run()?;
            }
            // The statements are finalized (dropped) before the connection is given back.
            drop(update);
            drop(insert);
            drop(handle);
        }
        Ok(())
    }
}

/// One import of directory data and its report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRun {
    pub id: String,
    pub source: String,
    pub format: String,
    pub started_at: String,
    pub finished_at: String,
    /// The import report's summary line.
    pub summary: String,
}
