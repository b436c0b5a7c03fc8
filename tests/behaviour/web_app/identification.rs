//! The practice's referrer finds who may benefit through the pages, on a phone, in the
//! pseudo-language (every string from the resources) with axe on every page: the patients file
//! uploaded, the rules run, each person listed with why, "Refer" opening the referral form filled
//! in from the practice's record (the person's agreement still asked), the entry then shown as
//! referred, and someone taken off the list with a reason. Nobody else has the page.

use fantoccini::Locator;

use super::{pseudo_walk, tr};
use crate::browser::Browser;
use crate::pathway::identification::{bundle, practices, PRACTICE};
use crate::pathway::World;
use crate::support::TestDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referrer_works_through_the_practices_worklist_on_a_phone() {
    let w = World::new(TestDb::sqlite().await.unwrap()).await;
    practices(&w).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("patients.json");
    std::fs::write(&file, bundle().to_string()).unwrap();
    let b = Browser::start_with(true).await;
    b.phone_viewport(360, 740).await;
    let data = [
        "Margaret Holt", "Derek Ainsworth", "Priya Shah", "Margaret", "Derek", "Priya", "943 476 5919", "999 000 0018", "Millbrook Surgery",
        "Frequent attender", "Loneliness or social isolation recorded", "Positive social needs screen", "422650009", "Social isolation (finding)",
        "88122-7", "LA28397-0", "Dr Other", "gp2",
    ];
    let mut p = pseudo_walk(&b, &w, &data).await;
    p.sign_in("gp").await;
    p.go("/referrals").await;
    p.press("main a[href='/worklist']").await;
    assert_eq!(p.c.current_url().await.unwrap().path(), format!("/worklist/{PRACTICE}"), "one practice: its worklist straight away");
    assert_eq!(p.text("h1").await, tr("en-XA", "worklist-title"));

    // An empty file is refused on the page; the Bundle is loaded.
    p.submit("main form[action$='/patients']").await;
    assert!(!p.text("#file-error").await.is_empty(), "choosing no file says so");
    p.c.find(Locator::Id("file")).await.unwrap().send_keys(file.to_str().unwrap()).await.unwrap();
    p.submit("main form[action$='/patients']").await;
    assert_eq!(p.text(".notice").await, tr("en-XA", "done-worklist-loaded"));
    p.submit("main form[action$='/runs']").await;
    assert_eq!(p.text(".notice").await, tr("en-XA", "done-worklist-ran"));
    let main = p.text("main").await;
    for who in ["Margaret Holt", "Derek Ainsworth", "Priya Shah"] {
        assert!(main.contains(who), "{who} is listed: {main}");
    }
    assert!(!main.contains("Alice"), "Alice matches nothing: {main}");
    assert!(main.contains("422650009") && main.contains("Frequent attender"), "each with why: {main}");

    // Refer Derek: the form comes filled in from the record; his agreement is still asked.
    let derek = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await["entries"].as_array().unwrap().iter().find(|e| e["patient_key"] == "p2").unwrap()["id"].as_str().unwrap().to_string();
    p.press(&format!("main a[href$='/entries/{derek}/refer']")).await;
    assert!(p.text("main dl.facts").await.contains("Derek Ainsworth"));
    let checked = p.c.find(Locator::Id("reason-social_connection")).await.unwrap().prop("checked").await.unwrap();
    assert_eq!(checked.as_deref(), Some("true"), "the finding's need is proposed");
    let details = p.c.find(Locator::Id("referral-details")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert!(details.contains("422650009"), "{details}");
    p.submit("main form[action$='/refer']").await;
    assert!(!p.text("#consent_to_support-error").await.is_empty(), "no referral without the person's agreement");
    p.tick("consent_to_support").await;
    p.submit("main form[action$='/refer']").await;
    assert_eq!(p.text(".notice").await, tr("en-XA", "done-worklist-referred"));
    assert!(p.text(&format!("#entry-{derek}")).await.contains(&tr("en-XA", "worklist-status-referred")));

    // Priya is taken off the list, with why.
    let priya = w.gp.read(&format!("/api/v1/practices/{PRACTICE}/worklist")).await["entries"].as_array().unwrap().iter().find(|e| e["patient_key"] == "p3").unwrap()["id"].as_str().unwrap().to_string();
    p.c.find(Locator::Css(&format!("#entry-{priya} summary"))).await.unwrap().click().await.unwrap();
    p.submit(&format!("#entry-{priya} form")).await;
    assert!(!p.text(&format!("#reason-{priya}-error")).await.is_empty(), "a reason is needed");
    p.data.push("Already supported".into());
    p.fill(&format!("reason-{priya}"), "Already supported").await;
    p.submit(&format!("#entry-{priya} form")).await;
    assert_eq!(p.text(".notice").await, tr("en-XA", "done-worklist-dismissed"));
    assert!(p.text(&format!("#entry-{priya}")).await.contains("Already supported"));
    p.sign_out().await;

    // The link worker has no worklist page.
    p.sign_in("lw").await;
    p.c.goto(&format!("{}/worklist/{PRACTICE}", p.base)).await.unwrap();
    assert_eq!(p.text("h1").await, tr("en-XA", "problem-forbidden"));
    b.close().await;
}
