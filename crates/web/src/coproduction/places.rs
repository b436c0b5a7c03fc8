//! The places API: `POST /api/v1/places/import` (a CSV file, all or nothing, every problem with
//! its line and column; `?dry_run=true` says what it would do), `GET /api/v1/places[/{code}]`
//! (what the caller sees), `GET /api/v1/places/levels`, and assignments of facilitators and
//! coordinators.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use linkwork_domain::coproduction::{check_import, PlaceLevel, RawPlace, RowProblem};
use linkwork_domain::pathway::access::Action;
use linkwork_store::pathway::{Actor, PlaceRecord, PlacesReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/places", get(list_places))
        .route("/api/v1/places/levels", get(place_levels))
        .route("/api/v1/places/import", post(import_places))
        .route("/api/v1/places/{code}", get(get_place))
        .route("/api/v1/places/{code}/assignments", post(assign_place))
        .route("/api/v1/places/{code}/assignments/{username}", delete(unassign_place))
}

/// The columns a places file has (others are ignored).
pub const COLUMNS: [&str; 7] = ["code", "name", "level", "parent_code", "latitude", "longitude", "population"];

/// Reads a places CSV (UTF-8, a header row naming the columns; a byte-order mark is allowed).
pub fn read_csv(text: &str) -> Result<Vec<RawPlace>, Vec<RowProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![RowProblem { line: 1, column: String::new(), message: format!("the header cannot be read: {e}") }]),
    };
    let missing: Vec<&str> = ["code", "name", "level"].into_iter().filter(|c| !header.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(vec![RowProblem {
            line: 1,
            column: missing.join(", "),
            message: format!("the header has no {} column; the columns are {}", missing.join(", "), COLUMNS.join(", ")),
        }]);
    }
    let at = |name: &str| header.iter().position(|h| h == name);
    let mut rows = vec![];
    let mut problems = vec![];
    for rec in r.records() {
        match rec {
            Ok(rec) => {
                let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
                let get = |name: &str| at(name).and_then(|i| rec.get(i)).unwrap_or_default().to_string();
                if rec.iter().all(str::is_empty) {
                    continue;
                }
                rows.push(RawPlace {
                    line,
                    code: get("code"),
                    name: get("name"),
                    level: get("level"),
                    parent_code: get("parent_code"),
                    latitude: get("latitude"),
                    longitude: get("longitude"),
                    population: get("population"),
                });
            }
            Err(e) => problems.push(RowProblem {
                line: e.position().map(|p| p.line() as usize).unwrap_or(0),
                column: String::new(),
                message: format!("this line cannot be read as CSV: {e}"),
            }),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn refused(problems: Vec<RowProblem>) -> ApiError {
    ApiError::invalid(problems.into_iter().map(|p| FieldError::new(format!("line {}: {}", p.line, p.column), p.message)).collect())
}

/// Checks and keeps a places file: every problem, or what was done.
pub async fn import_text(state: &AppState, a: &Actor, text: &str, dry_run: bool) -> ApiResult<PlacesReport> {
    let rows = read_csv(text).map_err(refused)?;
    if rows.is_empty() {
        return Err(ApiError::field("file", "the file has no places under its header"));
    }
    let s = &state.config.places;
    let existing = state.store().place_depths().await?;
    let places = check_import(&rows, s, &existing).map_err(refused)?;
    let levels: Vec<String> = s.levels.iter().map(|l| l.code.clone()).collect();
    Ok(state.store().import_places(a, &places, &levels, dry_run).await?)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// true: check the file and say what would change, writing nothing.
    pub dry_run: Option<bool>,
}

/// Imports places from CSV (`code,name,level,parent_code,latitude,longitude,population`; parents
/// in the file or kept before, one level up). A file with any problem is refused whole.
#[utoipa::path(post, path = "/api/v1/places/import", tag = "places", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The places, one per line after a header"),
    responses((status = 200, body = PlacesReport), (status = 403, description = "Only administrators import places", content_type = "application/problem+json"),
        (status = 415, description = "Not CSV", content_type = "application/problem+json"),
        (status = 422, description = "Refused; each problem names its line and column", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn import_places(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Query(q): Query<ImportParams>, body: String) -> ApiResult<Json<PlacesReport>> {
    let a = caller.may(Action::ManagePlaces)?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !ct.starts_with("text/csv") && !ct.starts_with("text/plain") {
        return Err(ApiError::UnsupportedMediaType(format!("send the places as text/csv, not {ct:?}")));
    }
    Ok(Json(import_text(&state, &a, &body, q.dry_run.unwrap_or(false)).await?))
}

/// Whose places a caller sees: every one (administrators), or their own and below.
pub fn scope(caller: &Caller) -> ApiResult<Option<String>> {
    caller.all_or_own(Action::ManagePlaces, Action::ReadPlaces)
}

/// The places the caller sees, from the top down.
#[utoipa::path(get, path = "/api/v1/places", tag = "places",
    responses((status = 200, body = [PlaceRecord]), (status = 403, description = "Not a facilitator, coordinator or administrator", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_places(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<PlaceRecord>>> {
    let who = scope(&caller)?;
    Ok(Json(state.store().list_places(who.as_deref()).await?))
}

/// The hierarchy's levels, from the top down, with their names.
#[utoipa::path(get, path = "/api/v1/places/levels", tag = "places", responses((status = 200, body = [Object])), security(("bearer" = [])))]
pub async fn place_levels(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<PlaceLevel>>> {
    scope(&caller)?;
    Ok(Json(state.config.places.levels.clone()))
}

#[derive(Serialize, ToSchema)]
pub struct PlaceView {
    pub place: PlaceRecord,
    /// The places directly below it.
    pub children: Vec<PlaceRecord>,
}

/// One place the caller sees, with the places directly below it; 404 for a place they do not see.
#[utoipa::path(get, path = "/api/v1/places/{code}", tag = "places", params(("code" = String, Path)),
    responses((status = 200, body = PlaceView), (status = 404, description = "No such place among those the caller sees", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_place(State(state): State<AppState>, caller: Caller, Path(code): Path<String>) -> ApiResult<Json<PlaceView>> {
    let who = scope(&caller)?;
    let mut all = state.store().list_places(who.as_deref()).await?;
    let Some(i) = all.iter().position(|p| p.code == code) else { return Err(ApiError::not_found(format!("place {code}"))) };
    let place = all.remove(i);
    let children = all.into_iter().filter(|p| p.parent_code.as_deref() == Some(code.as_str())).collect();
    Ok(Json(PlaceView { place, children }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignBody {
    /// A facilitator's or coordinator's username.
    pub username: String,
}

/// Assigns a facilitator or coordinator to a place: they see it and every place below.
#[utoipa::path(post, path = "/api/v1/places/{code}/assignments", tag = "places", params(("code" = String, Path)), request_body = AssignBody,
    responses((status = 204, description = "Assigned"), (status = 403, description = "Only administrators assign", content_type = "application/problem+json"),
        (status = 404, description = "No such place", content_type = "application/problem+json"),
        (status = 422, description = "No such user, or not a facilitator or coordinator", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn assign_place(State(state): State<AppState>, caller: Caller, Path(code): Path<String>, Body(b): Body<AssignBody>) -> ApiResult<Response> {
    let a = caller.may(Action::ManagePlaces)?;
    state.store().assign_place(&a, &code, &b.username.trim().to_lowercase()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Ends an assignment.
#[utoipa::path(delete, path = "/api/v1/places/{code}/assignments/{username}", tag = "places", params(("code" = String, Path), ("username" = String, Path)),
    responses((status = 204, description = "Ended"), (status = 404, description = "No such assignment", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn unassign_place(State(state): State<AppState>, caller: Caller, Path((code, username)): Path<(String, String)>) -> ApiResult<Response> {
    let a = caller.may(Action::ManagePlaces)?;
    state.store().unassign_place(&a, &code, &username).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
