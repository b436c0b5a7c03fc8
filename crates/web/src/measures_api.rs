//! `/api/v1` for screening and outcome measures: instruments (loaded as data by administrators),
//! people's answers (partial answers saved, completed ones scored), the needs a positive screen
//! proposes until a link worker confirms or dismisses them, outcomes over time, and FHIR R4
//! export and import of Questionnaires, QuestionnaireResponses and Observations.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_domain::instrument::{self, change, check_answers, score, Answers, Change, Instrument, Scored};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::{format_time, FieldError};
use linkwork_domain::Id;
use linkwork_store::pathway::{Actor, InstrumentRecord, PersonNeed, ProposedNeed, ResponseRecord, ScoresToKeep, StoredScore};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::api_v1::{id, Problem};
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/instruments", get(list_instruments).post(load_instrument))
        .route("/api/v1/instruments/{id}", get(get_instrument).patch(change_instrument))
        .route("/api/v1/people/{id}/responses", get(person_responses).post(create_response))
        .route("/api/v1/people/{id}/responses/fhir", post(import_response))
        .route("/api/v1/responses/{id}", get(get_response).put(update_response))
        .route("/api/v1/responses/{id}/observations", get(response_observations))
        .route("/api/v1/people/{id}/needs", get(person_needs))
        .route("/api/v1/proposed-needs/{id}", post(decide_need))
        .route("/api/v1/people/{id}/outcomes", get(outcomes))
        .route("/api/v1/episodes/{id}/matches", get(matches))
}

/// Loads the shipped instruments into the store, once (a changed definition needs a new version).
pub async fn ensure_built_in(store: &linkwork_store::Store) -> anyhow::Result<()> {
    let a = Actor::system("built-in instruments");
    for (file, src) in instrument::BUILT_IN {
        let def: Value = serde_json::from_str(src).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        let ins = Instrument::parse(&def).map_err(|e| anyhow::anyhow!("{file}: {e:?}"))?;
        store.load_instrument(&a, &ins.url, &ins.version, &ins.name, &ins.title, &def, true).await.map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    }
    Ok(())
}

/// An instrument as stored, parsed (definitions were checked when loaded).
pub(crate) async fn instrument_of(state: &AppState, id_or_name: &str) -> ApiResult<(InstrumentRecord, Instrument)> {
    let rec = state.store().find_instrument(id_or_name).await?;
    let ins = stored(&rec)?;
    Ok((rec, ins))
}

/// A stored definition, checked when it was loaded: failing here means the store was changed
/// behind Linkwork's back.
fn stored(rec: &InstrumentRecord) -> ApiResult<Instrument> {
    Instrument::parse(&rec.definition).map_err(|e| ApiError::Internal(format!("stored instrument {}: {e:?}", rec.id)))
}

/// An instrument in a list.
#[derive(Serialize, ToSchema)]
pub struct InstrumentSummary {
    pub id: String,
    pub name: String,
    pub title: String,
    pub version: String,
    pub url: String,
    pub built_in: bool,
    /// screening, outcome.
    pub purpose: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    pub questions: usize,
    /// Retired: no new answers are taken; answers already given keep their scores.
    pub retired: bool,
    pub loaded_at: String,
}

fn summary(rec: &InstrumentRecord, ins: &Instrument) -> InstrumentSummary {
    InstrumentSummary {
        id: rec.id.clone(),
        name: rec.name.clone(),
        title: rec.title.clone(),
        version: rec.version.clone(),
        url: rec.url.clone(),
        built_in: rec.built_in,
        purpose: ins.scoring.purpose.iter().map(|p| serde_json::to_value(p).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()).collect(),
        licence: ins.scoring.licence.clone(),
        questions: ins.items.iter().filter(|i| !matches!(i.kind, instrument::ItemKind::Display)).count(),
        retired: rec.retired,
        loaded_at: rec.loaded_at.clone(),
    }
}

/// Every loaded instrument with its summary, newest version first within a name; retired ones
/// only when `retired` is asked for.
pub(crate) async fn instrument_summaries(state: &AppState, retired: bool) -> ApiResult<Vec<InstrumentSummary>> {
    let mut out = vec![];
    for rec in state.store().list_instruments().await? {
        if rec.retired && !retired {
            continue;
        }
        if let Ok(ins) = Instrument::parse(&rec.definition) {
            out.push(summary(&rec, &ins));
        }
    }
    Ok(out)
}

