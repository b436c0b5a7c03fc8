//! The referrer's pages: the referral form (made to be filled in under two minutes between
//! appointments), "my referrals" with their status and the messages back, and the public
//! self-referral form that needs no account.

use askama::Template;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::FieldError;
use linkwork_domain::pathway::consent::ConsentMethod;
use linkwork_domain::pathway::needs::{NeedGroup, NEEDS};
use linkwork_domain::pathway::person::{ContactMethod, PersonDetails};
use linkwork_domain::pathway::referral::{ReferralDetails, ReferralInput, ReferralSource, Urgency};
use linkwork_store::pathway::{Actor, ReferralStatus};

use super::{choices, field_errors, reference, render, render_status, Choice, Chrome, Errors, Page, PageResult, Posted};
use crate::api_v1::referral_in;
use crate::error::ApiError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/referrals", get(my_referrals))
        .route("/referrals/new", get(new_referral).post(send_referral))
        .route("/self-referral", get(self_referral_form).post(send_self_referral))
}

/// A needs code as a checkbox.
pub struct NeedBox {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

pub struct NeedGroupView {
    pub legend: String,
    pub needs: Vec<NeedBox>,
}

pub fn need_groups(t: &crate::i18n::Tr, checked: &[String]) -> Vec<NeedGroupView> {
    [(NeedGroup::Material, "need-group-material"), (NeedGroup::HealthBehaviour, "need-group-health-behaviour"), (NeedGroup::SocialEmotional, "need-group-social-emotional")]
        .into_iter()
        .map(|(g, key)| NeedGroupView {
            legend: t.t(key),
            needs: NEEDS.iter().filter(|n| n.group == g).map(|n| NeedBox { code: n.code, label: t.code("need-", n.code), checked: checked.iter().any(|c| c == n.code) }).collect(),
        })
        .collect()
}

/// The form as typed, so that nothing is lost when it is refused.
#[derive(Default)]
struct Typed {
    given_name: String,
    family_name: String,
    birth_date: String,
    phone: String,
    email: String,
    postcode: String,
    language: String,
    interpreter_needed: bool,
    preferred_contact: String,
    reasons: Vec<String>,
    details: String,
    urgency: String,
    risks: String,
    safeguarding: bool,
    source: String,
    referrer_organisation: String,
    referrer_contact: String,
    consent: bool,
    consent_method: String,
}

impl Typed {
    fn from(f: &super::FormData) -> Typed {
        Typed {
            given_name: f.get("given_name"),
            family_name: f.get("family_name"),
            birth_date: f.get("birth_date"),
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
            source: f.get("source"),
            referrer_organisation: f.get("referrer_organisation"),
            referrer_contact: f.get("referrer_contact"),
            consent: f.checked("consent"),
            consent_method: f.get("consent_method"),
        }
    }

