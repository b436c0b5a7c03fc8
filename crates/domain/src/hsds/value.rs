//! Field values: parsing raw text from publishers into normalised values, and saying exactly
//! what was wrong or what was repaired when the text is messy.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use serde_json::Value as Json;

use super::registry_types::{FieldDef, FieldType};

/// A stored field value. HSDS has only strings and numbers at the field level.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            Value::Number(_) => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Text(_) => None,
        }
    }

    /// The value as JSON; whole numbers are written without a fraction.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Text(s) => Json::String(s.clone()),
            Value::Number(n) => number_json(*n),
        }
    }

    /// The value as it is written in a CSV cell.
    pub fn to_cell(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(n) => number_json(*n).to_string(),
        }
    }
}

fn number_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map(Json::Number).unwrap_or(Json::Null)
    }
}

/// What was wrong with a raw field value.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldIssue {
    /// The value could not be used; `message` says why and how to fix it. The field is left empty.
    Invalid { message: String },
    /// The value was repaired; `message` says what was done.
    Repaired { message: String },
}

impl FieldIssue {
    pub fn message(&self) -> &str {
        match self {
            FieldIssue::Invalid { message } | FieldIssue::Repaired { message } => message,
        }
    }
}

/// Parses raw text (from a CSV cell or a JSON string) for `field`.
///
/// Returns the normalised value (None for empty) and, when the text was messy, what was wrong
/// or what was done about it. An `Invalid` issue always comes with `None`.
pub fn parse_value(field: &FieldDef, raw: &str) -> (Option<Value>, Option<FieldIssue>) {
    parse_value_owned(field, raw.to_string())
}

/// [`parse_value`] taking the text by value, so that clean text becomes the value without a copy.
pub fn parse_value_owned(field: &FieldDef, raw: String) -> (Option<Value>, Option<FieldIssue>) {
    let mut repairs: Vec<&str> = Vec::new();
    let mut text = raw;
    if text.contains('\\') && text.contains("\\n") {
        text = text.replace("\\r\\n", "\n").replace("\\n", "\n");
        repairs.push("turned literal \\n into line breaks");
    }
    let trimmed = text.trim();
    if trimmed.len() != text.len() {
        // Only worth saying when there was something besides the spaces.
        if !trimmed.is_empty() {
            repairs.push("removed surrounding spaces");
        }
        text = trimmed.to_string();
    }
    if text.is_empty() {
        return (None, None);
    }
    let result = match field.ty {
        FieldType::Text => Ok(Value::Text(text)),
        FieldType::Uuid => match uuid::Uuid::parse_str(&text) {
            // Already in the canonical form (36 characters, lower case): kept as it is.
            Ok(_) if text.len() == 36 && !text.bytes().any(|b| b.is_ascii_uppercase()) => Ok(Value::Text(text)),
            Ok(u) => Ok(Value::Text(u.hyphenated().to_string())),
            Err(_) => Err(format!("'{text}' is not a UUID")),
        },
        FieldType::Number => parse_number(&text, &mut repairs),
        FieldType::Email => {
            let t = text.trim_start_matches("mailto:").to_string();
            if t.contains('@') && !t.contains(char::is_whitespace) && !t.starts_with('@') && !t.ends_with('@') {
                Ok(Value::Text(t))
            } else {
                Err(format!("'{text}' is not an email address (expected name@example.org)"))
            }
        }
        FieldType::Uri => parse_uri(&text, &mut repairs),
        FieldType::Date => parse_date(&text, &mut repairs),
        FieldType::DateTime => parse_datetime(&text, &mut repairs),
        FieldType::Time => parse_time(&text, &mut repairs),
    };
    let result = result.and_then(|v| match (field.allowed, &v) {
        (Some(allowed), Value::Text(s)) => match allowed.iter().find(|a| a.eq_ignore_ascii_case(s)) {
            Some(a) if *a == s => Ok(v),
            Some(a) => {
                repairs.push("matched an allowed value ignoring case");
                Ok(Value::Text((*a).to_string()))
            }
            None => Err(format!("'{s}' is not one of {}", allowed.join(", "))),
        },
        _ => Ok(v),
    });
    match result {
        Ok(v) if repairs.is_empty() => (Some(v), None),
        Ok(v) => {
            let message = format!("{} (now '{}')", repairs.join("; "), short(&v.to_cell()));
            (Some(v), Some(FieldIssue::Repaired { message }))
        }
        Err(message) => (None, Some(FieldIssue::Invalid { message })),
    }
}

