//! The pages' languages: every string a page shows comes from the Fluent resources in
//! `crates/web/locales/<lang>/`, the reader's language is negotiated (their choice in a cookie,
//! then the browser's `Accept-Language`, then English), and dates and numbers are written in the
//! language's own form from CLDR data (ICU4X).
//!
//! A pseudo-language (`en-XA`, switched on by configuration for testing) wraps every translated
//! string in `⟦…⟧`, so that a browser test can prove that nothing on a page escaped the
//! resources: whatever is left outside the brackets must be data a user entered.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::header;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_datetime::fieldsets;
use icu_datetime::input::{Date, Time};
use icu_datetime::options::TimePrecision;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use unic_langid::LanguageIdentifier;

use crate::AppState;

/// The cookie that remembers the reader's choice of language.
pub const LANG_COOKIE: &str = "linkwork_lang";

/// A language the pages are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Es,
    Lo,
    /// English with every translated string bracketed: for the resource check.
    Pseudo,
}

impl Lang {
    /// The languages offered to readers, in the order the switcher lists them.
    pub const OFFERED: [Lang; 3] = [Lang::En, Lang::Es, Lang::Lo];

    /// The BCP 47 tag, as used in `<html lang>`, the cookie and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Lo => "lo",
            Lang::Pseudo => "en-XA",
        }
    }

    fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        let primary = t.split(['-', '_']).next().unwrap_or("");
        if t == "en-xa" {
            return Some(Lang::Pseudo);
        }
        match primary {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            "lo" => Some(Lang::Lo),
            _ => None,
        }
    }

    /// The locale whose CLDR data formats dates and numbers (the pseudo-language uses English's).
    fn cldr(self) -> Locale {
        let tag = match self {
            Lang::En | Lang::Pseudo => "en-GB",
            Lang::Es => "es",
            Lang::Lo => "lo",
        };
        tag.parse().expect("a valid locale")
    }
}

/// The resource files: one set per language, compiled into the binary.
const FILES: [&str; 1] = ["main.ftl"];

fn sources(lang: Lang) -> [&'static str; 1] {
    match lang {
        Lang::En | Lang::Pseudo => [include_str!("../locales/en/main.ftl")],
        Lang::Es => [include_str!("../locales/es/main.ftl")],
        Lang::Lo => [include_str!("../locales/lo/main.ftl")],
    }
}

/// All the languages' messages, loaded once at start.
pub struct Catalog {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
    pseudo_enabled: bool,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("pseudo_enabled", &self.pseudo_enabled).finish()
    }
}

impl Catalog {
    /// Parses every resource. A syntax error or a message defined twice is a bug in the
    /// resources, reported with the file and the message.
    pub fn load(pseudo_enabled: bool) -> Result<Catalog, String> {
        let mut bundles = HashMap::new();
        for lang in [Lang::En, Lang::Es, Lang::Lo, Lang::Pseudo] {
            let id: LanguageIdentifier = match lang {
                Lang::Pseudo => "en".parse(),
                l => l.tag().parse(),
            }
            .map_err(|e| format!("{}: {e}", lang.tag()))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks help right-to-left scripts; none of ours is, and they would show in
            // copied text.
            bundle.set_use_isolating(false);
            for (file, src) in FILES.iter().zip(sources(lang)) {
                let res = FluentResource::try_new(src.to_string())
                    .map_err(|(_, errs)| format!("locales/{}/{file}: {errs:?}", lang.tag()))?;
                bundle.add_resource(res).map_err(|errs| format!("locales/{}/{file}: {errs:?}", lang.tag()))?;
            }
            bundles.insert(lang, bundle);
        }
        Ok(Catalog { bundles, pseudo_enabled })
    }

    /// The message ids of a language, for the completeness checks.
    pub fn ids(lang: Lang) -> Vec<String> {
        let mut ids = vec![];
        for src in sources(lang) {
            if let Ok(res) = FluentResource::try_new(src.to_string()) {
                for entry in res.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        ids.push(m.id.name.to_string());
                    }
                }
            }
        }
        ids
    }

    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &self.bundles[&lang];
        let text = match bundle.get_message(id).and_then(|m| m.value()) {
            Some(pattern) => {
                let mut errors = vec![];
                let s = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(lang = lang.tag(), id, ?errors, "a translation could not be formatted in full");
                }
                s.into_owned()
            }
            None => {
                tracing::warn!(lang = lang.tag(), id, "a message is missing from the resources");
                // Shown as its id, never bracketed, so the resource check catches it.
                return id.to_string();
            }
        };
        if lang == Lang::Pseudo {
            format!("⟦{text}⟧")
        } else {
            text
        }
    }
}

