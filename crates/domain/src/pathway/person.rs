//! A person referred for social prescribing: identity and contact details, how they like to be
//! contacted and in which language, the optional equity fields indicators need, and their
//! household and carers. Parsed from input into a checked value, with every problem named.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{FieldError, Problems};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    Phone,
    TextMessage,
    Email,
    Letter,
    InPerson,
}

/// FHIR administrative gender.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HouseholdMember {
    pub name: String,
    /// E.g. "daughter", "partner", "neighbour".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    /// Whether this person cares for them (or they for this person, with `cared_for`).
    #[serde(default)]
    pub is_carer: bool,
    #[serde(default)]
    pub cared_for: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// A person's details, as given and as stored. All but a name are optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonDetails {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// As the person describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// A code from the deployment's ethnicity code list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_contact: Option<ContactMethod>,
    /// BCP 47 language tag, e.g. "en", "es", "lo".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default)]
    pub interpreter_needed: bool,
    /// The area (ward, village, neighbourhood) for breakdowns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Index of multiple deprivation decile, 1 (most deprived) to 10, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprivation_decile: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub household: Vec<HouseholdMember>,
}

/// The ethnicity codes used when a deployment configures none: the 2021 census of England and
/// Wales' 19 categories, by their NHS data dictionary letter codes, plus Z (not stated).
pub const DEFAULT_ETHNICITY_CODES: &[(&str, &str)] = &[
    ("A", "White: British"),
    ("B", "White: Irish"),
    ("C", "White: any other White background"),
    ("D", "Mixed: White and Black Caribbean"),
    ("E", "Mixed: White and Black African"),
    ("F", "Mixed: White and Asian"),
    ("G", "Mixed: any other mixed background"),
    ("H", "Asian or Asian British: Indian"),
    ("J", "Asian or Asian British: Pakistani"),
    ("K", "Asian or Asian British: Bangladeshi"),
    ("L", "Asian or Asian British: any other Asian background"),
    ("M", "Black or Black British: Caribbean"),
    ("N", "Black or Black British: African"),
    ("P", "Black or Black British: any other Black background"),
    ("R", "Other ethnic groups: Chinese"),
    ("S", "Other ethnic groups: any other ethnic group"),
    ("Z", "Not stated"),
];

