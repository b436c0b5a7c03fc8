//! Why a result matched, worked out for the returned page only: which of the query's words the
//! listing contains (as the listing spells them), and which of the asked-for conditions it meets.

use linkwork_domain::schedule::day_name;
use linkwork_domain::search::{MatchReason, SearchQuery};

use crate::document::TERM_SEP;
use crate::query::QueryWord;
use crate::schema::{stemmed_analyzer, words_analyzer, COST_FREE};

/// Optimal string alignment distance (adjacent transpositions count as one edit, as in the
/// fuzzy query), stopping early once it exceeds `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= max).then_some(v)
}

/// Words of the listing that match the query's words, in the listing's spelling, first
/// occurrence of each.
pub fn matched_words(listing: &str, words: &[QueryWord]) -> Vec<String> {
    if words.is_empty() {
        return Vec::new();
    }
    let mut words_an = words_analyzer();
    let mut stem_an = stemmed_analyzer();
    let mut found: Vec<String> = Vec::new();
    let mut stream = words_an.token_stream(listing);
    while stream.advance() {
        let tok = stream.token();
        let folded = tok.text.clone();
        let original = listing.get(tok.offset_from..tok.offset_to).unwrap_or(&folded).to_string();
        if found.iter().any(|f| f.eq_ignore_ascii_case(&original)) {
            continue;
        }
        let mut stem_stream = stem_an.token_stream(&folded);
        let stem = if stem_stream.advance() { Some(stem_stream.token().text.clone()) } else { None };
        let hit = words.iter().any(|w| {
            stem.as_deref() == Some(w.stem.as_str())
                || (w.fuzzy > 0 && edit_distance(&w.raw, &folded, usize::from(w.fuzzy)).is_some())
        });
        if hit {
            found.push(original);
        }
    }
    found
}

/// What the index holds about a hit that its reasons are made from.
pub struct HitFacts<'a> {
    pub listing: &'a str,
    /// Stored `terms` entries: id, name, ancestor ids.
    pub terms: Vec<&'a str>,
    pub cost: Option<u64>,
    pub places: Option<f64>,
    pub distance_m: Option<f64>,
}

pub fn reasons(q: &SearchQuery, words: &[QueryWord], facts: &HitFacts<'_>) -> Vec<MatchReason> {
    let mut out = Vec::new();
    let matched = matched_words(facts.listing, words);
    if !matched.is_empty() {
        out.push(MatchReason::Text { words: matched });
    }
    if let (Some(_), Some(d)) = (q.near, facts.distance_m) {
        out.push(MatchReason::Near { distance_m: d });
    }
    for wanted in &q.taxonomy_term_ids {
        let wanted = wanted.trim();
        for entry in &facts.terms {
            let mut parts = entry.split(TERM_SEP);
            let (id, name, ancestors) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if id == wanted || ancestors.split(' ').any(|a| a == wanted) {
                let reason = MatchReason::Category { term: name.to_string() };
                if !out.contains(&reason) {
                    out.push(reason);
                }
            }
        }
    }
    if q.cost.is_some() {
        out.push(if facts.cost == Some(COST_FREE) { MatchReason::Free } else { MatchReason::LowCost });
    }
    if let Some(lang) = q.language.as_deref().map(|l| l.trim().to_lowercase()).filter(|l| !l.is_empty()) {
        out.push(MatchReason::Language { language: lang });
    }
    if q.wheelchair {
        out.push(MatchReason::Wheelchair);
    }
    if let Some((day, time)) = q.open_at {
        out.push(MatchReason::OpenAt { day: day_name(day).to_string(), time: time.format("%H:%M").to_string() });
    }
    if let Some(age) = q.age {
        out.push(MatchReason::Age { age });
    }
    if q.has_capacity {
        out.push(MatchReason::Capacity { available: facts.places });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("walkng", "walking", 1), Some(1));
        assert_eq!(edit_distance("chior", "choir", 1), Some(1));
        assert_eq!(edit_distance("garden", "walking", 2), None);
        assert_eq!(edit_distance("same", "same", 0), Some(0));
    }

    #[test]
    fn matched_words_keep_the_listing_spelling() {
        let words = vec![
            QueryWord { raw: "walk".into(), stem: "walk".into(), fuzzy: 0 },
            QueryWord { raw: "gropu".into(), stem: "gropu".into(), fuzzy: 1 },
        ];
        assert_eq!(matched_words("Walking Group for all; walks weekly", &words), vec!["Walking", "Group", "walks"]);
    }
}
