//! The web application in a real headless Chromium on a 360-pixel phone screen, pages without a
//! single script (checked on each): the whole pathway walked through the pages by a referrer, a link worker and a
//! community organisation, in English, Spanish, Lao and the pseudo-language. Every page visited
//! is checked with axe-core (WCAG 2.1 A and AA rules) and for horizontal overflow; in the
//! pseudo-language every piece of text on every page must come from the translation resources
//! or be data a user entered.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::browser::{text_of, Browser};
use crate::pathway::{World, PASSWORD};
use crate::support::TestDb;

mod community;
mod identification;
mod offline;

/// axe-core from npm (`tests/browser-tools`, installed by `.ci/run`).
fn axe_source() -> Option<String> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("browser-tools/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&p) {
        Ok(s) => Some(s),
        Err(_) if std::env::var("LINKWORK_REQUIRE_TOOLS").is_ok() => panic!("axe-core is missing at {}: run `npm ci --prefix tests/browser-tools`", p.display()),
        Err(_) => {
            eprintln!("NOT RUN: axe-core checks (npm ci --prefix tests/browser-tools)");
            None
        }
    }
}

/// A message's text in a language, read from the resources (simple one-line messages).
fn message(lang: &str, id: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../crates/web/locales/{lang}/main.ftl"));
    let text = std::fs::read_to_string(&p).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{id} = ")))
        .unwrap_or_else(|| panic!("{id} is not a one-line message in {lang}"))
        .trim()
        .to_string()
}

/// The one script a page may have (facilitators' pages only).
const OUTBOX_SCRIPT: &str = "/places/outbox.js";

struct Walk<'a> {
    c: &'a Client,
    base: String,
    lang: &'static str,
    axe: Option<String>,
    /// What users typed and the fixture's names: the only text allowed outside the resources.
    data: Vec<String>,
    pages_checked: usize,
    shots: Option<std::path::PathBuf>,
}

/// Finds text outside `⟦…⟧` (after removing nested brackets from the inside out), in text nodes
/// and in the attributes people read (placeholder, aria-label, title, alt).
const UNTRANSLATED: &str = r#"
const out = [];
const strip = (s) => { let prev; do { prev = s; s = s.replace(/⟦[^⟦⟧]*⟧/g, ' '); } while (s !== prev); return s.trim(); };
const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
let n;
while ((n = walker.nextNode())) {
  const tag = n.parentElement ? n.parentElement.tagName : '';
  // Machine values (a generated password, a code) are shown in <code>.
  if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEXTAREA' || tag === 'CODE') continue;
  const rest = strip(n.nodeValue);
  if (rest) out.push(rest);
}
for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],[alt]')) {
  for (const a of ['placeholder', 'aria-label', 'title', 'alt']) {
    const v = el.getAttribute(a);
    if (v) { const rest = strip(v); if (rest) out.push(rest); }
  }
}
return out;
"#;

impl<'a> Walk<'a> {
    async fn go(&mut self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.check(path).await;
    }

    /// Submits the form that holds `css` (a button or a field) by clicking its submit button,
    /// and checks the page it leads to.
    async fn submit(&mut self, form_css: &str) {
        let button = self.c.find(Locator::Css(&format!("{form_css} button[type=submit]"))).await.unwrap_or_else(|_| panic!("no submit button in {form_css}"));
        let old = self.c.find(Locator::Css("html")).await.unwrap();
        button.click().await.unwrap();
        wait_for_new_page(self.c, old).await;
        let url = self.c.current_url().await.unwrap();
        self.check(url.path()).await;
    }

    /// Presses one button (a form with several), waits for the page it leads to and checks it.
    async fn press(&mut self, button_css: &str) {
        let old = self.c.find(Locator::Css("html")).await.unwrap();
        self.c.find(Locator::Css(button_css)).await.unwrap_or_else(|_| panic!("no {button_css}")).click().await.unwrap();
        wait_for_new_page(self.c, old).await;
        let url = self.c.current_url().await.unwrap();
        self.check(url.path()).await;
    }

