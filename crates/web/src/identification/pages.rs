//! The referrer's worklist pages under `/worklist`: the practices they belong to, and for each
//! the upload of its patients (a FHIR Bundle or a CSV file), a run of the rules, the people found
//! with their reasons, "Refer" (the referral form filled in from the practice's record, so the
//! person's agreement is asked as for every referral) and "Dismiss" with a reason. No scripts.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use linkwork_domain::identification::{Evidence, Reason};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::Urgency;
use linkwork_store::pathway::WorklistEntry;

use super::{practice_id, Format, ReferralForm};
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::ui::referrer::{consent_method, contact_method, need_groups, NeedGroupView};
use crate::ui::{choices, done, field_errors, render, render_status, Choice, Chrome, Errors, Fail, FormData, Page, PageResult, Posted};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/worklist", get(practices))
        .route("/worklist/{org}", get(worklist))
        .route("/worklist/{org}/patients", post(upload))
        .route("/worklist/{org}/runs", post(run))
        .route("/worklist/{org}/entries/{entry}/dismiss", post(dismiss))
        .route("/worklist/{org}/entries/{entry}/refer", get(refer_form).post(send_referral))
}

pub struct PracticeLink {
    pub href: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "worklist_practices.html")]
struct PracticesPage {
    c: Chrome,
    practices: Vec<PracticeLink>,
}

/// The practices the referrer belongs to; with one, its worklist straight away.
async fn practices(State(state): State<AppState>, page: Page) -> PageResult {
    let (caller, _) = page.may(Action::IdentifyPatients)?;
    let orgs = caller.user.organizations.clone();
    if orgs.len() == 1 {
        return Ok(Redirect::to(&format!("/worklist/{}", crate::pages::urlencode(&orgs[0]))).into_response());
    }
    let mut list = vec![];
    for o in orgs {
        list.push(PracticeLink { href: format!("/worklist/{}", crate::pages::urlencode(&o)), name: super::practice_name(&state, &o).await });
    }
    Ok(render(PracticesPage { c: page.chrome, practices: list }))
}

pub struct ReasonView {
    pub rule: String,
    pub evidence: Vec<String>,
}

pub struct EntryView {
    pub id: String,
    pub name: String,
    pub birth_date: String,
    pub nhs_number: String,
    pub in_records: bool,
    pub reasons: Vec<ReasonView>,
    pub status: String,
    pub status_label: String,
    pub dismissed_reason: String,
    pub decided: String,
    /// The dismissal form's reason field, and its error.
    pub reason_field: String,
    pub reason_error: String,
}

/// One piece of evidence in the reader's language.
pub fn evidence_text(t: &Tr, e: &Evidence) -> String {
    match e {
        Evidence::Encounters { count, from, to } => t.a(
            "worklist-evidence-encounters",
            &[("count", (*count as i64).into()), ("from", t.date(&from.to_string()).as_str().into()), ("to", t.date(&to.to_string()).as_str().into())],
        ),
        Evidence::Finding { resource, code, display, date, .. } => t.a(
            "worklist-evidence-finding",
            &[
                ("resource", resource.resource().into()),
                ("code", code.as_str().into()),
                ("display", display.as_deref().unwrap_or("").into()),
                ("date", t.date(&date.to_string()).as_str().into()),
            ],
        ),
        Evidence::Screen { code, display, answer, date, .. } => t.a(
            "worklist-evidence-screen",
            &[
                ("code", code.as_str().into()),
                ("display", display.as_deref().unwrap_or("").into()),
                ("answer", answer.as_deref().unwrap_or("").into()),
                ("date", t.date(&date.to_string()).as_str().into()),
            ],
        ),
    }
}

fn reason_views(state: &AppState, t: &Tr, reasons: &[Reason]) -> Vec<ReasonView> {
    let lang = t.lang_tag();
    reasons
        .iter()
        .map(|r| ReasonView { rule: state.config.identification.rule_name(&r.rule, lang).to_string(), evidence: r.evidence.iter().map(|e| evidence_text(t, e)).collect() })
        .collect()
}

fn nhs(n: &Option<String>) -> String {
    n.as_deref().and_then(|n| linkwork_domain::pathway::identifier::NhsNumber::parse(n).ok()).map(|n| n.to_string()).unwrap_or_default()
}

