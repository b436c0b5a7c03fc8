//! The indicator engine: evaluates a definition over the facts for a period, breakdowns and
//! filters, and applies disclosure control before anything leaves it. The raw counts live only
//! inside [`evaluate`]; what it returns is the protected [`Evaluation`], so no caller — page,
//! CSV, API or FHIR — can publish an unprotected cell or a record-level row.
//!
//! Keys are laid out as a two-way table for disclosure control: the last dimension is the
//! column, the others together are the row. Every row total, column total and the grand total is
//! published with the cells, and secondary suppression (in `disclosure`) makes sure no suppressed
//! cell can be worked out from them.

mod settings;
mod tally;
mod unit;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use settings::{Granularity, ObservatorySettings, ZONES};
use tally::{tally, Acc};
use unit::{natural, Ctx, UNKNOWN};

use super::definition::{Aggregate, ConsentNeeded, Dimension, IndicatorDef, Population};
use super::disclosure::{self, CountTable, DisclosureRule, Margins, Shown};
use super::facts::Facts;
use super::stats;

/// Narrowing the units counted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    pub area: Option<String>,
    pub link_worker: Option<String>,
    /// Only episodes of this link-worker team (and, for caseloads, its workers).
    #[serde(default)]
    pub team: Option<String>,
    pub organisation: Option<String>,
}

/// One question asked of an indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// First and last day counted (both included).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    pub breakdowns: Vec<Dimension>,
    pub filters: Filters,
}

impl Request {
    /// Checks the request against the definition: every problem with the parameter at fault.
    pub fn check(&self, def: &IndicatorDef) -> Result<(), Vec<(String, String)>> {
        let mut p = vec![];
        if self.to < self.from {
            p.push((
                "to".to_string(),
                format!("{} is before from ({})", self.to, self.from),
            ));
        }
        if (self.to - self.from).num_days() > 366 * 20 {
            p.push((
                "from".to_string(),
                "a period of more than 20 years cannot be asked for at once".to_string(),
            ));
        }
        if self.breakdowns.len() > 2 {
            p.push((
                "breakdown".to_string(),
                "give at most two breakdowns (a two-way table)".to_string(),
            ));
        }
        for b in &self.breakdowns {
            if !def.allows(*b) {
                let allowed: Vec<_> = def.offered_breakdowns().iter().map(|d| d.as_str()).collect();
                p.push((
                    "breakdown".to_string(),
                    format!(
                        "{} does not allow a breakdown by {b}; it allows {}",
                        def.id,
                        if allowed.is_empty() {
                            "none".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                ));
            }
        }
        if self.breakdowns.len() == 2 && self.breakdowns[0] == self.breakdowns[1] {
            p.push((
                "breakdown".to_string(),
                "the two breakdowns are the same".to_string(),
            ));
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(p)
        }
    }
}

/// The published values of one cell. A value left out was suppressed (or, for a statistic, has
/// no data); `suppressed` says which it was.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Values {
    /// Units counted (the denominator of a proportion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_lower: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_upper: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub improved: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_change: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worse: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_1000: Option<f64>,
    /// Some value of this cell was withheld by disclosure control.
    pub suppressed: bool,
}

/// One published cell: its key (a value per dimension, None for "all") and values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub key: Vec<Option<String>>,
    pub values: Values,
}

/// People left out, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exclusion {
    /// withdrawn_consent or no_consent_recorded.
    pub reason: String,
    /// Episodes left out (protected like any count).
    pub count: Shown,
}

/// An indicator's protected result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub indicator: String,
    pub version: String,
    pub kind: String,
    pub unit: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    /// The dimensions of each key, in order ("stage" for a funnel's stage).
    pub dimensions: Vec<String>,
    pub rule: DisclosureRule,
    pub cells: Vec<Cell>,
    pub excluded: Vec<Exclusion>,
    /// When the facts counted were read (figures may be kept for a while; see the web layer).
    #[serde(default)]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
}

impl Evaluation {
    /// The grand total (the cell whose key is all "all").
    pub fn total(&self) -> Option<&Values> {
        self.cells
            .iter()
            .find(|c| c.key.iter().all(Option::is_none))
            .map(|c| &c.values)
    }

    /// The cell with exactly this key.
    pub fn cell(&self, key: &[Option<&str>]) -> Option<&Values> {
        self.cells
            .iter()
            .find(|c| {
                c.key.len() == key.len() && c.key.iter().zip(key).all(|(a, b)| a.as_deref() == *b)
            })
            .map(|c| &c.values)
    }
}