    async fn fill(&self, id: &str, value: &str) {
        let el = self.c.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("no #{id}"));
        el.clear().await.unwrap();
        el.send_keys(value).await.unwrap();
    }

    async fn tick(&self, id: &str) {
        self.c.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("no #{id}")).click().await.unwrap();
    }

    /// Date inputs take their value directly: typing into them depends on the browser's locale.
    async fn set_date(&self, id: &str, value: &str) {
        self.c.execute("document.getElementById(arguments[0]).value = arguments[1]", vec![json!(id), json!(value)]).await.unwrap();
    }

    async fn text(&self, css: &str) -> String {
        text_of(self.c, css).await
    }

    async fn check(&mut self, what: &str) {
        self.pages_checked += 1;
        let lang = self.c.execute("return document.documentElement.lang", vec![]).await.unwrap();
        assert_eq!(lang, json!(self.lang), "{what}: the page says it is in {lang}");
        // Only the facilitators' pages (under /places) have a script: the outbox that keeps what
        // is filled in offline (decision 0013). Every other page has none.
        let scripts: Vec<String> =
            serde_json::from_value(self.c.execute("return [...document.scripts].map(s => s.getAttribute('src') || 'inline')", vec![]).await.unwrap()).unwrap();
        let allowed: &[&str] = if what.starts_with("/places") { &[OUTBOX_SCRIPT] } else { &[] };
        assert!(scripts.iter().all(|s| allowed.contains(&s.as_str())), "{what} has scripts {scripts:?}; pages must work without JavaScript");
        let widths = self.c.execute("return [window.innerWidth, document.documentElement.scrollWidth]", vec![]).await.unwrap();
        assert!(widths[1].as_u64().unwrap() <= widths[0].as_u64().unwrap(), "{what} is wider than the {} px screen: {}", widths[0], widths[1]);
        if let Some(axe) = &self.axe {
            self.c.execute(axe, vec![]).await.unwrap();
            let v = self
                .c
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                        .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.html).slice(0, 3) }))))
                        .catch(e => done([{ id: 'axe-error', help: String(e) }]));",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(v, json!([]), "{what} ({}) breaks WCAG 2.1 AA rules: {v:#}", self.lang);
        }
        if self.lang == "en-XA" {
            let rest: Vec<String> = serde_json::from_value(self.c.execute(UNTRANSLATED, vec![]).await.unwrap()).unwrap();
            let mut data = self.data.clone();
            data.sort_by_key(|d| std::cmp::Reverse(d.len()));
            for r in rest {
                let mut left = r.clone();
                for d in &data {
                    left = left.replace(d.as_str(), " ");
                }
                // Record references and ids are data too.
                let is_id = |w: &str| w.len() >= 8 && w.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
                let left: String = left.split_whitespace().filter(|w| !is_id(w.trim_matches(|c: char| !c.is_alphanumeric()))).collect::<Vec<_>>().join(" ");
                let left: String = left.chars().filter(|c| c.is_alphabetic()).collect();
                assert!(left.is_empty(), "{what} shows “{r}”, which is neither in the translation resources nor data a user entered");
            }
        }
        if let Some(dir) = &self.shots {
            let name = what.trim_matches('/').replace('/', "-");
            let name = if name.is_empty() { "home".to_string() } else { name };
            // The whole page, at the phone's width.
            let h = self.c.execute("return document.documentElement.scrollHeight", vec![]).await.unwrap().as_u64().unwrap_or(740) as u32;
            crate::browser::set_viewport(self.c, 360, h.min(4000)).await;
            let png = self.c.screenshot().await.unwrap();
            crate::browser::set_viewport(self.c, 360, 740).await;
            std::fs::write(dir.join(format!("{:02}-{name}.png", self.pages_checked)), png).unwrap();
        }
    }

    async fn sign_in(&mut self, username: &str) {
        self.go("/login").await;
        self.fill("username", username).await;
        self.fill("password", PASSWORD).await;
        self.submit("main form[action='/login']").await;
    }

    async fn sign_out(&mut self) {
        let old = self.c.find(Locator::Css("html")).await.unwrap();
        if self.c.find(Locator::Css("header form[action='/logout'] button")).await.is_err() {
            panic!("no sign-out button on {}: {}", self.c.current_url().await.unwrap(), self.c.source().await.unwrap().chars().take(3000).collect::<String>());
        }
        self.c.find(Locator::Css("header form[action='/logout'] button")).await.unwrap().click().await.unwrap();
        wait_for_new_page(self.c, old).await;
    }

    fn path_id(url: &url::Url) -> String {
        url.path().split('/').nth(2).unwrap_or_default().to_string()
    }
}

/// The whole pathway through the pages, in one language, on SQLite.
async fn walk_the_pathway(lang: &'static str) {
    walk_the_pathway_on(lang, TestDb::sqlite().await.unwrap()).await;
}

