//! A facilitator's whole community cycle through the pages, in Lao, on a phone, with axe on
//! every page: a workshop, the needs it named, a vulnerable group, a resource, an action plan,
//! an action raised to the district and answered there by the coordinator, indicator values
//! shown over time, and the printable plan; the coordinator's list of supervision visits.

use fantoccini::Locator;
use serde_json::json;

use super::{axe_source, reqwest_len, tr, Walk};
use crate::browser::Browser;
use crate::pathway::{s, World};
use crate::support::TestDb;

const PLACES: &str = "code,name,level,parent_code,population
PK,ແຂວງພູຂາວ,province,,184000
PK-01,ເມືອງນ້ຳແສງ,district,PK,
PK-01-001,ບ້ານນາໃຕ້,village,PK-01,820
PK-01-002,ບ້ານໂພນ,village,PK-01,
";

async fn choose(p: &Walk<'_>, id: &str, value: &str) {
    p.c.execute("const s = document.getElementById(arguments[0]); s.value = arguments[1]; if (s.value !== arguments[1]) throw 'no option ' + arguments[1];", vec![json!(id), json!(value)])
        .await
        .unwrap_or_else(|e| panic!("#{id} = {value}: {e}"));
}

/// Chooses the first real option of a select (a record made earlier on this page).
async fn choose_first(p: &Walk<'_>, id: &str) {
    p.c.execute("document.getElementById(arguments[0]).selectedIndex = 1", vec![json!(id)]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_records_a_village_cycle_in_lao() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    let r = w.admin.http.post(format!("{}/api/v1/places/import", w.admin.base)).bearer_auth(w.admin.token.as_ref().unwrap()).header("content-type", "text/csv").body(PLACES).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for (code, user) in [("PK-01-001", "facilitator"), ("PK-01-002", "facilitator"), ("PK-01", "coordinator")] {
        assert_eq!(w.admin.post(&format!("/api/v1/places/{code}/assignments"), json!({ "username": user })).await.status, 204);
    }
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let mut p = Walk { c: &b.client, base: w.app.url(""), lang: "lo", axe: axe_source(), data: vec![], pages_checked: 0, shots: None };
    p.c.goto(&format!("{}/login?lang=lo", p.base)).await.unwrap();
    p.submit("header form[action='/language']").await;
    p.sign_in("facilitator").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/places");
    p.go("/places/PK-01-001").await;
    assert_eq!(p.text("h1").await, "ບ້ານນາໃຕ້");
    let bytes = reqwest_len(&p.base, "/places/PK-01-001", p.c).await;
    assert!(bytes < 50 * 1024, "the village page weighs {bytes} bytes");

    // A workshop: first without what it was about, which the form says in Lao next to the field.
    p.press("a[href='/places/PK-01-001/new/meeting']").await;
    choose(&p, "format", "workshop").await;
    p.fill("att-female-15_to_59", "14").await;
    p.fill("att-male-60_plus", "5").await;
    p.tick("partner-health_centre").await;
    p.submit("form.record-form").await;
    assert!(p.text("#purpose-error").await.contains(&tr("lo", "err-community-required")), "the error is in Lao");
    assert_eq!(p.c.find(Locator::Id("att-female-15_to_59")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("14"), "what was typed is kept");
    p.fill("purpose", "ບັນຫານ້ຳສະອາດ").await;
    p.submit("form.record-form").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/places/PK-01-001");
    assert!(p.text("main").await.contains(&tr("lo", "done-community-kept")));

    // The need it named, in the community's words, with its votes.
    p.go("/places/PK-01-001/new/need").await;
    p.fill("words", "ນ້ຳບໍ່ພໍໃຊ້ໃນລະດູແລ້ງ").await;
    p.tick("need-water_sanitation").await;
    p.fill("votes", "23").await;
    choose_first(&p, "meeting").await;
    p.submit("form.record-form").await;
    // A vulnerable group, counted; a resource; the action plan.
    p.go("/places/PK-01-001/new/vulnerable_group").await;
    choose(&p, "group", "older_alone").await;
    p.fill("count", "7").await;
    p.submit("form.record-form").await;
    p.go("/places/PK-01-001/new/resource").await;
    choose(&p, "resource_kind", "transport").await;
    p.fill("name", "ລົດຕຸກຕຸກຂອງທ້າວຄຳ (Kham tuk-tuk)").await;
    p.fill("contact", "020 555 0101").await;
    p.submit("form.record-form").await;
    // Published to the directory, where a link worker finds it by search.
    p.press("ol.timeline a").await;
    p.submit("form[action$='/publish']").await;
    assert!(p.text("main").await.contains(&tr("lo", "done-community-published")));
    w.app.sync_index().await;
    p.go("/directory?q=Kham").await;
    assert!(p.text("main").await.contains("ລົດຕຸກຕຸກຂອງທ້າວຄຳ (Kham tuk-tuk)"), "found by search");
    p.go("/places/PK-01-001/new/action").await;
    p.fill("title", "ສ້ອມແປງນ້ຳສ້າງໂຮງຮຽນ").await;
    choose(&p, "lead", "district").await;
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    p.set_date("due_on", &due).await;
    choose_first(&p, "need").await;
    p.submit("form.record-form").await;
    let main = p.text("main").await;
    assert!(main.contains("ສ້ອມແປງນ້ຳສ້າງໂຮງຮຽນ") && main.contains("ບັນຫານ້ຳສະອາດ") && main.contains("ລົດຕຸກຕຸກຂອງທ້າວຄຳ"), "the timeline: {main}");

    // Raised to the district.
    p.press("#open + ul a").await;
    p.fill("raise-text", "ເມືອງຊ່ວຍຄ່າປໍ້ານ້ຳໄດ້ບໍ?").await;
    p.submit("form[action$='/raise']").await;
    assert!(p.text("main").await.contains(&tr("lo", "community-waiting-answer")));
    let action_page = p.c.current_url().await.unwrap().path().to_string();

    // Someone who needs help of their own is referred into the pathway, with consent, the village
    // and the facilitator as the source.
    p.go("/places/PK-01-001").await;
    p.press("a[href='/referrals/new?place=PK-01-001']").await;
    assert_eq!(p.c.find(Locator::Id("referral-referrer_organisation")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("ບ້ານນາໃຕ້ (PK-01-001)"));
    p.fill("person-given_name", "ນາງແກ້ວ").await;
    p.fill("person-family_name", "ສີສຸກ").await;
    p.tick("reason-health_access").await;
    p.tick("consent_to_support").await;
    p.submit("main form[action='/referrals/new']").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), "/referrals");
    let queue = w.lw.read("/api/v1/episodes").await;
    let episode = w.lw.read(&format!("/api/v1/episodes/{}", s(&queue["contents"][0]["id"]))).await;
    let referral = episode.to_string();
    assert!(referral.contains("community_member") && referral.contains("ບ້ານນາໃຕ້ (PK-01-001)"), "in the link worker's queue with its source: {episode:#}");

    // Indicator values, shown as a small chart.
    for (period, value) in [("2026-10", "31"), ("2026-11", "35")] {
        p.go("/places/PK-01-001/new/monitoring").await;
        choose(&p, "indicator", "safe_water").await;
        p.c.execute("document.getElementById('period').value = arguments[0]", vec![json!(period)]).await.unwrap();
        p.fill("value", value).await;
        p.fill("out_of", "160").await;
        p.submit("form.record-form").await;
    }
    assert_eq!(p.c.find_all(Locator::Css("table.chart tbody tr")).await.unwrap().len(), 2);
    assert!(p.text("table.chart caption").await.contains("ຄົວເຮືອນທີ່ມີນ້ຳສະອາດ"));

    // The printable plan: on paper, no menus, just the plan.
    p.go("/places/PK-01-001/plan").await;
    assert!(p.text("table.plan").await.contains("ສ້ອມແປງນ້ຳສ້າງໂຮງຮຽນ"));
    crate::browser::emulate_media(p.c, "print").await;
    let hidden = p.c.execute("return getComputedStyle(document.querySelector('.no-print')).display", vec![]).await.unwrap();
    assert_eq!(hidden, json!("none"), "the back link is not printed");
    crate::browser::emulate_media(p.c, "screen").await;
    p.sign_out().await;

    // The coordinator sees what the village raised and answers it.
    p.sign_in("coordinator").await;
    assert!(p.text("#waiting + ul").await.contains("ສ້ອມແປງນ້ຳສ້າງໂຮງຮຽນ"));
    p.press("#waiting + ul a").await;
    p.fill("answer-text", "ໄດ້, ໃນງົບປະມານເດືອນມັງກອນ").await;
    p.submit("form[action$='/answer']").await;
    // Before any visit, both villages wait for one; after a visit to Na Tai, Phon (never visited)
    // comes first and Na Tai says what to follow up.
    p.go("/places").await;
    let before = p.text("#supervision + table tbody").await;
    assert_eq!(before.matches(&tr("lo", "community-supervision-never")).count(), 2, "{before}");
    p.go("/places/PK-01-001/new/supervision").await;
    for (item, answer) in [("meetings_held", "yes"), ("records_complete", "yes"), ("plan_followed", "partly"), ("vulnerable_included", "yes"), ("health_centre_linked", "no")] {
        p.tick(&format!("check-{item}-{answer}")).await;
    }
    p.fill("note-plan_followed", "ລໍຖ້າອາໄຫຼ່").await;
    p.submit("form.record-form").await;
    p.go("/places").await;
    let rows = p.c.find_all(Locator::Css("#supervision + table tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 2, "one line per village");
    let first = rows[0].text().await.unwrap();
    let second = rows[1].text().await.unwrap();
    assert!(first.contains("ບ້ານໂພນ") && first.contains(&tr("lo", "community-supervision-never")), "the village never visited first: {first}");
    assert!(second.contains("ບ້ານນາໃຕ້") && second.contains(&format!("{} 3", tr("lo", "community-answer-yes"))), "{second}");
    assert!(second.contains("ໄດ້ຕິດຕາມແຜນປະຕິບັດງານ") && second.contains("ສຸກສາລາມີສ່ວນຮ່ວມ"), "what was not fully done is named: {second}");
    p.sign_out().await;
    p.sign_in("facilitator").await;
    assert!(p.c.find(Locator::Css("#supervision")).await.is_err(), "the visits list is the coordinator's");
    p.go(&action_page).await;
    assert!(p.text("main").await.contains("ໄດ້, ໃນງົບປະມານເດືອນມັງກອນ"), "the village reads the district's answer");

    // On the server: each record once.
    let records = w.admin.read("/api/v1/places/PK-01-001/records").await;
    let mut kinds: Vec<&str> = records.as_array().unwrap().iter().map(|r| s(&r["kind"])).collect();
    kinds.sort();
    assert_eq!(kinds, ["action", "meeting", "monitoring", "monitoring", "need", "resource", "supervision", "vulnerable_group"]);
    assert!(p.pages_checked >= 20, "only {} pages were checked", p.pages_checked);
    b.close().await;
}
