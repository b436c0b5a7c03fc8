//! Statistical disclosure control for indicator tables, applied inside the engine before any
//! result leaves it. Small counts (by default 1 to 7) are suppressed and the others rounded (by
//! default to the nearest 5). Secondary suppression then makes sure no suppressed value can be
//! worked out from the totals published with it: a table and its margins are a set of additive
//! lines (each row with its total, each column with its total, the row totals and the column
//! totals with the grand total), and no line may hold exactly one suppressed entry — a line with
//! one unknown gives it away by subtraction.

use serde::{Deserialize, Serialize};

/// Which counts are suppressed and how the others are rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureRule {
    /// Counts from 1 to this are suppressed (0 is shown as 0). 7 by default; a CMS-style "fewer
    /// than 11" rule is 10.
    pub suppress_max: u64,
    /// Other counts are rounded to the nearest multiple of this (halves up); 1 leaves them exact.
    pub round_to: u64,
}

impl Default for DisclosureRule {
    fn default() -> Self {
        DisclosureRule {
            suppress_max: 7,
            round_to: 5,
        }
    }
}

impl DisclosureRule {
    pub fn parse(suppress_max: u64, round_to: u64) -> Result<DisclosureRule, String> {
        if round_to == 0 {
            return Err("round_to must be at least 1 (1 leaves counts unrounded)".into());
        }
        if round_to > 1000 || suppress_max > 1000 {
            return Err(format!(
                "suppress_max ({suppress_max}) and round_to ({round_to}) must be at most 1000"
            ));
        }
        Ok(DisclosureRule {
            suppress_max,
            round_to,
        })
    }

    /// No suppression and no rounding, for counts that are not of people.
    pub fn exact() -> DisclosureRule {
        DisclosureRule { suppress_max: 0, round_to: 1 }
    }

    /// Whether a count is small enough to identify someone.
    pub fn is_small(&self, n: u64) -> bool {
        n >= 1 && n <= self.suppress_max
    }

    pub fn round(&self, n: u64) -> u64 {
        let r = self.round_to.max(1);
        (n + r / 2) / r * r
    }
}

/// A published count: the rounded value, or None where it was suppressed.
pub type Shown = Option<u64>;

/// A two-way table of raw counts; a one-way breakdown is one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountTable {
    pub cells: Vec<Vec<u64>>,
}

/// A table as it may be published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectedTable {
    pub cells: Vec<Vec<Shown>>,
    pub row_totals: Vec<Shown>,
    pub col_totals: Vec<Shown>,
    pub total: Shown,
    /// Which cells were suppressed, primary or secondary.
    pub suppressed: Vec<Vec<bool>>,
}

/// A table's totals as counted. Where a unit can fall in several cells (a referral for two
/// needs) a total is less than the sum of its cells, and it is the total that is published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Margins {
    pub rows: Vec<u64>,
    pub cols: Vec<u64>,
    pub total: u64,
}

impl Margins {
    /// The margins of a table whose cells do not overlap: the sums.
    pub fn sums(t: &CountTable) -> Margins {
        let cols = t.cells.first().map_or(0, Vec::len);
        let at = |i: usize, j: usize| t.cells[i].get(j).copied().unwrap_or(0);
        Margins {
            rows: (0..t.cells.len()).map(|i| (0..cols).map(|j| at(i, j)).sum()).collect(),
            cols: (0..cols).map(|j| (0..t.cells.len()).map(|i| at(i, j)).sum()).collect(),
            total: t.cells.iter().flatten().sum(),
        }
    }
}

/// Suppresses and rounds a table whose margins are the sums of its cells.
pub fn protect(rule: &DisclosureRule, t: &CountTable) -> ProtectedTable {
    protect_with(rule, t, &Margins::sums(t))
}

