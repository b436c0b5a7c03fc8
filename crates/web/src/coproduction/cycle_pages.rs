//! The community cycle's pages under `/places/{code}`: a place's page (its cycle as a timeline,
//! open actions, what was raised to it, monitored indicators as small charts), a form for each
//! step, a record's page (edit on the version it was opened at; an action's progress, raising to
//! the level above and the answer), and the printable action plan the village keeps on paper.
//! Every form carries a submission id, so a form sent twice (a double tap, or the outbox resending
//! after the connection dropped) is kept once; an edit on an old version shows what is there now
//! beside what was sent, for the facilitator to resolve.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use linkwork_domain::coproduction::cycle::{ActionStatus, Managed};
use linkwork_domain::coproduction::{NewRecord, RecordBody, RecordKind, Term};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::needs::NEEDS;
use linkwork_store::pathway::{CommunityRecord, ManagedChange, PathwayError, PlaceRecord, RecordFilter};

use super::form::{self, form_field, input_from_form};
use crate::api_v1::today;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::ui::{done, field_errors, render, render_status, Choice, Chrome, Errors, Fail, FormData, Page, PageResult, Posted};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/places/{code}", get(place_page))
        .route("/places/{code}/plan", get(plan_page))
        .route("/places/{code}/new/{kind}", get(new_form).post(create))
        .route("/places/{code}/records/{id}", get(record_page).post(edit))
        .route("/places/{code}/records/{id}/progress", post(progress))
        .route("/places/{code}/records/{id}/raise", post(raise))
        .route("/places/{code}/records/{id}/answer", post(answer))
        .route("/places/{code}/records/{id}/publish", post(publish))
}

/// The place a reader sees, with the places they see (for links up and down), or "not found".
async fn seen_place(state: &AppState, page: &Page, code: &str) -> Result<(PlaceRecord, Vec<PlaceRecord>, Option<String>), Fail> {
    let who = super::places::scope(page.member()?)?;
    let all = state.store().list_places(who.as_deref()).await?;
    let place = all.iter().find(|p| p.code == code).cloned().ok_or_else(|| Fail::Api(ApiError::not_found(format!("place {code}"))))?;
    Ok((place, all, who))
}

/// A code list's term in the reader's language (as configured, else English).
pub fn term_name(list: &[Term], code: &str, lang: &str) -> String {
    list.iter().find(|t| t.code == code).map(|t| t.name_in(lang).to_string()).unwrap_or_else(|| code.to_string())
}

fn term_choices(list: &[Term], lang: &str, selected: &str, blank: Option<String>) -> Vec<Choice> {
    let mut out: Vec<Choice> = blank.map(|label| Choice { value: String::new(), label, selected: selected.is_empty() }).into_iter().collect();
    out.extend(list.iter().map(|t| Choice { value: t.code.clone(), label: t.name_in(lang).to_string(), selected: t.code == selected }));
    out
}