fn short(s: &str) -> String {
    let first_line = s.lines().next().unwrap_or("");
    if first_line.chars().count() > 40 || s.contains('\n') {
        format!("{}…", first_line.chars().take(40).collect::<String>())
    } else {
        first_line.to_string()
    }
}

fn parse_number(text: &str, repairs: &mut Vec<&str>) -> Result<Value, String> {
    if let Ok(n) = text.parse::<f64>() {
        if n.is_finite() {
            return Ok(Value::Number(n));
        }
    }
    let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | '$' | '£' | '€' | ' ')).collect();
    match cleaned.parse::<f64>() {
        Ok(n) if n.is_finite() => {
            repairs.push("removed currency signs and separators");
            Ok(Value::Number(n))
        }
        _ => Err(format!("'{text}' is not a number")),
    }
}

fn parse_uri(text: &str, repairs: &mut Vec<&str>) -> Result<Value, String> {
    let has_scheme = text
        .split_once(':')
        .map(|(scheme, _)| !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .unwrap_or(false);
    if text.contains(char::is_whitespace) {
        return Err(format!("'{text}' is not a web address (it contains spaces)"));
    }
    if has_scheme && !text.starts_with("www.") {
        return Ok(Value::Text(text.to_string()));
    }
    if text.contains('.') && !text.starts_with('.') {
        repairs.push("added https://");
        return Ok(Value::Text(format!("https://{text}")));
    }
    Err(format!("'{text}' is not a web address (expected https://example.org)"))
}

fn parse_date(text: &str, repairs: &mut Vec<&str>) -> Result<Value, String> {
    if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
        return Ok(Value::Text(text.to_string()));
    }
    if let Some(dt) = parse_any_datetime(text) {
        repairs.push("kept the date of a date and time");
        return Ok(Value::Text(dt.date_naive().format("%Y-%m-%d").to_string()));
    }
    for fmt in ["%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(text, fmt) {
            repairs.push("rewrote the date as YYYY-MM-DD");
            return Ok(Value::Text(d.format("%Y-%m-%d").to_string()));
        }
    }
    Err(format!("'{text}' is not a date (expected YYYY-MM-DD; day/month order cannot be guessed)"))
}

fn parse_any_datetime(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, fmt) {
            return Some(dt.and_utc());
        }
    }
    None
}

fn parse_datetime(text: &str, repairs: &mut Vec<&str>) -> Result<Value, String> {
    let dt = if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        dt.with_timezone(&Utc)
    } else if let Some(dt) = parse_any_datetime(text) {
        repairs.push("read a date and time without a zone as UTC");
        dt
    } else if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        repairs.push("read a date as midnight UTC");
        d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
    } else {
        return Err(format!("'{text}' is not a date and time (expected RFC 3339, e.g. 2024-05-01T09:30:00Z)"));
    };
    Ok(Value::Text(format_datetime(dt)))
}