/// Suppresses and rounds a table with the margins given. Where the margins are less than the
/// sums (overlapping cells) a suppressed cell cannot be worked out exactly by subtraction, but
/// the same secondary suppression applies: the rule stays no weaker than for a plain table.
pub fn protect_with(rule: &DisclosureRule, t: &CountTable, m: &Margins) -> ProtectedTable {
    let rows = t.cells.len();
    let cols = t.cells.first().map_or(0, Vec::len);
    // The augmented table: cells, a column of row totals, a row of column totals, the grand total.
    let mut a = vec![vec![0u64; cols + 1]; rows + 1];
    for i in 0..rows {
        for j in 0..cols {
            a[i][j] = t.cells[i].get(j).copied().unwrap_or(0);
        }
        a[i][cols] = m.rows.get(i).copied().unwrap_or(0);
    }
    for j in 0..cols {
        a[rows][j] = m.cols.get(j).copied().unwrap_or(0);
    }
    a[rows][cols] = m.total;
    let mut s: Vec<Vec<bool>> = a
        .iter()
        .map(|r| r.iter().map(|v| rule.is_small(*v)).collect())
        .collect();
    // Secondary suppression: until no line has exactly one suppressed entry.
    loop {
        let mut changed = false;
        for i in 0..=rows {
            let line: Vec<(usize, usize)> = (0..=cols).map(|j| (i, j)).collect();
            changed |= complete_line(&a, &mut s, &line);
        }
        for j in 0..=cols {
            let line: Vec<(usize, usize)> = (0..=rows).map(|i| (i, j)).collect();
            changed |= complete_line(&a, &mut s, &line);
        }
        if !changed {
            break;
        }
    }
    let shown = |i: usize, j: usize| {
        if s[i][j] {
            None
        } else {
            Some(rule.round(a[i][j]))
        }
    };
    ProtectedTable {
        cells: (0..rows)
            .map(|i| (0..cols).map(|j| shown(i, j)).collect())
            .collect(),
        row_totals: (0..rows).map(|i| shown(i, cols)).collect(),
        col_totals: (0..cols).map(|j| shown(rows, j)).collect(),
        total: shown(rows, cols),
        suppressed: (0..rows).map(|i| s[i][..cols].to_vec()).collect(),
    }
}

/// If the line (its last entry is its total) has exactly one suppressed entry, suppresses one
/// more: the smallest non-zero entry other than the total, or else the total.
fn complete_line(a: &[Vec<u64>], s: &mut [Vec<bool>], line: &[(usize, usize)]) -> bool {
    if line.iter().filter(|(i, j)| s[*i][*j]).count() != 1 {
        return false;
    }
    let (parts, total) = line.split_at(line.len() - 1);
    let pick = parts
        .iter()
        .filter(|(i, j)| !s[*i][*j] && a[*i][*j] > 0)
        .min_by_key(|(i, j)| a[*i][*j])
        .copied();
    let (i, j) = match pick {
        Some(p) => p,
        None if !s[total[0].0][total[0].1] => total[0],
        // Only zeros are left beside a suppressed total: hiding a zero tells nothing, so it is
        // the one more unknown.
        None => match parts.iter().find(|(i, j)| !s[*i][*j]) {
            Some(p) => *p,
            None => return false,
        },
    };
    s[i][j] = true;
    true
}

/// One count on its own.
pub fn protect_one(rule: &DisclosureRule, n: u64) -> Shown {
    if rule.is_small(n) {
        None
    } else {
        Some(rule.round(n))
    }
}

