//! The community cycle's forms as fields: what a submitted form says as a [`RecordInput`] (every
//! unreadable number named by its field), and a kept record back as fields for its edit form.
//! Field names are the body's own (`purpose`, `needs`, `due_on`), plus a grid of attendance
//! counts (`att-female-60_plus`) and a checklist answer and note per item (`check-ITEM`,
//! `note-ITEM`), so the API's problems ("body.purpose") land on the field they are about.

use linkwork_domain::coproduction::cycle::*;
use linkwork_domain::coproduction::{CommunitySettings, RecordBody, RecordInput, RecordKind};
use linkwork_domain::pathway::FieldError;

use crate::ui::FormData;

fn number(f: &FormData, name: &str, p: &mut Vec<FieldError>) -> Option<u32> {
    let v = f.get(name).replace([',', ' ', '.'], "");
    if v.is_empty() {
        return None;
    }
    match v.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            p.push(FieldError::keyed(name, "err-community-number", &[("value", &v)], format!("{v:?} is not a whole number")));
            None
        }
    }
}

fn coordinate(f: &FormData, name: &str, p: &mut Vec<FieldError>) -> Option<f64> {
    let v = f.get(name);
    if v.is_empty() {
        return None;
    }
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            p.push(FieldError::keyed(name, "err-community-coordinates", &[], "give both coordinates or neither"));
            None
        }
    }
}

fn day(f: &FormData, name: &str, p: &mut Vec<FieldError>) -> Option<chrono::NaiveDate> {
    let v = f.get(name);
    match chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) if v.is_empty() => {
            p.push(FieldError::keyed(name, "err-community-date-missing", &[], "give the day"));
            None
        }
        Err(_) => {
            p.push(FieldError::keyed(name, "err-community-date", &[("value", &v)], format!("{v:?} is not a date; write it as YYYY-MM-DD")));
            None
        }
    }
}

fn one_of<T: Copy>(f: &FormData, name: &str, options: &[(T, &str)], p: &mut Vec<FieldError>) -> Option<T> {
    let v = f.get(name);
    let hit = options.iter().find(|(_, code)| *code == v).map(|(t, _)| *t);
    if hit.is_none() {
        p.push(FieldError::keyed(name, "err-community-code", &[("value", &v)], format!("{v:?} is not one of the options")));
    }
    hit
}

pub const FORMATS: [(MeetingFormat, &str); 3] = [(MeetingFormat::Meeting, "meeting"), (MeetingFormat::Workshop, "workshop"), (MeetingFormat::Dialogue, "dialogue")];
pub const SEXES: [(Sex, &str); 2] = [(Sex::Female, "female"), (Sex::Male, "male")];
pub const ANSWERS: [(ChecklistAnswer, &str); 3] = [(ChecklistAnswer::Yes, "yes"), (ChecklistAnswer::Partly, "partly"), (ChecklistAnswer::No, "no")];

pub fn format_code(m: MeetingFormat) -> &'static str {
    FORMATS.iter().find(|(f, _)| *f == m).map(|(_, c)| *c).unwrap_or("meeting")
}
pub fn sex_code(s: Sex) -> &'static str {
    SEXES.iter().find(|(x, _)| *x == s).map(|(_, c)| *c).unwrap_or("female")
}
pub fn answer_code(a: ChecklistAnswer) -> &'static str {
    ANSWERS.iter().find(|(x, _)| *x == a).map(|(_, c)| *c).unwrap_or("yes")
}

/// A record of `kind` as the form gives it, or the fields that cannot even be read.
pub fn input_from_form(kind: RecordKind, f: &FormData, s: &CommunitySettings) -> Result<RecordInput, Vec<FieldError>> {
    let mut p = vec![];
    let opt_id = |name: &str| f.opt(name);
    let body = match kind {
        RecordKind::Meeting => {
            let mut attendance = vec![];
            for (sex, sc) in SEXES {
                for g in &s.age_groups {
                    let name = format!("att-{sc}-{}", g.code);
                    if let Some(count) = number(f, &name, &mut p).filter(|n| *n > 0) {
                        attendance.push(Attendance { sex, age_group: g.code.clone(), count });
                    }
                }
            }
            one_of(f, "format", &FORMATS, &mut p).map(|format| {
                RecordBody::Meeting(Meeting { format, purpose: f.get("purpose"), attendance, partners: f.all("partners"), notes: f.get("notes") })
            })
        }
        RecordKind::Need => Some(RecordBody::Need(CommunityNeed {
            words: f.get("words"),
            needs: f.all("needs"),
            votes: number(f, "votes", &mut p),
            rank: number(f, "rank", &mut p),
            meeting: opt_id("meeting"),
        })),
        RecordKind::VulnerableGroup => {
            let count = number(f, "count", &mut p);
            if count.is_none() && !p.iter().any(|e| e.field == "count") {
                p.push(FieldError::keyed("count", "err-community-count", &[], "give how many"));
            }
            count.map(|count| RecordBody::VulnerableGroup(VulnerableGroup { group: f.get("group"), count, description: f.get("description") }))
        }
        RecordKind::Resource => Some(RecordBody::Resource(Resource {
            resource_kind: f.get("resource_kind"),
            name: f.get("name"),
            description: f.get("description"),
            contact: f.get("contact"),
            latitude: coordinate(f, "latitude", &mut p),
            longitude: coordinate(f, "longitude", &mut p),
        })),
        RecordKind::Action => {
            let due_on = day(f, "due_on", &mut p);
            let status = ActionStatus::parse(&f.get("status")).or_else(|| {
                p.push(FieldError::keyed("status", "err-community-code", &[("value", &f.get("status"))], "choose the action's status"));
                None
            });
            match (due_on, status) {
                (Some(due_on), Some(status)) => Some(RecordBody::Action(PlanAction {
                    title: f.get("title"),
                    needed: f.get("needed"),
                    lead: f.get("lead"),
                    due_on,
                    status,
                    need: opt_id("need"),
                })),
                _ => None,
            }
        }
        RecordKind::Supervision => {
            let mut checklist = vec![];
            for item in &s.supervision_checklist {
                let name = format!("check-{}", item.code);
                if f.get(&name).is_empty() {
                    continue;
                }
                if let Some(answer) = one_of(f, &name, &ANSWERS, &mut p) {
                    checklist.push(ChecklistItem { item: item.code.clone(), answer, note: f.get(&format!("note-{}", item.code)) });
                }
            }
            Some(RecordBody::Supervision(Supervision { checklist, notes: f.get("notes") }))
        }
        RecordKind::Monitoring => {
            let value = number(f, "value", &mut p);
            if value.is_none() && !p.iter().any(|e| e.field == "value") {
                p.push(FieldError::keyed("value", "err-community-count", &[], "give the value"));
            }
            value.map(|value| {
                RecordBody::Monitoring(MonitoringValue { indicator: f.get("indicator"), period: f.get("period"), value, out_of: number(f, "out_of", &mut p) })
            })
        }
    };
    match body {
        Some(body) if p.is_empty() => Ok(RecordInput { date: f.opt("date"), body }),
        _ => Err(p),
    }
}

