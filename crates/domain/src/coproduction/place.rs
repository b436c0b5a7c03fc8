//! Places: a hierarchy with configurable level names, codes, and optional coordinates and
//! population. An imported list is checked here in full, every problem with its line and column;
//! a list with any problem is refused whole, so an import never leaves half a hierarchy.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One level of the hierarchy: its code and its name in each language.
pub type PlaceLevel = super::settings::Term;

/// `[places]` in the configuration: the levels, from the top down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlaceSettings {
    pub levels: Vec<PlaceLevel>,
}

impl Default for PlaceSettings {
    fn default() -> Self {
        let level = PlaceLevel::new;
        PlaceSettings {
            levels: vec![
                level("province", "Province", "Provincia", "ແຂວງ"),
                level("district", "District", "Distrito", "ເມືອງ"),
                level("village", "Village", "Aldea", "ບ້ານ"),
            ],
        }
    }
}

impl PlaceSettings {
    /// Every setting that cannot be used, with where it is.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut p = vec![];
        if self.levels.is_empty() || self.levels.len() > 6 {
            p.push(format!("places.levels: give from 1 to 6 levels, from the top down (there are {})", self.levels.len()));
        }
        super::settings::check_terms("places.levels", self.levels.iter().map(|l| (l.code.as_str(), &l.names)), &mut p);
        if p.is_empty() {
            Ok(())
        } else {
            Err(p)
        }
    }

    /// The depth of a level (0 at the top).
    pub fn depth(&self, code: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.code == code)
    }
}

use super::settings::is_code;

/// One row of a places file as read, by column name, with its line in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawPlace {
    pub line: usize,
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: String,
    pub latitude: String,
    pub longitude: String,
    pub population: String,
}

/// A place that may be kept.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPlace {
    pub code: String,
    pub name: String,
    /// Its depth in the hierarchy (0 at the top).
    pub depth: usize,
    pub parent_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub population: Option<i64>,
}

/// What is wrong with a row: its line, the column, and how to put it right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowProblem {
    pub line: usize,
    pub column: String,
    pub message: String,
}