/// One line of a record, in the reader's language.
pub fn summary(t: &Tr, state: &AppState, r: &CommunityRecord) -> String {
    let s = &state.config.community;
    let lang = t.lang_tag();
    match &r.body {
        RecordBody::Meeting(m) => {
            let people: u32 = m.attendance.iter().map(|a| a.count).sum();
            t.a(
                "community-summary-meeting",
                &[("format", t.code("community-format-", form::format_code(m.format)).as_str().into()), ("purpose", m.purpose.as_str().into()), ("people", t.num(people as i64).as_str().into())],
            )
        }
        RecordBody::Need(n) => {
            let needs: Vec<String> = n.needs.iter().map(|c| t.code("need-", c)).collect();
            let mut line = format!("“{}” · {}", n.words, needs.join(", "));
            if let Some(v) = n.votes {
                line = format!("{line} · {}", t.t1("community-votes", "count", v as i64));
            }
            if let Some(v) = n.rank {
                line = format!("{line} · {}", t.t1("community-rank", "rank", v as i64));
            }
            line
        }
        RecordBody::VulnerableGroup(g) => t.t2("community-summary-group", "group", term_name(&s.vulnerable_groups, &g.group, lang).as_str(), "count", t.num(g.count as i64).as_str()),
        RecordBody::Resource(x) => format!("{} · {}", term_name(&s.resource_kinds, &x.resource_kind, lang), x.name),
        RecordBody::Action(a) => t.a(
            "community-summary-action",
            &[
                ("title", a.title.as_str().into()),
                ("lead", term_name(&s.leads, &a.lead, lang).as_str().into()),
                ("due", t.date(&a.due_on.to_string()).as_str().into()),
                ("status", t.code("community-status-", a.status.as_str()).as_str().into()),
            ],
        ),
        RecordBody::Supervision(v) => {
            let yes = v.checklist.iter().filter(|i| form::answer_code(i.answer) == "yes").count();
            t.t2("community-summary-supervision", "yes", yes as i64, "items", v.checklist.len() as i64)
        }
        RecordBody::Monitoring(m) => {
            let name = s.indicator(&m.indicator).map(|i| i.term().name_in(lang).to_string()).unwrap_or_else(|| m.indicator.clone());
            match m.out_of {
                Some(of) => t.a("community-summary-value-of", &[("indicator", name.as_str().into()), ("value", t.num(m.value as i64).as_str().into()), ("of", t.num(of as i64).as_str().into())]),
                None => t.t2("community-summary-value", "indicator", name.as_str(), "value", t.num(m.value as i64).as_str()),
            }
        }
    }
}

pub struct Line {
    pub href: String,
    pub date: String,
    pub kind: String,
    pub text: String,
    pub by: String,
}

/// A record as a line of a list; `kind` is what the list says of it (its kind, or its place).
pub fn line(t: &Tr, state: &AppState, r: &CommunityRecord, kind: String) -> Line {
    Line {
        href: format!("/places/{}/records/{}", r.place_code, r.id),
        date: t.date(&r.date),
        kind,
        text: summary(t, state, r),
        by: r.author.clone(),
    }
}

/// An indicator's values over time, as a small bar chart (a table, bars drawn by CSS).
pub struct Chart {
    pub name: String,
    pub bars: Vec<Bar>,
}

pub struct Bar {
    pub period: String,
    pub value: String,
    /// Width in percent of the largest value (or of the total, for a share).
    pub width: u32,
}

fn charts(t: &Tr, state: &AppState, records: &[CommunityRecord]) -> Vec<Chart> {
    let s = &state.config.community;
    let mut out = vec![];
    for ind in &s.indicators {
        let mut values: Vec<(&str, u32, Option<u32>)> = records
            .iter()
            .filter_map(|r| match &r.body {
                RecordBody::Monitoring(m) if m.indicator == ind.code => Some((m.period.as_str(), m.value, m.out_of)),
                _ => None,
            })
            .collect();
        if values.is_empty() {
            continue;
        }
        values.sort_by_key(|v| v.0);
        // The latest value a month was given stands (a correction is a new value).
        values.dedup_by(|b, a| {
            if a.0 == b.0 {
                *a = *b;
                true
            } else {
                false
            }
        });
        let top = values.iter().map(|v| v.2.unwrap_or(v.1)).max().unwrap_or(1).max(1);
        let bars = values
            .iter()
            .rev()
            .take(12)
            .rev()
            .map(|(p, v, of)| Bar {
                period: p.to_string(),
                value: match of {
                    Some(of) => t.t2("community-value-of", "value", t.num(*v as i64).as_str(), "of", t.num(*of as i64).as_str()),
                    None => t.num(*v as i64),
                },
                width: (u64::from(*v) * 100 / u64::from(of.unwrap_or(top).max(1))) as u32,
            })
            .collect();
        out.push(Chart { name: ind.term().name_in(t.lang_tag()).to_string(), bars });
    }
    out
}

