//! The community organisation's pages: the inbox of referrals shared with it, each referral to
//! accept or decline, the people enrolled, and their attendance. A provider sees only what the
//! person agreed to share with their organisation: the store answers "not found" for anything
//! else, so typing another organisation's address shows the same page as a wrong address.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::task::{next_for, Side, TaskStatus};
use linkwork_store::pathway::SharedReferral;

use super::{done, field_errors, path_id, reference, render, render_status, Chrome, Errors, Fail, Page, PageResult, Posted};
use crate::api_v1::{date, today};
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/{id}", get(referral_page))
        .route("/inbox/{id}/status", post(change_status))
        .route("/inbox/{id}/attendance", post(record_attendance))
}

pub struct InboxRow {
    pub href: String,
    pub name: String,
    pub service: String,
    pub status: String,
    pub sent: String,
}

pub struct InboxGroup {
    pub id: &'static str,
    pub heading: String,
    pub empty: String,
    pub rows: Vec<InboxRow>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    c: Chrome,
    groups: Vec<InboxGroup>,
    /// The reminder to confirm listings not confirmed for three months ("" when none).
    reminder: String,
}

async fn inbox(State(state): State<AppState>, page: Page) -> PageResult {
    let (caller, actor) = page.may(Action::ReceiveOnwardReferrals)?;
    let items = state.store().inbox(&actor, &caller.user.organizations, None, 200).await?;
    let t = page.t();
    let group = |id: &'static str, statuses: &[&str]| InboxGroup {
        id,
        heading: t.t(&format!("inbox-{id}")),
        empty: t.t(&format!("inbox-{id}-none")),
        rows: items
            .iter()
            .filter(|r| statuses.contains(&r.status.as_str()))
            .map(|r| InboxRow { href: format!("/inbox/{}", r.id), name: r.person_name.clone(), service: r.service_name.clone(), status: t.code("task-", &r.status), sent: t.date(&r.created_at) })
            .collect(),
    };
    let groups = vec![
        group("new", &["requested", "received"]),
        group("accepted", &["accepted", "on-hold"]),
        group("enrolled", &["in-progress"]),
        group("finished", &["completed", "rejected", "cancelled", "failed"]),
    ];
    let stale = super::listings::needs_confirming(&state, &caller.user.organizations).await?;
    let reminder = if stale > 0 { t.t1("inbox-listings-reminder", "count", stale) } else { String::new() };
    Ok(render(InboxPage { c: page.chrome, groups, reminder }))
}

pub struct Action2 {
    pub status: &'static str,
    pub label: String,
    pub needs_reason: bool,
    pub danger: bool,
}

#[derive(Template)]
#[template(path = "shared_referral.html")]
pub(crate) struct SharedPage {
    c: Chrome,
    id: String,
    version: i64,
    name: String,
    reference: String,
    service: String,
    status: String,
    status_reason: String,
    facts: Vec<(String, String)>,
    reasons: Vec<String>,
    message: String,
    actions: Vec<Action2>,
    enrolled: bool,
    /// Whether a first session can be booked (accepted or under way).
    bookable: bool,
    /// The first session booked, written for the reader ("" when none), and its day and time as
    /// the form takes them.
    first_session: String,
    first_session_on: String,
    first_session_time: String,
    attendance: Vec<(String, String, String)>,
    today: String,
    e: Errors,
}

