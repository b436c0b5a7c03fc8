//! A community organisation's own listings in the directory: edit the details people read, update
//! the places available, and say "details still correct" in one click (HSDS `assured_date`).
//! Listings not confirmed for three months are flagged, and the provider is reminded on their
//! inbox, the page they land on after signing in.
//!
//! Directory data is not personal data, so these writes are not in the audit log; they go
//! through the directory's own write path, which records them in the change feed that keeps the
//! search index in step.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDate, Utc};
use linkwork_domain::hsds::{table, Batch, Record};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::FieldError;
use linkwork_domain::Id;

use super::{done, render, render_status, Choice, Chrome, Errors, Fail, FormData, Page, PageResult, Posted};
use crate::api_v1::today;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/listings", get(listings))
        .route("/listings/{id}", get(edit_page).post(save))
        .route("/listings/{id}/confirm", post(confirm))
}

/// Listings older than this are flagged for confirmation.
pub const CONFIRM_EVERY_DAYS: i64 = 92;

const STATUSES: [&str; 3] = ["active", "temporarily closed", "inactive"];

pub struct ListingRow {
    pub id: String,
    pub name: String,
    pub status: String,
    pub confirmed: String,
    pub stale: bool,
    pub places: String,
}

#[derive(Template)]
#[template(path = "listings.html")]
struct ListingsPage {
    c: Chrome,
    rows: Vec<ListingRow>,
    any_stale: bool,
}

fn assured(r: &Record) -> Option<NaiveDate> {
    r.get_str("assured_date").and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok())
}

fn is_stale(r: &Record) -> bool {
    assured(r).is_none_or(|d| (today() - d).num_days() > CONFIRM_EVERY_DAYS)
}

/// The services of the caller's organisations, by name.
pub async fn own_services(state: &AppState, orgs: &[String]) -> Result<Vec<Record>, Fail> {
    if orgs.is_empty() {
        return Ok(vec![]);
    }
    let mut rows = state.store().select_in("service", "organization_id", orgs).await?;
    rows.sort_by(|a, b| a.get_str("name").unwrap_or_default().cmp(b.get_str("name").unwrap_or_default()));
    Ok(rows)
}

/// Whether any of the caller's listings needs confirming: for the reminder on the inbox.
pub async fn needs_confirming(state: &AppState, orgs: &[String]) -> Result<usize, Fail> {
    Ok(own_services(state, orgs).await?.iter().filter(|r| is_stale(r)).count())
}

async fn capacities(state: &AppState, ids: &[String]) -> Result<Vec<Record>, Fail> {
    Ok(state.store().select_in("service_capacity", "service_id", ids).await?)
}

fn places(t: &Tr, caps: &[&Record]) -> String {
    let known: Vec<f64> = caps.iter().filter_map(|c| c.get_f64("available")).collect();
    if known.is_empty() {
        t.t("not-stated")
    } else {
        t.t1("places-available", "count", known.iter().sum::<f64>())
    }
}

async fn listings(State(state): State<AppState>, page: Page) -> PageResult {
    let (caller, _) = page.may(Action::ReceiveOnwardReferrals)?;
    let t = page.t().clone();
    let services = own_services(&state, &caller.user.organizations).await?;
    let ids: Vec<String> = services.iter().filter_map(|r| r.id().map(str::to_string)).collect();
    let caps = capacities(&state, &ids).await?;
    let rows: Vec<ListingRow> = services
        .iter()
        .map(|r| {
            let id = r.id().unwrap_or_default().to_string();
            let mine: Vec<&Record> = caps.iter().filter(|c| c.get_str("service_id") == Some(id.as_str())).collect();
            ListingRow {
                name: r.get_str("name").unwrap_or_default().to_string(),
                status: t.code("service-status-", &r.get_str("status").unwrap_or("active").replace(' ', "-")),
                confirmed: assured(r).map(|d| t.date(&d.format("%Y-%m-%d").to_string())).unwrap_or_else(|| t.t("not-confirmed-yet")),
                stale: is_stale(r),
                places: places(&t, &mine),
                id,
            }
        })
        .collect();
    let any_stale = rows.iter().any(|r| r.stale);
    Ok(render(ListingsPage { c: page.chrome, rows, any_stale }))
}