fn entry_view(state: &AppState, t: &Tr, e: &WorklistEntry) -> EntryView {
    EntryView {
        id: e.id.clone(),
        name: match (&e.given_name, &e.family_name) {
            (Some(g), Some(f)) => format!("{g} {f}"),
            _ => e.patient_key.clone(),
        },
        birth_date: e.birth_date.as_deref().map(|d| t.date(d)).unwrap_or_default(),
        nhs_number: nhs(&e.nhs_number),
        in_records: e.in_records,
        reasons: reason_views(state, t, &e.reasons),
        status_label: t.code("worklist-status-", &e.status),
        status: e.status.clone(),
        dismissed_reason: e.dismissed_reason.clone().unwrap_or_default(),
        decided: e.decided_at.as_deref().map(|d| t.date(d)).unwrap_or_default(),
        reason_field: format!("reason-{}", e.id),
        reason_error: String::new(),
    }
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    c: Chrome,
    org: String,
    practice: String,
    loaded: String,
    ran: String,
    stale: bool,
    has_load: bool,
    has_run: bool,
    open: Vec<EntryView>,
    decided: Vec<EntryView>,
    file_errors: Vec<String>,
    e: Errors,
}

async fn view(state: &AppState, page: Page, org: &str, e: Errors, status: StatusCode) -> PageResult {
    let (_, a) = page.may(Action::IdentifyPatients)?;
    let w = state.store().worklist(&a, org).await?;
    let t = page.t().clone();
    let loaded = w.load.as_ref().map(|l| t.a("worklist-loaded", &[("patients", l.patients.into()), ("records", l.records.into()), ("when", t.datetime(&l.loaded_at).as_str().into())])).unwrap_or_default();
    let ran = w.run.as_ref().map(|r| t.a("worklist-ran", &[("found", r.found.into()), ("patients", r.patients.into()), ("as_of", t.date(&r.as_of).as_str().into())])).unwrap_or_default();
    let (mut open, decided): (Vec<EntryView>, Vec<EntryView>) = w.entries.iter().map(|x| entry_view(state, &t, x)).partition(|x| x.status == "open");
    for x in &mut open {
        x.reason_error = e.of(&x.reason_field);
    }
    let file_errors: Vec<String> = e.0.iter().filter(|(f, _)| f == "file").map(|(_, m)| m.clone()).collect();
    let p = WorklistPage {
        org: org.to_string(),
        practice: super::practice_name(state, org).await,
        has_load: w.load.is_some(),
        has_run: w.run.is_some(),
        stale: w.stale,
        loaded,
        ran,
        open,
        decided,
        file_errors,
        e,
        c: page.chrome,
    };
    Ok(render_status(p, status))
}

async fn worklist(State(state): State<AppState>, Path(org): Path<String>, page: Page) -> PageResult {
    let org = practice_id(&org)?;
    view(&state, page, &org, Errors::default(), StatusCode::OK).await
}

/// The parts of a `multipart/form-data` body: (name, bytes). Only what a file upload form sends.
pub fn multipart(content_type: &str, body: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let boundary = content_type.split(';').map(str::trim).find_map(|p| p.strip_prefix("boundary="))?.trim_matches('"');
    if boundary.is_empty() {
        return None;
    }
    let delim = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], needle: &[u8], from: usize| hay.get(from..).and_then(|h| h.windows(needle.len()).position(|w| w == needle)).map(|i| i + from);
    let mut out = vec![];
    let mut at = find(body, &delim, 0)? + delim.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(out);
        }
        at += 2; // CRLF after the delimiter
        let head_end = find(body, b"\r\n\r\n", at)?;
        let head = String::from_utf8_lossy(&body[at..head_end]).to_string();
        let next = find(body, &delim, head_end + 4)?;
        let content = &body[head_end + 4..next.saturating_sub(2).max(head_end + 4)];
        let name = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .and_then(|l| l.split(';').map(str::trim).find_map(|p| p.strip_prefix("name=")))
            .map(|n| n.trim_matches('"').to_string())
            .unwrap_or_default();
        out.push((name, content.to_vec()));
        at = next + delim.len();
    }
}

