//! Opening times: turning HSDS schedules (RFC 5545 recurrence fields) into weekly hours that can
//! be searched ("open on Tuesday at 10:00") and read aloud ("Monday to Friday, 9am to 5pm").

use chrono::{NaiveDate, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::hsds::value::parse_clock;

/// One schedule as HSDS holds it; only the fields that decide weekly hours.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ScheduleDoc {
    #[serde(default)]
    pub freq: Option<String>,
    #[serde(default)]
    pub byday: Option<String>,
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_to: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub attending_type: Option<String>,
}

/// Opening on one weekday; `closes` is after `opens` (overnight hours are split at midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opening {
    pub day: Weekday,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// A week of opening hours.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WeeklyHours {
    openings: Vec<Opening>,
}

pub const ALL_DAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// Parses a two-letter RFC 5545 day (`MO`), with an optional ordinal (`1MO`, `-1FR`) ignored.
pub fn parse_rrule_day(s: &str) -> Option<Weekday> {
    let code = s.trim().trim_start_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
    Some(match code.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

pub fn rrule_day(d: Weekday) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][d.num_days_from_monday() as usize]
}

/// Parses a day as people write it: `Monday`, `mon`, `MO`.
pub fn parse_day_name(s: &str) -> Option<Weekday> {
    let s = s.trim();
    parse_rrule_day(s).or_else(|| s.parse::<Weekday>().ok())
}

impl WeeklyHours {
    /// Weekly hours from schedules valid on `today` (schedules with no dates are always valid).
    /// Monthly and other non-weekly rules are left to their descriptions.
    pub fn from_schedules<'a>(schedules: impl IntoIterator<Item = &'a ScheduleDoc>, today: NaiveDate) -> Self {
        let mut openings = Vec::new();
        for s in schedules {
            let weekly = s.freq.as_deref().map(|f| f.eq_ignore_ascii_case("WEEKLY")).unwrap_or(true);
            if !weekly || !valid_on(s, today) {
                continue;
            }
            let (Some(opens), Some(closes)) =
                (s.opens_at.as_deref().and_then(parse_clock), s.closes_at.as_deref().and_then(parse_clock))
            else {
                continue;
            };
            let days: Vec<Weekday> = s.byday.as_deref().unwrap_or("").split(',').filter_map(parse_rrule_day).collect();
            for day in days {
                if closes > opens {
                    openings.push(Opening { day, opens, closes });
                } else {
                    // Open past midnight: until midnight, then on the next day from midnight.
                    let end = NaiveTime::from_hms_opt(23, 59, 59).expect("valid");
                    openings.push(Opening { day, opens, closes: end });
                    if closes > NaiveTime::MIN {
                        openings.push(Opening { day: day.succ(), opens: NaiveTime::MIN, closes });
                    }
                }
            }
        }
        openings.sort_by_key(|o| (o.day.num_days_from_monday(), o.opens));
        openings.dedup();
        WeeklyHours { openings }
    }

    pub fn openings(&self) -> &[Opening] {
        &self.openings
    }

    pub fn is_empty(&self) -> bool {
        self.openings.is_empty()
    }

    pub fn is_open_at(&self, day: Weekday, time: NaiveTime) -> bool {
        self.openings.iter().any(|o| o.day == day && o.opens <= time && time < o.closes)
    }

    /// The half-hour slots of the week (0 = Monday 00:00–00:30, 335 = Sunday 23:30–24:00) in which
    /// the service is open at the start of the slot; what the search index stores.
    pub fn half_hour_slots(&self) -> Vec<u16> {
        let mut slots = Vec::new();
        for o in &self.openings {
            let base = o.day.num_days_from_monday() as u16 * 48;
            let first = (o.opens.hour() * 2 + o.opens.minute().div_ceil(30)) as u16;
            let last = (o.closes.hour() * 2 + o.closes.minute() / 30) as u16;
            for s in first..last.min(48) {
                slots.push(base + s);
            }
        }
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    /// The slot that a day and time fall in.
    pub fn slot_of(day: Weekday, time: NaiveTime) -> u16 {
        day.num_days_from_monday() as u16 * 48 + (time.hour() * 2 + time.minute() / 30) as u16
    }

    /// The week's hours as runs of consecutive days with the same hours, Monday first: the
    /// first and last day of each run, and the hours (opens, closes) in order.
    pub fn grouped(&self) -> Vec<DayRun> {
        let mut per_day: Vec<(Weekday, Vec<(NaiveTime, NaiveTime)>)> = Vec::new();
        for day in ALL_DAYS {
            let hours: Vec<(NaiveTime, NaiveTime)> = self.openings.iter().filter(|o| o.day == day).map(|o| (o.opens, o.closes)).collect();
            if !hours.is_empty() {
                per_day.push((day, hours));
            }
        }
        let mut runs = Vec::new();
        let mut i = 0;
        while i < per_day.len() {
            let mut j = i;
            while j + 1 < per_day.len()
                && per_day[j + 1].1 == per_day[i].1
                && per_day[j + 1].0.num_days_from_monday() == per_day[j].0.num_days_from_monday() + 1
            {
                j += 1;
            }
            runs.push(DayRun { first: per_day[i].0, last: per_day[j].0, days: j - i + 1, hours: per_day[i].1.clone() });
            i = j + 1;
        }
        runs
    }

    /// The hours in English ("Monday to Friday: 9am to 5pm"), for the API and logs; pages word
    /// [`WeeklyHours::grouped`] in the reader's language.
    pub fn describe(&self) -> Vec<String> {
        self.grouped()
            .into_iter()
            .map(|r| {
                let days = match r.days {
                    1 => day_name(r.first).to_string(),
                    2 => format!("{} and {}", day_name(r.first), day_name(r.last)),
                    _ => format!("{} to {}", day_name(r.first), day_name(r.last)),
                };
                let hours: Vec<String> = r.hours.iter().map(|(o, c)| format!("{} to {}", clock_words(*o), clock_words(*c))).collect();
                format!("{days}: {}", hours.join(" and "))
            })
            .collect()
    }
}

