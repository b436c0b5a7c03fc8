//! Upgrading HSDS 1.x/2.0 tabular packages to HSDS 3.1, as the standard's own changes did:
//! physical/postal addresses became `address` with `address_type`; regular and holiday
//! schedules became RFC 5545 `schedule`s; `taxonomy` + `services_taxonomy` became `taxonomy`,
//! `taxonomy_term` and `attribute`; service/other attributes became `attribute`; `eligibility`
//! rows became `service.eligibility_description`; phone numbers inside contacts and languages
//! inside phones became their own rows.
//!
//! Every upgrade is said once per file in the report, so a publisher can see what was rewritten.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use linkwork_domain::hsds::table;

use crate::assemble::{Assembler, Key, Loc, RawRow};
use crate::error::ReadError;
use crate::report::{Action, Severity};
use crate::tabular::TableFile;

/// An HSDS 1.x/2.0 file with no HSDS 3.1 file of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Legacy {
    PhysicalAddresses,
    PostalAddresses,
    RegularSchedules,
    HolidaySchedules,
    ServicesTaxonomy,
    Taxonomy,
    Eligibility,
    AccessibilityForDisabilities,
    ServicesAtLocation,
    ServiceAttributes,
    OtherAttributes,
    PaymentsAccepted,
}

impl Legacy {
    /// By file stem or datapackage resource name.
    pub fn from_name(name: &str) -> Option<Legacy> {
        Some(match name {
            "physical_addresses" | "physical_address" => Legacy::PhysicalAddresses,
            "postal_addresses" | "postal_address" => Legacy::PostalAddresses,
            "regular_schedules" | "regular_schedule" => Legacy::RegularSchedules,
            "holiday_schedules" | "holiday_schedule" => Legacy::HolidaySchedules,
            "services_taxonomy" | "service_taxonomy" | "services_taxonomies" => {
                Legacy::ServicesTaxonomy
            }
            "taxonomy" => Legacy::Taxonomy,
            "eligibility" | "eligibilities" => Legacy::Eligibility,
            "accessibility_for_disabilities" => Legacy::AccessibilityForDisabilities,
            "services_at_location" | "services_at_locations" => Legacy::ServicesAtLocation,
            "service_attributes" | "service_attribute" => Legacy::ServiceAttributes,
            "other_attributes" | "other_attribute" => Legacy::OtherAttributes,
            "payments_accepted" | "payment_accepted" => Legacy::PaymentsAccepted,
            _ => return None,
        })
    }
}

/// What the upgrade collects across files.
#[derive(Default)]
pub(crate) struct Context {
    /// Eligibility texts by the service's raw id, in file order.
    eligibility: BTreeMap<String, Vec<(Loc, String)>>,
    /// Vocabularies of a 1.x taxonomy.csv, with the first row naming each.
    vocabularies: BTreeMap<String, Loc>,
    /// Rows made from columns of other rows (phones of contacts, languages of phones).
    extra: Vec<RawRow>,
}

fn t(name: &str) -> &'static linkwork_domain::hsds::TableDef {
    table(name).expect("HSDS 3.1 table")
}

fn note(asm: &mut Assembler<'_>, file: &Arc<str>, message: String) -> Result<(), ReadError> {
    let at = Loc::file(file);
    asm.problem(Severity::Repaired, &at, None, message, Action::Upgraded)
}

