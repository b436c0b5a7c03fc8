//! Matching for a person, wired to the directory: candidates come from the search index (the
//! taxonomy terms that meet the person's needs, and their interests as words, near where they
//! live), with the facts the ranker weighs as the index stores them, and the domain's ranker
//! orders and explains them (`linkwork_domain::matching`). No listing is read from the database:
//! at a million services that read was most of the time a match took.

use std::collections::HashMap;

use chrono::{Datelike, Utc};
use linkwork_domain::geo::Point;
use linkwork_domain::matching::{rank, Candidate, Fit, Match, NeedTerms, Profile, ServiceFacts};
use linkwork_domain::search::SearchQuery;
use linkwork_store::pathway::{Episode, Person};

use crate::error::{ApiError, ApiResult};
use crate::i18n::Tr;
use crate::AppState;

/// How far candidates are looked for around the person.
const RADIUS_M: f64 = 25_000.0;
/// Candidates per query (needs, words) before ranking.
const PER_QUERY: usize = 40;

/// The person's profile from their record: needs (confirmed, and the referral's reasons),
/// interests, barriers and free times from the assessment, age, place and language.
pub async fn profile(state: &AppState, episode: &Episode, person: &Person, confirmed_needs: &[String], words: Option<&str>) -> Profile {
    let a = episode.assessment.clone().unwrap_or_default();
    let mut needs: Vec<String> = confirmed_needs.to_vec();
    for r in &episode.referral.reasons {
        if !needs.contains(r) {
            needs.push(r.clone());
        }
    }
    let interests = match words {
        Some(w) => w.split_whitespace().map(str::to_string).collect(),
        None => a.interests.iter().flat_map(|i| i.split_whitespace().map(str::to_string)).collect(),
    };
    let barriers = a.barriers.iter().filter_map(|b| serde_json::to_value(b.barrier).ok().and_then(|v| v.as_str().map(str::to_string))).collect();
    let age = person.details.birth_date.as_deref().and_then(|b| chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()).map(|b| {
        let t = Utc::now().date_naive();
        let mut y = t.year() - b.year();
        if (t.month(), t.day()) < (b.month(), b.day()) {
            y -= 1;
        }
        y.max(0) as u32
    });
    let location = match person.details.postcode.as_deref() {
        Some(pc) => crate::hsds_api::postcode_centroid(state, pc).await.ok().flatten(),
        None => None,
    };
    let language = person.details.language.clone().filter(|l| !l.to_lowercase().starts_with("en"));
    let free_at = a.free_times.iter().map(|f| f.window()).collect();
    Profile { needs, interests, barriers, age, location, language, free_at }
}

/// The taxonomy terms (ids) whose names meet any of the needs.
async fn need_term_ids(state: &AppState, needs: &[String], terms: &NeedTerms) -> ApiResult<Vec<String>> {
    let keys: Vec<&String> = needs.iter().filter_map(|n| terms.get(n)).flatten().collect();
    if keys.is_empty() {
        return Ok(vec![]);
    }
    let all = state.directory.term_names().await?;
    Ok(all.iter().filter(|(_, name)| keys.iter().any(|k| name.contains(k.as_str()))).map(|(id, _)| id.clone()).collect())
}

/// A ranked service, with what a list of results shows of it.
pub struct Matched {
    pub service_id: String,
    pub name: String,
    pub organization: Option<String>,
    pub snippet: Option<String>,
    /// The nearest site's name and address.
    pub place: String,
    pub m: Match,
}

/// One service gathered from the hits of its sites and of both searches.
struct Gathered {
    text_score: f32,
    distance_m: Option<f64>,
    words: Vec<String>,
    facts: ServiceFacts,
    name: String,
    organization: Option<String>,
    snippet: Option<String>,
    place: String,
}

