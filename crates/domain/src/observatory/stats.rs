//! The statistics indicators report: medians and centiles (linear interpolation between closest
//! ranks, as PostgreSQL's `percentile_cont` and numpy's default), means with a 95% confidence
//! interval from Student's t, and working days between two dates.

use chrono::{Datelike, NaiveDate, Weekday};

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(|a, b| a.partial_cmp(b).expect("finite values compare"));
    v
}

/// The `p`th percentile (0 to 100), interpolating linearly between the closest ranks.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let v = sorted(values);
    if v.is_empty() || !(0.0..=100.0).contains(&p) {
        return None;
    }
    let rank = p / 100.0 * (v.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (rank - lo as f64))
}

/// The middle value (the mean of the two middle values for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 50.0)
}

/// A mean with its 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanCi {
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Two-sided 95% critical values of Student's t for 1 to 30 degrees of freedom.
const T95: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The two-sided 95% critical value of t for `df` degrees of freedom (interpolated in 1/df
/// between the tabled 30, 40, 60 and 120, then the normal 1.96).
pub fn t_critical_95(df: u64) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return T95[df as usize - 1];
    }
    let points = [
        (30.0, 2.042),
        (40.0, 2.021),
        (60.0, 2.000),
        (120.0, 1.980),
        (f64::INFINITY, 1.960),
    ];
    let x = 1.0 / df as f64;
    for w in points.windows(2) {
        let ((d0, t0), (d1, t1)) = (w[0], w[1]);
        let (x0, x1) = (1.0 / d0, if d1.is_infinite() { 0.0 } else { 1.0 / d1 });
        if x <= x0 && x >= x1 {
            return t1 + (t0 - t1) * (x - x1) / (x0 - x1);
        }
    }
    1.960
}

/// The mean, sample standard deviation and 95% confidence interval; None below two values.
pub fn mean_ci95(values: &[f64]) -> Option<MeanCi> {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n < 2 {
        return None;
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t_critical_95(n as u64 - 1) * sd / (n as f64).sqrt();
    Some(MeanCi {
        n: n as u64,
        mean,
        sd,
        lower: mean - half,
        upper: mean + half,
    })
}

/// Monday-to-Friday days after `from` up to and including `to` (Friday to Monday is 1);
/// negative when `to` is before `from`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return -working_days_between(to, from);
    }
    let days = (to - from).num_days();
    let (weeks, rest) = (days / 7, days % 7);
    let mut n = weeks * 5;
    let mut d = from;
    for _ in 0..rest {
        d = d.succ_opt().expect("a date after another");
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn centiles_interpolate_between_ranks() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!(close(percentile(&v, 90.0).unwrap(), 9.1));
        assert_eq!(median(&v), Some(5.5));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[]), None);
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
    }

    #[test]
    fn confidence_intervals_use_students_t() {
        assert!(close(t_critical_95(9), 2.262));
        assert!(
            close(t_critical_95(1000), 1.962)
                || t_critical_95(1000) < 1.965 && t_critical_95(1000) > 1.96
        );
        let m = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!(close(m.mean, 3.0));
        assert!(close(m.lower, 1.037) && close(m.upper, 4.963), "{m:?}");
        assert_eq!(mean_ci95(&[1.0]), None);
    }

    #[test]
    fn working_days_skip_weekends() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            working_days_between(d("2026-12-04"), d("2026-12-07")),
            1,
            "Friday to Monday"
        );
        assert_eq!(working_days_between(d("2026-12-07"), d("2026-12-21")), 10);
        assert_eq!(working_days_between(d("2026-12-07"), d("2026-12-07")), 0);
        assert_eq!(working_days_between(d("2026-12-07"), d("2026-12-04")), -1);
    }
}
