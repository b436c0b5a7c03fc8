//! From a nested HSDS service to index documents: one per service-at-location, or one without a
//! place when the service has no site. Everything a filter or a result needs is computed here,
//! once, at write time, so that searching never parses listings.

use chrono::NaiveDate;
use linkwork_domain::service::{CostLevel, LanguageDoc, ServiceAtLocationDoc, ServiceDoc};
use tantivy::TantivyDocument;

use crate::schema::*;
use crate::taxonomy::TaxonomyTree;

/// Separates the parts of a stored `terms` entry: `id`, name, ancestor ids.
pub const TERM_SEP: char = '\u{1f}';
const SNIPPET_CHARS: usize = 200;

/// A stable 64-bit key for a service id (FNV-1a): equal keys on adjacent documents mean the same
/// service, which is all the result collector needs.
pub fn service_key(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A taxonomy term attached to a service, resolved against the tree.
struct Term {
    id: String,
    name: String,
    ancestors: Vec<String>,
}

fn service_terms(s: &ServiceDoc, tree: &TaxonomyTree) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::new();
    for a in &s.attributes {
        let doc = a.taxonomy_term.as_ref();
        let Some(id) = a.taxonomy_term_id.clone().or_else(|| doc.map(|t| t.id.clone())).filter(|id| !id.is_empty()) else {
            continue;
        };
        if out.iter().any(|t| t.id == id) {
            continue;
        }
        let name = tree
            .name(&id)
            .map(str::to_string)
            .or_else(|| doc.map(|t| t.name.clone()))
            .unwrap_or_default();
        // The tree is authoritative; a term it does not know still brings its own parent.
        let ancestors: Vec<String> = if tree.contains(&id) {
            tree.ancestors(&id).into_iter().map(str::to_string).collect()
        } else if let Some(parent) = doc.and_then(|t| t.parent_id.clone()).filter(|p| !p.is_empty()) {
            let mut v: Vec<String> = vec![parent.clone()];
            v.extend(tree.ancestors(&parent).into_iter().map(str::to_string));
            v
        } else {
            Vec::new()
        };
        out.push(Term { id, name, ancestors });
    }
    out
}