fn valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    (7..=15).contains(&digits) && s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn valid_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn valid_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl PersonDetails {
    /// Checks and tidies the details (trimmed, empty text dropped, codes in their canonical case).
    /// `prefix` goes before field names in errors (e.g. "person."); `ethnicity_codes` is the
    /// deployment's list; `today` bounds the birth date.
    pub fn parse(self, prefix: &str, ethnicity_codes: &[&str], today: NaiveDate) -> Result<PersonDetails, Vec<FieldError>> {
        let mut p = Problems::default();
        let f = |name: &str| format!("{prefix}{name}");
        let given_name = p.text(&f("given_name"), self.given_name.as_deref(), 100, false);
        let family_name = p.text(&f("family_name"), self.family_name.as_deref(), 100, false);
        let preferred_name = p.text(&f("preferred_name"), self.preferred_name.as_deref(), 100, false);
        if given_name.is_none() && family_name.is_none() && preferred_name.is_none() && p.0.is_empty() {
            p.keyed(f("given_name"), "err-no-name", &[], "give at least one name (given, family or preferred)");
        }
        let birth_date = match self.birth_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d > today => {
                    p.keyed(f("birth_date"), "err-birth-date-future", &[], "is in the future");
                    None
                }
                Ok(d) if d.year() < today.year() - 130 => {
                    p.keyed(f("birth_date"), "err-birth-date-too-old", &[], "is more than 130 years ago; check the year");
                    None
                }
                Ok(d) => Some(d.format("%Y-%m-%d").to_string()),
                Err(_) => {
                    p.keyed(f("birth_date"), "err-not-a-date", &[("value", s)], format!("'{s}' is not a date; write it as YYYY-MM-DD, e.g. 1956-03-21"));
                    None
                }
            },
        };
        let gender = p.text(&f("gender"), self.gender.as_deref(), 100, false);
        let ethnicity = match self.ethnicity.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(code) => match ethnicity_codes.iter().find(|c| c.eq_ignore_ascii_case(code)) {
                Some(c) => Some(c.to_string()),
                None => {
                    p.keyed(f("ethnicity"), "err-ethnicity", &[("value", code)], format!("'{code}' is not in this service's ethnicity code list ({})", ethnicity_codes.join(", ")));
                    None
                }
            },
        };
        let phone = p.text(&f("phone"), self.phone.as_deref(), 40, false);
        if let Some(ph) = &phone {
            if !valid_phone(ph) {
                p.keyed(f("phone"), "err-phone", &[("value", ph)], format!("'{ph}' is not a phone number: use 7 to 15 digits, with spaces, +, - or brackets if you like"));
            }
        }
        let email = p.text(&f("email"), self.email.as_deref(), 254, false).map(|e| e.to_lowercase());
        if let Some(e) = &email {
            if !valid_email(e) {
                p.keyed(f("email"), "err-email", &[("value", e)], format!("'{e}' is not an email address (name@example.org)"));
            }
        }
        let address = p.text(&f("address"), self.address.as_deref(), 500, false);
        let postcode = p.text(&f("postcode"), self.postcode.as_deref(), 16, false).map(|s| s.to_uppercase());
        let language = match self.language.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(l) if valid_language(l) => Some(l.to_string()),
            Some(l) => {
                p.keyed(f("language"), "err-language-tag", &[("value", l)], format!("'{l}' is not a language tag; use a code such as en, es, lo or pt-BR"));
                None
            }
        };
        let area = p.text(&f("area"), self.area.as_deref(), 200, false);
        if let Some(d) = self.deprivation_decile {
            if !(1..=10).contains(&d) {
                p.keyed(f("deprivation_decile"), "err-decile", &[], format!("{d} is not a decile: use 1 (most deprived) to 10"));
            }
        }
        if self.preferred_contact == Some(ContactMethod::Email) && email.is_none() {
            p.keyed(f("email"), "err-email-needed", &[], "is needed when the preferred contact is email");
        }
        if matches!(self.preferred_contact, Some(ContactMethod::Phone | ContactMethod::TextMessage)) && phone.is_none() {
            p.keyed(f("phone"), "err-phone-needed", &[], "is needed when the preferred contact is by phone or text message");
        }
        if self.household.len() > 20 {
            p.add(f("household"), "has more than 20 members");
        }
        let mut household = Vec::new();
        for (i, m) in self.household.into_iter().enumerate() {
            let name = p.text(&f(&format!("household.{i}.name")), Some(&m.name), 200, true);
            let relationship = p.text(&f(&format!("household.{i}.relationship")), m.relationship.as_deref(), 100, false);
            let phone = p.text(&f(&format!("household.{i}.phone")), m.phone.as_deref(), 40, false);
            if let Some(ph) = &phone {
                if !valid_phone(ph) {
                    p.keyed(f(&format!("household.{i}.phone")), "err-phone", &[("value", ph)], format!("'{ph}' is not a phone number"));
                }
            }
            household.push(HouseholdMember { name: name.unwrap_or_default(), relationship, is_carer: m.is_carer, cared_for: m.cared_for, phone });
        }
        let out = PersonDetails {
            given_name,
            family_name,
            preferred_name,
            birth_date,
            sex: self.sex,
            gender,
            ethnicity,
            phone,
            email,
            address,
            postcode,
            preferred_contact: self.preferred_contact,
            language,
            interpreter_needed: self.interpreter_needed,
            area,
            deprivation_decile: self.deprivation_decile,
            household,
        };
        p.into_result(out)
    }

    /// How lists show the person.
    pub fn display_name(&self) -> String {
        let given = self.preferred_name.as_deref().or(self.given_name.as_deref());
        [given, self.family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
    }

    /// The key two records of the same person are likely to share: name letters and birth date.
    /// None without both a family name and a birth date.
    pub fn duplicate_key(&self) -> Option<String> {
        let norm = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        let family = norm(self.family_name.as_deref()?);
        let given = norm(self.given_name.as_deref().or(self.preferred_name.as_deref()).unwrap_or(""));
        let born = self.birth_date.as_deref()?;
        Some(format!("{family}|{given}|{born}"))
    }

    /// Age in whole years on `day`, when the birth date is known.
    pub fn age_on(&self, day: NaiveDate) -> Option<u32> {
        let b = NaiveDate::parse_from_str(self.birth_date.as_deref()?, "%Y-%m-%d").ok()?;
        day.years_since(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn good_details_are_tidied_and_bad_ones_named() {
        let p = PersonDetails {
            given_name: Some(" Ana ".into()),
            family_name: Some("García".into()),
            birth_date: Some("1950-02-03".into()),
            email: Some("Ana@Example.org".into()),
            ethnicity: Some("s".into()),
            ..Default::default()
        };
        let ok = p.parse("", &["A", "S"], today()).unwrap();
        assert_eq!(ok.given_name.as_deref(), Some("Ana"));
        assert_eq!(ok.email.as_deref(), Some("ana@example.org"));
        assert_eq!(ok.ethnicity.as_deref(), Some("S"));
        assert_eq!(ok.duplicate_key().as_deref(), Some("garcía|ana|1950-02-03"));
        assert_eq!(ok.age_on(today()), Some(76));

        let bad = PersonDetails {
            birth_date: Some("3/2/1950".into()),
            phone: Some("call me".into()),
            deprivation_decile: Some(11),
            language: Some("english!".into()),
            preferred_contact: Some(ContactMethod::Email),
            ..Default::default()
        };
        let errs = bad.parse("person.", &["A"], today()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["person.given_name", "person.birth_date", "person.phone", "person.language", "person.deprivation_decile", "person.email"]);
    }
}
