//! The first session a community organisation books for someone it has accepted: on the API
//! (`PUT /api/v1/onward-referrals/{id}/first-session`) and on the referral's page in the
//! organisation's inbox. The person is reminded of it `reminder_days_before` ahead by the contact
//! method they chose (the outbox, `notify`); the organisation sees it on the referral.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{post, put};
use axum::Router;
use chrono::NaiveTime;
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::task::Side;
use linkwork_domain::pathway::FieldError;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api_v1::{date, id, if_match, today, with_etag};
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::ui::provider::view;
use crate::ui::{done, field_errors, path_id, render_status, Errors, PageResult, Posted};
use crate::AppState;

pub fn api_routes() -> Router<AppState> {
    Router::new().route("/api/v1/onward-referrals/{id}/first-session", put(book))
}

pub fn page_routes() -> Router<AppState> {
    Router::new().route("/inbox/{id}/first-session", post(book_page))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstSessionBody {
    /// YYYY-MM-DD, today or later; null withdraws the booking.
    pub on: Option<String>,
    /// HH:MM (24-hour, the organisation's local time), if known.
    pub time: Option<String>,
}

/// What a booking asks for, checked: the day (not in the past) and the time, each error at its field.
fn parse(on: Option<&str>, time: Option<&str>, prefix: &str) -> ApiResult<(Option<String>, Option<String>)> {
    let on = on.map(str::trim).filter(|s| !s.is_empty());
    let time = time.map(str::trim).filter(|s| !s.is_empty());
    let Some(on) = on else {
        return Ok((None, None));
    };
    let day = date(&format!("{prefix}on"), on)?;
    let mut errors = vec![];
    if day < today().format("%Y-%m-%d").to_string() {
        errors.push(FieldError::keyed(&format!("{prefix}on"), "err-first-session-past", &[], "is in the past; book a session today or later"));
    }
    let time = match time.map(|t| NaiveTime::parse_from_str(t, "%H:%M")) {
        None => None,
        Some(Ok(t)) => Some(t.format("%H:%M").to_string()),
        Some(Err(_)) => {
            errors.push(FieldError::keyed(&format!("{prefix}time"), "err-not-a-time", &[("value", time.unwrap_or(""))], format!("'{}' is not a time; write it as HH:MM, e.g. 14:30", time.unwrap_or(""))));
            None
        }
    };
    if errors.is_empty() {
        Ok((Some(day), time))
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// Books the first session of an onward referral (the receiving organisation, or the link worker
/// for it), or withdraws it with `on` null. The person is reminded of it by email or text when
/// they chose that contact method. `If-Match` with the referral's ETag keeps two bookings from
/// crossing.
#[utoipa::path(put, path = "/api/v1/onward-referrals/{id}/first-session", tag = "onward referrals", request_body = FirstSessionBody,
    responses((status = 200, body = linkwork_store::pathway::SharedReferral, description = "for the organisation; a link worker gets the OnwardReferral"),
        (status = 404, body = crate::api_v1::Problem), (status = 409, body = crate::api_v1::Problem), (status = 412, body = crate::api_v1::Problem), (status = 422, body = crate::api_v1::Problem)),
    security(("bearer" = [])))]
pub async fn book(State(state): State<AppState>, caller: Caller, headers: HeaderMap, Path(oid): Path<String>, Body(b): Body<FirstSessionBody>) -> ApiResult<Response> {
    let oid = id("id", &oid)?;
    let version = if_match(&headers)?;
    let (on, time) = parse(b.on.as_deref(), b.time.as_deref(), "")?;
    if caller.can(Action::ReceiveOnwardReferrals) && !caller.can(Action::SendOnwardReferrals) {
        let a = caller.may(Action::ReceiveOnwardReferrals)?;
        let orgs = caller.user.organizations.clone();
        state.store().book_first_session(&a, &oid, Side::Performer, &orgs, on.as_deref(), time.as_deref(), version).await?;
        let s = state.store().get_shared_referral(&a, &oid, &orgs).await?;
        return Ok(with_etag(s.version, s));
    }
    let a = caller.may(Action::SendOnwardReferrals)?;
    let o = state.store().book_first_session(&a, &oid, Side::Requester, &[], on.as_deref(), time.as_deref(), version).await?;
    Ok(with_etag(o.version, o))
}

async fn book_page(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (caller, actor) = p.page.may(Action::ReceiveOnwardReferrals)?;
    let id = path_id(&id, "referral")?;
    let orgs = caller.user.organizations.clone();
    let t = p.page.t().clone();
    let withdraw = p.form.get("withdraw") == "yes";
    let asked = if withdraw { Ok((None, None)) } else { parse(Some(&p.form.get("on")), p.form.opt("time").as_deref(), "first_session.") };
    let (on, time) = match asked {
        Ok(x) if x.0.is_none() && !withdraw => {
            let mut e = Errors::default();
            e.add("first_session.on", t.t("err-first-session-day"));
            let r = state.store().get_shared_referral(&actor, &id, &orgs).await?;
            return Ok(render_status(view(&t, p.page.chrome, r, e), StatusCode::UNPROCESSABLE_ENTITY));
        }
        Ok(x) => x,
        Err(err) => {
            let e = field_errors(&t, err)?;
            let r = state.store().get_shared_referral(&actor, &id, &orgs).await?;
            return Ok(render_status(view(&t, p.page.chrome, r, e), StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let version = p.form.get("version").parse().ok();
    state.store().book_first_session(&actor, &id, Side::Performer, &orgs, on.as_deref(), time.as_deref(), version).await?;
    Ok(done(&format!("/inbox/{id}"), if withdraw { "first-session-withdrawn" } else { "first-session-booked" }))
}
