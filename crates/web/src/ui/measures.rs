//! Screening and outcome measures in the link worker's pages: a questionnaire as a form that
//! works on a phone (save part-way and carry on later, or score it), the needs a positive screen
//! proposes with confirm and dismiss, and each outcome score over time as a chart drawn on the
//! server (SVG, no scripts) with its values in a table beside it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use linkwork_domain::instrument::{Answer, Answers, Instrument, ItemKind};
use linkwork_domain::pathway::access::Action;
use linkwork_store::pathway::{ResponseRecord, ScoresToKeep};
use serde::Deserialize;

use super::{done, field_errors, path_id, render, render_status, Chrome, Errors, Fail, FormData, Page, PageResult, Posted};
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/episodes/{id}/measures", get(new_measure).post(save_new))
        .route("/episodes/{id}/measures/{rid}", get(continue_measure).post(save_existing))
        .route("/episodes/{id}/needs/{nid}", post(decide))
}

/// One answer option as a radio button or checkbox.
pub struct OptionView {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

pub struct QuestionView {
    pub link_id: String,
    pub text: String,
    /// radio, checkbox, number, text, yesno or display.
    pub kind: &'static str,
    pub options: Vec<OptionView>,
    pub value: String,
    pub min: String,
    pub max: String,
    pub required: bool,
    pub error: String,
}

#[derive(Template)]
#[template(path = "measure_form.html")]
struct MeasurePage {
    c: Chrome,
    episode_id: String,
    action: String,
    name: String,
    instrument: String,
    instrument_title: String,
    instruments: Vec<(String, String, bool)>,
    timepoints: Vec<(String, String, bool)>,
    questions: Vec<QuestionView>,
    licence: String,
    /// "Measure again in …": the choices, as (weeks, label, selected).
    again: Vec<(String, String, bool)>,
    e: Errors,
}

/// Weeks after which the next measure can be booked.
const AGAIN_WEEKS: [u32; 5] = [4, 6, 8, 12, 26];

fn again_choices(t: &Tr, selected: &str) -> Vec<(String, String, bool)> {
    std::iter::once((String::new(), t.t("measure-again-none"), selected.is_empty()))
        .chain(AGAIN_WEEKS.iter().map(|w| (w.to_string(), t.t1("measure-again-weeks", "weeks", i64::from(*w)), selected == w.to_string())))
        .collect()
}

/// The weeks asked for on a scored form, or the error to show: an empty choice books nothing.
fn again_weeks(t: &Tr, again: &str, e: &mut Errors) -> Option<u32> {
    if again.is_empty() {
        return None;
    }
    let weeks = again.parse::<u32>().ok().filter(|w| AGAIN_WEEKS.contains(w));
    if weeks.is_none() {
        e.add("again", t.t("err-choose-one"));
    }
    weeks
}

/// Books the next measure as a follow-up on the episode ("Repeat UCLA-3"), due in `weeks`.
async fn book_again(state: &AppState, actor: &linkwork_store::pathway::Actor, episode_id: &str, t: &Tr, title: &str, weeks: u32) -> Result<(), Fail> {
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(u64::from(weeks) * 7)).format("%Y-%m-%d").to_string();
    state.store().add_follow_up(actor, episode_id, &due, Some(&t.t1("follow-up-measure-again", "title", title))).await?;
    Ok(())
}

