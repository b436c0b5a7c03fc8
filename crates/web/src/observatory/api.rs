//! `GET /api/v1/indicators` and `GET /api/v1/indicators/{id}`: the indicator definitions, and one
//! indicator's protected result for a period, breakdowns and filters, as JSON or CSV.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use linkwork_domain::observatory::IndicatorDef;
use linkwork_domain::pathway::access::Action;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::{catalogue, csv_out, facts, run, Params};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/indicators", get(list_indicators).post(super::catalogue::post_indicator))
        .route("/api/v1/indicators/{id}", get(get_indicator))
        .route("/api/v1/indicators/{id}/measure", get(get_measure))
}

/// An indicator's definition, as published.
#[derive(Serialize, ToSchema)]
pub struct IndicatorSummary {
    pub id: String,
    pub version: String,
    /// Language tag → title.
    pub title: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
    /// episodes, onward_referrals, outcomes, goals, prescriptions, confirmed_needs, link_workers or services.
    pub population: String,
    /// count, proportion, duration, mean, stages or distribution.
    pub kind: String,
    pub unit: String,
    /// The breakdowns a request may ask for.
    pub breakdowns: Vec<String>,
    /// none (operational counts) or evaluation (only people whose consent to evaluation stands).
    pub consent: String,
    /// The definition as loaded.
    #[schema(value_type = Object)]
    pub definition: serde_json::Value,
}

pub(super) fn summary(d: &IndicatorDef) -> IndicatorSummary {
    IndicatorSummary {
        id: d.id.clone(),
        version: d.version.clone(),
        title: d.title.clone(),
        description: d.description.clone(),
        population: d.population.as_str().into(),
        kind: d.aggregate.kind().into(),
        unit: d.unit.clone(),
        breakdowns: d
            .breakdowns
            .iter()
            .map(|b| b.as_str().to_string())
            .collect(),
        consent: serde_json::to_value(d.consent)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        definition: serde_json::to_value(d).unwrap_or_default(),
    }
}

/// The indicators offered.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "observatory",
    responses((status = 200, body = [IndicatorSummary]), (status = 401, description = "Not signed in", content_type = "application/problem+json"), (status = 403, description = "The role may not read aggregates", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_indicators(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<IndicatorSummary>>> {
    caller.may(Action::ReadAggregates)?;
    Ok(Json(catalogue(&state).await?.current.iter().map(summary).collect()))
}

/// An indicator's definition as a FHIR R4 `Measure` (`application/fhir+json`).
#[utoipa::path(get, path = "/api/v1/indicators/{id}/measure", tag = "observatory", params(("id" = String, Path, description = "The indicator's id")),
    responses(
        (status = 200, description = "The FHIR R4 Measure", content((Object = "application/fhir+json"))),
        (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "The role may not read aggregates", content_type = "application/problem+json"),
        (status = 404, description = "No such indicator", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_measure(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    caller.may(Action::ReadAggregates)?;
    Ok(fhir_json(linkwork_fhir::measure::measure(catalogue(&state).await?.find(&id)?)))
}

fn fhir_json(v: serde_json::Value) -> Response {
    ([(header::CONTENT_TYPE, "application/fhir+json")], Json(v)).into_response()
}

/// One indicator's result: every published cell with its key, small cells suppressed and counts
/// rounded by the deployment's disclosure rule, and how many people were left out and why. With
/// `format=fhir`, the same result as a FHIR R4 summary `MeasureReport`.
#[utoipa::path(get, path = "/api/v1/indicators/{id}", tag = "observatory", params(("id" = String, Path, description = "The indicator's id"), Params),
    responses(
        (status = 200, description = "The protected result (JSON; CSV with format=csv; a FHIR R4 MeasureReport with format=fhir)", content((Object = "application/json"), (String = "text/csv"), (Object = "application/fhir+json"))),
        (status = 400, description = "A parameter is wrong; the problem names it", content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "The role may not read aggregates", content_type = "application/problem+json"),
        (status = 404, description = "No such indicator", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_indicator(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> ApiResult<Response> {
    let a = caller.may(Action::ReadAggregates)?;
    let cat = catalogue(&state).await?;
    let def = cat.find(&id)?;
    let req = p.request(def, crate::api_v1::today())?;
    let format = match p.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => "json",
        Some(f @ ("csv" | "fhir")) => f,
        Some(other) => {
            return Err(ApiError::field(
                "format",
                format!("'{other}' is not a format; use json, csv or fhir"),
            ))
        }
    };
    let f = facts(
        &state,
        &a,
        &format!("GET /api/v1/indicators/{}", def.id),
        req.to,
    )
    .await?;
    let e = run(&state, def, &f, &req);
    if format == "fhir" {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        return Ok(fhir_json(linkwork_fhir::measure::measure_report(def, &e, &now)));
    }
    if format == "csv" {
        let name = format!(
            "attachment; filename=\"{}-{}-{}.csv\"",
            def.id, req.from, req.to
        );
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, name),
            ],
            csv_out::to_csv(&e),
        )
            .into_response());
    }
    Ok(Json(e).into_response())
}