/// One of the caller's services, or "not found" (another organisation's is not theirs to see
/// here, and is edited by its own staff).
async fn own_service(state: &AppState, page: &Page, raw: &str) -> Result<Record, Fail> {
    let (caller, _) = page.may(Action::ReceiveOnwardReferrals)?;
    let not_found = || Fail::Api(ApiError::not_found("listing"));
    let id = Id::parse(raw).map_err(|_| not_found())?.to_string();
    let row = state.store().select_in("service", "id", &[id]).await?.into_iter().next().ok_or_else(not_found)?;
    match row.get_str("organization_id") {
        Some(o) if caller.user.organizations.iter().any(|m| m == o) => Ok(row),
        _ => Err(not_found()),
    }
}

/// The edit form as typed.
#[derive(Default)]
struct Typed {
    description: String,
    application_process: String,
    email: String,
    url: String,
    wait_time: String,
    fees_description: String,
    alert: String,
    status: String,
    available: String,
    maximum: String,
}

impl Typed {
    fn from_row(r: &Record, cap: Option<&Record>) -> Typed {
        let s = |f: &str| r.get_str(f).unwrap_or_default().to_string();
        let n = |c: Option<&Record>, f: &str| c.and_then(|c| c.get_f64(f)).map(|v| format!("{v}")).unwrap_or_default();
        Typed {
            description: s("description"),
            application_process: s("application_process"),
            email: s("email"),
            url: s("url"),
            wait_time: s("wait_time"),
            fees_description: s("fees_description"),
            alert: s("alert"),
            status: if s("status").is_empty() { "active".into() } else { s("status") },
            available: n(cap, "available"),
            maximum: n(cap, "maximum"),
        }
    }

    fn from_form(f: &FormData) -> Typed {
        Typed {
            description: f.get("description"),
            application_process: f.get("application_process"),
            email: f.get("email"),
            url: f.get("url"),
            wait_time: f.get("wait_time"),
            fees_description: f.get("fees_description"),
            alert: f.get("alert"),
            status: f.get("status"),
            available: f.get("available"),
            maximum: f.get("maximum"),
        }
    }
}

#[derive(Template)]
#[template(path = "listing_edit.html")]
struct EditPage {
    c: Chrome,
    id: String,
    name: String,
    v: Typed,
    statuses: Vec<Choice>,
    e: Errors,
}

fn edit_view(c: Chrome, row: &Record, v: Typed, e: Errors) -> EditPage {
    let statuses = STATUSES
        .iter()
        .map(|s| Choice { value: s.to_string(), label: c.t.code("service-status-", &s.replace(' ', "-")), selected: v.status == *s })
        .collect();
    EditPage { id: row.id().unwrap_or_default().to_string(), name: row.get_str("name").unwrap_or_default().to_string(), v, statuses, e, c }
}

async fn edit_page(State(state): State<AppState>, page: Page, Path(id): Path<String>) -> PageResult {
    let row = own_service(&state, &page, &id).await?;
    let caps = capacities(&state, &[row.id().unwrap_or_default().to_string()]).await?;
    let v = Typed::from_row(&row, caps.first());
    Ok(render(edit_view(page.chrome, &row, v, Errors::default())))
}

fn number(p: &mut Vec<FieldError>, field: &'static str, raw: &str) -> Option<f64> {
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<u32>() {
        Ok(n) if n <= 100_000 => Some(n as f64),
        _ => {
            p.push(FieldError::keyed(field, "err-whole-number", &[("value", raw)], format!("'{raw}' is not a whole number from 0 to 100000")));
            None
        }
    }
}

