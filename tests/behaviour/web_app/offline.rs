//! The facilitators' pages with no connection (decision 0013), in a real headless Chromium with JavaScript on, in
//! Lao, on a phone, with axe on every page: opened once online, the places and their forms open from the phone's
//! copy; forms filled in offline wait in the outbox and reach the server exactly once when the connection is back;
//! the same submission sent again by hand makes nothing new; an edit someone else overtook is shown as a conflict,
//! and kept, not lost. "Offline" is real: the page's network is switched off through the DevTools protocol and the
//! browser reaches the server only through a proxy in this test that is switched to dropping every connection, so
//! the service worker's own fetches fail too.

use std::net::SocketAddr;
use std::time::Duration;

use fantoccini::{Client, Locator};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::watch;

use super::{axe_source, reqwest_len, tr, Walk};
use crate::browser::Browser;
use crate::on_both_databases;
use crate::pathway::{s, World};
use crate::support::TestDb;

const PLACES: &str = "code,name,level,parent_code,population
PK,ແຂວງພູຂາວ,province,,184000
PK-01,ເມືອງນ້ຳແສງ,district,PK,
PK-01-001,ບ້ານນາໃຕ້,village,PK-01,820
PK-01-002,ບ້ານໂພນ,village,PK-01,
";
const VILLAGE: &str = "/places/PK-01-001";

/// A TCP proxy in front of the server that can be switched off: then it drops every connection it holds and every
/// new one, so nothing of the browser's (page or service worker) reaches the server.
struct Proxy {
    addr: SocketAddr,
    on: watch::Sender<bool>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (on, rx) = watch::channel(true);
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { continue };
                let mut rx = rx.clone();
                if !*rx.borrow() {
                    continue;
                }
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = rx.wait_for(|on| !on) => {}
                    }
                });
            }
        });
        Proxy { addr, on }
    }
}

/// A DevTools protocol command, relayed by chromedriver.
#[derive(Debug)]
struct Cdp(Value);
impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

/// The network on or off: the page's (DevTools) and the server's reach (the proxy).
async fn network(c: &Client, proxy: &Proxy, on: bool) {
    if on {
        proxy.on.send_replace(true);
    }
    c.issue_cmd(Cdp(json!({ "cmd": "Network.enable", "params": {} }))).await.expect("the network domain");
    let conditions = json!({ "offline": !on, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 });
    c.issue_cmd(Cdp(json!({ "cmd": "Network.emulateNetworkConditions", "params": conditions }))).await.expect("the network is switched");
    if !on {
        proxy.on.send_replace(false);
    }
}

/// Waits until `js` (an expression) is truthy in the page; returns its value.
async fn until(c: &Client, js: &str, what: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let v = c.execute(&format!("return ({js})"), vec![]).await.unwrap_or(Value::Null);
        if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("") || v == json!([])) {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: still {v} after 30 s; the page says {}", c.find(Locator::Css("main")).await.unwrap().text().await.unwrap_or_default());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the outbox holds, read from the phone's storage.
async fn outbox(c: &Client) -> Vec<Value> {
    let v = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const r = indexedDB.open('linkwork-outbox', 1);
             r.onupgradeneeded = () => r.result.createObjectStore('items', { keyPath: 'id' });
             r.onsuccess = () => { const g = r.result.transaction('items').objectStore('items').getAll(); g.onsuccess = () => done(g.result); };
             r.onerror = () => done('no outbox: ' + r.error);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v.clone()).unwrap_or_else(|_| panic!("the outbox: {v}"))
}

