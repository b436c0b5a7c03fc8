//! The community cycle's records: meetings and workshops, needs named by the community,
//! vulnerable groups, resources mapped, actions of the plan, supervision visits and monitored
//! values. Each is kept for one place with its date and author. Nothing here names a person:
//! attendance and vulnerable groups are counts, never lists of people.
//!
//! A record's body is what its author may write; the parts others add — an action's progress
//! notes, its raising to the level above and the answer, a resource's publication to the
//! directory — are kept apart in [`Managed`] and can only change through their own operations.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::settings::CommunitySettings;
use crate::pathway::FieldError;

/// The kinds of record, in the order the cycle usually goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Meeting,
    Need,
    VulnerableGroup,
    Resource,
    Action,
    Supervision,
    Monitoring,
}

impl RecordKind {
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Meeting,
        RecordKind::Need,
        RecordKind::VulnerableGroup,
        RecordKind::Resource,
        RecordKind::Action,
        RecordKind::Supervision,
        RecordKind::Monitoring,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Meeting => "meeting",
            RecordKind::Need => "need",
            RecordKind::VulnerableGroup => "vulnerable_group",
            RecordKind::Resource => "resource",
            RecordKind::Action => "action",
            RecordKind::Supervision => "supervision",
            RecordKind::Monitoring => "monitoring",
        }
    }
    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How a gathering was held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingFormat {
    Meeting,
    Workshop,
    /// A dialogue with the district or another level above.
    Dialogue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

/// How many of one sex and age group took part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    pub sex: Sex,
    /// A code of `[community] age_groups`.
    pub age_group: String,
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub format: MeetingFormat,
    pub purpose: String,
    /// Counts by sex and age group; no names.
    #[serde(default)]
    pub attendance: Vec<Attendance>,
    /// Codes of `[community] partners` who took part.
    #[serde(default)]
    pub partners: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

/// A need in the community's own words, tagged with the needs code list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommunityNeed {
    pub words: String,
    /// Codes of the needs code list (`GET /api/v1/needs`).
    pub needs: Vec<String>,
    /// Votes it had, as given.
    #[serde(default)]
    pub votes: Option<u32>,
    /// The rank the community gave it (1 is the first priority), as given.
    #[serde(default)]
    pub rank: Option<u32>,
    /// The meeting it was named at.
    #[serde(default)]
    pub meeting: Option<String>,
}

/// A group the community identified, counted and described, never named person by person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VulnerableGroup {
    /// A code of `[community] vulnerable_groups`.
    pub group: String,
    pub count: u32,
    #[serde(default)]
    pub description: String,
}

/// Something the community already has: people with skills, groups, places, water points,
/// transport.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// A code of `[community] resource_kinds`.
    pub resource_kind: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// How to reach it (a group's organiser, a phone number); published only if the resource is.
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Planned,
    InProgress,
    /// Held up; the progress notes say why.
    Stuck,
    Done,
    Dropped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 5] = [ActionStatus::Planned, ActionStatus::InProgress, ActionStatus::Stuck, ActionStatus::Done, ActionStatus::Dropped];
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Stuck => "stuck",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }
    pub fn parse(s: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn is_open(self) -> bool {
        !matches!(self, ActionStatus::Done | ActionStatus::Dropped)
    }
}

/// One action of the community's plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanAction {
    pub title: String,
    /// What is needed to do it (money, materials, people, a decision).
    #[serde(default)]
    pub needed: String,
    /// A code of `[community] leads`.
    pub lead: String,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
    /// The community need it answers.
    #[serde(default)]
    pub need: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChecklistAnswer {
    Yes,
    Partly,
    No,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// A code of `[community] supervision_checklist`.
    pub item: String,
    pub answer: ChecklistAnswer,
    #[serde(default)]
    pub note: String,
}

/// A coordinator's supportive supervision visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Supervision {
    pub checklist: Vec<ChecklistItem>,
    #[serde(default)]
    pub notes: String,
}

/// A value of a monitored indicator for a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MonitoringValue {
    /// A code of `[community] indicators`.
    pub indicator: String,
    /// The month, YYYY-MM.
    pub period: String,
    pub value: u32,
    /// The total it is out of, for indicators that have one (households in the village).
    #[serde(default)]
    pub out_of: Option<u32>,
}

/// What a record's author writes: one of the kinds, tagged by `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordBody {
    Meeting(Meeting),
    Need(CommunityNeed),
    VulnerableGroup(VulnerableGroup),
    Resource(Resource),
    Action(PlanAction),
    Supervision(Supervision),
    Monitoring(MonitoringValue),
}

