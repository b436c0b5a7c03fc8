//! The research page, `/research`. An administrator approves researchers for studies, revokes
//! approvals and reads the register of extracts; a researcher sees their approvals and takes an
//! extract, giving the reason, as a CSV download. Works without JavaScript, like every page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use linkwork_domain::pathway::access::Action;
use linkwork_domain::research::{ApprovalInput, ExtractInput, NewApproval};

use super::{problems, take};
use crate::ui::{done, field_errors, render, render_status, Choice, Chrome, Errors, Fail, Page, PageResult, Posted};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/research", get(page))
        .route("/research/approvals", post(approve))
        .route("/research/approvals/{id}/revoke", post(revoke))
        .route("/research/extracts", post(extract))
}

pub struct ApprovalRow {
    pub id: String,
    pub researcher: String,
    pub study: String,
    pub purpose: String,
    pub expires_on: String,
    pub approved: String,
    pub status: String,
    pub active: bool,
}

pub struct ExtractRow {
    pub when: String,
    pub study: String,
    pub researcher: String,
    pub reason: String,
    pub period: String,
    pub episodes: i64,
    pub sha: String,
}

/// What was typed into the page's forms, kept when one is refused.
#[derive(Default)]
pub struct Typed {
    pub researcher: String,
    pub study: String,
    pub purpose: String,
    pub expires_on: String,
    pub reason: String,
    pub from: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "research.html")]
struct ResearchPage {
    c: Chrome,
    admin: bool,
    researcher: bool,
    approvals: Vec<ApprovalRow>,
    usable: Vec<Choice>,
    extracts: Vec<ExtractRow>,
    typed: Typed,
    e: Errors,
}

async fn view(state: &AppState, page: Page, typed: Typed, chosen: &str, e: Errors) -> Result<ResearchPage, Fail> {
    let c = page.member()?;
    let who = c.all_or_own(Action::ApproveResearch, Action::TakeExtracts)?;
    let (admin, researcher) = (who.is_none(), c.can(Action::TakeExtracts));
    let t = page.t().clone();
    let records = state.store().list_research_approvals(who.as_deref()).await?;
    let usable = records
        .iter()
        .filter(|a| a.active && a.researcher_id == c.user.id)
        .map(|a| Choice { value: a.id.clone(), label: a.study.clone(), selected: a.id == chosen })
        .collect();
    let approvals = records
        .into_iter()
        .map(|a| ApprovalRow {
            status: if a.revoked_at.is_some() {
                t.t("research-revoked")
            } else if a.active {
                t.t("research-active")
            } else {
                t.t("research-expired")
            },
            researcher: format!("{} ({})", a.researcher_name, a.researcher),
            approved: t.t2("research-approved-by", "name", a.approved_by.as_deref().unwrap_or("—"), "when", t.datetime(&a.approved_at).as_str()),
            expires_on: t.date(&a.expires_on),
            active: a.active,
            id: a.id,
            study: a.study,
            purpose: a.purpose,
        })
        .collect();
    let extracts = state
        .store()
        .list_extracts(who.as_deref())
        .await?
        .into_iter()
        .map(|x| ExtractRow {
            when: t.datetime(&x.created_at),
            period: t.t2("research-period", "from", t.date(&x.period_from).as_str(), "to", t.date(&x.period_to).as_str()),
            sha: x.content_sha256.chars().take(12).collect(),
            study: x.study,
            researcher: x.requested_by,
            reason: x.reason,
            episodes: x.episodes,
        })
        .collect();
    Ok(ResearchPage { c: page.chrome, admin, researcher, approvals, usable, extracts, typed, e })
}

async fn page(State(state): State<AppState>, page: Page) -> PageResult {
    Ok(render(view(&state, page, Typed::default(), "", Errors::default()).await?))
}

async fn approve(State(state): State<AppState>, p: Posted) -> PageResult {
    let (_, a) = p.page.may(Action::ApproveResearch)?;
    let f = &p.form;
    let input = ApprovalInput { researcher: f.get("researcher"), study: f.get("study"), purpose: f.get("purpose"), expires_on: f.get("expires_on") };
    let result = match NewApproval::parse(&input, crate::api_v1::today()) {
        Ok(n) => state.store().approve_research(&a, &n).await.map_err(Into::into),
        Err(problems_) => Err(problems(problems_)),
    };
    match result {
        Ok(_) => Ok(done("/research", "research-approved")),
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            let typed = Typed { researcher: input.researcher, study: input.study, purpose: input.purpose, expires_on: input.expires_on, ..Typed::default() };
            Ok(render_status(view(&state, p.page, typed, "", e).await?, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

async fn revoke(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, a) = p.page.may(Action::ApproveResearch)?;
    state.store().revoke_research(&a, &id).await?;
    Ok(done("/research", "research-revoked"))
}

/// Takes an extract and sends it as a CSV download; a refused request comes back to the page with
/// what was typed and what to fix.
async fn extract(State(state): State<AppState>, p: Posted) -> Result<Response, Fail> {
    let (_, a) = p.page.may(Action::TakeExtracts)?;
    let f = &p.form;
    let input = ExtractInput { approval_id: f.get("approval_id"), reason: f.get("reason"), from: f.opt("from"), to: f.opt("to") };
    match take(&state, &a, &input).await {
        Ok(t) => {
            let name = format!("attachment; filename=\"extract-{}.csv\"", t.record.id);
            Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], t.csv).into_response())
        }
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            let typed = Typed { reason: input.reason, from: input.from.unwrap_or_default(), to: input.to.unwrap_or_default(), ..Typed::default() };
            Ok(render_status(view(&state, p.page, typed, &input.approval_id, e).await?, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}
