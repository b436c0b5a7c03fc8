//! The Open Referral HSDS 3.1 API: read-only, anonymous, open to every origin, with the
//! parameters and page envelope of the standard's OpenAPI document. Empty optional fields are
//! left out of every response, as the UK profile asks.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::stream;
use linkwork_domain::geo::Point;
use linkwork_domain::hsds::tree::{self, Node};
use linkwork_domain::hsds::value::parse_value;
use linkwork_domain::hsds::{FieldDef, FieldType};
use linkwork_domain::search::SearchQuery;
use linkwork_domain::Id;
use linkwork_store::{ListFilter, Page};
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 1000;
/// The most search hits one API request considers before paging.
const SEARCH_LIMIT: usize = 10_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(list_services))
        .route("/services/{id}", get(get_service))
        .route("/organizations", get(list_organizations))
        .route("/organizations/{id}", get(get_organization))
        .route("/taxonomies", get(list_taxonomies))
        .route("/taxonomies/{id}", get(get_taxonomy))
        .route("/taxonomy_terms", get(list_taxonomy_terms))
        .route("/taxonomy_terms/{id}", get(get_taxonomy_term))
        .route("/service_at_locations", get(list_service_at_locations))
        .route("/service_at_locations/{id}", get(get_service_at_location))
}

/// `GET /` for machines: what this API is.
pub async fn api_root(State(state): State<AppState>, headers: HeaderMap) -> Json<Value> {
    let base = state.public_url(&headers);
    Json(json!({
        "version": "3.1",
        "profile": "https://docs.openreferral.org/en/latest/hsds/overview.html",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/openapi.json",
        "publisher": {"name": state.config.publisher_name, "url": base},
    }))
}

/// Query parameters, parsed one by one so that each mistake names its parameter.
struct Params(HashMap<String, String>);

impl Params {
    fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    fn int(&self, name: &str, default: u64, min: u64, max: u64) -> ApiResult<u64> {
        match self.str(name) {
            None => Ok(default),
            Some(s) => match s.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::field(name, format!("'{s}' is not a whole number from {min} to {max}"))),
            },
        }
    }

    fn bool(&self, name: &str) -> ApiResult<bool> {
        match self.str(name) {
            None => Ok(false),
            Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(s) => Err(ApiError::field(name, format!("'{s}' is not true or false"))),
        }
    }

    fn id(&self, name: &str) -> ApiResult<Option<String>> {
        self.str(name).map(|s| Id::parse(s).map(|i| i.to_string()).map_err(|e| ApiError::field(name, e.to_string()))).transpose()
    }

    fn ids(&self, name: &str) -> ApiResult<Vec<String>> {
        let Some(s) = self.str(name) else { return Ok(vec![]) };
        s.split(',').map(|p| Id::parse(p).map(|i| i.to_string()).map_err(|e| ApiError::field(name, e.to_string()))).collect()
    }

    fn datetime(&self, name: &str) -> ApiResult<Option<String>> {
        static DT: FieldDef =
            FieldDef { name: "modified_after", ty: FieldType::DateTime, required: false, tabular_required: false, allowed: None, references: None };
        match self.str(name) {
            None => Ok(None),
            Some(s) => match parse_value(&DT, s) {
                (Some(v), _) => Ok(Some(v.to_cell())),
                (None, issue) => Err(ApiError::field(name, issue.map(|i| i.message().to_string()).unwrap_or_default())),
            },
        }
    }

    fn paging(&self) -> ApiResult<(u64, u64)> {
        Ok((self.int("page", 1, 1, 1_000_000)?, self.int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)?))
    }

    fn ndjson(&self) -> ApiResult<bool> {
        match self.str("format") {
            None | Some("json") => Ok(false),
            Some("ndjson") => Ok(true),
            Some(s) => Err(ApiError::field("format", format!("'{s}' is not json or ndjson"))),
        }
    }
}

fn envelope(page: Page<Value>, page_number: u64, per_page: u64) -> Value {
    let total_pages = page.total.div_ceil(per_page).max(1);
    json!({
        "total_items": page.total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": page.items.len(),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": page.items.is_empty(),
        "contents": page.items,
    })
}

/// A list request: filter, order (by search relevance when searching), page, and shape.
struct Listing {
    table: &'static str,
    node: &'static Node,
    filter: ListFilter,
    /// Ids in relevance order, when the request searched.
    ranked: Option<Vec<String>>,
    minimal: bool,
}

