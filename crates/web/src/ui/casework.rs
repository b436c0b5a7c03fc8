//! The link worker's pages: the caseload home, the person's page (a timeline of everything that
//! happened, with consent, needs, goals, plan, onward referrals, follow-ups and notes), the
//! "what matters to you" assessment, and the plan builder with the directory search built in,
//! from which a referral goes to a service in a few clicks (consent check and capacity warning
//! included). Every action posts a small form and comes back to the person's page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use chrono::{Duration, Utc};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::assessment::{Assessment, BarrierEntry, Day, DayPart, FreeTime, GoalInput, GoalReviewInput, PrescriptionItemInput};
use linkwork_domain::pathway::consent::{ConsentInput, ConsentPurpose};
use linkwork_domain::pathway::episode::{next_statuses, ClosureReason, EpisodeStatus, TransitionRequest};
use linkwork_domain::pathway::format_time;
use linkwork_domain::Id;
use linkwork_store::pathway::{Consent, Episode, EpisodeFilter, OnwardRequest, Person};
use serde::Deserialize;

use super::{choices, done, field_errors, path_id, reference, render, render_status, Choice, Chrome, Errors, Fail, FormData, Page, PageResult, Posted};
use crate::api_v1::{date, service_doc, today};
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/caseload", get(caseload))
        .route("/episodes/{id}", get(episode_page))
        .route("/episodes/{id}/take", post(take))
        .route("/episodes/{id}/status", post(change_status))
        .route("/episodes/{id}/assessment", get(assessment_page).post(save_assessment))
        .route("/episodes/{id}/goals", post(add_goal))
        .route("/episodes/{id}/goals/{gid}/review", post(review_goal))
        .route("/episodes/{id}/plan", get(plan_page))
        .route("/episodes/{id}/plan/items", post(add_plan_item))
        .route("/episodes/{id}/refer", post(refer))
        .route("/episodes/{id}/notes", post(add_note))
        .route("/episodes/{id}/follow-ups", post(add_follow_up))
        .route("/episodes/{id}/follow-ups/{fid}/done", post(follow_up_done))
}

fn here(id: &str) -> String {
    format!("/episodes/{id}")
}

// ---------------------------------------------------------------------------------------------
// Caseload

pub struct Row {
    pub href: String,
    pub name: String,
    pub status: String,
    pub urgent: bool,
    pub urgency: String,
    pub safeguarding: bool,
    pub received: String,
    pub id: String,
}

pub struct DueRow {
    pub href: String,
    pub name: String,
    pub due: String,
    pub overdue: bool,
    pub purpose: String,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    c: Chrome,
    open: String,
    unassigned: String,
    due_today: String,
    overdue: String,
    size_line: String,
    over_safe: bool,
    by_status: Vec<(String, String, String, bool)>,
    new_referrals: Vec<Row>,
    due: Vec<DueRow>,
    mine: Vec<Row>,
    filter_label: String,
}

#[derive(Deserialize)]
struct CaseloadQuery {
    status: Option<String>,
}

fn row(t: &Tr, e: linkwork_store::pathway::EpisodeSummary) -> Row {
    Row {
        href: here(&e.id),
        name: e.person_name,
        status: t.code("status-", &e.status),
        urgent: e.urgency == "urgent",
        urgency: t.code("urgency-", &e.urgency),
        safeguarding: e.safeguarding,
        received: t.date(&e.received_at),
        id: e.id,
    }
}

async fn caseload(State(state): State<AppState>, page: Page, Query(q): Query<CaseloadQuery>) -> PageResult {
    let (caller, actor) = page.may(Action::WorkEpisodes)?;
    let t = page.t();
    let uid = caller.user.id.clone();
    let day = today().format("%Y-%m-%d").to_string();
    let year_ago = format_time(Utc::now() - Duration::days(365));
    let cl = state.store().caseload(&uid, &day, &year_ago, state.config.safe_caseload).await?;
    let status = q.status.as_deref().and_then(|s| s.parse::<EpisodeStatus>().ok()).map(|s| s.as_str().to_string());
    let (unassigned, _) = state
        .store()
        .list_episodes(&actor, &EpisodeFilter { link_worker_id: None, referred_by: None, status: None, open_only: true, unassigned: true, limit: 50, offset: 0 })
        .await?;
    let (mine, _) = state
        .store()
        .list_episodes(&actor, &EpisodeFilter { link_worker_id: Some(uid.clone()), referred_by: None, status: status.clone(), open_only: true, unassigned: false, limit: 200, offset: 0 })
        .await?;
    let due = state.store().due_follow_ups(&actor, &uid, &day).await?;
    let page_data = CaseloadPage {
        open: t.num(cl.open),
        unassigned: t.num(cl.unassigned),
        due_today: t.num(cl.follow_ups_due_today),
        overdue: t.num(cl.follow_ups_overdue),
        size_line: t.t2("caseload-size", "people", t.num(cl.people_last_12_months).as_str(), "safe", t.num(cl.safe_caseload).as_str()),
        over_safe: cl.people_last_12_months > cl.safe_caseload,
        by_status: cl
            .by_status
            .iter()
            .map(|(s, n)| (format!("/caseload?status={s}"), t.code("status-", s), t.num(*n), status.as_deref() == Some(s.as_str())))
            .collect(),
        new_referrals: unassigned.into_iter().map(|e| row(t, e)).collect(),
        due: due
            .into_iter()
            .map(|f| DueRow {
                href: here(&f.episode_id),
                name: f.person_name.unwrap_or_default(),
                overdue: f.due_on < day,
                due: t.date(&f.due_on),
                purpose: f.purpose.unwrap_or_default(),
            })
            .collect(),
        mine: mine.into_iter().map(|e| row(t, e)).collect(),
        filter_label: status.as_deref().map(|s| t.code("status-", s)).unwrap_or_default(),
        c: page.chrome,
    };
    Ok(render(page_data))
}