    fn person(&self) -> PersonDetails {
        let o = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
        PersonDetails {
            given_name: o(&self.given_name),
            family_name: o(&self.family_name),
            birth_date: o(&self.birth_date),
            phone: o(&self.phone),
            email: o(&self.email),
            postcode: o(&self.postcode),
            language: o(&self.language),
            interpreter_needed: self.interpreter_needed,
            preferred_contact: contact_method(&self.preferred_contact),
            ..PersonDetails::default()
        }
    }
}

pub fn contact_method(s: &str) -> Option<ContactMethod> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

fn source(s: &str) -> Option<ReferralSource> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

const SOURCES: [&str; 8] = ["gp", "nurse", "hospital", "mental_health_team", "social_worker", "pharmacist", "community_member", "other"];
const CONTACTS: [&str; 5] = ["phone", "text_message", "email", "letter", "in_person"];

#[derive(Template)]
#[template(path = "referral_form.html")]
struct ReferralFormPage {
    c: Chrome,
    /// The public self-referral form: no referrer, urgency or risk fields.
    public: bool,
    v: Typed,
    e: Errors,
    groups: Vec<NeedGroupView>,
    sources: Vec<Choice>,
    contacts: Vec<Choice>,
    urgencies: Vec<Choice>,
    methods: Vec<Choice>,
}

fn form_page(c: Chrome, public: bool, v: Typed, e: Errors) -> ReferralFormPage {
    let t = &c.t;
    let groups = need_groups(t, &v.reasons);
    let sources = choices(t, "source-", SOURCES, &v.source);
    let mut contacts = vec![Choice { value: String::new(), label: t.t("choose"), selected: v.preferred_contact.is_empty() }];
    contacts.extend(choices(t, "contact-", CONTACTS, &v.preferred_contact));
    let urgencies = choices(t, "urgency-", ["routine", "soon", "urgent"], if v.urgency.is_empty() { "routine" } else { &v.urgency });
    let methods = choices(t, "consent-method-", ["verbal", "written", "electronic"], if v.consent_method.is_empty() { "verbal" } else { &v.consent_method });
    ReferralFormPage { c, public, v, e, groups, sources, contacts, urgencies, methods }
}

#[derive(serde::Deserialize)]
struct NewReferralQuery {
    /// A facilitator refers from a place: the place is the referral's source.
    place: Option<String>,
}

async fn new_referral(axum::extract::State(state): axum::extract::State<AppState>, axum::extract::Query(q): axum::extract::Query<NewReferralQuery>, page: Page) -> PageResult {
    let (caller, _) = page.may(Action::CreateReferral)?;
    let mut v = Typed { source: "gp".into(), referrer_organisation: String::new(), referrer_contact: caller.user.email.clone().unwrap_or_default(), ..Typed::default() };
    if let Some(code) = q.place.filter(|_| caller.can(Action::RecordCommunity)) {
        let place = state.store().list_places(Some(&caller.user.id)).await?.into_iter().find(|p| p.code == code);
        let place = place.ok_or_else(|| ApiError::not_found(format!("place {code}")))?;
        v.source = "community_member".into();
        v.referrer_organisation = format!("{} ({})", place.name, place.code);
    }
    Ok(render(form_page(page.chrome, false, v, Errors::default())))
}

async fn send_referral(axum::extract::State(state): axum::extract::State<AppState>, p: Posted) -> PageResult {
    let (caller, actor) = p.page.may(Action::CreateReferral)?;
    let v = Typed::from(&p.form);
    let input = source(&v.source).map(|src| ReferralInput {
        person_id: None,
        person: Some(v.person()),
        referral: ReferralDetails {
            source: src,
            referrer_name: Some(caller.user.display_name.clone()),
            referrer_organisation: Some(v.referrer_organisation.clone()).filter(|s| !s.is_empty()),
            referrer_contact: Some(v.referrer_contact.clone()).filter(|s| !s.is_empty()),
            reasons: v.reasons.clone(),
            details: Some(v.details.clone()).filter(|s| !s.is_empty()),
            urgency: match v.urgency.as_str() {
                "urgent" => Urgency::Urgent,
                "soon" => Urgency::Soon,
                _ => Urgency::Routine,
            },
            risks: Some(v.risks.clone()).filter(|s| !s.is_empty()),
            safeguarding: v.safeguarding,
        },
        consent_to_support: v.consent,
        consent_method: consent_method(&v.consent_method),
        // A referrer cannot see who is recorded; duplicates are merged by the link worker.
        not_a_duplicate: true,
    });
    let uid = caller.user.id.clone();
    let result = match input {
        Some(input) => referral_in(&state, &actor, input, Some(&uid)).await,
        None => Err(ApiError::invalid(vec![FieldError::keyed("referral.source", "err-choose-one", &[], "choose one of the options")])),
    };
    match result {
        Ok(_) => Ok(super::done("/referrals", "referral-sent")),
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            Ok(render_status(form_page(p.page.chrome, false, v, e), StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

pub fn consent_method(s: &str) -> ConsentMethod {
    match s {
        "written" => ConsentMethod::Written,
        "electronic" => ConsentMethod::Electronic,
        _ => ConsentMethod::Verbal,
    }
}

pub struct MessageView {
    pub text: String,
    pub at: String,
    pub unread: bool,
}

pub struct ReferralView {
    pub id: String,
    pub reference: String,
    pub person_name: String,
    pub status: String,
    pub received: String,
    pub updated: String,
    pub messages: Vec<MessageView>,
}

/// A message back to the referrer, in the reader's language: what happened, with its code.
pub fn message_text(t: &crate::i18n::Tr, kind: &str, code: Option<&str>, closure_reason: Option<&str>) -> String {
    match kind {
        "closed" => t.t1("message-closed", "reason", t.code("closure-", closure_reason.unwrap_or("goals_met")).as_str()),
        k => match code {
            Some(c) => t.t1(&format!("message-{}", k.replace('_', "-")), "code", c),
            None => t.t(&format!("message-{}", k.replace('_', "-"))),
        },
    }
}

#[derive(Template)]
#[template(path = "my_referrals.html")]
struct MyReferralsPage {
    c: Chrome,
    referrals: Vec<ReferralView>,
}

async fn my_referrals(axum::extract::State(state): axum::extract::State<AppState>, page: Page) -> PageResult {
    let (caller, actor) = page.may(Action::ReadOwnReferrals)?;
    let list: Vec<ReferralStatus> = state.store().referrals_by(&actor, &caller.user.id, 200).await?;
    let t = page.t();
    let referrals = list
        .into_iter()
        .map(|r| ReferralView {
            reference: reference(&r.episode_id),
            person_name: r.person_name,
            status: t.code("status-", &r.status),
            received: t.date(&r.received_at),
            updated: t.date(&r.updated_at),
            messages: r
                .messages
                .iter()
                .map(|m| MessageView { text: message_text(t, &m.kind, m.code.as_deref(), r.closure_reason.as_deref()), at: t.datetime(&m.created_at), unread: m.read_at.is_none() })
                .collect(),
            id: r.episode_id,
        })
        .collect();
    Ok(render(MyReferralsPage { c: page.chrome, referrals }))
}

async fn self_referral_form(page: Page) -> PageResult {
    Ok(render(form_page(page.chrome, true, Typed::default(), Errors::default())))
}

#[derive(Template)]
#[template(path = "self_referral_sent.html")]
struct SelfReferralSent {
    c: Chrome,
    reference: String,
}

async fn send_self_referral(axum::extract::State(state): axum::extract::State<AppState>, p: Posted) -> PageResult {
    let v = Typed::from(&p.form);
    let input = ReferralInput {
        person_id: None,
        person: Some(v.person()),
        referral: ReferralDetails {
            source: ReferralSource::SelfReferral,
            referrer_name: None,
            referrer_organisation: None,
            referrer_contact: None,
            reasons: v.reasons.clone(),
            details: Some(v.details.clone()).filter(|s| !s.is_empty()),
            urgency: Urgency::Routine,
            risks: None,
            safeguarding: false,
        },
        consent_to_support: v.consent,
        consent_method: ConsentMethod::Electronic,
        not_a_duplicate: true,
    };
    let a = Actor { user_id: None, name: "self-referral".into(), role: "person".into(), reason: "POST /self-referral".into() };
    match referral_in(&state, &a, input, None).await {
        Ok(e) => Ok(render_status(SelfReferralSent { c: p.page.chrome, reference: reference(&e.id) }, StatusCode::CREATED)),
        Err(err) => {
            let e = field_errors(p.page.t(), err)?;
            Ok(render_status(form_page(p.page.chrome, true, v, e), StatusCode::UNPROCESSABLE_ENTITY).into_response())
        }
    }
}