async fn walk_the_pathway_on(lang: &'static str, db: TestDb) {
    let w = World::new(db).await;
    w.app.sync_index().await;
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    // LINKWORK_SCREENSHOTS=DIR saves every page of the SQLite journeys in DIR/<language>/.
    let shots = std::env::var("LINKWORK_SCREENSHOTS").ok().filter(|_| w.app.db.pg_name.is_none()).map(|d| std::path::PathBuf::from(d).join(lang));
    if let Some(d) = &shots {
        std::fs::create_dir_all(d).unwrap();
    }
    let mut data: Vec<String> = ["Ada", "Lovelace", "Ada Lovelace", "MB1 1AA", "07700 900123", "Tuesday walking group", "Community choir", "Emergency food parcels", "Millbrook Ramblers", "Millbrook Food Bank", "Millbrook Library", "Oakley Village Hall", "1 Market Square", "Millbrook", "gp", "lw", "provider", "provider2", "admin", "Gentle group walks around the park for people who want company and fresh air.", "Meeting people and getting out", "walking", "Walk with others once a week", "Looking forward to it", "Came with her neighbour", "Millbrook Surgery", "Linkwork", "Physical activity", "Walking", "Food"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    data.push(w.f.walking.clone());
    data.extend(directory_text(&w));
    let mut p = Walk { c: &b.client, base: w.app.url(""), lang, axe: axe_source(), data, pages_checked: 0, shots };

    // Choose the language with the switcher; the choice is remembered from then on.
    p.c.goto(&format!("{}/directory?lang={lang}", p.base)).await.unwrap();
    p.submit("header form[action='/language']").await;
    assert_eq!(p.text("h1").await, if lang == "en-XA" { format!("⟦{}⟧", message("en", "directory-heading")) } else { message(lang, "directory-heading") });

    // Anyone can search the directory, read a service and ask for a link worker.
    p.go("/directory?q=walking&near=MB1+1AA").await;
    p.go(&format!("/directory/services/{}?near=MB1+1AA", w.f.walking)).await;
    p.go("/self-referral").await;

    // The referrer refers. Sent without the person's consent first: the form says so next to
    // the field and keeps everything typed.
    p.sign_in("gp").await;
    p.go("/referrals/new").await;
    let form_bytes = reqwest_len(&p.base, "/referrals/new", &b.client).await;
    assert!(form_bytes < 100 * 1024, "the referral form page weighs {form_bytes} bytes");
    eprintln!("the referral form page and its stylesheet: {form_bytes} bytes");
    p.fill("person-given_name", "Ada").await;
    p.fill("person-family_name", "Lovelace").await;
    p.set_date("person-birth_date", "1956-03-21").await;
    p.fill("person-phone", "07700 900123").await;
    p.fill("person-postcode", "MB1 1AA").await;
    p.tick("reason-social_connection").await;
    p.tick("reason-exercise").await;
    p.fill("referral-referrer_organisation", "Millbrook Surgery").await;
    p.submit("main form[action='/referrals/new']").await;
    assert!(!p.text("#consent_to_support-error").await.is_empty(), "the missing consent is explained next to the box");
    let described = p.c.find(Locator::Id("consent_to_support")).await.unwrap().attr("aria-describedby").await.unwrap();
    assert_eq!(described.as_deref(), Some("consent_to_support-error"));
    assert_eq!(p.c.find(Locator::Id("person-given_name")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("Ada"));
    assert_eq!(p.c.find(Locator::Id("reason-exercise")).await.unwrap().prop("checked").await.unwrap().as_deref(), Some("true"));
    p.tick("consent_to_support").await;
    p.submit("main form[action='/referrals/new']").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/referrals");
    assert!(p.text("main").await.contains("Ada Lovelace"));
    p.sign_out().await;

    // The link worker takes the person on, contacts them, assesses, sets a goal and refers them
    // to the walking group, recording their consent to share on the way.
    p.sign_in("lw").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/caseload");
    p.submit("main form[action$='/take']").await;
    let episode = Walk::path_id(&p.c.current_url().await.unwrap());
    assert!(p.text("h1").await.contains("Ada Lovelace"));
    p.submit("main form:has(input[name=to][value=contacted]):has(input[name=accepted][value=yes])").await;
    p.go(&format!("/episodes/{episode}/assessment")).await;
    p.fill("what_matters", "Meeting people and getting out").await;
    p.fill("interests", "walking").await;
    p.tick("barrier-confidence_company").await;
    p.tick("support-confidence_company-co_attend_first_session").await;
    p.tick("free-tuesday-morning").await;
    p.submit("main form[action$='/assessment']").await;
    p.submit("main form:has(input[name=to][value=assessed])").await;
    p.fill("goal-description", "Walk with others once a week").await;
    p.submit("main form[action$='/goals']").await;
    assert!(p.text("#goals ~ section").await.contains("Walk with others once a week"));
    p.go(&format!("/episodes/{episode}/plan")).await;
    let first = p.text("ol.results li h3").await;
    assert_eq!(first, "Tuesday walking group", "the person's interests and postcode find the walking group first");
    if lang == "en" {
        let why = p.text("ol.results li ul.reasons").await;
        assert!(why.contains("Meets the need") && why.contains("Mentions walking"), "{why}");
        assert!(why.contains("Open Tuesday at 10:00"), "free on Tuesday mornings, when the group meets: {why}");
    }
    p.fill("message-1", "Looking forward to it").await;
    p.submit("ol.results li:first-child form[action$='/refer']").await;
    // No consent to share with the Ramblers yet: the page asks for it before anything is sent.
    assert!(p.c.find(Locator::Id("refer-consent")).await.is_ok(), "the consent question is asked");
    p.submit("#refer-confirm form").await;
    assert!(!p.text("#refer-consent-error").await.is_empty(), "refusing without consent is explained");
    p.tick("refer-consent").await;
    p.submit("#refer-confirm form").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), format!("/episodes/{episode}"));
    assert!(p.text("#onward ~ table").await.contains("Tuesday walking group"));
    p.submit("main form:has(input[name=to][value=plan_agreed])").await;
    p.sign_out().await;

    // The walking group accepts, enrols Ada and records her first session.
    p.sign_in("provider").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/inbox");
    let old = p.c.find(Locator::Css("html")).await.unwrap();
    p.c.find(Locator::Css("#new ~ table a")).await.unwrap().click().await.unwrap();
    wait_for_new_page(p.c, old).await;
    p.check("/inbox/referral").await;
    let onward = Walk::path_id(&p.c.current_url().await.unwrap());
    assert!(p.text("main").await.contains("Looking forward to it"), "the link worker's message is shared");
    assert!(!p.text("main").await.contains("Meeting people"), "the assessment is not shared");
    p.submit("main form:has(input[name=status][value=accepted])").await;
    p.submit("main form:has(input[name=status][value=in-progress])").await;
    p.fill("attendance-note", "Came with her neighbour").await;
    p.submit("main form[action$='/attendance']").await;
    assert!(p.text("table").await.contains("Came with her neighbour"));
    p.sign_out().await;

    // Another organisation cannot open the referral, even by typing its address.
    p.sign_in("provider2").await;
    p.go(&format!("/inbox/{onward}")).await;
    assert_eq!(p.text("h1").await, tr(lang, "problem-not-found"));
    assert!(!p.text("main").await.contains("Ada"), "nothing of the referral is shown");
    p.go(&format!("/episodes/{episode}")).await;
    assert_eq!(p.text("h1").await, tr(lang, "problem-forbidden"));
    p.sign_out().await;

    // The link worker sees the attendance and closes the episode: goals met.
    p.sign_in("lw").await;
    p.go(&format!("/episodes/{episode}")).await;
    assert!(p.text("#onward ~ table").await.contains('1'), "attendance is shown");
    // The timeline holds everything: status changes, consents, the goal, the referral to the
    // walking group and what the group reported, the session attended.
    let timeline = p.c.find_all(Locator::Css("#timeline + ol li")).await.unwrap().len();
    assert!(timeline >= 11, "the timeline has {timeline} entries");
    if lang == "en" {
        let text = p.text("#timeline + ol").await;
        for what in ["Goal set: Walk with others once a week", "Tuesday walking group: Enrolled (by the organisation)", "attended the session of", "Consent recorded: Sharing with Millbrook Ramblers"] {
            assert!(text.contains(what), "the timeline says “{what}”: {text}");
        }
    }
    p.submit("main form:has(input[name=to][value=active])").await;
    p.c.find(Locator::Css("details summary")).await.unwrap().click().await.unwrap();
    p.c.find(Locator::Css("#reason option[value=goals_met]")).await.unwrap().click().await.unwrap();
    p.submit("main form:has(input[name=to][value=closed])").await;
    assert!(p.c.find(Locator::Css("form:has(input[name=to][value=closed])")).await.is_err(), "a closed episode offers no more steps");
    p.sign_out().await;

    // A facilitator's home is their places (none assigned here).
    p.sign_in("facilitator").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/places");
    p.sign_out().await;

    // The referrer reads the messages back: accepted (with its SNOMED CT code), plan, closed.
    p.sign_in("gp").await;
    let main = p.text("main").await;
    assert!(main.contains("871731000000106"), "{main}");
    assert_eq!(p.c.find_all(Locator::Css("ol.timeline li")).await.unwrap().len(), 3, "{main}");
    p.sign_out().await;
    assert!(p.pages_checked >= 30, "only {} pages were checked", p.pages_checked);
    b.close().await;
}