/// A progress note on an action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub on: NaiveDate,
    pub by: String,
    pub text: String,
    /// The status it set, if it changed.
    #[serde(default)]
    pub status: Option<ActionStatus>,
}

/// An action raised to the level above (a district dialogue), and the answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Raised {
    /// The place above it was raised to.
    pub to_place: String,
    pub on: NaiveDate,
    pub by: String,
    pub question: String,
    #[serde(default)]
    pub answer: Option<Answer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Answer {
    pub on: NaiveDate,
    pub by: String,
    pub text: String,
}

/// A resource published to the directory: where it went and who put it there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Published {
    pub organization_id: String,
    pub service_id: String,
    pub on: NaiveDate,
    pub by: String,
}

/// The parts of a record only their own operations change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Managed {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<Progress>,
    /// Each time it was raised, the latest last; it may be raised again once answered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raised: Vec<Raised>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
}

/// A record as given: the day it happened (a monitored value's is its month) and its body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    /// YYYY-MM-DD; may be left out for a monitored value (its month's first day).
    #[serde(default)]
    pub date: Option<String>,
    pub body: RecordBody,
}

/// A record that may be kept.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRecord {
    pub date: NaiveDate,
    pub body: RecordBody,
}

impl NewRecord {
    /// Checks a record given on `today`; body problems are named by their path in the body.
    pub fn parse(i: &RecordInput, s: &CommunitySettings, today: NaiveDate) -> Result<NewRecord, Vec<FieldError>> {
        let given = i.date.as_deref().map(str::trim).filter(|d| !d.is_empty());
        let date = match (given, i.body.period_date()) {
            (Some(d), _) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                vec![FieldError::keyed("date", "err-community-date", &[("value", d)], format!("{d:?} is not a date; write it as YYYY-MM-DD"))]
            })?,
            (None, Some(d)) => d,
            (None, None) if matches!(i.body, RecordBody::Monitoring(_)) => today,
            (None, None) => return Err(vec![FieldError::keyed("date", "err-community-date-missing", &[], "give the day it happened")]),
        };
        i.body.check(date, s, today).map_err(|p| {
            p.into_iter().map(|mut e| {
                if e.field != "date" {
                    e.field = format!("body.{}", e.field);
                }
                e
            }).collect::<Vec<_>>()
        })?;
        Ok(NewRecord { date, body: i.body.clone() })
    }
}

/// What a submission asked, as a SHA-256 of its operation and input: a submission id sent again
/// with the same fingerprint is a replay; with another, a mistake to refuse.
pub fn fingerprint(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Longest free text in a record.
pub const MAX_TEXT: usize = 4000;

struct Check<'a> {
    p: Vec<FieldError>,
    s: &'a CommunitySettings,
}

impl Check<'_> {
    fn bad(&mut self, field: impl Into<String>, key: &'static str, args: &[(&'static str, &str)], message: impl Into<String>) {
        self.p.push(FieldError::keyed(field, key, args, message));
    }
    fn text(&mut self, field: &str, v: &str, required: bool, max: usize) {
        let n = v.trim().chars().count();
        if required && n == 0 {
            self.bad(field, "err-community-required", &[], "this is needed; write it in the community's words");
        } else if n > max {
            let (n, m) = (n.to_string(), max.to_string());
            self.bad(field, "err-community-too-long", &[("count", &n), ("max", &m)], format!("{n} characters is too long; keep it to {m}"));
        }
    }
    fn code(&mut self, field: &str, v: &str, list: &str) {
        let terms = self.s.list(list);
        if !terms.iter().any(|t| t.code == v) {
            let known = terms.iter().map(|t| t.code.as_str()).collect::<Vec<_>>().join(", ");
            self.bad(field, "err-community-code", &[("value", v)], format!("{v:?} is not in the list; use one of {known}"));
        }
    }
    fn count(&mut self, field: &str, n: u32) {
        if n > 1_000_000 {
            self.bad(field, "err-community-count", &[], "a count is a whole number up to 1,000,000");
        }
    }
}

/// A month given as YYYY-MM: its first day.
pub fn parse_period(s: &str) -> Option<NaiveDate> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

impl RecordBody {
    pub fn kind(&self) -> RecordKind {
        match self {
            RecordBody::Meeting(_) => RecordKind::Meeting,
            RecordBody::Need(_) => RecordKind::Need,
            RecordBody::VulnerableGroup(_) => RecordKind::VulnerableGroup,
            RecordBody::Resource(_) => RecordKind::Resource,
            RecordBody::Action(_) => RecordKind::Action,
            RecordBody::Supervision(_) => RecordKind::Supervision,
            RecordBody::Monitoring(_) => RecordKind::Monitoring,
        }
    }

