//! `[identification]` in the configuration: the rules that find a practice's patients who may
//! benefit from social prescribing. Each rule has a code (what the worklist and the audit log call
//! it), its name in each language, can be switched off, and says which needs a referral from it
//! proposes. What a programme does not give keeps the defaults below.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{same_system, Coding, LOINC, SNOMED};
use crate::instrument::{DomainTest, Purpose};

/// A rule's name in each language (`{ en = "…", es = "…", lo = "…" }`; English required).
pub type RuleNames = BTreeMap<String, String>;

fn names(en: &str, es: &str, lo: &str) -> RuleNames {
    [("en", en), ("es", es), ("lo", lo)].map(|(l, n)| (l.to_string(), n.to_string())).into()
}

fn coding(system: &str, code: &str, display: &str) -> Coding {
    Coding { system: system.into(), code: code.into(), display: Some(display.into()) }
}

/// Frequent attendance: at least `min_encounters` encounters of the listed classes in the
/// `months` before the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrequentAttenderRule {
    pub enabled: bool,
    pub code: String,
    pub names: RuleNames,
    pub min_encounters: u32,
    pub months: u32,
    /// Encounter class codes counted (v3 ActCode: `AMB` ambulatory, `VR` virtual, `HH` home);
    /// empty: every encounter. An encounter without a class counts only when this is empty.
    pub classes: Vec<String>,
    /// Needs a referral from this rule proposes (the referrer chooses; may be none).
    pub needs: Vec<String>,
}

impl Default for FrequentAttenderRule {
    fn default() -> Self {
        FrequentAttenderRule {
            enabled: true,
            code: "frequent_attender".into(),
            names: names("Frequent attender", "Consultas frecuentes", "ມາພົບແພດເລື້ອຍໆ"),
            min_encounters: 8,
            months: 12,
            classes: vec!["AMB".into()],
            needs: vec![],
        }
    }
}

/// A coded finding: a Condition or an Observation carrying one of `codes`, recorded in the
/// `months` before the run (a condition still active, an observation not answered "false").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FindingRule {
    pub enabled: bool,
    pub code: String,
    pub names: RuleNames,
    pub months: u32,
    pub codes: Vec<Coding>,
    pub needs: Vec<String>,
}

impl Default for FindingRule {
    fn default() -> Self {
        FindingRule {
            enabled: true,
            code: "isolation_finding".into(),
            names: names("Loneliness or social isolation recorded", "Soledad o aislamiento social registrado", "ມີບັນທຶກຄວາມໂດດດ່ຽວ ຫຼື ການແຍກຕົວຈາກສັງຄົມ"),
            months: 24,
            codes: vec![
                // SNOMED CT findings the Gravity Project's social connection domain and
                // practices use; a programme adds its own (national loneliness codes) here.
                coding(SNOMED, "422650009", "Social isolation (finding)"),
                coding(SNOMED, "423315002", "Limited social contact (finding)"),
                coding(SNOMED, "1144779008", "At increased risk for social isolation (finding)"),
            ],
            needs: vec!["social_connection".into()],
        }
    }
}

/// An answer to a screening question that screens positive, and the need it proposes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodedAnswer {
    /// The question's (or the screen's) code: an Observation.code.
    pub system: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// Answer codes (valueCodeableConcept) that are positive; an Observation of this code whose
    /// interpretation is positive (`POS`, `A`) counts whatever its value.
    #[serde(default)]
    pub positive: Vec<String>,
    /// The needs code proposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<String>,
}

/// A positive social-needs screen: an Observation of one of `items` with a positive answer or
/// interpretation, in the `months` before the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScreenRule {
    pub enabled: bool,
    pub code: String,
    pub names: RuleNames,
    pub months: u32,
    pub items: Vec<CodedAnswer>,
}

impl Default for ScreenRule {
    fn default() -> Self {
        ScreenRule {
            enabled: true,
            code: "positive_screen".into(),
            names: names("Positive social needs screen", "Cribado de necesidades sociales positivo", "ການກວດຄັດກອງຄວາມຕ້ອງການທາງສັງຄົມເປັນບວກ"),
            months: 12,
            items: shipped_screen_items(),
        }
    }
}

/// The screening questions of the instruments Linkwork ships (AHC HRSN core, Hunger Vital
/// Sign) whose positive answers their own definitions give, by LOINC code, with the need each
/// domain proposes; and the Hunger Vital Sign's own risk Observation (LOINC 88124-3, "At risk").
pub fn shipped_screen_items() -> Vec<CodedAnswer> {
    let mut out: Vec<CodedAnswer> = vec![];
    for ins in crate::instrument::built_in() {
        if !ins.scoring.purpose.contains(&Purpose::Screening) {
            continue;
        }
        for d in &ins.scoring.domains {
            let DomainTest::AnyAnswer { items, codes } = &d.positive_if else { continue };
            for link in items {
                let Some(code) = ins.item(link).and_then(|i| i.code.clone()).filter(|c| same_system(&c.system, LOINC)) else { continue };
                match out.iter_mut().find(|o| o.code == code.code) {
                    Some(o) => o.positive.extend(codes.iter().filter(|c| !o.positive.contains(c)).cloned().collect::<Vec<_>>()),
                    None => out.push(CodedAnswer { system: LOINC.into(), code: code.code, display: code.display, positive: codes.clone(), need: d.need.clone() }),
                }
            }
        }
    }
    out.push(CodedAnswer { system: LOINC.into(), code: "88124-3".into(), display: Some("Food insecurity risk [HVS]".into()), positive: vec!["LA19952-3".into()], need: Some("food".into()) });
    out
}

