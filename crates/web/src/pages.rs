//! The directory pages: search with the filters link workers use, and a service page that says
//! in plain words how to get help. Server-rendered HTML that works without JavaScript, on a
//! phone and by keyboard.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{NaiveDate, NaiveTime, Utc};
use linkwork_domain::geo::Point;
use linkwork_domain::hsds::tree;
use linkwork_domain::schedule::{day_name, parse_day_name, ALL_DAYS};
use linkwork_domain::search::{CostFilter, MatchReason, SearchQuery};
use linkwork_domain::service::{CostLevel, ServiceDoc};
use linkwork_domain::Id;
use linkwork_store::ListFilter;

use crate::error::ApiError;
use crate::hsds_api::postcode_centroid;
use crate::i18n::Tr;
use crate::ui::{Chrome, Page};
use crate::AppState;

const PER_PAGE: usize = 20;

pub fn routes() -> Router<AppState> {
    Router::new().route("/directory", get(search_page)).route("/directory/services/{id}", get(service_page))
}

fn html(t: impl Template) -> Response {
    match t.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => ApiError::Internal(format!("template: {e}")).into_response(),
    }
}

/// The search form as typed, so nothing is lost when part of it is refused.
#[derive(Default, Clone)]
struct SearchForm {
    q: String,
    near: String,
    radius: String,
    category: String,
    cost: String,
    language: String,
    day: String,
    time: String,
    age: String,
    wheelchair: bool,
    capacity: bool,
    page: usize,
}

impl SearchForm {
    fn from(q: &HashMap<String, String>) -> Self {
        let s = |k: &str| q.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        SearchForm {
            q: s("q"),
            near: s("near"),
            radius: if s("radius").is_empty() { "5000".into() } else { s("radius") },
            category: s("category"),
            cost: s("cost"),
            language: s("language"),
            day: s("day"),
            time: s("time"),
            age: s("age"),
            wheelchair: !s("wheelchair").is_empty(),
            capacity: !s("capacity").is_empty(),
            page: s("page").parse().unwrap_or(1).max(1),
        }
    }

    fn is_empty(&self) -> bool {
        [&self.q, &self.near, &self.category, &self.cost, &self.language, &self.day, &self.age].iter().all(|s| s.is_empty())
            && !self.wheelchair
            && !self.capacity
    }

