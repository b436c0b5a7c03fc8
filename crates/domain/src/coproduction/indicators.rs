//! The observatory's indicators for what communities monitor: one definition per entry of
//! `[community] indicators`, made when the configuration is loaded, so that "households with safe
//! water" is evaluated, broken down by place and period and protected by disclosure control like
//! every shipped indicator (decision 0014). A share where the indicator has a total, else a count.

use std::collections::BTreeMap;

use super::settings::MonitoringIndicator;
use crate::observatory::definition::{Aggregate, ConsentNeeded, Dimension, IndicatorDef, Population, LANGUAGES};

/// The id an indicator's definition has: `community-` and its code, in the ids' alphabet.
pub fn definition_id(code: &str) -> String {
    let code: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let id = format!("community-{}", code.trim_matches('-'));
    id.chars().take(64).collect::<String>().trim_end_matches('-').to_string()
}

impl MonitoringIndicator {
    /// Its definition in the observatory. Languages the configuration gives no name in take the
    /// English one.
    pub fn definition(&self) -> IndicatorDef {
        let name = |lang: &str| self.names.get(lang).or_else(|| self.names.get("en")).cloned().unwrap_or_else(|| self.code.clone());
        let description = |lang: &str| {
            let n = name(lang);
            match (self.out_of, lang) {
                (true, "es") => format!(
                    "{n}: de todos los hogares o personas que cuenta cada lugar, la proporción que la comunidad registró como cumplida, con el último valor mensual de cada lugar en el periodo (seguimiento comunitario)."
                ),
                (true, "lo") => format!(
                    "{n}: ຈາກຄົວເຮືອນ ຫຼື ຄົນທັງໝົດທີ່ແຕ່ລະບ່ອນນັບ, ສ່ວນທີ່ຊຸມຊົນບັນທຶກວ່າບັນລຸ, ຈາກຄ່າປະຈຳເດືອນລ່າສຸດຂອງແຕ່ລະບ່ອນໃນໄລຍະນັ້ນ (ການຕິດຕາມຂອງຊຸມຊົນ)."
                ),
                (true, _) => format!(
                    "{n}: of all the households or people each place counts, the share its community recorded as meeting it, from each place's latest monthly value in the period (community monitoring)."
                ),
                (false, "es") => format!(
                    "{n}: cuántos registraron las comunidades, con el último valor mensual de cada lugar en el periodo (seguimiento comunitario)."
                ),
                (false, "lo") => format!("{n}: ຈຳນວນທີ່ຊຸມຊົນບັນທຶກ, ຈາກຄ່າປະຈຳເດືອນລ່າສຸດຂອງແຕ່ລະບ່ອນໃນໄລຍະນັ້ນ (ການຕິດຕາມຂອງຊຸມຊົນ)."),
                (false, _) => format!(
                    "{n}: how many the communities recorded, from each place's latest monthly value in the period (community monitoring)."
                ),
            }
        };
        let texts = |f: &dyn Fn(&str) -> String| -> BTreeMap<String, String> { LANGUAGES.iter().map(|l| (l.to_string(), f(l))).collect() };
        IndicatorDef {
            id: definition_id(&self.code),
            version: "1.0.0".into(),
            title: texts(&name),
            description: texts(&description),
            population: Population::CommunityValues,
            // A count is of those the values say meet it (older people visited), not of the totals.
            filter: (!self.out_of).then(|| "met".to_string()),
            aggregate: if self.out_of {
                Aggregate::Proportion { numerator: "met".into(), denominator: "all".into() }
            } else {
                Aggregate::Count
            },
            unit: if self.out_of { "percent" } else { "people" }.into(),
            breakdowns: vec![Dimension::Period, Dimension::Place, Dimension::PlaceAbove],
            consent: ConsentNeeded::None,
            per_population: false,
            community_indicator: Some(self.code.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coproduction::settings::CommunitySettings;

    #[test]
    fn every_default_indicator_makes_a_definition_that_passes_the_checks() {
        for i in CommunitySettings::default().indicators {
            let d = i.definition();
            d.check().unwrap_or_else(|e| panic!("{}: {e}", i.code));
            assert_eq!(d.title_in("lo"), i.names["lo"]);
            assert_eq!(d.aggregate.kind(), if i.out_of { "proportion" } else { "count" });
        }
        assert_eq!(definition_id("safe_water"), "community-safe-water");
        assert_eq!(definition_id("ANC.1"), "community-anc-1");
    }

    #[test]
    fn a_definition_over_community_values_must_name_its_indicator_and_count_whole_values() {
        let mut d = CommunitySettings::default().indicators[0].definition();
        d.community_indicator = None;
        d.filter = Some("met".into());
        d.aggregate = Aggregate::Mean { value: "x".into() };
        let e = d.check().unwrap_err().0.join("\n");
        for needle in ["community_indicator: is missing", "aggregate: community values", "where: a share of community values"] {
            assert!(e.contains(needle), "{needle} missing from {e}");
        }
    }
}
