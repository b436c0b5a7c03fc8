//! The import report: every problem found while reading, what was done about it, and how many
//! rows of each table were read, kept and skipped.
//!
//! Publishers need to fix their data at the source, so each problem names the file, the line (or
//! JSON pointer) and the field; [`Report::summary`] groups them so that 10,000 identical problems
//! read as one line on a terminal.

use std::collections::BTreeMap;
use std::fmt;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something of the publisher's was lost: a row skipped, a value or reference removed.
    Error,
    /// Something looks wrong or was not carried over, but no value the standard holds was lost.
    Warning,
    /// A value was repaired or filled in with a safe default; the result is said in the message.
    Repaired,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Repaired => "repaired",
        })
    }
}

/// What the reader did about a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// The value was rewritten (see the message for the result).
    Repaired,
    /// A missing value was filled with a default.
    DefaultUsed,
    /// A stable id was made up for the row.
    IdDerived,
    /// The field was left empty.
    FieldLeftEmpty,
    /// The whole row was not imported.
    RowSkipped,
    /// A reference to a row that is not in the input was removed; the row was kept.
    ReferenceRemoved,
    /// An earlier row with the same id was replaced by this one.
    EarlierRowReplaced,
    /// A column or value with no place in HSDS 3.1 was not imported.
    NotImported,
    /// An HSDS 1.x/2.0 structure was rewritten in its HSDS 3.1 form.
    Upgraded,
    /// Something odd was kept as it is (the message says why).
    Kept,
    /// Reading stopped here.
    Stopped,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Repaired => "repaired",
            Action::DefaultUsed => "default used",
            Action::IdDerived => "id derived",
            Action::FieldLeftEmpty => "field left empty",
            Action::RowSkipped => "row skipped",
            Action::ReferenceRemoved => "reference removed",
            Action::EarlierRowReplaced => "earlier row replaced",
            Action::NotImported => "not imported",
            Action::Upgraded => "upgraded to 3.1",
            Action::Kept => "kept as it is",
            Action::Stopped => "reading stopped",
        })
    }
}

/// One problem with the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// The file inside the input (e.g. `data/services.csv`), or the input file itself.
    pub file: String,
    /// 1-based line: the CSV line where the row starts, the NDJSON line, or the line where the
    /// JSON array element starts.
    pub line: Option<usize>,
    /// A JSON pointer to the value inside the document, for JSON input.
    pub pointer: Option<String>,
    pub field: Option<String>,
    /// What was wrong (and, for repairs, the result).
    pub message: String,
    pub action: Action,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(p) = &self.pointer {
            write!(f, " {p}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " [{field}]")?;
        }
        write!(f, ": {}: {} ({})", self.severity, self.message, self.action)
    }
}

/// Rows of one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableCounts {
    /// Rows (or nested objects) read from the input for this table.
    pub read: usize,
    /// Rows that ended up in the batch (after merging duplicates).
    pub kept: usize,
    /// Rows not imported.
    pub skipped: usize,
}

/// Everything that happened while reading one input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Per HSDS 3.1 table name.
    pub counts: BTreeMap<&'static str, TableCounts>,
    /// What kind of input this was, e.g. "HSDS 1.x tabular package (upgraded to 3.1)".
    pub format: String,
    /// Repairs and warnings counted but not listed one by one, by (file, field, action): past
    /// [`REPAIR_DETAIL_LIMIT`] of one kind, a million-row stream would otherwise hold a million
    /// near-identical problems. Errors are always listed in full.
    pub omitted: BTreeMap<(String, Option<String>, Action), usize>,
}

/// Repairs or warnings of one (file, field, action) listed individually before the rest are
/// only counted.
pub const REPAIR_DETAIL_LIMIT: usize = 20_000;

/// A group of problems of the same kind, for the summary.
#[derive(Clone, Debug, PartialEq)]
pub struct ProblemGroup {
    pub severity: Severity,
    pub file: String,
    pub field: Option<String>,
    pub action: Action,
    /// The message of the first problem of the group.
    pub example: String,
    pub count: usize,
    /// The first few line numbers (or pointers), for finding them in the file.
    pub first_lines: Vec<String>,
}

