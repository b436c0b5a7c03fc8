//! The web application's pages: what every page shares (the header with the reader's own
//! navigation, the language switcher and sign-out, the flash after a form was sent), the signed-in
//! page extractor, forms with their CSRF check, and errors shown as pages in the reader's language.
//!
//! Pages are server-rendered HTML that works without JavaScript. They call the same store
//! operations as the API, authorised by the same [`Caller`] and action table, so a page can do
//! nothing the API would refuse.

pub mod admin;
pub mod casework;
pub mod listings;
pub mod measures;
pub mod provider;
pub mod referrer;

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::{FieldError, Role};

use crate::auth::{self, Caller, SESSION_COOKIE};
use crate::error::ApiError;
use crate::i18n::{self, Lang, Tr, LANG_COOKIE};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(stylesheet))
        .route("/language", post(choose_language))
        .merge(referrer::routes())
        .merge(casework::routes())
        .merge(provider::routes())
        .merge(listings::routes())
        .merge(measures::routes())
        .merge(admin::routes())
}

/// The stylesheet, one small file the browser caches (pages stay small on a phone's data plan).
const CSS: &str = include_str!("../../static/app.css");

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], CSS).into_response()
}

/// One link in the header's navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// A language in the switcher, named in itself.
pub struct LangOption {
    pub tag: &'static str,
    pub name: String,
    pub selected: bool,
}

/// What every page shows around its content.
pub struct Chrome {
    pub t: Tr,
    pub signed_in_as: String,
    pub csrf: String,
    pub path: String,
    pub nav: Vec<NavItem>,
    pub langs: Vec<LangOption>,
    pub flash: String,
}

/// The request as a page sees it: the reader's language, and who is signed in, if anyone.
pub struct Page {
    pub chrome: Chrome,
    pub caller: Option<Caller>,
}

fn nav_for(t: &Tr, caller: Option<&Caller>, path: &str) -> Vec<NavItem> {
    let mut items: Vec<(&'static str, &'static str)> = vec![];
    match caller {
        None => items.extend([("/directory", "nav-directory"), ("/self-referral", "nav-self-referral")]),
        Some(c) => {
            if c.has(Role::LinkWorker) {
                items.extend([("/caseload", "nav-caseload")]);
            }
            if c.has(Role::Referrer) {
                items.extend([("/referrals", "nav-my-referrals"), ("/referrals/new", "nav-refer")]);
            }
            if c.can(Action::IdentifyPatients) {
                items.push(("/worklist", "nav-worklist"));
            }
            if c.has(Role::Provider) {
                items.extend([("/inbox", "nav-inbox"), ("/listings", "nav-listings")]);
            }
            if c.has(Role::Admin) {
                items.extend([("/admin/users", "nav-users"), ("/admin/organisations", "nav-organisations"), ("/admin/imports", "nav-imports"), ("/admin/instruments", "nav-instruments"), ("/admin/outbox", "nav-outbox"), ("/admin/audit", "nav-audit")]);
            }
            if c.may(Action::ReadAggregates).is_ok() {
                items.push(("/observatory", "nav-observatory"));
            }
            if c.can(Action::ReadPlaces) {
                items.push(("/places", "nav-places"));
            }
            if c.can(Action::ApproveResearch) || c.can(Action::TakeExtracts) {
                items.push(("/research", "nav-research"));
            }
            items.push(("/directory", "nav-directory"));
        }
    }
    let current = items.iter().filter(|(h, _)| path == *h || path.starts_with(&format!("{h}/"))).map(|(h, _)| h.len()).max();
    items.into_iter().map(|(href, key)| NavItem { href, label: t.t(key), current: Some(href.len()) == current && (path == href || path.starts_with(&format!("{href}/"))) }).collect()
}

