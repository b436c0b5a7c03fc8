//! The needs code list: why people are referred (BMJ Global Health 2022, table 1), grouped as
//! material needs, health behaviours and social-emotional needs, each mapped to the Gravity
//! Project's SDOH category code where one exists, so referrals can be exchanged as FHIR.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NeedGroup {
    Material,
    HealthBehaviour,
    SocialEmotional,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Need {
    pub code: &'static str,
    pub display: &'static str,
    pub group: NeedGroup,
    /// Code in http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes
    /// (the SDOH categories); None where the Gravity categories have no match.
    pub sdoh_category: Option<&'static str>,
}

const fn def(code: &'static str, display: &'static str, group: NeedGroup, sdoh: Option<&'static str>) -> Need {
    Need { code, display, group, sdoh_category: sdoh }
}

use NeedGroup::*;

/// Every need a referral can give as a reason, in the order forms show them.
pub const NEEDS: &[Need] = &[
    def("food", "Food", Material, Some("food-insecurity")),
    def("transportation", "Transport", Material, Some("transportation-insecurity")),
    def("financial", "Money and debt", Material, Some("financial-insecurity")),
    def("legal", "Legal advice", Material, None),
    def("housing", "Housing", Material, Some("housing-instability")),
    def("homelessness", "Homelessness", Material, Some("homelessness")),
    def("utilities", "Heating and utilities", Material, Some("utility-insecurity")),
    def("digital_access", "Digital access", Material, Some("digital-access")),
    def("digital_literacy", "Digital skills", Material, Some("digital-literacy")),
    def("diet", "Diet and healthy eating", HealthBehaviour, None),
    def("exercise", "Physical activity", HealthBehaviour, None),
    def("smoking", "Stopping smoking", HealthBehaviour, None),
    def("substance_use", "Alcohol and substance use", HealthBehaviour, None),
    def("chronic_disease", "Living with a long-term condition", HealthBehaviour, None),
    def("mental_health", "Mental health and stress", HealthBehaviour, Some("stress")),
    def("social_connection", "Loneliness and social connection", SocialEmotional, Some("social-connection")),
    def("nature", "Nature and green spaces", SocialEmotional, None),
    def("arts_culture", "Arts, heritage and culture", SocialEmotional, None),
    def("volunteering", "Volunteering", SocialEmotional, None),
    def("employment", "Work and job training", SocialEmotional, Some("employment-status")),
    def("education", "Education and learning", SocialEmotional, Some("educational-attainment")),
    def("community_groups", "Community groups", SocialEmotional, None),
    def("language", "Language and interpreting", Material, Some("language-access")),
    def("safety", "Safety at home", Material, Some("intimate-partner-violence")),
    def("elder_abuse", "Safety of an older person", Material, Some("elder-abuse")),
    // What villages name first in community work (CONNECT): water, and reaching the health centre.
    def("water_sanitation", "Water and sanitation", Material, None),
    def("health_access", "Getting to health care", Material, None),
];

pub fn need(code_or_display: &str) -> Option<&'static Need> {
    let k = code_or_display.trim();
    NEEDS.iter().find(|n| n.code.eq_ignore_ascii_case(k) || n.display.eq_ignore_ascii_case(k))
}

/// The system URI for the SDOH category codes.
pub const SDOH_CATEGORY_SYSTEM: &str = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_cover_the_three_groups() {
        let mut codes: Vec<_> = NEEDS.iter().map(|n| n.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), NEEDS.len());
        for g in [Material, HealthBehaviour, SocialEmotional] {
            assert!(NEEDS.iter().any(|n| n.group == g));
        }
        assert_eq!(need("Food").unwrap().sdoh_category, Some("food-insecurity"));
        assert!(need("astrology").is_none());
    }
}