impl Report {
    pub fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }

    pub fn count(&mut self, table: &'static str) -> &mut TableCounts {
        self.counts.entry(table).or_default()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Problems whose message contains `needle` (for tests and quick checks).
    pub fn matching<'a>(&'a self, needle: &'a str) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems
            .iter()
            .filter(move |p| p.message.contains(needle))
    }

    /// Adds another report's problems and counts (used when a stream yields several batches).
    pub fn merge(&mut self, other: Report) {
        self.problems.extend(other.problems);
        for (t, c) in other.counts {
            let e = self.counts.entry(t).or_default();
            e.read += c.read;
            e.kept += c.kept;
            e.skipped += c.skipped;
        }
        if self.format.is_empty() {
            self.format = other.format;
        }
        for (k, n) in other.omitted {
            *self.omitted.entry(k).or_default() += n;
        }
    }

    /// Problems grouped by (file, field, kind), most severe first, then by file and count.
    pub fn groups(&self) -> Vec<ProblemGroup> {
        let mut groups: Vec<ProblemGroup> = Vec::new();
        let mut index: BTreeMap<(Severity, &str, Option<&str>, Action, String), usize> =
            BTreeMap::new();
        for p in &self.problems {
            let key = (
                p.severity,
                p.file.as_str(),
                p.field.as_deref(),
                p.action,
                kind_of(&p.message),
            );
            let i = *index.entry(key).or_insert_with(|| {
                groups.push(ProblemGroup {
                    severity: p.severity,
                    file: p.file.clone(),
                    field: p.field.clone(),
                    action: p.action,
                    example: p.message.clone(),
                    count: 0,
                    first_lines: Vec::new(),
                });
                groups.len() - 1
            });
            let g = &mut groups[i];
            g.count += 1;
            if g.first_lines.len() < 5 {
                if let Some(l) = p.line.map(|l| l.to_string()).or_else(|| p.pointer.clone()) {
                    g.first_lines.push(l);
                }
            }
        }
        groups.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then(a.file.cmp(&b.file))
                .then(b.count.cmp(&a.count))
        });
        groups
    }

    /// A terminal-readable summary: counts per table, then problems grouped by kind.
    pub fn summary(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if !self.format.is_empty() {
            let _ = writeln!(out, "Read {}", self.format);
        }
        let _ = writeln!(
            out,
            "{:<26} {:>9} {:>9} {:>9}",
            "table", "read", "kept", "skipped"
        );
        for (t, c) in &self.counts {
            let _ = writeln!(out, "{t:<26} {:>9} {:>9} {:>9}", c.read, c.kept, c.skipped);
        }
        let groups = self.groups();
        let n = |s: Severity| self.problems.iter().filter(|p| p.severity == s).count();
        let _ = writeln!(
            out,
            "\n{} errors, {} warnings, {} repairs in {} groups",
            n(Severity::Error),
            n(Severity::Warning),
            n(Severity::Repaired),
            groups.len()
        );
        for g in groups {
            let field = g
                .field
                .as_deref()
                .map(|f| format!(" [{f}]"))
                .unwrap_or_default();
            let lines = if g.first_lines.is_empty() {
                String::new()
            } else {
                let more = if g.count > g.first_lines.len() {
                    ", …"
                } else {
                    ""
                };
                format!(" at {}{more}", g.first_lines.join(", "))
            };
            let _ = writeln!(
                out,
                "  {:<8} {}{field}: {} x{} ({}){lines}",
                g.severity, g.file, g.example, g.count, g.action
            );
        }
        for ((file, field, action), n) in &self.omitted {
            let field = field
                .as_deref()
                .map(|f| format!(" [{f}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  more     {file}{field}: {n} more of this kind counted but not listed ({action})"
            );
        }
        out
    }
}

/// The kind of a message: its text with quoted values and numbers blanked, so that
/// "'FL ' …" and "'NY ' …" fall in one group.
fn kind_of(message: &str) -> String {
    // The repaired value (free text, apostrophes and all) says nothing about the kind.
    let message = message.split(" (now '").next().unwrap_or(message);
    let mut out = String::with_capacity(message.len());
    let mut in_quote = false;
    let mut prev_alpha = false;
    for c in message.chars() {
        match c {
            '\'' if !prev_alpha || in_quote => {
                in_quote = !in_quote;
                if in_quote {
                    out.push_str("'…'");
                }
            }
            _ if in_quote => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
        prev_alpha = c.is_alphanumeric();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: usize, msg: &str) -> Problem {
        Problem {
            severity: Severity::Repaired,
            file: "a.csv".into(),
            line: Some(line),
            pointer: None,
            field: Some("state_province".into()),
            message: msg.into(),
            action: Action::Repaired,
        }
    }

    #[test]
    fn summary_groups_same_kind_of_problem() {
        let mut r = Report::default();
        for i in 2..20 {
            r.push(p(i, &format!("removed surrounding spaces (now 'F{i}')")));
        }
        let g = r.groups();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].count, 18);
        assert_eq!(g[0].first_lines, vec!["2", "3", "4", "5", "6"]);
        assert!(r.summary().contains("x18"));
    }

    #[test]
    fn apostrophes_inside_words_are_not_quotes() {
        assert_eq!(kind_of("service '12' isn't here"), "service '…' isn't here");
    }
}