/// Upgrades the rows of one legacy file, appending HSDS 3.1 rows to `out`.
pub(crate) fn upgrade_file(
    kind: Legacy,
    f: &TableFile,
    out: &mut Vec<RawRow>,
    ctx: &mut Context,
    asm: &mut Assembler<'_>,
) -> Result<(), ReadError> {
    let n = f.rows.len();
    let row = |table: &str, at: &Loc, fields: &[(Key, String)]| RawRow {
        table: t(table),
        at: at.clone(),
        fields: fields.to_vec(),
        id_made: false,
    };
    match kind {
        Legacy::PhysicalAddresses | Legacy::PostalAddresses => {
            let ty = if kind == Legacy::PhysicalAddresses {
                "physical"
            } else {
                "postal"
            };
            for (at, fields) in &f.rows {
                let mut r = row("address", at, fields);
                r.set("address_type", ty);
                if kind == Legacy::PostalAddresses {
                    namespace(&mut r, "postal");
                }
                // 3.1 has two address lines; lines 3 and 4 are kept by joining them onto line 2.
                let extra: Vec<String> = ["address_2", "address_3", "address_4"]
                    .iter()
                    .filter_map(|k| r.remove(k))
                    .filter(|v| !v.trim().is_empty())
                    .collect();
                if !extra.is_empty() {
                    r.set("address_2", extra.join(", "));
                }
                out.push(r);
            }
            note(
                asm,
                &f.file,
                format!(
                    "HSDS 1.x/2.0 {} ({n} rows) upgraded to 3.1 address with address_type '{ty}'",
                    f.stem
                ),
            )?;
        }
        Legacy::RegularSchedules => {
            for (at, fields) in &f.rows {
                let mut r = row("schedule", at, fields);
                if let Some(text) = r.remove("original_text").filter(|s| !s.trim().is_empty()) {
                    if r.get_nonblank("description").is_none() {
                        r.set("description", text);
                    }
                }
                if let Some(day) = r.remove("weekday").filter(|s| !s.trim().is_empty()) {
                    match weekday(&day) {
                        Some((code, numeric)) => {
                            r.set("byday", code);
                            if numeric {
                                asm.problem(
                                    Severity::Repaired,
                                    at,
                                    Some("weekday"),
                                    format!("read weekday '{}' as {code} (ISO 8601: 1 = Monday … 7 = Sunday)", day.trim()),
                                    Action::Repaired,
                                )?;
                            }
                        }
                        None => {
                            asm.problem(
                                Severity::Error,
                                at,
                                Some("weekday"),
                                format!("'{}' is not a day of the week", day.trim()),
                                Action::FieldLeftEmpty,
                            )?;
                        }
                    }
                }
                if r.get_nonblank("freq").is_none() {
                    r.set("freq", "WEEKLY");
                }
                out.push(r);
            }
            note(
                asm,
                &f.file,
                format!("HSDS 1.x/2.0 regular_schedules ({n} rows) upgraded to 3.1 schedule (freq WEEKLY, byday; original_text kept in description)"),
            )?;
        }
        Legacy::HolidaySchedules => {
            for (at, fields) in &f.rows {
                let mut r = row("schedule", at, fields);
                namespace(&mut r, "holiday");
                r.rename("start_date", "valid_from");
                r.rename("end_date", "valid_to");
                if let Some(closed) = r.remove("closed") {
                    let closed = matches!(
                        closed.trim().to_ascii_lowercase().as_str(),
                        "true" | "1" | "yes" | "y" | "t"
                    );
                    let text = if closed {
                        "Closed (holiday)"
                    } else {
                        "Open with holiday hours"
                    };
                    let notes = match r.get_nonblank("notes") {
                        Some(n) => format!("{text}. {n}"),
                        None => text.to_string(),
                    };
                    r.set("notes", notes);
                }
                out.push(r);
            }
            note(asm, &f.file, format!("HSDS 1.x/2.0 holiday_schedules ({n} rows) upgraded to 3.1 schedule (valid_from/valid_to, closed or open in notes)"))?;
        }
        Legacy::ServicesTaxonomy => {
            for (at, fields) in &f.rows {
                let mut r = row("attribute", at, fields);
                r.rename("service_id", "link_id");
                r.rename("taxonomy_id", "taxonomy_term_id");
                r.rename("taxonomy_detail", "value");
                r.set("link_entity", "service");
                out.push(r);
            }
            note(asm, &f.file, format!("HSDS 1.x/2.0 services_taxonomy ({n} rows) upgraded to 3.1 attribute (link_entity 'service')"))?;
        }
        Legacy::ServiceAttributes | Legacy::OtherAttributes => {
            for (at, fields) in &f.rows {
                let mut r = row("attribute", at, fields);
                namespace(&mut r, &f.stem);
                if kind == Legacy::ServiceAttributes {
                    r.rename("service_id", "link_id");
                    r.set("link_entity", "service");
                } else {
                    // 2.0's link_type named the linked table, which 3.1 calls link_entity.
                    r.rename("link_type", "link_entity");
                }
                r.rename("taxonomy_id", "taxonomy_term_id");
                out.push(r);
            }
            note(
                asm,
                &f.file,
                format!("HSDS 2.0 {} ({n} rows) upgraded to 3.1 attribute", f.stem),
            )?;
        }
        Legacy::Taxonomy => {
            for (at, fields) in &f.rows {
                let mut r = row("taxonomy_term", at, fields);
                r.rename("term", "name");
                let vocabulary = r
                    .remove("vocabulary")
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| v.trim().to_string());
                let vocabulary =
                    vocabulary.or_else(|| r.get_nonblank("taxonomy").map(|v| v.trim().to_string()));
                if let Some(v) = vocabulary {
                    ctx.vocabularies
                        .entry(v.clone())
                        .or_insert_with(|| at.clone());
                    r.set("taxonomy", v.clone());
                    r.set("taxonomy_id", v);
                }
                // 1.x taxonomies used the code itself as the id (e.g. AIRS 'BD-1800.2000').
                if r.get_nonblank("code").is_none() {
                    if let Some(id) = r
                        .get_nonblank("id")
                        .filter(|id| uuid::Uuid::parse_str(id.trim()).is_err())
                    {
                        let id = id.trim().to_string();
                        r.set("code", id);
                    }
                }
                // The parent's name is the parent row's own name; nothing is lost by dropping it.
                r.remove("parent_name");
                out.push(r);
            }
            note(
                asm,
                &f.file,
                format!("HSDS 1.x taxonomy ({n} rows) upgraded to 3.1 taxonomy_term (one taxonomy per vocabulary, the old id kept as code)"),
            )?;
        }
        Legacy::Eligibility => {
            for (at, fields) in &f.rows {
                let r = row("service", at, fields);
                let text = r.get_nonblank("eligibility").map(str::to_string);
                let Some(text) = text else { continue };
                match r.get_nonblank("service_id") {
                    Some(sid) => ctx
                        .eligibility
                        .entry(sid.trim().to_string())
                        .or_default()
                        .push((at.clone(), text)),
                    None => {
                        asm.problem(
                            Severity::Error,
                            at,
                            Some("service_id"),
                            "eligibility row has no service_id, so it cannot be added to a service's eligibility_description",
                            Action::RowSkipped,
                        )?;
                    }
                }
            }
            note(asm, &f.file, format!("HSDS 1.x/2.0 eligibility ({n} rows) upgraded to 3.1 service.eligibility_description"))?;
        }
        Legacy::AccessibilityForDisabilities => {
            for (at, fields) in &f.rows {
                let mut r = row("accessibility", at, fields);
                r.rename("accessibility", "description");
                out.push(r);
            }
            note(asm, &f.file, format!("HSDS 1.x/2.0 accessibility_for_disabilities ({n} rows) upgraded to 3.1 accessibility"))?;
        }
        Legacy::ServicesAtLocation => {
            for (at, fields) in &f.rows {
                out.push(row("service_at_location", at, fields));
            }
        }
        Legacy::PaymentsAccepted => {
            let at = Loc::file(&f.file);
            asm.problem(
                Severity::Warning,
                &at,
                None,
                format!("HSDS 3.1 has no table for accepted payments; the {n} payments_accepted rows were not imported"),
                Action::NotImported,
            )?;
        }
    }
    Ok(())
}

