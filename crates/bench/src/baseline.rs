//! The baseline the issue names: directory search as most directory applications implement it,
//! in PostgreSQL. One table row per service at a site (as the index has one document per site),
//! a stored `tsvector` (english, name weighted A) with a GIN index, a bounding box on a btree
//! over (lat, lon) with a haversine expression for the exact radius and the order, GIN indexes on
//! the array columns, and for every search a page query (LIMIT 20, one row per service at its
//! nearest matching site) and a COUNT for the total, as a paged UI asks.

use std::io::Read;
use std::time::{Duration, Instant};

use linkwork_domain::geo::Point;
use linkwork_domain::schedule::WeeklyHours;
use sqlx::{Connection, Executor, PgConnection, Row};

use crate::corpus::COPY_COLUMNS;
use crate::mix::{BenchQuery, PAGE};

const SCHEMA: &str = "
CREATE TABLE service_site (
    service_id uuid NOT NULL,
    name text NOT NULL,
    description text,
    organization_name text,
    other_text text NOT NULL,
    taxonomy_term_ids text[] NOT NULL,
    lat double precision,
    lon double precision,
    cost_level smallint NOT NULL,
    languages text[] NOT NULL,
    wheelchair boolean NOT NULL,
    min_age integer,
    max_age integer,
    has_capacity boolean,
    open_slots integer[] NOT NULL,
    active boolean NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', name), 'A')
        || setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(organization_name, '') || ' ' || other_text), 'B')
    ) STORED
)";

/// Indexes a competent developer adds for these queries, built after the load as one would for
/// a bulk import.
const INDEXES: &[&str] = &[
    "CREATE INDEX service_site_tsv ON service_site USING gin (tsv)",
    "CREATE INDEX service_site_lat_lon ON service_site (lat, lon)",
    "CREATE INDEX service_site_taxonomy ON service_site USING gin (taxonomy_term_ids)",
    "CREATE INDEX service_site_languages ON service_site USING gin (languages)",
    "CREATE INDEX service_site_slots ON service_site USING gin (open_slots)",
    "CREATE INDEX service_site_service ON service_site (service_id)",
    "CREATE INDEX service_site_cost ON service_site (cost_level)",
];

/// Great-circle distance in metres from ($1, $2) to the row's site, as the index computes it.
const HAVERSINE: &str = "(2 * 6371008.8 * asin(sqrt(power(sin(radians(lat - $1) / 2), 2) \
     + cos(radians($1)) * cos(radians(lat)) * power(sin(radians(lon - $2) / 2), 2))))";

/// A uniquely named database on the server, dropped at the end.
pub struct Baseline {
    admin_url: String,
    pub db_name: String,
    pub conn: PgConnection,
}

#[derive(Clone, Debug, Default)]
pub struct LoadTimes {
    pub copy: Duration,
    pub indexes: Duration,
    pub analyze: Duration,
    pub table_bytes: i64,
    pub index_bytes: i64,
}

/// The database URL with another database name in it.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    // The last '/' after the authority starts the database name.
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

impl Baseline {
    pub async fn create(admin_url: &str) -> anyhow::Result<Self> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.subsec_nanos();
        let db_name = format!("linkwork_bench_{}_{nanos}", std::process::id());
        let mut admin = PgConnection::connect(admin_url).await?;
        admin.execute(format!("CREATE DATABASE {db_name}").as_str()).await?;
        admin.close().await?;
        let conn = PgConnection::connect(&with_database(admin_url, &db_name)).await?;
        Ok(Baseline { admin_url: admin_url.to_string(), db_name, conn })
    }

    /// Closes the connection and drops the database.
    pub async fn drop_database(self) -> anyhow::Result<()> {
        let _ = self.conn.close().await;
        let mut admin = PgConnection::connect(&self.admin_url).await?;
        admin.execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.db_name).as_str()).await?;
        admin.close().await?;
        Ok(())
    }

    pub async fn setting(&mut self, name: &str) -> anyhow::Result<String> {
        Ok(sqlx::query_scalar::<_, String>(&format!("SHOW {name}")).fetch_one(&mut self.conn).await?)
    }

    /// Creates the table, COPYs the rows file into it, then builds the indexes and analyses.
    pub async fn load(&mut self, rows_file: &std::path::Path) -> anyhow::Result<LoadTimes> {
        let mut t = LoadTimes::default();
        self.conn.execute(SCHEMA).await?;
        let start = Instant::now();
        let mut copy = self.conn.copy_in_raw(&format!("COPY service_site ({COPY_COLUMNS}) FROM STDIN")).await?;
        let mut f = std::fs::File::open(rows_file)?;
        let mut chunk = vec![0u8; 4 << 20];
        loop {
            let n = f.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            copy.send(&chunk[..n]).await?;
        }
        copy.finish().await?;
        t.copy = start.elapsed();
        let start = Instant::now();
        for sql in INDEXES {
            self.conn.execute(*sql).await?;
        }
        t.indexes = start.elapsed();
        let start = Instant::now();
        self.conn.execute("VACUUM ANALYZE service_site").await?;
        t.analyze = start.elapsed();
        t.table_bytes = sqlx::query_scalar("SELECT pg_table_size('service_site')").fetch_one(&mut self.conn).await?;
        t.index_bytes = sqlx::query_scalar("SELECT pg_indexes_size('service_site')").fetch_one(&mut self.conn).await?;
        Ok(t)
    }

    /// Runs one search as the baseline application would: the page, then the total. Returns the
    /// total and the number of rows on the page.
    pub async fn search(&mut self, q: &BenchQuery) -> anyhow::Result<(i64, usize)> {
        let (page, count, args) = sql_for(q);
        let rows = bind_all(sqlx::query(&page), &args).fetch_all(&mut self.conn).await?;
        let total: i64 = bind_all(sqlx::query(&count), &args).fetch_one(&mut self.conn).await?.try_get(0)?;
        Ok((total, rows.len()))
    }

    /// The query plans of one query of each shape, for the write-up.
    pub async fn explain(&mut self, q: &BenchQuery) -> anyhow::Result<String> {
        let (page, count, args) = sql_for(q);
        let mut out = String::new();
        for sql in [page, count] {
            let rows = bind_all(sqlx::query(&format!("EXPLAIN (ANALYZE, BUFFERS) {sql}")), &args).fetch_all(&mut self.conn).await?;
            for r in rows {
                out.push_str(&r.try_get::<String, _>(0)?);
                out.push('\n');
            }
            out.push('\n');
        }
        Ok(out)
    }
}

