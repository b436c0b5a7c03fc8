//! What lets facilitators work with no connection (docs/decisions/0013): the one script pages under `/places` may
//! load (`outbox.js`, the outbox that keeps forms on the phone and sends them, exactly once, when the connection
//! comes back), the service worker that keeps the `/places` pages on the phone (`sw.js`, allowed the scope
//! `/places`), the web app's manifest and its icon. All four are compiled into the binary, like the stylesheet.
//! Nothing here decides anything: the forms are the same forms, posted to the same handlers.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/places/outbox.js", get(outbox))
        .route("/places/sw.js", get(service_worker))
        .route("/places/manifest.webmanifest", get(manifest))
        .route("/places/icon.svg", get(icon))
}

const OUTBOX: &str = include_str!("../../static/outbox.js");
const SERVICE_WORKER: &str = include_str!("../../static/sw.js");
const MANIFEST: &str = include_str!("../../static/manifest.webmanifest");
const ICON: &str = include_str!("../../static/icon.svg");

/// Cached for an hour: the service worker also keeps its own copy and refreshes it behind the page.
const FOR_AN_HOUR: &str = "public, max-age=3600";

async fn outbox() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, FOR_AN_HOUR)], OUTBOX).into_response()
}

/// Always checked with the server (`no-cache`), so a new version reaches phones on their next visit online; allowed
/// the scope `/places` although it is served from below it.
async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("service-worker-allowed"), "/places"),
        ],
        SERVICE_WORKER,
    )
        .into_response()
}

async fn manifest() -> Response {
    ([(header::CONTENT_TYPE, "application/manifest+json"), (header::CACHE_CONTROL, FOR_AN_HOUR)], MANIFEST).into_response()
}

async fn icon() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], ICON).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script shows only what the page's panel gives it: no words of its own (the pseudo-language check in the
    /// browser cannot see text a script would add later), and every message it reads is in the panel.
    #[test]
    fn the_outbox_names_only_messages_its_panel_carries() {
        let panel = include_str!("../../templates/outbox_panel.html");
        let mut rest = OUTBOX;
        let mut named = 0;
        while let Some(i) = rest.find("say('") {
            let after = &rest[i + 5..];
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            let attr: String = name.chars().flat_map(|c| if c.is_ascii_uppercase() { vec!['-', c.to_ascii_lowercase()] } else { vec![c] }).collect();
            assert!(panel.contains(&format!("data-{attr}=")), "outbox.js says {name}, which outbox_panel.html does not carry");
            named += 1;
            rest = after;
        }
        assert!(named >= 5, "found only {named} messages in outbox.js; the scan is broken");
        for state in ["waiting", "sending", "signin", "invalid", "conflict", "failed", "other-user"] {
            assert!(panel.contains(&format!("data-state-{state}=")), "the panel lacks the words for the state {state}");
        }
    }

    #[test]
    fn the_offline_bundle_stays_small() {
        let total = OUTBOX.len() + SERVICE_WORKER.len() + MANIFEST.len() + ICON.len() + include_str!("../../static/app.css").len();
        assert!(total < 300 * 1024, "the offline bundle weighs {total} bytes");
    }
}