/// Column-level upgrades of rows already in their HSDS 3.1 table. Returns whether any 1.x/2.0
/// column was found.
pub(crate) fn upgrade_columns(
    file: &Arc<str>,
    header: Option<&[String]>,
    rows: &mut [RawRow],
    ctx: &mut Context,
    asm: &mut Assembler<'_>,
) -> Result<bool, ReadError> {
    let Some(first) = rows.first() else {
        return Ok(false);
    };
    let table = first.table.name;
    // The file's columns: its header, else (rows made by an upgrade, JSON) the first row's.
    let columns: Vec<String> = match header {
        Some(h) => h.to_vec(),
        None => first.fields.iter().map(|(k, _)| k.to_string()).collect(),
    };
    let has = |c: &str| columns.iter().any(|k| k == c);
    let mut upgraded = false;
    if table == "organization" {
        // HSDS 1.x typed year_incorporated as a date; 3.1 wants the year as a number.
        for r in rows.iter_mut() {
            let Some(v) = r
                .get_nonblank("year_incorporated")
                .map(|v| v.trim().to_string())
            else {
                continue;
            };
            let year = v.get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit()));
            if let Some(year) = year.filter(|_| v.len() > 4 && v.as_bytes()[4] == b'-') {
                let year = year.to_string();
                let at = r.at.clone();
                r.set("year_incorporated", year.clone());
                asm.problem(
                    Severity::Repaired,
                    &at,
                    Some("year_incorporated"),
                    format!("kept the year of the date '{v}' (now '{year}')"),
                    Action::Repaired,
                )?;
            }
        }
    }
    match table {
        "organization" if has("url") && !has("website") => {
            rows.iter_mut().for_each(|r| r.rename("url", "website"));
            note(
                asm,
                file,
                "HSDS 1.x organization.url upgraded to 3.1 organization.website".into(),
            )?;
            upgraded = true;
        }
        "service_area" if has("service_area") => {
            rows.iter_mut()
                .for_each(|r| r.rename("service_area", "name"));
            note(
                asm,
                file,
                "HSDS 1.x service_area.service_area upgraded to 3.1 service_area.name".into(),
            )?;
            upgraded = true;
        }
        "taxonomy_term" if has("term") => {
            // HSDS 2.0 named the term `term` and its vocabulary only by name: one taxonomy per
            // vocabulary is made, as for 1.x.
            for r in rows.iter_mut() {
                r.rename("term", "name");
                if r.get_nonblank("taxonomy_id").is_none() {
                    if let Some(v) = r.get_nonblank("taxonomy").map(|v| v.trim().to_string()) {
                        ctx.vocabularies
                            .entry(v.clone())
                            .or_insert_with(|| r.at.clone());
                        r.set("taxonomy_id", v);
                    }
                }
            }
            note(asm, file, "HSDS 2.0 taxonomy_terms.term upgraded to 3.1 taxonomy_term.name (one taxonomy per vocabulary)".into())?;
            upgraded = true;
        }
        "language" if has("language") => {
            // 1.x ids in languages.csv were often the service's id, repeated for each language:
            // such rows get an id of their own made from the old id and the language.
            let mut uses: HashMap<String, usize> = HashMap::new();
            for r in rows.iter() {
                *uses
                    .entry(r.get("id").unwrap_or_default().trim().to_string())
                    .or_default() += 1;
            }
            let mut reissued = 0;
            for r in rows.iter_mut() {
                r.rename("language", "name");
                let id = r.get("id").unwrap_or_default().trim().to_string();
                if !id.is_empty() && uses[&id] > 1 {
                    let name = r.get("name").unwrap_or_default().trim().to_string();
                    r.set("id", format!("{id}/{name}"));
                    reissued += 1;
                }
                fill_language_code(r);
            }
            note(asm, file, "HSDS 1.x languages.language upgraded to 3.1 language.name (with code where the name is a known language)".into())?;
            if reissued > 0 {
                note(asm, file, format!("{reissued} language rows shared their id with other languages; each was given its own id (old id/name)"))?;
            }
            upgraded = true;
        }
        "contact" if has("phone_number") => {
            let mut made = 0;
            for r in rows.iter_mut() {
                let number = r.remove("phone_number").unwrap_or_default();
                let area = r.remove("phone_areacode").unwrap_or_default();
                let ext = r.remove("phone_extension").unwrap_or_default();
                let (number, area, ext) = (number.trim(), area.trim(), ext.trim());
                if number.is_empty() {
                    continue;
                }
                let Some(cid) = r.get_nonblank("id").map(|s| s.trim().to_string()) else {
                    continue;
                };
                let mut p = RawRow::new(t("phone"), r.at.clone());
                p.set("id", format!("contact/{cid}"));
                p.set("contact_id", cid);
                p.set(
                    "number",
                    if area.is_empty() {
                        number.to_string()
                    } else {
                        format!("{area} {number}")
                    },
                );
                if !ext.is_empty() {
                    p.set("extension", ext);
                }
                ctx.extra.push(p);
                made += 1;
            }
            note(asm, file, format!("HSDS 1.x contact phone_number/phone_areacode/phone_extension upgraded to {made} 3.1 phones linked to their contacts"))?;
            upgraded = true;
        }
        "phone" if has("language") => {
            let mut made = 0;
            for r in rows.iter_mut() {
                let langs = r.remove("language").unwrap_or_default();
                let Some(pid) = r.get_nonblank("id").map(|s| s.trim().to_string()) else {
                    continue;
                };
                for name in langs
                    .split([',', ';', '/'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    let mut l = RawRow::new(t("language"), r.at.clone());
                    l.set("id", format!("phone/{pid}/{name}"));
                    l.set("phone_id", pid.clone());
                    l.set("name", name);
                    fill_language_code(&mut l);
                    ctx.extra.push(l);
                    made += 1;
                }
            }
            if made > 0 {
                note(asm, file, format!("HSDS 1.x phone.language upgraded to {made} 3.1 languages linked to their phones"))?;
            }
            upgraded = true;
        }
        _ => {}
    }
    Ok(upgraded)
}

