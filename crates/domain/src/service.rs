//! A typed view of a fully nested HSDS service: the fields that search, pages and matching reason
//! about, read from the standard's JSON (unknown fields are ignored here, never lost: the JSON
//! itself is what is stored and exported).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::geo::Point;
use crate::schedule::{ScheduleDoc, WeeklyHours};

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ServiceDoc {
    pub id: String,
    pub name: String,
    pub alternate_name: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub interpretation_services: Option<String>,
    pub application_process: Option<String>,
    pub fees_description: Option<String>,
    pub fees: Option<String>,
    pub wait_time: Option<String>,
    pub eligibility_description: Option<String>,
    pub minimum_age: Option<f64>,
    pub maximum_age: Option<f64>,
    pub assured_date: Option<String>,
    pub alert: Option<String>,
    pub last_modified: Option<String>,
    pub organization: Option<OrganizationDoc>,
    pub phones: Vec<PhoneDoc>,
    pub schedules: Vec<ScheduleDoc>,
    pub languages: Vec<LanguageDoc>,
    pub cost_options: Vec<CostOptionDoc>,
    pub service_at_locations: Vec<ServiceAtLocationDoc>,
    pub capacities: Vec<CapacityDoc>,
    pub attributes: Vec<AttributeDoc>,
    pub contacts: Vec<ContactDoc>,
    pub service_areas: Vec<ServiceAreaDoc>,
    pub required_documents: Vec<RequiredDocumentDoc>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OrganizationDoc {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PhoneDoc {
    pub number: String,
    pub extension: Option<f64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LanguageDoc {
    pub name: Option<String>,
    pub code: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CostOptionDoc {
    pub option: Option<String>,
    pub currency: Option<String>,
    pub amount: Option<f64>,
    pub amount_description: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ServiceAtLocationDoc {
    pub id: String,
    pub description: Option<String>,
    pub location: Option<LocationDoc>,
    pub schedules: Vec<ScheduleDoc>,
    pub phones: Vec<PhoneDoc>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LocationDoc {
    pub id: String,
    pub name: Option<String>,
    pub location_type: Option<String>,
    pub description: Option<String>,
    pub transportation: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub addresses: Vec<AddressDoc>,
    pub accessibility: Vec<AccessibilityDoc>,
    pub schedules: Vec<ScheduleDoc>,
    pub languages: Vec<LanguageDoc>,
    pub phones: Vec<PhoneDoc>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AddressDoc {
    pub address_1: String,
    pub address_2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub state_province: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub address_type: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AccessibilityDoc {
    pub description: Option<String>,
    pub details: Option<String>,
    pub url: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CapacityDoc {
    pub available: Option<f64>,
    pub maximum: Option<f64>,
    pub description: Option<String>,
    pub updated: Option<String>,
    pub unit: Option<UnitDoc>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UnitDoc {
    pub name: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AttributeDoc {
    pub taxonomy_term_id: Option<String>,
    pub value: Option<String>,
    pub label: Option<String>,
    pub taxonomy_term: Option<TaxonomyTermDoc>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TaxonomyTermDoc {
    pub id: String,
    pub code: Option<String>,
    pub name: String,
    pub parent_id: Option<String>,
    pub taxonomy: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ContactDoc {
    pub name: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phones: Vec<PhoneDoc>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ServiceAreaDoc {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RequiredDocumentDoc {
    pub document: Option<String>,
    pub uri: Option<String>,
}

/// What a service costs, as far as the directory says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostLevel {
    Free,
    /// At most [`LOW_COST_LIMIT`] per session in the listing's currency.
    LowCost,
    Paid,
    #[default]
    Unknown,
}

/// The most a session may cost to count as low cost.
pub const LOW_COST_LIMIT: f64 = 5.0;

const FREE_WORDS: [&str; 4] = ["free", "no cost", "no charge", "gratis"];

fn says_free(s: &Option<String>) -> bool {
    s.as_deref().map(|s| {
        let s = s.to_lowercase();
        FREE_WORDS.iter().any(|w| s.contains(w)) && !s.contains("not free")
    })
    .unwrap_or(false)
}

impl ServiceDoc {
    pub fn from_json(v: &serde_json::Value) -> Result<Self, serde_json::Error> {
        ServiceDoc::deserialize(v)
    }

    /// Whether the service runs: HSDS status `active`, or none given. Only these are found by
    /// search and matching; referring to another is warned about.
    pub fn is_active(&self) -> bool {
        self.status.as_deref().map(str::trim).is_none_or(|s| s.is_empty() || s.eq_ignore_ascii_case("active"))
    }

    /// The waiting list the listing states, if any ("About 3 weeks").
    pub fn waiting_list(&self) -> Option<&str> {
        self.wait_time.as_deref().map(str::trim).filter(|w| !w.is_empty())
    }

    pub fn cost_level(&self) -> CostLevel {
        let amounts: Vec<f64> = self.cost_options.iter().filter_map(|c| c.amount).collect();
        if self.cost_options.iter().any(|c| c.amount == Some(0.0) || says_free(&c.option) || says_free(&c.amount_description)) {
            return CostLevel::Free;
        }
        if let Some(min) = amounts.iter().copied().reduce(f64::min) {
            return if min <= LOW_COST_LIMIT { CostLevel::LowCost } else { CostLevel::Paid };
        }
        if says_free(&self.fees_description) || says_free(&self.fees) {
            return CostLevel::Free;
        }
        if self.fees_description.is_some() || self.fees.is_some() {
            return CostLevel::Paid;
        }
        CostLevel::Unknown
    }

    /// Languages the service is offered in, lower-case names and codes (e.g. "spanish", "es").
    pub fn language_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        let locs = self.service_at_locations.iter().filter_map(|s| s.location.as_ref());
        for l in self.languages.iter().chain(locs.flat_map(|l| l.languages.iter())) {
            for k in [&l.name, &l.code].into_iter().flatten() {
                let k = k.trim().to_lowercase();
                if !k.is_empty() && !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        keys
    }

    /// Capacity to take people now: Some(true) when a capacity has places available, Some(false)
    /// when every stated capacity is full, None when the listing does not say.
    pub fn has_capacity(&self) -> Option<bool> {
        let known: Vec<f64> = self.capacities.iter().filter_map(|c| c.available).collect();
        if known.is_empty() {
            None
        } else {
            Some(known.iter().any(|a| *a > 0.0))
        }
    }

    pub fn available_places(&self) -> Option<f64> {
        let known: Vec<f64> = self.capacities.iter().filter_map(|c| c.available).collect();
        if known.is_empty() { None } else { Some(known.iter().sum()) }
    }

    /// Opening hours at one site: the site's own schedules, else the location's, else the service's.
    pub fn hours_at(&self, sal: Option<&ServiceAtLocationDoc>, today: NaiveDate) -> WeeklyHours {
        if let Some(sal) = sal {
            if !sal.schedules.is_empty() {
                return WeeklyHours::from_schedules(&sal.schedules, today);
            }
            if let Some(loc) = &sal.location {
                if !loc.schedules.is_empty() {
                    return WeeklyHours::from_schedules(&loc.schedules, today);
                }
            }
        }
        WeeklyHours::from_schedules(&self.schedules, today)
    }

    /// Whether a person of `age` is eligible by the listing's age limits.
    pub fn accepts_age(&self, age: f64) -> bool {
        self.minimum_age.map(|m| age >= m).unwrap_or(true) && self.maximum_age.map(|m| age <= m).unwrap_or(true)
    }

    /// Taxonomy terms linked to the service through attributes.
    pub fn terms(&self) -> impl Iterator<Item = &TaxonomyTermDoc> {
        self.attributes.iter().filter_map(|a| a.taxonomy_term.as_ref())
    }
}

impl LocationDoc {
    pub fn point(&self) -> Option<Point> {
        Point::new(self.latitude?, self.longitude?).ok()
    }

    /// Step-free or wheelchair access, as the listing describes it.
    pub fn wheelchair_accessible(&self) -> bool {
        self.accessibility.iter().any(|a| {
            let text = format!("{} {}", a.description.as_deref().unwrap_or(""), a.details.as_deref().unwrap_or("")).to_lowercase();
            let negated = ["not wheelchair", "no wheelchair", "not accessible", "no step-free", "not step-free", "stairs only"]
                .iter()
                .any(|n| text.contains(n));
            !negated
                && ["wheelchair", "step-free", "step free", "handicap accessible", "accessible entrance", "ramp", "lift", "elevator"]
                    .iter()
                    .any(|w| text.contains(w))
        })
    }

    /// One line: "12 High Street, Millbrook, MB1 2AB".
    pub fn address_line(&self) -> Option<String> {
        let a = self.addresses.iter().find(|a| a.address_type.as_deref() != Some("postal")).or(self.addresses.first())?;
        let parts: Vec<&str> = [Some(a.address_1.as_str()), a.address_2.as_deref(), Some(a.city.as_str()), a.postal_code.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect();
        Some(parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_official_example_shape() {
        let v = json!({
            "id": "s1", "name": "Lunch club", "fees_description": "Free of charge",
            "cost_options": [],
            "languages": [{"id": "l1", "name": "Spanish", "code": "es"}],
            "capacities": [{"id": "c1", "available": 0, "updated": "2024-01-01T00:00:00Z", "unit": {"id": "u", "name": "places"}}],
            "service_at_locations": [{"id": "sal", "location": {"id": "loc", "latitude": 25.7, "longitude": -80.2,
                "accessibility": [{"id": "a", "description": "Step-free entrance and lift"}]}}]
        });
        let s = ServiceDoc::from_json(&v).unwrap();
        assert_eq!(s.cost_level(), CostLevel::Free);
        assert_eq!(s.language_keys(), vec!["spanish", "es"]);
        assert_eq!(s.has_capacity(), Some(false));
        let loc = s.service_at_locations[0].location.as_ref().unwrap();
        assert!(loc.wheelchair_accessible());
        assert!(loc.point().is_some());
    }

    #[test]
    fn cost_levels() {
        let mut s = ServiceDoc::default();
        assert_eq!(s.cost_level(), CostLevel::Unknown);
        s.cost_options.push(CostOptionDoc { amount: Some(3.0), ..Default::default() });
        assert_eq!(s.cost_level(), CostLevel::LowCost);
        s.cost_options[0].amount = Some(12.0);
        assert_eq!(s.cost_level(), CostLevel::Paid);
        s.cost_options[0].option = Some("Free for carers".into());
        assert_eq!(s.cost_level(), CostLevel::Free);
    }

    #[test]
    fn access_wording_is_read_carefully() {
        let loc = |d: &str| LocationDoc { accessibility: vec![AccessibilityDoc { description: Some(d.into()), ..Default::default() }], ..Default::default() };
        assert!(loc("Wheelchair accessible toilets").wheelchair_accessible());
        assert!(!loc("Not wheelchair accessible: stairs only").wheelchair_accessible());
        assert!(!loc("Hearing loop").wheelchair_accessible());
    }
}