impl Listing {
    async fn page(&self, state: &AppState, page: u64, per_page: u64) -> ApiResult<Page<Value>> {
        let ids = match &self.ranked {
            None => state.store().list_ids(self.table, &self.filter, (page - 1) * per_page, per_page).await?,
            Some(ranked) => {
                let mut f = self.filter.clone();
                f.ids = Some(ranked.clone());
                let all = state.store().list_ids(self.table, &f, 0, ranked.len() as u64).await?;
                let keep: std::collections::HashSet<&String> = all.items.iter().collect();
                let ordered: Vec<String> = ranked.iter().filter(|id| keep.contains(id)).cloned().collect();
                let start = ((page - 1) * per_page) as usize;
                Page { total: ordered.len() as u64, items: ordered.into_iter().skip(start).take(per_page as usize).collect() }
            }
        };
        let items = if self.minimal {
            let docs = state.store().load(&tree::SERVICE_MINIMAL, &ids.items).await?;
            docs.into_iter()
                .map(|d| {
                    let mut m = serde_json::Map::new();
                    for k in ["id", "last_modified"] {
                        if let Some(v) = d.get(k) {
                            m.insert(k.into(), v.clone());
                        }
                    }
                    Value::Object(m)
                })
                .collect()
        } else {
            state.store().load(self.node, &ids.items).await?
        };
        Ok(Page { items, total: ids.total })
    }

    async fn respond(self, state: AppState, params: &Params) -> ApiResult<Response> {
        let (page, per_page) = params.paging()?;
        if params.ndjson()? {
            return Ok(self.ndjson(state));
        }
        let p = self.page(&state, page, per_page).await?;
        Ok(Json(envelope(p, page, per_page)).into_response())
    }

    /// Every result, one document per line, read from the store a page at a time.
    fn ndjson(self, state: AppState) -> Response {
        const CHUNK: u64 = 200;
        let s = stream::unfold((self, state, 1u64, false), |(listing, state, page, done)| async move {
            if done {
                return None;
            }
            match listing.page(&state, page, CHUNK).await {
                Ok(p) => {
                    let last = p.items.len() < CHUNK as usize || page * CHUNK >= p.total;
                    let mut buf = Vec::new();
                    for item in &p.items {
                        serde_json::to_writer(&mut buf, item).expect("JSON values serialise");
                        buf.push(b'\n');
                    }
                    Some((Ok::<_, std::io::Error>(bytes::Bytes::from(buf)), (listing, state, page + 1, last)))
                }
                Err(e) => {
                    tracing::error!(error = ?e, "ndjson stream stopped");
                    Some((Err(std::io::Error::other("stream failed")), (listing, state, page, true)))
                }
            }
        });
        ([(header::CONTENT_TYPE, "application/x-ndjson")], Body::from_stream(s)).into_response()
    }
}

/// Search hits in relevance order, gathered a page of the index at a time up to [`SEARCH_LIMIT`].
async fn ranked(state: &AppState, mut q: SearchQuery, pick: fn(linkwork_domain::search::SearchHit) -> Option<String>) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    q.limit = linkwork_search::MAX_LIMIT;
    q.offset = 0;
    loop {
        let results = state.directory.search(q.clone()).await?;
        let n = results.hits.len();
        out.extend(results.hits.into_iter().filter_map(pick).filter(|id| seen.insert(id.clone())));
        q.offset += n;
        if n == 0 || q.offset >= results.total || q.offset >= SEARCH_LIMIT {
            return Ok(out);
        }
    }
}

async fn ranked_service_ids(state: &AppState, params: &Params, text: &str) -> ApiResult<Vec<String>> {
    let q = SearchQuery {
        text: Some(text.to_string()),
        taxonomy_term_ids: params.ids("taxonomy_term_id")?,
        organization_id: params.id("organization_id")?,
        ..Default::default()
    };
    ranked(state, q, |h| Some(h.service_id)).await
}

async fn list_services(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let params = Params(q);
    let filter = ListFilter {
        organization_id: params.id("organization_id")?,
        taxonomy_term_ids: params.ids("taxonomy_term_id")?,
        taxonomy_id: params.id("taxonomy_id")?,
        modified_after: params.datetime("modified_after")?,
        ..Default::default()
    };
    let ranked = match params.str("search") {
        Some(text) => Some(ranked_service_ids(&state, &params, text).await?),
        None => None,
    };
    let node = if params.bool("full")? { &tree::SERVICE } else { &tree::SERVICE_LIST_ITEM };
    Listing { table: "service", node, filter, ranked, minimal: params.bool("minimal")? }.respond(state, &params).await
}

async fn one(state: &AppState, node: &'static Node, what: &str, id: &str) -> ApiResult<Json<Value>> {
    let id = Id::parse(id).map_err(|e| ApiError::field("id", e.to_string()))?;
    state.store().get(node, &id.to_string()).await?.map(Json).ok_or_else(|| ApiError::not_found(format!("{what} with id {id}")))
}

async fn get_service(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    one(&state, &tree::SERVICE, "service", &id).await
}

async fn list_organizations(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let params = Params(q);
    let filter = ListFilter {
        taxonomy_term_ids: params.ids("taxonomy_term_id")?,
        taxonomy_id: params.id("taxonomy_id")?,
        name_contains: params.str("search").map(str::to_string),
        ..Default::default()
    };
    let full = params.bool("full")? || params.bool("full_service")?;
    let node = if full { &tree::ORGANIZATION } else { &tree::ORGANIZATION_BRIEF };
    Listing { table: "organization", node, filter, ranked: None, minimal: false }.respond(state, &params).await
}

