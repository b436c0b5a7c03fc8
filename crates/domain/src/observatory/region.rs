//! A regional observatory's arithmetic: programmes' published results side by side, and the
//! region's figures recomputed from what was published, never from records the region does not
//! hold. Counts add up; a proportion is recomputed from the summed numerators and denominators; a
//! mean is weighted by the counts it was taken over; medians and centiles cannot be recovered
//! from published medians, so the region gives none rather than a wrong one. Where any programme
//! withheld a count, the region's sum is only a lower bound and says so.
//!
//! The published counts were rounded by each publisher's disclosure control, so the region's
//! figures carry that rounding too (a sum of five counts rounded to 5 may be out by up to 10).

use serde::Serialize;

/// One group of one published result (a funnel's stage, a duration's median, a proportion): its
/// populations' counts and its score, as the publisher let them out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublishedGroup {
    pub code: String,
    /// Population code (FHIR's `initial-population`, `numerator`…) → count; None where the
    /// publisher withheld it.
    pub populations: Vec<(String, Option<u64>)>,
    pub score: Option<f64>,
    /// The publisher withheld the score (rather than having none to give).
    pub score_masked: bool,
}

impl PublishedGroup {
    pub fn count(&self, code: &str) -> Option<Option<u64>> {
        self.populations.iter().find(|(c, _)| c == code).map(|(_, n)| *n)
    }
}

/// One indicator's published result for the package's period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublishedResult {
    pub indicator: String,
    pub version: String,
    /// FHIR's scoring: `cohort`, `proportion` or `continuous-variable`.
    pub scoring: String,
    pub groups: Vec<PublishedGroup>,
}

/// A population's count over the region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionCount {
    pub code: String,
    pub count: u64,
    /// Some programme withheld its count, or did not publish this group: the region's count is
    /// at least this.
    pub at_least: bool,
}

/// Why the region has no score for a group that programmes scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoScore {
    /// A programme withheld a figure the region's score needs.
    Withheld,
    /// Medians and centiles cannot be combined from published medians and centiles.
    NotCombinable,
}

/// One group over the region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionGroup {
    pub code: String,
    pub populations: Vec<RegionCount>,
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_score: Option<NoScore>,
}

/// The region's figures for one indicator from the programmes' results for it (all of the same
/// indicator version; the caller keeps versions apart).
pub fn combine(results: &[&PublishedResult]) -> Vec<RegionGroup> {
    let mut codes: Vec<&str> = vec![];
    for r in results {
        for g in &r.groups {
            if !codes.contains(&g.code.as_str()) {
                codes.push(&g.code);
            }
        }
    }
    let scoring = results.first().map(|r| r.scoring.as_str()).unwrap_or("cohort");
    codes
        .into_iter()
        .map(|code| {
            let groups: Vec<Option<&PublishedGroup>> =
                results.iter().map(|r| r.groups.iter().find(|g| g.code == code)).collect();
            let mut pops: Vec<&str> = vec![];
            for g in groups.iter().flatten() {
                for (p, _) in &g.populations {
                    if !pops.contains(&p.as_str()) {
                        pops.push(p);
                    }
                }
            }
            let populations: Vec<RegionCount> = pops
                .iter()
                .map(|p| {
                    let (mut count, mut at_least) = (0, false);
                    for g in &groups {
                        match g.and_then(|g| g.count(p)) {
                            Some(Some(n)) => count += n,
                            _ => at_least = true,
                        }
                    }
                    RegionCount { code: p.to_string(), count, at_least }
                })
                .collect();
            let scored = groups.iter().flatten().any(|g| g.score.is_some() || g.score_masked);
            let (score, no_score) = if !scored {
                (None, None)
            } else if scoring == "proportion" {
                let get = |p: &str| populations.iter().find(|c| c.code == p);
                match (get("numerator"), get("denominator")) {
                    (Some(n), Some(d)) if !n.at_least && !d.at_least && d.count > 0 => {
                        (Some(100.0 * n.count as f64 / d.count as f64), None)
                    }
                    _ => (None, Some(NoScore::Withheld)),
                }
            } else if code == "mean" {
                weighted_mean(&groups)
            } else {
                (None, Some(NoScore::NotCombinable))
            };
            RegionGroup { code: code.to_string(), populations, score, no_score }
        })
        .collect()
}