fn questions(ins: &Instrument, answers: &Answers, e: &Errors) -> Vec<QuestionView> {
    ins.items
        .iter()
        .map(|i| {
            let a = answers.get(&i.link_id);
            let codes: Vec<String> = match a {
                Some(Answer::Codes(c)) => c.clone(),
                _ => vec![],
            };
            let (kind, options, min, max) = match &i.kind {
                ItemKind::Choice { options, repeats } => (
                    if *repeats { "checkbox" } else { "radio" },
                    options.iter().map(|o| OptionView { code: o.code.clone(), label: o.display.clone(), checked: codes.contains(&o.code) }).collect(),
                    String::new(),
                    String::new(),
                ),
                ItemKind::Integer { min, max } => ("number", vec![], min.map(|m| m.to_string()).unwrap_or_default(), max.map(|m| m.to_string()).unwrap_or_default()),
                ItemKind::Decimal => ("number", vec![], String::new(), String::new()),
                ItemKind::Boolean => ("yesno", vec![], String::new(), String::new()),
                ItemKind::String => ("text", vec![], String::new(), String::new()),
                ItemKind::Display => ("display", vec![], String::new(), String::new()),
            };
            let value = match a {
                Some(Answer::Number(n)) => format!("{n}"),
                Some(Answer::Text(t)) => t.clone(),
                Some(Answer::Bool(b)) => if *b { "yes".into() } else { "no".into() },
                _ => String::new(),
            };
            QuestionView { link_id: i.link_id.clone(), text: i.text.clone(), kind, options, value, min, max, required: i.required, error: e.of(&format!("answers.{}", i.link_id)) }
        })
        .collect()
}

/// Reads the answers out of the form: `a-<linkId>` fields.
fn answers_from(ins: &Instrument, f: &FormData) -> (Answers, Errors) {
    let mut answers = Answers::new();
    let mut e = Errors::default();
    for i in &ins.items {
        let key = format!("a-{}", i.link_id);
        match &i.kind {
            ItemKind::Choice { .. } => {
                let codes = f.all(&key);
                if !codes.is_empty() {
                    answers.insert(i.link_id.clone(), Answer::Codes(codes));
                }
            }
            ItemKind::Integer { .. } | ItemKind::Decimal => {
                if let Some(v) = f.opt(&key) {
                    match v.replace(',', ".").parse::<f64>() {
                        Ok(n) => {
                            answers.insert(i.link_id.clone(), Answer::Number(n));
                        }
                        Err(_) => e.0.push((format!("answers.{}", i.link_id), String::new())),
                    }
                }
            }
            ItemKind::Boolean => match f.get(&key).as_str() {
                "yes" => {
                    answers.insert(i.link_id.clone(), Answer::Bool(true));
                }
                "no" => {
                    answers.insert(i.link_id.clone(), Answer::Bool(false));
                }
                _ => {}
            },
            ItemKind::String => {
                if let Some(v) = f.opt(&key) {
                    answers.insert(i.link_id.clone(), Answer::Text(v));
                }
            }
            ItemKind::Display => {}
        }
    }
    (answers, e)
}

#[derive(Deserialize, Default)]
struct NewQuery {
    instrument: Option<String>,
    timepoint: Option<String>,
}

async fn instruments_for_picker(state: &AppState, selected: &str) -> Result<Vec<(String, String, bool)>, Fail> {
    let mut out = vec![];
    for r in state.store().list_instruments().await? {
        if !r.retired && !out.iter().any(|(n, _, _): &(String, String, bool)| *n == r.name) {
            out.push((r.name.clone(), r.title.clone(), r.name == selected));
        }
    }
    Ok(out)
}

fn timepoints(t: &Tr, selected: &str) -> Vec<(String, String, bool)> {
    ["screening", "baseline", "follow_up"].iter().map(|p| (p.to_string(), t.code("timepoint-", p), *p == selected)).collect()
}

#[allow(clippy::too_many_arguments)]
async fn form_page(state: &AppState, page: Page, episode_id: &str, action: String, ins: &Instrument, answers: &Answers, (timepoint, again): (&str, &str), e: Errors) -> Result<MeasurePage, Fail> {
    let (_, actor) = page.may(Action::WorkEpisodes)?;
    let ep = state.store().get_episode(&actor, episode_id).await?;
    let t = page.t().clone();
    Ok(MeasurePage {
        episode_id: episode_id.to_string(),
        action,
        name: ep.person_name,
        instrument: ins.name.clone(),
        instrument_title: ins.title.clone(),
        instruments: instruments_for_picker(state, &ins.name).await?,
        timepoints: timepoints(&t, timepoint),
        questions: questions(ins, answers, &e),
        licence: ins.scoring.licence.clone().unwrap_or_default(),
        again: again_choices(&t, again),
        e,
        c: page.chrome,
    })
}

