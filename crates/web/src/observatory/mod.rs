//! The observatory in the web layer: the indicators API (`api`), the analysts' dashboard
//! (`pages`), and packages published and compared across programmes (`package`). Both ask the same [`run`], which checks the caller may read aggregates, loads the
//! de-identified facts through the store (audited), and evaluates with the domain's engine, so
//! every output — page, CSV, JSON — is the engine's protected result and nothing else.

pub mod api;
pub mod catalogue;
pub mod csv_out;
pub mod package;
pub mod pages;

use chrono::{Datelike, NaiveDate};
use linkwork_domain::instrument::{change, Better, Instrument};
use linkwork_domain::observatory::definition::IndicatorDef;
use linkwork_domain::observatory::Dimension;
use linkwork_domain::observatory::{
    evaluate, Evaluation, Facts, Filters, Granularity, ObservatorySettings, Request,
};
use linkwork_store::pathway::Actor;
use std::sync::Arc;

use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub use catalogue::{catalogue, Catalogue};

/// The settings in force: the configured ones, with the code list's groups and the safe caseload.
pub fn settings(state: &AppState) -> ObservatorySettings {
    let mut s = state.config.observatory.clone();
    s.safe_caseload = state.config.safe_caseload.max(0) as u64;
    if s.ethnicity_groups.is_empty() {
        for (code, label) in linkwork_domain::pathway::person::DEFAULT_ETHNICITY_CODES {
            s.ethnicity_groups.insert(
                code.to_string(),
                label.split(':').next().unwrap_or(label).trim().to_string(),
            );
        }
    }
    s
}

/// The parameters of a question, as text from a query string or a form.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Params {
    /// First day counted, YYYY-MM-DD (default: the first day of the month a year ago).
    pub from: Option<String>,
    /// Last day counted, YYYY-MM-DD (default: today).
    pub to: Option<String>,
    /// week, month (default), quarter or year: the width of a time series' periods.
    pub period: Option<String>,
    /// One or two breakdowns, comma-separated (e.g. `sex` or `deprivation_quintile,sex`).
    pub breakdown: Option<String>,
    /// Only people whose area is this (for communities' values: this place and the places in it).
    pub area: Option<String>,
    /// A second breakdown, for a two-way table (the page's second choice).
    pub breakdown2: Option<String>,
    /// Only this link worker's episodes (their display name).
    pub link_worker: Option<String>,
    /// Only episodes of this link-worker team's workers.
    pub team: Option<String>,
    /// Only onward referrals to this organisation (its id).
    pub organisation: Option<String>,
    /// json (default), csv, or fhir (a FHIR R4 MeasureReport; the API only).
    pub format: Option<String>,
}

fn field(name: &str, message: String) -> ApiError {
    ApiError::field(name, message)
}

fn date(name: &str, v: &Option<String>) -> ApiResult<Option<NaiveDate>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| field(name, format!("'{s}' is not a date; write it as YYYY-MM-DD"))),
    }
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Params {
    /// The request these parameters ask for, checked against the indicator.
    pub fn request(&self, def: &IndicatorDef, today: NaiveDate) -> ApiResult<Request> {
        let to = date("to", &self.to)?.unwrap_or(today);
        let year_ago =
            NaiveDate::from_ymd_opt(to.year() - 1, to.month(), 1).expect("the first of a month");
        let from = date("from", &self.from)?.unwrap_or(year_ago);
        let granularity = match text(&self.period) {
            None => Granularity::Month,
            Some(p) => Granularity::parse(&p).map_err(|e| field("period", e))?,
        };
        let mut breakdowns = vec![];
        for b in [text(&self.breakdown), text(&self.breakdown2)]
            .iter()
            .flatten()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            breakdowns.push(Dimension::parse(b).map_err(|e| field("breakdown", e))?);
        }
        let req = Request {
            from,
            to,
            granularity,
            breakdowns,
            filters: Filters {
                area: text(&self.area),
                link_worker: text(&self.link_worker),
                team: text(&self.team),
                organisation: text(&self.organisation),
            },
        };
        req.check(def).map_err(|p| {
            let errors: Vec<_> = p
                .into_iter()
                .map(|(f, m)| linkwork_domain::pathway::FieldError::new(f, m))
                .collect();
            let detail = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ");
            ApiError::BadRequest { detail, errors }
        })?;
        Ok(req)
    }
}

/// Judges an outcome from the instrument's stored definition and the configured thresholds.
pub(crate) fn judge(
    state: &AppState,
) -> impl Fn(&str, &str, &str, f64, f64) -> Option<(f64, Option<linkwork_domain::instrument::Change>)>
       + Sync
       + '_ {
    move |definition: &str, name: &str, score_id: &str, baseline: f64, follow_up: f64| {
        let v: serde_json::Value = serde_json::from_str(definition).ok()?;
        let ins = Instrument::parse(&v).ok()?;
        let rule = ins.scoring.scores.iter().find(|s| s.id == score_id)?;
        let better = rule.better?;
        let improvement = match better {
            Better::Higher => follow_up - baseline,
            Better::Lower => baseline - follow_up,
        };
        Some((
            improvement,
            change(
                rule,
                baseline,
                follow_up,
                state.config.outcomes.threshold(name, score_id),
            ),
        ))
    }
}

