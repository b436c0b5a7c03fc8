//! From a link worker's [`SearchQuery`] to a tantivy query: text words that must each match
//! (stemmed, with typo-tolerant alternatives), and filters that only narrow, never score.

use std::ops::Bound;

use chrono::{Timelike, Weekday};
use linkwork_domain::schedule::WeeklyHours;
use linkwork_domain::search::{CostFilter, SearchQuery};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::collect::DocFilter;
use crate::facts::NO_AGE_LIMIT;
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

pub fn slot(day: Weekday, time: chrono::NaiveTime) -> u64 {
    // Seconds are dropped on purpose: 10:00:30 is in the 10:00 slot.
    let t = chrono::NaiveTime::from_hms_opt(time.hour(), time.minute(), 0).unwrap_or(time);
    u64::from(WeeklyHours::slot_of(day, t))
}

/// The whole query, and the conditions left to the collector. Text words each must match; every
/// filter narrows without changing scores. `scoring` says whether the collector ranks by score.
///
/// Selective conditions (words, category, language, opening slot, organization) are posting
/// lists that lead the search. Cost, access, capacity and age are true of large shares of the
/// directory: they are checked on cached per-document values, and only when nothing else
/// narrows does the rarest of them (or the latitude band of a radius) become the lead.
pub fn build(q: &SearchQuery, words: &[QueryWord], f: &Fields, scoring: bool, searcher: &Searcher) -> tantivy::Result<(Box<dyn Query>, DocFilter)> {
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

    // How many documents the narrowest clause so far may match, to choose the lead below.
    let mut narrowest: u64 = u64::MAX;
    for w in words {
        let n = if w.fuzzy > 0 {
            0 // unknown words: their near misses are assumed rare
        } else {
            searcher.doc_freq(&Term::from_field_text(f.name, &w.stem))? + searcher.doc_freq(&Term::from_field_text(f.body, &w.stem))?
        };
        narrowest = narrowest.min(n);
    }
    if !q.taxonomy_term_ids.is_empty() {
        let terms: Vec<Term> = q.taxonomy_term_ids.iter().map(|id| Term::from_field_text(f.taxonomy, id.trim())).collect();
        let mut n = 0;
        for t in &terms {
            n += searcher.doc_freq(t)?;
        }
        narrowest = narrowest.min(n);
        clauses.push(filter(any_of(terms.into_iter().map(term_query).collect()), scoring));
    }
    let mut single = |t: Term, clauses: &mut Vec<(Occur, Box<dyn Query>)>| -> tantivy::Result<()> {
        narrowest = narrowest.min(searcher.doc_freq(&t)?);
        clauses.push(filter(term_query(t), scoring));
        Ok(())
    };
    if let Some(lang) = q.language.as_deref().map(|l| l.trim().to_lowercase()).filter(|l| !l.is_empty()) {
        single(Term::from_field_text(f.language, &lang), &mut clauses)?;
    }
    if let Some((day, time)) = q.open_at {
        single(Term::from_field_u64(f.slot, slot(day, time)), &mut clauses)?;
    }
    if let Some(org) = q.organization_id.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        single(Term::from_field_text(f.organization_id, org), &mut clauses)?;
    }

    let doc_filter = DocFilter {
        age: q.age.map(|a| a.min(u32::from(NO_AGE_LIMIT - 1)) as u8),
        cost_mask: match q.cost {
            Some(CostFilter::Free) => 1 << COST_FREE,
            Some(CostFilter::LowCost) => (1 << COST_FREE) | (1 << COST_LOW),
            None => 0,
        },
        wheelchair: q.wheelchair,
        capacity: q.has_capacity,
    };
    if let (Some(p), Some(r)) = (q.near, q.radius_m) {
        // A range on the latitude fast field picks the band of the bounding box; the collector
        // then checks the box and the exact radius on cached coordinates. The range is left out
        // when a clause already narrows to a few documents: seeking into a range scan costs a
        // scan of a block of values per seek, far more than the collector's check (measured:
        // 3-5x at a million services). Broad clauses, on the contrary, leapfrog through it.
        if clauses.is_empty() || narrowest > searcher.num_docs() / 8 {
            let b = p.bounding_box(r.max(0.0));
            let band = Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(f.lat_band, lat_band(b.min_lat))),
                Bound::Included(Term::from_field_u64(f.lat_band, lat_band(b.max_lat))),
            ));
            clauses.push(filter(band, scoring));
        }
    }
    if clauses.is_empty() {
        // The rarest of the broad conditions leads (it is still checked by the collector).
        let mut broad: Vec<(u64, Vec<Term>)> = Vec::new();
        if doc_filter.cost_mask != 0 {
            let codes: Vec<u64> = [COST_FREE, COST_LOW].into_iter().filter(|c| doc_filter.cost_mask & (1 << c) != 0).collect();
            broad.push((0, codes.into_iter().map(|c| Term::from_field_u64(f.cost, c)).collect()));
        }
        if q.wheelchair {
            broad.push((0, vec![Term::from_field_u64(f.wheelchair, 1)]));
        }
        if q.has_capacity {
            broad.push((0, vec![Term::from_field_u64(f.capacity, CAPACITY_SOME)]));
        }
        for b in &mut broad {
            for t in &b.1 {
                b.0 += searcher.doc_freq(t)?;
            }
        }
        match broad.into_iter().min_by_key(|b| b.0) {
            Some((_, terms)) => clauses.push(filter(any_of(terms.into_iter().map(term_query).collect()), scoring)),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
    }
    Ok((Box::new(BooleanQuery::new(clauses)), doc_filter))
}
