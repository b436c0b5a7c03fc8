//! Comparable across programmes. A programme publishes its protected indicator results for a
//! period as one package (`GET /api/v1/observatory/package`; `linkwork observatory publish`); a
//! regional observatory imports packages (`POST /api/v1/observatory/packages`; `linkwork
//! observatory import`), refusing any that fails the checks of `linkwork_fhir::package`, and
//! shows the programmes side by side with the region's figures recomputed from what they
//! published (`GET /api/v1/observatory/region`; the page `/observatory/region`).
//!
//! Publishing goes through the same engine and disclosure control as every other output, so a
//! package holds nothing a page would not show; the region never holds a record, only packages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use linkwork_domain::observatory::region::{combine, NoScore, PublishedGroup, PublishedResult, RegionGroup};
use linkwork_domain::observatory::{evaluate, Dimension, IndicatorDef};
use linkwork_domain::pathway::access::Action;
use linkwork_fhir::package::{Problem, Programme};
use linkwork_store::pathway::{Actor, NewPackage, PackageRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

use super::{catalogue, facts, settings, Params};
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::i18n::Tr;
use crate::ui::{render, Chrome, Page, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/observatory/package", get(get_package)).route("/api/v1/observatory/region", get(get_region))
}

/// The largest package `POST /api/v1/observatory/packages` takes.
pub const UPLOAD_LIMIT: usize = 16 * 1024 * 1024;

/// The route packages are sent to, which takes bodies up to [`UPLOAD_LIMIT`].
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/api/v1/observatory/packages", get(list_packages).post(post_package))
}

pub fn page_routes() -> Router<AppState> {
    Router::new().route("/observatory/region", get(region_page))
}

/// This deployment as a programme: the configured identity, else one from the publisher's name.
pub fn programme(state: &AppState) -> Programme {
    let o = &state.config.observatory;
    let name = o.programme_name.clone().unwrap_or_else(|| state.config.publisher_name.clone());
    let id = o.programme_id.clone().unwrap_or_else(|| {
        let slug: String = name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
        if slug.is_empty() { "programme".into() } else { slug }
    });
    Programme { id, name }
}

/// The period of a package, as text from a query string or the command line.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First day counted, YYYY-MM-DD (default: the first day of the month a year before `to`).
    pub from: Option<String>,
    /// Last day counted, YYYY-MM-DD (default: today).
    pub to: Option<String>,
}

/// This programme's package for a period: every shipped indicator's protected result, by month
/// where the indicator allows it, as one FHIR Bundle with its content hash.
pub async fn publish(state: &AppState, a: &Actor, period: &PeriodParams) -> ApiResult<serde_json::Value> {
    let today = crate::api_v1::today();
    let params = Params { from: period.from.clone(), to: period.to.clone(), ..Params::default() };
    // The period is checked once, against the funnel, as every indicator takes the same one.
    let cat = catalogue(state).await?;
    let first = params.request(cat.find("pathway-funnel")?, today)?;
    let f = facts(state, a, "publish an observatory package", first.to).await?;
    let s = settings(state);
    let evaluated: Vec<_> = cat
        .current
        .iter()
        .map(|def| {
            let breakdowns = if def.breakdowns.contains(&Dimension::Period) { vec![Dimension::Period] } else { vec![] };
            let req = linkwork_domain::observatory::Request { breakdowns, ..first.clone() };
            (def, evaluate(def, &f, &req, &s))
        })
        .collect();
    let refs: Vec<(&IndicatorDef, &linkwork_domain::observatory::Evaluation)> = evaluated.iter().map(|(d, e)| (*d, e)).collect();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(linkwork_fhir::package::package(&programme(state), &refs, &now))
}

/// A package checked against every indicator version this observatory knows and its disclosure
/// rule: the package, or every reason it is refused.
pub async fn check(state: &AppState, bundle: &serde_json::Value) -> ApiResult<Result<linkwork_fhir::package::Package, Vec<Problem>>> {
    let cat = catalogue(state).await?;
    Ok(linkwork_fhir::package::check(bundle, &cat.known, state.config.observatory.rule()))
}