/// A message as the page shows it in `lang` (bracketed in the pseudo-language).
fn tr(lang: &str, id: &str) -> String {
    if lang == "en-XA" {
        format!("⟦{}⟧", message("en", id))
    } else {
        message(lang, id)
    }
}

/// The page's size as first loaded: the HTML and the stylesheet (there are no scripts or
/// images), with the browser's session cookie.
async fn reqwest_len(base: &str, path: &str, c: &Client) -> usize {
    let cookies: Vec<String> = c.get_all_cookies().await.unwrap().iter().map(|k| format!("{}={}", k.name(), k.value())).collect();
    let http = crate::support::http().build().unwrap();
    let mut total = 0;
    for p in [path, "/static/app.css"] {
        let r = http.get(format!("{base}{p}")).header("cookie", cookies.join("; ")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{p}");
        total += r.bytes().await.unwrap().len();
    }
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_pathway_in_the_browser_in_english() {
    walk_the_pathway("en").await;
}

/// The pages behave the same on PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_pathway_in_the_browser_on_postgresql() {
    if let Some(db) = TestDb::postgres().await {
        walk_the_pathway_on("en", db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_pathway_in_spanish() {
    walk_the_pathway("es").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_pathway_in_lao() {
    walk_the_pathway("lo").await;
}

/// Every page of the journey in the pseudo-language: any text outside the resources shows up
/// unbracketed and fails the test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_string_every_page_shows_is_in_the_resources() {
    walk_the_pathway("en-XA").await;
}

/// A browser signed in as nobody yet, in the pseudo-language (English in brackets), checking
/// every page it is shown: accessibility, width, and that all its text is in the resources.
async fn pseudo_walk<'a>(b: &'a Browser, w: &World, extra_data: &[&str]) -> Walk<'a> {
    let mut data: Vec<String> = ["Gentle group walks around the park for people who want company and fresh air.", "Millbrook Library", "1 Market Square", "Millbrook", "MB1 1AA", "Tuesday walking group", "Community choir", "Emergency food parcels", "Millbrook Ramblers", "Millbrook Food Bank", "Linkwork", "Physical activity", "Walking", "Food", "gp", "lw", "provider", "provider2", "admin", "coordinator", "Rosa", "Martinez", "Rosa Martinez"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    data.extend(extra_data.iter().map(|s| s.to_string()));
    data.extend(directory_text(w));
    let mut p = Walk { c: &b.client, base: w.app.url(""), lang: "en-XA", axe: axe_source(), data, pages_checked: 0, shots: None };
    p.c.goto(&format!("{}/directory?lang=en-XA", p.base)).await.unwrap();
    p.submit("header form[action='/language']").await;
    p
}

/// A community organisation keeps its listings right: reminded on its inbox when one has not
/// been confirmed for three months, confirms it in one click, and updates its places, which the
/// link worker then sees as a capacity warning before referring.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_confirms_and_updates_its_listings_and_the_link_worker_is_warned() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    w.app.sync_index().await;
    let ep = w.refer("Rosa", "Martinez").await;
    let episode = ep["id"].as_str().unwrap().to_string();
    w.to_assessed(&episode).await;
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    // What the GP's referral (made through the API) says.
    let mut p = pseudo_walk(&b, &w, &["2 weeks", "Lonely since her husband died; would like to walk.", "01632 960 001", "es"]).await;

    p.sign_in("provider").await;
    // The choir was never confirmed: the inbox says so and links to the listings.
    assert!(p.text(".warning").await.contains("One of your listings has not been confirmed for three months"), "{}", p.text("main").await);
    p.go("/listings").await;
    assert_eq!(p.c.find_all(Locator::Css("main section")).await.unwrap().len(), 2, "only the organisation's own two services are listed");
    p.submit(&format!("main form[action='/listings/{}/confirm']", w.f.choir)).await;
    assert!(p.text(".notice").await.contains("confirmed"));
    p.go("/inbox").await;
    assert!(p.c.find(Locator::Css(".warning")).await.is_err(), "no reminder once every listing is confirmed");

    // A wrong number is explained next to the field and nothing typed is lost.
    p.go(&format!("/listings/{}", w.f.walking)).await;
    p.fill("available", "-3").await;
    p.fill("wait_time", "2 weeks").await;
    p.submit("main form[action^='/listings/']").await;
    assert!(p.text("#available-error").await.contains("-3"));
    assert_eq!(p.c.find(Locator::Id("wait_time")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("2 weeks"));
    p.fill("available", "0").await;
    p.submit("main form[action^='/listings/']").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/listings");
    assert!(p.text("main").await.contains("0 places available"));

    // Another organisation's listing is not theirs to edit.
    p.go(&format!("/listings/{}", w.f.foodbank)).await;
    assert_eq!(p.text("h1").await, tr("en-XA", "problem-not-found"));
    p.sign_out().await;

    // The link worker is warned before referring to the full walking group.
    w.app.sync_index().await;
    p.sign_in("lw").await;
    p.go(&format!("/episodes/{episode}/plan?q=walking&near=MB1+1AA")).await;
    p.submit("ol.results li:first-child form[action$='/refer']").await;
    let warning = p.text("#refer-confirm .warning").await;
    assert!(warning.contains("no places") && warning.contains("2 weeks"), "{warning}");
    p.tick("refer-consent").await;
    p.submit("#refer-confirm form").await;
    assert!(p.c.find(Locator::Id("refer-confirm")).await.is_ok(), "not sent until the warning is acknowledged");
    p.tick("refer-acknowledge").await;
    p.tick("refer-consent").await;
    p.submit("#refer-confirm form").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), format!("/episodes/{episode}"));
    assert!(p.text("#onward ~ table").await.contains("capacity warning"));
    b.close().await;
}

/// The administrator adds a provider to an organisation (the password is shown once), the new
/// user signs in with it, and the administrator stops them signing in; the audit log shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_manages_users_organisations_and_reads_the_audit_log() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let instruments = instrument_text();
    let extra: Vec<&str> = ["sam", "Sam Volunteer", "facilitator", "analyst", "researcher", "Oakley Village Hall", "Millbrook Library"].into_iter().chain(instruments.iter().map(String::as_str)).collect();
    let mut p = pseudo_walk(&b, &w, &extra).await;
    p.sign_in("admin").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/admin/users");
    // Missing fields are explained, and what was typed stays.
    p.fill("username", "sam").await;
    p.submit("main form[action='/admin/users']").await;
    assert!(!p.text("#display_name-error").await.is_empty());
    assert_eq!(p.c.find(Locator::Id("username")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("sam"));
    p.fill("display_name", "Sam Volunteer").await;
    p.tick("role-provider").await;
    p.c.find(Locator::Css(&format!("#organizations-select option[value='{}']", w.f.org))).await.unwrap().click().await.unwrap();
    p.submit("main form[action='/admin/users']").await;
    let password = p.text(".notice code").await;
    p.data.push(password.clone());
    assert!(password.len() >= 10, "a generated password is shown once: {password}");
    assert!(p.text("main table").await.contains("Millbrook Ramblers"));
    p.go("/admin/organisations").await;
    assert!(p.text("main").await.contains("Sam Volunteer"));
    p.sign_out().await;

    p.go("/login").await;
    p.fill("username", "sam").await;
    p.fill("password", &password).await;
    p.submit("main form[action='/login']").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/inbox");
    p.sign_out().await;

    p.sign_in("admin").await;
    // Sam also refers people now.
    p.c.find(Locator::Css("details:has(form[action='/admin/users/sam/roles']) summary")).await.unwrap().click().await.unwrap();
    p.tick("roles-sam-referrer").await;
    p.submit("main form[action='/admin/users/sam/roles']").await;
    assert!(p.text("main table").await.contains("Referrer"), "{}", p.text("main table").await);
    p.submit("main form[action='/admin/users/sam/access']").await;
    p.go("/admin/audit?action=update").await;
    assert!(p.text("main table").await.contains("Changed") && p.text("main table").await.contains("User"), "the change to sam is in the audit log");
    p.go("/admin/audit?person=not-an-id").await;
    assert!(!p.text("#person-error").await.is_empty());
    // An import's report is kept with it.
    let mut writer = w.app.store().begin_directory_write().await.unwrap();
    writer.record_import("millbrook.zip", "Json", "2026-11-20T10:00:00Z", "table read kept skipped\nservice 3 3 0").await.unwrap();
    writer.commit().await.unwrap();
    p.go("/admin/imports").await;
    assert!(p.text("main").await.contains("millbrook.zip"));

    // Questionnaires: one is retired and brought back; broken definitions are refused with where
    // they are wrong, keeping what was pasted; a licensed one is loaded from its definition.
    let gad2 = w.app.store().find_instrument("GAD2").await.unwrap();
    let form = format!("form[action='/admin/instruments/{}/retired']", gad2.id);
    let (row, in_row) = (format!("main {form}"), format!("main tr:has({form})"));
    p.go("/admin/instruments").await;
    assert!(p.text("main table").await.contains(&gad2.title));
    p.submit(&row).await;
    assert!(p.text(&in_row).await.contains("Retired"), "{}", p.text("main table").await);
    assert!(w.app.store().find_instrument("GAD2").await.is_err(), "no longer offered by name");
    p.submit(&row).await;
    assert!(p.text(&in_row).await.contains("In use"));
    let not_json = "{ \"questionnaire\": oops }";
    p.data.push(not_json.to_string());
    p.fill("definition", not_json).await;
    p.submit("main form[action='/admin/instruments']").await;
    assert!(p.text("#definition-error").await.contains("line 1,"), "{}", p.text("#definition-error").await);
    let broken = "{\"questionnaire\": {\"resourceType\": \"Questionnaire\"}, \"scoring\": {}}";
    p.data.push(broken.to_string());
    p.fill("definition", broken).await;
    p.submit("main form[action='/admin/instruments']").await;
    let why = p.text("#definition-error").await;
    assert!(why.contains("questionnaire.url") && why.contains("questionnaire.status") && why.contains("questionnaire.item"), "every reason, with where: {why}");
    assert_eq!(p.c.find(Locator::Id("definition")).await.unwrap().prop("value").await.unwrap().as_deref(), Some(broken), "what was pasted stays");
    let swemwbs = linkwork_domain::instrument::Instrument::parse(&serde_json::from_str(linkwork_domain::instrument::SWEMWBS).unwrap()).unwrap();
    p.data.extend([swemwbs.title.clone(), swemwbs.name.clone()]);
    p.data.extend(swemwbs.scoring.licence.clone());
    p.c.execute("document.getElementById('definition').value = arguments[0]", vec![json!(linkwork_domain::instrument::SWEMWBS)]).await.unwrap();
    p.submit("main form[action='/admin/instruments']").await;
    assert!(p.text("main table").await.contains(&swemwbs.title), "{}", p.text("main").await);
    assert!(w.app.store().find_instrument("SWEMWBS").await.is_ok());
    p.go("/admin/audit?action=update").await;
    assert!(p.text("main table").await.contains("Questionnaire"), "retiring is in the audit log");
    p.sign_out().await;
    p.go("/login").await;
    p.fill("username", "sam").await;
    p.fill("password", &password).await;
    p.submit("main form[action='/login']").await;
    assert!(p.text("#sign-in-error").await.contains("not right"), "a disabled user cannot sign in");
    b.close().await;
}

/// The referral form by keyboard alone: Tab moves through the fields in order, Space ticks the
/// boxes and Enter sends it; the public self-referral form works without an account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_refers_themself_by_keyboard_alone() {
    use fantoccini::key::Key;
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let mut p = pseudo_walk(&b, &w, &["Lin", "Ng"]).await;
    p.go("/self-referral").await;
    let c = p.c;
    c.find(Locator::Id("person-given_name")).await.unwrap().click().await.unwrap();
    c.active_element().await.unwrap().send_keys(&format!("Lin{}Ng", Key::Tab.to_string())).await.unwrap();
    assert_eq!(active_id(c).await, "person-family_name");
    // Tab on to the first reason and tick it with Space.
    for _ in 0..30 {
        if active_id(c).await == "reason-food" {
            break;
        }
        c.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
    }
    assert_eq!(active_id(c).await, "reason-food", "the reasons are reached by Tab");
    c.active_element().await.unwrap().send_keys(" ").await.unwrap();
    for _ in 0..60 {
        if active_id(c).await == "consent_to_support" {
            break;
        }
        c.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
    }
    c.active_element().await.unwrap().send_keys(" ").await.unwrap();
    c.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
    assert_eq!(c.active_element().await.unwrap().tag_name().await.unwrap(), "button", "after the consent box comes the send button");
    c.active_element().await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
    c.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css(".notice, .error-summary")).await.unwrap();
    p.check("/self-referral (sent)").await;
    assert_eq!(p.text("h1").await, tr("en-XA", "self-referral-sent-title"), "{}", p.text("main").await.chars().take(600).collect::<String>());
    let reference = p.text(".notice").await;
    assert!(reference.contains("Your reference is"), "{reference}");
    // The link workers see it among new referrals.
    let list = w.lw.get("/api/v1/episodes?unassigned=true").await;
    assert_eq!(list.body["contents"][0]["person_name"], json!("Lin Ng"));
    assert_eq!(list.body["contents"][0]["source"], json!("self_referral"));
    b.close().await;
}

