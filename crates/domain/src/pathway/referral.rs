//! A referral in to the link worker service: from whom, why (needs codes), how urgent, the risks
//! and safeguarding flags, and the person's consent to support.

use serde::{Deserialize, Serialize};

use super::consent::ConsentMethod;
use super::needs;
use super::person::PersonDetails;
use super::{FieldError, Problems};
use crate::Id;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReferralSource {
    Gp,
    Nurse,
    Hospital,
    MentalHealthTeam,
    SocialWorker,
    Pharmacist,
    CommunityMember,
    SelfReferral,
    Other,
}

impl ReferralSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralSource::Gp => "gp",
            ReferralSource::Nurse => "nurse",
            ReferralSource::Hospital => "hospital",
            ReferralSource::MentalHealthTeam => "mental_health_team",
            ReferralSource::SocialWorker => "social_worker",
            ReferralSource::Pharmacist => "pharmacist",
            ReferralSource::CommunityMember => "community_member",
            ReferralSource::SelfReferral => "self_referral",
            ReferralSource::Other => "other",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Routine,
    Soon,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Routine => "routine",
            Urgency::Soon => "soon",
            Urgency::Urgent => "urgent",
        }
    }
}

/// What the referral says, as stored with the episode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralDetails {
    pub source: ReferralSource,
    /// Who referred, when not a Linkwork user (or to add their team).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_contact: Option<String>,
    /// Needs codes (see `GET /api/v1/code-lists/needs`).
    pub reasons: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    pub urgency: Urgency,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risks: Option<String>,
    #[serde(default)]
    pub safeguarding: bool,
}

/// A new referral: the details, and either an existing person or a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonDetails>,
    pub referral: ReferralDetails,
    /// The person agreed to be referred to the link worker service. Required: a referral
    /// without the person's agreement is refused.
    pub consent_to_support: bool,
    pub consent_method: ConsentMethod,
    /// Create the person even though one with the same name and birth date exists.
    #[serde(default)]
    pub not_a_duplicate: bool,
}

impl ReferralDetails {
    pub fn parse(self, prefix: &str) -> Result<ReferralDetails, Vec<FieldError>> {
        let mut p = Problems::default();
        let f = |n: &str| format!("{prefix}{n}");
        let referrer_name = p.text(&f("referrer_name"), self.referrer_name.as_deref(), 200, false);
        let referrer_organisation = p.text(&f("referrer_organisation"), self.referrer_organisation.as_deref(), 200, false);
        let referrer_contact = p.text(&f("referrer_contact"), self.referrer_contact.as_deref(), 200, false);
        let mut reasons = Vec::new();
        if self.reasons.is_empty() {
            p.keyed(f("reasons"), "err-no-reasons", &[], "give at least one reason for the referral (a needs code such as food, housing or social_connection)");
        }
        for (i, r) in self.reasons.iter().enumerate() {
            match needs::need(r) {
                Some(n) if !reasons.contains(&n.code.to_string()) => reasons.push(n.code.to_string()),
                Some(_) => {}
                None => p.keyed(f(&format!("reasons.{i}")), "err-need-code", &[("value", r)], format!("'{r}' is not a needs code; see GET /api/v1/code-lists/needs")),
            }
        }
        let details = p.text(&f("details"), self.details.as_deref(), 5000, false);
        let risks = p.text(&f("risks"), self.risks.as_deref(), 2000, false);
        if self.safeguarding && risks.is_none() {
            p.keyed(f("risks"), "err-risks-needed", &[], "describe the safeguarding concern when the safeguarding flag is set");
        }
        p.into_result(ReferralDetails { referrer_name, referrer_organisation, referrer_contact, reasons, details, risks, ..self })
    }
}