/// The translator for one request: the catalog and the reader's language.
#[derive(Clone)]
pub struct Tr {
    catalog: Arc<Catalog>,
    pub lang: Lang,
}

impl std::fmt::Debug for Tr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.lang.tag())
    }
}

/// A value given to a message.
pub enum Arg<'a> {
    Text(&'a str),
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(s)
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(s)
    }
}
impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}
impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Number(n as i64)
    }
}
impl From<f64> for Arg<'_> {
    fn from(n: f64) -> Self {
        Arg::Number(n.round() as i64)
    }
}
impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Number(n as i64)
    }
}

impl Tr {
    pub fn new(catalog: Arc<Catalog>, lang: Lang) -> Tr {
        Tr { catalog, lang }
    }

    /// The reader's language tag ("en", "es", "lo", "en-XA").
    pub fn lang_tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// Whether the reader's language has this message.
    pub fn has(&self, id: &str) -> bool {
        self.catalog.bundles[&self.lang].has_message(id)
    }

    /// A message without arguments.
    pub fn t(&self, id: &str) -> String {
        self.catalog.format(self.lang, id, None)
    }

    /// A message with arguments. Numbers select plural forms and are written in the language's
    /// form.
    pub fn a(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Text(s) => fa.set(k.to_string(), FluentValue::from(s.to_string())),
                Arg::Number(n) => fa.set(k.to_string(), FluentValue::from(*n)),
            }
        }
        // Fluent's own number formatting has no grouping: numbers that may reach the thousands
        // are written by ICU and passed as text by callers that need it (see `num`).
        self.catalog.format(self.lang, id, Some(&fa))
    }

    /// One argument: the common case, and easy to call from a template.
    pub fn t1<'a>(&self, id: &str, key: &str, value: impl Into<Arg<'a>>) -> String {
        self.a(id, &[(key, value.into())])
    }

    pub fn t2<'a, 'b>(&self, id: &str, k1: &str, v1: impl Into<Arg<'a>>, k2: &str, v2: impl Into<Arg<'b>>) -> String {
        self.a(id, &[(k1, v1.into()), (k2, v2.into())])
    }

    /// A message named by a prefix and a code ("status-" + "plan_agreed"): code lists.
    pub fn code(&self, prefix: &str, code: &str) -> String {
        self.t(&format!("{prefix}{}", code.replace('_', "-")))
    }

    fn mark(&self, s: String) -> String {
        if self.lang == Lang::Pseudo {
            format!("⟦{s}⟧")
        } else {
            s
        }
    }

    /// A whole number in the language's form ("1,234", "1.234").
    pub fn num(&self, n: i64) -> String {
        self.mark(self.decimal(n, 0))
    }

    /// A number with `digits` decimals in the language's form ("19.25", "19,25").
    pub fn fixed(&self, v: f64, digits: i16) -> String {
        let scaled = (v * 10f64.powi(digits as i32)).round() as i64;
        self.mark(self.decimal(scaled, -digits))
    }

    /// `n` × 10^`pow10` in the language's form, unmarked (for use inside a message).
    fn decimal(&self, n: i64, pow10: i16) -> String {
        let mut d = Decimal::from(n);
        d.multiply_pow10(pow10);
        match DecimalFormatter::try_new(self.lang.cldr().into(), Default::default()) {
            Ok(f) => f.format(&d).to_string(),
            Err(_) => d.to_string(),
        }
    }

    /// A date ("2026-11-21", or the date of a timestamp) in the language's medium form:
    /// "21 Nov 2026", "21 nov 2026", "21 ພ.ຈ. 2026".
    pub fn date(&self, s: &str) -> String {
        let Some(d) = parse_day(s) else { return s.to_string() };
        let Ok(date) = Date::try_new_gregorian(d.year(), d.month() as u8, d.day() as u8) else { return s.to_string() };
        let out = match FixedCalendarDateTimeFormatter::try_new(self.lang.cldr().into(), fieldsets::YMD::medium()) {
            Ok(f) => f.format(&date).to_string(),
            Err(_) => d.format("%Y-%m-%d").to_string(),
        };
        self.mark(out)
    }

    /// A timestamp's date and time to the minute, in UTC (the time zone is said on the page).
    pub fn datetime(&self, s: &str) -> String {
        let Some(t) = s.parse::<DateTime<Utc>>().ok() else { return self.date(s) };
        let (Ok(date), Ok(time)) = (
            Date::try_new_gregorian(t.year(), t.month() as u8, t.day() as u8),
            Time::try_new(t.hour() as u8, t.minute() as u8, 0, 0),
        ) else {
            return s.to_string();
        };
        let fs = fieldsets::YMDT::medium().with_time_precision(TimePrecision::Minute);
        let out = match FixedCalendarDateTimeFormatter::try_new(self.lang.cldr().into(), fs) {
            Ok(f) => f.format(&icu_datetime::input::DateTime { date, time }).to_string(),
            Err(_) => t.format("%Y-%m-%d %H:%M").to_string(),
        };
        self.mark(out)
    }

    /// A time of day to the minute ("14:30", or "2:30 PM" where the language writes it so).
    pub fn time(&self, t: chrono::NaiveTime) -> String {
        let out = match (Time::try_new(t.hour() as u8, t.minute() as u8, 0, 0), icu_datetime::NoCalendarFormatter::try_new(self.lang.cldr().into(), fieldsets::T::medium().with_time_precision(TimePrecision::Minute))) {
            (Ok(time), Ok(f)) => f.format(&time).to_string(),
            _ => t.format("%H:%M").to_string(),
        };
        self.mark(out)
    }

    /// A day of the week's name.
    pub fn weekday(&self, d: chrono::Weekday) -> String {
        let key = ["day-monday", "day-tuesday", "day-wednesday", "day-thursday", "day-friday", "day-saturday", "day-sunday"][d.num_days_from_monday() as usize];
        self.t(key)
    }

    /// Opening hours, a line per run of days: "Monday to Friday: 09:00 to 17:00".
    pub fn hours(&self, runs: &[linkwork_domain::schedule::DayRun]) -> Vec<String> {
        runs.iter()
            .map(|r| {
                let (first, last) = (self.weekday(r.first), self.weekday(r.last));
                let days = match r.days {
                    1 => first,
                    2 => self.t2("days-pair", "first", first.as_str(), "last", last.as_str()),
                    _ => self.t2("days-range", "first", first.as_str(), "last", last.as_str()),
                };
                let hours: Vec<String> = r.hours.iter().map(|(o, c)| self.t2("time-range", "opens", self.time(*o).as_str(), "closes", self.time(*c).as_str())).collect();
                self.t2("hours-line", "days", days.as_str(), "hours", hours.join(", ").as_str())
            })
            .collect()
    }

    /// A distance in metres, in the language's numbers: "450 m", "1.2 km", "1,2 km".
    pub fn distance(&self, m: f64) -> String {
        if m < 1000.0 {
            self.t1("distance-m", "n", (((m / 10.0).round() * 10.0) as i64).to_string().as_str())
        } else if m < 10_000.0 {
            self.t1("distance-km", "n", self.decimal((m / 100.0).round() as i64, -1).as_str())
        } else {
            self.t1("distance-km", "n", self.decimal((m / 1000.0).round() as i64, 0).as_str())
        }
    }

    /// The field error in the reader's language when the resources have it, else the API's English.
    pub fn field_error(&self, e: &linkwork_domain::pathway::FieldError) -> String {
        match e.key {
            Some(key) => {
                let args: Vec<(&str, Arg<'_>)> = e.args.iter().map(|(k, v)| (*k, Arg::Text(v.as_str()))).collect();
                self.a(key, &args)
            }
            None => e.message.clone(),
        }
    }
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// The reader's language: `?lang=` on this request, else their remembered choice, else the
/// browser's preference, else English.
pub fn negotiate(parts: &Parts, pseudo_enabled: bool) -> Lang {
    let ok = |l: Lang| l != Lang::Pseudo || pseudo_enabled;
    let from_query = parts.uri.query().and_then(|q| {
        q.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == "lang").and_then(|(_, v)| Lang::from_tag(v))
    });
    if let Some(l) = from_query.filter(|l| ok(*l)) {
        return l;
    }
    if let Some(l) = crate::auth::cookie_value(&parts.headers, LANG_COOKIE).and_then(|v| Lang::from_tag(&v)).filter(|l| ok(*l)) {
        return l;
    }
    let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut prefs: Vec<(f32, Lang)> = accept
        .split(',')
        .filter_map(|part| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            let q = it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            Lang::from_tag(tag).filter(|l| *l != Lang::Pseudo).map(|l| (q, l))
        })
        .collect();
    prefs.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    prefs.first().map(|p| p.1).unwrap_or(Lang::En)
}