#[derive(Deserialize, ToSchema, utoipa::IntoParams)]
pub struct InstrumentsQuery {
    /// `true` to list retired instruments too.
    pub retired: Option<bool>,
}

/// The instruments that can be answered (with `?retired=true`, the retired ones too).
#[utoipa::path(get, path = "/api/v1/instruments", tag = "measures", params(InstrumentsQuery), responses((status = 200, body = [InstrumentSummary])), security(("bearer" = [])))]
async fn list_instruments(State(state): State<AppState>, _caller: Caller, Query(q): Query<InstrumentsQuery>) -> ApiResult<Json<Vec<InstrumentSummary>>> {
    Ok(Json(instrument_summaries(&state, q.retired.unwrap_or(false)).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstrumentChange {
    /// `true` retires it: no new answers are taken, and answers already given keep their
    /// scores. `false` brings it back.
    pub retired: bool,
}

/// Retires an instrument or brings it back (administrators).
#[utoipa::path(patch, path = "/api/v1/instruments/{id}", tag = "measures", request_body = InstrumentChange,
    responses((status = 200, body = InstrumentSummary), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn change_instrument(State(state): State<AppState>, caller: Caller, Path(key): Path<String>, Body(b): Body<InstrumentChange>) -> ApiResult<Json<InstrumentSummary>> {
    let a = caller.may(Action::ManageInstruments)?;
    Ok(Json(retire(&state, &a, &key, b.retired).await?))
}

/// Retires (or brings back) an instrument by id.
pub(crate) async fn retire(state: &AppState, a: &Actor, id: &str, retired: bool) -> ApiResult<InstrumentSummary> {
    let rec = state.store().set_instrument_retired(a, id, retired).await?;
    Ok(summary(&rec, &stored(&rec)?))
}

#[derive(Deserialize, ToSchema)]
pub struct FormatQuery {
    /// `fhir` for the FHIR R4 resource alone.
    pub format: Option<String>,
}

/// An instrument's definition (`{"questionnaire", "scoring"}`), or with `?format=fhir` its FHIR
/// R4 Questionnaire. By id, or by name for the newest version.
#[utoipa::path(get, path = "/api/v1/instruments/{id}", tag = "measures", params(("format" = Option<String>, Query)),
    responses((status = 200, body = Object), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn get_instrument(State(state): State<AppState>, _caller: Caller, Path(key): Path<String>, Query(q): Query<FormatQuery>) -> ApiResult<Json<Value>> {
    let (rec, ins) = instrument_of(&state, &key).await?;
    Ok(Json(if q.format.as_deref() == Some("fhir") { linkwork_fhir::questionnaire(&ins) } else { rec.definition }))
}

/// The problem details of a refused definition: every reason, with its path.
fn refused(errs: Vec<instrument::DefinitionError>) -> ApiError {
    ApiError::invalid(errs.into_iter().map(|e| FieldError::new(e.path, e.message)).collect())
}

/// Loads an instrument: `{"questionnaire": FHIR R4 Questionnaire, "scoring": rules}`. A broken
/// definition is refused with every reason; the same URL and version with another definition is
/// a conflict (give it a new version).
#[utoipa::path(post, path = "/api/v1/instruments", tag = "measures", request_body = Object,
    responses((status = 201, body = InstrumentSummary), (status = 200, body = InstrumentSummary), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn load_instrument(State(state): State<AppState>, caller: Caller, Body(def): Body<Value>) -> ApiResult<Response> {
    let a = caller.may(Action::ManageInstruments)?;
    let ins = Instrument::parse(&def).map_err(refused)?;
    let (rec, new) = state.store().load_instrument(&a, &ins.url, &ins.version, &ins.name, &ins.title, &def, false).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(summary(&rec, &ins))).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseBody {
    /// The instrument's id or name.
    pub instrument: String,
    pub episode_id: Option<Id>,
    /// screening, baseline or follow_up (default screening).
    pub timepoint: Option<String>,
    /// Answers by linkId: a list of codes for choices, a number, a boolean or text.
    #[schema(value_type = Object)]
    pub answers: Answers,
    /// Score it now (true) or keep it as partial answers (false, the default).
    #[serde(default)]
    pub complete: bool,
}

/// A response and what it came to.
#[derive(Serialize, ToSchema)]
pub struct ScoredResponse {
    pub response: ResponseRecord,
    /// Scores, screening domains, unanswered questions (when complete).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<Scored>,
}

/// Checks answers and, for a complete response, scores them.
fn prepare(ins: &Instrument, answers: &Answers, complete: bool) -> ApiResult<Option<(Scored, ScoresToKeep)>> {
    let errs = check_answers(ins, answers);
    if !errs.is_empty() {
        return Err(ApiError::invalid(errs.into_iter().map(|e| FieldError::new(format!("answers.{}", e.link_id), e.message)).collect()));
    }
    if !complete {
        return Ok(None);
    }
    let scored = score(ins, answers);
    if !scored.unanswered.is_empty() {
        return Err(ApiError::invalid(
            scored.unanswered.iter().map(|l| FieldError::keyed(format!("answers.{l}"), "err-required", &[], "is required to complete the questionnaire")).collect(),
        ));
    }
    let keep = scores_to_keep(&scored);
    Ok(Some((scored, keep)))
}

/// What the store keeps of a completed response: its scores now, and the needs its positive
/// domains propose.
pub(crate) fn scores_to_keep(scored: &Scored) -> ScoresToKeep {
    // Dated as the store dates the response (the clock, or a loaded history's date).
    let at = format_time(linkwork_store::pathway::record_time());
    ScoresToKeep {
        scores: scored
            .scores
            .iter()
            .map(|s| StoredScore { score_id: s.id.clone(), raw: s.raw, value: s.value, band: s.band.as_ref().map(|b| b.code.clone()), positive: s.positive, at: at.clone() })
            .collect(),
        proposals: scored.domains.iter().filter(|d| d.positive).filter_map(|d| Some((d.id.clone(), d.need.clone()?, d.sdoh_category.clone()))).collect(),
    }
}

/// Records a person's answers to an instrument. Partial answers are kept (`complete: false`);
/// a complete response is scored, and each positive screening domain proposes a need on the
/// person's record for a link worker to confirm or dismiss.
#[utoipa::path(post, path = "/api/v1/people/{id}/responses", tag = "measures", request_body = ResponseBody,
    responses((status = 201, body = ScoredResponse), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn create_response(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>, Body(b): Body<ResponseBody>) -> ApiResult<Response> {
    let a = caller.may(Action::WritePeople)?;
    let pid = id("id", &pid)?;
    let (rec, ins) = instrument_of(&state, &b.instrument).await.map_err(|e| match e {
        ApiError::NotFound { .. } => ApiError::invalid(vec![FieldError::new("instrument", format!("there is no instrument '{}'", b.instrument))]),
        other => other,
    })?;
    if rec.retired {
        return Err(ApiError::conflict(format!("{} has been retired: it takes no new answers; answers already given keep their scores", rec.title)));
    }
    let prepared = prepare(&ins, &b.answers, b.complete)?;
    let answers = serde_json::to_value(&b.answers).map_err(|e| ApiError::Internal(e.to_string()))?;
    let episode = b.episode_id.map(|e| e.to_string());
    let timepoint = b.timepoint.as_deref().unwrap_or("screening");
    let r = state.store().save_response(&a, &pid, episode.as_deref(), &rec.id, timepoint, &answers, prepared.as_ref().map(|p| &p.1)).await?;
    Ok((StatusCode::CREATED, Json(ScoredResponse { response: r, result: prepared.map(|p| p.0) })).into_response())
}

/// Records a completed response for the command line (the demo's caseload): the same checks and
/// scoring as `POST /api/v1/people/{id}/responses`, as `a`.
pub async fn record_completed(state: &AppState, a: &Actor, person_id: &str, episode_id: Option<&str>, instrument: &str, timepoint: &str, answers: &Value) -> ApiResult<ResponseRecord> {
    let (rec, ins) = instrument_of(state, instrument).await?;
    let parsed: Answers = serde_json::from_value(answers.clone()).map_err(|e| ApiError::invalid(vec![FieldError::new("answers", e.to_string())]))?;
    let prepared = prepare(&ins, &parsed, true)?;
    Ok(state.store().save_response(a, person_id, episode_id, &rec.id, timepoint, answers, prepared.as_ref().map(|p| &p.1)).await?)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateResponseBody {
    #[schema(value_type = Object)]
    pub answers: Answers,
    #[serde(default)]
    pub complete: bool,
}

/// Carries on a partial response: its answers replaced, and scored when `complete`.
#[utoipa::path(put, path = "/api/v1/responses/{id}", tag = "measures", request_body = UpdateResponseBody,
    responses((status = 200, body = ScoredResponse), (status = 409, body = Problem), (status = 412, body = Problem)), security(("bearer" = [])))]
async fn update_response(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(rid): Path<String>, Body(b): Body<UpdateResponseBody>) -> ApiResult<Json<ScoredResponse>> {
    let a = caller.may(Action::WritePeople)?;
    let rid = id("id", &rid)?;
    let version = crate::api_v1::if_match(&headers)?;
    let existing = state.store().get_response(&a, &rid).await?;
    let (_, ins) = instrument_of(&state, &existing.instrument_id).await?;
    let prepared = prepare(&ins, &b.answers, b.complete)?;
    let answers = serde_json::to_value(&b.answers).map_err(|e| ApiError::Internal(e.to_string()))?;
    let r = state.store().update_response(&a, &rid, version, &answers, prepared.as_ref().map(|p| &p.1)).await?;
    Ok(Json(ScoredResponse { response: r, result: prepared.map(|p| p.0) }))
}

fn answers_of(r: &ResponseRecord) -> Answers {
    serde_json::from_value(r.answers.clone()).unwrap_or_default()
}

fn fhir_response<'a>(r: &'a ResponseRecord, answers: &'a Answers) -> linkwork_fhir::Response<'a> {
    linkwork_fhir::Response { id: &r.id, person_id: &r.person_id, status: &r.status, authored: &r.authored_at, author: r.recorded_by.as_deref(), answers }
}

/// A response, or with `?format=fhir` its FHIR R4 QuestionnaireResponse.
#[utoipa::path(get, path = "/api/v1/responses/{id}", tag = "measures", params(("format" = Option<String>, Query)),
    responses((status = 200, body = ResponseRecord), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn get_response(State(state): State<AppState>, caller: Caller, Path(rid): Path<String>, Query(q): Query<FormatQuery>) -> ApiResult<Json<Value>> {
    let a = caller.may(Action::ReadPeople)?;
    let r = state.store().get_response(&a, &id("id", &rid)?).await?;
    if q.format.as_deref() == Some("fhir") {
        let (_, ins) = instrument_of(&state, &r.instrument_id).await?;
        let answers = answers_of(&r);
        return Ok(Json(linkwork_fhir::questionnaire_response(&ins, &fhir_response(&r, &answers))));
    }
    Ok(Json(serde_json::to_value(r).map_err(|e| ApiError::Internal(e.to_string()))?))
}

/// A completed response's scores and screening results as FHIR R4 Observations, in a
/// collection Bundle.
#[utoipa::path(get, path = "/api/v1/responses/{id}/observations", tag = "measures",
    responses((status = 200, body = Object), (status = 404, body = Problem), (status = 409, body = Problem)), security(("bearer" = [])))]
async fn response_observations(State(state): State<AppState>, caller: Caller, Path(rid): Path<String>) -> ApiResult<Json<Value>> {
    let a = caller.may(Action::ReadPeople)?;
    let r = state.store().get_response(&a, &id("id", &rid)?).await?;
    if r.status != "completed" {
        return Err(ApiError::conflict("this response is not complete, so it has no scores yet"));
    }
    let (_, ins) = instrument_of(&state, &r.instrument_id).await?;
    let answers = answers_of(&r);
    let obs = linkwork_fhir::observations(&ins, &fhir_response(&r, &answers), &score(&ins, &answers));
    Ok(Json(json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": obs.into_iter().map(|o| json!({ "resource": o })).collect::<Vec<_>>(),
    })))
}

/// A person's responses, oldest first, with their scores.
#[utoipa::path(get, path = "/api/v1/people/{id}/responses", tag = "measures", responses((status = 200, body = [ResponseRecord])), security(("bearer" = [])))]
async fn person_responses(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>) -> ApiResult<Json<Vec<ResponseRecord>>> {
    let a = caller.may(Action::ReadPeople)?;
    Ok(Json(state.store().person_responses(&a, &id("id", &pid)?).await?))
}

/// Imports a FHIR R4 QuestionnaireResponse for one of the loaded instruments (its
/// `questionnaire` canonical names it). A completed one is scored like any other.
#[utoipa::path(post, path = "/api/v1/people/{id}/responses/fhir", tag = "measures", request_body = Object,
    responses((status = 201, body = ScoredResponse), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn import_response(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>, Body(qr): Body<Value>) -> ApiResult<Response> {
    let a = caller.may(Action::WritePeople)?;
    let pid = id("id", &pid)?;
    let canonical = qr.get("questionnaire").and_then(Value::as_str).unwrap_or_default().to_string();
    let url = canonical.split('|').next().unwrap_or_default();
    let version = canonical.split('|').nth(1);
    let rec = state
        .store()
        .list_instruments()
        .await?
        .into_iter()
        .find(|r| r.url == url && version.is_none_or(|v| v == r.version))
        .ok_or_else(|| ApiError::invalid(vec![FieldError::new("questionnaire", format!("'{canonical}' is not a loaded instrument"))]))?;
    let (_, ins) = instrument_of(&state, &rec.id).await?;
    let read = linkwork_fhir::read_response(&ins, &qr).map_err(|errs| ApiError::invalid(errs.into_iter().map(|m| FieldError::new("questionnaireResponse", m)).collect()))?;
    let complete = read.status != "in-progress";
    let prepared = prepare(&ins, &read.answers, complete)?;
    let answers = serde_json::to_value(&read.answers).map_err(|e| ApiError::Internal(e.to_string()))?;
    let r = state.store().save_response(&a, &pid, None, &rec.id, "screening", &answers, prepared.as_ref().map(|p| &p.1)).await?;
    Ok((StatusCode::CREATED, Json(ScoredResponse { response: r, result: prepared.map(|p| p.0) })).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct Needs {
    /// What screening proposed, newest first, with the decision taken.
    pub proposed: Vec<ProposedNeed>,
    /// The needs on the person's record.
    pub confirmed: Vec<PersonNeed>,
}

/// The needs screening proposed for a person and those on their record.
#[utoipa::path(get, path = "/api/v1/people/{id}/needs", tag = "measures", responses((status = 200, body = Needs)), security(("bearer" = [])))]
async fn person_needs(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>) -> ApiResult<Json<Needs>> {
    let a = caller.may(Action::ReadPeople)?;
    let (proposed, confirmed) = state.store().person_needs(&a, &id("id", &pid)?).await?;
    Ok(Json(Needs { proposed, confirmed }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// confirm or dismiss.
    pub decision: String,
}

/// Confirms a proposed need (it goes on the person's record) or dismisses it.
#[utoipa::path(post, path = "/api/v1/proposed-needs/{id}", tag = "measures", request_body = DecisionBody,
    responses((status = 200, body = ProposedNeed), (status = 409, body = Problem)), security(("bearer" = [])))]
async fn decide_need(State(state): State<AppState>, caller: Caller, Path(nid): Path<String>, Body(b): Body<DecisionBody>) -> ApiResult<Json<ProposedNeed>> {
    let a = caller.may(Action::WritePeople)?;
    let confirm = match b.decision.as_str() {
        "confirm" => true,
        "dismiss" => false,
        other => return Err(ApiError::invalid(vec![FieldError::new("decision", format!("'{other}' is not a decision; use confirm or dismiss"))])),
    };
    Ok(Json(state.store().decide_need(&a, &id("id", &nid)?, confirm).await?))
}

/// One measurement of a score.
#[derive(Serialize, ToSchema)]
pub struct Point {
    pub at: String,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
    pub timepoint: String,
}

/// A score over time: the first measurement (baseline), the latest, and the change between them
/// by the instrument's own direction and threshold (or the one configured for it).
#[derive(Serialize, ToSchema)]
pub struct OutcomeSeries {
    pub instrument: String,
    pub score_id: String,
    pub display: String,
    pub points: Vec<Point>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
    /// improved, no_change or worse (absent with one measurement, or when the score has no
    /// direction).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub verdict: Option<Change>,
}

/// A person's outcome scores over time, per instrument and score.
#[utoipa::path(get, path = "/api/v1/people/{id}/outcomes", tag = "measures", responses((status = 200, body = [OutcomeSeries])), security(("bearer" = [])))]
async fn outcomes(State(state): State<AppState>, caller: Caller, Path(pid): Path<String>) -> ApiResult<Json<Vec<OutcomeSeries>>> {
    let a = caller.may(Action::ReadPeople)?;
    let responses = state.store().person_responses(&a, &id("id", &pid)?).await?;
    Ok(Json(outcome_series(&state, &responses).await?))
}

/// Groups completed responses' scores into series (used by the API and the person's page).
pub async fn outcome_series(state: &AppState, responses: &[ResponseRecord]) -> ApiResult<Vec<OutcomeSeries>> {
    let mut out: Vec<OutcomeSeries> = vec![];
    let mut rules: std::collections::HashMap<String, Instrument> = Default::default();
    for r in responses.iter().filter(|r| r.status == "completed") {
        if !rules.contains_key(&r.instrument_id) {
            let (_, ins) = instrument_of(state, &r.instrument_id).await?;
            rules.insert(r.instrument_id.clone(), ins);
        }
        let ins = &rules[&r.instrument_id];
        for s in &r.scores {
            let display = ins.scoring.scores.iter().find(|x| x.id == s.score_id).map(|x| x.display.clone()).unwrap_or_else(|| s.score_id.clone());
            let point = Point { at: r.authored_at.clone(), value: s.value, band: s.band.clone(), timepoint: r.timepoint.clone() };
            match out.iter_mut().find(|o| o.instrument == ins.name && o.score_id == s.score_id) {
                Some(o) => o.points.push(point),
                None => out.push(OutcomeSeries { instrument: ins.name.clone(), score_id: s.score_id.clone(), display, points: vec![point], change: None, verdict: None }),
            }
        }
    }
    for o in &mut out {
        let ins = rules.values().find(|i| i.name == o.instrument);
        let rule = ins.and_then(|i| i.scoring.scores.iter().find(|s| s.id == o.score_id));
        if let (Some(first), Some(last), Some(rule)) = (o.points.first(), o.points.last(), rule) {
            if o.points.len() > 1 {
                o.change = Some(last.value - first.value);
                o.verdict = change(rule, first.value, last.value, state.config.outcomes.threshold(&o.instrument, &o.score_id));
            }
        }
    }
    Ok(out)
}

#[derive(Deserialize, ToSchema)]
pub struct MatchQuery {
    /// Words to look for instead of the person's interests.
    pub q: Option<String>,
    /// How many (default 10, at most 50).
    pub limit: Option<usize>,
}

/// A service ranked for a person, with why it fits.
#[derive(Serialize, ToSchema)]
pub struct MatchResult {
    pub service_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    pub score: f64,
    /// Each reason it fits, or counts against it (kind: need, interest, near, free, low_cost,
    /// charges, language, not_in_language, accessible, access_not_stated, open_when_free,
    /// places, full, waiting_list).
    #[schema(value_type = Vec<Object>)]
    pub fits: Vec<linkwork_domain::matching::Fit>,
}

/// Services for the person of an episode, ranked by their needs (through the taxonomy),
/// interests, barriers, age, place and the services' capacity, each explained.
#[utoipa::path(get, path = "/api/v1/episodes/{id}/matches", tag = "measures", params(("q" = Option<String>, Query), ("limit" = Option<usize>, Query)),
    responses((status = 200, body = [MatchResult]), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn matches(State(state): State<AppState>, caller: Caller, Path(eid): Path<String>, Query(q): Query<MatchQuery>) -> ApiResult<Json<Vec<MatchResult>>> {
    let a = caller.may(Action::WorkEpisodes)?;
    let limit = q.limit.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::field("limit", "use 1 to 50"));
    }
    let ep = state.store().get_episode(&a, &id("id", &eid)?).await?;
    let person = state.store().get_person(&a, &ep.person_id).await?;
    let (_, confirmed) = state.store().person_needs(&a, &ep.person_id).await?;
    let confirmed: Vec<String> = confirmed.into_iter().map(|n| n.need).collect();
    let profile = crate::matching::profile(&state, &ep, &person, &confirmed, q.q.as_deref()).await;
    let found = crate::matching::find(&state, &profile, limit).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|m| MatchResult { service_id: m.service_id, name: m.name, organization: m.organization, score: m.m.score, fits: m.m.fits })
            .collect(),
    ))
}