    /// The action's status, for finding open actions.
    pub fn action_status(&self) -> Option<ActionStatus> {
        match self {
            RecordBody::Action(a) => Some(a.status),
            _ => None,
        }
    }

    pub fn due_on(&self) -> Option<NaiveDate> {
        match self {
            RecordBody::Action(a) => Some(a.due_on),
            _ => None,
        }
    }

    /// Checks a record dated `date` against the code lists, on `today`. A monitored value's date
    /// is its month's first day.
    pub fn check(&self, date: NaiveDate, s: &CommunitySettings, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut c = Check { p: vec![], s };
        if date > today && !matches!(self, RecordBody::Monitoring(_)) {
            let d = date.to_string();
            c.bad("date", "err-community-future", &[("date", &d)], format!("{date} has not come yet; give the day it happened"));
        }
        match self {
            RecordBody::Meeting(m) => {
                c.text("purpose", &m.purpose, true, 500);
                c.text("notes", &m.notes, false, MAX_TEXT);
                let mut seen = std::collections::HashSet::new();
                for (i, a) in m.attendance.iter().enumerate() {
                    c.code(&format!("attendance.{i}.age_group"), &a.age_group, "age_groups");
                    c.count(&format!("attendance.{i}.count"), a.count);
                    if !seen.insert((a.sex, a.age_group.as_str())) {
                        c.bad(format!("attendance.{i}"), "err-community-twice", &[], "this sex and age group is counted twice; give one count for each");
                    }
                }
                for (i, p) in m.partners.iter().enumerate() {
                    c.code(&format!("partners.{i}"), p, "partners");
                }
            }
            RecordBody::Need(n) => {
                c.text("words", &n.words, true, 1000);
                if n.needs.is_empty() {
                    c.bad("needs", "err-community-need-missing", &[], "tag it with at least one need from the code list");
                }
                for (i, code) in n.needs.iter().enumerate() {
                    if crate::pathway::needs::need(code).is_none_or(|f| f.code != code) {
                        c.bad(format!("needs.{i}"), "err-community-code", &[("value", code)], format!("{code:?} is not in the needs code list"));
                    }
                }
                if n.rank == Some(0) {
                    c.bad("rank", "err-community-rank", &[], "ranks start at 1 (the first priority)");
                }
                if let Some(v) = n.votes {
                    c.count("votes", v);
                }
                if n.meeting.as_deref().is_some_and(|m| crate::Id::parse(m).is_err()) {
                    c.bad("meeting", "err-community-record", &[], "this is not a record's id");
                }
            }
            RecordBody::VulnerableGroup(g) => {
                c.code("group", &g.group, "vulnerable_groups");
                c.count("count", g.count);
                c.text("description", &g.description, false, 2000);
            }
            RecordBody::Resource(r) => {
                c.code("resource_kind", &r.resource_kind, "resource_kinds");
                c.text("name", &r.name, true, 200);
                c.text("description", &r.description, false, 2000);
                c.text("contact", &r.contact, false, 200);
                if r.latitude.is_some() != r.longitude.is_some() {
                    c.bad("latitude", "err-community-coordinates", &[], "give both coordinates or neither");
                }
                if r.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) || r.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
                    c.bad("latitude", "err-community-coordinates", &[], "a latitude is from -90 to 90 and a longitude from -180 to 180");
                }
            }
            RecordBody::Action(a) => {
                c.text("title", &a.title, true, 300);
                c.text("needed", &a.needed, false, 2000);
                c.code("lead", &a.lead, "leads");
                if a.due_on < date {
                    let d = date.to_string();
                    c.bad("due_on", "err-community-due", &[("date", &d)], format!("an action is due on or after the day it was agreed ({date})"));
                }
                if a.need.as_deref().is_some_and(|m| crate::Id::parse(m).is_err()) {
                    c.bad("need", "err-community-record", &[], "this is not a record's id");
                }
            }
            RecordBody::Supervision(v) => {
                c.text("notes", &v.notes, false, MAX_TEXT);
                if v.checklist.is_empty() {
                    c.bad("checklist", "err-community-checklist", &[], "answer the checklist");
                }
                let mut seen = std::collections::HashSet::new();
                for (i, item) in v.checklist.iter().enumerate() {
                    c.code(&format!("checklist.{i}.item"), &item.item, "supervision_checklist");
                    c.text(&format!("checklist.{i}.note"), &item.note, false, 1000);
                    if !seen.insert(item.item.as_str()) {
                        c.bad(format!("checklist.{i}"), "err-community-twice", &[], "this item is answered twice");
                    }
                }
            }
            RecordBody::Monitoring(m) => {
                c.code("indicator", &m.indicator, "indicators");
                match parse_period(&m.period) {
                    None => c.bad("period", "err-community-period", &[("value", &m.period)], format!("{:?} is not a month; write it as YYYY-MM", m.period)),
                    Some(first) if first > today => {
                        c.bad("period", "err-community-period-future", &[("value", &m.period)], format!("{} has not begun yet", m.period))
                    }
                    Some(_) => {}
                }
                c.count("value", m.value);
                match (s.indicator(&m.indicator).map(|i| i.out_of), m.out_of) {
                    (Some(true), None) => c.bad("out_of", "err-community-out-of", &[], "give the total this is out of"),
                    (Some(true), Some(t)) if t < m.value => c.bad("out_of", "err-community-out-of-small", &[], "the total cannot be less than the value"),
                    (Some(false), Some(_)) => c.bad("out_of", "err-community-out-of-none", &[], "this indicator is a count; leave the total empty"),
                    _ => {}
                }
            }
        }
        if c.p.is_empty() {
            Ok(())
        } else {
            Err(c.p)
        }
    }

    /// The date a monitored value stands for (its month's first day); other records carry theirs.
    pub fn period_date(&self) -> Option<NaiveDate> {
        match self {
            RecordBody::Monitoring(m) => parse_period(&m.period),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_body_reads_from_json_tagged_by_kind_and_refuses_unknown_fields() {
        let b: RecordBody = serde_json::from_str(
            r#"{"kind":"meeting","format":"workshop","purpose":"Water","attendance":[{"sex":"female","age_group":"60_plus","count":4}],"partners":["health_centre"]}"#,
        )
        .unwrap();
        assert_eq!(b.kind(), RecordKind::Meeting);
        let s = CommunitySettings::default();
        assert!(b.check(day("2026-11-02"), &s, day("2026-11-03")).is_ok());
        assert!(serde_json::from_str::<RecordBody>(r#"{"kind":"vulnerable_group","group":"pregnant","count":3,"names":["x"]}"#).is_err());
        let back: RecordBody = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
        assert_eq!(back, b);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let s = CommunitySettings::default();
        let today = day("2026-11-03");
        let m = RecordBody::Meeting(Meeting {
            format: MeetingFormat::Meeting,
            purpose: " ".into(),
            attendance: vec![
                Attendance { sex: Sex::Female, age_group: "60_plus".into(), count: 3 },
                Attendance { sex: Sex::Female, age_group: "60_plus".into(), count: 2 },
                Attendance { sex: Sex::Male, age_group: "elders".into(), count: 1 },
            ],
            partners: vec!["police".into()],
            notes: String::new(),
        });
        let fields: Vec<String> = m.check(day("2026-11-04"), &s, today).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["date", "purpose", "attendance.1", "attendance.2.age_group", "partners.0"]);

        let a = RecordBody::Action(PlanAction {
            title: "Repair the well".into(),
            needed: String::new(),
            lead: "district".into(),
            due_on: day("2026-10-01"),
            status: ActionStatus::Planned,
            need: None,
        });
        let p = a.check(day("2026-11-01"), &s, today).unwrap_err();
        assert_eq!(p[0].field, "due_on");

        let v = |value, out_of| RecordBody::Monitoring(MonitoringValue { indicator: "safe_water".into(), period: "2026-11".into(), value, out_of });
        assert!(v(30, Some(40)).check(day("2026-11-01"), &s, today).is_ok());
        assert_eq!(v(30, None).check(day("2026-11-01"), &s, today).unwrap_err()[0].field, "out_of");
        assert_eq!(v(50, Some(40)).check(day("2026-11-01"), &s, today).unwrap_err()[0].key, Some("err-community-out-of-small"));
        let n = RecordBody::Need(CommunityNeed { words: "ນ້ຳບໍ່ພໍ".into(), needs: vec!["well".into()], votes: Some(12), rank: None, meeting: None });
        assert_eq!(n.check(day("2026-11-01"), &s, today).unwrap_err()[0].field, "needs.0");
    }

    #[test]
    fn periods_are_months() {
        assert_eq!(parse_period("2026-02"), Some(day("2026-02-01")));
        assert_eq!(parse_period("2026-13"), None);
        assert_eq!(parse_period("26-01"), None);
    }
}