/// The upload form: a file (FHIR Bundle or CSV, told apart by what it holds) and the CSRF token.
async fn upload(State(state): State<AppState>, Path(org): Path<String>, page: Page, headers: HeaderMap, body: Bytes) -> PageResult {
    let org = practice_id(&org)?;
    let (caller, a) = page.may(Action::IdentifyPatients)?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let parts = multipart(ct, &body).ok_or_else(|| Fail::Api(ApiError::field("file", "send the form as it is (multipart/form-data)")))?;
    let csrf = parts.iter().find(|(n, _)| n == "csrf").map(|(_, v)| String::from_utf8_lossy(v).to_string()).unwrap_or_default();
    if csrf.is_empty() || caller.credential.csrf.as_deref() != Some(csrf.as_str()) {
        return Err(Fail::Api(ApiError::Forbidden("csrf".into())));
    }
    let file = parts.into_iter().find(|(n, _)| n == "file").map(|(_, v)| v).unwrap_or_default();
    let t = page.t().clone();
    if file.iter().all(u8::is_ascii_whitespace) {
        let mut e = Errors::default();
        e.add("file", t.t("worklist-file-empty"));
        return view(&state, page, &org, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match super::load(&state, &a, &org, Format::sniff(&file), &file).await {
        Ok(_) => Ok(done(&format!("/worklist/{}", crate::pages::urlencode(&org)), "worklist-loaded")),
        Err(err) => {
            let fe = match err {
                ApiError::Unprocessable { errors, .. } | ApiError::BadRequest { errors, .. } if !errors.is_empty() => errors,
                other => return Err(Fail::Api(other)),
            };
            // Each problem names where it is in the file; the summary links to the file field.
            let mut e = Errors::default();
            for x in fe.iter().take(50) {
                e.add("file", t.t2("worklist-problem", "at", x.field.as_str(), "message", x.message.as_str()));
            }
            if fe.len() > 50 {
                e.add("file", t.t1("worklist-more-problems", "count", (fe.len() - 50) as i64));
            }
            view(&state, page, &org, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

async fn run(State(state): State<AppState>, Path(org): Path<String>, p: Posted) -> PageResult {
    let org = practice_id(&org)?;
    let (_, a) = p.page.may(Action::IdentifyPatients)?;
    state.store().run_identification(&a, &org, &state.config.identification, crate::api_v1::today()).await?;
    Ok(done(&format!("/worklist/{}", crate::pages::urlencode(&org)), "worklist-ran"))
}

async fn dismiss(State(state): State<AppState>, Path((org, entry)): Path<(String, String)>, p: Posted) -> PageResult {
    let org = practice_id(&org)?;
    let (_, a) = p.page.may(Action::IdentifyPatients)?;
    let reason = p.form.get("reason");
    if reason.is_empty() || reason.chars().count() > 500 {
        let mut e = Errors::default();
        e.add(&format!("reason-{entry}"), p.page.t().t("worklist-dismiss-reason-needed"));
        return view(&state, p.page, &org, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    state.store().dismiss_entry(&a, &org, &entry, &reason).await?;
    Ok(done(&format!("/worklist/{}", crate::pages::urlencode(&org)), "worklist-dismissed"))
}

/// The referral form as typed.
#[derive(Default)]
pub struct Typed {
    pub phone: String,
    pub email: String,
    pub postcode: String,
    pub language: String,
    pub interpreter_needed: bool,
    pub preferred_contact: String,
    pub reasons: Vec<String>,
    pub details: String,
    pub urgency: String,
    pub risks: String,
    pub safeguarding: bool,
    pub consent: bool,
    pub consent_method: String,
}

impl Typed {
    fn from(f: &FormData) -> Typed {
        Typed {
            phone: f.get("phone"),
            email: f.get("email"),
            postcode: f.get("postcode"),
            language: f.get("language"),
            interpreter_needed: f.checked("interpreter_needed"),
            preferred_contact: f.get("preferred_contact"),
            reasons: f.all("reasons"),
            details: f.get("details"),
            urgency: f.get("urgency"),
            risks: f.get("risks"),
            safeguarding: f.checked("safeguarding"),
            consent: f.checked("consent"),
            consent_method: f.get("consent_method"),
        }
    }
}

const CONTACTS: [&str; 5] = ["phone", "text_message", "email", "letter", "in_person"];

#[derive(Template)]
#[template(path = "worklist_refer.html")]
struct ReferPage {
    c: Chrome,
    org: String,
    entry: EntryView,
    v: Typed,
    e: Errors,
    groups: Vec<NeedGroupView>,
    contacts: Vec<Choice>,
    urgencies: Vec<Choice>,
    methods: Vec<Choice>,
}

fn refer_page(state: &AppState, c: Chrome, org: &str, e: &WorklistEntry, v: Typed, errors: Errors) -> ReferPage {
    let t = &c.t;
    let groups = need_groups(t, &v.reasons);
    let mut contacts = vec![Choice { value: String::new(), label: t.t("choose"), selected: v.preferred_contact.is_empty() }];
    contacts.extend(choices(t, "contact-", CONTACTS, &v.preferred_contact));
    let urgencies = choices(t, "urgency-", ["routine", "soon", "urgent"], if v.urgency.is_empty() { "routine" } else { &v.urgency });
    let methods = choices(t, "consent-method-", ["verbal", "written", "electronic"], if v.consent_method.is_empty() { "verbal" } else { &v.consent_method });
    let entry = entry_view(state, t, e);
    ReferPage { org: org.to_string(), entry, v, e: errors, groups, contacts, urgencies, methods, c }
}

async fn refer_form(State(state): State<AppState>, Path((org, entry)): Path<(String, String)>, page: Page) -> PageResult {
    let org = practice_id(&org)?;
    let (caller, a) = page.may(Action::IdentifyPatients)?;
    caller.may(Action::CreateReferral)?;
    let e = state.store().worklist_entry(&a, &org, &entry).await?;
    if e.status == "referred" || !e.in_records {
        return Ok(Redirect::to(&format!("/worklist/{}", crate::pages::urlencode(&org))).into_response());
    }
    let v = Typed {
        phone: e.phone.clone().unwrap_or_default(),
        postcode: e.postcode.clone().unwrap_or_default(),
        reasons: super::proposed_needs(&e.reasons),
        details: super::reasons_text(&state, &e.reasons),
        ..Typed::default()
    };
    Ok(render(refer_page(&state, page.chrome, &org, &e, v, Errors::default())))
}

async fn send_referral(State(state): State<AppState>, Path((org, entry)): Path<(String, String)>, p: Posted) -> PageResult {
    let org = practice_id(&org)?;
    let (caller, a) = p.page.may(Action::IdentifyPatients)?;
    caller.may(Action::CreateReferral)?;
    let caller = caller.clone();
    let e = state.store().worklist_entry(&a, &org, &entry).await?;
    let v = Typed::from(&p.form);
    let o = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
    let f = ReferralForm {
        person: PersonDetails {
            phone: o(&v.phone),
            email: o(&v.email),
            postcode: o(&v.postcode),
            language: o(&v.language),
            interpreter_needed: v.interpreter_needed,
            preferred_contact: contact_method(&v.preferred_contact),
            ..PersonDetails::default()
        },
        reasons: v.reasons.clone(),
        details: o(&v.details),
        urgency: match v.urgency.as_str() {
            "urgent" => Urgency::Urgent,
            "soon" => Urgency::Soon,
            _ => Urgency::Routine,
        },
        risks: o(&v.risks),
        safeguarding: v.safeguarding,
        consent_to_support: v.consent,
        consent_method: consent_method(&v.consent_method),
    };
    match super::refer(&state, &caller, &a, &org, &e, f).await {
        Ok(_) => Ok(done(&format!("/worklist/{}", crate::pages::urlencode(&org)), "worklist-referred")),
        Err(err) => {
            let errors = field_errors(p.page.t(), err)?;
            Ok(render_status(refer_page(&state, p.page.chrome, &org, &e, v, errors), StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_and_its_token_are_read_from_a_multipart_form() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\nContent-Type: text/csv\r\n\r\npatient_id,record\r\np1,patient\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts[0], ("csrf".to_string(), b"tok".to_vec()));
        assert_eq!(parts[1].0, "file");
        assert_eq!(parts[1].1, b"patient_id,record\r\np1,patient".to_vec());
        assert!(multipart("text/plain", body).is_none());
    }
}