/// Parses a language tag a reader chose (the switcher's form): only offered languages, and the
/// pseudo-language when it is switched on.
pub fn chosen(tag: &str, pseudo_enabled: bool) -> Option<Lang> {
    Lang::from_tag(tag).filter(|l| *l != Lang::Pseudo || pseudo_enabled)
}

impl FromRequestParts<AppState> for Tr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = negotiate(parts, state.i18n.pseudo_enabled);
        Ok(Tr::new(state.i18n.clone(), lang))
    }
}

impl Catalog {
    pub fn pseudo_enabled(&self) -> bool {
        self.pseudo_enabled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(lang: Lang) -> Tr {
        Tr::new(Arc::new(Catalog::load(true).unwrap()), lang)
    }

    #[test]
    fn every_language_has_exactly_the_english_messages() {
        let en: std::collections::BTreeSet<String> = Catalog::ids(Lang::En).into_iter().collect();
        assert!(en.len() > 100, "the English resources hold {} messages", en.len());
        for lang in [Lang::Es, Lang::Lo] {
            let other: std::collections::BTreeSet<String> = Catalog::ids(lang).into_iter().collect();
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
            assert!(extra.is_empty(), "{} has messages English does not: {extra:?}", lang.tag());
        }
    }

    /// Every message a template or the code names by a literal id, and every code of the code
    /// lists pages show, is in the English resources (and so, by the test above, in all).
    #[test]
    fn every_message_the_pages_use_is_in_the_resources() {
        use linkwork_domain::pathway::episode::{ClosureReason, EpisodeStatus};
        use linkwork_domain::pathway::task::{next_for, Side, TaskStatus};
        let en: std::collections::BTreeSet<String> = Catalog::ids(Lang::En).into_iter().collect();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let literal = regex_lite_ids();
        let mut used = std::collections::BTreeSet::new();
        let mut files = vec![];
        for sub in ["templates", "src", "src/ui", "../domain/src/pathway"] {
            for f in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
                if f.path().extension().is_some_and(|e| e == "html" || e == "rs") {
                    files.push(f.path());
                }
            }
        }
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            for id in literal(&text) {
                used.insert(id);
            }
        }
        assert!(used.len() > 250, "found only {} message ids in use; the scan is broken", used.len());
        let mut needed: Vec<String> = used.into_iter().collect();
        needed.extend(linkwork_domain::pathway::needs::NEEDS.iter().map(|n| format!("need-{}", n.code.replace('_', "-"))));
        needed.extend(EpisodeStatus::ALL.iter().flat_map(|s| [format!("status-{}", s.as_str().replace('_', "-")), format!("event-{}", s.as_str().replace('_', "-"))]));
        needed.extend(EpisodeStatus::ALL.iter().filter(|s| **s != EpisodeStatus::Received).map(|s| format!("done-status-{}", s.as_str().replace('_', "-"))));
        needed.extend(ClosureReason::ALL.iter().map(|c| format!("closure-{}", c.as_str().replace('_', "-"))));
        for t in TaskStatus::ALL {
            needed.push(format!("task-{}", t.as_str()));
            for n in next_for(Side::Performer, t) {
                needed.push(format!("provider-action-{}", n.as_str()));
                needed.push(format!("done-task-{}", n.as_str()));
            }
        }
        needed.extend(linkwork_domain::pathway::Role::ALL.iter().map(|r| format!("role-{}", r.as_str().replace('_', "-"))));
        for slug in ["invalid-request", "invalid-input", "unauthorized", "forbidden", "not-found", "conflict", "edit-conflict", "version-required", "too-many-attempts", "too-large", "unsupported-media-type", "internal", "unavailable"] {
            needed.push(format!("problem-{slug}"));
            needed.push(format!("problem-{slug}-detail"));
        }
        for l in Lang::OFFERED {
            needed.push(format!("language-own-name-{}", l.tag()));
        }
        needed.extend(["purpose-screening", "purpose-outcome"].map(String::from));
        needed.extend(audited_codes(&dir.join("../store/src")));
        for part in linkwork_domain::pathway::assessment::DayPart::ALL {
            needed.push(format!("day-part-{}", part.as_str()));
            needed.push(format!("free-time-{}", part.as_str()));
        }
        let missing: Vec<&String> = needed.iter().filter(|id| !en.contains(*id)).collect();
        assert!(missing.is_empty(), "messages used by the pages but missing from locales/en/main.ftl: {missing:?}");
    }

    /// The audit log's action and entity codes the store writes (`audit(c, a, "update",
    /// "instrument", …)`), as the messages the audit page shows them by.
    fn audited_codes(dir: &std::path::Path) -> Vec<String> {
        let mut out = vec![];
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for f in std::fs::read_dir(&d).unwrap().flatten() {
                let p = f.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for call in text.split("audit(c, a, \"").skip(1) {
                        let mut quoted = call.split('"');
                        let (Some(action), Some(_), Some(entity)) = (quoted.next(), quoted.next(), quoted.next()) else { continue };
                        out.push(format!("audit-action-{}", action.replace('_', "-")));
                        out.push(format!("audit-entity-{}", entity.replace('_', "-")));
                    }
                }
            }
        }
        assert!(out.len() > 40, "found only {} audited codes; the scan is broken", out.len() / 2);
        out
    }

    /// Finds literal message ids: `t("id")`, `t1("id"`, `t2("id"`, `a("id"` and domain
    /// `keyed(field, "err-…"`.
    fn regex_lite_ids() -> impl Fn(&str) -> Vec<String> {
        |text: &str| {
            let mut out = vec![];
            for pat in [".t(\"", ".t1(\"", ".t2(\"", ".a(\""] {
                let mut rest = text;
                while let Some(i) = rest.find(pat) {
                    let after = &rest[i + pat.len()..];
                    let id: String = after.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
                    let closed = after[id.len()..].starts_with('"');
                    // Prefixes ("need-") are completed by code lists checked separately.
                    if closed && !id.is_empty() && !id.ends_with('-') {
                        out.push(id.clone());
                    }
                    rest = &after[id.len()..];
                }
            }
            let mut rest = text;
            while let Some(i) = rest.find("\"err-") {
                let after = &rest[i + 1..];
                let id: String = after.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
                if after[id.len()..].starts_with('"') && !id.ends_with('-') {
                    out.push(id.clone());
                }
                rest = &after[id.len()..];
            }
            out
        }
    }

    #[test]
    fn dates_and_numbers_are_written_in_each_languages_form() {
        assert_eq!(tr(Lang::En).date("2026-11-21"), "21 Nov 2026");
        assert_eq!(tr(Lang::Es).date("2026-11-21T10:00:00Z"), "21 nov 2026");
        let lo = tr(Lang::Lo).date("2026-11-21");
        assert!(lo.contains("2026") && !lo.contains("Nov"), "{lo}");
        assert_eq!(tr(Lang::En).num(12345), "12,345");
        assert_eq!(tr(Lang::Es).num(12345), "12.345");
        assert_eq!(tr(Lang::Pseudo).num(7), "⟦7⟧");
        assert_eq!(tr(Lang::En).datetime("2026-11-21T09:05:00.000000Z"), "21 Nov 2026, 09:05");
    }

    #[test]
    fn plurals_follow_the_language() {
        let en = tr(Lang::En);
        assert_eq!(en.t1("services-found", "count", 1i64), "1 service found");
        assert_eq!(en.t1("services-found", "count", 3i64), "3 services found");
        assert_eq!(tr(Lang::Pseudo).t1("services-found", "count", 1i64), "⟦1 service found⟧");
    }

    #[test]
    fn the_readers_choice_beats_the_browsers_preference() {
        let req = |cookie: Option<&str>, accept: &str, uri: &str| {
            let mut b = axum::http::Request::builder().uri(uri).header(header::ACCEPT_LANGUAGE, accept);
            if let Some(c) = cookie {
                b = b.header(header::COOKIE, format!("{LANG_COOKIE}={c}"));
            }
            b.body(()).unwrap().into_parts().0
        };
        assert_eq!(negotiate(&req(None, "lo-LA,lo;q=0.9,en;q=0.5", "/"), false), Lang::Lo);
        assert_eq!(negotiate(&req(None, "fr, es;q=0.8, en;q=0.9", "/"), false), Lang::En);
        assert_eq!(negotiate(&req(Some("es"), "lo", "/"), false), Lang::Es);
        assert_eq!(negotiate(&req(Some("es"), "lo", "/x?lang=lo"), false), Lang::Lo);
        assert_eq!(negotiate(&req(None, "", "/x?lang=en-XA"), false), Lang::En, "the pseudo-language is off unless configured");
        assert_eq!(negotiate(&req(None, "", "/x?lang=en-XA"), true), Lang::Pseudo);
    }
}