/// The one way Linkwork writes a date and time, so that text order is time order.
pub fn format_datetime(dt: DateTime<Utc>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses the clock times publishers write: `09:00`, `9:00:00`, `9:00am`, `9 AM`, `noon`, `1730`.
pub fn parse_clock(text: &str) -> Option<NaiveTime> {
    let t = text.trim().to_ascii_lowercase();
    match t.as_str() {
        "noon" | "midday" => return NaiveTime::from_hms_opt(12, 0, 0),
        "midnight" => return NaiveTime::from_hms_opt(0, 0, 0),
        _ => {}
    }
    let (body, meridiem) = if let Some(b) = t.strip_suffix("am").or_else(|| t.strip_suffix("a.m.")) {
        (b.trim(), Some(false))
    } else if let Some(b) = t.strip_suffix("pm").or_else(|| t.strip_suffix("p.m.")) {
        (b.trim(), Some(true))
    } else {
        (t.as_str(), None)
    };
    let body = body.split(['+', 'z']).next().unwrap_or(body);
    let parts: Vec<&str> = body.split([':', '.']).collect();
    let (h, m, s) = match parts.as_slice() {
        [h] if h.len() == 4 && meridiem.is_none() => (h[..2].parse().ok()?, h[2..].parse().ok()?, 0),
        [h] => (h.parse::<u32>().ok()?, 0, 0),
        [h, m] => (h.parse().ok()?, m.parse().ok()?, 0),
        [h, m, s] => (h.parse().ok()?, m.parse().ok()?, s.parse::<f64>().ok()? as u32),
        _ => return None,
    };
    let h = match meridiem {
        Some(pm) if (1..=12).contains(&h) => (h % 12) + if pm { 12 } else { 0 },
        Some(_) => return None,
        None => h,
    };
    NaiveTime::from_hms_opt(h, m, s)
}

fn parse_time(text: &str, repairs: &mut Vec<&str>) -> Result<Value, String> {
    let canonical = |t: &str| {
        let b = t.as_bytes();
        (t.len() == 5 || t.len() == 8)
            && b[2] == b':'
            && (t.len() == 5 || b[5] == b':')
            && NaiveTime::parse_from_str(if t.len() == 5 { &t[..5] } else { t }, if t.len() == 5 { "%H:%M" } else { "%H:%M:%S" }).is_ok()
    };
    if canonical(text) {
        return Ok(Value::Text(text.to_string()));
    }
    match parse_clock(text) {
        Some(t) => {
            repairs.push("rewrote the time as HH:MM:SS");
            Ok(Value::Text(t.format("%H:%M:%S").to_string()))
        }
        None => Err(format!("'{text}' is not a time of day (expected HH:MM, e.g. 09:30)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hsds::table;

    fn field(t: &str, f: &str) -> &'static FieldDef {
        table(t).unwrap().field(f).unwrap()
    }

    #[test]
    fn messy_times_are_repaired_and_said() {
        let (v, issue) = parse_value(field("schedule", "opens_at"), "9:00am");
        assert_eq!(v, Some(Value::Text("09:00:00".into())));
        assert!(matches!(issue, Some(FieldIssue::Repaired { .. })));
        let (v, _) = parse_value(field("schedule", "closes_at"), "5:30 PM");
        assert_eq!(v, Some(Value::Text("17:30:00".into())));
        let (v, issue) = parse_value(field("schedule", "closes_at"), "10:00:00");
        assert_eq!((v, issue), (Some(Value::Text("10:00:00".into())), None));
        let (v, issue) = parse_value(field("schedule", "closes_at"), "teatime");
        assert_eq!(v, None);
        assert!(issue.unwrap().message().contains("not a time"));
    }

    #[test]
    fn trailing_spaces_and_literal_newlines() {
        let (v, issue) = parse_value(field("address", "state_province"), "FL ");
        assert_eq!(v, Some(Value::Text("FL".into())));
        assert!(issue.is_some());
        let (v, _) = parse_value(field("service", "description"), "Line one.\\nLine two.");
        assert_eq!(v, Some(Value::Text("Line one.\nLine two.".into())));
        assert_eq!(parse_value(field("address", "country"), "   "), (None, None));
    }

    #[test]
    fn enums_match_ignoring_case_and_refuse_others() {
        let (v, _) = parse_value(field("service", "status"), "Active");
        assert_eq!(v, Some(Value::Text("active".into())));
        let (v, issue) = parse_value(field("service", "status"), "open");
        assert_eq!(v, None);
        assert!(issue.unwrap().message().contains("temporarily closed"));
    }

    #[test]
    fn numbers_dates_and_datetimes() {
        assert_eq!(parse_value(field("cost_option", "amount"), "£5.50").0, Some(Value::Number(5.5)));
        assert_eq!(parse_value(field("service", "assured_date"), "2024-02-30").0, None);
        assert_eq!(
            parse_value(field("service", "last_modified"), "2024-09-25T14:23:06.5+01:00").0,
            Some(Value::Text("2024-09-25T13:23:06.500Z".into()))
        );
        assert_eq!(Value::Number(30.0).to_json(), serde_json::json!(30));
        assert_eq!(Value::Number(51.5).to_json(), serde_json::json!(51.5));
    }

    #[test]
    fn web_addresses_and_emails() {
        assert_eq!(parse_value(field("service", "url"), "www.example.org").0, Some(Value::Text("https://www.example.org".into())));
        assert_eq!(parse_value(field("service", "email"), "not an email").0, None);
    }
}
