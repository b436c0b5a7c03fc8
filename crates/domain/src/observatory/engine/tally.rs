//! The counting pass: every unit in the period and filters, added to each cell it belongs to and,
//! once each, to the margins it belongs to.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::unit::{units, Ctx, Unit};
use super::Request;
use crate::instrument::Change;
use crate::observatory::definition::{Aggregate, Dimension, IndicatorDef, Population};
use crate::observatory::facts::{EpisodeFact, EvaluationConsent, Facts};

/// What a cell (or margin) has counted.
#[derive(Default, Clone)]
pub(super) struct Acc {
    /// Units in the denominator, or with the measure.
    pub n: u64,
    pub num: u64,
    pub values: Vec<f64>,
    /// Improved, no change, worse.
    pub verdicts: [u64; 3],
}

fn intern(ids: &mut HashMap<String, u32>, names: &mut Vec<String>, v: &str) -> u32 {
    if let Some(&i) = ids.get(v) {
        return i;
    }
    let i = u32::try_from(names.len()).expect("fewer than 2^32 distinct values");
    names.push(v.to_string());
    ids.insert(v.to_string(), i);
    i
}

/// Adds one unit to a cell: to its count where it is in the denominator (or has the measure),
/// and to the numerator, values and verdicts the aggregate needs.
fn count(ctx: &Ctx, def: &IndicatorDef, u: &Unit, acc: &mut Acc) {
    match &def.aggregate {
        Aggregate::Proportion {
            numerator,
            denominator,
        } => {
            let n = u.weight(ctx, denominator);
            if n > 0 {
                acc.n += n;
                acc.num += u.weight(ctx, numerator).min(n);
            }
        }
        Aggregate::Duration { measure } => {
            if let Some(v) = ctx.number(u, measure) {
                acc.n += 1;
                acc.values.push(v);
            }
        }
        Aggregate::Mean { value } => {
            acc.n += 1;
            if let Some(v) = ctx.number(u, value) {
                acc.values.push(v);
            }
            if let Unit::Outcome(_, o) = u {
                match o.verdict {
                    Some(Change::Improved) => acc.verdicts[0] += 1,
                    Some(Change::NoChange) => acc.verdicts[1] += 1,
                    Some(Change::Worse) => acc.verdicts[2] += 1,
                    None => {}
                }
            }
            if ctx.meets(u, "over_safe_caseload") {
                acc.num += 1;
            }
        }
        // A count of community values counts the households or people its `where` names.
        _ => acc.n += u.weight(ctx, def.filter.as_deref().unwrap_or("all")),
    }
}

/// The community values a question counts: the definition's indicator, and of each place the
/// latest month in the period (in each period, where the question is by period), since a value
/// says how things stand — 47 households with safe water in March and 49 in April is 49 over
/// the spring, not 96. A month counts in a period it overlaps.
fn latest_values<'a>(ctx: &Ctx, def: &IndicatorDef, units: Vec<Unit<'a>>, req: &Request, by_period: bool) -> Vec<Unit<'a>> {
    let mut latest: BTreeMap<(String, String), Unit<'a>> = BTreeMap::new();
    for u in units {
        let Unit::Community(c) = u else { continue };
        let month_end = c.month.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(c.month);
        if Some(&c.indicator) != def.community_indicator.as_ref() || month_end < req.from || c.month > req.to {
            continue;
        }
        let period = if by_period { ctx.granularity.label(c.month) } else { String::new() };
        let key = (c.place().to_string(), period);
        match latest.get(&key) {
            Some(Unit::Community(kept)) if kept.month >= c.month => {}
            _ => {
                latest.insert(key, u);
            }
        }
    }
    latest.into_values().collect()
}


/// What the counting pass found. A unit with several values for a dimension (several needs, a
/// service in two zones) is in several cells but counted once in each margin it belongs to, so
/// that a total says how many units there are, not how many cells they fill (decision 0007).
pub(super) struct Tally {
    /// Cells by key (a value per dimension).
    pub cells: BTreeMap<Vec<String>, Acc>,
    /// Row margins by the key's values but the last.
    pub rows: HashMap<Vec<String>, Acc>,
    /// Column margins by the key's last value.
    pub cols: HashMap<String, Acc>,
    pub grand: Acc,
    /// Episodes left out for want of consent to evaluation.
    pub withdrawn: usize,
    pub not_recorded: usize,
}

