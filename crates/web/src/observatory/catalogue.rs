//! The indicators this deployment offers: the shipped set, one for each indicator communities
//! monitor (`[community] indicators`, decision 0014), and the definitions loaded since
//! (`POST /api/v1/indicators`, `linkwork indicator load`). A definition never changes once
//! loaded (decision 0007): a changed one comes as a new version, which becomes the one evaluated
//! for its id, while every version stays known so that packages made with an older one can still
//! be read. The catalogue is read from the store and kept for `[observatory] cache_seconds`
//! (a load through this server shows at once; one through another server within that time).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use linkwork_domain::observatory::definition::{self, IndicatorDef};
use linkwork_domain::pathway::access::Action;
use linkwork_store::pathway::Actor;

use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::AppState;

pub struct Catalogue {
    /// The version of each indicator that is evaluated: the newest loaded, else the shipped one;
    /// in the shipped order, loaded new ids after.
    pub current: Vec<IndicatorDef>,
    /// Every version known.
    pub known: Vec<IndicatorDef>,
    /// The ids and versions that were loaded rather than shipped.
    pub loaded: Vec<(String, String)>,
}

/// The shipped definitions and the communities' (made from the configuration), parsed once per
/// server (the catalogue is rebuilt every `cache_seconds`, or for every question when that is 0).
fn shipped(state: &AppState) -> &[IndicatorDef] {
    state.indicators.shipped.get_or_init(|| {
        let mut all = definition::built_in();
        for i in &state.config.community.indicators {
            let d = i.definition();
            // The configuration is checked at start; a code that makes a shipped id is left out.
            if d.check().is_ok() && !all.iter().any(|s| s.id == d.id) {
                all.push(d);
            }
        }
        all
    })
}

impl Catalogue {
    /// The shipped set with `loaded` applied in the order given.
    pub fn with(shipped: &[IndicatorDef], loaded: Vec<IndicatorDef>) -> Catalogue {
        let mut current = shipped.to_vec();
        let mut known = current.clone();
        let mut ids = vec![];
        for d in loaded {
            ids.push((d.id.clone(), d.version.clone()));
            match current.iter_mut().find(|c| c.id == d.id) {
                Some(c) => *c = d.clone(),
                None => current.push(d.clone()),
            }
            known.push(d);
        }
        Catalogue { current, known, loaded: ids }
    }

    pub fn find(&self, id: &str) -> ApiResult<&IndicatorDef> {
        self.current.iter().find(|d| d.id == id).ok_or_else(|| ApiError::not_found(format!("indicator '{id}'")))
    }
}

/// The catalogue as last read, and when.
#[derive(Default)]
pub struct CatalogueCache {
    shipped: std::sync::OnceLock<Vec<IndicatorDef>>,
    kept: std::sync::Mutex<Option<(Instant, Arc<Catalogue>)>>,
}

/// The catalogue in force.
pub async fn catalogue(state: &AppState) -> ApiResult<Arc<Catalogue>> {
    let ttl = Duration::from_secs(state.config.observatory.cache_seconds);
    if let Some((at, c)) = state.indicators.kept.lock().expect("the catalogue lock").as_ref() {
        if at.elapsed() < ttl {
            return Ok(c.clone());
        }
    }
    let mut loaded = vec![];
    for json in state.store().list_indicator_definitions().await? {
        // Checked when loaded; one the engine no longer reads (after an upgrade) is left out and
        // said so in the log, rather than taking every indicator down with it.
        match IndicatorDef::parse(&json) {
            Ok(d) => loaded.push(d),
            Err(e) => tracing::warn!(error = %e, "a loaded indicator definition no longer reads; it is not offered"),
        }
    }
    let c = Arc::new(Catalogue::with(shipped(state), loaded));
    *state.indicators.kept.lock().expect("the catalogue lock") = Some((Instant::now(), c.clone()));
    Ok(c)
}

/// Checks and keeps a definition; answers whether it was new. The same id and version as a
/// shipped definition is the shipped one, unchanged or refused.
pub async fn load(state: &AppState, a: &Actor, json: &str) -> ApiResult<(IndicatorDef, bool)> {
    let def = IndicatorDef::parse(json).map_err(|e| {
        ApiError::invalid(
            e.0.into_iter()
                .map(|m| match m.split_once(": ") {
                    Some((field, message)) if !field.contains(' ') || field.starts_with("line ") => FieldError::new(field, message),
                    _ => FieldError::new("(definition)", m),
                })
                .collect(),
        )
    })?;
    if let Some(shipped) = shipped(state).iter().find(|d| d.id == def.id && d.version == def.version) {
        if shipped.canonical() == def.canonical() {
            return Ok((def, false));
        }
        return Err(ApiError::conflict(format!(
            "{} version {} is shipped with Linkwork with a different definition; give yours a new version",
            def.id, def.version
        )));
    }
    let new = state.store().load_indicator(a, &def.id, &def.version, &def.canonical()).await?;
    *state.indicators.kept.lock().expect("the catalogue lock") = None;
    Ok((def, new))
}

/// Loads an indicator definition (as the shipped files in `crates/domain/indicators` are
/// written). A broken one is refused with every reason; the same id and version with another
/// definition is a conflict (give it a new version). The newest version of an id is the one
/// evaluated from then on.
#[utoipa::path(post, path = "/api/v1/indicators", tag = "observatory", request_body = Object,
    responses(
        (status = 201, description = "Loaded", body = super::api::IndicatorSummary),
        (status = 200, description = "Already loaded, unchanged", body = super::api::IndicatorSummary),
        (status = 401, description = "Not signed in", content_type = "application/problem+json"),
        (status = 403, description = "Only administrators load indicators", content_type = "application/problem+json"),
        (status = 409, description = "This id and version is loaded with another definition", content_type = "application/problem+json"),
        (status = 422, description = "Refused; each problem names the field", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn post_indicator(State(state): State<AppState>, caller: Caller, Body(def): Body<serde_json::Value>) -> ApiResult<Response> {
    let a = caller.may(Action::ManageIndicators)?;
    let (d, new) = load(&state, &a, &def.to_string()).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(super::api::summary(&d))).into_response())
}