/// The paths the service worker keeps.
async fn kept_pages(c: &Client) -> Vec<String> {
    let v = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             caches.open('linkwork-pages-v1').then(c => c.keys()).then(ks => done(ks.map(k => new URL(k.url).pathname))).catch(e => done([String(e)]));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

async fn choose(c: &Client, id: &str, value: &str) {
    c.execute("const s = document.getElementById(arguments[0]); s.value = arguments[1]; if (s.value !== arguments[1]) throw 'no option ' + arguments[1];", vec![json!(id), json!(value)])
        .await
        .unwrap_or_else(|e| panic!("#{id} = {value}: {e}"));
}

/// Presses a form's button and waits for the outbox to hold `n` items (no page follows: there is no connection).
async fn submit_offline(p: &mut Walk<'_>, form_css: &str, n: usize) {
    p.c.find(Locator::Css(&format!("{form_css} button[type=submit]"))).await.unwrap().click().await.unwrap();
    let waiting = tr(p.lang, "outbox-waiting").replace("{ $count }", &n.to_string());
    until(p.c, &format!("!document.getElementById('outbox').hidden && document.querySelector('#outbox [data-outbox-count]').textContent === {}", json!(waiting)), "the panel counts what waits").await;
    assert!(p.text("#outbox").await.contains(&tr(p.lang, "outbox-kept")), "the panel says it is kept on the phone: {}", p.text("#outbox").await);
    let path = p.c.current_url().await.unwrap().path().to_string();
    p.check(&path).await;
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

async fn setup(w: &World) {
    let r = w.admin.http.post(format!("{}/api/v1/places/import", w.admin.base)).bearer_auth(w.admin.token.as_ref().unwrap()).header("content-type", "text/csv").body(PLACES).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for (code, user) in [("PK-01-001", "facilitator"), ("PK-01-002", "facilitator"), ("PK-01", "coordinator")] {
        assert_eq!(w.admin.post(&format!("/api/v1/places/{code}/assignments"), json!({ "username": user })).await.status, 204);
    }
}

/// Waits until the service worker keeps every one of `wanted`.
async fn until_kept(c: &Client, wanted: &[String]) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let kept = kept_pages(c).await;
        if wanted.iter().all(|w| kept.contains(w)) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "opening /places once online keeps the places and their forms: kept {kept:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// On both databases: what the outbox sends is kept once whichever the server writes to.
async fn a_facilitator_works_offline_and_everything_reaches_the_server_once(db: TestDb) {
    let w = World::new(db).await;
    setup(&w).await;
    // An action agreed earlier, which the facilitator and the coordinator will both change.
    let action = w
        .facilitator
        .ok("/api/v1/places/PK-01-001/records", json!({ "date": today(), "body": { "kind": "action", "title": "ສ້ອມແປງນ້ຳສ້າງ", "needed": "ທໍ່", "lead": "community", "due_on": today(), "status": "planned" } }))
        .await;
    let aid = s(&action["id"]).to_string();

    let proxy = Proxy::start(w.app.addr).await;
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let base = format!("http://{}", proxy.addr);
    let data = ["ບ້ານນາໃຕ້", "ບ້ານໂພນ", "ແຂວງພູຂາວ", "ເມືອງນ້ຳແສງ", "PK-01-001", "facilitator"].map(String::from).to_vec();
    let mut p = Walk { c: &b.client, base: base.clone(), lang: "lo", axe: axe_source(), data, pages_checked: 0, shots: None };

    // Online, once: sign in in Lao, open the places and the village; the phone keeps them and their forms.
    p.c.goto(&format!("{base}/login?lang=lo")).await.unwrap();
    p.submit("header form[action='/language']").await;
    p.sign_in("facilitator").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/places");
    assert!(p.c.find(Locator::Css("#outbox")).await.unwrap().attr("hidden").await.unwrap().is_some(), "nothing waits: the panel is hidden");
    let wanted: Vec<String> = ["", "/new/meeting", "/new/action", "/new/vulnerable_group", "/new/need", "/new/resource", "/new/monitoring"]
        .iter()
        .map(|k| format!("{VILLAGE}{k}"))
        .chain([format!("{VILLAGE}/records/{aid}"), "/places".to_string(), "/places/PK-01-002".to_string()])
        .collect();
    until_kept(p.c, &wanted).await;
    p.go(VILLAGE).await;
    // The action's page with its edit form, opened online.
    p.go(&format!("{VILLAGE}/records/{aid}")).await;

    // Light on the network: each page over the wire with its stylesheet, and the offline bundle.
    let direct = w.app.url("");
    for path in ["/places".to_string(), VILLAGE.to_string(), format!("{VILLAGE}/new/meeting"), format!("{VILLAGE}/new/action"), format!("{VILLAGE}/records/{aid}")] {
        let bytes = reqwest_len(&direct, &path, p.c).await;
        eprintln!("{path} and its stylesheet: {bytes} bytes");
        assert!(bytes < 50 * 1024, "{path} weighs {bytes} bytes");
    }
    let mut bundle = 0;
    for path in ["/places/outbox.js", "/places/sw.js", "/places/manifest.webmanifest", "/places/icon.svg", "/static/app.css"] {
        let r = reqwest::get(format!("{direct}{path}")).await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let n = r.bytes().await.unwrap().len();
        eprintln!("{path}: {n} bytes");
        bundle += n;
    }
    eprintln!("the offline bundle: {bundle} bytes");
    assert!(bundle < 300 * 1024, "the offline bundle weighs {bundle} bytes");
    let sw = reqwest::get(format!("{direct}/places/sw.js")).await.unwrap();
    assert_eq!(sw.headers().get("service-worker-allowed").unwrap(), "/places");
    assert_eq!(sw.headers().get("cache-control").unwrap(), "no-cache");

    // The network goes off.
    network(p.c, &proxy, false).await;
    assert!(reqwest::get(format!("{base}/health")).await.is_err(), "the proxy lets nothing through");

    // The village and its forms open from the phone; a workshop, an action and a vulnerable group are filled in.
    p.go(VILLAGE).await;
    assert_eq!(p.text("h1").await, "ບ້ານນາໃຕ້");
    p.press(&format!("a[href='{VILLAGE}/new/meeting']")).await;
    choose(p.c, "format", "workshop").await;
    p.fill("purpose", "ນ້ຳສະອາດ ອອບລາຍ").await;
    p.fill("att-female-15_to_59", "12").await;
    p.fill("att-male-60_plus", "4").await;
    submit_offline(&mut p, "form.record-form", 1).await;
    p.go(VILLAGE).await;
    p.press(&format!("a[href='{VILLAGE}/new/action']")).await;
    p.fill("title", "ສ້າງຮົ້ວອ້ອມນ້ຳສ້າງ ອອບລາຍ").await;
    p.fill("needed", "ໄມ້ ແລະ ຕະປູ").await;
    choose(p.c, "lead", "village_authority").await;
    p.set_date("due_on", &(chrono::Utc::now().date_naive() + chrono::Duration::days(20)).to_string()).await;
    submit_offline(&mut p, "form.record-form", 2).await;
    p.go(&format!("{VILLAGE}/new/vulnerable_group")).await;
    choose(p.c, "group", "older_alone").await;
    p.fill("count", "6").await;
    submit_offline(&mut p, "form.record-form", 3).await;
    // The action's edit form, from the phone: a new title.
    p.go(&format!("{VILLAGE}/records/{aid}")).await;
    p.fill("title", "ສ້ອມແປງນ້ຳສ້າງ ກ່ອນລະດູແລ້ງ").await;
    submit_offline(&mut p, "form.record-form", 4).await;
    let items = outbox(p.c).await;
    assert_eq!(items.len(), 4, "{items:#?}");
    let mut ids: Vec<&str> = items.iter().map(|i| s(&i["id"])).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "each submission has its own id");
    let field = |item: &Value, name: &str| -> String {
        item["fields"].as_array().unwrap().iter().find(|f| f[0] == json!(name)).map(|f| s(&f[1]).to_string()).unwrap_or_default()
    };
    for i in &items {
        assert_eq!(field(i, "submission"), s(&i["id"]), "the item's id is the submission sent");
    }
    let meeting_item = items.iter().find(|i| s(&i["action"]).ends_with("/new/meeting")).unwrap().clone();

    // Nothing has reached the server.
    let on_server = w.facilitator.read("/api/v1/places/PK-01-001/records").await;
    assert_eq!(on_server.as_array().unwrap().len(), 1, "only the action made before: {on_server:#}");

    // Meanwhile the coordinator changes the same action.
    let now = w.coordinator.get(&format!("/api/v1/community/records/{aid}")).await;
    let mut theirs = json!({ "date": now.body["date"].clone(), "body": now.body["body"].clone() });
    theirs["body"]["title"] = json!("ສ້ອມແປງນ້ຳສ້າງ (ເມືອງ)");
    let put = w.coordinator.call(Method::PUT, &format!("/api/v1/community/records/{aid}"), Some(theirs), Some(&now.etag())).await;
    assert_eq!(put.status, 200, "{:#}", put.body);

    // The network comes back: the outbox sends by itself; the three new records are accepted, the edit is a conflict.
    network(p.c, &proxy, true).await;
    until(p.c, "[...document.querySelectorAll('#outbox li[data-state]')].map(l => l.dataset.state).join() === 'conflict'", "the outbox sends what waited").await;
    let left = outbox(p.c).await;
    assert_eq!(left.len(), 1, "{left:#?}");
    assert_eq!(s(&left[0]["state"]), "conflict");
    assert_eq!(field(&left[0], "title"), "ສ້ອມແປງນ້ຳສ້າງ ກ່ອນລະດູແລ້ງ", "the facilitator's edit is kept on the phone");
    let panel = p.text("#outbox").await;
    assert!(panel.contains(&tr("lo", "outbox-state-conflict")), "{panel}");
    p.c.find(Locator::Css("#outbox details summary")).await.unwrap().click().await.unwrap();
    let detail = p.text("#outbox details").await;
    assert!(detail.contains("ສ້ອມແປງນ້ຳສ້າງ (ເມືອງ)"), "the panel shows what is there now: {detail}");
    let path = p.c.current_url().await.unwrap().path().to_string();
    p.data.extend(["ສ້ອມແປງນ້ຳສ້າງ (ເມືອງ)", "ສ້ອມແປງນ້ຳສ້າງ ກ່ອນລະດູແລ້ງ"].map(String::from));
    p.check(&path).await;

    // On the server: each record once, and the coordinator's change stands.
    let kinds = |kind: &str| {
        let f = w.facilitator.clone();
        let kind = kind.to_string();
        async move { f.read(&format!("/api/v1/places/PK-01-001/records?kind={kind}")).await.as_array().unwrap().clone() }
    };
    let meetings = kinds("meeting").await;
    assert_eq!(meetings.len(), 1, "{meetings:#?}");
    assert_eq!(s(&meetings[0]["body"]["purpose"]), "ນ້ຳສະອາດ ອອບລາຍ");
    let actions = kinds("action").await;
    let titles: Vec<&str> = actions.iter().map(|a| s(&a["body"]["title"])).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"ສ້າງຮົ້ວອ້ອມນ້ຳສ້າງ ອອບລາຍ") && titles.contains(&"ສ້ອມແປງນ້ຳສ້າງ (ເມືອງ)"), "the coordinator's title stands: {titles:?}");
    assert_eq!(kinds("vulnerable_group").await.len(), 1);

    // The same submission sent again by hand, with the browser's session: the same answer, nothing new.
    let cookies: Vec<String> = p.c.get_all_cookies().await.unwrap().iter().map(|k| format!("{}={}", k.name(), k.value())).collect();
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(meeting_item["fields"].as_array().unwrap().iter().map(|f| (s(&f[0]).to_string(), s(&f[1]).to_string())))
        .finish();
    let http = crate::support::http().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let replay = http
        .post(format!("{direct}{}", s(&meeting_item["action"])))
        .header("cookie", cookies.join("; "))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 303, "{}", replay.text().await.unwrap());
    assert!(replay.headers().get("location").unwrap().to_str().unwrap().starts_with(VILLAGE));
    assert_eq!(kinds("meeting").await.len(), 1, "the replayed submission made no second meeting");
    let log = w.admin.read("/api/v1/audit?entity=community_record&per_page=100").await;
    let creates = log["contents"].as_array().unwrap().iter().filter(|e| e["action"] == json!("create")).count();
    assert_eq!(creates, 4, "the action made before and the three sent, each once");

    // The conflict, resolved by the facilitator: the server's page shows what is there now beside what was sent,
    // and sending it again (on the current version) is their decision.
    let old = p.c.find(Locator::Css("html")).await.unwrap();
    p.c.find(Locator::Css("#outbox [data-outbox-correct]")).await.unwrap().click().await.unwrap();
    super::wait_for_new_page(p.c, old).await;
    assert!(p.text("#conflict").await.contains("ສ້ອມແປງນ້ຳສ້າງ (ເມືອງ)"), "{}", p.text("main").await);
    let typed = p.c.find(Locator::Css("form.record-form #title")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(typed.as_deref(), Some("ສ້ອມແປງນ້ຳສ້າງ ກ່ອນລະດູແລ້ງ"), "the form holds what the facilitator sent");
    p.check(&format!("{VILLAGE}/records/{aid}")).await;
    p.submit("form.record-form").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), format!("{VILLAGE}/records/{aid}"));
    assert!(outbox(p.c).await.is_empty(), "nothing waits any more");
    let seen = w.facilitator.read(&format!("/api/v1/community/records/{aid}")).await;
    assert_eq!(s(&seen["body"]["title"]), "ສ້ອມແປງນ້ຳສ້າງ ກ່ອນລະດູແລ້ງ", "the facilitator chose to send theirs");
    b.close().await;
}

