//! Identifiers other systems give a person (an NHS number, a hospital's record number), by
//! which a referral from a health system is matched to the person Linkwork already knows. An
//! NHS number is only taken when its check digit holds; any other identifier needs its system,
//! since a bare number means nothing across systems.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The FHIR identifier system of the NHS number (England and Wales).
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// A 10-digit NHS number whose modulus-11 check digit holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

impl NhsNumber {
    /// Reads an NHS number, written with or without spaces or hyphens ("943 476 5919").
    pub fn parse(s: &str) -> Result<NhsNumber, String> {
        let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{s}' is not an NHS number: it must be 10 digits"));
        }
        let d: Vec<u32> = digits.chars().map(|c| c.to_digit(10).expect("digits")).collect();
        // Weights 10 down to 2 on the first nine digits; 11 − remainder is the check digit
        // (11 is 0, and 10 means no valid number has these nine digits).
        let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return Err(format!("'{s}' is not an NHS number: no check digit fits its first nine digits")),
            c => c,
        };
        if check != d[9] {
            return Err(format!("'{s}' is not an NHS number: its check digit is wrong (mistyped?)"));
        }
        Ok(NhsNumber(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        NhsNumber::parse(&s)
    }
}

impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> String {
        n.0
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// An identifier with the system that issued it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonIdentifier {
    /// A URI naming the issuer (`https://fhir.nhs.uk/Id/nhs-number`, a hospital's MRN system…).
    pub system: String,
    pub value: String,
}

impl PersonIdentifier {
    /// Checks an identifier: a system that is a URI, a value of at most 200 characters, and for
    /// the NHS number system a valid NHS number (kept as its 10 digits).
    pub fn parse(system: &str, value: &str) -> Result<PersonIdentifier, (&'static str, String)> {
        let (system, value) = (system.trim(), value.trim());
        if system.is_empty() {
            return Err(("system", "an identifier needs its system (the URI of who issued it); a bare number is not matched".into()));
        }
        if !(system.starts_with("http://") || system.starts_with("https://") || system.starts_with("urn:")) || system.len() > 500 {
            return Err(("system", format!("'{system}' is not a URI (http://…, https://… or urn:…)")));
        }
        if value.is_empty() || value.chars().count() > 200 || value.chars().any(char::is_control) {
            return Err(("value", "give the identifier's value: 1 to 200 characters".into()));
        }
        if system == NHS_NUMBER_SYSTEM {
            let n = NhsNumber::parse(value).map_err(|e| ("value", e))?;
            return Ok(PersonIdentifier { system: system.into(), value: n.0 });
        }
        Ok(PersonIdentifier { system: system.into(), value: value.into() })
    }

    pub fn is_nhs_number(&self) -> bool {
        self.system == NHS_NUMBER_SYSTEM
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_numbers_are_checked_by_their_check_digit() {
        // 943 476 5919 is the NHS's own example of a valid number.
        assert_eq!(NhsNumber::parse("943 476 5919").unwrap().as_str(), "9434765919");
        assert_eq!(NhsNumber::parse("9434765919").unwrap().to_string(), "943 476 5919");
        assert!(NhsNumber::parse("9434765918").unwrap_err().contains("check digit"));
        assert!(NhsNumber::parse("943476591").unwrap_err().contains("10 digits"));
        assert!(NhsNumber::parse("94347659AB").is_err());
        // Nine digits whose remainder leaves 10: no number starts with them.
        let nine = (0..1_000_000_000u64)
            .step_by(7_919)
            .map(|n| format!("{n:09}"))
            .find(|n| {
                let s: u32 = n.chars().zip((2..=10).rev()).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
                11 - s % 11 == 10
            })
            .unwrap();
        assert!((0..10).all(|d| NhsNumber::parse(&format!("{nine}{d}")).is_err()));
    }

    #[test]
    fn an_identifier_needs_a_system_and_an_nhs_number_a_valid_one() {
        assert_eq!(PersonIdentifier::parse("", "1032702").unwrap_err().0, "system");
        assert_eq!(PersonIdentifier::parse("hospital", "1").unwrap_err().0, "system");
        assert_eq!(PersonIdentifier::parse(NHS_NUMBER_SYSTEM, "943 476 5918").unwrap_err().0, "value");
        assert_eq!(PersonIdentifier::parse(NHS_NUMBER_SYSTEM, "943-476-5919").unwrap().value, "9434765919");
        assert!(PersonIdentifier::parse("http://hospital.smarthealthit.org", "1032702").is_ok());
    }
}