    fn href(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", self.q.clone()),
            ("near", self.near.clone()),
            ("radius", self.radius.clone()),
            ("category", self.category.clone()),
            ("cost", self.cost.clone()),
            ("language", self.language.clone()),
            ("day", self.day.clone()),
            ("time", self.time.clone()),
            ("age", self.age.clone()),
        ];
        if self.wheelchair {
            pairs.push(("wheelchair", "1".into()));
        }
        if self.capacity {
            pairs.push(("capacity", "1".into()));
        }
        pairs.push(("page", page.to_string()));
        let q: Vec<String> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", urlencode(&v))).collect();
        format!("/directory?{}", q.join("&"))
    }
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct HitView {
    href: String,
    name: String,
    organization: String,
    place: String,
    distance: String,
    snippet: String,
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    form: SearchForm,
    near_error: String,
    age_error: String,
    radius_options: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    days: Vec<(&'static str, String)>,
    searched: bool,
    total: usize,
    total_line: String,
    hits: Vec<HitView>,
    prev_href: String,
    next_href: String,
}

/// Why a search result matched, in the reader's language.
pub(crate) fn reason_words(t: &Tr, r: &MatchReason) -> String {
    match r {
        MatchReason::Text { words } => t.t1("reason-mentions", "words", words.join(", ").as_str()),
        MatchReason::Near { distance_m } => t.t1("distance-away", "distance", t.distance(*distance_m).as_str()),
        MatchReason::Category { term } => t.t1("reason-category", "term", term.as_str()),
        MatchReason::Free => t.t("cost-free"),
        MatchReason::LowCost => t.t("cost-low"),
        MatchReason::Language { language } => t.t1("reason-language", "language", language.as_str()),
        MatchReason::Wheelchair => t.t("reason-wheelchair"),
        MatchReason::OpenAt { day, time } => t.t2("reason-open-at", "day", parse_day_name(day).map(|d| t.weekday(d)).unwrap_or_else(|| day.clone()).as_str(), "time", time.as_str()),
        MatchReason::Age { age } => t.t1("reason-age", "age", *age),
        MatchReason::Capacity { available: Some(n) } => t.t1("places-available", "count", *n),
        MatchReason::Capacity { available: None } => t.t("reason-has-places"),
    }
}

async fn categories(state: &AppState) -> Result<Vec<(String, String)>, ApiError> {
    // Top-level terms and their children, indented, in name order.
    let top = state.store().list_ids("taxonomy_term", &ListFilter { top_only: true, ..Default::default() }, 0, 200).await?;
    let top_rows = state.store().select_in("taxonomy_term", "id", &top.items).await?;
    let mut by_id: HashMap<String, String> = top_rows.iter().map(|r| (r.id().unwrap_or_default().to_string(), r.get_str("name").unwrap_or_default().to_string())).collect();
    let children = state.store().select_in("taxonomy_term", "parent_id", &top.items).await?;
    let mut out = Vec::new();
    for id in &top.items {
        let Some(name) = by_id.remove(id) else { continue };
        out.push((id.clone(), name));
        let mut kids: Vec<(String, String)> = children
            .iter()
            .filter(|c| c.get_str("parent_id") == Some(id.as_str()))
            .map(|c| (c.id().unwrap_or_default().to_string(), format!("\u{a0}\u{a0}– {}", c.get_str("name").unwrap_or_default())))
            .collect();
        kids.sort_by(|a, b| a.1.cmp(&b.1));
        out.extend(kids);
    }
    Ok(out)
}

async fn resolve_near(state: &AppState, t: &Tr, near: &str) -> Result<Option<Point>, String> {
    if near.is_empty() {
        return Ok(None);
    }
    if let Ok(p) = Point::parse(near) {
        return Ok(Some(p));
    }
    match postcode_centroid(state, near).await {
        Ok(Some(p)) => Ok(Some(p)),
        Ok(None) => Err(t.t1("err-unknown-place", "place", near)),
        Err(_) => Err(t.t("err-place-lookup-failed")),
    }
}

async fn search_page(State(state): State<AppState>, p: Page, Query(q): Query<HashMap<String, String>>) -> Result<Response, ApiError> {
    let form = SearchForm::from(&q);
    let t = p.chrome.t.clone();
    let mut page = SearchPage {
        c: p.chrome,
        form: form.clone(),
        near_error: String::new(),
        age_error: String::new(),
        radius_options: [1000.0, 2000.0, 5000.0, 10000.0, 25000.0, 100000.0].iter().map(|m: &f64| ((*m as i64).to_string(), t.distance(*m))).collect(),
        categories: categories(&state).await?,
        days: ALL_DAYS.iter().map(|d| (day_name(*d), t.weekday(*d))).collect(),
        searched: false,
        total: 0,
        total_line: String::new(),
        hits: vec![],
        prev_href: String::new(),
        next_href: String::new(),
    };
    if form.is_empty() {
        return Ok(html(page));
    }
    let near = match resolve_near(&state, &t, &form.near).await {
        Ok(p) => p,
        Err(e) => {
            page.near_error = e;
            None
        }
    };
    let age = if form.age.is_empty() {
        None
    } else {
        match form.age.parse::<u32>() {
            Ok(a) if a <= 120 => Some(a),
            _ => {
                page.age_error = t.t("err-age");
                None
            }
        }
    };
    if !page.near_error.is_empty() || !page.age_error.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response());
    }
    let open_at = parse_day_name(&form.day).map(|d| {
        let t = NaiveTime::parse_from_str(&form.time, "%H:%M").unwrap_or_else(|_| NaiveTime::from_hms_opt(12, 0, 0).expect("noon"));
        (d, t)
    });
    let query = SearchQuery {
        text: Some(form.q.clone()).filter(|s| !s.is_empty()),
        near,
        radius_m: near.and(form.radius.parse::<f64>().ok()),
        taxonomy_term_ids: Id::parse(&form.category).map(|i| vec![i.to_string()]).unwrap_or_default(),
        cost: match form.cost.as_str() {
            "free" => Some(CostFilter::Free),
            "low" => Some(CostFilter::LowCost),
            _ => None,
        },
        language: Some(form.language.clone()).filter(|s| !s.is_empty()),
        wheelchair: form.wheelchair,
        open_at,
        age,
        has_capacity: form.capacity,
        organization_id: None,
        offset: (form.page - 1) * PER_PAGE,
        limit: PER_PAGE,
    };
    let results = state.directory.search(query).await?;
    page.searched = true;
    page.total = results.total;
    page.total_line = t.t1("services-found", "count", results.total as i64);
    page.hits = results
        .hits
        .iter()
        .map(|h| {
            let mut href = format!("/directory/services/{}", h.service_id);
            if !form.near.is_empty() {
                href.push_str(&format!("?near={}", urlencode(&form.near)));
            }
            HitView {
                href,
                name: h.name.clone(),
                organization: h.organization_name.clone().unwrap_or_default(),
                place: [h.location_name.clone(), h.address.clone()].into_iter().flatten().collect::<Vec<_>>().join(", "),
                distance: h.distance_m.map(|d| t.t1("distance-away", "distance", t.distance(d).as_str())).unwrap_or_default(),
                snippet: h.snippet.clone().unwrap_or_default(),
                reasons: h.reasons.iter().map(|r| reason_words(&t, r)).collect(),
            }
        })
        .collect();
    if form.page > 1 {
        page.prev_href = form.href(form.page - 1);
    }
    if form.page * PER_PAGE < results.total {
        page.next_href = form.href(form.page + 1);
    }
    Ok(html(page))
}