/// Consecutive days open at the same hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayRun {
    pub first: Weekday,
    pub last: Weekday,
    /// How many days the run covers (1 for a single day).
    pub days: usize,
    pub hours: Vec<(NaiveTime, NaiveTime)>,
}

fn valid_on(s: &ScheduleDoc, today: NaiveDate) -> bool {
    let parse = |d: &Option<String>| d.as_deref().and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok());
    parse(&s.valid_from).map(|f| f <= today).unwrap_or(true) && parse(&s.valid_to).map(|t| t >= today).unwrap_or(true)
}

pub fn day_name(d: Weekday) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][d.num_days_from_monday() as usize]
}

/// "9am", "5:30pm", "midnight", "noon".
pub fn clock_words(t: NaiveTime) -> String {
    let (h, m) = (t.hour(), t.minute());
    if (h, m) == (23, 59) || (h, m) == (0, 0) {
        return "midnight".into();
    }
    if (h, m) == (12, 0) {
        return "noon".into();
    }
    let suffix = if h < 12 { "am" } else { "pm" };
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    if m == 0 {
        format!("{h12}{suffix}")
    } else {
        format!("{h12}:{m:02}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sched(byday: &str, opens: &str, closes: &str) -> ScheduleDoc {
        ScheduleDoc {
            freq: Some("WEEKLY".into()),
            byday: Some(byday.into()),
            opens_at: Some(opens.into()),
            closes_at: Some(closes.into()),
            ..Default::default()
        }
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn weekday_hours_read_in_plain_words() {
        let w = WeeklyHours::from_schedules(&[sched("MO,TU,WE,TH,FR", "09:00", "17:00"), sched("SA", "10:00", "12:30")], today());
        assert_eq!(w.describe(), vec!["Monday to Friday: 9am to 5pm", "Saturday: 10am to 12:30pm"]);
        assert!(w.is_open_at(Weekday::Tue, t(10, 0)));
        assert!(!w.is_open_at(Weekday::Tue, t(17, 0)));
        assert!(!w.is_open_at(Weekday::Sun, t(10, 0)));
    }

    #[test]
    fn slots_match_open_at() {
        let w = WeeklyHours::from_schedules(&[sched("TU", "9:30am", "11:00am")], today());
        let slots = w.half_hour_slots();
        assert!(slots.contains(&WeeklyHours::slot_of(Weekday::Tue, t(9, 30))));
        assert!(slots.contains(&WeeklyHours::slot_of(Weekday::Tue, t(10, 45))));
        assert!(!slots.contains(&WeeklyHours::slot_of(Weekday::Tue, t(11, 0))));
        assert!(!slots.contains(&WeeklyHours::slot_of(Weekday::Tue, t(9, 0))));
    }

    #[test]
    fn overnight_and_expired_schedules() {
        let w = WeeklyHours::from_schedules(&[sched("FR", "22:00", "02:00")], today());
        assert!(w.is_open_at(Weekday::Sat, t(1, 0)));
        let mut old = sched("MO", "09:00", "10:00");
        old.valid_to = Some("2020-01-01".into());
        assert!(WeeklyHours::from_schedules(&[old], today()).is_empty());
    }
}