async fn take(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (caller, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    state.store().assign_episode(&actor, &id, version(&p.form), &caller.user.id).await?;
    Ok(done(&here(&id), "taken-on"))
}

fn version(f: &FormData) -> Option<i64> {
    f.get("version").parse().ok()
}

// ---------------------------------------------------------------------------------------------
// The person's page

pub struct Event {
    pub at: String,
    pub text: String,
}

pub struct ConsentView {
    pub text: String,
    pub active: bool,
}

pub struct GoalView {
    pub id: String,
    pub description: String,
    pub target: String,
    pub progress: String,
    pub reviews: Vec<String>,
    pub version: i64,
}

pub struct OnwardView {
    pub service: String,
    pub status: String,
    pub reason: String,
    pub attended: String,
    pub warning: String,
}

pub struct FollowView {
    pub id: String,
    pub due: String,
    pub purpose: String,
    pub done: String,
    pub overdue: bool,
}

pub struct NoteView {
    pub at: String,
    pub body: String,
}

pub struct NextStep {
    pub to: &'static str,
    pub accepted: &'static str,
    pub label: String,
    pub secondary: bool,
}

#[derive(Template)]
#[template(path = "episode.html")]
struct EpisodePage {
    c: Chrome,
    id: String,
    version: i64,
    name: String,
    reference: String,
    status: String,
    is_open: bool,
    unassigned: bool,
    urgent: bool,
    urgency: String,
    safeguarding: bool,
    person: Vec<(String, String)>,
    referral: Vec<(String, String)>,
    reasons: Vec<String>,
    consents: Vec<ConsentView>,
    what_matters: String,
    strengths: String,
    interests: String,
    barriers: Vec<String>,
    free_times: String,
    has_assessment: bool,
    goals: Vec<GoalView>,
    progress: Vec<Choice>,
    plan: Vec<String>,
    onward: Vec<OnwardView>,
    follow_ups: Vec<FollowView>,
    notes: Vec<NoteView>,
    events: Vec<Event>,
    steps: Vec<NextStep>,
    closures: Vec<Choice>,
    measures: super::measures::MeasuresView,
    e: Errors,
}

fn event_text(t: &Tr, e: &linkwork_store::pathway::EpisodeEvent) -> String {
    let mut s = t.code("event-", &e.to);
    if let Some(r) = &e.reason {
        if e.to == "closed" {
            s = t.t1("event-closed-because", "reason", t.code("closure-", r).as_str());
        }
    }
    if let Some(code) = &e.code {
        s = format!("{s} {}", t.t1("event-coded", "code", code.as_str()));
    }
    s
}

fn consent_text(t: &Tr, c: &Consent, org_names: &std::collections::HashMap<String, String>) -> String {
    let base = match c.organization_id.as_deref() {
        Some(o) => t.t1("consent-sharing-with", "organisation", org_names.get(o).map(String::as_str).unwrap_or(o)),
        None => t.code("consent-purpose-", &c.purpose),
    };
    let how = t.t2("consent-given", "method", t.code("consent-method-", &c.method).as_str(), "date", t.date(&c.recorded_at).as_str());
    let state = if c.active { String::new() } else { format!(" {}", t.t1("consent-withdrawn-on", "date", t.date(c.withdrawn_at.as_deref().unwrap_or_default()).as_str())) };
    format!("{base}: {how}.{state}")
}

pub async fn org_names(state: &AppState, ids: Vec<String>) -> Result<std::collections::HashMap<String, String>, Fail> {
    let rows = state.store().select_in("organization", "id", &ids).await?;
    Ok(rows.iter().map(|r| (r.id().unwrap_or_default().to_string(), r.get_str("name").unwrap_or_default().to_string())).collect())
}

async fn load(state: &AppState, page: &Page, id: &str) -> Result<(Episode, Person, Vec<Consent>), Fail> {
    let (_, actor) = page.may(Action::WorkEpisodes)?;
    let ep = state.store().get_episode(&actor, id).await?;
    let person = state.store().get_person(&actor, &ep.person_id).await?;
    let consents = state.store().list_consents(&actor, &ep.person_id).await?;
    Ok((ep, person, consents))
}

async fn episode_page(State(state): State<AppState>, page: Page, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id, "episode")?;
    let (ep, person, consents) = load(&state, &page, &id).await?;
    let (_, actor) = page.may(Action::WorkEpisodes)?;
    let notes = state.store().list_notes(&actor, &id).await?;
    Ok(render(episode_view(&state, page, ep, person, consents, notes, Errors::default()).await?))
}