pub struct KindLink {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "place.html")]
struct PlacePage {
    c: Chrome,
    place: PlaceRecord,
    level: String,
    parent: Option<(String, String)>,
    children: Vec<(String, String)>,
    can_write: bool,
    can_refer: bool,
    new_links: Vec<KindLink>,
    open: Vec<Line>,
    raised: Vec<Line>,
    charts: Vec<Chart>,
    timeline: Vec<Line>,
}

async fn place_page(State(state): State<AppState>, Path(code): Path<String>, page: Page) -> PageResult {
    let (place, all, who) = seen_place(&state, &page, &code).await?;
    let c = page.member()?;
    let t = page.t().clone();
    let records = state.store().list_records(who.as_deref(), &RecordFilter { place_code: Some(code.clone()), ..RecordFilter::default() }).await?;
    let raised_here = state.store().list_records(who.as_deref(), &RecordFilter { place_code: Some(code.clone()), raised: true, ..RecordFilter::default() }).await?;
    let mut open: Vec<&CommunityRecord> = records.iter().filter(|r| r.body.action_status().is_some_and(ActionStatus::is_open)).collect();
    open.sort_by_key(|r| r.body.due_on());
    let can_write = c.can(Action::RecordCommunity);
    let can_refer = c.can(Action::CreateReferral);
    let new_links = RecordKind::ALL
        .into_iter()
        .filter(|k| can_write && (*k != RecordKind::Supervision || c.can(Action::SuperviseCommunity)))
        .map(|k| KindLink { href: format!("/places/{code}/new/{}", k.as_str()), label: t.code("community-new-", k.as_str()) })
        .collect();
    let parent = place.parent_code.as_ref().and_then(|p| all.iter().find(|q| &q.code == p)).map(|q| (q.code.clone(), q.name.clone()));
    let children = all.iter().filter(|q| q.parent_code.as_deref() == Some(code.as_str())).map(|q| (q.code.clone(), q.name.clone())).collect();
    let level = super::pages::level_name(&t, &state.config.places, &place.level, t.lang_tag());
    let of_kind = |r: &CommunityRecord| line(&t, &state, r, t.code("community-kind-", r.kind.as_str()));
    Ok(render(PlacePage {
        open: open.into_iter().map(|r| of_kind(r)).collect(),
        raised: raised_here.iter().map(|r| of_kind(r)).collect(),
        charts: charts(&t, &state, &records),
        timeline: records.iter().filter(|r| r.kind != RecordKind::Monitoring).map(|r| of_kind(r)).collect(),
        c: page.chrome,
        place,
        level,
        parent,
        children,
        can_write,
        can_refer,
        new_links,
    }))
}

/// What the form shows: its fields' values, the choices, and where it posts.
pub struct FormView {
    pub kind: String,
    pub action: String,
    pub submission: String,
    pub version: i64,
    pub f: FormData,
    pub formats: Vec<Choice>,
    pub partners: Vec<Choice>,
    pub attendance: Vec<(String, Vec<(String, String, String)>)>,
    pub needs: Vec<Choice>,
    pub meetings: Vec<Choice>,
    pub groups: Vec<Choice>,
    pub resource_kinds: Vec<Choice>,
    pub leads: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub need_records: Vec<Choice>,
    pub checklist: Vec<(String, String, Vec<Choice>, String)>,
    pub indicators: Vec<Choice>,
}

impl FormView {
    pub fn val(&self, name: &str) -> String {
        self.f.get(name)
    }
}