on_both_databases!(a_facilitator_works_offline_and_everything_reaches_the_server_once);

/// Everything the outbox shows comes from the resources (the pseudo-language check, on the panel as it counts what
/// waits and says it was sent); signing out with something waiting is warned about first, and signing out removes
/// the pages kept on the phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_says_everything_in_the_readers_language_and_warns_before_sign_out() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    setup(&w).await;
    let proxy = Proxy::start(w.app.addr).await;
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let base = format!("http://{}", proxy.addr);
    let mut data = ["ບ້ານນາໃຕ້", "ບ້ານໂພນ", "ແຂວງພູຂາວ", "ເມືອງນ້ຳແສງ", "PK-01-001", "PK-01-002", "PK-01", "PK", "facilitator", "Linkwork"].map(String::from).to_vec();
    // The configured code lists are the deployment's data, named in the reader's language (or English).
    let s = linkwork_domain::coproduction::CommunitySettings::default();
    for list in [&s.partners, &s.vulnerable_groups, &s.resource_kinds, &s.leads, &s.age_groups, &s.supervision_checklist] {
        data.extend(list.iter().map(|t| t.name_in("en").to_string()));
    }
    let mut p = Walk { c: &b.client, base: base.clone(), lang: "en-XA", axe: axe_source(), data, pages_checked: 0, shots: None };
    p.c.goto(&format!("{base}/login?lang=en-XA")).await.unwrap();
    p.submit("header form[action='/language']").await;
    p.sign_in("facilitator").await;
    until_kept(p.c, &[format!("{VILLAGE}/new/vulnerable_group")]).await;

    network(p.c, &proxy, false).await;
    p.go(&format!("{VILLAGE}/new/vulnerable_group")).await;
    choose(p.c, "group", "pregnant").await;
    p.fill("count", "3").await;
    submit_offline(&mut p, "form.record-form", 1).await;
    // Signing out now would leave it on the phone: said first, and nothing else happens.
    p.c.find(Locator::Css("header form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    let warning = tr("en-XA", "outbox-sign-out-warning").replace("{ $count }", "1");
    until(p.c, &format!("document.querySelector('#outbox [data-outbox-status]').textContent === {}", json!(warning)), "the warning before signing out").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), format!("{VILLAGE}/new/vulnerable_group"));
    p.check(&format!("{VILLAGE}/new/vulnerable_group")).await;

    network(p.c, &proxy, true).await;
    until(p.c, &format!("document.querySelector('#outbox [data-outbox-status]').textContent === {}", json!(tr("en-XA", "outbox-all-sent"))), "everything sent").await;
    assert!(outbox(p.c).await.is_empty());
    p.check(&format!("{VILLAGE}/new/vulnerable_group")).await;
    let groups = w.facilitator.read("/api/v1/places/PK-01-001/records?kind=vulnerable_group").await;
    assert_eq!(groups.as_array().unwrap().len(), 1, "{groups:#}");

    // Nothing waits now: signing out signs out, and the pages kept on the phone go with it.
    let old = p.c.find(Locator::Css("html")).await.unwrap();
    p.c.find(Locator::Css("header form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    super::wait_for_new_page(p.c, old).await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/login");
    assert!(kept_pages(p.c).await.is_empty(), "the pages kept for working offline are removed at sign-out");
    b.close().await;
}