async fn save(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let mut row = own_service(&state, &p.page, &id).await?;
    let sid = row.id().unwrap_or_default().to_string();
    let v = Typed::from_form(&p.form);
    let mut probs = linkwork_domain::pathway::Problems::default();
    let description = probs.text("description", Some(&v.description), 10_000, false);
    let application_process = probs.text("application_process", Some(&v.application_process), 2_000, false);
    let wait_time = probs.text("wait_time", Some(&v.wait_time), 200, false);
    let fees = probs.text("fees_description", Some(&v.fees_description), 1_000, false);
    let alert = probs.text("alert", Some(&v.alert), 1_000, false);
    let email = probs.text("email", Some(&v.email), 254, false);
    let url = probs.text("url", Some(&v.url), 2_000, false);
    let mut errs = probs.0;
    if let Some(e) = &email {
        if !e.contains('@') || e.contains(char::is_whitespace) {
            errs.push(FieldError::keyed("email", "err-email", &[("value", e)], format!("'{e}' is not an email address")));
        }
    }
    if let Some(u) = &url {
        if !(u.starts_with("https://") || u.starts_with("http://")) || u.contains(char::is_whitespace) {
            errs.push(FieldError::keyed("url", "err-url", &[("value", u)], format!("'{u}' is not a web address starting with https://")));
        }
    }
    if !STATUSES.contains(&v.status.as_str()) {
        errs.push(FieldError::keyed("status", "err-choose-one", &[], "choose one of the options"));
    }
    let available = number(&mut errs, "available", &v.available);
    let maximum = number(&mut errs, "maximum", &v.maximum);
    if let (Some(a), Some(m)) = (available, maximum) {
        if a > m {
            errs.push(FieldError::keyed("available", "err-more-than-maximum", &[], "is more than the maximum"));
        }
    }
    if !errs.is_empty() {
        let e = Errors::from_fields(p.page.t(), &errs);
        return Ok(render_status(edit_view(p.page.chrome, &row, v, e), StatusCode::UNPROCESSABLE_ENTITY));
    }
    let now = linkwork_domain::hsds::value::format_datetime(Utc::now());
    let set = |row: &mut Record, field: &str, value: Option<String>| match value {
        Some(v) => {
            row.set_raw_owned(field, v);
        }
        None => row.set(field, None),
    };
    set(&mut row, "description", description);
    set(&mut row, "application_process", application_process);
    set(&mut row, "wait_time", wait_time);
    set(&mut row, "fees_description", fees);
    set(&mut row, "alert", alert);
    set(&mut row, "email", email);
    set(&mut row, "url", url);
    set(&mut row, "status", Some(v.status.clone()));
    set(&mut row, "last_modified", Some(now.clone()));
    let mut records = vec![row];
    if available.is_some() || maximum.is_some() {
        let caps = capacities(&state, std::slice::from_ref(&sid)).await?;
        let mut cap = match caps.into_iter().next() {
            Some(c) => c,
            None => {
                let mut c = Record::new(table("service_capacity").expect("in the registry"));
                c.set_raw_owned("id", Id::new().to_string());
                c.set_raw_owned("service_id", sid.clone());
                c
            }
        };
        cap.set("available", available.map(linkwork_domain::hsds::Value::Number));
        if available.is_none() {
            cap.set_raw_owned("available", "0".into());
        }
        cap.set("maximum", maximum.map(linkwork_domain::hsds::Value::Number));
        cap.set_raw_owned("updated", now);
        records.push(cap);
    }
    let mut batch = Batch { records, source_ids: vec![] };
    batch.sort_for_writing();
    state.store().write_batch(&batch).await?;
    Ok(done("/listings", "listing-saved"))
}

async fn confirm(State(state): State<AppState>, Path(id): Path<String>, p: Posted) -> PageResult {
    let mut row = own_service(&state, &p.page, &id).await?;
    let (caller, _) = p.page.may(Action::ReceiveOnwardReferrals)?;
    row.set_raw_owned("assured_date", today().format("%Y-%m-%d").to_string());
    if let Some(e) = caller.user.email.clone() {
        row.set_raw_owned("assurer_email", e);
    }
    row.set_raw_owned("last_modified", linkwork_domain::hsds::value::format_datetime(Utc::now()));
    state.store().write_batch(&Batch { records: vec![row], source_ids: vec![] }).await?;
    Ok(done("/listings", "listing-confirmed"))
}