async fn active_id(c: &Client) -> String {
    c.active_element().await.unwrap().attr("id").await.unwrap().unwrap_or_default()
}

/// Waits until the page that was shown (its root element `old`) has been replaced by the next
/// one, and the next one has loaded.
async fn wait_for_new_page(c: &Client, old: fantoccini::elements::Element) {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while old.tag_name().await.is_ok() {
        assert!(std::time::Instant::now() < deadline, "the form did not lead to a new page");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    c.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("footer.site")).await.unwrap();
}

/// Every text value of the fixture directory: names, descriptions, addresses are data.
fn directory_text(w: &World) -> Vec<String> {
    w.f.batch.records.iter().flat_map(|r| r.values().filter_map(|(_, v)| v.as_str().map(str::to_string)).collect::<Vec<_>>()).collect()
}

/// Every text of the built-in instruments: questions and answers are data, loaded as definitions.
fn instrument_text() -> Vec<String> {
    let mut out = vec![];
    for ins in linkwork_domain::instrument::built_in() {
        out.push(ins.title.clone());
        out.push(ins.name.clone());
        out.extend(ins.scoring.licence.clone());
        out.extend(ins.scoring.scores.iter().map(|s| s.display.clone()));
        for i in &ins.items {
            out.push(i.text.clone());
            if let linkwork_domain::instrument::ItemKind::Choice { options, .. } = &i.kind {
                out.extend(options.iter().map(|o| o.display.clone()));
            }
        }
    }
    out
}