async fn instrument(state: &AppState, key: &str) -> Result<(String, Instrument), Fail> {
    let (rec, ins) = crate::measures_api::instrument_of(state, key).await?;
    Ok((rec.id, ins))
}

async fn new_measure(State(state): State<AppState>, page: Page, Path(id): Path<String>, Query(q): Query<NewQuery>) -> PageResult {
    let id = path_id(&id, "episode")?;
    let (_, ins) = instrument(&state, q.instrument.as_deref().unwrap_or("AHCHRSNCore")).await?;
    let tp = q.timepoint.unwrap_or_else(|| "screening".into());
    let view = form_page(&state, page, &id, format!("/episodes/{id}/measures"), &ins, &Answers::new(), (&tp, ""), Errors::default()).await?;
    Ok(render(view))
}

/// Checks and scores the form's answers: `complete` asks for a score.
fn prepare(t: &Tr, ins: &Instrument, answers: &Answers, complete: bool, mut e: Errors) -> (Option<ScoresToKeep>, Errors) {
    for bad in e.0.iter_mut() {
        bad.1 = t.t("err-not-a-number");
    }
    for err in linkwork_domain::instrument::check_answers(ins, answers) {
        e.add(&format!("answers.{}", err.link_id), t.t("err-answer-not-offered"));
    }
    if !complete || !e.is_empty() {
        return (None, e);
    }
    let scored = linkwork_domain::instrument::score(ins, answers);
    for l in &scored.unanswered {
        e.add(&format!("answers.{l}"), t.t("err-answer-needed"));
    }
    if !e.is_empty() {
        return (None, e);
    }
    let keep = crate::measures_api::scores_to_keep(&scored);
    (Some(keep), e)
}

/// What a measure form sent: the answers and, when it asks for a score, the scores to keep and
/// the weeks to the next measure; with the errors to show (then nothing is saved).
struct Submitted {
    answers: Answers,
    complete: bool,
    keep: Option<ScoresToKeep>,
    again: String,
    weeks: Option<u32>,
    e: Errors,
}

fn submitted(t: &Tr, ins: &Instrument, f: &FormData) -> Submitted {
    let complete = f.get("finish") == "score";
    let again = f.get("again");
    let (answers, e) = answers_from(ins, f);
    let (keep, mut e) = prepare(t, ins, &answers, complete, e);
    let weeks = if complete { again_weeks(t, &again, &mut e) } else { None };
    Submitted { answers, complete, keep, again, weeks, e }
}

/// After a response is saved: books the next measure if asked, and says what was done.
async fn saved(state: &AppState, actor: &linkwork_store::pathway::Actor, episode_id: &str, t: &Tr, ins: &Instrument, sub: &Submitted) -> PageResult {
    if let Some(w) = sub.weeks {
        book_again(state, actor, episode_id, t, &ins.title, w).await?;
    }
    Ok(done(&format!("/episodes/{episode_id}#measures"), if sub.complete { "measure-scored" } else { "measure-saved" }))
}