async fn form_view(state: &AppState, t: &Tr, who: Option<&str>, code: &str, kind: RecordKind, action: String, version: i64, f: FormData) -> Result<FormView, Fail> {
    let s = &state.config.community;
    let lang = t.lang_tag();
    let choose = Some(t.t("community-choose"));
    let picked = |name: &str| f.all(name);
    let linked = |k: RecordKind| RecordFilter { place_code: Some(code.to_string()), kind: Some(k), limit: Some(200), ..RecordFilter::default() };
    let (meetings, need_records) = match kind {
        RecordKind::Need => (state.store().list_records(who, &linked(RecordKind::Meeting)).await?, vec![]),
        RecordKind::Action => (vec![], state.store().list_records(who, &linked(RecordKind::Need)).await?),
        _ => (vec![], vec![]),
    };
    let record_choices = |rs: &[CommunityRecord], name: &str| -> Vec<Choice> {
        let chosen = f.get(name);
        let mut out = vec![Choice { value: String::new(), label: t.t("community-none"), selected: chosen.is_empty() }];
        out.extend(rs.iter().map(|r| Choice { value: r.id.clone(), label: format!("{} · {}", t.date(&r.date), summary(t, state, r)), selected: r.id == chosen }));
        out
    };
    let checks = |list: &[Term]| -> Vec<Choice> {
        let on = picked("partners");
        list.iter().map(|x| Choice { value: x.code.clone(), label: x.name_in(lang).to_string(), selected: on.contains(&x.code) }).collect()
    };
    let sexes = form::SEXES.iter().map(|(_, sc)| {
        let cells = s.age_groups.iter().map(|g| (format!("att-{sc}-{}", g.code), g.name_in(lang).to_string(), f.get(&format!("att-{sc}-{}", g.code)))).collect();
        (t.code("community-sex-", sc), cells)
    });
    Ok(FormView {
        kind: kind.as_str().to_string(),
        action,
        submission: linkwork_domain::Id::new().to_string(),
        version,
        formats: form::FORMATS.iter().map(|(_, c)| Choice { value: c.to_string(), label: t.code("community-format-", c), selected: f.get("format") == *c }).collect(),
        partners: checks(&s.partners),
        attendance: sexes.collect(),
        needs: NEEDS.iter().map(|n| Choice { value: n.code.into(), label: t.code("need-", n.code), selected: picked("needs").iter().any(|c| c == n.code) }).collect(),
        meetings: record_choices(&meetings, "meeting"),
        groups: term_choices(&s.vulnerable_groups, lang, &f.get("group"), choose.clone()),
        resource_kinds: term_choices(&s.resource_kinds, lang, &f.get("resource_kind"), choose.clone()),
        leads: term_choices(&s.leads, lang, &f.get("lead"), choose.clone()),
        statuses: ActionStatus::ALL
            .iter()
            .map(|a| Choice { value: a.as_str().into(), label: t.code("community-status-", a.as_str()), selected: f.get("status") == a.as_str() })
            .collect(),
        need_records: record_choices(&need_records, "need"),
        checklist: s
            .supervision_checklist
            .iter()
            .map(|i| {
                let name = format!("check-{}", i.code);
                let answer = f.get(&name);
                let opts = form::ANSWERS.iter().map(|(_, a)| Choice { value: a.to_string(), label: t.code("community-answer-", a), selected: answer == *a }).collect();
                (i.code.clone(), i.name_in(lang).to_string(), opts, f.get(&format!("note-{}", i.code)))
            })
            .collect(),
        indicators: {
            let list: Vec<Term> = s.indicators.iter().map(|i| i.term()).collect();
            term_choices(&list, lang, &f.get("indicator"), choose)
        },
        f,
    })
}

/// A record's page: its summary, what was added to it, and the forms that change it.
pub struct RecordView {
    pub id: String,
    pub summary: String,
    pub kind_name: String,
    pub author: String,
    pub date: String,
    pub progress: Vec<(String, String, String)>,
    pub raised: Vec<Raised>,
    pub can_raise: bool,
    pub can_answer: bool,
    pub is_action: bool,
    pub published: String,
    pub can_publish: bool,
}

pub struct Raised {
    pub to: String,
    pub on: String,
    pub by: String,
    pub question: String,
    pub answer: Option<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "community_record.html")]
struct RecordPage {
    c: Chrome,
    place: PlaceRecord,
    title: String,
    form: FormView,
    can_write: bool,
    record: Option<RecordView>,
    /// An edit refused because someone changed the record: what is there now.
    conflict: Option<String>,
    e: Errors,
}