/// A link worker screens a person on a phone, saves part-way and carries on, confirms the need
/// the screen proposes, and measures loneliness twice: the person's page charts the change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_worker_screens_confirms_a_need_and_sees_the_change() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    let ep = w.refer("Rosa", "Martinez").await;
    let episode = ep["id"].as_str().unwrap().to_string();
    w.to_assessed(&episode).await;
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let extra: Vec<String> = instrument_text();
    let extra: Vec<&str> = extra.iter().map(String::as_str).chain(["Lonely since her husband died; would like to walk.", "01632 960 001", "es"]).collect();
    let mut p = pseudo_walk(&b, &w, &extra).await;
    p.sign_in("lw").await;
    p.go(&format!("/episodes/{episode}/measures?instrument=HungerVitalSign")).await;
    // The first question only, saved for later.
    p.tick("a-hvs1-2").await;
    p.press("main form button[value=later]").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), format!("/episodes/{episode}"));
    p.press("#measures ~ ul a[href*='/measures/']").await;
    assert_eq!(p.c.find(Locator::Id("a-hvs1-2")).await.unwrap().prop("checked").await.unwrap().as_deref(), Some("true"), "the saved answer is there");
    // Scoring with a question unanswered says which, next to it.
    p.press("main form button[value=score]").await;
    assert!(!p.text("#answers-hvs2-error").await.is_empty());
    p.tick("a-hvs2-3").await;
    p.press("main form button[value=score]").await;
    // "Sometimes true" to the first: food insecurity proposed; confirmed onto the record.
    p.submit("#proposed-h ~ ul form:has(input[value=confirm])").await;
    assert!(p.c.find(Locator::Id("proposed-h")).await.is_err(), "nothing left to decide");
    assert!(p.text("main").await.contains(&message("en", "need-food")));

    // Loneliness at the start and at follow-up.
    for (timepoint, answers) in [("baseline", ["3", "3", "2"]), ("follow_up", ["2", "1", "2"])] {
        p.go(&format!("/episodes/{episode}/measures?instrument=UCLA3&timepoint={timepoint}")).await;
        for (q, a) in ["u1", "u2", "u3"].iter().zip(answers) {
            p.tick(&format!("a-{q}-{a}")).await;
        }
        if timepoint == "baseline" {
            // The next measure is booked with the baseline.
            p.c.find(Locator::Css("#again option[value='12']")).await.unwrap().click().await.unwrap();
        }
        p.press("main form button[value=score]").await;
    }
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(84)).format("%Y-%m-%d").to_string();
    let booked = w.lw.read(&format!("/api/v1/follow-ups?until={due}")).await;
    let ucla_title = w.app.store().find_instrument("UCLA3").await.unwrap().title;
    assert!(
        booked.as_array().unwrap().iter().any(|f| f["due_on"] == due.as_str() && f["purpose"].as_str().is_some_and(|p| p.contains("Repeat") && p.contains(&ucla_title))),
        "a follow-up to repeat UCLA-3 in 12 weeks: {booked:#}"
    );
    let chart = p.text("figure.chart").await;
    assert!(chart.contains("improved") && chart.contains('8') && chart.contains('5'), "{chart}");
    let label = p.c.find(Locator::Css("figure.chart svg")).await.unwrap().attr("aria-label").await.unwrap().unwrap();
    assert!(label.contains("2 measurements"), "{label}");
    b.close().await;
}

