//! The administrator's pages: users and their roles, organisations and their members, directory
//! imports with their reports, screening and outcome instruments (load, retire), and the audit
//! log. Every change goes through the same store
//! operations as the API and is audited there.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::Role;
use linkwork_domain::Id;
use linkwork_store::pathway::{AuditFilter, User};
use linkwork_store::ListFilter;
use serde::Deserialize;

use super::{done, field_errors, render, render_status, Choice, Chrome, Errors, Fail, Page, PageResult, Posted};
use crate::api_v1::{add_user, NewUserBody};
use crate::error::ApiError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{username}/access", post(set_access))
        .route("/admin/users/{username}/roles", post(set_roles))
        .route("/admin/users/{username}/team", post(set_team))
        .route("/admin/organisations", get(organisations))
        .route("/admin/organisations/{id}/members", post(add_member))
        .route("/admin/organisations/{id}/members/remove", post(remove_member))
        .route("/admin/imports", get(imports))
        .route("/admin/instruments", get(instruments).post(load_instrument))
        .route("/admin/instruments/{id}/retired", post(retire_instrument))
        .route("/admin/audit", get(audit))
}

pub struct UserRow {
    pub username: String,
    pub name: String,
    pub roles: String,
    /// The role checkboxes of the "change roles" form.
    pub role_boxes: Vec<Choice>,
    pub organisations: String,
    pub team: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    c: Chrome,
    rows: Vec<UserRow>,
    roles: Vec<Choice>,
    orgs: Vec<Choice>,
    v_username: String,
    v_name: String,
    v_email: String,
    e: Errors,
    created: Option<(String, String)>,
}

/// The directory's organisations for a picker, by name (the first 1,000).
async fn org_choices(state: &AppState, selected: &[String]) -> Result<Vec<Choice>, Fail> {
    let ids = state.store().list_ids("organization", &ListFilter::default(), 0, 1000).await?;
    let names = super::casework::org_names(state, ids.items).await?;
    let mut out: Vec<Choice> = names.into_iter().map(|(id, name)| Choice { selected: selected.contains(&id), value: id, label: name }).collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(out)
}

async fn users_page(state: &AppState, page: Page, v: (String, String, String), roles: &[String], orgs: &[String], e: Errors, created: Option<(String, String)>) -> Result<UsersPage, Fail> {
    let t = page.t().clone();
    let list = state.store().list_users().await?;
    let org_ids: Vec<String> = list.iter().flat_map(|u| u.organizations.clone()).collect();
    let names = super::casework::org_names(state, org_ids).await?;
    let rows = list
        .iter()
        .map(|u: &User| UserRow {
            username: u.username.clone(),
            name: u.display_name.clone(),
            roles: u.roles.iter().map(|r| t.code("role-", r.as_str())).collect::<Vec<_>>().join(", "),
            role_boxes: Role::ALL.iter().map(|r| Choice { value: r.as_str().into(), label: t.code("role-", r.as_str()), selected: u.roles.contains(r) }).collect(),
            organisations: u.organizations.iter().map(|o| names.get(o).cloned().unwrap_or_else(|| o.clone())).collect::<Vec<_>>().join(", "),
            team: u.team.clone().unwrap_or_default(),
            disabled: u.disabled,
        })
        .collect();
    Ok(UsersPage {
        rows,
        roles: Role::ALL.iter().map(|r| Choice { value: r.as_str().into(), label: t.code("role-", r.as_str()), selected: roles.iter().any(|x| x == r.as_str()) }).collect(),
        orgs: org_choices(state, orgs).await?,
        v_username: v.0,
        v_name: v.1,
        v_email: v.2,
        e,
        created,
        c: page.chrome,
    })
}

async fn users(State(state): State<AppState>, page: Page) -> PageResult {
    page.may(Action::ManageUsers)?;
    Ok(render(users_page(&state, page, Default::default(), &[], &[], Errors::default(), None).await?))
}