/// Adds what the upgrade collected: extra rows, eligibility, and one taxonomy per vocabulary.
pub(crate) fn finish(
    rows: &mut Vec<RawRow>,
    ctx: &mut Context,
    asm: &mut Assembler<'_>,
) -> Result<(), ReadError> {
    for (vocabulary, at) in std::mem::take(&mut ctx.vocabularies) {
        let mut r = RawRow::new(t("taxonomy"), at);
        r.set("id", vocabulary.clone());
        r.set("name", vocabulary);
        rows.push(r);
    }
    rows.append(&mut ctx.extra);
    if !ctx.eligibility.is_empty() {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            if r.table.name == "service" {
                by_id.insert(r.get("id").unwrap_or_default().trim().to_string(), i);
            }
        }
        for (sid, texts) in std::mem::take(&mut ctx.eligibility) {
            match by_id.get(&sid) {
                Some(&i) => {
                    let mut parts: Vec<String> = rows[i]
                        .get_nonblank("eligibility_description")
                        .map(|s| vec![s.to_string()])
                        .unwrap_or_default();
                    parts.extend(texts.into_iter().map(|(_, s)| s.trim().to_string()));
                    rows[i].set("eligibility_description", parts.join("\n\n"));
                }
                None => {
                    for (at, _) in texts {
                        asm.problem(
                            Severity::Error,
                            &at,
                            Some("service_id"),
                            format!("eligibility row refers to service '{sid}', which is not in the input"),
                            Action::RowSkipped,
                        )?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Two 1.x/2.0 files that become one 3.1 table (physical and postal addresses, regular and
/// holiday schedules, the kinds of attributes) numbered their rows independently: their
/// non-UUID ids are prefixed with the old file's name so that `12` in one does not replace `12`
/// in the other. The prefixed id is the source id kept for the row.
fn namespace(r: &mut RawRow, prefix: &str) {
    if let Some(id) = r.get_nonblank("id").map(|s| s.trim().to_string()) {
        if uuid::Uuid::parse_str(&id).is_err() {
            r.set("id", format!("{prefix}/{id}"));
        }
    }
}

/// HSDS 1.x weekday (a name, an abbreviation or an ISO 8601 number) as an RFC 5545 BYDAY code;
/// the flag says a number was read.
fn weekday(s: &str) -> Option<(&'static str, bool)> {
    const CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    let s = s.trim().trim_end_matches('.').to_ascii_lowercase();
    if let Ok(n) = s.parse::<u32>() {
        return match n {
            1..=7 => Some((CODES[n as usize - 1], true)),
            0 => Some(("SU", true)),
            _ => None,
        };
    }
    let names = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    names
        .iter()
        .position(|n| s.len() >= 2 && n.starts_with(s.as_str()))
        .map(|i| (CODES[i], false))
}

/// Sets `code` from `name` when the name is a language whose ISO 639-1 code is unambiguous.
fn fill_language_code(r: &mut RawRow) {
    if r.get_nonblank("code").is_some() {
        return;
    }
    let Some(name) = r.get_nonblank("name") else {
        return;
    };
    let name = name.trim().to_ascii_lowercase();
    if let Some((_, code)) = ISO_639_1.iter().find(|(n, _)| *n == name) {
        r.set("code", *code);
    }
}

/// Common language names and their ISO 639-1 codes. Ambiguous names ("Creole", "Chinese"
/// dialects, sign languages) are left out on purpose: a wrong code is worse than none.
const ISO_639_1: &[(&str, &str)] = &[
    ("english", "en"),
    ("spanish", "es"),
    ("french", "fr"),
    ("german", "de"),
    ("italian", "it"),
    ("portuguese", "pt"),
    ("russian", "ru"),
    ("arabic", "ar"),
    ("hindi", "hi"),
    ("urdu", "ur"),
    ("bengali", "bn"),
    ("punjabi", "pa"),
    ("polish", "pl"),
    ("vietnamese", "vi"),
    ("korean", "ko"),
    ("japanese", "ja"),
    ("tagalog", "tl"),
    ("haitian creole", "ht"),
    ("hebrew", "he"),
    ("greek", "el"),
    ("turkish", "tr"),
    ("persian", "fa"),
    ("farsi", "fa"),
    ("somali", "so"),
    ("swahili", "sw"),
    ("amharic", "am"),
    ("tigrinya", "ti"),
    ("welsh", "cy"),
    ("irish", "ga"),
    ("scottish gaelic", "gd"),
    ("dutch", "nl"),
    ("swedish", "sv"),
    ("norwegian", "no"),
    ("danish", "da"),
    ("finnish", "fi"),
    ("romanian", "ro"),
    ("hungarian", "hu"),
    ("czech", "cs"),
    ("slovak", "sk"),
    ("ukrainian", "uk"),
    ("lithuanian", "lt"),
    ("latvian", "lv"),
    ("albanian", "sq"),
    ("serbian", "sr"),
    ("croatian", "hr"),
    ("bosnian", "bs"),
    ("bulgarian", "bg"),
    ("tamil", "ta"),
    ("gujarati", "gu"),
    ("nepali", "ne"),
    ("thai", "th"),
    ("indonesian", "id"),
    ("malay", "ms"),
    ("yiddish", "yi"),
    ("pashto", "ps"),
    ("kurdish", "ku"),
    ("yoruba", "yo"),
    ("igbo", "ig"),
    ("hausa", "ha"),
    ("khmer", "km"),
    ("lao", "lo"),
    ("burmese", "my"),
    ("mandarin", "zh"),
    ("chinese", "zh"),
    ("armenian", "hy"),
    ("georgian", "ka"),
    ("estonian", "et"),
    ("slovenian", "sl"),
    ("macedonian", "mk"),
    ("icelandic", "is"),
    ("catalan", "ca"),
    ("basque", "eu"),
    ("galician", "gl"),
    ("afrikaans", "af"),
    ("zulu", "zu"),
    ("xhosa", "xh"),
    ("malayalam", "ml"),
    ("telugu", "te"),
    ("kannada", "kn"),
    ("marathi", "mr"),
    ("sinhala", "si"),
    ("mongolian", "mn"),
    ("uzbek", "uz"),
    ("kazakh", "kk"),
    ("azerbaijani", "az"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_by_name_abbreviation_and_number() {
        assert_eq!(weekday("Monday"), Some(("MO", false)));
        assert_eq!(weekday("thu"), Some(("TH", false)));
        assert_eq!(weekday("SU"), Some(("SU", false)));
        assert_eq!(weekday("7"), Some(("SU", true)));
        assert_eq!(weekday("1"), Some(("MO", true)));
        assert_eq!(weekday("someday"), None);
    }
}