fn kind_of(raw: &str) -> Result<RecordKind, Fail> {
    RecordKind::parse(raw).ok_or_else(|| Fail::Api(ApiError::not_found("kind of record")))
}

fn may_write(page: &Page, kind: RecordKind) -> Result<(linkwork_store::pathway::Actor, String), Fail> {
    let (c, a) = page.may(if kind == RecordKind::Supervision { Action::SuperviseCommunity } else { Action::RecordCommunity })?;
    Ok((a, c.user.id.clone()))
}

async fn new_form(State(state): State<AppState>, Path((code, kind)): Path<(String, String)>, page: Page) -> PageResult {
    let kind = kind_of(&kind)?;
    may_write(&page, kind)?;
    let (place, _, who) = seen_place(&state, &page, &code).await?;
    let t = page.t().clone();
    let mut f = FormData(vec![("date".into(), today().to_string())]);
    if kind == RecordKind::Monitoring {
        f = FormData(vec![("period".into(), today().format("%Y-%m").to_string())]);
    }
    if kind == RecordKind::Action {
        f.0.push(("status".into(), "planned".into()));
    }
    let form = form_view(&state, &t, who.as_deref(), &code, kind, format!("/places/{code}/new/{}", kind.as_str()), 0, f).await?;
    Ok(render(RecordPage { title: t.code("community-new-", kind.as_str()), c: page.chrome, place, form, can_write: true, record: None, conflict: None, e: Errors::default() }))
}

/// The submission id a form carries (made when the page was drawn, or by the outbox).
fn submission_of(f: &FormData) -> Option<String> {
    f.opt("submission").and_then(|s| super::records::submission_id(&s).ok())
}

fn refused(e: Vec<linkwork_domain::pathway::FieldError>) -> ApiError {
    ApiError::invalid(e.into_iter().map(form_field).collect())
}

