//! The HTTP layer: the HSDS API, the directory pages, and the problem-details error type.
//!
//! It knows the store and the search index through their public APIs and the domain types;
//! it holds no SQL and no index internals. The binary builds an [`AppState`] and calls [`serve`].

pub mod api_v1;
pub mod auth;
pub mod coproduction;
mod body;
pub mod directory;
pub mod error;
pub mod fhir_api;
pub mod hsds_api;
pub mod i18n;
pub mod identification;
pub mod matching;
pub mod measures_api;
pub mod observatory;
pub mod openapi;
pub mod pages;
pub mod research;
pub mod notify;
pub mod sessions;
pub mod teams;
mod session_pages;
pub mod ui;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use directory::Directory;

/// Settings the web layer needs.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Who publishes this directory (shown in `GET /`).
    pub publisher_name: String,
    /// The URL users reach the server at, when it is behind a proxy.
    pub public_url: Option<String>,
    /// People per link worker per year above which the caseload warns (England's guide: 200–250).
    pub safe_caseload: i64,
    /// The ethnicity code list people's records use.
    pub ethnicity_codes: Vec<String>,
    /// Offers the pseudo-language `en-XA` (every translated string in `⟦…⟧`), for checking that
    /// pages show nothing outside the translation resources.
    pub pseudo_language: bool,
    /// Need-to-taxonomy keywords and weights for matching.
    pub matching: linkwork_domain::matching::MatchingSettings,
    /// Outcome thresholds that replace instruments' own.
    pub outcomes: linkwork_domain::instrument::OutcomeSettings,
    /// Disclosure control, age bands, targets and populations for the indicators.
    pub observatory: linkwork_domain::observatory::ObservatorySettings,
    /// The levels of the hierarchy of places.
    pub places: linkwork_domain::coproduction::PlaceSettings,
    /// The community cycle's code lists.
    pub community: linkwork_domain::coproduction::CommunitySettings,
    /// The rules that find a practice's patients who may benefit (`[identification]`).
    pub identification: linkwork_domain::identification::IdentificationSettings,
    /// How emails, texts and FHIR notifications are sent.
    pub notify: notify::NotifySettings,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            publisher_name: "Linkwork".into(),
            public_url: None,
            safe_caseload: 250,
            ethnicity_codes: linkwork_domain::pathway::person::DEFAULT_ETHNICITY_CODES.iter().map(|(c, _)| c.to_string()).collect(),
            pseudo_language: false,
            matching: linkwork_domain::matching::MatchingSettings::default(),
            outcomes: linkwork_domain::instrument::OutcomeSettings::default(),
            observatory: linkwork_domain::observatory::ObservatorySettings::default(),
            places: linkwork_domain::coproduction::PlaceSettings::default(),
            community: linkwork_domain::coproduction::CommunitySettings::default(),
            identification: linkwork_domain::identification::IdentificationSettings::default(),
            notify: notify::NotifySettings::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub directory: Directory,
    pub config: WebConfig,
    pub i18n: std::sync::Arc<i18n::Catalog>,
    /// The observatory's facts as last loaded (see `observatory::facts`).
    pub observatory_cache: std::sync::Arc<observatory::FactsCache>,
    /// The indicator definitions as last read (see `observatory::catalogue`).
    pub indicators: std::sync::Arc<observatory::catalogue::CatalogueCache>,
}

impl AppState {
    pub fn new(directory: Directory, config: WebConfig) -> AppState {
        // The resources are compiled in and checked by unit tests: failing here is a build bug.
        let catalog = i18n::Catalog::load(config.pseudo_language).expect("the translation resources parse");
        AppState { directory, config, i18n: std::sync::Arc::new(catalog), observatory_cache: Default::default(), indicators: Default::default() }
    }

    pub fn store(&self) -> &linkwork_store::Store {
        &self.directory.store
    }

    pub fn public_url(&self, headers: &HeaderMap) -> String {
        if let Some(u) = &self.config.public_url {
            return u.trim_end_matches('/').to_string();
        }
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        format!("http://{host}")
    }
}

/// `GET /`: the HSDS API root for machines, the directory for people.
async fn root(state: State<AppState>, headers: HeaderMap) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .map(|a| a.contains("text/html"))
        .unwrap_or(false);
    if wants_html {
        Redirect::to("/directory").into_response()
    } else {
        hsds_api::api_root(state, headers).await.into_response()
    }
}

pub fn router(state: AppState) -> Router {
    let cors = CorsLayer::new().allow_origin(Any).allow_methods([Method::GET, Method::HEAD, Method::OPTIONS]).allow_headers(Any);
    let hsds = hsds_api::routes().route("/", get(root)).layer(cors);
    let limited = Router::new()
        .merge(hsds)
        .merge(
            pages::routes()
                .merge(session_pages::routes())
                .merge(ui::routes())
                .merge(observatory::pages::routes())
                .merge(observatory::package::page_routes())
                .merge(research::pages::routes())
                .merge(coproduction::pages::routes())
                .merge(coproduction::cycle_pages::routes())
                .merge(notify::pages::routes())
                .merge(sessions::page_routes())
                .layer(axum::middleware::from_fn_with_state(state.clone(), ui::error_pages)),
        )
        .merge(api_v1::routes())
        .merge(measures_api::routes())
        .merge(observatory::api::routes())
        .merge(observatory::package::routes())
        .merge(research::api::routes())
        .merge(teams::routes())
        .merge(coproduction::places::routes())
        .merge(coproduction::offline::routes())
        .merge(coproduction::records::routes())
        .merge(fhir_api::routes())
        .merge(notify::api::routes())
        .merge(sessions::api_routes())
        .route("/api/openapi.json", get(openapi::document))
        .route("/health", get(|| async { "ok" }))
        .layer(RequestBodyLimitLayer::new(1024 * 1024));
    // A programme's package grows with its organisations and months, past the 1 MiB every other
    // body is held to.
    let packages = observatory::package::upload_routes()
        .layer(axum::extract::DefaultBodyLimit::max(observatory::package::UPLOAD_LIMIT))
        .layer(RequestBodyLimitLayer::new(observatory::package::UPLOAD_LIMIT));
    Router::new()
        .merge(limited)
        .merge(packages)
        .merge(identification::routes(&state))
        .fallback(|| async { error::ApiError::not_found("page at this address") })
        .layer(axum::middleware::map_response(error::problems_for_bare_errors))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .with_state(state)
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    pub handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds `addr` (port 0 picks a free port), starts following the directory's change feed, and
/// serves until the process ends.
pub async fn serve(addr: SocketAddr, state: AppState) -> std::io::Result<Server> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    state.directory.spawn_follower(Duration::from_millis(500));
    if state.config.notify.deliver {
        let base = state.config.public_url.clone().map(|u| u.trim_end_matches('/').to_string()).unwrap_or_else(|| format!("http://{addr}"));
        notify::worker::spawn(state.clone(), base);
    }
    let app = router(state);
    let handle = tokio::spawn(async move { axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await });
    Ok(Server { addr, handle })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