struct SiteView {
    name: String,
    address: String,
    distance: String,
    hours: Vec<String>,
    access: String,
    transport: String,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    c: Chrome,
    s: ServiceDoc,
    back_href: String,
    organization: String,
    status_note: String,
    alert: String,
    description: Vec<String>,
    how_to_access: String,
    eligibility: String,
    cost: String,
    languages: String,
    capacity: String,
    wait_time: String,
    phones: Vec<(String, String)>,
    email: String,
    website: String,
    confirmed: String,
    general_hours: Vec<String>,
    sites: Vec<SiteView>,
}

fn cost_words(t: &Tr, s: &ServiceDoc) -> String {
    let detail: Vec<String> = s
        .cost_options
        .iter()
        .map(|c| {
            let amount = c.amount.map(|a| format!("{}{a:.2}", if c.currency.as_deref().unwrap_or("GBP") == "GBP" { "£" } else { "" }));
            [c.option.clone(), amount, c.amount_description.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")
        })
        .filter(|s| !s.is_empty())
        .collect();
    let level = match s.cost_level() {
        CostLevel::Free => "cost-free",
        CostLevel::LowCost => "cost-low",
        CostLevel::Paid => "cost-paid",
        CostLevel::Unknown => "not-stated",
    };
    let mut out = t.t(level);
    if !detail.is_empty() {
        out.push_str(&format!(": {}", detail.join("; ")));
    } else if let Some(f) = s.fees_description.as_ref().or(s.fees.as_ref()) {
        out.push_str(&format!(": {f}"));
    }
    out
}

fn confirmed_words(t: &Tr, assured: Option<&str>, today: NaiveDate) -> String {
    match assured.and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok()) {
        None => t.t("not-confirmed-yet"),
        Some(d) => {
            let days = (today - d).num_days();
            let when = t.date(&d.format("%Y-%m-%d").to_string());
            if days > 92 {
                t.t1("confirmed-long-ago", "date", when.as_str())
            } else {
                when
            }
        }
    }
}