/// A kept record as its edit form's fields.
pub fn form_of(date: &str, body: &RecordBody) -> FormData {
    let mut v: Vec<(String, String)> = vec![("date".into(), date.to_string())];
    let mut put = |k: &str, val: String| v.push((k.to_string(), val));
    match body {
        RecordBody::Meeting(m) => {
            put("format", format_code(m.format).into());
            put("purpose", m.purpose.clone());
            for a in &m.attendance {
                put(&format!("att-{}-{}", sex_code(a.sex), a.age_group), a.count.to_string());
            }
            for x in &m.partners {
                put("partners", x.clone());
            }
            put("notes", m.notes.clone());
        }
        RecordBody::Need(n) => {
            put("words", n.words.clone());
            for x in &n.needs {
                put("needs", x.clone());
            }
            put("votes", n.votes.map(|x| x.to_string()).unwrap_or_default());
            put("rank", n.rank.map(|x| x.to_string()).unwrap_or_default());
            put("meeting", n.meeting.clone().unwrap_or_default());
        }
        RecordBody::VulnerableGroup(g) => {
            put("group", g.group.clone());
            put("count", g.count.to_string());
            put("description", g.description.clone());
        }
        RecordBody::Resource(r) => {
            put("resource_kind", r.resource_kind.clone());
            put("name", r.name.clone());
            put("description", r.description.clone());
            put("contact", r.contact.clone());
            put("latitude", r.latitude.map(|x| x.to_string()).unwrap_or_default());
            put("longitude", r.longitude.map(|x| x.to_string()).unwrap_or_default());
        }
        RecordBody::Action(a) => {
            put("title", a.title.clone());
            put("needed", a.needed.clone());
            put("lead", a.lead.clone());
            put("due_on", a.due_on.to_string());
            put("status", a.status.as_str().into());
            put("need", a.need.clone().unwrap_or_default());
        }
        RecordBody::Supervision(x) => {
            for i in &x.checklist {
                put(&format!("check-{}", i.item), answer_code(i.answer).into());
                put(&format!("note-{}", i.item), i.note.clone());
            }
            put("notes", x.notes.clone());
        }
        RecordBody::Monitoring(m) => {
            put("indicator", m.indicator.clone());
            put("period", m.period.clone());
            put("value", m.value.to_string());
            put("out_of", m.out_of.map(|x| x.to_string()).unwrap_or_default());
        }
    }
    FormData(v)
}

/// A problem's field as the form names it: the body's path without `body.`.
pub fn form_field(e: FieldError) -> FieldError {
    FieldError { field: e.field.strip_prefix("body.").map(str::to_string).unwrap_or(e.field), ..e }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_goes_to_its_form_and_back_unchanged() {
        let s = CommunitySettings::default();
        let body = RecordBody::Meeting(Meeting {
            format: MeetingFormat::Workshop,
            purpose: "Water".into(),
            attendance: vec![Attendance { sex: Sex::Female, age_group: "60_plus".into(), count: 4 }, Attendance { sex: Sex::Male, age_group: "under_15".into(), count: 2 }],
            partners: vec!["health_centre".into()],
            notes: "n".into(),
        });
        let f = form_of("2026-11-02", &body);
        let back = input_from_form(RecordKind::Meeting, &f, &s).unwrap();
        // The grid is read in its own order: male under 15 after female 60+ only if listed so.
        let RecordBody::Meeting(m) = &back.body else { panic!() };
        assert_eq!(m.attendance.len(), 2);
        assert_eq!(back.date.as_deref(), Some("2026-11-02"));
        let bad = FormData(vec![("value".into(), "many".into()), ("indicator".into(), "safe_water".into())]);
        let p = input_from_form(RecordKind::Monitoring, &bad, &s).unwrap_err();
        assert_eq!(p[0].field, "value");
    }
}