/// Keeps a checked package; answers whether it was new.
pub async fn keep(state: &AppState, a: &Actor, p: &linkwork_fhir::package::Package, bundle: &serde_json::Value) -> ApiResult<(PackageRecord, bool)> {
    let new = NewPackage {
        content_hash: p.content_hash.clone(),
        programme_id: p.programme.id.clone(),
        programme_name: p.programme.name.clone(),
        period_from: p.from.clone(),
        period_to: p.to.clone(),
        published_at: p.published.clone(),
        bundle: bundle.to_string(),
    };
    Ok(state.store().import_package(a, &new).await?)
}

fn refused(problems: Vec<Problem>) -> ApiError {
    ApiError::invalid(problems.into_iter().map(|p| FieldError::new(p.at, p.message)).collect())
}

/// This programme's package for the period: a FHIR R4 Bundle (collection) of the programme, the
/// Measures and one summary MeasureReport per indicator, identified by its SHA-256 content hash.
#[utoipa::path(get, path = "/api/v1/observatory/package", tag = "observatory", params(PeriodParams),
    responses(
        (status = 200, description = "The package, as a FHIR R4 Bundle", content_type = "application/fhir+json", body = Object),
        (status = 400, description = "A date is wrong; the problem names it", content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "The role may not read aggregates", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_package(State(state): State<AppState>, caller: Caller, Query(p): Query<PeriodParams>) -> ApiResult<Response> {
    let a = caller.may(Action::ReadAggregates)?;
    let bundle = publish(&state, &a, &p).await?;
    let name = format!("attachment; filename=\"observatory-{}.json\"", programme(&state).id);
    Ok(([(header::CONTENT_TYPE, "application/fhir+json".to_string()), (header::CONTENT_DISPOSITION, name)], Json(bundle)).into_response())
}

/// Imports a programme's package. One that was changed after publishing, reports an indicator
/// version this observatory does not know, or carries a count the disclosure rule withholds is
/// refused with every reason and where it is (a path into the Bundle); the same package again is
/// accepted and kept once.
#[utoipa::path(post, path = "/api/v1/observatory/packages", tag = "observatory", request_body(content = Object, description = "A package as `GET /api/v1/observatory/package` gives it", content_type = "application/fhir+json"),
    responses(
        (status = 201, description = "Imported", body = PackageRecord),
        (status = 200, description = "Already imported", body = PackageRecord),
        (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "The role may not import packages", content_type = "application/problem+json"),
        (status = 422, description = "Refused; each problem names where in the Bundle", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn post_package(State(state): State<AppState>, caller: Caller, Body(bundle): Body<serde_json::Value>) -> ApiResult<Response> {
    let a = caller.may(Action::ImportPackages)?;
    let p = check(&state, &bundle).await?.map_err(refused)?;
    let (rec, new) = keep(&state, &a, &p, &bundle).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(rec)).into_response())
}

/// The packages imported, the latest periods first.
#[utoipa::path(get, path = "/api/v1/observatory/packages", tag = "observatory",
    responses((status = 200, body = [PackageRecord]), (status = 401, description = "Not signed in", content_type = "application/problem+json"), (status = 403, description = "The role may not read aggregates", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_packages(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<PackageRecord>>> {
    caller.may(Action::ReadAggregates)?;
    Ok(Json(state.store().list_packages().await?))
}

/// A period packages were imported for.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RegionPeriod {
    pub from: String,
    pub to: String,
    /// Programmes with a package for it.
    pub programmes: usize,
}

/// One indicator across the region: each programme's published figures (in the order of
/// `programmes`; null where it published none) and the region's, recomputed from them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RegionIndicator {
    pub id: String,
    pub version: String,
    pub title: BTreeMap<String, String>,
    /// cohort, proportion or continuous-variable (FHIR's scoring).
    pub scoring: String,
    pub unit: String,
    #[schema(value_type = Vec<Object>)]
    pub programmes: Vec<Option<PublishedResult>>,
    #[schema(value_type = Vec<Object>)]
    pub region: Vec<RegionGroup>,
}

/// Programmes side by side for one period.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RegionView {
    /// The period shown (none until a package is imported).
    pub from: Option<String>,
    pub to: Option<String>,
    pub periods: Vec<RegionPeriod>,
    /// Each programme's newest package for the period.
    pub programmes: Vec<PackageRecord>,
    pub indicators: Vec<RegionIndicator>,
}

/// The region for a period (default: the latest one packages were imported for).
pub async fn region(state: &AppState, a: &Actor, period: &PeriodParams) -> ApiResult<RegionView> {
    state.store().record_aggregate_read(a, "compare programmes' packages").await?;
    let all = state.store().list_packages().await?;
    let mut periods: Vec<RegionPeriod> = vec![];
    let mut seen = std::collections::HashSet::new();
    for p in &all {
        let first_of_programme = seen.insert((&p.period_from, &p.period_to, &p.programme_id));
        match periods.iter_mut().find(|x| x.from == p.period_from && x.to == p.period_to) {
            Some(x) if first_of_programme => x.programmes += 1,
            Some(_) => {}
            None => periods.push(RegionPeriod { from: p.period_from.clone(), to: p.period_to.clone(), programmes: 1 }),
        }
    }
    let chosen = match (super::text(&period.from), super::text(&period.to)) {
        (Some(f), Some(t)) => match periods.iter().find(|x| x.from == f && x.to == t) {
            Some(x) => Some(x.clone()),
            None => return Err(ApiError::field("from", format!("no package covers {f} to {t}; the periods imported are listed in `periods`"))),
        },
        (None, None) => periods.first().cloned(),
        _ => return Err(ApiError::field("to", "give both from and to, or neither for the latest period")),
    };
    let mut programmes: Vec<PackageRecord> = vec![];
    if let Some(c) = &chosen {
        // Newest first within a programme, so the first seen is the one compared.
        for p in all.into_iter().filter(|p| p.period_from == c.from && p.period_to == c.to) {
            if !programmes.iter().any(|q| q.programme_id == p.programme_id) {
                programmes.push(p);
            }
        }
    }
    let cat = catalogue(state).await?;
    let results: Vec<Vec<PublishedResult>> = programmes
        .iter()
        .map(|p| {
            let bundle: serde_json::Value = serde_json::from_str(&p.bundle).unwrap_or_default();
            linkwork_fhir::package::results(&bundle, &cat.known)
        })
        .collect();
    let indicators = cat
        .known
        .iter()
        .filter_map(|def| {
            let each: Vec<Option<PublishedResult>> =
                results.iter().map(|rs| rs.iter().find(|r| r.indicator == def.id && r.version == def.version).cloned()).collect();
            let present: Vec<&PublishedResult> = each.iter().flatten().collect();
            if present.is_empty() {
                return None;
            }
            Some(RegionIndicator {
                id: def.id.clone(),
                version: def.version.clone(),
                title: def.title.clone(),
                scoring: present[0].scoring.clone(),
                unit: def.unit.clone(),
                region: combine(&present),
                programmes: each,
            })
        })
        .collect();
    Ok(RegionView { from: chosen.as_ref().map(|c| c.from.clone()), to: chosen.map(|c| c.to), periods, programmes, indicators })
}

/// Programmes side by side on the same indicators, with the region's figures recomputed from what
/// they published: counts summed (a lower bound where any was withheld), proportions from the
/// summed numerators and denominators, means weighted by their counts; medians not combined.
#[utoipa::path(get, path = "/api/v1/observatory/region", tag = "observatory", params(PeriodParams),
    responses((status = 200, body = RegionView), (status = 400, description = "No package covers the period asked for", content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", content_type = "application/problem+json"), (status = 403, description = "The role may not read aggregates", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_region(State(state): State<AppState>, caller: Caller, Query(p): Query<PeriodParams>) -> ApiResult<Json<RegionView>> {
    let a = caller.may(Action::ReadAggregates)?;
    Ok(Json(region(&state, &a, &p).await?))
}

pub struct RegionTable {
    pub caption: String,
    pub href: String,
    pub rows: Vec<(String, Vec<String>, String)>,
}

#[derive(Template)]
#[template(path = "observatory_region.html")]
struct RegionPage {
    c: Chrome,
    periods: Vec<(String, String, bool)>,
    programmes: Vec<String>,
    tables: Vec<RegionTable>,
    empty: bool,
}

/// A group's name as people read it: a funnel's stage, or the statistic.
fn group_label(t: &Tr, def: &IndicatorDef, code: &str) -> String {
    match &def.aggregate {
        linkwork_domain::observatory::Aggregate::Stages { .. } => t.code("obs-stage-", code),
        _ => t.code("obs-group-", code),
    }
}

/// What a programme published for a group: its score, else its first population's count.
fn published_value(t: &Tr, scoring: &str, g: &PublishedGroup) -> String {
    let first = g.populations.first().and_then(|(_, n)| *n);
    match (g.score, scoring) {
        (Some(s), "proportion") => t.t2("obs-percent-of", "percent", t.fixed(s, 1).as_str(), "n", super::pages::count(t, first).as_str()),
        (Some(s), _) => t.fixed(s, 1),
        (None, _) if g.score_masked => t.t("obs-suppressed"),
        (None, _) => super::pages::count(t, first),
    }
}

fn region_value(t: &Tr, scoring: &str, g: &RegionGroup) -> String {
    let count = g.populations.first().map(|c| {
        let n = t.num(c.count as i64);
        if c.at_least { t.t1("obs-region-at-least", "n", n.as_str()) } else { n }
    });
    let count = count.unwrap_or_else(|| t.t("obs-no-data"));
    match (g.score, g.no_score, scoring) {
        (Some(s), _, "proportion") => t.t2("obs-percent-of", "percent", t.fixed(s, 1).as_str(), "n", count.as_str()),
        (Some(s), _, _) => t.fixed(s, 1),
        (None, Some(NoScore::NotCombinable), _) => t.t("obs-region-not-combinable"),
        (None, Some(NoScore::Withheld), _) => t.t("obs-suppressed"),
        (None, None, _) => count,
    }
}

/// The page's choice of period: one value, "from|to", from its select.
#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    period: Option<String>,
}

async fn region_page(State(state): State<AppState>, page: Page, Query(q): Query<PageQuery>) -> PageResult {
    let (_, a) = page.may(Action::ReadAggregates)?;
    let t = page.t().clone();
    let p = match q.period.as_deref().and_then(|p| p.split_once('|')) {
        Some((f, to)) => PeriodParams { from: Some(f.into()), to: Some(to.into()) },
        None => PeriodParams::default(),
    };
    let v = region(&state, &a, &p).await?;
    let cat = catalogue(&state).await?;
    let chosen = (v.from.clone().unwrap_or_default(), v.to.clone().unwrap_or_default());
    let periods = v
        .periods
        .iter()
        .map(|x| {
            let label = t.a("obs-region-period-option", &[("from", x.from.as_str().into()), ("to", x.to.as_str().into()), ("n", (x.programmes as i64).into())]);
            (format!("{}|{}", x.from, x.to), label, (x.from.as_str(), x.to.as_str()) == (chosen.0.as_str(), chosen.1.as_str()))
        })
        .collect();
    let tables = v
        .indicators
        .iter()
        .filter_map(|ind| {
            let def = cat.known.iter().find(|d| d.id == ind.id && d.version == ind.version)?;
            let rows = ind
                .region
                .iter()
                .map(|g| {
                    let each = ind
                        .programmes
                        .iter()
                        .map(|r| match r.as_ref().and_then(|r| r.groups.iter().find(|x| x.code == g.code)) {
                            Some(pg) => published_value(&t, &ind.scoring, pg),
                            None => t.t("obs-no-data"),
                        })
                        .collect();
                    (group_label(&t, def, &g.code), each, region_value(&t, &ind.scoring, g))
                })
                .collect();
            Some(RegionTable { caption: def.title_in(t.lang_tag()).to_string(), href: format!("/observatory/indicators/{}", def.id), rows })
        })
        .collect();
    Ok(render(RegionPage {
        empty: v.programmes.is_empty(),
        programmes: v.programmes.iter().map(|p| p.programme_name.clone()).collect(),
        periods,
        tables,
        c: page.chrome,
    }))
}
