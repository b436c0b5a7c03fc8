//! The demo's caseload: a year of referrals in Millbrook (`linkwork_gen::caseload::plan`),
//! carried out step by step through the store's ordinary operations, each dated when it happened
//! (`Store::dated`), by the demo's own accounts: the GP refers, the link worker contacts, assesses,
//! agrees plans and refers on, the organisation accepts and records attendance. So the observatory,
//! the caseload and the outcome charts show what the real pathway would have recorded, and the
//! audit log says when each record was loaded.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use linkwork_domain::pathway::assessment::{GoalInput, GoalProgress, GoalReviewInput, PrescriptionItemInput};
use linkwork_domain::pathway::consent::{ConsentInput, ConsentMethod, ConsentPurpose};
use linkwork_domain::pathway::referral::ReferralSource;
use linkwork_domain::pathway::episode::EpisodeStatus;
use linkwork_domain::pathway::task::{Side, TaskStatus};
use linkwork_domain::Id;
use linkwork_gen::caseload::PlannedMeasure;
use linkwork_store::pathway::{Actor, OnwardRequest, ReferralRequest, User};
use linkwork_web::AppState;

/// How many people the demo's year holds: a busy link worker's year.
pub const DEMO_PEOPLE: usize = 240;

fn actor(u: &User, role: &str) -> Actor {
    Actor { user_id: Some(u.id.clone()), name: u.display_name.clone(), role: role.into(), reason: "demo set-up: a year of referrals".into() }
}

/// A service to refer on to: id, name, organisation.
type Target = (String, String, String);

/// The services the demo's link worker refers to: the provider's own first (so that the demo's
/// provider has referrals to see), then others, in a stable order.
async fn targets(st: &AppState, provider_org: Option<&str>) -> anyhow::Result<Vec<Target>> {
    let mut out = vec![];
    let mut ids = st.store().all_ids("service").await?;
    ids.sort();
    for chunk in ids.chunks(500) {
        for row in st.store().select_in("service", "id", chunk).await? {
            if let (Some(id), Some(name), Some(org)) = (row.get_str("id"), row.get_str("name"), row.get_str("organization_id")) {
                out.push((id.to_string(), name.to_string(), org.to_string()));
            }
        }
    }
    let mine: Vec<Target> = out.iter().filter(|t| Some(t.2.as_str()) == provider_org).cloned().collect();
    let others: Vec<Target> = out.into_iter().filter(|t| Some(t.2.as_str()) != provider_org).take(24).collect();
    // The provider's services take about a third of the referrals.
    let mut list = vec![];
    for (i, t) in others.into_iter().enumerate() {
        if !mine.is_empty() && i % 2 == 0 {
            list.push(mine[i / 2 % mine.len()].clone());
        }
        list.push(t);
    }
    if list.is_empty() {
        list = mine;
    }
    Ok(list)
}

/// A session recorded by the organisation on the evening of the day.
async fn attend(st: &AppState, who: &Actor, onward: &str, orgs: &[String], day: chrono::NaiveDate, came: bool) -> anyhow::Result<()> {
    let at = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &day.and_hms_opt(18, 0, 0).expect("a valid time"));
    let store = st.store();
    store.dated(at, store.record_attendance(who, onward, orgs, &day.to_string(), came, None)).await.context("demo attendance")?;
    Ok(())
}

/// A completed questionnaire, scored by the API's own rules, dated when it was taken.
async fn measure(st: &AppState, who: &Actor, person: &str, episode: &str, m: &PlannedMeasure) -> anyhow::Result<()> {
    let record = linkwork_web::measures_api::record_completed(st, who, person, Some(episode), m.instrument, m.timepoint, &m.answers);
    st.store().dated(m.at, record).await.map_err(|e| anyhow::anyhow!("demo measure: {e:?}"))?;
    Ok(())
}

async fn user(st: &AppState, username: &str) -> anyhow::Result<User> {
    st.store().user_by_username(username).await?.with_context(|| format!("the demo account '{username}' is missing"))
}

/// Loads the year unless the store already holds referrals. Returns how many people it loaded.
pub async fn load(st: &AppState) -> anyhow::Result<usize> {
    load_with(st, DEMO_PEOPLE, linkwork_gen::DEMO_SEED).await
}

