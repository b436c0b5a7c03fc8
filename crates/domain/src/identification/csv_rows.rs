//! A practice's patients as a CSV: one row per patient (`record` = `patient`) and one per record
//! (`encounter`, `condition`, `observation`) naming its patient by `patient_id`. Every row is
//! checked here, every problem with its line and column; a file with any problem is refused
//! whole. Reading the CSV itself is the web layer's (this crate knows no file formats).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::{check_patients, read_birth_date, read_date, read_nhs_number, text, Coding, LoadProblem, PatientRecord, PracticePatient, RecordKind, LOINC, SNOMED};

/// The columns a patients file has, in the order the documentation gives them (others are
/// refused, so that a misspelt column is not silently empty).
pub const COLUMNS: [&str; 17] = [
    "patient_id",
    "record",
    "nhs_number",
    "given_name",
    "family_name",
    "birth_date",
    "phone",
    "postcode",
    "date",
    "system",
    "code",
    "display",
    "class",
    "status",
    "verification",
    "value",
    "interpretation",
];

/// One row as read, by column name, with its line in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub cells: BTreeMap<String, String>,
}

impl RawRow {
    fn get(&self, column: &str) -> &str {
        self.cells.get(column).map(|s| s.trim()).unwrap_or("")
    }
    fn opt(&self, column: &str) -> Option<String> {
        Some(self.get(column).to_string()).filter(|s| !s.is_empty())
    }
}

/// The system a CSV names: a URI, or `snomed` / `loinc` for short.
fn system(v: &str) -> Result<String, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" => Err("is empty; give the code's system (snomed, loinc, or its URI)".into()),
        "snomed" | "sct" | "snomed ct" => Ok(SNOMED.into()),
        "loinc" => Ok(LOINC.into()),
        _ if v.starts_with("http://") || v.starts_with("https://") || v.starts_with("urn:") => Ok(v.trim().to_string()),
        _ => Err(format!("'{v}' is not a code system: write snomed, loinc, or the system's URI")),
    }
}