fn langs_for(state: &AppState, t: &Tr) -> Vec<LangOption> {
    let mut out: Vec<LangOption> = Lang::OFFERED
        .iter()
        .map(|l| {
            // Each language is named in itself, as readers look for their own.
            let name = Tr::new(state.i18n.clone(), if t.lang == Lang::Pseudo { Lang::Pseudo } else { *l }).t(&format!("language-own-name-{}", l.tag()));
            LangOption { tag: l.tag(), name, selected: t.lang == *l }
        })
        .collect();
    if t.lang == Lang::Pseudo {
        out.push(LangOption { tag: Lang::Pseudo.tag(), name: t.t("language-pseudo"), selected: true });
    }
    out
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let t = Tr::from_request_parts(parts, state).await.unwrap_or_else(|e| match e {});
        // A page reads the session from the cookie only; API tokens are not for pages.
        let caller = if auth::cookie_value(&parts.headers, SESSION_COOKIE).is_some() && parts.headers.get(header::AUTHORIZATION).is_none() {
            // Forms carry their CSRF token in the body, checked by `Posted`; so authenticate as
            // a GET would, without the header check.
            let method = std::mem::replace(&mut parts.method, axum::http::Method::GET);
            let c = Caller::from_request_parts(parts, state).await.ok();
            parts.method = method;
            c.map(|mut c| {
                c.reason = format!("{} {}", parts.method, c.reason.split_once(' ').map(|x| x.1).unwrap_or_default());
                c
            })
        } else {
            None
        };
        let path = parts.uri.path().to_string();
        let flash = parts
            .uri
            .query()
            .and_then(|q| q.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == "done").map(|(_, v)| v.to_string()))
            .filter(|v| v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .map(|v| t.t(&format!("done-{v}")))
            .unwrap_or_default();
        let chrome = Chrome {
            nav: nav_for(&t, caller.as_ref(), &path),
            langs: langs_for(state, &t),
            signed_in_as: caller.as_ref().map(|c| c.user.display_name.clone()).unwrap_or_default(),
            csrf: caller.as_ref().and_then(|c| c.credential.csrf.clone()).unwrap_or_default(),
            t,
            path,
            flash,
        };
        Ok(Page { chrome, caller })
    }
}

impl Page {
    /// The signed-in caller, or a redirect to the sign-in page that comes back here.
    pub fn member(&self) -> Result<&Caller, Fail> {
        self.caller.as_ref().ok_or_else(|| Fail::SignIn(self.chrome.path.clone()))
    }

    /// The caller, allowed `action` (its actor for the audit trail), or a "not allowed" page.
    pub fn may(&self, action: Action) -> Result<(&Caller, linkwork_store::pathway::Actor), Fail> {
        let c = self.member()?;
        let a = c.may(action).map_err(Fail::Api)?;
        Ok((c, a))
    }

    pub fn t(&self) -> &Tr {
        &self.chrome.t
    }
}

/// A submitted form: fields in order, repeated names kept (checkbox lists).
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    }
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|s| !s.is_empty())
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
    }
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }
}

/// A form sent by a signed-in user whose CSRF token matched their session's.
pub struct Posted {
    pub page: Page,
    pub form: FormData,
}

impl axum::extract::FromRequest<AppState> for Posted {
    type Rejection = Response;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let page = Page::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let Form(fields): Form<Vec<(String, String)>> = Form::from_request(req, state).await.map_err(IntoResponse::into_response)?;
        let form = FormData(fields);
        if let Some(c) = &page.caller {
            if c.credential.csrf.as_deref() != Some(form.get("csrf").as_str()) || form.get("csrf").is_empty() {
                return Err(Fail::Api(ApiError::Forbidden("csrf".into())).into_response());
            }
        }
        Ok(Posted { page, form })
    }
}

/// Why a page could not be shown. Rendered as a page in the reader's language by [`error_pages`].
pub enum Fail {
    /// Not signed in: to the sign-in page, and back to this address afterwards.
    SignIn(String),
    Api(ApiError),
}

impl From<ApiError> for Fail {
    fn from(e: ApiError) -> Self {
        Fail::Api(e)
    }
}

impl From<linkwork_store::pathway::PathwayError> for Fail {
    fn from(e: linkwork_store::pathway::PathwayError) -> Self {
        Fail::Api(e.into())
    }
}

impl From<linkwork_store::StoreError> for Fail {
    fn from(e: linkwork_store::StoreError) -> Self {
        Fail::Api(e.into())
    }
}

/// Carried from a failed handler to [`error_pages`], which knows the reader's language.
#[derive(Clone)]
struct PageFailure {
    slug: &'static str,
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        match self {
            Fail::SignIn(path) => Redirect::to(&format!("/login?next={}", crate::pages::urlencode(&path))).into_response(),
            Fail::Api(e) => {
                let (status, slug, _) = e.parts();
                if let ApiError::Internal(cause) | ApiError::Unavailable(cause) = &e {
                    tracing::error!(%cause, "page failed");
                }
                let mut resp = status.into_response();
                resp.extensions_mut().insert(PageFailure { slug });
                resp
            }
        }
    }
}

pub type PageResult = Result<Response, Fail>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    title: String,
    detail: String,
}

