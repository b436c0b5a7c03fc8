//! `[community]` in the configuration: the code lists a community's records use — partners who
//! take part in meetings, the vulnerable groups a village counts, the kinds of resource it maps,
//! who may lead an action, the supervision checklist, age groups for attendance and the
//! indicators a community may choose to monitor — each code with its name per language.
//! Programmes replace any list; what is not given keeps the defaults (CONNECT's, in en/es/lo).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A code with its name in each language (English required), e.g. a place level or a partner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub code: String,
    /// Language tag → name, e.g. { en = "District", lo = "ເມືອງ" }; English is required.
    pub names: BTreeMap<String, String>,
}

impl Term {
    pub fn new(code: &str, en: &str, es: &str, lo: &str) -> Term {
        Term { code: code.into(), names: [("en", en), ("es", es), ("lo", lo)].map(|(l, n)| (l.to_string(), n.to_string())).into() }
    }

    /// The name configured for exactly this language, if any.
    pub fn configured_name(&self, lang: &str) -> Option<&str> {
        self.names.get(lang).map(String::as_str)
    }

    /// The name in a language, else in English, else the code.
    pub fn name_in(&self, lang: &str) -> &str {
        self.names.get(lang).or_else(|| self.names.get("en")).map(String::as_str).unwrap_or(&self.code)
    }
}

/// An indicator a community may choose to monitor: a count, optionally out of a total
/// ("households with safe water" out of "households").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringIndicator {
    pub code: String,
    pub names: BTreeMap<String, String>,
    /// Whether values give the total they are out of (so the share can be shown).
    #[serde(default)]
    pub out_of: bool,
}

impl MonitoringIndicator {
    fn new(code: &str, en: &str, es: &str, lo: &str, out_of: bool) -> Self {
        MonitoringIndicator { code: code.into(), names: Term::new(code, en, es, lo).names, out_of }
    }
    pub fn term(&self) -> Term {
        Term { code: self.code.clone(), names: self.names.clone() }
    }
}

/// The code lists of the community cycle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommunitySettings {
    pub partners: Vec<Term>,
    pub vulnerable_groups: Vec<Term>,
    pub resource_kinds: Vec<Term>,
    pub leads: Vec<Term>,
    pub age_groups: Vec<Term>,
    pub supervision_checklist: Vec<Term>,
    pub indicators: Vec<MonitoringIndicator>,
}

impl Default for CommunitySettings {
    fn default() -> Self {
        let t = Term::new;
        CommunitySettings {
            partners: vec![
                t("village_authority", "Village authority", "Autoridad de la aldea", "ອົງການປົກຄອງບ້ານ"),
                t("health_centre", "Health centre", "Centro de salud", "ສຸກສາລາ"),
                t("district_office", "District office", "Oficina del distrito", "ຫ້ອງການເມືອງ"),
                t("womens_union", "Women's union", "Unión de mujeres", "ສະຫະພັນແມ່ຍິງ"),
                t("school", "School", "Escuela", "ໂຮງຮຽນ"),
                t("ngo", "Non-governmental organisation", "Organización no gubernamental", "ອົງການບໍ່ຂຶ້ນກັບລັດ"),
            ],
            vulnerable_groups: vec![
                t("older_alone", "Older people living alone", "Personas mayores que viven solas", "ຜູ້ສູງອາຍຸທີ່ຢູ່ຄົນດຽວ"),
                t("disability", "People with disabilities", "Personas con discapacidad", "ຄົນພິການ"),
                t("pregnant", "Pregnant women", "Mujeres embarazadas", "ແມ່ຍິງຖືພາ"),
                t("far_from_care", "Households far from the health centre", "Hogares lejos del centro de salud", "ຄົວເຮືອນທີ່ຢູ່ໄກສຸກສາລາ"),
                t("poor_households", "Poor households", "Hogares pobres", "ຄົວເຮືອນທຸກຍາກ"),
            ],
            resource_kinds: vec![
                t("skills", "People with skills", "Personas con habilidades", "ຄົນທີ່ມີຄວາມສາມາດ"),
                t("group", "Group", "Grupo", "ກຸ່ມ"),
                t("venue", "Place to meet", "Lugar de reunión", "ສະຖານທີ່"),
                t("water_point", "Water point", "Punto de agua", "ແຫຼ່ງນ້ຳ"),
                t("transport", "Transport", "Transporte", "ການຂົນສົ່ງ"),
            ],
            leads: vec![
                t("community", "The community", "La comunidad", "ຊຸມຊົນ"),
                t("village_authority", "Village authority", "Autoridad de la aldea", "ອົງການປົກຄອງບ້ານ"),
                t("health_centre", "Health centre", "Centro de salud", "ສຸກສາລາ"),
                t("district", "District", "Distrito", "ເມືອງ"),
                t("other_partner", "Another partner", "Otro socio", "ພາກສ່ວນອື່ນ"),
            ],
            age_groups: vec![
                t("under_15", "Under 15", "Menores de 15", "ຕ່ຳກວ່າ 15 ປີ"),
                t("15_to_59", "15 to 59", "De 15 a 59", "15 ຫາ 59 ປີ"),
                t("60_plus", "60 and over", "60 y más", "60 ປີຂຶ້ນໄປ"),
            ],
            supervision_checklist: vec![
                t("meetings_held", "Meetings held as planned", "Reuniones celebradas según lo previsto", "ໄດ້ຈັດກອງປະຊຸມຕາມແຜນ"),
                t("records_complete", "Records complete and up to date", "Registros completos y al día", "ບັນທຶກຄົບຖ້ວນ ແລະ ທັນສະໄໝ"),
                t("plan_followed", "Action plan followed up", "Plan de acción con seguimiento", "ໄດ້ຕິດຕາມແຜນປະຕິບັດງານ"),
                t("vulnerable_included", "Vulnerable groups included", "Grupos vulnerables incluidos", "ໄດ້ລວມເອົາກຸ່ມຄົນທີ່ມີຄວາມສ່ຽງ"),
                t("health_centre_linked", "Health centre involved", "Centro de salud involucrado", "ສຸກສາລາມີສ່ວນຮ່ວມ"),
            ],
            indicators: vec![
                MonitoringIndicator::new("safe_water", "Households with safe water", "Hogares con agua segura", "ຄົວເຮືອນທີ່ມີນ້ຳສະອາດ", true),
                MonitoringIndicator::new("anc_attending", "Pregnant women attending antenatal care", "Embarazadas que acuden al control prenatal", "ແມ່ຍິງຖືພາທີ່ໄປຝາກທ້ອງ", true),
                MonitoringIndicator::new("older_visited", "Older people visited", "Personas mayores visitadas", "ຜູ້ສູງອາຍຸທີ່ໄດ້ຮັບການຢ້ຽມຢາມ", false),
                MonitoringIndicator::new("births_at_facility", "Births at a health facility", "Partos en un centro de salud", "ການເກີດລູກຢູ່ສະຖານທີ່ບໍລິການສາທາລະນະສຸກ", true),
            ],
        }
    }
}