/// Checks the rows of a patients file into the practice's patients, or every problem.
pub fn check_rows(rows: &[RawRow], today: NaiveDate) -> Result<Vec<PracticePatient>, Vec<LoadProblem>> {
    let mut p: Vec<LoadProblem> = vec![];
    let at = |r: &RawRow, col: &str| format!("line {}, column {col}", r.line);
    let mut patients: Vec<(usize, PracticePatient)> = vec![];
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut records: Vec<(&RawRow, String, PatientRecord)> = vec![];
    for r in rows {
        for col in r.cells.keys() {
            if !COLUMNS.contains(&col.as_str()) {
                p.push(LoadProblem::new(at(r, col), format!("'{col}' is not a column of a patients file; the columns are {}", COLUMNS.join(", "))));
            }
        }
        let key = match text(r.get("patient_id"), 64) {
            Ok(k) => k,
            Err(e) => {
                p.push(LoadProblem::new(at(r, "patient_id"), format!("{e}: every row names its patient by the practice's own id")));
                continue;
            }
        };
        let kind = r.get("record").to_ascii_lowercase();
        if kind == "patient" {
            let mut field = |col: &str, max: usize| match text(r.get(col), max) {
                Ok(v) => Some(v),
                Err(e) => {
                    p.push(LoadProblem::new(at(r, col), format!("{e}: a patient row gives the patient's {}", col.replace('_', " "))));
                    None
                }
            };
            let given = field("given_name", 100);
            let family = field("family_name", 100);
            let birth = match read_birth_date(r.get("birth_date"), today) {
                Ok(d) => Some(d),
                Err(e) => {
                    p.push(LoadProblem::new(at(r, "birth_date"), e));
                    None
                }
            };
            let nhs = match r.opt("nhs_number").map(|v| read_nhs_number(&v)) {
                None => None,
                Some(Ok(n)) => Some(n),
                Some(Err(e)) => {
                    p.push(LoadProblem::new(at(r, "nhs_number"), format!("{e}; leave it empty if the patient has none")));
                    None
                }
            };
            for col in ["phone", "postcode"] {
                if let Some(Err(e)) = r.opt(col).map(|v| text(&v, 40)) {
                    p.push(LoadProblem::new(at(r, col), e));
                }
            }
            for col in ["date", "system", "code", "display", "class", "status", "verification", "value", "interpretation"] {
                if !r.get(col).is_empty() {
                    p.push(LoadProblem::new(at(r, col), "a patient row has no record columns; put each record on a row of its own"));
                }
            }
            if let (Some(given_name), Some(family_name), Some(birth_date)) = (given, family, birth) {
                if let Some(&first) = index.get(&key) {
                    p.push(LoadProblem::new(at(r, "patient_id"), format!("the patient '{key}' is given twice (also on line {first}); give each patient one row")));
                    continue;
                }
                index.insert(key.clone(), r.line);
                patients.push((r.line, PracticePatient { key, nhs_number: nhs, given_name, family_name, birth_date, phone: r.opt("phone"), postcode: r.opt("postcode"), records: vec![] }));
            }
            continue;
        }
        let Some(kind) = RecordKind::parse(&kind) else {
            p.push(LoadProblem::new(at(r, "record"), format!("'{}' is not a kind of row: write patient, encounter, condition or observation", r.get("record"))));
            continue;
        };
        let date = match read_date(r.get("date")) {
            Ok(d) if d <= today => Some(d),
            Ok(d) => {
                p.push(LoadProblem::new(at(r, "date"), format!("{d} is in the future; give the date the {} happened", kind.as_str())));
                None
            }
            Err(e) => {
                p.push(LoadProblem::new(at(r, "date"), e));
                None
            }
        };
        let mut codes = vec![];
        let code = r.get("code");
        let needs_code = kind != RecordKind::Encounter;
        if code.is_empty() && needs_code {
            p.push(LoadProblem::new(at(r, "code"), format!("is empty; a {} row gives its code (SNOMED CT or LOINC)", kind.as_str())));
        } else if !code.is_empty() {
            match system(r.get("system")) {
                Ok(system) if code.len() <= 64 => codes.push(Coding { system, code: code.to_string(), display: r.opt("display") }),
                Ok(_) => p.push(LoadProblem::new(at(r, "code"), "is longer than 64 characters")),
                Err(e) => p.push(LoadProblem::new(at(r, "system"), e)),
            }
        }
        if kind != RecordKind::Observation {
            for col in ["value", "interpretation"] {
                if !r.get(col).is_empty() {
                    p.push(LoadProblem::new(at(r, col), format!("only an observation has a {col}")));
                }
            }
        }
        if kind != RecordKind::Encounter && !r.get("class").is_empty() {
            p.push(LoadProblem::new(at(r, "class"), "only an encounter has a class"));
        }
        if kind != RecordKind::Condition && !r.get("verification").is_empty() {
            p.push(LoadProblem::new(at(r, "verification"), "only a condition has a verification status"));
        }
        for col in ["nhs_number", "given_name", "family_name", "birth_date", "phone", "postcode"] {
            if !r.get(col).is_empty() {
                p.push(LoadProblem::new(at(r, col), "a record row does not repeat the patient's details; give them once on the patient's row"));
            }
        }
        if let Some(date) = date {
            records.push((
                r,
                key,
                PatientRecord {
                    kind,
                    date,
                    codes,
                    class: r.opt("class"),
                    status: r.opt("status"),
                    verification: r.opt("verification"),
                    value: r.opt("value"),
                    interpretation: r.opt("interpretation"),
                },
            ));
        }
    }
    let mut by_key: HashMap<String, usize> = patients.iter().enumerate().map(|(i, (_, x))| (x.key.clone(), i)).collect();
    for (r, key, rec) in records {
        match by_key.get_mut(&key) {
            Some(i) => patients[*i].1.records.push(rec),
            None if index.contains_key(&key) => {}
            None => p.push(LoadProblem::new(at(r, "patient_id"), format!("there is no patient row for '{key}'; add a row with record = patient for them"))),
        }
    }
    let lines: Vec<usize> = patients.iter().map(|(l, _)| *l).collect();
    let patients: Vec<PracticePatient> = patients.into_iter().map(|(_, x)| x).collect();
    if p.is_empty() {
        if let Err(more) = check_patients(&patients, &|i| format!("line {}", lines[i])) {
            p.extend(more);
        }
    }
    if p.is_empty() {
        Ok(patients)
    } else {
        Err(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[(&str, &str)]) -> RawRow {
        RawRow { line, cells: cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    #[test]
    fn patients_and_their_records_are_read_from_rows() {
        let rows = vec![
            row(2, &[("patient_id", "p1"), ("record", "patient"), ("given_name", "Ada"), ("family_name", "Lovelace"), ("birth_date", "1950-03-04"), ("nhs_number", "943 476 5919")]),
            row(3, &[("patient_id", "p1"), ("record", "condition"), ("date", "2026-10-01"), ("system", "snomed"), ("code", "422650009")]),
            row(4, &[("patient_id", "p1"), ("record", "encounter"), ("date", "2026-10-02"), ("class", "AMB")]),
        ];
        let p = check_rows(&rows, today()).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].nhs_number.as_deref(), Some("9434765919"));
        assert_eq!(p[0].records.len(), 2);
        assert_eq!(p[0].records[0].codes[0].system, SNOMED);
    }

    #[test]
    fn every_problem_is_given_with_its_line_and_column() {
        let rows = vec![
            row(2, &[("patient_id", "p1"), ("record", "patient"), ("given_name", "Ada"), ("family_name", ""), ("birth_date", "04/03/1950"), ("nhs_number", "9434765918")]),
            row(3, &[("patient_id", "p2"), ("record", "condition"), ("date", "2026-10-01"), ("system", "icd"), ("code", "Z60.2")]),
            row(4, &[("patient_id", "p1"), ("record", "visit"), ("date", "2026-10-02")]),
            row(5, &[("patient_id", "p1"), ("record", "observation"), ("date", "2027-01-01"), ("code", "88122-7"), ("system", "loinc"), ("colour", "red")]),
        ];
        let p = check_rows(&rows, today()).unwrap_err();
        let at: Vec<&str> = p.iter().map(|x| x.at.as_str()).collect();
        for want in ["line 2, column family_name", "line 2, column birth_date", "line 2, column nhs_number", "line 3, column system", "line 4, column record", "line 5, column date", "line 5, column colour"] {
            assert!(at.contains(&want), "{want} in {p:#?}");
        }
    }
}
