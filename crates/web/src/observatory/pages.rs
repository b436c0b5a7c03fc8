//! The observatory's pages, for analysts (their home page), link-worker leads and administrators:
//! a dashboard with the pathway funnel and referrals as a time series (charts drawn on the server
//! as SVG, each with its data table), every shipped indicator's headline, and a page per
//! indicator with breakdowns, a table and a CSV download. Only the engine's protected results are
//! shown: suppressed cells read as such, never as zero.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Router;
use linkwork_domain::observatory::{Evaluation, IndicatorDef, Values};
use linkwork_domain::pathway::access::Action;

use super::{catalogue, facts, run, Params};
use crate::i18n::Tr;
use crate::ui::{render, Chrome, Page, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/observatory", get(dashboard))
        .route("/observatory/indicators/{id}", get(indicator))
}

/// A bar of a chart; `gap` bars (no data, or suppressed) are drawn as a mark on the axis.
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub label: String,
    pub value: String,
    pub gap: bool,
}

pub struct Chart {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub bars: Vec<Bar>,
    pub label_every: usize,
}

pub struct TableView {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub struct Headline {
    pub title: String,
    pub value: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "observatory.html")]
struct Dashboard {
    c: Chrome,
    from: String,
    to: String,
    periods: Vec<(String, String, bool)>,
    area: String,
    link_worker: String,
    team: String,
    charts: Vec<(Chart, TableView)>,
    headlines: Vec<Headline>,
    excluded: String,
    rule: String,
}

#[derive(Template)]
#[template(path = "observatory_indicator.html")]
struct IndicatorPage {
    c: Chrome,
    id: String,
    title: String,
    description: String,
    from: String,
    to: String,
    periods: Vec<(String, String, bool)>,
    breakdowns: Vec<(String, String, bool)>,
    second: Vec<(String, String, bool)>,
    area: String,
    link_worker: String,
    team: String,
    chart: Option<Chart>,
    table: TableView,
    csv_href: String,
    excluded: String,
    rule: String,
}

/// A dimension's value as people read it.
fn label(t: &Tr, dim: &str, v: &Option<String>) -> String {
    let Some(v) = v else { return t.t("obs-all") };
    if v == "unknown" {
        return t.t("obs-unknown");
    }
    match dim {
        "source" => t.code("source-", v),
        "closure_reason" => t.code("closure-", v),
        "need" => t.code("need-", v),
        "stage" => t.code("obs-stage-", v),
        "verdict" => t.code("obs-verdict-", v),
        "sex" => t.code("obs-sex-", v),
        "need_category" | "confirmed_need" => t.code("obs-sdoh-", v),
        "zone" => t.code("obs-zone-", v),
        _ => v.clone(),
    }
}

/// A protected count as people read it: the number, or "hidden".
pub(super) fn count(t: &Tr, n: Option<u64>) -> String {
    n.map(|n| t.num(n as i64))
        .unwrap_or_else(|| t.t("obs-suppressed"))
}

fn stat(t: &Tr, v: &Values, x: Option<f64>) -> String {
    match x {
        Some(x) => t.fixed(x, 1),
        None if v.suppressed => t.t("obs-suppressed"),
        None => t.t("obs-no-data"),
    }
}

/// The headline value of a cell, by the indicator's kind.
fn headline(t: &Tr, e: &Evaluation, v: &Values) -> String {
    match e.kind.as_str() {
        "proportion" => match v.percent {
            Some(p) => t.t2(
                "obs-percent-of",
                "percent",
                t.fixed(p, 1).as_str(),
                "n",
                count(t, v.count).as_str(),
            ),
            None => stat(t, v, None),
        },
        "duration" => match (v.median, v.p90) {
            (Some(m), Some(p)) => t.t2(
                "obs-median-p90",
                "median",
                t.fixed(m, 1).as_str(),
                "p90",
                t.fixed(p, 1).as_str(),
            ),
            _ => stat(t, v, None),
        },
        "mean" => match v.mean {
            Some(m) => match (v.ci_lower, v.ci_upper) {
                (Some(l), Some(u)) => t.a(
                    "obs-mean-ci",
                    &[
                        ("mean", t.fixed(m, 2).as_str().into()),
                        ("lower", t.fixed(l, 2).as_str().into()),
                        ("upper", t.fixed(u, 2).as_str().into()),
                    ],
                ),
                // A caseload is people: one decimal says enough.
                _ => t.fixed(m, if e.unit == "people" { 1 } else { 2 }),
            },
            None => stat(t, v, None),
        },
        _ => count(t, v.count),
    }
}