/// Ranks services for the profile: the best `limit`.
pub async fn find(state: &AppState, p: &Profile, limit: usize) -> ApiResult<Vec<Matched>> {
    let terms = state.config.matching.terms();
    let term_ids = need_term_ids(state, &p.needs, &terms).await?;
    let near: Option<Point> = p.location;
    let base = SearchQuery { near, radius_m: near.map(|_| RADIUS_M), age: p.age, limit: PER_QUERY, ..SearchQuery::default() };
    let mut hits = vec![];
    if !term_ids.is_empty() {
        hits.extend(state.directory.search(SearchQuery { taxonomy_term_ids: term_ids, ..base.clone() }).await?.hits);
    }
    let text = p.interests.join(" ");
    if !text.trim().is_empty() {
        hits.extend(state.directory.search(SearchQuery { text: Some(text), ..base.clone() }).await?.hits);
    }
    if hits.is_empty() {
        hits.extend(state.directory.search(base.clone()).await?.hits);
    }
    // One entry per service: the best text score, the nearest site, the words found, and the
    // facts of all its sites.
    let mut by_id: HashMap<String, Gathered> = HashMap::new();
    let mut order: Vec<String> = vec![];
    for h in hits {
        let words: Vec<String> = h.reasons.iter().filter_map(|r| match r {
            linkwork_domain::search::MatchReason::Text { words } => Some(words.clone()),
            _ => None,
        }).flatten().collect();
        let text_score = if words.is_empty() { 0.0 } else { h.score.max(0.0) };
        let place = [h.location_name.clone(), h.address.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let facts = h.facts.ok_or_else(|| ApiError::Internal("search hit without its facts".into()))?;
        match by_id.get_mut(&h.service_id) {
            Some(g) => {
                g.text_score = g.text_score.max(text_score);
                if let Some(d) = h.distance_m {
                    if g.distance_m.is_none_or(|n| d < n) {
                        g.distance_m = Some(d);
                        g.place = place;
                    }
                }
                for w in words {
                    if !g.words.contains(&w) {
                        g.words.push(w);
                    }
                }
                g.facts.merge(&facts);
            }
            None => {
                order.push(h.service_id.clone());
                let g = Gathered { text_score, distance_m: h.distance_m, words, facts, name: h.name, organization: h.organization_name, snippet: h.snippet, place };
                by_id.insert(h.service_id, g);
            }
        }
    }
    let candidates: Vec<Candidate<'_>> = order
        .iter()
        .map(|id| {
            let g = &by_id[id];
            Candidate { facts: &g.facts, text_score: g.text_score, distance_m: g.distance_m, words: g.words.clone() }
        })
        .collect();
    let ranked = rank(p, &candidates, &terms, &state.config.matching.weights);
    drop(candidates);
    Ok(ranked
        .into_iter()
        .take(limit)
        .filter_map(|m| {
            let g = by_id.remove(&m.service_id)?;
            Some(Matched { service_id: m.service_id.clone(), name: g.name, organization: g.organization, snippet: g.snippet, place: g.place, m })
        })
        .collect())
}

/// Why a service fits, in the reader's language.
pub fn fit_words(t: &Tr, f: &Fit) -> String {
    match f {
        Fit::Need { need, term } => t.t2("fit-need", "need", t.code("need-", need).as_str(), "term", term.as_str()),
        Fit::Interest { words } => t.t1("reason-mentions", "words", words.join(", ").as_str()),
        Fit::Near { distance_m } => t.t1("distance-away", "distance", t.distance(*distance_m).as_str()),
        Fit::Free => t.t("cost-free"),
        Fit::LowCost => t.t("cost-low"),
        Fit::Charges => t.t("fit-charges"),
        Fit::Language { language } => t.t1("reason-language", "language", language.as_str()),
        Fit::NotInLanguage { language } => t.t1("fit-not-in-language", "language", language.as_str()),
        Fit::Accessible => t.t("reason-wheelchair"),
        Fit::AccessNotStated => t.t("fit-access-not-stated"),
        Fit::OpenWhenFree { day, time } => t.t2("reason-open-at", "day", t.weekday(*day).as_str(), "time", t.time(*time).as_str()),
        Fit::Places { available } => t.t1("places-available", "count", *available),
        Fit::Full => t.t("full-at-the-moment"),
        Fit::WaitingList { wait } => t.t1("capacity-waiting-list", "wait", wait.as_str()),
    }
}