/// Whether a rate may be published: not when its numerator, denominator or the difference
/// between them is small (a 97% of 100 tells that 3 did not).
pub fn rate_shown(rule: &DisclosureRule, numerator: u64, denominator: u64) -> bool {
    denominator > 0
        && !rule.is_small(numerator)
        && !rule.is_small(denominator)
        && !rule.is_small(denominator.saturating_sub(numerator))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_small_cell_takes_the_next_smallest_with_it() {
        let r = DisclosureRule::default();
        let p = protect(
            &r,
            &CountTable {
                cells: vec![vec![3, 10, 20]],
            },
        );
        assert_eq!(p.cells, vec![vec![None, None, Some(20)]]);
        assert_eq!(p.total, Some(35));
    }

    #[test]
    fn a_two_way_table_hides_a_complement_in_the_row_and_the_column() {
        let r = DisclosureRule {
            suppress_max: 7,
            round_to: 1,
        };
        let p = protect(
            &r,
            &CountTable {
                cells: vec![vec![5, 30, 40], vec![20, 50, 60]],
            },
        );
        assert_eq!(p.cells[0][0], None);
        assert!(p.cells[0][1].is_none() || p.cells[0][2].is_none() || p.row_totals[0].is_none());
        assert!(p.cells[1][0].is_none() || p.col_totals[0].is_none());
        assert_eq!(p.total, Some(205));
    }

    #[test]
    fn counts_round_and_zeros_show() {
        let r = DisclosureRule::default();
        assert_eq!(protect_one(&r, 0), Some(0));
        assert_eq!(protect_one(&r, 7), None);
        assert_eq!(protect_one(&r, 8), Some(10));
        assert_eq!(protect_one(&r, 12), Some(10));
        assert_eq!(protect_one(&r, 13), Some(15));
        assert!(!rate_shown(&r, 97, 100));
        assert!(rate_shown(&r, 50, 100));
        assert!(DisclosureRule::parse(10, 0).is_err());
    }

    fn tables() -> impl Strategy<Value = (CountTable, DisclosureRule)> {
        (1usize..6, 1usize..6, 0u64..12, 1u64..10).prop_flat_map(|(r, c, max, round)| {
            (
                prop::collection::vec(prop::collection::vec(0u64..40, c), r),
                Just(DisclosureRule {
                    suppress_max: max,
                    round_to: round,
                }),
            )
                .prop_map(|(cells, rule)| (CountTable { cells }, rule))
        })
    }

    /// Every row and column with a suppressed entry has at least two (its total counts as one).
    fn no_line_has_one_suppressed(p: &ProtectedTable) -> Result<(), TestCaseError> {
        let (rows, cols) = (p.cells.len(), p.col_totals.len());
        for i in 0..rows {
            let n = p.cells[i].iter().filter(|c| c.is_none()).count() + usize::from(p.row_totals[i].is_none());
            prop_assert!(n != 1, "row {i} has one suppressed entry: {:?}", p);
        }
        for j in 0..cols {
            let n = (0..rows).filter(|i| p.cells[*i][j].is_none()).count() + usize::from(p.col_totals[j].is_none());
            prop_assert!(n != 1, "column {j} has one suppressed entry: {:?}", p);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn nothing_small_is_published_and_nothing_suppressed_is_recoverable((t, rule) in tables()) {
            let p = protect(&rule, &t);
            let rows = t.cells.len();
            let cols = t.cells[0].len();
            let raw_row: Vec<u64> = t.cells.iter().map(|r| r.iter().sum()).collect();
            let raw_col: Vec<u64> = (0..cols).map(|j| t.cells.iter().map(|r| r[j]).sum()).collect();
            let grand: u64 = raw_row.iter().sum();
            let check = |shown: Shown, raw: u64| -> Result<(), TestCaseError> {
                if let Some(v) = shown {
                    prop_assert!(!rule.is_small(raw), "published {v} for a small count {raw}");
                    prop_assert_eq!(v % rule.round_to, 0);
                    prop_assert!(v.abs_diff(raw) <= rule.round_to / 2, "{v} is not {raw} rounded to {}", rule.round_to);
                }
                Ok(())
            };
            #[allow(clippy::needless_range_loop)] // rows and columns are compared across four tables
            for i in 0..rows {
                for j in 0..cols {
                    check(p.cells[i][j], t.cells[i][j])?;
                    prop_assert_eq!(p.cells[i][j].is_none(), p.suppressed[i][j]);
                }
                check(p.row_totals[i], raw_row[i])?;
            }
            #[allow(clippy::needless_range_loop)]
            for j in 0..cols {
                check(p.col_totals[j], raw_col[j])?;
            }
            check(p.total, grand)?;
            // Every line with a suppressed entry has at least two (its total counts as one).
            no_line_has_one_suppressed(&p)?;
            let n = p.row_totals.iter().filter(|c| c.is_none()).count() + usize::from(p.total.is_none());
            prop_assert!(n != 1, "the row totals have one suppressed entry: {:?}", p);
            let n = p.col_totals.iter().filter(|c| c.is_none()).count() + usize::from(p.total.is_none());
            prop_assert!(n != 1, "the column totals have one suppressed entry: {:?}", p);
        }
    }

    proptest! {
        /// Overlapping cells (a unit in several): totals between the largest cell and the sum.
        #[test]
        fn overlapping_margins_are_protected_the_same_way((t, rule) in tables(), seed in any::<u64>()) {
            let rows = t.cells.len();
            let cols = t.cells[0].len();
            let between = |parts: Vec<u64>, salt: u64| {
                let (max, sum) = (parts.iter().copied().max().unwrap_or(0), parts.iter().sum::<u64>());
                max + (seed ^ salt.wrapping_mul(0x9e37_79b9)) % (sum - max + 1)
            };
            let m = Margins {
                rows: (0..rows).map(|i| between(t.cells[i].clone(), i as u64)).collect(),
                cols: (0..cols).map(|j| between(t.cells.iter().map(|r| r[j]).collect(), 100 + j as u64)).collect(),
                total: between(t.cells.iter().flatten().copied().collect(), 999),
            };
            let p = protect_with(&rule, &t, &m);
            for (shown, raw) in p.row_totals.iter().zip(&m.rows).chain(p.col_totals.iter().zip(&m.cols)).chain([(&p.total, &m.total)]) {
                prop_assert!(shown.is_none() || !rule.is_small(*raw), "published a small total {raw}");
                prop_assert!(shown.is_none_or(|v| v.abs_diff(*raw) <= rule.round_to / 2), "{shown:?} is not {raw}");
            }
            no_line_has_one_suppressed(&p)?;
        }
    }
}
