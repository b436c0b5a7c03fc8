//! The outbox's pages: `/admin/outbox` (administrators: what is waiting, what failed and why,
//! and a button to send a failed message again) and `/account/notifications` (each user: which
//! emails they get, in which language).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use linkwork_domain::pathway::access::Action;
use linkwork_store::pathway::NotificationPreferences;
use serde::Deserialize;

use crate::ui::{done, render, render_status, Chrome, Choice, Errors, Fail, Page, PageResult, Posted};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/outbox", get(outbox))
        .route("/admin/outbox/{id}/resend", post(resend))
        .route("/account/notifications", get(preferences).post(save_preferences))
}

pub struct OutboxRow {
    pub id: String,
    pub created: String,
    pub channel: String,
    pub purpose: String,
    pub address: String,
    pub status: String,
    pub failed: bool,
    pub attempts: i64,
    pub next: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct OutboxPage {
    c: Chrome,
    counts: Vec<(String, String)>,
    statuses: Vec<Choice>,
    rows: Vec<OutboxRow>,
}

#[derive(Deserialize, Default)]
struct OutboxQuery {
    #[serde(default)]
    status: String,
}

async fn outbox(State(state): State<AppState>, page: Page, Query(q): Query<OutboxQuery>) -> PageResult {
    let (_, a) = page.may(Action::ManageDeliveries)?;
    let status = super::api::parse_status(Some(&q.status))?;
    let t = page.t().clone();
    let messages = state.store().list_outbox(&a, status, 200).await?;
    let counts = state.store().outbox_counts().await?.into_iter().map(|(s, n)| (t.code("delivery-status-", &s), t.num(n))).collect();
    let mut statuses = vec![Choice { value: String::new(), label: t.t("outbox-all"), selected: status.is_none() }];
    statuses.extend(["pending", "sending", "sent", "failed"].into_iter().map(|s| Choice { value: s.into(), label: t.code("delivery-status-", s), selected: status.is_some_and(|x| x.as_str() == s) }));
    let rows = messages
        .into_iter()
        .map(|m| OutboxRow {
            created: t.datetime(&m.created_at),
            channel: t.code("channel-", m.channel.as_str()),
            purpose: t.code("purpose-notify-", m.purpose.as_str()),
            address: m.address,
            status: t.code("delivery-status-", m.status.as_str()),
            failed: m.status == linkwork_domain::notify::DeliveryStatus::Failed,
            attempts: m.attempts,
            next: if m.status == linkwork_domain::notify::DeliveryStatus::Pending { t.datetime(&m.next_attempt_at) } else { String::new() },
            error: m.last_error.unwrap_or_default(),
            id: m.id,
        })
        .collect();
    Ok(render(OutboxPage { c: page.chrome, counts, statuses, rows }))
}

async fn resend(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, a) = p.page.may(Action::ManageDeliveries)?;
    state.store().replay_outbox(&a, &id).await?;
    Ok(done("/admin/outbox", "outbox-resent"))
}

#[derive(Template)]
#[template(path = "account_notifications.html")]
struct PreferencesPage {
    c: Chrome,
    languages: Vec<Choice>,
    p: NotificationPreferences,
    /// Which of the emails this user's roles get.
    back: bool,
    new_referral: bool,
    digest: bool,
    has_email: bool,
    e: Errors,
}

fn preferences_page(state: &AppState, page: Page, p: NotificationPreferences, e: Errors) -> Result<PreferencesPage, Fail> {
    let caller = page.caller.as_ref().ok_or_else(|| Fail::SignIn("/account/notifications".into()))?;
    let languages = crate::i18n::Lang::OFFERED
        .iter()
        .map(|l| Choice { value: l.tag().into(), label: crate::i18n::Tr::new(state.i18n.clone(), *l).t(&format!("language-own-name-{}", l.tag())), selected: l.tag() == p.language })
        .collect();
    Ok(PreferencesPage {
        back: caller.can(Action::ReadOwnReferrals),
        new_referral: caller.can(Action::ReceiveOnwardReferrals),
        digest: caller.can(Action::WorkEpisodes),
        has_email: caller.user.email.as_deref().is_some_and(|e| !e.trim().is_empty()),
        c: page.chrome,
        languages,
        p,
        e,
    })
}

async fn preferences(State(state): State<AppState>, page: Page) -> PageResult {
    let Some(caller) = &page.caller else { return Err(Fail::SignIn("/account/notifications".into())) };
    let p = state.store().get_preferences(&caller.user.id).await?;
    Ok(render(preferences_page(&state, page, p, Errors::default())?))
}

async fn save_preferences(State(state): State<AppState>, posted: Posted) -> PageResult {
    let Some(caller) = &posted.page.caller else { return Err(Fail::SignIn("/account/notifications".into())) };
    let f = &posted.form;
    let p = NotificationPreferences { language: f.get("language"), message_back: f.checked("message_back"), new_referral: f.checked("new_referral"), digest: f.checked("digest") };
    if super::api::check_preferences(&p).is_err() {
        let mut e = Errors::default();
        e.add("language", posted.page.chrome.t.t("err-notify-language"));
        let view = preferences_page(&state, posted.page, p, e)?;
        return Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let a = super::api::own_actor(caller)?;
    state.store().set_preferences(&a, &caller.user.id, &p).await?;
    Ok(done("/account/notifications", "notifications-saved"))
}