/// Turns a failed page handler's status into a page that says, in the reader's language, what
/// happened and what to do.
pub async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (method, uri, headers) = (req.method().clone(), req.uri().clone(), req.headers().clone());
    let resp = next.run(req).await;
    let Some(failure) = resp.extensions().get::<PageFailure>().cloned() else { return resp };
    let status = resp.status();
    // Only a failed page pays for reading the session again: the error page keeps the reader's
    // menu and sign-out.
    let mut rebuilt = axum::http::Request::builder().method(method).uri(uri);
    if let Some(h) = rebuilt.headers_mut() {
        *h = headers;
    }
    let Ok(req) = rebuilt.body(()) else { return resp };
    let (mut parts, _) = req.into_parts();
    let Ok(page) = Page::from_request_parts(&mut parts, &state).await else { return resp };
    let t = &page.chrome.t;
    let title = t.t(&format!("problem-{}", failure.slug));
    let detail = t.t(&format!("problem-{}-detail", failure.slug));
    render_status(ErrorPage { c: page.chrome, title, detail }, status)
}

pub fn render(t: impl Template) -> Response {
    render_status(t, StatusCode::OK)
}

pub fn render_status(t: impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(body) => {
            let mut r = (status, Html(body)).into_response();
            // Pages show personal data: never kept by shared caches or the back-forward cache.
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => ApiError::Internal(format!("template: {e}")).into_response(),
    }
}

/// After a form: back to a page (303, so the browser GETs it) with a message saying it was done.
pub fn done(path: &str, what: &str) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{sep}done={what}")).into_response()
}

/// Field errors for a form, in the reader's language, by field name.
#[derive(Default)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn from_fields(t: &Tr, errs: &[FieldError]) -> Errors {
        Errors(errs.iter().map(|e| (e.field.clone(), t.field_error(e))).collect())
    }
    pub fn add(&mut self, field: &str, message: String) {
        self.0.push((field.to_string(), message));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The message for a field (all of them, when one field has several).
    pub fn of(&self, field: &str) -> String {
        self.0.iter().filter(|(f, _)| f == field || f.starts_with(&format!("{field}."))).map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ")
    }
    pub fn has(&self, field: &str) -> bool {
        !self.of(field).is_empty()
    }
    /// The id of the element a field's error summary links to: its path up to any list index,
    /// dots as dashes ("referral.reasons.2" is in "referral-reasons").
    pub fn anchor(&self, field: &str) -> String {
        field.split('.').take_while(|s| !s.chars().all(|c| c.is_ascii_digit())).collect::<Vec<_>>().join("-")
    }
}

/// Splits an API error into field errors for the form, or the failure to show as a page.
pub fn field_errors(t: &Tr, e: ApiError) -> Result<Errors, Fail> {
    match e {
        ApiError::Unprocessable { errors, .. } | ApiError::BadRequest { errors, .. } if !errors.is_empty() => Ok(Errors::from_fields(t, &errors)),
        other => Err(Fail::Api(other)),
    }
}

#[derive(serde::Deserialize)]
struct LanguageForm {
    lang: String,
    #[serde(default)]
    back: String,
}

/// The language switcher: remembers the choice for a year and returns to the page.
async fn choose_language(State(state): State<AppState>, Form(f): Form<LanguageForm>) -> Response {
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") { f.back } else { "/".into() };
    let mut resp = Redirect::to(&back).into_response();
    if let Some(l) = i18n::chosen(&f.lang, state.i18n.pseudo_enabled()) {
        let c = cookie::Cookie::build((LANG_COOKIE, l.tag()))
            .path("/")
            .same_site(cookie::SameSite::Lax)
            .secure(crate::session_pages::secure(&state))
            .max_age(cookie::time::Duration::days(365))
            .build();
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Options for a `<select>`: value, label, selected.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn choices<'a>(t: &Tr, prefix: &str, codes: impl IntoIterator<Item = &'a str>, selected: &str) -> Vec<Choice> {
    codes.into_iter().map(|c| Choice { value: c.to_string(), label: t.code(prefix, c), selected: c == selected }).collect()
}

/// An id from a page's address, or "not found" (a malformed address is just a wrong address).
pub fn path_id(raw: &str, what: &str) -> Result<String, Fail> {
    linkwork_domain::Id::parse(raw).map(|i| i.to_string()).map_err(|_| Fail::Api(ApiError::not_found(what)))
}

/// The last eight characters of an id, upper case: what people read out on the phone.
pub fn reference(id: &str) -> String {
    let n = id.chars().count();
    id.chars().skip(n.saturating_sub(8)).collect::<String>().to_uppercase()
}