/// An analyst reads the observatory on a phone: signs in to the dashboard (the funnel, the
/// headline of every indicator), opens an indicator, breaks it down by referral source and gets
/// a table whose numbers are the protected ones (10 referrals, rounded to 5; no names anywhere).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_reads_the_observatory_on_a_phone() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    for i in 0..12 {
        let ep = w.refer(&format!("Seeded{i}"), "Person").await;
        if i < 8 {
            w.to_assessed(ep["id"].as_str().unwrap()).await;
        }
    }
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let mut defs = linkwork_domain::observatory::definition::built_in();
    // With one for each indicator communities monitor, made from the configuration.
    defs.extend(linkwork_domain::coproduction::CommunitySettings::default().indicators.iter().map(|i| i.definition()));
    // Indicator titles and descriptions are definitions (data), as instruments' questions are.
    let texts: Vec<String> = defs.iter().flat_map(|d| [d.title["en"].clone(), d.description["en"].clone()]).collect();
    let extra: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut p = pseudo_walk(&b, &w, &extra).await;
    p.sign_in("analyst").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/observatory", "the analyst's home is the observatory");
    assert_eq!(p.text("h1").await, tr("en-XA", "obs-title"));
    let rows = p.c.find_all(Locator::Css("#indicators + table tbody tr")).await.unwrap();
    assert_eq!(rows.len(), defs.len(), "a headline for every indicator");
    let main = p.text("main").await;
    assert!(!main.contains("Seeded"), "no identities on the dashboard");

    // The referrals indicator, by source, through the form.
    let opened = chrono::Utc::now();
    p.go("/observatory/indicators/referrals-received").await;
    p.c.find(Locator::Css("#breakdown option[value=source]")).await.unwrap().click().await.unwrap();
    p.submit("main form[action='/observatory/indicators/referrals-received']").await;
    let url = p.c.current_url().await.unwrap();
    assert!(url.query().unwrap_or_default().contains("breakdown=source"), "{url}");
    let table = p.text("main table").await;
    // 12 referrals from GPs: shown as 10 (rounded to 5), in the GP row and in the total.
    let gp_row = p.text("main table tbody tr:first-child").await;
    assert!(gp_row.contains("10"), "{table}");
    // Figures may be kept for a while, so the page says when the facts were read.
    let main = p.text("main").await;
    let read_on = [opened, chrono::Utc::now()].map(|t| t.format("%Y-%m-%d").to_string());
    assert!(read_on.iter().any(|d| main.contains(d.as_str())), "the date the figures were read: {main}");
    assert!(!table.contains("12"), "exact counts are not shown: {table}");
    let csv = p.c.find(Locator::Css("a[download]")).await.unwrap().attr("href").await.unwrap().unwrap();
    assert!(csv.contains("format=csv") && csv.contains("breakdown=source"), "{csv}");

    // Compared across programmes: this programme's package, imported into its own observatory
    // (which serves here as the region too), shown side by side with the region's figures.
    let pkg = w.analyst.get("/api/v1/observatory/package?from=2025-01-01").await;
    assert_eq!(pkg.status, 200);
    assert_eq!(w.analyst.post("/api/v1/observatory/packages", pkg.body).await.status, 201);
    p.go("/observatory").await;
    p.press("main a[href='/observatory/region']").await;
    assert_eq!(p.text("h1").await, tr("en-XA", "obs-region-title"));
    let table = "main table.region:has(caption a[href='/observatory/indicators/referrals-received'])";
    let first = p.text(table).await;
    assert!(first.contains("10"), "its 12 referrals, shown as 10: {first}");
    // On a phone the table stacks: each value carries its column's name.
    let column = p.c.find(Locator::Css(&format!("{table} tbody td"))).await.unwrap().attr("data-label").await.unwrap();
    assert_eq!(column.as_deref(), Some("Linkwork"), "the programme's column");
    assert!(!p.text("main").await.contains("Seeded"), "no identities in the comparison");
    b.close().await;
}

