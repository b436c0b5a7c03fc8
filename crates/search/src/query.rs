//! From a link worker's [`SearchQuery`] to a tantivy query: text words that must each match
//! (stemmed, with typo-tolerant alternatives), and filters that only narrow, never score.

use std::ops::Bound;

use chrono::{Timelike, Weekday};
use linkwork_domain::schedule::WeeklyHours;
use linkwork_domain::search::{CostFilter, SearchQuery};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::schema::*;

/// A match in the service name counts this much more than one elsewhere in the listing.
const NAME_BOOST: f32 = 3.0;
/// A word found only through a typo-tolerant match ranks below any exact one.
const FUZZY_BOOST: f32 = 0.5;

/// One word of the query as it is matched.
#[derive(Clone, Debug)]
pub struct QueryWord {
    /// As typed, lower-cased and folded to ASCII.
    pub raw: String,
    pub stem: String,
    /// Edit distance allowed against the listing's unstemmed words; 0 when none is.
    pub fuzzy: u8,
}

/// Edit distance allowed for a word of this length: none for short words, where one edit turns
/// a word into many others, 1 from 4 letters, 2 from 8.
pub fn fuzzy_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The words of a query, without stop words or repeats. Typo tolerance is kept for words the
/// index does not know as typed: it costs a walk of the term dictionary and a pass over every
/// posting of the near-miss words, and a word that is found already matches what it should.
pub fn query_words(text: &str, searcher: &Searcher, f: &Fields) -> tantivy::Result<Vec<QueryWord>> {
    let mut words_an = words_analyzer();
    let mut stem_an = stemmed_analyzer();
    let mut out: Vec<QueryWord> = Vec::new();
    for raw in tokens(&mut words_an, text) {
        let Some(stem) = tokens(&mut stem_an, &raw).into_iter().next() else {
            continue; // a stop word
        };
        if out.iter().any(|w| w.stem == stem) {
            continue;
        }
        let mut fuzzy = fuzzy_distance(&raw);
        if fuzzy > 0 {
            let known = searcher.doc_freq(&Term::from_field_text(f.name, &stem))? > 0
                || searcher.doc_freq(&Term::from_field_text(f.body, &stem))? > 0;
            if known {
                fuzzy = 0;
            }
        }
        out.push(QueryWord { raw, stem, fuzzy });
    }
    Ok(out)
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// A clause that narrows. When scores are computed it is wrapped so as not to add to them;
/// otherwise it is left bare, which lets tantivy intersect plain term lists at full speed.
fn filter(q: Box<dyn Query>, scoring: bool) -> (Occur, Box<dyn Query>) {
    if scoring {
        (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
    } else {
        (Occur::Must, q)
    }
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        queries.into_iter().next().expect("one")
    } else {
        Box::new(BooleanQuery::union(queries))
    }
}

fn f64_range(field: Field, lo: f64, hi: f64) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_f64(field, lo)),
        Bound::Included(Term::from_field_f64(field, hi)),
    ))
}

pub fn slot(day: Weekday, time: chrono::NaiveTime) -> u64 {
    // Seconds are dropped on purpose: 10:00:30 is in the 10:00 slot.
    let t = chrono::NaiveTime::from_hms_opt(time.hour(), time.minute(), 0).unwrap_or(time);
    u64::from(WeeklyHours::slot_of(day, t))
}

/// The whole query. Text words each must match; every filter narrows without changing scores.
/// `scoring` says whether the collector ranks by score.
pub fn build(q: &SearchQuery, words: &[QueryWord], f: &Fields, scoring: bool) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for w in words {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(Term::from_field_text(f.name, &w.stem), IndexRecordOption::WithFreqs)),
                    NAME_BOOST,
                )),
            ),
            (Occur::Should, Box::new(TermQuery::new(Term::from_field_text(f.body, &w.stem), IndexRecordOption::WithFreqs))),
        ];
        if w.fuzzy > 0 {
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.words, &w.raw), w.fuzzy, true);
            alternatives.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), FUZZY_BOOST))));
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
    }

    if !q.taxonomy_term_ids.is_empty() {
        let ids = q.taxonomy_term_ids.iter().map(|id| term_query(Term::from_field_text(f.taxonomy, id.trim()))).collect();
        clauses.push(filter(any_of(ids), scoring));
    }
    match q.cost {
        Some(CostFilter::Free) => clauses.push(filter(term_query(Term::from_field_u64(f.cost, COST_FREE)), scoring)),
        Some(CostFilter::LowCost) => clauses.push(filter(
            any_of(vec![term_query(Term::from_field_u64(f.cost, COST_FREE)), term_query(Term::from_field_u64(f.cost, COST_LOW))]),
            scoring,
        )),
        None => {}
    }
    if let Some(lang) = q.language.as_deref().map(|l| l.trim().to_lowercase()).filter(|l| !l.is_empty()) {
        clauses.push(filter(term_query(Term::from_field_text(f.language, &lang)), scoring));
    }
    if q.wheelchair {
        clauses.push(filter(term_query(Term::from_field_u64(f.wheelchair, 1)), scoring));
    }
    if let Some((day, time)) = q.open_at {
        clauses.push(filter(term_query(Term::from_field_u64(f.slot, slot(day, time))), scoring));
    }
    // Age is checked by the collector on cached limits (see `collect`).
    if q.has_capacity {
        clauses.push(filter(term_query(Term::from_field_u64(f.capacity, CAPACITY_SOME)), scoring));
    }
    if let Some(org) = q.organization_id.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        clauses.push(filter(term_query(Term::from_field_text(f.organization_id, org)), scoring));
    }
    if let (Some(p), Some(r), true) = (q.near, q.radius_m, clauses.is_empty()) {
        // Nothing else narrows: a range on the latitude fast field, scanned a block at a time,
        // picks the band of the bounding box. Otherwise the other clauses lead and the
        // collector checks the box and the exact radius on cached coordinates, which is cheaper
        // than seeking into range scans (measured: 3-5x at a million services).
        let b = p.bounding_box(r.max(0.0));
        clauses.push(filter(f64_range(f.lat, b.min_lat, b.max_lat), scoring));
    }
    if clauses.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}