/// Evaluates an indicator. The request must have passed [`Request::check`].
pub fn evaluate(
    def: &IndicatorDef,
    facts: &Facts,
    req: &Request,
    settings: &ObservatorySettings,
) -> Evaluation {
    // Services are the directory's, not people: their counts go out as they are.
    let rule = if def.population == Population::Services { DisclosureRule::exact() } else { settings.rule() };
    let ctx = Ctx {
        s: settings,
        granularity: req.granularity,
        to: req.to,
        teams: &facts.teams,
    };
    let pop = def.population;

    // The dimensions of a key: [instrument] [stage] breakdowns [distributed by].
    let mut dims: Vec<Option<Dimension>> = vec![];
    if pop == Population::Outcomes {
        dims.push(Some(Dimension::Instrument));
    }
    let stages: Option<&Vec<String>> = match &def.aggregate {
        Aggregate::Stages { stages } => Some(stages),
        _ => None,
    };
    if stages.is_some() {
        dims.push(None);
    }
    dims.extend(req.breakdowns.iter().copied().map(Some));
    if let Aggregate::Distribution { by } = &def.aggregate {
        dims.push(Some(*by));
    }

    let needs_consent =
        def.consent == ConsentNeeded::Evaluation || req.breakdowns.iter().any(|d| d.is_equity());
    let t = tally(&ctx, def, facts, req, &dims, stages, needs_consent);
    let groups = &t.cells;

    // The values each dimension takes: periods all of them, stages in their order, the rest as found.
    let mut axis: Vec<Vec<String>> = dims
        .iter()
        .enumerate()
        .map(|(i, d)| match d {
            Some(Dimension::Period) => req.granularity.labels(req.from, req.to),
            None => stages.cloned().unwrap_or_default(),
            Some(Dimension::Verdict) => ["improved", "no_change", "worse"]
                .map(String::from)
                .to_vec(),
            Some(_) => {
                let mut v: Vec<String> = groups
                    .keys()
                    .map(|k| k[i].clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                v.sort_by(|a, b| natural(a, b));
                v
            }
        })
        .collect();
    if dims.is_empty() {
        axis.push(vec![String::new()]);
    }
    let (row_axes, col_axis) = axis.split_at(axis.len() - 1);
    let col_axis = &col_axis[0];
    let mut rows: Vec<Vec<String>> = vec![vec![]];
    for a in row_axes {
        rows = rows
            .iter()
            .flat_map(|r| a.iter().map(move |v| [r.clone(), vec![v.clone()]].concat()))
            .collect();
    }
    // Rows of a multi-dimension prefix that hold nothing are left out (a time series keeps its gaps).
    if row_axes.len() > 1
        || !row_axes.is_empty()
            && !matches!(dims.first(), Some(Some(Dimension::Period)) | Some(None))
    {
        rows.retain(|r| groups.keys().any(|k| k.starts_with(r)));
        if rows.is_empty() {
            rows.push(row_axes.iter().map(|_| UNKNOWN.to_string()).collect());
        }
    }
    let full_key = |r: &Vec<String>, c: &String| -> Vec<String> {
        if dims.is_empty() {
            vec![]
        } else {
            [r.clone(), vec![c.clone()]].concat()
        }
    };
    let acc_at =
        |r: &Vec<String>, c: &String| groups.get(&full_key(r, c)).cloned().unwrap_or_default();
    let cells: Vec<Vec<Acc>> = rows
        .iter()
        .map(|r| col_axis.iter().map(|c| acc_at(r, c)).collect())
        .collect();

    // The margins as counted (each unit once), not as the sums of cells: with a multi-valued
    // dimension the two differ.
    let merged_rows: Vec<Acc> = rows.iter().map(|r| t.rows.get(r).cloned().unwrap_or_default()).collect();
    let merged_cols: Vec<Acc> = col_axis.iter().map(|c| t.cols.get(c).cloned().unwrap_or_default()).collect();
    let grand = t.grand.clone();

    // Disclosure control over the base counts, and over numerators and verdicts where there are any.
    let table = |f: &dyn Fn(&Acc) -> u64| {
        (
            CountTable {
                cells: cells.iter().map(|r| r.iter().map(f).collect()).collect(),
            },
            Margins {
                rows: merged_rows.iter().map(f).collect(),
                cols: merged_cols.iter().map(f).collect(),
                total: f(&grand),
            },
        )
    };
    let (counts, margins) = table(&|a| a.n);
    let base = disclosure::protect_with(&rule, &counts, &margins);
    let (counts, margins) = table(&|a| a.num);
    let num = disclosure::protect_with(&rule, &counts, &margins);
    let is_workers = pop == Population::LinkWorkers;

    let values = |a: &Acc,
                  n: Shown,
                  n_suppressed: bool,
                  num_shown: Shown,
                  key: &[Option<String>]|
     -> Values {
        let mut v = Values {
            suppressed: n_suppressed,
            ..Default::default()
        };
        v.count = if is_workers { Some(a.n) } else { n };
        let usable = !n_suppressed && a.n > 0;
        match &def.aggregate {
            Aggregate::Proportion { .. } => {
                v.numerator = num_shown;
                if num_shown.is_none() && a.num > 0 {
                    v.suppressed = true;
                }
                if usable && num_shown.is_some() && disclosure::rate_shown(&rule, a.num, a.n) {
                    v.percent = Some(round2(100.0 * a.num as f64 / a.n as f64));
                } else if a.n > 0 {
                    v.suppressed = true;
                }
            }
            Aggregate::Duration { .. } if usable => {
                v.median = stats::median(&a.values).map(round2);
                v.p90 = stats::percentile(&a.values, 90.0).map(round2);
            }
            Aggregate::Mean { .. } => {
                let people: f64 = if is_workers {
                    a.values.iter().sum()
                } else {
                    a.n as f64
                };
                let ok = if is_workers {
                    !rule.is_small(people as u64)
                } else {
                    usable
                };
                // Scores on different instruments' scales do not average: across instruments only
                // the counts and verdicts are given.
                let across_instruments = pop == Population::Outcomes && key.first().is_some_and(Option::is_none);
                if ok && !across_instruments {
                    if let Some(m) = stats::mean_ci95(&a.values) {
                        v.mean = Some(round2(m.mean));
                        v.ci_lower = Some(round2(m.lower));
                        v.ci_upper = Some(round2(m.upper));
                    } else if let [x] = a.values[..] {
                        v.mean = Some(round2(x));
                    }
                } else if a.n > 0 && !across_instruments {
                    v.suppressed = true;
                }
                if is_workers {
                    v.numerator = Some(a.num);
                } else if pop == Population::Outcomes && usable {
                    let t = disclosure::protect(
                        &rule,
                        &CountTable {
                            cells: vec![a.verdicts.to_vec()],
                        },
                    );
                    v.improved = t.cells[0][0];
                    v.no_change = t.cells[0][1];
                    v.worse = t.cells[0][2];
                    if t.suppressed[0].iter().any(|s| *s) {
                        v.suppressed = true;
                    }
                }
            }
            Aggregate::Count if def.per_population && usable => {
                let pop_n = match dims.iter().position(|d| *d == Some(Dimension::Area)) {
                    Some(i) => key[i]
                        .as_ref()
                        .and_then(|area| settings.area_populations.get(area))
                        .copied(),
                    None => match &req.filters.area {
                        Some(area) => settings.area_populations.get(area).copied(),
                        None if !settings.area_populations.is_empty() => {
                            Some(settings.area_populations.values().sum())
                        }
                        None => None,
                    },
                };
                v.per_1000 = pop_n.map(|p| round2(1000.0 * a.n as f64 / p as f64));
            }
            _ => {}
        }
        v
    };

    let mut out = vec![];
    let ncols = col_axis.len();
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in col_axis.iter().enumerate() {
            if dims.is_empty() {
                break;
            }
            let key: Vec<Option<String>> = r
                .iter()
                .cloned()
                .map(Some)
                .chain([Some(c.clone())])
                .collect();
            let v = values(
                &cells[i][j],
                base.cells[i][j],
                base.suppressed[i][j],
                num.cells[i][j],
                &key,
            );
            out.push(Cell { key, values: v });
        }
        if !row_axes.is_empty() && ncols > 0 {
            let key: Vec<Option<String>> = r.iter().cloned().map(Some).chain([None]).collect();
            let sup = base.row_totals[i].is_none() && merged_rows[i].n > 0;
            let v = values(
                &merged_rows[i],
                base.row_totals[i],
                sup,
                num.row_totals[i],
                &key,
            );
            out.push(Cell { key, values: v });
        }
    }
    // A funnel's stages do not add up, so there are no column totals or grand total across them.
    let stage_led = stages.is_some() && dims.first() == Some(&None);
    if !stage_led {
        if !row_axes.is_empty() {
            for (j, c) in col_axis.iter().enumerate() {
                let key: Vec<Option<String>> = row_axes
                    .iter()
                    .map(|_| None)
                    .chain([Some(c.clone())])
                    .collect();
                let sup = base.col_totals[j].is_none() && merged_cols[j].n > 0;
                let v = values(
                    &merged_cols[j],
                    base.col_totals[j],
                    sup,
                    num.col_totals[j],
                    &key,
                );
                out.push(Cell { key, values: v });
            }
        }
        let key: Vec<Option<String>> = dims.iter().map(|_| None).collect();
        let sup = base.total.is_none() && grand.n > 0;
        let v = values(&grand, base.total, sup, num.total, &key);
        out.push(Cell { key, values: v });
    }

    let mut excluded = vec![];
    if needs_consent {
        excluded.push(Exclusion {
            reason: "withdrawn_consent".into(),
            count: disclosure::protect_one(&rule, t.withdrawn as u64),
        });
        excluded.push(Exclusion {
            reason: "no_consent_recorded".into(),
            count: disclosure::protect_one(&rule, t.not_recorded as u64),
        });
    }

    Evaluation {
        indicator: def.id.clone(),
        version: def.version.clone(),
        kind: def.aggregate.kind().to_string(),
        unit: def.unit.clone(),
        from: req.from,
        to: req.to,
        granularity: req.granularity,
        dimensions: dims
            .iter()
            .map(|d| d.map(|d| d.as_str()).unwrap_or("stage").to_string())
            .collect(),
        rule,
        cells: out,
        excluded,
        as_of: facts.as_of,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