/// An administrator approves a researcher on the research page (a mistake is explained beside its
/// field, and nothing typed is lost); the researcher's home is that page, where they take an
/// extract for their study, giving the reason, and see it in the register.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_approves_a_researcher_who_takes_an_extract() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    for i in 0..3 {
        let ep = w.refer(&format!("Seeded{i}"), "Person").await;
        w.lw.ok(&format!("/api/v1/people/{}/consents", ep["person_id"].as_str().unwrap()), json!({ "purpose": "evaluation", "method": "verbal" })).await;
    }
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let study = "Loneliness outcomes 2026";
    let purpose = "Evaluation under agreement DSA-7";
    let reason = "Interim analysis for the steering group";
    let mut p = pseudo_walk(&b, &w, &["researcher", "analyst", "facilitator", study, purpose, reason]).await;
    p.sign_in("admin").await;
    p.go("/research").await;
    assert_eq!(p.text("h1").await, tr("en-XA", "research-title"));
    p.fill("researcher", "analyst").await;
    p.fill("study", study).await;
    p.fill("purpose", purpose).await;
    let next_year = (chrono::Utc::now().date_naive() + chrono::Duration::days(200)).to_string();
    p.set_date("expires_on", &next_year).await;
    p.submit("main form[action='/research/approvals']").await;
    assert!(p.text("#researcher-error").await.contains("analyst"), "the analyst is not a researcher");
    assert_eq!(p.c.find(Locator::Id("study")).await.unwrap().prop("value").await.unwrap().as_deref(), Some(study));
    p.fill("researcher", "researcher").await;
    p.submit("main form[action='/research/approvals']").await;
    assert_eq!(p.text(".notice").await, tr("en-XA", "done-research-approved"));
    assert!(p.text("main table").await.contains(study));
    p.sign_out().await;

    p.sign_in("researcher").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/research", "the researcher's home is the research page");
    // Without a reason the form comes back saying so.
    p.submit("main form[action='/research/extracts']").await;
    assert!(!p.text("#reason-error").await.is_empty());
    p.fill("reason", reason).await;
    // The extract downloads; the page stays where it is.
    p.c.find(Locator::Css("main form[action='/research/extracts'] button[type=submit]")).await.unwrap().click().await.unwrap();
    let mut register = json!([]);
    for _ in 0..50 {
        register = w.admin.read("/api/v1/research/extracts").await;
        if !register.as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(register[0]["reason"], reason, "{register:#}");
    assert_eq!(register[0]["episodes"], 3);
    p.go("/research").await;
    let table = p.text("#register + table").await;
    assert!(table.contains(reason) && table.contains(study), "{table}");
    assert!(!p.text("main").await.contains("Seeded"), "no identities on the page");
    b.close().await;
}

/// A facilitator's home is their places: the village they are assigned to, and nothing of the
/// village next door.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_sees_their_places_and_no_others() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    let file = "code,name,level,parent_code,population\nPK,ແຂວງພູຂາວ,province,,184000\nPK-01,ເມືອງນ້ຳແສງ,district,PK,\nPK-01-001,ບ້ານນາໃຕ້,village,PK-01,820\nPK-01-002,ບ້ານໂພນ,village,PK-01,\n";
    let r = w.admin.http.post(format!("{}/api/v1/places/import", w.admin.base)).bearer_auth(w.admin.token.as_ref().unwrap()).header("content-type", "text/csv").body(file).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(w.admin.post("/api/v1/places/PK-01-001/assignments", json!({ "username": "facilitator" })).await.status, 204);
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let mut p = pseudo_walk(&b, &w, &["ບ້ານນາໃຕ້", "PK-01-001", "facilitator"]).await;
    p.sign_in("facilitator").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/places", "the facilitator's home is their places");
    let main = p.text("main").await;
    assert!(main.contains("ບ້ານນາໃຕ້") && main.contains("820"), "{main}");
    assert!(!main.contains("ບ້ານໂພນ") && !main.contains("ເມືອງນ້ຳແສງ"), "neither the next village nor the district: {main}");
    b.close().await;
}