/// The evaluation as a table: a column per dimension, then the values its kind has.
fn table(t: &Tr, def: &IndicatorDef, e: &Evaluation) -> TableView {
    let mut head: Vec<String> = e.dimensions.iter().map(|d| t.code("obs-dim-", d)).collect();
    let cols: &[&str] = match e.kind.as_str() {
        "proportion" => &[
            "obs-col-numerator",
            "obs-col-denominator",
            "obs-col-percent",
        ],
        "duration" => &["obs-col-n", "obs-col-median", "obs-col-p90"],
        "mean" if e.dimensions.first().map(String::as_str) == Some("instrument") => &[
            "obs-col-n",
            "obs-col-mean",
            "obs-col-ci",
            "obs-col-improved",
            "obs-col-no-change",
            "obs-col-worse",
        ],
        "mean" => &[
            "obs-col-n",
            "obs-col-mean",
            "obs-col-ci",
            "obs-col-over-safe",
        ],
        _ if def.per_population => &["obs-col-count", "obs-col-per-1000"],
        _ => &["obs-col-count"],
    };
    head.extend(cols.iter().map(|k| t.t(k)));
    let rows = e
        .cells
        .iter()
        .map(|c| {
            let v = &c.values;
            let mut r: Vec<String> = c
                .key
                .iter()
                .zip(&e.dimensions)
                .map(|(k, d)| label(t, d, k))
                .collect();
            // Means of different instruments' scales are not combined (the engine gives none).
            let across = e.dimensions.first().map(String::as_str) == Some("instrument") && c.key.first().is_some_and(Option::is_none);
            for k in cols {
                r.push(match *k {
                    "obs-col-mean" | "obs-col-ci" if across => t.t("obs-not-across"),
                    "obs-col-numerator" => count(t, v.numerator),
                    "obs-col-denominator" | "obs-col-n" | "obs-col-count" => count(t, v.count),
                    "obs-col-percent" => stat(t, v, v.percent),
                    "obs-col-median" => stat(t, v, v.median),
                    "obs-col-p90" => stat(t, v, v.p90),
                    "obs-col-mean" => stat(t, v, v.mean),
                    "obs-col-ci" => match (v.ci_lower, v.ci_upper) {
                        (Some(l), Some(u)) => format!("{} – {}", t.fixed(l, 2), t.fixed(u, 2)),
                        _ => stat(t, v, None),
                    },
                    "obs-col-improved" => count(t, v.improved),
                    "obs-col-no-change" => count(t, v.no_change),
                    "obs-col-worse" => count(t, v.worse),
                    "obs-col-over-safe" => count(t, v.numerator),
                    "obs-col-per-1000" => v
                        .per_1000
                        .map(|x| t.fixed(x, 2))
                        .unwrap_or_else(|| t.t("obs-no-data")),
                    _ => String::new(),
                });
            }
            r
        })
        .collect();
    TableView {
        caption: def.title_in(t.lang_tag()).to_string(),
        head,
        rows,
    }
}