pub(crate) fn is_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
}

/// The problems of one list of terms, by where they are in the configuration.
pub(crate) fn check_terms<'a>(list: &str, terms: impl Iterator<Item = (&'a str, &'a BTreeMap<String, String>)>, p: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    let mut n = 0;
    for (i, (code, names)) in terms.enumerate() {
        n += 1;
        if !is_code(code) {
            p.push(format!("{list}[{i}].code: {code:?} must be letters, digits, '-', '.' or '_'"));
        }
        if !seen.insert(code) {
            p.push(format!("{list}[{i}].code: {code:?} is given twice"));
        }
        if names.get("en").is_none_or(|n| n.trim().is_empty()) {
            p.push(format!("{list}[{i}].names: give at least an English name (en = \"…\")"));
        }
    }
    if n == 0 {
        p.push(format!("{list}: give at least one"));
    }
}

impl CommunitySettings {
    /// Every setting that cannot be used, with where it is.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut p = vec![];
        for (name, list) in [
            ("community.partners", &self.partners),
            ("community.vulnerable_groups", &self.vulnerable_groups),
            ("community.resource_kinds", &self.resource_kinds),
            ("community.leads", &self.leads),
            ("community.age_groups", &self.age_groups),
            ("community.supervision_checklist", &self.supervision_checklist),
        ] {
            check_terms(name, list.iter().map(|t| (t.code.as_str(), &t.names)), &mut p);
        }
        check_terms("community.indicators", self.indicators.iter().map(|t| (t.code.as_str(), &t.names)), &mut p);
        if p.is_empty() {
            Ok(())
        } else {
            Err(p)
        }
    }

    /// The list a kind of code is drawn from, by its name in records and the API.
    pub fn list(&self, name: &str) -> Vec<Term> {
        match name {
            "partners" => self.partners.clone(),
            "vulnerable_groups" => self.vulnerable_groups.clone(),
            "resource_kinds" => self.resource_kinds.clone(),
            "leads" => self.leads.clone(),
            "age_groups" => self.age_groups.clone(),
            "supervision_checklist" => self.supervision_checklist.clone(),
            "indicators" => self.indicators.iter().map(MonitoringIndicator::term).collect(),
            _ => vec![],
        }
    }

    pub fn indicator(&self, code: &str) -> Option<&MonitoringIndicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_hold_and_a_broken_list_is_named() {
        let mut s = CommunitySettings::default();
        assert!(s.check().is_ok());
        assert_eq!(s.list("leads")[0].name_in("lo"), "ຊຸມຊົນ");
        s.partners.push(s.partners[0].clone());
        s.age_groups.clear();
        let p = s.check().unwrap_err();
        assert!(p.iter().any(|m| m.starts_with("community.partners[6].code")), "{p:?}");
        assert!(p.iter().any(|m| m == "community.age_groups: give at least one"), "{p:?}");
    }
}