/// Counts every unit of the definition's population in the request's period and filters.
/// `dims` are the key's dimensions (None: the stage of a funnel).
pub(super) fn tally(
    ctx: &Ctx,
    def: &IndicatorDef,
    facts: &Facts,
    req: &Request,
    dims: &[Option<Dimension>],
    stages: Option<&Vec<String>>,
    needs_consent: bool,
) -> Tally {
    let (mut withdrawn, mut not_recorded) = (HashSet::new(), HashSet::new());
    // Values are interned while counting, so that a unit's keys allocate nothing once seen:
    // at 100k episodes this loop is most of an answer's time.
    let (mut ids, mut names) = (HashMap::new(), vec![]);
    let stage_ids: Vec<u32> = stages
        .map(|st| st.iter().map(|s| intern(&mut ids, &mut names, s)).collect())
        .unwrap_or_default();
    let mut counted: HashMap<Vec<u32>, Acc> = HashMap::new();
    let mut row_counted: HashMap<Vec<u32>, Acc> = HashMap::new();
    let mut col_counted: HashMap<u32, Acc> = HashMap::new();
    let mut grand = Acc::default();
    let mut choice: Vec<Vec<u32>> = vec![vec![]; dims.len()];
    let (mut key, mut at): (Vec<u32>, Vec<usize>) = (vec![], vec![0; dims.len()]);
    let last = dims.len().checked_sub(1);

    let mut all = units(def.population, facts);
    if def.population == Population::CommunityValues {
        all = latest_values(ctx, def, all, req, dims.contains(&Some(Dimension::Period)));
    }
    for u in all {
        if let Some(d) = u.date() {
            if d < req.from || d > req.to {
                continue;
            }
        }
        if let Some(e) = u.episode() {
            let f = &req.filters;
            if f.area.as_ref().is_some_and(|a| e.area.as_ref() != Some(a))
                || f.link_worker
                    .as_ref()
                    .is_some_and(|w| e.link_worker.as_ref() != Some(w))
                || f.team.as_ref().is_some_and(|t| e.team.as_ref() != Some(t))
            {
                continue;
            }
            if let Some(org) = &f.organisation {
                let ok = match &u {
                    Unit::Onward(_, o) => &o.organisation == org,
                    _ => e.onward.iter().any(|o| &o.organisation == org),
                };
                if !ok {
                    continue;
                }
            }
            if needs_consent {
                let key = e as *const EpisodeFact as usize;
                match e
                    .evaluation_consent
                    .unwrap_or(EvaluationConsent::NotRecorded)
                {
                    EvaluationConsent::Given => {}
                    EvaluationConsent::Withdrawn => {
                        withdrawn.insert(key);
                        continue;
                    }
                    EvaluationConsent::NotRecorded => {
                        not_recorded.insert(key);
                        continue;
                    }
                }
            }
        } else {
            let f = &req.filters;
            let outside = match &u {
                Unit::Worker(n, _) => {
                    f.link_worker.as_ref().is_some_and(|w| n != w) || f.team.as_ref().is_some_and(|t| ctx.teams.get(*n) != Some(t))
                }
                // A service is in no area and has no link worker: only its organisation narrows it.
                Unit::Service(s) => f.organisation.as_ref().is_some_and(|o| &s.organisation != o),
                // A community's value is of a place (the area asked for, or one it is in), never of a
                // link worker or an organisation.
                Unit::Community(c) => {
                    f.area.as_ref().is_some_and(|a| !c.path.contains(a))
                        || f.link_worker.is_some()
                        || f.team.is_some()
                        || f.organisation.is_some()
                }
                _ => false,
            };
            if outside {
                continue;
            }
        }
        if let Some(w) = &def.filter {
            if !ctx.meets(&u, w) {
                continue;
            }
        }
        // Every combination of the unit's values (stages: the stages it reached), as interned ids.
        for (i, d) in dims.iter().enumerate() {
            let c = &mut choice[i];
            c.clear();
            match d {
                Some(d) => {
                    for v in ctx.values(&u, *d) {
                        c.push(intern(&mut ids, &mut names, &v));
                    }
                }
                None => {
                    let stages = stages.expect("a stage dimension comes with stages");
                    for (s, id) in stages.iter().zip(&stage_ids) {
                        if ctx.meets(&u, s) {
                            c.push(*id);
                        }
                    }
                }
            }
            // A value given twice must not count the unit twice in a margin.
            c.sort_unstable();
            c.dedup();
        }
        if choice.iter().any(Vec::is_empty) {
            continue;
        }
        at.iter_mut().for_each(|a| *a = 0);
        'combinations: loop {
            key.clear();
            key.extend(at.iter().enumerate().map(|(i, &j)| choice[i][j]));
            add(&mut counted, &key, |acc| count(ctx, def, &u, acc));
            // The last dimension turns fastest, so each row prefix comes once with it at its first value.
            if let Some(l) = last {
                if at[l] == 0 {
                    add(&mut row_counted, &key[..l], |acc| count(ctx, def, &u, acc));
                }
            }
            let mut i = at.len();
            loop {
                if i == 0 {
                    break 'combinations;
                }
                i -= 1;
                at[i] += 1;
                if at[i] < choice[i].len() {
                    break;
                }
                at[i] = 0;
            }
        }
        if let Some(l) = last {
            for c in &choice[l] {
                count(ctx, def, &u, col_counted.entry(*c).or_default());
            }
        }
        count(ctx, def, &u, &mut grand);
    }
    let name = |i: &u32| names[*i as usize].clone();
    let mut cells: BTreeMap<Vec<String>, Acc> = counted
        .into_iter()
        .map(|(k, a)| (k.iter().map(name).collect(), a))
        .collect();
    cells.retain(|_, a| a.n > 0 || a.num > 0);
    let mut rows: HashMap<Vec<String>, Acc> = row_counted
        .into_iter()
        .map(|(k, a)| (k.iter().map(name).collect(), a))
        .collect();
    let mut cols: HashMap<String, Acc> = col_counted
        .into_iter()
        .map(|(k, a)| (name(&k), a))
        .collect();
    if dims.is_empty() {
        // One cell, which is its own row, column and grand total.
        rows.insert(vec![], grand.clone());
        cols.insert(String::new(), grand.clone());
    }
    Tally {
        cells,
        rows,
        cols,
        grand,
        withdrawn: withdrawn.len(),
        not_recorded: not_recorded.len(),
    }
}

/// Counts into the entry for a key, making it if it is new (without allocating a key otherwise).
fn add(map: &mut HashMap<Vec<u32>, Acc>, key: &[u32], f: impl FnOnce(&mut Acc)) {
    if !map.contains_key(key) {
        map.insert(key.to_vec(), Acc::default());
    }
    f(map.get_mut(key).expect("inserted above"));
}