async fn service_page(State(state): State<AppState>, p: Page, Path(id): Path<String>, Query(q): Query<HashMap<String, String>>) -> Result<Response, ApiError> {
    let t = p.chrome.t.clone();
    let not_found = || ApiError::not_found("service at this address");
    let id = Id::parse(&id).map_err(|_| not_found())?;
    let doc = state.store().get(&tree::SERVICE, &id.to_string()).await?.ok_or_else(not_found)?;
    let s = ServiceDoc::from_json(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    let today = Utc::now().date_naive();
    let from = match q.get("near").map(|n| n.trim()).filter(|n| !n.is_empty()) {
        Some(n) => resolve_near(&state, &t, n).await.ok().flatten(),
        None => None,
    };
    let sites = s
        .service_at_locations
        .iter()
        .map(|sal| {
            let loc = sal.location.clone().unwrap_or_default();
            SiteView {
                name: loc.name.clone().unwrap_or_else(|| t.t("where")),
                address: loc.address_line().unwrap_or_default(),
                distance: match (from, loc.point()) {
                    (Some(a), Some(b)) => t.t1("distance-away", "distance", t.distance(a.distance_m(&b)).as_str()),
                    _ => String::new(),
                },
                hours: t.hours(&s.hours_at(Some(sal), today).grouped()),
                access: loc.accessibility.iter().filter_map(|a| a.description.clone().or(a.details.clone())).collect::<Vec<_>>().join(". "),
                transport: loc.transportation.clone().unwrap_or_default(),
            }
        })
        .collect::<Vec<_>>();
    let general_hours = if sites.is_empty() { t.hours(&s.hours_at(None, today).grouped()) } else { vec![] };
    let mut phones: Vec<(String, String)> = s.phones.iter().map(|p| (p.number.clone(), p.number.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect())).collect();
    phones.dedup();
    let page = ServicePage {
        c: p.chrome,
        back_href: match q.get("near") {
            Some(n) if !n.is_empty() => format!("/directory?near={}", urlencode(n)),
            _ => "/directory".into(),
        },
        organization: s.organization.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        status_note: match s.status.as_deref() {
            Some("inactive") | Some("defunct") => t.t("service-not-running"),
            Some("temporarily closed") => t.t("service-temporarily-closed"),
            _ => String::new(),
        },
        alert: s.alert.clone().unwrap_or_default(),
        description: s.description.as_deref().unwrap_or("").split("\n\n").map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
        how_to_access: s.application_process.clone().unwrap_or_default(),
        eligibility: {
            let e = s.eligibility_description.clone().unwrap_or_default();
            let ages = match (s.minimum_age, s.maximum_age) {
                (Some(a), Some(b)) => t.t2("ages-between", "min", a as i64, "max", b as i64),
                (Some(a), None) => t.t1("ages-from", "min", a as i64),
                (None, Some(b)) => t.t1("ages-up-to", "max", b as i64),
                _ => String::new(),
            };
            format!("{e} {ages}").trim().to_string()
        },
        cost: cost_words(&t, &s),
        languages: {
            let mut names: Vec<String> = s.languages.iter().filter_map(|l| l.name.clone().or(l.code.clone())).collect();
            names.dedup();
            names.join(", ")
        },
        capacity: match (s.has_capacity(), s.available_places()) {
            (Some(true), Some(n)) => t.t1("places-available", "count", n as i64),
            (Some(false), _) => t.t("full-at-the-moment"),
            _ => t.t("not-stated"),
        },
        wait_time: s.wait_time.clone().unwrap_or_default(),
        phones,
        email: s.email.clone().unwrap_or_default(),
        website: s.url.clone().unwrap_or_default(),
        confirmed: confirmed_words(&t, s.assured_date.as_deref(), today),
        general_hours,
        sites,
        s,
    };
    Ok(html(page))
}