fn push_language_keys(langs: &[LanguageDoc], keys: &mut Vec<String>) {
    for l in langs {
        for k in [&l.name, &l.code].into_iter().flatten() {
            let k = k.trim().to_lowercase();
            if !k.is_empty() && !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
}

fn snippet(s: &ServiceDoc) -> Option<String> {
    let text = s.description.as_deref().or(s.alternate_name.as_deref())?.trim();
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= SNIPPET_CHARS {
        return Some(text.to_string());
    }
    let cut: String = text.chars().take(SNIPPET_CHARS).collect();
    // End on a whole word so the snippet never shows half of one.
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > SNIPPET_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    Some(format!("{}…", cut.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '.')))
}

/// The index documents of one service (never empty).
pub fn service_documents(f: &Fields, s: &ServiceDoc, tree: &TaxonomyTree, today: NaiveDate) -> Vec<TantivyDocument> {
    let terms = service_terms(s, tree);
    let org_name = s.organization.as_ref().map(|o| o.name.clone()).filter(|n| !n.is_empty());
    let body: Vec<&str> = [s.alternate_name.as_deref(), s.description.as_deref(), org_name.as_deref(), s.eligibility_description.as_deref()]
        .into_iter()
        .flatten()
        .chain(terms.iter().map(|t| t.name.as_str()))
        .filter(|t| !t.trim().is_empty())
        .collect();
    let body = body.join("\n");
    let listing = if body.is_empty() { s.name.clone() } else { format!("{}\n{}", s.name, body) };
    let status = s.status.as_deref().map(|st| st.trim().to_lowercase()).filter(|st| !st.is_empty()).unwrap_or_else(|| ACTIVE.into());
    let cost = match s.cost_level() {
        CostLevel::Free => COST_FREE,
        CostLevel::LowCost => COST_LOW,
        CostLevel::Paid => COST_PAID,
        CostLevel::Unknown => COST_UNKNOWN,
    };
    let capacity = match s.has_capacity() {
        Some(true) => CAPACITY_SOME,
        Some(false) => CAPACITY_NONE,
        None => CAPACITY_UNKNOWN,
    };
    // Integer ages: "from 17.5" admits 18-year-olds, "up to 64.5" admits 64-year-olds.
    let min_age = s.minimum_age.filter(|a| a.is_finite() && *a > 0.0).map(|a| a.ceil() as u64).unwrap_or(0);
    let max_age = s.maximum_age.filter(|a| a.is_finite() && *a >= 0.0).map(|a| (a.floor() as u64).min(NO_MAX_AGE)).unwrap_or(NO_MAX_AGE);
    let snippet = snippet(s);
    let key = service_key(&s.id);

    let base = || {
        let mut d = TantivyDocument::new();
        d.add_text(f.service_id, &s.id);
        d.add_u64(f.service_key, key);
        d.add_text(f.name, &s.name);
        d.add_text(f.body, &body);
        d.add_text(f.words, &listing);
        d.add_text(f.listing, &listing);
        if let Some(org) = &s.organization {
            if !org.id.is_empty() {
                d.add_text(f.organization_id, &org.id);
            }
        }
        if let Some(n) = &org_name {
            d.add_text(f.organization_name, n);
        }
        if let Some(sn) = &snippet {
            d.add_text(f.snippet, sn);
        }
        for t in &terms {
            let mut stored = format!("{}{TERM_SEP}{}{TERM_SEP}", t.id, t.name);
            stored.push_str(&t.ancestors.join(" "));
            d.add_text(f.terms, stored);
        }
        let mut tax: Vec<&str> = Vec::new();
        for t in &terms {
            for id in std::iter::once(&t.id).chain(t.ancestors.iter()) {
                if !tax.contains(&id.as_str()) {
                    tax.push(id);
                }
            }
        }
        for id in tax {
            d.add_text(f.taxonomy, id);
        }
        d.add_text(f.status, &status);
        d.add_u64(f.hidden, u64::from(!s.is_active()));
        d.add_u64(f.min_age, min_age);
        d.add_u64(f.max_age, max_age);
        d.add_u64(f.cost, cost);
        d.add_u64(f.capacity, capacity);
        if let Some(p) = s.available_places() {
            d.add_f64(f.places, p);
        }
        if let Some(w) = s.waiting_list() {
            d.add_text(f.wait_time, w);
        }
        d
    };

    let per_site = |sal: Option<&ServiceAtLocationDoc>| {
        let mut d = base();
        let loc = sal.and_then(|x| x.location.as_ref());
        if let Some(sal) = sal {
            d.add_text(f.sal_id, &sal.id);
        }
        let point = loc.and_then(|l| l.point());
        d.add_f64(f.lat, point.map(|p| p.lat()).unwrap_or(NO_COORD));
        d.add_f64(f.lon, point.map(|p| p.lon()).unwrap_or(NO_COORD));
        d.add_u64(f.lat_band, point.map(|p| lat_band(p.lat())).unwrap_or(0));
        d.add_u64(f.wheelchair, u64::from(loc.map(|l| l.wheelchair_accessible()).unwrap_or(false)));
        if let Some(l) = loc {
            if !l.id.is_empty() {
                d.add_text(f.location_id, &l.id);
            }
            if let Some(n) = l.name.as_deref().filter(|n| !n.trim().is_empty()) {
                d.add_text(f.location_name, n);
            }
            if let Some(a) = l.address_line().filter(|a| !a.is_empty()) {
                d.add_text(f.address, a);
            }
        }
        // Languages spoken at this site: the service's own and the site's.
        let mut langs = Vec::new();
        push_language_keys(&s.languages, &mut langs);
        if let Some(l) = loc {
            push_language_keys(&l.languages, &mut langs);
        }
        for k in langs {
            d.add_text(f.language, k);
        }
        let slots = s.hours_at(sal, today).half_hour_slots();
        for slot in &slots {
            d.add_u64(f.slot, u64::from(*slot));
        }
        if !slots.is_empty() {
            d.add_bytes(f.open_slots, &slot_bitmap(&slots));
        }
        d
    };

    if s.service_at_locations.is_empty() {
        vec![per_site(None)]
    } else {
        s.service_at_locations.iter().map(|sal| per_site(Some(sal))).collect()
    }
}