/// A bar chart of the cells along the first dimension (the others at "all").
fn chart(t: &Tr, id: &str, title: String, e: &Evaluation) -> Option<Chart> {
    if e.dimensions.is_empty() {
        return None;
    }
    let cells: Vec<_> = e
        .cells
        .iter()
        .filter(|c| c.key[0].is_some() && c.key[1..].iter().all(Option::is_none))
        .collect();
    if cells.is_empty() {
        return None;
    }
    let value = |v: &Values| -> Option<f64> {
        match e.kind.as_str() {
            "proportion" => v.percent,
            "duration" => v.median,
            "mean" => v.mean,
            _ => v.count.map(|n| n as f64),
        }
    };
    let max = cells
        .iter()
        .filter_map(|c| value(&c.values))
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let (left, width, top, height) = (10.0, 280.0, 10.0, 90.0);
    let w = width / cells.len() as f64;
    let bars: Vec<Bar> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = value(&c.values);
            let h = v.map(|v| (v.max(0.0) / max) * height).unwrap_or(0.0);
            Bar {
                x: left + i as f64 * w + w * 0.1,
                y: top + height - h.max(if v.is_some() { 0.0 } else { 2.0 }),
                w: w * 0.8,
                h: h.max(if v.is_some() { 0.0 } else { 2.0 }),
                label: label(t, &e.dimensions[0], &c.key[0]),
                value: headline(t, e, &c.values),
                gap: v.is_none(),
            }
        })
        .collect();
    let summary = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.value))
        .collect::<Vec<_>>()
        .join("; ");
    let label_every = bars.len().div_ceil(6).max(1);
    Some(Chart {
        id: id.to_string(),
        title,
        summary,
        bars,
        label_every,
    })
}

fn excluded_line(t: &Tr, e: &Evaluation) -> String {
    if e.excluded.is_empty() {
        return String::new();
    }
    let part = |reason: &str| {
        e.excluded
            .iter()
            .find(|x| x.reason == reason)
            .map(|x| count(t, x.count))
            .unwrap_or_default()
    };
    t.t2(
        "obs-excluded",
        "withdrawn",
        part("withdrawn_consent").as_str(),
        "unrecorded",
        part("no_consent_recorded").as_str(),
    )
}

/// The disclosure rule applied, and when the facts counted were read (they may be kept a while).
fn rule_line(t: &Tr, e: &Evaluation) -> String {
    let rule = t.t2(
        "obs-rule",
        "max",
        e.rule.suppress_max as i64,
        "round",
        e.rule.round_to as i64,
    );
    match e.as_of {
        Some(at) => format!("{rule} {}", t.t1("obs-as-of", "time", at.format("%Y-%m-%d %H:%M UTC").to_string().as_str())),
        None => rule,
    }
}

fn periods(t: &Tr, current: &str) -> Vec<(String, String, bool)> {
    ["week", "month", "quarter", "year"]
        .iter()
        .map(|p| (p.to_string(), t.code("obs-period-", p), *p == current))
        .collect()
}

async fn dashboard(
    State(state): State<AppState>,
    page: Page,
    Query(p): Query<Params>,
) -> PageResult {
    let (_, a) = page.may(Action::ReadAggregates)?;
    let t = page.t().clone();
    let cat = catalogue(&state).await?;
    let funnel_def = cat.find("pathway-funnel")?;
    let req = p.request(funnel_def, crate::api_v1::today())?;
    let f = facts(&state, &a, "GET /observatory", req.to).await?;
    let plain = linkwork_domain::observatory::Request {
        breakdowns: vec![],
        ..req.clone()
    };
    let mut charts = vec![];
    let funnel = run(&state, funnel_def, &f, &plain);
    let title = funnel_def.title_in(t.lang_tag()).to_string();
    if let Some(ch) = chart(&t, "funnel", title, &funnel) {
        charts.push((ch, table(&t, funnel_def, &funnel)));
    }
    let received = cat.find("referrals-received")?;
    let by_period = linkwork_domain::observatory::Request {
        breakdowns: vec![linkwork_domain::observatory::Dimension::Period],
        ..req.clone()
    };
    let series = run(&state, received, &f, &by_period);
    let title = t.t1("obs-by-period", "title", received.title_in(t.lang_tag()));
    if let Some(ch) = chart(&t, "received", title, &series) {
        charts.push((ch, table(&t, received, &series)));
    }
    let mut headlines = vec![];
    let mut excluded = String::new();
    for def in &cat.current {
        let e = run(&state, def, &f, &plain);
        let value = match e.kind.as_str() {
            "stages" | "distribution" => t.t1(
                "obs-categories",
                "n",
                e.cells
                    .iter()
                    .filter(|c| c.key.iter().all(Option::is_some))
                    .count() as i64,
            ),
            _ => match (e.total(), e.dimensions.first().map(String::as_str)) {
                // Across instruments there is no mean, but the verdicts add up.
                (Some(v), Some("instrument")) => t.a(
                    "obs-improved-of",
                    &[("improved", count(&t, v.improved).as_str().into()), ("n", count(&t, v.count).as_str().into())],
                ),
                (Some(v), _) => headline(&t, &e, v),
                (None, Some("instrument")) => t.t1(
                    "obs-categories",
                    "n",
                    e.cells
                        .iter()
                        .filter(|c| c.key.len() == 1 && c.key[0].is_some())
                        .count() as i64,
                ),
                _ => t.t("obs-no-data"),
            },
        };
        if excluded.is_empty() {
            excluded = excluded_line(&t, &e);
        }
        headlines.push(Headline {
            title: def.title_in(t.lang_tag()).to_string(),
            value,
            href: format!("/observatory/indicators/{}", def.id),
        });
    }
    let rule = rule_line(&t, &funnel);
    let period = req.granularity.as_str().to_string();
    Ok(render(Dashboard {
        c: page.chrome,
        from: req.from.to_string(),
        to: req.to.to_string(),
        periods: periods(&t, &period),
        area: p.area.clone().unwrap_or_default(),
        link_worker: p.link_worker.clone().unwrap_or_default(),
        team: p.team.clone().unwrap_or_default(),
        charts,
        headlines,
        excluded,
        rule,
    }))
}