async fn get_organization(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    one(&state, &tree::ORGANIZATION, "organization", &id).await
}

async fn list_taxonomies(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let params = Params(q);
    let filter = ListFilter { name_contains: params.str("search").map(str::to_string), ..Default::default() };
    Listing { table: "taxonomy", node: &tree::TAXONOMY, filter, ranked: None, minimal: false }.respond(state, &params).await
}

async fn get_taxonomy(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    one(&state, &tree::TAXONOMY, "taxonomy", &id).await
}

async fn list_taxonomy_terms(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let params = Params(q);
    let filter = ListFilter {
        name_contains: params.str("search").map(str::to_string),
        taxonomy_id: params.id("taxonomy_id")?,
        top_only: params.bool("top_only")?,
        parent_id: params.id("parent_id")?,
        ..Default::default()
    };
    Listing { table: "taxonomy_term", node: &tree::TAXONOMY_TERM, filter, ranked: None, minimal: false }.respond(state, &params).await
}

async fn get_taxonomy_term(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    one(&state, &tree::TAXONOMY_TERM, "taxonomy term", &id).await
}

async fn list_service_at_locations(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let params = Params(q);
    let mut filter = ListFilter {
        organization_id: None,
        taxonomy_term_ids: params.ids("taxonomy_term_id")?,
        taxonomy_id: params.id("taxonomy_id")?,
        ..Default::default()
    };
    let proximity = match params.str("proximity") {
        None => None,
        Some(s) => match s.parse::<f64>() {
            Ok(m) if m > 0.0 && m <= 500_000.0 => Some(m),
            _ => return Err(ApiError::field("proximity", format!("'{s}' is not a distance in metres from 1 to 500000"))),
        },
    };
    let mut ranked = None;
    match (params.str("postcode"), proximity) {
        (Some(pc), Some(radius)) => {
            // Within `proximity` metres of the postcode's centroid, nearest first.
            let Some(centre) = postcode_centroid(&state, pc).await? else {
                return Err(ApiError::field("postcode", format!("no location in the directory has the postcode '{pc}', so its centre is unknown")));
            };
            let q = SearchQuery {
                text: params.str("search").map(str::to_string),
                near: Some(centre),
                radius_m: Some(radius),
                taxonomy_term_ids: filter.taxonomy_term_ids.clone(),
                ..Default::default()
            };
            ranked = Some(self::ranked(&state, q, |h| h.service_at_location_id).await?);
        }
        (Some(pc), None) => filter.postcode = Some(pc.to_string()),
        (None, Some(_)) => return Err(ApiError::field("proximity", "proximity needs a postcode to measure from")),
        (None, None) => {
            if let Some(text) = params.str("search") {
                let q = SearchQuery { text: Some(text.into()), taxonomy_term_ids: filter.taxonomy_term_ids.clone(), ..Default::default() };
                ranked = Some(self::ranked(&state, q, |h| h.service_at_location_id).await?);
            }
        }
    }
    if let Some(org) = params.id("organization_id")? {
        let services = state.store().list_ids("service", &ListFilter { organization_id: Some(org), ..Default::default() }, 0, 100_000).await?;
        let sal = state.store().select_in("service_at_location", "service_id", &services.items).await?;
        let ids: Vec<String> = sal.iter().filter_map(|r| r.id().map(str::to_string)).collect();
        filter.ids = Some(match ranked.take() {
            Some(r) => {
                let set: std::collections::HashSet<&String> = ids.iter().collect();
                let kept: Vec<String> = r.into_iter().filter(|i| set.contains(i)).collect();
                ranked = Some(kept.clone());
                kept
            }
            None => ids,
        });
    }
    if let Some(after) = params.datetime("modified_after")? {
        let services = state.store().list_ids("service", &ListFilter { modified_after: Some(after), ..Default::default() }, 0, 1_000_000).await?;
        let sal = state.store().select_in("service_at_location", "service_id", &services.items).await?;
        let ids: Vec<String> = sal.iter().filter_map(|r| r.id().map(str::to_string)).collect();
        let set: std::collections::HashSet<&String> = ids.iter().collect();
        filter.ids = Some(match filter.ids.take() {
            Some(prev) => prev.into_iter().filter(|i| set.contains(i)).collect(),
            None => ids,
        });
    }
    let node = if params.bool("full")? { &tree::SERVICE_AT_LOCATION } else { &tree::SERVICE_AT_LOCATION_LIST_ITEM };
    Listing { table: "service_at_location", node, filter, ranked, minimal: false }.respond(state, &params).await
}

pub async fn postcode_centroid(state: &AppState, postcode: &str) -> ApiResult<Option<Point>> {
    let pts = state.store().postcode_points(postcode).await?;
    if pts.is_empty() {
        return Ok(None);
    }
    let n = pts.len() as f64;
    let (lat, lon) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    Ok(Point::new(lat, lon).ok())
}

async fn get_service_at_location(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    one(&state, &tree::SERVICE_AT_LOCATION, "service at location", &id).await
}