async fn create_user(State(state): State<AppState>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::ManageUsers)?;
    let f = &p.form;
    let roles: Vec<Role> = f.all("roles").iter().filter_map(|r| r.parse().ok()).collect();
    let orgs: Vec<Id> = f.all("organizations").iter().filter_map(|o| Id::parse(o).ok()).collect();
    let body = NewUserBody { username: f.get("username"), display_name: f.get("display_name"), email: f.opt("email"), password: None, roles, organizations: orgs };
    let v = (f.get("username"), f.get("display_name"), f.get("email"));
    let (role_codes, org_ids) = (f.all("roles"), f.all("organizations"));
    match add_user(&state, &actor, body).await {
        Ok((user, password)) => {
            let created = Some((user.username, password.unwrap_or_default()));
            Ok(render_status(users_page(&state, p.page, Default::default(), &[], &[], Errors::default(), created).await?, StatusCode::CREATED))
        }
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            Ok(render_status(users_page(&state, p.page, v, &role_codes, &org_ids, e, None).await?, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

async fn set_access(State(state): State<AppState>, Path(username): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::ManageUsers)?;
    let disabled = p.form.get("disabled") == "yes";
    state.store().update_user(&actor, &username, Some(disabled), None, None, None, None).await?;
    Ok(done("/admin/users", if disabled { "user-disabled" } else { "user-enabled" }))
}

/// Changes a user's roles. A user keeps at least one role, and staff of a community organisation
/// must belong to one.
async fn set_roles(State(state): State<AppState>, Path(username): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::ManageUsers)?;
    let user = state.store().user_by_username(&username).await?.ok_or_else(|| Fail::Api(ApiError::not_found("user")))?;
    let mut roles: Vec<Role> = p.form.all("roles").iter().filter_map(|r| r.parse().ok()).collect();
    roles.sort();
    roles.dedup();
    let mut errs = vec![];
    if roles.is_empty() {
        errs.push(linkwork_domain::pathway::FieldError::keyed("roles", "err-no-roles", &[], "give at least one role"));
    }
    if roles.contains(&Role::Provider) && user.organizations.is_empty() {
        errs.push(linkwork_domain::pathway::FieldError::keyed("roles", "err-provider-organisation", &[], "a provider must belong to at least one organisation"));
    }
    if !errs.is_empty() {
        let e = super::Errors::from_fields(p.page.t(), &errs);
        return Ok(render_status(users_page(&state, p.page, Default::default(), &[], &[], e, None).await?, StatusCode::UNPROCESSABLE_ENTITY));
    }
    state.store().update_user(&actor, &username, None, Some(&roles), None, None, None).await?;
    Ok(done("/admin/users", "roles-changed"))
}

/// Puts a user in a link-worker team (empty: none); a name that cannot be used is explained.
async fn set_team(State(state): State<AppState>, Path(username): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::ManageUsers)?;
    match linkwork_domain::pathway::team::parse_team(p.form.opt("team").as_deref()) {
        Ok(team) => {
            state.store().set_team(&actor, &username, team.as_deref()).await?;
            Ok(done("/admin/users", "team-changed"))
        }
        Err(err) => {
            let e = super::Errors::from_fields(p.page.t(), &[err]);
            Ok(render_status(users_page(&state, p.page, Default::default(), &[], &[], e, None).await?, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub members: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin_organisations.html")]
struct OrganisationsPage {
    c: Chrome,
    rows: Vec<OrgRow>,
    users: Vec<Choice>,
}

async fn organisations(State(state): State<AppState>, page: Page) -> PageResult {
    page.may(Action::ManageUsers)?;
    let orgs = org_choices(&state, &[]).await?;
    let list = state.store().list_users().await?;
    let rows = orgs
        .into_iter()
        .map(|o| OrgRow {
            members: list.iter().filter(|u| u.organizations.contains(&o.value)).map(|u| (u.username.clone(), u.display_name.clone())).collect(),
            id: o.value,
            name: o.label,
        })
        .collect();
    let users = list.iter().filter(|u| !u.disabled).map(|u| Choice { value: u.username.clone(), label: format!("{} ({})", u.display_name, u.username), selected: false }).collect();
    Ok(render(OrganisationsPage { c: page.chrome, rows, users }))
}

async fn change_membership(state: &AppState, p: &Posted, org: &str, add: bool) -> Result<(), Fail> {
    let (_, actor) = p.page.may(Action::ManageUsers)?;
    let org = Id::parse(org).map(|i| i.to_string()).map_err(|_| Fail::Api(ApiError::not_found("organisation")))?;
    let username = p.form.get("username");
    let user = state.store().user_by_username(&username).await?.ok_or_else(|| Fail::Api(ApiError::not_found("user")))?;
    let mut orgs = user.organizations.clone();
    if add && !orgs.contains(&org) {
        orgs.push(org);
    } else if !add {
        orgs.retain(|o| *o != org);
    }
    state.store().update_user(&actor, &username, None, None, Some(&orgs), None, None).await?;
    Ok(())
}

async fn add_member(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    change_membership(&state, &p, &id, true).await?;
    Ok(done("/admin/organisations", "member-added"))
}

async fn remove_member(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    change_membership(&state, &p, &id, false).await?;
    Ok(done("/admin/organisations", "member-removed"))
}

#[derive(Template)]
#[template(path = "admin_imports.html")]
struct ImportsPage {
    c: Chrome,
    rows: Vec<(String, String, String, String)>,
}

async fn imports(State(state): State<AppState>, page: Page) -> PageResult {
    page.may(Action::ManageUsers)?;
    let t = page.t();
    let rows = state.store().list_imports(100).await?.into_iter().map(|i| (t.datetime(&i.started_at), i.source, i.format, i.summary)).collect();
    Ok(render(ImportsPage { c: page.chrome, rows }))
}

pub struct InstrumentRow {
    pub id: String,
    pub title: String,
    pub name: String,
    pub version: String,
    pub purpose: String,
    pub questions: i64,
    pub licence: String,
    pub built_in: bool,
    pub retired: bool,
    pub loaded_at: String,
}

#[derive(Template)]
#[template(path = "admin_instruments.html")]
struct InstrumentsPage {
    c: Chrome,
    rows: Vec<InstrumentRow>,
    definition: String,
    e: Errors,
}

async fn instruments_page(state: &AppState, c: Chrome, definition: String, e: Errors) -> Result<InstrumentsPage, Fail> {
    let t = c.t.clone();
    let rows = crate::measures_api::instrument_summaries(state, true)
        .await?
        .into_iter()
        .map(|i| InstrumentRow {
            purpose: i.purpose.iter().map(|p| t.code("purpose-", p)).collect::<Vec<_>>().join(", "),
            loaded_at: t.datetime(&i.loaded_at),
            questions: i.questions as i64,
            licence: i.licence.unwrap_or_default(),
            id: i.id,
            title: i.title,
            name: i.name,
            version: i.version,
            built_in: i.built_in,
            retired: i.retired,
        })
        .collect();
    Ok(InstrumentsPage { c, rows, definition, e })
}

async fn instruments(State(state): State<AppState>, page: Page) -> PageResult {
    page.may(Action::ManageInstruments)?;
    Ok(render(instruments_page(&state, page.chrome, String::new(), Errors::default()).await?))
}

/// Loads a definition pasted into the form: refused with every reason and where it is, and
/// kept in the box to be corrected.
async fn load_instrument(State(state): State<AppState>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::ManageInstruments)?;
    let text = p.form.get("definition");
    let t = p.page.t().clone();
    let mut e = Errors::default();
    let parsed: Option<serde_json::Value> = match serde_json::from_str(&text) {
        _ if text.trim().is_empty() => {
            e.add("definition", t.t("err-definition-empty"));
            None
        }
        Ok(v) => Some(v),
        Err(err) => {
            e.add("definition", t.t2("err-definition-not-json", "line", err.line() as i64, "column", err.column() as i64));
            None
        }
    };
    if let Some(def) = parsed {
        match linkwork_domain::instrument::Instrument::parse(&def) {
            Ok(ins) => match state.store().load_instrument(&actor, &ins.url, &ins.version, &ins.name, &ins.title, &def, false).await {
                Ok((_, true)) => return Ok(done("/admin/instruments", "instrument-loaded")),
                Ok((_, false)) => return Ok(done("/admin/instruments", "instrument-already-loaded")),
                Err(linkwork_store::pathway::PathwayError::Conflict(_)) => e.add("definition", t.t2("err-instrument-version-taken", "title", ins.title.as_str(), "version", ins.version.as_str())),
                Err(other) => return Err(Fail::Api(other.into())),
            },
            Err(errs) => {
                for (i, err) in errs.iter().enumerate() {
                    e.add(&format!("definition.{i}"), t.t2("err-in-definition", "path", err.path.as_str(), "message", err.message.as_str()));
                }
            }
        }
    }
    let view = instruments_page(&state, p.page.chrome, text, e).await?;
    Ok(render_status(view, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn retire_instrument(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let (_, actor) = p.page.may(Action::ManageInstruments)?;
    let retired = p.form.get("retired") == "true";
    crate::measures_api::retire(&state, &actor, &id, retired).await?;
    Ok(done("/admin/instruments", if retired { "instrument-retired" } else { "instrument-restored" }))
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    page: Option<i64>,
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub person: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    c: Chrome,
    person: String,
    action: String,
    rows: Vec<AuditRow>,
    total: String,
    prev: String,
    next: String,
    e: Errors,
}

const AUDIT_PAGE: i64 = 50;

async fn audit(State(state): State<AppState>, page: Page, Query(q): Query<AuditQuery>) -> PageResult {
    page.may(Action::ReadAudit)?;
    let t = page.t().clone();
    let mut e = Errors::default();
    let person = q.person.trim().to_string();
    if !person.is_empty() && Id::parse(&person).is_err() {
        e.add("person", t.t("err-not-an-id"));
    }
    let n = q.page.unwrap_or(1).max(1);
    let f = AuditFilter {
        person_id: Some(person.clone()).filter(|p| !p.is_empty() && e.is_empty()),
        action: Some(q.action.trim().to_string()).filter(|a| !a.is_empty()),
        limit: AUDIT_PAGE,
        offset: (n - 1) * AUDIT_PAGE,
        ..AuditFilter::default()
    };
    let (entries, total) = state.store().search_audit(&f).await?;
    let link = |p: i64| format!("/admin/audit?person={}&action={}&page={p}", crate::pages::urlencode(&person), crate::pages::urlencode(&q.action));
    let rows = entries
        .into_iter()
        .map(|a| AuditRow {
            seq: a.seq,
            at: t.datetime(&a.at),
            actor: t.t2("audit-actor", "name", a.actor_name.as_str(), "role", t.code("role-", &a.actor_role).as_str()),
            action: t.code("audit-action-", &a.action),
            entity: t.code("audit-entity-", &a.entity),
            entity_id: a.entity_id.unwrap_or_default(),
            person: a.person_id.unwrap_or_default(),
            reason: a.reason,
        })
        .collect();
    let status = if e.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let (prev, next) = (if n > 1 { link(n - 1) } else { String::new() }, if n * AUDIT_PAGE < total { link(n + 1) } else { String::new() });
    Ok(render_status(
        AuditPage {
            person,
            action: q.action.clone(),
            rows,
            total: t.t1("audit-total", "count", t.num(total).as_str()),
            prev,
            next,
            e,
            c: page.chrome,
        },
        status,
    ))
}