async fn save_new(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let (ins_id, ins) = instrument(&state, &p.form.get("instrument")).await?;
    let tp = p.form.get("timepoint");
    let t = p.page.t().clone();
    let sub = submitted(&t, &ins, &p.form);
    if !sub.e.is_empty() {
        let view = form_page(&state, p.page, &id, format!("/episodes/{id}/measures"), &ins, &sub.answers, (&tp, &sub.again), sub.e).await?;
        return Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let ep = state.store().get_episode(&actor, &id).await?;
    let json = serde_json::to_value(&sub.answers).map_err(|e| Fail::Api(ApiError::Internal(e.to_string())))?;
    match state.store().save_response(&actor, &ep.person_id, Some(&id), &ins_id, &tp, &json, sub.keep.as_ref()).await {
        Ok(_) => saved(&state, &actor, &id, &t, &ins, &sub).await,
        Err(err) => {
            let e = field_errors(&t, err.into())?;
            let view = form_page(&state, p.page, &id, format!("/episodes/{id}/measures"), &ins, &sub.answers, (&tp, &sub.again), e).await?;
            Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

async fn continue_measure(State(state): State<AppState>, page: Page, Path((id, rid)): Path<(String, String)>) -> PageResult {
    let (_, actor) = page.may(Action::WorkEpisodes)?;
    let (id, rid) = (path_id(&id, "episode")?, path_id(&rid, "response")?);
    let r = state.store().get_response(&actor, &rid).await?;
    let (_, ins) = instrument(&state, &r.instrument_id).await?;
    let answers: Answers = serde_json::from_value(r.answers.clone()).unwrap_or_default();
    let view = form_page(&state, page, &id, format!("/episodes/{id}/measures/{rid}"), &ins, &answers, (&r.timepoint, ""), Errors::default()).await?;
    Ok(render(view))
}

async fn save_existing(State(state): State<AppState>, Path((id, rid)): Path<(String, String)>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let (id, rid) = (path_id(&id, "episode")?, path_id(&rid, "response")?);
    let r = state.store().get_response(&actor, &rid).await?;
    let (_, ins) = instrument(&state, &r.instrument_id).await?;
    let t = p.page.t().clone();
    let sub = submitted(&t, &ins, &p.form);
    if !sub.e.is_empty() {
        let view = form_page(&state, p.page, &id, format!("/episodes/{id}/measures/{rid}"), &ins, &sub.answers, (&r.timepoint, &sub.again), sub.e).await?;
        return Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let json = serde_json::to_value(&sub.answers).map_err(|e| Fail::Api(ApiError::Internal(e.to_string())))?;
    state.store().update_response(&actor, &rid, Some(r.version), &json, sub.keep.as_ref()).await?;
    saved(&state, &actor, &id, &t, &ins, &sub).await
}

async fn decide(State(state): State<AppState>, Path((id, nid)): Path<(String, String)>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let (id, nid) = (path_id(&id, "episode")?, path_id(&nid, "need")?);
    let confirm = p.form.get("decision") == "confirm";
    state.store().decide_need(&actor, &nid, confirm).await?;
    Ok(done(&format!("/episodes/{id}#measures"), if confirm { "need-confirmed" } else { "need-dismissed" }))
}

// ---------------------------------------------------------------------------------------------
// The measures section of the person's page

pub struct ResponseRow {
    pub href: String,
    pub title: String,
    pub when: String,
    pub timepoint: String,
    pub in_progress: bool,
    pub scores: String,
}

pub struct NeedRow {
    pub id: String,
    pub need: String,
    pub source: String,
}

pub struct ChartView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub svg_points: String,
    pub dots: Vec<(f64, f64, String)>,
    pub rows: Vec<(String, String, String)>,
    pub verdict: String,
}

/// What the person's page shows of measures.
#[derive(Default)]
pub struct MeasuresView {
    pub responses: Vec<ResponseRow>,
    pub proposed: Vec<NeedRow>,
    pub confirmed: Vec<String>,
    pub charts: Vec<ChartView>,
}

const W: f64 = 300.0;
const H: f64 = 120.0;

pub async fn measures_view(state: &AppState, t: &Tr, actor: &linkwork_store::pathway::Actor, episode_id: &str, person_id: &str) -> Result<MeasuresView, Fail> {
    let responses: Vec<ResponseRecord> = state.store().person_responses(actor, person_id).await?;
    let (proposed, confirmed) = state.store().person_needs(actor, person_id).await?;
    let mut defs: std::collections::HashMap<String, Instrument> = Default::default();
    for r in state.store().list_instruments().await? {
        if let Ok(ins) = Instrument::parse(&r.definition) {
            defs.insert(r.id, ins);
        }
    }
    let display = |ins: Option<&Instrument>, score: &str| ins.and_then(|i| i.scoring.scores.iter().find(|s| s.id == score)).map(|s| s.display.clone()).unwrap_or_else(|| score.to_string());
    let rows = responses
        .iter()
        .rev()
        .map(|r| ResponseRow {
            href: format!("/episodes/{episode_id}/measures/{}", r.id),
            title: defs.get(&r.instrument_id).map(|i| i.title.clone()).unwrap_or_else(|| r.instrument_name.clone()),
            when: t.date(&r.authored_at),
            timepoint: t.code("timepoint-", &r.timepoint),
            in_progress: r.status == "in-progress",
            scores: r.scores.iter().map(|s| t.t2("score-value", "score", display(defs.get(&r.instrument_id), &s.score_id).as_str(), "value", format_value(t, s.value).as_str())).collect::<Vec<_>>().join(", "),
        })
        .collect();
    let series = crate::measures_api::outcome_series(state, &responses).await.map_err(Fail::Api)?;
    let charts = series
        .iter()
        .filter(|s| !s.points.is_empty())
        .map(|s| {
            let vals: Vec<f64> = s.points.iter().map(|p| p.value).collect();
            let (lo, hi) = (vals.iter().cloned().fold(f64::INFINITY, f64::min), vals.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
            let (lo, hi) = if hi - lo < 1.0 { (lo - 1.0, hi + 1.0) } else { (lo, hi) };
            let n = s.points.len();
            let x = |i: usize| if n == 1 { W / 2.0 } else { 20.0 + (W - 40.0) * i as f64 / (n - 1) as f64 };
            let y = |v: f64| 15.0 + (H - 30.0) * (1.0 - (v - lo) / (hi - lo));
            let dots: Vec<(f64, f64, String)> = s.points.iter().enumerate().map(|(i, p)| ((x(i) * 10.0).round() / 10.0, (y(p.value) * 10.0).round() / 10.0, format_value(t, p.value))).collect();
            let verdict = s.verdict.map(|v| t.code("change-", &serde_json::to_value(v).ok().and_then(|j| j.as_str().map(str::to_string)).unwrap_or_default())).unwrap_or_default();
            ChartView {
                id: format!("{}-{}", s.instrument, s.score_id).to_lowercase().replace('_', "-"),
                title: format!("{} · {}", defs.values().find(|i| i.name == s.instrument).map(|i| i.title.clone()).unwrap_or_else(|| s.instrument.clone()), s.display),
                summary: t.a("chart-summary", &[("count", (n as i64).into()), ("first", format_value(t, vals[0]).as_str().into()), ("last", format_value(t, vals[n - 1]).as_str().into())]),
                svg_points: dots.iter().map(|(x, y, _)| format!("{x},{y}")).collect::<Vec<_>>().join(" "),
                rows: s.points.iter().map(|p| (t.date(&p.at), format_value(t, p.value), t.code("timepoint-", &p.timepoint))).collect(),
                dots,
                verdict,
            }
        })
        .collect();
    Ok(MeasuresView {
        responses: rows,
        proposed: proposed.iter().filter(|p| p.status == "proposed").map(|p| NeedRow { id: p.id.clone(), need: t.code("need-", &p.need), source: p.domain.clone() }).collect(),
        confirmed: confirmed.iter().map(|c| t.code("need-", &c.need)).collect(),
        charts,
    })
}

fn format_value(t: &Tr, v: f64) -> String {
    if v.fract() == 0.0 {
        t.num(v as i64)
    } else {
        // Two decimals, as the metric scores are published.
        t.fixed(v, 2)
    }
}