async fn indicator(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> PageResult {
    let (_, a) = page.may(Action::ReadAggregates)?;
    let t = page.t().clone();
    let cat = catalogue(&state).await?;
    let def = cat.find(&id)?;
    let req = p.request(def, crate::api_v1::today())?;
    let f = facts(
        &state,
        &a,
        &format!("GET /observatory/indicators/{}", def.id),
        req.to,
    )
    .await?;
    let e = run(&state, def, &f, &req);
    let chosen: Vec<String> = req
        .breakdowns
        .iter()
        .map(|d| d.as_str().to_string())
        .collect();
    let options = |pos: usize| -> Vec<(String, String, bool)> {
        std::iter::once((String::new(), t.t("obs-none"), chosen.get(pos).is_none()))
            .chain(def.offered_breakdowns().into_iter().map(|d| {
                (
                    d.as_str().to_string(),
                    t.code("obs-dim-", d.as_str()),
                    chosen.get(pos).map(String::as_str) == Some(d.as_str()),
                )
            }))
            .collect()
    };
    let mut q = vec![
        format!("from={}", req.from),
        format!("to={}", req.to),
        format!("period={}", req.granularity.as_str()),
    ];
    if !chosen.is_empty() {
        q.push(format!("breakdown={}", chosen.join(",")));
    }
    for (k, v) in [
        ("area", &req.filters.area),
        ("link_worker", &req.filters.link_worker),
        ("team", &req.filters.team),
        ("organisation", &req.filters.organisation),
    ] {
        if let Some(v) = v {
            q.push(format!("{k}={}", crate::pages::urlencode(v)));
        }
    }
    q.push("format=csv".into());
    let title = def.title_in(t.lang_tag()).to_string();
    Ok(render(IndicatorPage {
        id: def.id.clone(),
        description: def.description_in(t.lang_tag()).to_string(),
        from: req.from.to_string(),
        to: req.to.to_string(),
        periods: periods(&t, req.granularity.as_str()),
        breakdowns: options(0),
        second: options(1),
        area: p.area.clone().unwrap_or_default(),
        link_worker: p.link_worker.clone().unwrap_or_default(),
        team: p.team.clone().unwrap_or_default(),
        chart: chart(&t, "indicator", title.clone(), &e),
        table: table(&t, def, &e),
        csv_href: format!("/api/v1/indicators/{}?{}", def.id, q.join("&")),
        excluded: excluded_line(&t, &e),
        rule: rule_line(&t, &e),
        title,
        c: page.chrome,
    }))
}
