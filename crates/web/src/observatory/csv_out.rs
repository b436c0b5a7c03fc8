//! An evaluation as CSV: one row per published cell, a column per dimension ("all" for a total)
//! and per value. A suppressed value is written `[c]` (the ONS convention for confidential), a
//! value with no data is left empty, so nobody reads a withheld count as zero.

use linkwork_domain::observatory::Evaluation;

const VALUES: [&str; 13] = [
    "count",
    "numerator",
    "percent",
    "median",
    "p90",
    "mean",
    "ci_lower",
    "ci_upper",
    "improved",
    "no_change",
    "worse",
    "per_1000",
    "suppressed",
];

pub fn to_csv(e: &Evaluation) -> String {
    let mut w = csv::Writer::from_writer(vec![]);
    let mut header: Vec<String> = e.dimensions.clone();
    header.extend(VALUES.iter().map(|s| s.to_string()));
    w.write_record(&header).expect("writing to memory");
    for c in &e.cells {
        let v = &c.values;
        let mut row: Vec<String> = c
            .key
            .iter()
            .map(|k| k.clone().unwrap_or_else(|| "all".into()))
            .collect();
        let count = |x: Option<u64>| x.map(|n| n.to_string()).unwrap_or_else(|| "[c]".into());
        let stat = |x: Option<f64>| {
            x.map(|f| f.to_string()).unwrap_or_else(|| {
                if v.suppressed {
                    "[c]".into()
                } else {
                    String::new()
                }
            })
        };
        let kind = e.kind.as_str();
        row.push(count(v.count));
        row.push(if kind == "proportion" {
            count(v.numerator)
        } else {
            String::new()
        });
        for (x, relevant) in [
            (v.percent, kind == "proportion"),
            (v.median, kind == "duration"),
            (v.p90, kind == "duration"),
            (v.mean, kind == "mean"),
            (v.ci_lower, kind == "mean"),
            (v.ci_upper, kind == "mean"),
        ] {
            row.push(if relevant { stat(x) } else { String::new() });
        }
        let outcomes = e.dimensions.first().map(String::as_str) == Some("instrument");
        for x in [v.improved, v.no_change, v.worse] {
            row.push(if outcomes {
                x.map(|n| n.to_string()).unwrap_or_else(|| {
                    if v.count.is_some() && !v.suppressed {
                        String::new()
                    } else {
                        "[c]".into()
                    }
                })
            } else {
                String::new()
            });
        }
        row.push(v.per_1000.map(|f| f.to_string()).unwrap_or_default());
        row.push(v.suppressed.to_string());
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 text")
}
