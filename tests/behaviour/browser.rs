//! The directory pages in a real headless Chromium (Debian's `chromium` and `chromium-driver`),
//! with JavaScript switched off to prove the pages need none, on a phone-sized screen, driven by
//! the keyboard.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::fixtures;
use crate::support::{TestApp, TestDb};

pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Browser {
    pub async fn start() -> Browser {
        Browser::start_with(false).await
    }

    /// `javascript`: whether page scripts may run. Pages have none; the accessibility checker
    /// injected by the tests needs them (its timers do not run in a page with scripts off).
    pub async fn start_with(javascript: bool) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is needed for the page tests: apt-get install chromium chromium-driver (.ci/run does)");
        let profile = tempfile::tempdir().unwrap().keep();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=360,740", format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {"profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 }}
            }
        });
        let caps: serde_json::Map<String, serde_json::Value> = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..50 {
            match ClientBuilder::rustls().expect("tls").capabilities(caps.clone()).connect(&url).await {
                Ok(client) => return Browser { client, driver },
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("could not start headless Chromium through chromedriver: {last:?}");
    }

    /// Gives the page a phone's viewport (desktop Chromium will not make a window narrower than
    /// 500 px), through the DevTools protocol that chromedriver relays.
    pub async fn phone_viewport(&self, width: u32, height: u32) {
        set_viewport(&self.client, width, height).await;
    }

    pub async fn close(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
    }
}

/// Sends one DevTools protocol command through chromedriver.
pub async fn cdp(c: &Client, cmd: &str, params: serde_json::Value) -> serde_json::Value {
    #[derive(Debug)]
    struct Cdp(serde_json::Value);
    impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
        fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
            base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
        }
        fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
            (http::Method::POST, Some(self.0.to_string()))
        }
    }
    c.issue_cmd(Cdp(json!({ "cmd": cmd, "params": params }))).await.unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

/// Sets the page's viewport through the DevTools protocol that chromedriver relays.
pub async fn set_viewport(c: &Client, width: u32, height: u32) {
    cdp(c, "Emulation.setDeviceMetricsOverride", json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": true})).await;
}

/// Renders the page as for `media` ("print" or "screen").
pub async fn emulate_media(c: &Client, media: &str) {
    cdp(c, "Emulation.setEmulatedMedia", json!({ "media": media })).await;
}

pub async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css} on the page")).text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_worker_searches_with_filters_by_keyboard_on_a_phone_without_javascript() {
    let app = TestApp::start(TestDb::sqlite().await.unwrap()).await;
    let f = fixtures::directory();
    app.store().write_batch(&f.batch).await.unwrap();
    app.sync_index().await;
    let b = Browser::start().await;
    let c = &b.client;
    b.phone_viewport(360, 740).await;
    c.goto(&app.url("/directory")).await.unwrap();
    assert_eq!(text_of(c, "h1").await, "Find community services");

    // Type a misspelt search and a postcode, tick "wheelchair access", and submit with Enter.
    c.find(Locator::Id("q")).await.unwrap().send_keys("walkng").await.unwrap();
    c.find(Locator::Id("near")).await.unwrap().send_keys("MB1 1AA").await.unwrap();
    c.find(Locator::Id("wheelchair")).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("q")).await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
    c.wait().at_most(Duration::from_secs(15)).for_element(Locator::Id("results-heading")).await.unwrap();
    assert_eq!(text_of(c, "#results-heading").await, "1 service found");
    assert_eq!(text_of(c, "ol.results h3").await, "Tuesday walking group");
    let reasons = text_of(c, "ol.results ul.reasons").await;
    assert!(reasons.contains("Wheelchair access"), "{reasons}");
    assert!(reasons.contains("away"), "{reasons}");
    // What was typed is still in the form.
    assert_eq!(c.find(Locator::Id("q")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("walkng"));

    // Nothing is wider than a 360-pixel screen.
    // (JavaScript is off for the page; WebDriver's own scripts still run.)
    let widths = c.execute("return [window.innerWidth, document.documentElement.scrollWidth]", vec![]).await.unwrap();
    assert_eq!(widths[0], json!(360), "the phone viewport");
    assert!(widths[1].as_u64().unwrap() <= 360, "the page is {} px wide on a 360 px screen", widths[1]);

    // Open the service page and read it as a person would.
    c.find(Locator::Css("ol.results h3 a")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("dl.facts")).await.unwrap();
    assert_eq!(text_of(c, "h1").await, "Tuesday walking group");
    let body = text_of(c, "main").await;
    assert!(body.contains("Tuesday: 10:00 to 12:00"), "{body}");
    assert!(body.contains("Free"), "{body}");
    assert!(body.contains("English, Spanish"), "{body}");
    assert!(body.contains("6 places available"), "{body}");
    assert!(body.contains("Step-free entrance"), "{body}");
    assert!(body.contains("1 Market Square, Millbrook, MB1 1AA"), "{body}");
    assert!(body.contains("m away"), "distance from the searched postcode: {body}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_the_directory_does_not_know_is_explained_next_to_the_field() {
    let app = TestApp::start(TestDb::sqlite().await.unwrap()).await;
    app.store().write_batch(&fixtures::directory().batch).await.unwrap();
    app.sync_index().await;
    let b = Browser::start().await;
    let c = &b.client;
    c.goto(&app.url("/directory?q=choir&near=ZZ99+9ZZ&age=200")).await.unwrap();
    assert!(text_of(c, "#near-error").await.contains("We do not know where “ZZ99 9ZZ” is"));
    assert!(text_of(c, "#age-error").await.contains("from 0 to 120"));
    assert_eq!(c.find(Locator::Id("q")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("choir"));
    let described = c.find(Locator::Id("near")).await.unwrap().attr("aria-describedby").await.unwrap();
    assert_eq!(described.as_deref(), Some("near-error"));
    b.close().await;
}