/// Checks a whole list. `existing` gives the depth of each place already kept, by code, so a row
/// may name a parent kept before; the list's parents may come before or after their children.
/// Returns the places with parents before children, or every problem.
pub fn check_import(rows: &[RawPlace], s: &PlaceSettings, existing: &HashMap<String, usize>) -> Result<Vec<NewPlace>, Vec<RowProblem>> {
    let mut problems = vec![];
    let mut bad = |line: usize, column: &str, message: String| problems.push(RowProblem { line, column: column.into(), message });
    let levels: Vec<&str> = s.levels.iter().map(|l| l.code.as_str()).collect();
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    let mut parsed: Vec<NewPlace> = vec![];
    for r in rows {
        let code = r.code.trim();
        if !is_code(code) {
            bad(r.line, "code", format!("{code:?} is not a code: use letters, digits, '-', '.' or '_' (at most 64)"));
        } else if let Some(l) = first_line.insert(code, r.line) {
            bad(r.line, "code", format!("{code} is already on line {l}; each place once"));
        }
        let name = r.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            bad(r.line, "name", "give the place's name (at most 200 characters)".into());
        }
        let depth = s.depth(r.level.trim());
        if depth.is_none() {
            bad(r.line, "level", format!("{:?} is not a level; use one of {}", r.level.trim(), levels.join(", ")));
        }
        let parent = r.parent_code.trim();
        match depth {
            Some(0) if !parent.is_empty() => bad(r.line, "parent_code", format!("a {} is at the top and has no parent; leave it empty", levels[0])),
            Some(d) if d > 0 && parent.is_empty() => bad(r.line, "parent_code", format!("a {} needs its {} (the parent's code)", levels[d], levels[d - 1])),
            _ => {}
        }
        let number = |column: &str, v: &str, bad: &mut dyn FnMut(usize, &str, String)| -> Option<f64> {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            match v.parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    bad(r.line, column, format!("{v:?} is not a number"));
                    None
                }
            }
        };
        let latitude = number("latitude", &r.latitude, &mut bad);
        let longitude = number("longitude", &r.longitude, &mut bad);
        if latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
            bad(r.line, "latitude", "a latitude is from -90 to 90".into());
        }
        if longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            bad(r.line, "longitude", "a longitude is from -180 to 180".into());
        }
        if latitude.is_some() != longitude.is_some() {
            bad(r.line, if latitude.is_some() { "longitude" } else { "latitude" }, "give both coordinates or neither".into());
        }
        let population = match r.population.trim() {
            "" => None,
            v => match v.replace([',', ' '], "").parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    bad(r.line, "population", format!("{v:?} is not a number of people (a whole number, 0 or more)"));
                    None
                }
            },
        };
        if let Some(depth) = depth {
            parsed.push(NewPlace {
                code: code.to_string(),
                name: name.to_string(),
                depth,
                parent_code: (!parent.is_empty()).then(|| parent.to_string()),
                latitude,
                longitude,
                population,
            });
        }
    }
    // Parents: in the list or kept before, exactly one level up.
    let in_list: HashMap<&str, usize> = parsed.iter().map(|p| (p.code.as_str(), p.depth)).collect();
    for (p, r) in parsed.iter().zip(rows.iter().filter(|r| s.depth(r.level.trim()).is_some())) {
        let Some(parent) = &p.parent_code else { continue };
        match in_list.get(parent.as_str()).or_else(|| existing.get(parent)) {
            None => bad(r.line, "parent_code", format!("there is no place {parent}, in this file or kept before")),
            Some(d) if *d + 1 != p.depth => bad(
                r.line,
                "parent_code",
                format!("{parent} is a {}, but a {}'s parent must be a {}", levels[*d], levels[p.depth], levels[p.depth - 1]),
            ),
            _ => {}
        }
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| (a.line, &a.column).cmp(&(b.line, &b.column)));
        return Err(problems);
    }
    parsed.sort_by_key(|p| p.depth);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, code: &str, name: &str, level: &str, parent: &str) -> RawPlace {
        RawPlace { line, code: code.into(), name: name.into(), level: level.into(), parent_code: parent.into(), ..Default::default() }
    }

    #[test]
    fn a_hierarchy_is_ordered_parents_first_and_every_problem_has_its_line() {
        let s = PlaceSettings::default();
        let ok = vec![
            row(2, "LA-V-001", "Ban Nongbua", "village", "LA-D-01"),
            row(3, "LA-D-01", "Xaythany", "district", "LA-P-01"),
            RawPlace { population: "1,200".into(), latitude: "18.1".into(), longitude: "102.7".into(), ..row(4, "LA-P-01", "Vientiane", "province", "") },
        ];
        let places = check_import(&ok, &s, &HashMap::new()).unwrap();
        assert_eq!(places.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["LA-P-01", "LA-D-01", "LA-V-001"]);
        assert_eq!(places[0].population, Some(1200));

        let bad = vec![
            row(2, "LA-V-002", "Ban Na", "village", "LA-P-01"),
            row(3, "LA-V-003", "", "hamlet", ""),
            row(4, "LA-D-01", "Xaythany", "district", "LA-X"),
            RawPlace { latitude: "95".into(), ..row(5, "LA-D-01", "Again", "district", "LA-P-01") },
        ];
        let existing = HashMap::from([("LA-P-01".to_string(), 0)]);
        let p = check_import(&bad, &s, &existing).unwrap_err();
        let at: Vec<(usize, &str)> = p.iter().map(|p| (p.line, p.column.as_str())).collect();
        assert_eq!(at, [(2, "parent_code"), (3, "level"), (3, "name"), (4, "parent_code"), (5, "code"), (5, "latitude"), (5, "longitude")], "{p:#?}");
        assert!(p[0].message.contains("must be a district"), "{}", p[0].message);
    }

    #[test]
    fn level_settings_are_checked() {
        let mut s = PlaceSettings::default();
        assert!(s.check().is_ok());
        s.levels.push(s.levels[0].clone());
        s.levels[1].names.clear();
        let p = s.check().unwrap_err();
        assert!(p.iter().any(|m| m.contains("given twice")) && p.iter().any(|m| m.contains("English")), "{p:?}");
        assert_eq!(PlaceSettings::default().levels[1].name_in("lo"), "ເມືອງ");
    }
}
