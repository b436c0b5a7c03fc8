//! The "what matters to you" assessment, goals with their reviews, and the social prescription.

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::{FieldError, Problems};
use crate::Id;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Barrier {
    Cost,
    DistanceTransport,
    ConfidenceCompany,
    MentalState,
    Language,
    Digital,
    PhysicalAccess,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Support {
    Transport,
    CostSupport,
    CoAttendFirstSession,
    Interpreter,
    DigitalHelp,
    AccessibleVenue,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BarrierEntry {
    pub barrier: Barrier,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The support agreed for it.
    #[serde(default)]
    pub support: Vec<Support>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// In the person's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what_matters: Option<String>,
    #[serde(default)]
    pub strengths: Vec<String>,
    #[serde(default)]
    pub interests: Vec<String>,
    #[serde(default)]
    pub barriers: Vec<BarrierEntry>,
    /// When the person is free, for matching to services' opening hours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub free_times: Vec<FreeTime>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Day {
    pub const ALL: [Day; 7] = [Day::Monday, Day::Tuesday, Day::Wednesday, Day::Thursday, Day::Friday, Day::Saturday, Day::Sunday];

    pub fn weekday(self) -> Weekday {
        match self {
            Day::Monday => Weekday::Mon,
            Day::Tuesday => Weekday::Tue,
            Day::Wednesday => Weekday::Wed,
            Day::Thursday => Weekday::Thu,
            Day::Friday => Weekday::Fri,
            Day::Saturday => Weekday::Sat,
            Day::Sunday => Weekday::Sun,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Day::Monday => "monday",
            Day::Tuesday => "tuesday",
            Day::Wednesday => "wednesday",
            Day::Thursday => "thursday",
            Day::Friday => "friday",
            Day::Saturday => "saturday",
            Day::Sunday => "sunday",
        }
    }
}

/// A part of the day, as people say when they are free ("Tuesday mornings").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    Morning,
    Afternoon,
    Evening,
}

impl DayPart {
    pub const ALL: [DayPart; 3] = [DayPart::Morning, DayPart::Afternoon, DayPart::Evening];

    pub fn as_str(self) -> &'static str {
        match self {
            DayPart::Morning => "morning",
            DayPart::Afternoon => "afternoon",
            DayPart::Evening => "evening",
        }
    }

    /// The hours it covers, from (inclusive) and to (exclusive): 09:00–12:00, 12:00–17:00 and
    /// 17:00–21:00, the times community groups meet.
    pub fn hours(self) -> (NaiveTime, NaiveTime) {
        let h = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
        match self {
            DayPart::Morning => (h(9), h(12)),
            DayPart::Afternoon => (h(12), h(17)),
            DayPart::Evening => (h(17), h(21)),
        }
    }
}

/// A time the person is free: a day and a part of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FreeTime {
    pub day: Day,
    pub part: DayPart,
}

impl FreeTime {
    /// The day and the hours (from, to) it covers.
    pub fn window(self) -> (Weekday, NaiveTime, NaiveTime) {
        let (from, to) = self.part.hours();
        (self.day.weekday(), from, to)
    }
}

fn short_list(p: &mut Problems, field: &str, items: Vec<String>) -> Vec<String> {
    if items.len() > 50 {
        p.keyed(field, "err-too-many", &[("max", "50")], "has more than 50 entries");
    }
    items.iter().enumerate().filter_map(|(i, s)| p.text(&format!("{field}.{i}"), Some(s), 200, false)).collect()
}

impl Assessment {
    pub fn parse(self) -> Result<Assessment, Vec<FieldError>> {
        let mut p = Problems::default();
        let what_matters = p.text("what_matters", self.what_matters.as_deref(), 5000, false);
        let strengths = short_list(&mut p, "strengths", self.strengths);
        let interests = short_list(&mut p, "interests", self.interests);
        let mut barriers: Vec<BarrierEntry> = Vec::new();
        for (i, b) in self.barriers.into_iter().enumerate() {
            if barriers.iter().any(|x| x.barrier == b.barrier) {
                p.keyed(format!("barriers.{i}.barrier"), "err-barrier-twice", &[], "is listed twice; give each barrier once with all its support");
                continue;
            }
            let note = p.text(&format!("barriers.{i}.note"), b.note.as_deref(), 2000, false);
            let mut support = b.support;
            support.dedup();
            barriers.push(BarrierEntry { barrier: b.barrier, note, support });
        }
        // Week order, each once: 21 at most, so there is nothing else to check.
        let mut free_times = self.free_times;
        free_times.sort_unstable();
        free_times.dedup();
        p.into_result(Assessment { what_matters, strengths, interests, barriers, free_times })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GoalProgress {
    NotStarted,
    SomeProgress,
    GoodProgress,
    Achieved,
    NoLongerRelevant,
}

impl GoalProgress {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalProgress::NotStarted => "not_started",
            GoalProgress::SomeProgress => "some_progress",
            GoalProgress::GoodProgress => "good_progress",
            GoalProgress::Achieved => "achieved",
            GoalProgress::NoLongerRelevant => "no_longer_relevant",
        }
    }
}

/// A goal written with the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    pub description: String,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<String>,
}

impl GoalInput {
    pub fn parse(self) -> Result<GoalInput, Vec<FieldError>> {
        let mut p = Problems::default();
        let description = p.text("description", Some(&self.description), 1000, true).unwrap_or_default();
        let target_date = match self.target_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d.format("%Y-%m-%d").to_string()),
                Err(_) => {
                    p.keyed("target_date", "err-not-a-date", &[("value", s)], format!("'{s}' is not a date; write it as YYYY-MM-DD"));
                    None
                }
            },
        };
        p.into_result(GoalInput { description, target_date })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GoalReviewInput {
    pub progress: GoalProgress,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl GoalReviewInput {
    pub fn parse(self) -> Result<GoalReviewInput, Vec<FieldError>> {
        let mut p = Problems::default();
        let note = p.text("note", self.note.as_deref(), 2000, false);
        p.into_result(GoalReviewInput { note, ..self })
    }
}

/// One item of the social prescription: a service from the directory, or an informal activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrescriptionItemInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<Id>,
    /// An informal community activity ("walk with neighbour on Sundays").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The goals this item serves.
    #[serde(default)]
    pub goal_ids: Vec<Id>,
}

impl PrescriptionItemInput {
    pub fn parse(self) -> Result<PrescriptionItemInput, Vec<FieldError>> {
        let mut p = Problems::default();
        let activity = p.text("activity", self.activity.as_deref(), 500, false);
        let note = p.text("note", self.note.as_deref(), 2000, false);
        if self.service_id.is_none() && activity.is_none() && p.0.is_empty() {
            p.keyed("service_id", "err-service-or-activity", &[], "give a service from the directory (service_id) or describe an informal activity (activity)");
        }
        p.into_result(PrescriptionItemInput { activity, note, ..self })
    }
}