/// Loads a year of `people` planned from `seed` (another seed: another programme's year).
pub async fn load_with(st: &AppState, people: usize, seed: u64) -> anyhow::Result<usize> {
    let store = st.store();
    let existing: i64 = store.count_episodes().await?;
    if existing > 0 {
        return Ok(0);
    }
    let (gp, lw, provider) = (user(st, "gp").await?, user(st, "linkworker").await?, user(st, "provider").await?);
    let (by_gp, by_lw, by_provider) = (actor(&gp, "referrer"), actor(&lw, "link_worker"), actor(&provider, "provider"));
    let provider_org = provider.organizations.first().map(String::as_str);
    let other_org = Actor::system("demo set-up: a community organisation's records");
    let services = targets(st, provider_org).await?;
    let plan = linkwork_gen::caseload::plan(people, seed, chrono::Utc::now().date_naive());
    let bar = ProgressBar::new(plan.len() as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}").expect("a valid template").progress_chars("=> "),
    );
    bar.set_message("Loading a year of referrals");
    for p in &plan {
        let clinical = matches!(p.referral.source, ReferralSource::Gp | ReferralSource::Nurse);
        let req = ReferralRequest {
            person_id: None,
            person: Some(&p.details),
            not_a_duplicate: true,
            details: &p.referral,
            consent_method: ConsentMethod::Verbal,
            referred_by: clinical.then_some(gp.id.as_str()),
        };
        let referrer = if clinical { &by_gp } else { &Actor::system("demo set-up: a self-referral or community referral") };
        let ep = store.dated(p.received, store.create_referral(referrer, req)).await.context("demo referral")?;
        if let Some(at) = p.assigned {
            store.dated(at, store.assign_episode(&by_lw, &ep.id, None, &lw.id)).await.context("demo assignment")?;
        }
        let mut steps = p.steps.iter().peekable();
        let mut goal_id: Option<String> = None;
        // Consent to evaluation is asked at first contact, after the contact is recorded.
        while let Some((at, t)) = steps.next() {
            store.dated(*at, store.transition_episode(&by_lw, &ep.id, None, t)).await.with_context(|| format!("demo step to {:?}", t.to))?;
            if t.to == EpisodeStatus::Contacted {
                if let Some((given, withdrawn)) = p.evaluation_consent {
                    let c = ConsentInput { purpose: ConsentPurpose::Evaluation, organization_id: None, method: ConsentMethod::Verbal, given_by: None, note: None };
                    let c = store.dated(given, store.add_consent(&by_lw, &ep.person_id, &c)).await?;
                    if let Some(w) = withdrawn {
                        store.dated(w, store.withdraw_consent(&by_lw, &c.id, Some("asked not to be included"))).await?;
                    }
                }
            }
            if t.to == EpisodeStatus::Assessed {
                for m in p.measures.iter().filter(|m| m.timepoint != "follow_up") {
                    measure(st, &by_lw, &ep.person_id, &ep.id, m).await?;
                }
                // The link worker confirms what a positive screen proposes, having talked it through.
                let (proposed, _) = store.person_needs(&by_lw, &ep.person_id).await?;
                for n in proposed.iter().filter(|n| n.status == "proposed") {
                    store.dated(*at, store.decide_need(&by_lw, &n.id, true)).await.context("demo need")?;
                }
            }
            if t.to == EpisodeStatus::PlanAgreed {
                if let Some((at, goal)) = &p.goal {
                    goal_id = Some(store.dated(*at, store.add_goal(&by_lw, &ep.id, &GoalInput { description: goal.clone(), target_date: None })).await?.id);
                }
                if let (Some(o), false) = (&p.onward, services.is_empty()) {
                    let (sid, name, org) = &services[o.service % services.len()];
                    let item = PrescriptionItemInput { service_id: Some(Id::parse(sid)?), activity: None, note: None, goal_ids: goal_id.iter().map(|g| Id::parse(g)).collect::<Result<_, _>>()? };
                    store.dated(*at, store.add_prescription_item(&by_lw, &ep.id, &item, Some(name))).await.context("demo prescription")?;
                    let share = ConsentInput { purpose: ConsentPurpose::Sharing, organization_id: Some(Id::parse(org)?), method: ConsentMethod::Verbal, given_by: None, note: None };
                    store.dated(o.sent, store.add_consent(&by_lw, &ep.person_id, &share)).await?;
                    let req = OnwardRequest { episode_id: &ep.id, service_id: sid, service_name: name, organization_id: org, message: Some("Referred from the demo's year."), send: true, capacity_warning: None };
                    let sent = store.dated(o.sent, store.create_onward_referral(&by_lw, req)).await.context("demo onward referral")?;
                    let orgs = [org.clone()];
                    let who = if Some(org.as_str()) == provider_org { &by_provider } else { &other_org };
                    let mut sessions = o.sessions.iter();
                    for (at, to, reason) in &o.steps {
                        if matches!(to, TaskStatus::Completed | TaskStatus::Failed) {
                            // Sessions come between starting and finishing.
                            for (day, came) in sessions.by_ref() {
                                attend(st, who, &sent.id, &orgs, *day, *came).await?;
                            }
                        }
                        store.dated(*at, store.change_onward_referral(who, &sent.id, Side::Performer, &orgs, *to, *reason, None)).await.with_context(|| format!("demo onward step to {to}"))?;
                    }
                    for (day, came) in sessions {
                        attend(st, who, &sent.id, &orgs, *day, *came).await?;
                    }
                }
            }
            // The follow-up measure is taken just before the episode closes.
            if steps.peek().is_some_and(|(_, n)| n.to == EpisodeStatus::Closed) {
                if let (Some(g), Some((at, met))) = (&goal_id, p.goal_review) {
                    let progress = if met { GoalProgress::Achieved } else { GoalProgress::SomeProgress };
                    store.dated(at, store.review_goal(&by_lw, g, None, &GoalReviewInput { progress, note: None })).await.context("demo goal review")?;
                }
                for m in p.measures.iter().filter(|m| m.timepoint == "follow_up") {
                    measure(st, &by_lw, &ep.person_id, &ep.id, m).await?;
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(plan.len())
}