pub(crate) fn view(t: &Tr, c: Chrome, r: SharedReferral, e: Errors) -> SharedPage {
    let status: TaskStatus = r.status.parse().unwrap_or(TaskStatus::Requested);
    let mut facts = vec![];
    let mut push = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            facts.push((t.t(k), v));
        }
    };
    push("field-phone", r.phone.clone());
    push("field-email", r.email.clone());
    push("field-preferred-contact", r.preferred_contact.as_deref().map(|c| t.code("contact-", c)));
    push("field-language", r.language.clone());
    if r.interpreter_needed {
        push("field-interpreter", Some(t.t("yes")));
    }
    push("field-sent", Some(t.date(&r.created_at)));
    let actions = next_for(Side::Performer, status)
        .into_iter()
        .filter(|s| *s != status)
        .map(|s| Action2 {
            status: s.as_str(),
            label: t.code("provider-action-", s.as_str()),
            needs_reason: matches!(s, TaskStatus::Rejected | TaskStatus::Failed | TaskStatus::Cancelled),
            danger: matches!(s, TaskStatus::Rejected | TaskStatus::Failed | TaskStatus::Cancelled),
        })
        .collect();
    SharedPage {
        id: r.id.clone(),
        version: r.version,
        name: r.person_name.clone(),
        reference: reference(&r.id),
        service: r.service_name.clone(),
        status: t.code("task-", &r.status),
        status_reason: r.status_reason.clone().unwrap_or_default(),
        facts,
        reasons: r.reasons.iter().map(|c| t.code("need-", c)).collect(),
        message: r.message.clone().unwrap_or_default(),
        actions,
        enrolled: status.is_enrolled() && !status.is_terminal(),
        bookable: matches!(status, TaskStatus::Accepted | TaskStatus::InProgress | TaskStatus::OnHold),
        first_session: match (&r.first_session_on, &r.first_session_time) {
            (Some(d), Some(time)) => t.a("first-session-at", &[("date", t.date(d).as_str().into()), ("time", time.as_str().into())]),
            (Some(d), None) => t.t1("first-session-on", "date", t.date(d).as_str()),
            _ => String::new(),
        },
        first_session_on: r.first_session_on.clone().unwrap_or_default(),
        first_session_time: r.first_session_time.clone().unwrap_or_default(),
        attendance: r
            .attendance
            .iter()
            .rev()
            .map(|a| (t.date(&a.session_on), t.t(if a.attended { "attendance-attended" } else { "attendance-missed" }), a.note.clone().unwrap_or_default()))
            .collect(),
        today: today().format("%Y-%m-%d").to_string(),
        e,
        c,
    }
}

async fn referral_page(State(state): State<AppState>, page: Page, Path(id): Path<String>) -> PageResult {
    let (caller, actor) = page.may(Action::ReceiveOnwardReferrals)?;
    let id = path_id(&id, "referral")?;
    let r = state.store().get_shared_referral(&actor, &id, &caller.user.organizations).await?;
    let t = page.t().clone();
    Ok(render(view(&t, page.chrome, r, Errors::default())))
}

async fn change_status(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (caller, actor) = p.page.may(Action::ReceiveOnwardReferrals)?;
    let id = path_id(&id, "referral")?;
    let orgs = caller.user.organizations.clone();
    let to: TaskStatus = p.form.get("status").parse().map_err(|_| Fail::Api(ApiError::field("status", "unknown status")))?;
    let reason = p.form.opt("reason");
    if matches!(to, TaskStatus::Rejected | TaskStatus::Failed | TaskStatus::Cancelled) && reason.is_none() {
        let r = state.store().get_shared_referral(&actor, &id, &orgs).await?;
        let t = p.page.t().clone();
        let mut e = Errors::default();
        e.add(&format!("reason-{}", to.as_str()), t.t("err-give-reason"));
        return Ok(render_status(view(&t, p.page.chrome, r, e), StatusCode::UNPROCESSABLE_ENTITY));
    }
    let version = p.form.get("version").parse().ok();
    state.store().change_onward_referral(&actor, &id, Side::Performer, &orgs, to, reason.as_deref(), version).await?;
    Ok(done(&format!("/inbox/{id}"), &format!("task-{}", to.as_str())))
}

async fn record_attendance(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (caller, actor) = p.page.may(Action::ReceiveOnwardReferrals)?;
    let id = path_id(&id, "referral")?;
    let orgs = caller.user.organizations.clone();
    let t = p.page.t().clone();
    let day = match date("attendance.session_on", &p.form.get("session_on")) {
        Ok(d) if d > (today() + chrono::Duration::days(1)).format("%Y-%m-%d").to_string() => {
            Err(ApiError::invalid(vec![linkwork_domain::pathway::FieldError::keyed("attendance.session_on", "err-session-in-future", &[], "is in the future")]))
        }
        other => other,
    };
    let day = match day {
        Ok(d) => d,
        Err(err) => {
            let e = field_errors(&t, err)?;
            let r = state.store().get_shared_referral(&actor, &id, &orgs).await?;
            return Ok(render_status(view(&t, p.page.chrome, r, e), StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let attended = p.form.get("attended") == "yes";
    state.store().record_attendance(&actor, &id, &orgs, &day, attended, p.form.opt("note").as_deref()).await?;
    Ok(done(&format!("/inbox/{id}"), "attendance-recorded"))
}