async fn create(State(state): State<AppState>, Path((code, kind)): Path<(String, String)>, p: Posted) -> PageResult {
    let kind = kind_of(&kind)?;
    let (a, me) = may_write(&p.page, kind)?;
    let (place, _, who) = seen_place(&state, &p.page, &code).await?;
    let s = &state.config.community;
    let result = match input_from_form(kind, &p.form, s).and_then(|i| NewRecord::parse(&i, s, today())) {
        Ok(rec) => state.store().create_record(&a, Some(&me), &code, &rec, submission_of(&p.form).as_deref()).await.map_err(|e| match e {
            PathwayError::Invalid(v) => refused(v),
            other => other.into(),
        }),
        Err(e) => Err(refused(e)),
    };
    match result {
        Ok(_) => Ok(done(&format!("/places/{code}"), "community-kept")),
        Err(err) => {
            let t = p.page.t().clone();
            let e = field_errors(&t, err)?;
            let form = form_view(&state, &t, who.as_deref(), &code, kind, format!("/places/{code}/new/{}", kind.as_str()), 0, p.form).await?;
            let page = RecordPage { title: t.code("community-new-", kind.as_str()), c: p.page.chrome, place, form, can_write: true, record: None, conflict: None, e };
            Ok(render_status(page, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

fn record_view(t: &Tr, state: &AppState, r: &CommunityRecord, places: &[PlaceRecord], can_write: bool) -> RecordView {
    let Managed { progress, raised, published } = &r.managed;
    let waiting = raised.last().is_some_and(|x| x.answer.is_none());
    let is_action = r.kind == RecordKind::Action;
    let place = places.iter().find(|p| p.code == r.place_code);
    let has_parent = place.is_some_and(|p| p.parent_code.is_some());
    let name_of = |code: &str| places.iter().find(|p| p.code == code).map(|p| p.name.clone()).unwrap_or_else(|| code.to_string());
    RecordView {
        id: r.id.clone(),
        summary: summary(t, state, r),
        kind_name: t.code("community-kind-", r.kind.as_str()),
        author: r.author.clone(),
        date: t.date(&r.date),
        progress: progress.iter().map(|x| (t.date(&x.on.to_string()), x.by.clone(), match x.status {
            Some(s) => format!("{} ({})", x.text, t.code("community-status-", s.as_str())),
            None => x.text.clone(),
        })).collect(),
        raised: raised
            .iter()
            .map(|x| Raised {
                to: name_of(&x.to_place),
                on: t.date(&x.on.to_string()),
                by: x.by.clone(),
                question: x.question.clone(),
                answer: x.answer.as_ref().map(|a| (t.date(&a.on.to_string()), a.by.clone(), a.text.clone())),
            })
            .collect(),
        can_raise: is_action && can_write && has_parent && !waiting,
        // The answer comes from someone who sees the place it was raised to.
        can_answer: can_write && waiting && raised.last().is_some_and(|x| places.iter().any(|p| p.code == x.to_place)),
        can_publish: r.kind == RecordKind::Resource && can_write && published.is_none(),
        is_action,
        published: published.as_ref().map(|p| t.t2("community-published", "by", p.by.as_str(), "on", t.date(&p.on.to_string()).as_str())).unwrap_or_default(),
    }
}

async fn show_record(state: &AppState, page: Page, code: &str, id: &str, f: Option<FormData>, conflict: bool, e: Errors, status: StatusCode) -> PageResult {
    let (place, all, who) = seen_place(state, &page, code).await?;
    let id = crate::ui::path_id(id, "record")?;
    let r = state.store().get_record(who.as_deref(), &id).await?;
    let t = page.t().clone();
    let c = page.member()?;
    let can_write = c.can(if r.kind == RecordKind::Supervision { Action::SuperviseCommunity } else { Action::RecordCommunity });
    let kept = form::form_of(&r.date, &r.body);
    let conflict_text = conflict.then(|| summary(&t, state, &r));
    let form = form_view(state, &t, who.as_deref(), &r.place_code, r.kind, format!("/places/{}/records/{}", r.place_code, r.id), r.version, f.unwrap_or(kept)).await?;
    let record = Some(record_view(&t, state, &r, &all, can_write));
    let title = t.code("community-kind-", r.kind.as_str());
    Ok(render_status(RecordPage { c: page.chrome, place, title, form, can_write, record, conflict: conflict_text, e }, status))
}

async fn record_page(State(state): State<AppState>, Path((code, id)): Path<(String, String)>, page: Page) -> PageResult {
    show_record(&state, page, &code, &id, None, false, Errors::default(), StatusCode::OK).await
}

async fn edit(State(state): State<AppState>, Path((code, id)): Path<(String, String)>, p: Posted) -> PageResult {
    let (_, _, who) = seen_place(&state, &p.page, &code).await?;
    let rid = crate::ui::path_id(&id, "record")?;
    let current = state.store().get_record(who.as_deref(), &rid).await?;
    let (a, me) = may_write(&p.page, current.kind)?;
    let s = &state.config.community;
    let version: i64 = p.form.get("version").parse().unwrap_or(0);
    let result = match input_from_form(current.kind, &p.form, s).and_then(|i| NewRecord::parse(&i, s, today())) {
        Ok(rec) => state.store().update_record(&a, Some(&me), &rid, version, &rec, submission_of(&p.form).as_deref()).await.map_err(|e| match e {
            PathwayError::Invalid(v) => refused(v),
            other => other.into(),
        }),
        Err(e) => Err(refused(e)),
    };
    match result {
        Ok(_) => Ok(done(&format!("/places/{code}/records/{rid}"), "community-kept")),
        // Someone changed it meanwhile: what they made and what was sent, side by side; the form
        // keeps what was sent, now on the current version, to send again if it still stands.
        Err(ApiError::PreconditionFailed(_)) => show_record(&state, p.page, &code, &rid, Some(p.form), true, Errors::default(), StatusCode::CONFLICT).await,
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            let mut f = p.form;
            f.0.retain(|(k, _)| k != "version");
            show_record(&state, p.page, &code, &rid, Some(f), false, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

async fn change(state: &AppState, code: &str, id: &str, p: Posted, which: &str) -> PageResult {
    let (a, me) = may_write(&p.page, RecordKind::Action)?;
    let rid = crate::ui::path_id(id, "record")?;
    let text = p.form.get("text");
    let status = ActionStatus::parse(&p.form.get("status"));
    let c = match which {
        "progress" => ManagedChange::Progress { text: &text, status },
        "raise" => ManagedChange::Raise { question: &text },
        _ => ManagedChange::Answer { text: &text },
    };
    let result = match super::records::words(&format!("{which}-text"), &text) {
        Ok(()) => state.store().change_action(&a, Some(&me), &rid, &c, today(), submission_of(&p.form).as_deref()).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(done(&format!("/places/{code}/records/{rid}"), "community-kept")),
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            show_record(state, p.page, code, &rid, None, false, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

async fn progress(State(state): State<AppState>, Path((code, id)): Path<(String, String)>, p: Posted) -> PageResult {
    change(&state, &code, &id, p, "progress").await
}
async fn raise(State(state): State<AppState>, Path((code, id)): Path<(String, String)>, p: Posted) -> PageResult {
    change(&state, &code, &id, p, "raise").await
}
async fn answer(State(state): State<AppState>, Path((code, id)): Path<(String, String)>, p: Posted) -> PageResult {
    change(&state, &code, &id, p, "answer").await
}

/// Publishes a resource to the directory and comes back to it.
async fn publish(State(state): State<AppState>, Path((code, id)): Path<(String, String)>, p: Posted) -> PageResult {
    let rid = crate::ui::path_id(&id, "record")?;
    let c = p.page.member()?;
    super::publish::publish(&state, c, &rid).await?;
    Ok(done(&format!("/places/{code}/records/{rid}"), "community-published"))
}

pub struct PlanRow {
    pub title: String,
    pub needed: String,
    pub lead: String,
    pub due: String,
    pub status: String,
    pub last: String,
}

#[derive(Template)]
#[template(path = "action_plan.html")]
struct PlanPage {
    c: Chrome,
    place: PlaceRecord,
    level: String,
    printed: String,
    rows: Vec<PlanRow>,
    needs: Vec<String>,
}

/// The action plan on one printed page: what the community agreed, who leads, by when, where it
/// stands; the needs it answers, by the community's priority.
async fn plan_page(State(state): State<AppState>, Path(code): Path<String>, page: Page) -> PageResult {
    let (place, _, who) = seen_place(&state, &page, &code).await?;
    let t = page.t().clone();
    let lang = t.lang_tag();
    let s = &state.config.community;
    let records = state.store().list_records(who.as_deref(), &RecordFilter { place_code: Some(code.clone()), ..RecordFilter::default() }).await?;
    let mut actions: Vec<&CommunityRecord> = records.iter().filter(|r| r.kind == RecordKind::Action).collect();
    actions.sort_by_key(|r| (r.body.action_status().map(|s| !s.is_open()), r.body.due_on()));
    let rows = actions
        .iter()
        .filter_map(|r| match &r.body {
            RecordBody::Action(a) => Some(PlanRow {
                title: a.title.clone(),
                needed: a.needed.clone(),
                lead: term_name(&s.leads, &a.lead, lang),
                due: t.date(&a.due_on.to_string()),
                status: t.code("community-status-", a.status.as_str()),
                last: r.managed.progress.last().map(|p| p.text.clone()).unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    let mut needs: Vec<(u32, u32, String)> = records
        .iter()
        .filter_map(|r| match &r.body {
            RecordBody::Need(n) => Some((n.rank.unwrap_or(u32::MAX), u32::MAX - n.votes.unwrap_or(0), summary(&t, &state, r))),
            _ => None,
        })
        .collect();
    needs.sort();
    let level = super::pages::level_name(&t, &state.config.places, &place.level, lang);
    Ok(render(PlanPage { printed: t.date(&today().to_string()), c: page.chrome, place, level, rows, needs: needs.into_iter().map(|n| n.2).collect() }))
}