/// The mean over everyone the programmes' means were taken over.
fn weighted_mean(groups: &[Option<&PublishedGroup>]) -> (Option<f64>, Option<NoScore>) {
    let (mut sum, mut n) = (0.0, 0u64);
    for g in groups {
        let Some(g) = g else { return (None, Some(NoScore::Withheld)) };
        match (g.score, g.count("measure-population")) {
            (Some(m), Some(Some(k))) => {
                sum += m * k as f64;
                n += k;
            }
            (None, Some(Some(0))) if !g.score_masked => {}
            _ => return (None, Some(NoScore::Withheld)),
        }
    }
    if n == 0 {
        (None, Some(NoScore::Withheld))
    } else {
        (Some(sum / n as f64), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(code: &str, pops: &[(&str, Option<u64>)], score: Option<f64>) -> PublishedGroup {
        PublishedGroup {
            code: code.into(),
            populations: pops.iter().map(|(c, n)| (c.to_string(), *n)).collect(),
            score,
            score_masked: false,
        }
    }

    fn result(scoring: &str, groups: Vec<PublishedGroup>) -> PublishedResult {
        PublishedResult { indicator: "x".into(), version: "1".into(), scoring: scoring.into(), groups }
    }

    #[test]
    fn counts_add_up_and_a_withheld_one_makes_a_lower_bound() {
        let a = result("cohort", vec![group("all", &[("initial-population", Some(120))], None), group("closed", &[("initial-population", Some(40))], None)]);
        let b = result("cohort", vec![group("all", &[("initial-population", Some(35))], None), group("closed", &[("initial-population", None)], None)]);
        let r = combine(&[&a, &b]);
        assert_eq!(r[0].populations[0], RegionCount { code: "initial-population".into(), count: 155, at_least: false });
        assert_eq!(r[1].populations[0], RegionCount { code: "initial-population".into(), count: 40, at_least: true });
        assert_eq!((r[0].score, r[0].no_score), (None, None), "a count has no score");
    }

    #[test]
    fn a_proportion_is_recomputed_from_numerators_and_denominators() {
        let p = |num, den, score| result("proportion", vec![group("proportion", &[("initial-population", den), ("denominator", den), ("numerator", num)], score)]);
        // 50% of 100 and 10% of 300 is 20% of 400, not the 30% a mean of the percentages gives.
        let (a, b) = (p(Some(50), Some(100), Some(50.0)), p(Some(30), Some(300), Some(10.0)));
        let r = combine(&[&a, &b]);
        assert_eq!(r[0].score, Some(20.0));
        let c = p(None, Some(100), None);
        let r = combine(&[&a, &c]);
        assert_eq!((r[0].score, r[0].no_score), (None, Some(NoScore::Withheld)));
    }

    #[test]
    fn means_are_weighted_and_medians_are_not_combined() {
        let m = |n, mean| result("continuous-variable", vec![group("mean", &[("measure-population", Some(n))], Some(mean))]);
        let r = combine(&[&m(10, 2.0), &m(30, 4.0)]);
        assert_eq!(r[0].score, Some(3.5));
        let d = |median| result("continuous-variable", vec![group("median", &[("measure-population", Some(20))], Some(median))]);
        let r = combine(&[&d(5.0), &d(9.0)]);
        assert_eq!((r[0].score, r[0].no_score), (None, Some(NoScore::NotCombinable)));
        assert_eq!(r[0].populations[0].count, 40, "the people counted still add up");
    }

    #[test]
    fn a_group_one_programme_did_not_publish_is_a_lower_bound() {
        let a = result("cohort", vec![group("all", &[("initial-population", Some(20))], None), group("closed", &[("initial-population", Some(10))], None)]);
        let b = result("cohort", vec![group("all", &[("initial-population", Some(15))], None)]);
        let r = combine(&[&a, &b]);
        assert_eq!(r[1].populations[0], RegionCount { code: "initial-population".into(), count: 10, at_least: true });
    }
}
