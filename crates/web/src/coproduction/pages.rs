//! The facilitators' and coordinators' page `/places`: the places they are assigned to and every
//! place below, as a tree, with the configured level names in the reader's language, and what is
//! due: open actions by due date, and what was raised to them waiting for an answer; for
//! coordinators, the last supervision visit to each of their villages, the longest unvisited first.

use askama::Template;
use axum::extract::State;
use axum::routing::get;
use axum::Router;

use crate::ui::{render, Chrome, Page, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/places", get(places))
}

/// One line of the tree.
pub struct PlaceLine {
    pub depth: usize,
    pub code: String,
    pub name: String,
    pub level: String,
    pub population: String,
    pub assigned: String,
}

/// A level's name for the reader: as configured for their language; else the shipped translation
/// of a usual level (province, district, village, city, ward, neighbourhood); else as configured
/// in English.
pub fn level_name(t: &crate::i18n::Tr, s: &linkwork_domain::coproduction::PlaceSettings, code: &str, lang: &str) -> String {
    let level = s.levels.iter().find(|l| l.code == code);
    if let Some(n) = level.and_then(|l| l.configured_name(lang)) {
        return n.to_string();
    }
    let key = format!("place-level-{}", code.replace('_', "-"));
    if t.has(&key) {
        return t.t(&key);
    }
    level.map(|l| l.name_in(lang).to_string()).unwrap_or_else(|| code.to_string())
}

/// A village's last supervision visit, as the coordinator's list shows it.
pub struct Visit {
    pub place: String,
    pub place_href: String,
    /// The visit's date and page, or empty if it was never visited.
    pub last: String,
    pub href: String,
    /// How the checklist was answered ("Yes 3 · Partly 1 · No 0").
    pub answers: String,
    /// The items answered partly or no.
    pub follow_up: String,
}

#[derive(Template)]
#[template(path = "places.html")]
struct PlacesPage {
    c: Chrome,
    lines: Vec<PlaceLine>,
    /// Open actions across the reader's places, the soonest due first.
    due: Vec<super::cycle_pages::Line>,
    /// What was raised to the reader's places and waits for an answer.
    waiting: Vec<super::cycle_pages::Line>,
    /// For those who make supervision visits: each village's last.
    visits: Option<Vec<Visit>>,
}

async fn places(State(state): State<AppState>, page: Page) -> PageResult {
    let who = super::places::scope(page.member()?)?;
    let t = page.t().clone();
    let all = state.store().list_places(who.as_deref()).await?;
    // Depth-first from the places whose parent is not shown (the caller's own), children by name.
    let shown: std::collections::HashSet<&str> = all.iter().map(|p| p.code.as_str()).collect();
    let mut lines = vec![];
    let mut stack: Vec<(&linkwork_store::pathway::PlaceRecord, usize)> =
        all.iter().filter(|p| p.parent_code.as_deref().is_none_or(|c| !shown.contains(c))).rev().map(|p| (p, 0)).collect();
    let lang = t.lang_tag().to_string();
    while let Some((p, depth)) = stack.pop() {
        let level = level_name(&t, &state.config.places, &p.level, &lang);
        lines.push(PlaceLine {
            depth,
            code: p.code.clone(),
            name: p.name.clone(),
            level,
            population: p.population.map(|n| t.t1("places-population", "count", n)).unwrap_or_default(),
            assigned: p.assigned.join(", "),
        });
        stack.extend(all.iter().filter(|q| q.parent_code.as_deref() == Some(p.code.as_str())).rev().map(|q| (q, depth + 1)));
    }
    use linkwork_store::pathway::RecordFilter;
    let open = RecordFilter { kind: Some(linkwork_domain::coproduction::RecordKind::Action), open_actions: true, limit: Some(20), ..RecordFilter::default() };
    let due = state.store().list_records(who.as_deref(), &open).await?;
    let raised = state.store().list_records(who.as_deref(), &RecordFilter { raised: true, ..RecordFilter::default() }).await?;
    let line = |r: &linkwork_store::pathway::CommunityRecord| super::cycle_pages::line(&t, &state, r, r.place_name.clone());
    let due = due.iter().map(line).collect();
    let waiting = raised.iter().filter(|r| r.managed.raised.last().is_some_and(|x| x.answer.is_none())).map(line).collect();
    let visits = if page.member()?.can(linkwork_domain::pathway::access::Action::SuperviseCommunity) {
        let done = state.store().list_records(who.as_deref(), &RecordFilter { kind: Some(linkwork_domain::coproduction::RecordKind::Supervision), ..RecordFilter::default() }).await?;
        Some(visits(&t, &state, &all, &done))
    } else {
        None
    };
    Ok(render(PlacesPage { c: page.chrome, lines, due, waiting, visits }))
}

/// The places no shown place is in (the villages), each with its latest visit (`done` comes
/// newest first): never visited first, then the longest ago.
fn visits(t: &crate::i18n::Tr, state: &AppState, all: &[linkwork_store::pathway::PlaceRecord], done: &[linkwork_store::pathway::CommunityRecord]) -> Vec<Visit> {
    use linkwork_domain::coproduction::cycle::ChecklistAnswer;
    use linkwork_domain::coproduction::RecordBody;
    let lang = t.lang_tag();
    let mut out: Vec<(Option<&str>, Visit)> = all
        .iter()
        .filter(|p| !all.iter().any(|q| q.parent_code.as_deref() == Some(p.code.as_str())))
        .map(|p| {
            let place_href = format!("/places/{}", p.code);
            let last = done.iter().find(|r| r.place_code == p.code);
            let mut v = Visit { place: p.name.clone(), place_href, last: String::new(), href: String::new(), answers: String::new(), follow_up: String::new() };
            if let Some(r) = last {
                v.last = t.date(&r.date);
                v.href = format!("/places/{}/records/{}", p.code, r.id);
                if let RecordBody::Supervision(s) = &r.body {
                    let n = |a: ChecklistAnswer| s.checklist.iter().filter(|i| i.answer == a).count() as i64;
                    v.answers = [("yes", ChecklistAnswer::Yes), ("partly", ChecklistAnswer::Partly), ("no", ChecklistAnswer::No)]
                        .map(|(code, a)| format!("{} {}", t.t(&format!("community-answer-{code}")), t.num(n(a))))
                        .join(" · ");
                    let checklist = &state.config.community.supervision_checklist;
                    v.follow_up = s
                        .checklist
                        .iter()
                        .filter(|i| i.answer != ChecklistAnswer::Yes)
                        .map(|i| checklist.iter().find(|c| c.code == i.item).map(|c| c.name_in(lang).to_string()).unwrap_or_else(|| i.item.clone()))
                        .collect::<Vec<_>>()
                        .join(", ");
                }
            }
            (last.map(|r| r.date.as_str()), v)
        })
        .collect();
    // None sorts before any date: the places never visited come first.
    out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.place.cmp(&b.1.place)));
    out.into_iter().map(|(_, v)| v).collect()
}