/// Facts loaded recently, by the day they end on. Loading them reads every episode, so a
/// dashboard (18 indicators) or an analyst trying breakdowns one after another shares one load.
/// An entry serves for at most `[observatory] cache_seconds`, which bounds how late changes made
/// through other servers show. Within that:
/// - while this process has committed no pathway change since the load (the store's
///   generation), it serves as it is;
/// - after a change, a quick load (a small deployment) is simply made again, so the change is
///   counted in the next answer; a slow one (at 100k people, seconds) is not waited for: the
///   answer comes from the facts in memory while one fresh load runs in the background (as it
///   also does for a slow entry past half its life, so that it is replaced before it expires).
#[derive(Default)]
pub struct FactsCache {
    entries: tokio::sync::Mutex<Vec<Cached>>,
    refreshing: std::sync::atomic::AtomicBool,
}

struct Cached {
    to: NaiveDate,
    today: NaiveDate,
    generation: u64,
    loaded: std::time::Instant,
    took: std::time::Duration,
    facts: Arc<Facts>,
}

/// How many end days are kept (the default "today" and a few an analyst is comparing).
const CACHED_DAYS: usize = 4;
/// A load quicker than this is made again after a change rather than answered from before it.
const QUICK_LOAD: std::time::Duration = std::time::Duration::from_millis(250);

/// The facts for questions ending on `to`; every call is recorded in the audit log as `purpose`,
/// whether the facts were loaded for it or served from memory.
pub async fn facts(state: &AppState, a: &Actor, purpose: &str, to: NaiveDate) -> ApiResult<Arc<Facts>> {
    let today = linkwork_domain::pathway::now().date_naive();
    let store = state.store();
    let ttl = std::time::Duration::from_secs(state.config.observatory.cache_seconds);
    let cache = &state.observatory_cache;
    // Held while loading, so that requests arriving together wait for one load, not make many.
    let mut entries = cache.entries.lock().await;
    let current = store.generation();
    if let Some(c) = entries.iter().find(|c| c.to == to && c.today == today && c.loaded.elapsed() < ttl) {
        let stale = c.generation != current;
        if !stale || c.took > QUICK_LOAD {
            let f = c.facts.clone();
            // Past half its life an entry is refreshed in the background too, so that analysts
            // at work do not meet a slow load each time one expires.
            let ageing = c.loaded.elapsed() > ttl / 2 && c.took > QUICK_LOAD;
            drop(entries);
            if (stale || ageing) && !cache.refreshing.swap(true, std::sync::atomic::Ordering::AcqRel) {
                let (state, a, purpose) = (state.clone(), a.clone(), format!("{purpose} (refreshing the facts)"));
                tokio::spawn(async move {
                    if let Ok(c) = load(&state, &a, &purpose, to, today).await {
                        keep(&mut *state.observatory_cache.entries.lock().await, c, ttl);
                    }
                    state.observatory_cache.refreshing.store(false, std::sync::atomic::Ordering::Release);
                });
            }
            store.record_aggregate_read(a, purpose).await?;
            return Ok(f);
        }
    }
    let c = load(state, a, purpose, to, today).await?;
    let f = c.facts.clone();
    keep(&mut entries, c, ttl);
    Ok(f)
}

/// Loads the facts for questions ending today, so that the first analyst after a start does not
/// wait for the load (seconds at 100k people). The read is audited as the system's.
pub async fn warm(state: &AppState) {
    let a = Actor::system("loading the observatory's facts at start");
    let today = linkwork_domain::pathway::now().date_naive();
    match facts(state, &a, "warm-up at start", today).await {
        Ok(f) => tracing::info!(episodes = f.episodes.len(), "observatory facts loaded"),
        Err(e) => tracing::warn!(error = ?e, "the observatory's facts could not be loaded at start; the first question will load them"),
    }
}

async fn load(state: &AppState, a: &Actor, purpose: &str, to: NaiveDate, today: NaiveDate) -> ApiResult<Cached> {
    // Read before loading: a change committed during the load makes the entry stale at once.
    let generation = state.store().generation();
    let started = std::time::Instant::now();
    let j = judge(state);
    let facts = Arc::new(state.store().observatory_facts(a, purpose, to, today, &j).await?);
    Ok(Cached { to, today, generation, loaded: started, took: started.elapsed(), facts })
}

fn keep(entries: &mut Vec<Cached>, c: Cached, ttl: std::time::Duration) {
    entries.retain(|e| !(e.to == c.to && e.today == c.today) && e.loaded.elapsed() < ttl);
    if ttl > std::time::Duration::ZERO {
        entries.push(c);
    }
    if entries.len() > CACHED_DAYS {
        entries.remove(0);
    }
}

/// Evaluates one indicator for a request over facts already loaded.
pub fn run(state: &AppState, def: &IndicatorDef, facts: &Facts, req: &Request) -> Evaluation {
    evaluate(def, facts, req, &settings(state))
}