async fn episode_view(
    state: &AppState,
    page: Page,
    ep: Episode,
    person: Person,
    consents: Vec<Consent>,
    notes: Vec<linkwork_store::pathway::CaseNote>,
    e: Errors,
) -> Result<EpisodePage, Fail> {
    let t = page.t().clone();
    let d = &person.details;
    let orgs = org_names(state, consents.iter().filter_map(|c| c.organization_id.clone()).collect()).await?;
    let status: EpisodeStatus = ep.status.parse().unwrap_or(EpisodeStatus::Received);
    let mut person_rows = vec![];
    let push = |rows: &mut Vec<(String, String)>, key: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            rows.push((t.t(key), v));
        }
    };
    push(&mut person_rows, "field-birth-date", d.birth_date.as_deref().map(|b| t.date(b)));
    push(&mut person_rows, "field-phone", d.phone.clone());
    push(&mut person_rows, "field-email", d.email.clone());
    push(&mut person_rows, "field-postcode", d.postcode.clone());
    push(&mut person_rows, "field-language", d.language.clone());
    push(&mut person_rows, "field-preferred-contact", d.preferred_contact.map(|c| t.code("contact-", serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default().as_str())));
    if d.interpreter_needed {
        person_rows.push((t.t("field-interpreter"), t.t("yes")));
    }
    let r = &ep.referral;
    let mut referral_rows = vec![];
    push(&mut referral_rows, "field-sent", Some(t.date(&ep.received_at)));
    push(&mut referral_rows, "field-referrer-role", Some(t.code("source-", r.source.as_str())));
    push(&mut referral_rows, "field-referrer", [r.referrer_name.clone(), r.referrer_organisation.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ").into());
    push(&mut referral_rows, "field-referrer-contact", r.referrer_contact.clone());
    push(&mut referral_rows, "field-details", r.details.clone());
    push(&mut referral_rows, "field-risks", r.risks.clone());
    let a = ep.assessment.clone().unwrap_or_default();
    let mut steps = vec![];
    let mut step = |to: &'static str, accepted: &'static str, key: &str, secondary: bool| steps.push(NextStep { to, accepted, label: t.t(key), secondary });
    for next in next_statuses(status) {
        match (next, ep.accepted) {
            (EpisodeStatus::ContactAttempted, _) => step("contact_attempted", "", "step-contact-attempted", true),
            (EpisodeStatus::Contacted, false) => {
                step("contacted", "yes", "step-contacted-accepts", false);
                if status != EpisodeStatus::Contacted {
                    step("contacted", "", "step-contacted-undecided", true);
                }
            }
            (EpisodeStatus::Assessed, true) => step("assessed", "", "step-assessed", false),
            (EpisodeStatus::PlanAgreed, _) => step("plan_agreed", "", "step-plan-agreed", false),
            (EpisodeStatus::Active, _) => step("active", "", "step-active", false),
            _ => {}
        }
    }
    let closures = if status.is_open() { choices(&t, "closure-", ClosureReason::ALL.iter().map(|c| c.as_str()), "") } else { vec![] };
    let (_, actor) = page.may(Action::WorkEpisodes)?;
    let measures = super::measures::measures_view(state, &t, &actor, &ep.id, &ep.person_id).await?;
    let day = today().format("%Y-%m-%d").to_string();
    let view = EpisodePage {
        id: ep.id.clone(),
        version: ep.version,
        name: ep.person_name.clone(),
        reference: reference(&ep.id),
        status: t.code("status-", &ep.status),
        is_open: status.is_open(),
        unassigned: ep.link_worker_id.is_none(),
        urgent: r.urgency.as_str() == "urgent",
        urgency: t.code("urgency-", r.urgency.as_str()),
        safeguarding: r.safeguarding,
        person: person_rows,
        referral: referral_rows,
        reasons: r.reasons.iter().map(|c| t.code("need-", c)).collect(),
        consents: consents.iter().map(|c| ConsentView { text: consent_text(&t, c, &orgs), active: c.active }).collect(),
        has_assessment: ep.assessment.is_some(),
        what_matters: a.what_matters.clone().unwrap_or_default(),
        strengths: a.strengths.join(", "),
        interests: a.interests.join(", "),
        free_times: a.free_times.iter().map(|f| free_time_words(&t, f)).collect::<Vec<_>>().join(", "),
        barriers: a
            .barriers
            .iter()
            .map(|b| {
                let support: Vec<String> = b.support.iter().map(|s| t.code("support-", &code_of(s))).collect();
                let mut line = t.code("barrier-", &code_of(&b.barrier));
                if !support.is_empty() {
                    line = t.t2("barrier-with-support", "barrier", line.as_str(), "support", support.join(", ").as_str());
                }
                match &b.note {
                    Some(n) => format!("{line} ({n})"),
                    None => line,
                }
            })
            .collect(),
        goals: ep
            .goals
            .iter()
            .map(|g| GoalView {
                id: g.id.clone(),
                description: g.description.clone(),
                target: g.target_date.as_deref().map(|d| t.date(d)).unwrap_or_default(),
                progress: t.code("progress-", &g.progress),
                reviews: g.reviews.iter().map(|r| format!("{}: {}{}", t.date(&r.at), t.code("progress-", &r.progress), r.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default())).collect(),
                version: g.version,
            })
            .collect(),
        progress: choices(&t, "progress-", ["not_started", "some_progress", "good_progress", "achieved", "no_longer_relevant"], ""),
        plan: ep.prescription.iter().map(|p| [p.service_name.clone(), p.activity.clone(), p.note.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")).collect(),
        onward: ep
            .onward_referrals
            .iter()
            .map(|o| OnwardView {
                service: o.service_name.clone(),
                status: t.code("task-", &o.status),
                reason: o.status_reason.clone().unwrap_or_default(),
                attended: if o.sessions_recorded > 0 { t.t2("sessions-attended", "attended", o.sessions_attended, "recorded", o.sessions_recorded) } else { String::new() },
                warning: o.capacity_warning.as_ref().map(|_| t.t("capacity-warning-kept")).unwrap_or_default(),
            })
            .collect(),
        follow_ups: ep
            .follow_ups
            .iter()
            .map(|f| FollowView {
                id: f.id.clone(),
                overdue: f.done_at.is_none() && f.due_on < day,
                due: t.date(&f.due_on),
                purpose: f.purpose.clone().unwrap_or_default(),
                done: f.done_at.as_deref().map(|d| t.t1("follow-up-done-on", "date", t.date(d).as_str())).unwrap_or_default(),
            })
            .collect(),
        notes: notes.iter().rev().map(|n| NoteView { at: t.datetime(&n.at), body: n.body.clone() }).collect(),
        events: timeline(&t, &ep, &consents, &orgs, &notes),
        steps,
        closures,
        measures,
        e,
        c: page.chrome,
    };
    Ok(view)
}

/// Everything that happened in the episode, newest first: its status changes, consents, goals
/// and their reviews, the plan, referrals to organisations and what they reported, attendance,
/// follow-ups done, and case notes.
fn timeline(t: &Tr, ep: &Episode, consents: &[Consent], orgs: &std::collections::HashMap<String, String>, notes: &[linkwork_store::pathway::CaseNote]) -> Vec<Event> {
    let mut items: Vec<(String, String)> = ep.events.iter().map(|e| (e.at.clone(), event_text(t, e))).collect();
    for c in consents {
        let what = consent_text(t, c, orgs);
        let what = what.split(':').next().unwrap_or_default().to_string();
        items.push((c.recorded_at.clone(), t.t1("timeline-consent", "consent", what.as_str())));
        if let Some(w) = &c.withdrawn_at {
            items.push((w.clone(), t.t1("timeline-consent-withdrawn", "consent", what.as_str())));
        }
    }
    for g in &ep.goals {
        items.push((g.created_at.clone(), t.t1("timeline-goal-added", "goal", g.description.as_str())));
        for r in &g.reviews {
            items.push((r.at.clone(), t.t2("timeline-goal-reviewed", "goal", g.description.as_str(), "progress", t.code("progress-", &r.progress).as_str())));
        }
    }
    for p in &ep.prescription {
        let item = [p.service_name.clone(), p.activity.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        items.push((p.created_at.clone(), t.t1("timeline-plan-item", "item", item.as_str())));
    }
    for o in &ep.onward_referrals {
        for e in &o.events {
            let key = if e.side == "performer" { "timeline-onward-by-organisation" } else { "timeline-onward" };
            items.push((e.at.clone(), t.t2(key, "service", o.service_name.as_str(), "status", t.code("task-", &e.to).as_str())));
        }
        for a in &o.attendance {
            let key = if a.attended { "timeline-attended" } else { "timeline-missed" };
            items.push((a.recorded_at.clone(), t.t2(key, "service", o.service_name.as_str(), "date", t.date(&a.session_on).as_str())));
        }
    }
    for f in &ep.follow_ups {
        if let Some(d) = &f.done_at {
            items.push((d.clone(), t.t1("timeline-follow-up-done", "purpose", f.purpose.as_deref().unwrap_or_default())));
        }
    }
    for n in notes {
        items.push((n.at.clone(), t.t("timeline-note")));
    }
    // Pathway times are written in one fixed form (UTC, microseconds), so text order is time order.
    items.sort_by(|a, b| b.0.cmp(&a.0));
    items.into_iter().map(|(at, text)| Event { at: t.datetime(&at), text }).collect()
}

/// A serde enum's wire name ("distance_transport").
pub fn code_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

async fn change_status(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let to: EpisodeStatus = p.form.get("to").parse().map_err(|_| Fail::Api(ApiError::field("to", "unknown status")))?;
    let reason = match p.form.opt("reason") {
        Some(r) => Some(r.parse::<ClosureReason>().map_err(|_| Fail::Api(ApiError::field("reason", "unknown reason")))?),
        None if to == EpisodeStatus::Closed => {
            let (ep, person, consents) = load(&state, &p.page, &id).await?;
            let notes = state.store().list_notes(&actor, &id).await?;
            let mut e = Errors::default();
            e.add("reason", p.page.t().t("err-choose-closure-reason"));
            let view = episode_view(&state, p.page, ep, person, consents, notes, e).await?;
            return Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY));
        }
        None => None,
    };
    let accepted = (p.form.get("accepted") == "yes").then_some(true);
    let req = TransitionRequest { to, accepted, reason };
    state.store().transition_episode(&actor, &id, version(&p.form), &req).await?;
    Ok(done(&here(&id), &format!("status-{}", to.as_str().replace('_', "-"))))
}

// ---------------------------------------------------------------------------------------------
// Assessment

pub struct Tick {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

pub struct BarrierRow {
    pub code: String,
    pub label: String,
    pub checked: bool,
    pub note: String,
    pub support: Vec<Tick>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    c: Chrome,
    id: String,
    name: String,
    version: i64,
    what_matters: String,
    strengths: String,
    interests: String,
    barriers: Vec<BarrierRow>,
    /// Column headings: the parts of the day.
    parts: Vec<String>,
    /// A row per day, a box per part.
    free_rows: Vec<(String, Vec<Tick>)>,
    e: Errors,
}

/// "Monday morning", in the reader's language.
fn free_time_words(t: &Tr, f: &FreeTime) -> String {
    t.t1(&format!("free-time-{}", f.part.as_str()), "day", t.weekday(f.day.weekday()).as_str())
}

/// The form's value for a free time: `monday-morning`.
fn free_time_code(f: &FreeTime) -> String {
    format!("{}-{}", f.day.as_str(), f.part.as_str())
}

const BARRIERS: [&str; 7] = ["cost", "distance_transport", "confidence_company", "mental_state", "language", "digital", "physical_access"];
const SUPPORTS: [&str; 7] = ["transport", "cost_support", "co_attend_first_session", "interpreter", "digital_help", "accessible_venue", "other"];

fn assessment_form(c: Chrome, ep: &Episode, a: &Assessment, e: Errors) -> AssessmentPage {
    let t = &c.t;
    let barriers = BARRIERS
        .iter()
        .map(|b| {
            let entry = a.barriers.iter().find(|x| code_of(&x.barrier) == *b);
            BarrierRow {
                code: b.to_string(),
                label: t.code("barrier-", b),
                checked: entry.is_some(),
                note: entry.and_then(|x| x.note.clone()).unwrap_or_default(),
                support: SUPPORTS
                    .iter()
                    .map(|s| Tick { code: s.to_string(), label: t.code("support-", s), checked: entry.is_some_and(|x| x.support.iter().any(|y| code_of(y) == *s)) })
                    .collect(),
            }
        })
        .collect();
    let free_rows = Day::ALL
        .iter()
        .map(|day| {
            let ticks = DayPart::ALL
                .iter()
                .map(|part| {
                    let f = FreeTime { day: *day, part: *part };
                    Tick { code: free_time_code(&f), label: free_time_words(t, &f), checked: a.free_times.contains(&f) }
                })
                .collect();
            (t.weekday(day.weekday()), ticks)
        })
        .collect();
    AssessmentPage {
        id: ep.id.clone(),
        name: ep.person_name.clone(),
        version: ep.version,
        what_matters: a.what_matters.clone().unwrap_or_default(),
        strengths: a.strengths.join("\n"),
        interests: a.interests.join("\n"),
        barriers,
        parts: DayPart::ALL.iter().map(|p| t.t(&format!("day-part-{}", p.as_str()))).collect(),
        free_rows,
        e,
        c,
    }
}

async fn assessment_page(State(state): State<AppState>, page: Page, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id, "episode")?;
    let (ep, _, _) = load(&state, &page, &id).await?;
    let a = ep.assessment.clone().unwrap_or_default();
    Ok(render(assessment_form(page.chrome, &ep, &a, Errors::default())))
}

fn lines(s: &str) -> Vec<String> {
    s.split(['\n', ',']).map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn enum_of<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
}

async fn save_assessment(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let f = &p.form;
    let barriers = BARRIERS
        .iter()
        .filter(|b| f.all("barrier").iter().any(|x| x == *b))
        .filter_map(|b| {
            Some(BarrierEntry {
                barrier: enum_of(b)?,
                note: f.opt(&format!("note-{b}")),
                support: f.all(&format!("support-{b}")).iter().filter_map(|s| enum_of(s)).collect(),
            })
        })
        .collect();
    let free_times = Day::ALL
        .iter()
        .flat_map(|day| DayPart::ALL.iter().map(move |part| FreeTime { day: *day, part: *part }))
        .filter(|ft| f.all("free").iter().any(|x| *x == free_time_code(ft)))
        .collect();
    let raw = Assessment { what_matters: f.opt("what_matters"), strengths: lines(&f.get("strengths")), interests: lines(&f.get("interests")), barriers, free_times };
    let result = match raw.clone().parse() {
        Ok(a) => state.store().set_assessment(&actor, &id, version(f), &a).await.map_err(ApiError::from),
        Err(errs) => Err(ApiError::invalid(errs)),
    };
    match result {
        Ok(_) => Ok(done(&here(&id), "assessment-saved")),
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            let (ep, _, _) = load(&state, &p.page, &id).await?;
            Ok(render_status(assessment_form(p.page.chrome, &ep, &raw, e), StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Goals, notes, follow-ups: small forms on the person's page

async fn redisplay(state: &AppState, p: Posted, id: &str, e: Errors) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let (ep, person, consents) = load(state, &p.page, id).await?;
    let notes = state.store().list_notes(&actor, id).await?;
    let view = episode_view(state, p.page, ep, person, consents, notes, e).await?;
    Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn add_goal(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let input = GoalInput { description: p.form.get("description"), target_date: p.form.opt("target_date") };
    let result = match input.parse() {
        Ok(g) => state.store().add_goal(&actor, &id, &g).await.map_err(ApiError::from),
        Err(errs) => Err(ApiError::invalid(errs)),
    };
    match result {
        Ok(_) => Ok(done(&format!("{}#goals", here(&id)), "goal-added")),
        Err(err) => {
            let e = prefixed(field_errors(p.page.t(), err)?, "goal");
            redisplay(&state, p, &id, e).await
        }
    }
}

fn prefixed(e: Errors, prefix: &str) -> Errors {
    Errors(e.0.into_iter().map(|(f, m)| (format!("{prefix}.{f}"), m)).collect())
}

async fn review_goal(State(state): State<AppState>, Path((id, gid)): Path<(String, String)>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let gid = path_id(&gid, "goal")?;
    let progress = enum_of(&p.form.get("progress")).ok_or_else(|| Fail::Api(ApiError::field("progress", "unknown progress")))?;
    let r = GoalReviewInput { progress, note: p.form.opt("note") }.parse().map_err(|e| Fail::Api(ApiError::invalid(e)))?;
    state.store().review_goal(&actor, &gid, version(&p.form), &r).await?;
    Ok(done(&format!("{}#goals", here(&id)), "goal-reviewed"))
}

async fn add_note(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let mut probs = linkwork_domain::pathway::Problems::default();
    let body = probs.text("note.body", p.form.opt("body").as_deref(), 20_000, true);
    if !probs.0.is_empty() {
        let e = Errors::from_fields(p.page.t(), &probs.0);
        return redisplay(&state, p, &id, e).await;
    }
    state.store().add_note(&actor, &id, &body.unwrap_or_default()).await?;
    Ok(done(&format!("{}#notes", here(&id)), "note-added"))
}

async fn add_follow_up(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let due = match date("follow_up.due_on", &p.form.get("due_on")) {
        Ok(d) => d,
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            return redisplay(&state, p, &id, e).await;
        }
    };
    let purpose = p.form.opt("purpose");
    state.store().add_follow_up(&actor, &id, &due, purpose.as_deref()).await?;
    Ok(done(&format!("{}#follow-ups", here(&id)), "follow-up-added"))
}

async fn follow_up_done(State(state): State<AppState>, Path((id, fid)): Path<(String, String)>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let fid = path_id(&fid, "follow-up")?;
    state.store().complete_follow_up(&actor, &fid, p.form.opt("outcome").as_deref()).await?;
    Ok(done(&format!("{}#follow-ups", here(&id)), "follow-up-done"))
}

// ---------------------------------------------------------------------------------------------
// The plan builder: the directory, searched for this person

pub struct Candidate {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub place: String,
    pub snippet: String,
    pub reasons: Vec<String>,
    pub href: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    id: String,
    name: String,
    q: String,
    near: String,
    free: bool,
    wheelchair: bool,
    language: String,
    total: String,
    results: Vec<Candidate>,
    plan: Vec<String>,
    e: Errors,
    /// A referral waiting on the person's consent or a capacity warning.
    confirm: Option<Confirm>,
}

/// What the link worker must confirm before a referral goes: the person's consent to share with
/// the organisation, and that the service may not have room.
pub struct Confirm {
    pub service_id: String,
    pub service: String,
    pub organisation: String,
    pub message: String,
    pub needs_consent: bool,
    pub warning: String,
    pub methods: Vec<Choice>,
}

#[derive(Deserialize, Default)]
struct PlanQuery {
    #[serde(default)]
    q: String,
    near: Option<String>,
    #[serde(default)]
    free: String,
    #[serde(default)]
    wheelchair: String,
    language: Option<String>,
}

async fn plan_page(State(state): State<AppState>, page: Page, Path(id): Path<String>, Query(q): Query<PlanQuery>) -> PageResult {
    let id = path_id(&id, "episode")?;
    let (ep, person, _) = load(&state, &page, &id).await?;
    let view = plan_view(&state, page, &ep, &person, q, Errors::default(), None).await?;
    Ok(render(view))
}

async fn plan_view(state: &AppState, page: Page, ep: &Episode, person: &Person, q: PlanQuery, e: Errors, confirm: Option<Confirm>) -> Result<PlanPage, Fail> {
    let t = page.t().clone();
    let a = ep.assessment.clone().unwrap_or_default();
    let barrier = |b: &str| a.barriers.iter().any(|x| code_of(&x.barrier) == b);
    // The first visit starts from what is known: the person's postcode, their barriers and
    // language, and what they are interested in.
    let first = q.near.is_none();
    let near = q.near.clone().unwrap_or_else(|| person.details.postcode.clone().unwrap_or_default());
    let free = if first { barrier("cost") } else { !q.free.is_empty() };
    let wheelchair = if first { barrier("physical_access") } else { !q.wheelchair.is_empty() };
    let language = q.language.clone().unwrap_or_else(|| if barrier("language") { person.details.language.clone().unwrap_or_default() } else { String::new() });
    let text = if first && q.q.is_empty() { a.interests.join(" ") } else { q.q.clone() };
    let point = if near.is_empty() { None } else { crate::hsds_api::postcode_centroid(state, &near).await.ok().flatten() };
    // The person's profile, with what the link worker changed on the form.
    let (_, actor) = page.may(Action::WorkEpisodes)?;
    let (_, confirmed) = state.store().person_needs(&actor, &ep.person_id).await?;
    let confirmed: Vec<String> = confirmed.into_iter().map(|n| n.need).collect();
    let mut profile = crate::matching::profile(state, ep, person, &confirmed, Some(&text)).await;
    profile.location = point;
    profile.barriers.retain(|b| !["cost", "physical_access", "language"].contains(&b.as_str()));
    if free {
        profile.barriers.push("cost".into());
    }
    if wheelchair {
        profile.barriers.push("physical_access".into());
    }
    if !language.is_empty() {
        profile.barriers.push("language".into());
        profile.language = Some(language.clone());
    }
    let matched = crate::matching::find(state, &profile, 10).await.map_err(Fail::Api)?;
    let total = matched.len();
    let candidates = matched
        .into_iter()
        .map(|m| Candidate {
            href: format!("/directory/services/{}", m.service_id),
            id: m.service_id.clone(),
            name: m.name.clone(),
            organisation: m.organization.clone().unwrap_or_default(),
            place: m.place.clone(),
            snippet: m.snippet.clone().unwrap_or_default(),
            reasons: m.m.fits.iter().map(|f| crate::matching::fit_words(&t, f)).collect(),
        })
        .collect();
    Ok(PlanPage {
        id: ep.id.clone(),
        name: ep.person_name.clone(),
        q: text,
        near,
        free,
        wheelchair,
        language,
        total: t.t1("services-found", "count", total as i64),
        results: candidates,
        plan: ep.prescription.iter().map(|p| [p.service_name.clone(), p.activity.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")).collect(),
        e,
        confirm,
        c: page.chrome,
    })
}

async fn add_plan_item(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::WorkEpisodes)?;
    let id = path_id(&id, "episode")?;
    let service_id = p.form.opt("service_id").and_then(|s| Id::parse(&s).ok());
    let input = PrescriptionItemInput { service_id, activity: p.form.opt("activity"), note: p.form.opt("note"), goal_ids: vec![] };
    let item = match input.parse() {
        Ok(i) => i,
        Err(errs) => {
            let (ep, person, _) = load(&state, &p.page, &id).await?;
            let e = prefixed(Errors::from_fields(p.page.t(), &errs), "plan");
            let view = plan_view(&state, p.page, &ep, &person, PlanQuery::default(), e, None).await?;
            return Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let name = match item.service_id {
        Some(sid) => service_doc(&state, &sid.to_string()).await?.map(|s| s.name),
        None => None,
    };
    state.store().add_prescription_item(&actor, &id, &item, name.as_deref()).await?;
    Ok(done(&format!("/episodes/{id}/plan"), "plan-item-added"))
}

/// Refers the person to a service. The consent to share with the service's organisation is
/// checked first (and recorded here when the person gives it), then the capacity warning.
async fn refer(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::SendOnwardReferrals)?;
    let id = path_id(&id, "episode")?;
    let f = &p.form;
    let sid = Id::parse(&f.get("service_id")).map(|i| i.to_string()).map_err(|_| Fail::Api(ApiError::field("service_id", "unknown service")))?;
    let Some(service) = service_doc(&state, &sid).await? else { return Err(Fail::Api(ApiError::not_found("service"))) };
    let Some(org) = service.organization.clone().filter(|o| !o.id.is_empty()) else { return Err(Fail::Api(ApiError::conflict("service without organisation"))) };
    let (ep, person, consents) = load(&state, &p.page, &id).await?;
    let t = p.page.t().clone();
    let has_consent = consents.iter().any(|c| c.active && c.purpose == "sharing" && c.organization_id.as_deref() == Some(org.id.as_str()));
    let mut warnings = vec![];
    if service.has_capacity() == Some(false) {
        warnings.push(t.t("capacity-full"));
    }
    if let Some(w) = service.waiting_list() {
        warnings.push(t.t1("capacity-waiting-list", "wait", w));
    }
    if !service.is_active() {
        warnings.push(t.t("capacity-not-active"));
    }
    let consent_given = f.checked("consent");
    let acknowledged = f.checked("acknowledge_capacity");
    let message = f.get("message");
    if message.chars().count() > 2000 {
        let mut e = Errors::default();
        e.add("refer.message", t.a("err-too-long", &[("length", message.chars().count().into()), ("max", 2000i64.into())]));
        let view = plan_view(&state, p.page, &ep, &person, PlanQuery::default(), e, None).await?;
        return Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let need_consent = !has_consent && !consent_given;
    let need_ack = !warnings.is_empty() && !acknowledged;
    if need_consent || need_ack {
        let mut e = Errors::default();
        if !has_consent && f.get("step") == "confirm" && !consent_given {
            e.add("refer.consent", t.t1("err-consent-to-share", "organisation", org.name.as_str()));
        }
        let confirm = Confirm {
            service_id: sid.clone(),
            service: service.name.clone(),
            organisation: org.name.clone(),
            message: message.clone(),
            needs_consent: !has_consent,
            warning: warnings.join(" "),
            methods: choices(&t, "consent-method-", ["verbal", "written", "electronic"], "verbal"),
        };
        let status = if e.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        let view = plan_view(&state, p.page, &ep, &person, PlanQuery::default(), e, Some(confirm)).await?;
        return Ok(render_status(view, status));
    }
    if !has_consent {
        let input = ConsentInput {
            purpose: ConsentPurpose::Sharing,
            organization_id: Id::parse(&org.id).ok(),
            method: super::referrer::consent_method(&f.get("consent_method")),
            given_by: None,
            note: None,
        };
        let input = input.parse("consent.").map_err(|e| Fail::Api(ApiError::invalid(e)))?;
        let (_, consent_actor) = p.page.may(Action::ManageConsent)?;
        state.store().add_consent(&consent_actor, &ep.person_id, &input).await?;
    }
    let warning = (!warnings.is_empty()).then(|| warnings.join(" "));
    let r = OnwardRequest {
        episode_id: &id,
        service_id: &sid,
        service_name: &service.name,
        organization_id: &org.id,
        message: Some(message.as_str()).filter(|m| !m.is_empty()),
        send: true,
        capacity_warning: warning.as_deref(),
    };
    state.store().create_onward_referral(&actor, r).await?;
    Ok(done(&format!("{}#onward", here(&id)), "referred-onward"))
}
