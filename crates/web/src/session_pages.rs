//! Signing in and out in a browser: a session in a Secure (when served over HTTPS), HttpOnly,
//! SameSite=Lax cookie, and a CSRF token in every form. The sign-in form itself is protected by a
//! double-submit token (a cookie and a hidden field that must match), as there is no session yet.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::auth::{self, SESSION_COOKIE};
use crate::error::ApiError;
use crate::ui::{Chrome, Page};
use crate::AppState;
use linkwork_domain::pathway::Role;

const LOGIN_CSRF_COOKIE: &str = "linkwork_login_csrf";

pub fn routes() -> Router<AppState> {
    Router::new().route("/login", get(login_page).post(login)).route("/home", get(home)).route("/logout", axum::routing::post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    login_csrf: String,
    username: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    name: String,
    username: String,
    roles: String,
}

pub(crate) fn secure(state: &AppState) -> bool {
    state.config.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
}

fn set_cookie(resp: &mut Response, c: Cookie<'static>) {
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn cookie(name: &'static str, value: String, state: &AppState, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(state))
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
}

fn render(t: impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => ApiError::Internal(format!("template: {e}")).into_response(),
    }
}

fn login_form(state: &AppState, page: Page, next: String, username: String, error: Option<String>, status: StatusCode) -> Response {
    let csrf = auth::new_secret("csrf");
    let mut resp = render(LoginPage { c: page.chrome, next, login_csrf: csrf.clone(), username, error }, status);
    set_cookie(&mut resp, cookie(LOGIN_CSRF_COOKIE, csrf, state, 3600));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: String,
}

/// Only addresses on this site: a sign-in link must not send people elsewhere.
fn local(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") { next.to_string() } else { String::new() }
}

async fn login_page(State(state): State<AppState>, page: Page, axum::extract::Query(q): axum::extract::Query<LoginQuery>) -> Response {
    login_form(&state, page, local(&q.next), String::new(), None, StatusCode::OK)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

async fn login(State(state): State<AppState>, page: Page, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let t = page.chrome.t.clone();
    let next = local(&f.next);
    let expected = auth::cookie_value(&headers, LOGIN_CSRF_COOKIE);
    if f.csrf.is_empty() || expected.as_deref() != Some(f.csrf.as_str()) {
        return login_form(&state, page, next, f.username, Some(t.t("sign-in-expired")), StatusCode::FORBIDDEN);
    }
    if f.username.trim().is_empty() || f.password.is_empty() {
        return login_form(&state, page, next, f.username, Some(t.t("sign-in-missing")), StatusCode::UNPROCESSABLE_ENTITY);
    }
    match auth::sign_in(&state, &f.username, &f.password, "session", "web browser").await {
        Ok(s) => {
            // Redirect::to answers 303 See Other: the browser follows with a GET.
            let mut resp = Redirect::to(if next.is_empty() { "/home" } else { &next }).into_response();
            set_cookie(&mut resp, cookie(SESSION_COOKIE, s.secret, &state, auth::SESSION_HOURS * 3600));
            set_cookie(&mut resp, cookie(LOGIN_CSRF_COOKIE, String::new(), &state, 0));
            resp
        }
        Err(ApiError::TooManyRequests { retry_after_secs, .. }) => {
            let minutes = retry_after_secs.div_ceil(60) as i64;
            login_form(&state, page, next, f.username, Some(t.t1("sign-in-locked", "minutes", minutes)), StatusCode::TOO_MANY_REQUESTS)
        }
        Err(ApiError::Unauthorized(_)) => login_form(&state, page, next, f.username, Some(t.t("sign-in-wrong")), StatusCode::UNAUTHORIZED),
        Err(e) => e.into_response(),
    }
}

/// Each role's own home: the link worker's caseload, the referrer's referrals, the provider's
/// inbox, the administrator's users; others get a page of what they can reach.
async fn home(page: Page) -> Response {
    let Some(c) = page.caller.as_ref() else { return Redirect::to("/login").into_response() };
    for (role, to) in [(Role::LinkWorker, "/caseload"), (Role::Referrer, "/referrals"), (Role::Provider, "/inbox"), (Role::Admin, "/admin/users"), (Role::Analyst, "/observatory"), (Role::Researcher, "/research"), (Role::Facilitator, "/places"), (Role::Coordinator, "/places")] {
        if c.has(role) {
            return Redirect::to(to).into_response();
        }
    }
    let t = page.chrome.t.clone();
    let (name, username) = (c.user.display_name.clone(), c.user.username.clone());
    let roles = c.user.roles.iter().map(|r| t.code("role-", r.as_str())).collect::<Vec<_>>().join(", ");
    render(HomePage { c: page.chrome, name, username, roles }, StatusCode::OK)
}

#[derive(Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// The CSRF check is made here against the form field (the extractor only checks the header).
async fn logout(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<LogoutForm>) -> Response {
    let Some(secret) = auth::cookie_value(&headers, SESSION_COOKIE) else { return Redirect::to("/login").into_response() };
    let found = match state.store().credential_by_hash(&auth::secret_hash(&secret)).await {
        Ok(f) => f,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some((cred, user)) = found else { return Redirect::to("/login").into_response() };
    if cred.csrf.as_deref() != Some(f.csrf.as_str()) {
        return crate::ui::Fail::Api(ApiError::Forbidden("this form had expired; reload the page and try again".into())).into_response();
    }
    let actor = linkwork_store::pathway::Actor { user_id: Some(user.id.clone()), name: user.username.clone(), role: "user".into(), reason: "POST /logout".into() };
    if let Err(e) = state.store().revoke_credential(&actor, &cred.id, Some(&user.id)).await {
        return ApiError::from(e).into_response();
    }
    let mut resp = Redirect::to("/login").into_response();
    set_cookie(&mut resp, cookie(SESSION_COOKIE, String::new(), &state, 0));
    resp
}