#[derive(Clone, Debug)]
enum Arg {
    F64(f64),
    I32(i32),
    Text(String),
}

fn bind_all<'q>(mut q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>, args: &[Arg]) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    for a in args {
        q = match a {
            Arg::F64(v) => q.bind(*v),
            Arg::I32(v) => q.bind(*v),
            Arg::Text(v) => q.bind(v.clone()),
        };
    }
    q
}

/// The page SQL, the count SQL and their shared parameters. With a point, the page is one row per
/// service at its nearest matching site, nearest first; without one, by `ts_rank`.
fn sql_for(q: &BenchQuery) -> (String, String, Vec<Arg>) {
    let mut args: Vec<Arg> = Vec::new();
    let mut wheres: Vec<String> = vec!["active".into()];
    fn next(args: &mut Vec<Arg>, a: Arg) -> String {
        args.push(a);
        format!("${}", args.len())
    }
    let point = q.near.map(|(lat, lon)| Point::new(lat, lon).expect("valid point"));
    if let Some(p) = point {
        // $1 and $2 are the point, used by the haversine expression.
        next(&mut args, Arg::F64(p.lat()));
        next(&mut args, Arg::F64(p.lon()));
        let b = p.bounding_box(q.radius_m);
        let (a1, a2) = (next(&mut args, Arg::F64(b.min_lat)), next(&mut args, Arg::F64(b.max_lat)));
        let (o1, o2) = (next(&mut args, Arg::F64(b.min_lon)), next(&mut args, Arg::F64(b.max_lon)));
        wheres.push(format!("lat BETWEEN {a1} AND {a2} AND lon BETWEEN {o1} AND {o2}"));
        let r = next(&mut args, Arg::F64(q.radius_m));
        wheres.push(format!("{HAVERSINE} <= {r}"));
    }
    let mut tsquery = None;
    if let Some(t) = &q.text {
        let p = next(&mut args, Arg::Text(t.clone()));
        tsquery = Some(format!("plainto_tsquery('english', {p})"));
        wheres.push(format!("tsv @@ plainto_tsquery('english', {p})"));
    }
    if let Some(id) = &q.taxonomy_term_id {
        let p = next(&mut args, Arg::Text(id.clone()));
        wheres.push(format!("taxonomy_term_ids @> ARRAY[{p}]::text[]"));
    }
    if q.free {
        wheres.push("cost_level = 0".into());
    }
    if let Some(l) = &q.language {
        let p = next(&mut args, Arg::Text(l.clone()));
        wheres.push(format!("languages @> ARRAY[{p}]::text[]"));
    }
    if q.wheelchair {
        wheres.push("wheelchair".into());
    }
    if let Some((day, time)) = q.open_at {
        let p = next(&mut args, Arg::I32(i32::from(WeeklyHours::slot_of(day, time))));
        wheres.push(format!("open_slots @> ARRAY[{p}]::int[]"));
    }
    let filter = wheres.join(" AND ");
    let page = if point.is_some() {
        format!(
            "SELECT service_id::text, name, organization_name, distance_m FROM (\
               SELECT DISTINCT ON (service_id) service_id, name, organization_name, {HAVERSINE} AS distance_m \
               FROM service_site WHERE {filter} ORDER BY service_id, distance_m) best \
             ORDER BY distance_m, service_id LIMIT {PAGE}"
        )
    } else {
        let ts = tsquery.unwrap_or_else(|| "NULL".into());
        format!(
            "SELECT service_id::text, name, organization_name, rank FROM (\
               SELECT DISTINCT ON (service_id) service_id, name, organization_name, ts_rank(tsv, {ts}) AS rank \
               FROM service_site WHERE {filter} ORDER BY service_id, rank DESC) best \
             ORDER BY rank DESC, service_id LIMIT {PAGE}"
        )
    };
    let count = format!("SELECT count(DISTINCT service_id) FROM service_site WHERE {filter}");
    (page, count, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"), "postgres://postgres@127.0.0.1:5432/x");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(with_database("postgres://u@h/db?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    }
}