/// The rules, as `[identification]` gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentificationSettings {
    pub frequent_attender: FrequentAttenderRule,
    pub isolation_finding: FindingRule,
    pub positive_screen: ScreenRule,
}

fn is_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
}

impl IdentificationSettings {
    /// Every setting that cannot be used, with where it is.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut p = vec![];
        let needs_ok = |at: &str, needs: &mut dyn Iterator<Item = &String>, p: &mut Vec<String>| {
            for (i, n) in needs.enumerate() {
                if crate::pathway::needs::need(n).is_none() {
                    p.push(format!("{at}[{i}]: '{n}' is not a needs code (see GET /api/v1/code-lists/needs)"));
                }
            }
        };
        let common = |at: &str, code: &str, names: &RuleNames, months: u32, p: &mut Vec<String>| {
            if !is_code(code) {
                p.push(format!("{at}.code: {code:?} must be letters, digits, '-', '.' or '_'"));
            }
            if names.get("en").is_none_or(|n| n.trim().is_empty()) {
                p.push(format!("{at}.names: give at least an English name (en = \"…\")"));
            }
            if !(1..=120).contains(&months) {
                p.push(format!("{at}.months: {months} is not a period; give 1 to 120 months"));
            }
        };
        let f = &self.frequent_attender;
        common("identification.frequent_attender", &f.code, &f.names, f.months, &mut p);
        if !(2..=366).contains(&f.min_encounters) {
            p.push(format!("identification.frequent_attender.min_encounters: {} is not a useful threshold; give 2 to 366", f.min_encounters));
        }
        needs_ok("identification.frequent_attender.needs", &mut f.needs.iter(), &mut p);
        let i = &self.isolation_finding;
        common("identification.isolation_finding", &i.code, &i.names, i.months, &mut p);
        if i.enabled && i.codes.is_empty() {
            p.push("identification.isolation_finding.codes: give at least one code (system and code), or set enabled = false".into());
        }
        for (n, c) in i.codes.iter().enumerate() {
            if c.system.trim().is_empty() || c.code.trim().is_empty() {
                p.push(format!("identification.isolation_finding.codes[{n}]: give its system (e.g. {SNOMED}) and code"));
            }
        }
        needs_ok("identification.isolation_finding.needs", &mut i.needs.iter(), &mut p);
        let s = &self.positive_screen;
        common("identification.positive_screen", &s.code, &s.names, s.months, &mut p);
        if s.enabled && s.items.is_empty() {
            p.push("identification.positive_screen.items: give at least one screening question, or set enabled = false".into());
        }
        for (n, c) in s.items.iter().enumerate() {
            if c.system.trim().is_empty() || c.code.trim().is_empty() {
                p.push(format!("identification.positive_screen.items[{n}]: give its system (e.g. {LOINC}) and code"));
            }
            needs_ok(&format!("identification.positive_screen.items[{n}].need"), &mut c.need.iter(), &mut p);
        }
        let codes = [&f.code, &i.code, &s.code];
        if codes[0] == codes[1] || codes[0] == codes[2] || codes[1] == codes[2] {
            p.push("identification: each rule needs its own code".into());
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(p)
        }
    }

    /// The name of the rule with `code` in a language (else English, else the code).
    pub fn rule_name<'a>(&'a self, code: &'a str, lang: &str) -> &'a str {
        let names = [&self.frequent_attender.names, &self.isolation_finding.names, &self.positive_screen.names];
        let codes = [&self.frequent_attender.code, &self.isolation_finding.code, &self.positive_screen.code];
        match codes.iter().position(|c| c.as_str() == code) {
            Some(i) => names[i].get(lang).or_else(|| names[i].get("en")).map(String::as_str).unwrap_or(code),
            None => code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_hold_and_name_the_shipped_screens() {
        let s = IdentificationSettings::default();
        assert_eq!(s.check(), Ok(()));
        let food = s.positive_screen.items.iter().find(|i| i.code == "88122-7").expect("the AHC HRSN and HVS food question");
        assert_eq!(food.positive, vec!["LA28397-0".to_string(), "LA6729-3".to_string()]);
        assert_eq!(food.need.as_deref(), Some("food"));
        assert!(s.positive_screen.items.iter().any(|i| i.code == "71802-3" && i.need.as_deref() == Some("housing")));
        assert_eq!(s.rule_name("isolation_finding", "es"), "Soledad o aislamiento social registrado");
        assert_eq!(s.rule_name("frequent_attender", "fr"), "Frequent attender");
    }

    #[test]
    fn a_broken_rule_is_named_where_it_is() {
        let mut s = IdentificationSettings::default();
        s.frequent_attender.min_encounters = 0;
        s.isolation_finding.codes.clear();
        s.isolation_finding.needs = vec!["company".into()];
        s.positive_screen.code = "frequent_attender".into();
        let p = s.check().unwrap_err();
        assert!(p.iter().any(|m| m.starts_with("identification.frequent_attender.min_encounters")), "{p:?}");
        assert!(p.iter().any(|m| m.starts_with("identification.isolation_finding.codes")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("'company' is not a needs code")), "{p:?}");
        assert!(p.iter().any(|m| m == "identification: each rule needs its own code"), "{p:?}");
        s.isolation_finding.enabled = false;
        assert!(!s.check().unwrap_err().iter().any(|m| m.starts_with("identification.isolation_finding.codes")));
    }
}
