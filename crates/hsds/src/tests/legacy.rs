//! HSDS 1.x/2.0 structures the Miami package does not have, upgraded to 3.1.

use super::common;

use std::fs;

use linkwork_domain::Id;
use crate::{read, Action, ReadOptions};

#[test]
fn older_tabular_packages_are_upgraded() {
    let dir = common::temp_dir("legacy");
    let w = |name: &str, text: &str| fs::write(dir.join(name), text).unwrap();
    w(
        "organizations.csv",
        "id,name,description,url\no1,Org,An org,example.org\n",
    );
    w(
        "services.csv",
        "id,organization_id,name,status\ns1,o1,Lunch club,\ns2,o1,Walks,Active\n",
    );
    w("locations.csv", "id,organization_id,name\nl1,o1,Hall\n");
    w(
        "services_at_location.csv",
        "id,service_id,location_id\nsl1,s1,l1\n",
    );
    w("postal_addresses.csv", "id,location_id,address_1,address_3,city,state_province,postal_code,country\npa1,l1,PO Box 1,Floor 2,Leeds,West Yorkshire,LS1 1AA,GB\n");
    w(
        "regular_schedules.csv",
        "id,service_id,weekday,opens_at,closes_at\n,s1,1,9am,noon\n,s1,Sun,1:30 PM,5pm\n",
    );
    w(
        "holiday_schedules.csv",
        "id,service_id,closed,opens_at,closes_at,start_date,end_date\nh1,s1,true,,,2024-12-25,2024-12-26\nh2,s1,false,10:00,14:00,2024-12-31,2024-12-31\n",
    );
    w(
        "eligibility.csv",
        "id,service_id,eligibility\ne1,s1,Over 60s\ne2,s1,Living in Leeds\ne3,s9,Nobody\n",
    );
    w(
        "phones.csv",
        "id,service_id,number,language\np1,s1,0113 000 0000,\"English, Polish\"\n",
    );
    w("contacts.csv", "id,service_id,name,phone_number,phone_areacode,phone_extension\nc1,s1,Ann,000 0001,0113,12\n");
    w("languages.csv", "id,service_id,language\nlang1,s1,Welsh\n");
    w("taxonomy_terms.csv", "id,term,description,parent_id,taxonomy\nt1,Food,Food,,Open Eligibility\nt2,Meals,Meals,t1,Open Eligibility\n");
    w(
        "service_attributes.csv",
        "id,service_id,taxonomy_term_id\nsa1,s1,t2\n",
    );
    w(
        "other_attributes.csv",
        "id,link_id,link_type,taxonomy_term_id\noa1,l1,location,t1\n",
    );
    w(
        "payments_accepted.csv",
        "id,service_id,payment\npay1,s1,Cash\n",
    );
    w(
        "accessibility_for_disabilities.csv",
        "id,location_id,accessibility,details\nacc1,l1,Ramp,At the side door\n",
    );

    let (batch, report) = read(&dir, &ReadOptions::default()).unwrap();
    println!("{}", report.summary());
    assert!(report.format.contains("upgraded"));
    let find = |t: &str, source: &str| {
        let id = Id::derived(t, source).to_string();
        batch
            .records
            .iter()
            .find(|r| r.table.name == t && r.id() == Some(id.as_str()))
            .unwrap_or_else(|| panic!("{t} {source}"))
    };
    let s1 = find("service", "s1");
    assert_eq!(s1.get_str("status"), Some("active"));
    assert_eq!(
        s1.get_str("eligibility_description"),
        Some("Over 60s\n\nLiving in Leeds")
    );
    assert!(report
        .problems
        .iter()
        .any(|p| p.message.contains("service 's9'") && p.action == Action::RowSkipped));
    assert_eq!(
        find("organization", "o1").get_str("website"),
        Some("https://example.org")
    );

    let addr = find("address", "postal/pa1");
    assert_eq!(addr.get_str("address_type"), Some("postal"));
    assert_eq!(addr.get_str("address_2"), Some("Floor 2"));

    let schedules: Vec<_> = batch
        .records
        .iter()
        .filter(|r| r.table.name == "schedule")
        .collect();
    assert_eq!(schedules.len(), 4);
    let monday = schedules
        .iter()
        .find(|r| r.get_str("byday") == Some("MO"))
        .unwrap();
    assert_eq!(
        (monday.get_str("opens_at"), monday.get_str("closes_at")),
        (Some("09:00:00"), Some("12:00:00"))
    );
    assert_eq!(monday.get_str("freq"), Some("WEEKLY"));
    assert!(report
        .problems
        .iter()
        .any(|p| p.field.as_deref() == Some("weekday") && p.message.contains("ISO 8601")));
    let sunday = schedules
        .iter()
        .find(|r| r.get_str("byday") == Some("SU"))
        .unwrap();
    assert_eq!(sunday.get_str("opens_at"), Some("13:30:00"));
    let christmas = find("schedule", "holiday/h1");
    assert_eq!(
        (
            christmas.get_str("valid_from"),
            christmas.get_str("valid_to")
        ),
        (Some("2024-12-25"), Some("2024-12-26"))
    );
    assert!(christmas.get_str("notes").unwrap().starts_with("Closed"));
    let nye = find("schedule", "holiday/h2");
    assert!(nye.get_str("notes").unwrap().starts_with("Open"));
    assert_eq!(nye.get_str("opens_at"), Some("10:00"));

    let phone_langs: Vec<_> = batch
        .records
        .iter()
        .filter(|r| r.table.name == "language" && r.get("phone_id").is_some())
        .collect();
    assert_eq!(phone_langs.len(), 2);
    assert!(phone_langs
        .iter()
        .any(|l| l.get_str("name") == Some("Polish") && l.get_str("code") == Some("pl")));
    let contact_phone = batch
        .records
        .iter()
        .find(|r| r.table.name == "phone" && r.get("contact_id").is_some())
        .unwrap();
    assert_eq!(contact_phone.get_str("number"), Some("0113 000 0001"));
    assert_eq!(contact_phone.get_f64("extension"), Some(12.0));
    assert_eq!(find("language", "lang1").get_str("code"), Some("cy"));

    let oe = find("taxonomy", "Open Eligibility");
    assert_eq!(oe.get_str("name"), Some("Open Eligibility"));
    let meals = find("taxonomy_term", "t2");
    assert_eq!(meals.get_str("taxonomy_id"), oe.id());
    assert_eq!(meals.get_str("name"), Some("Meals"));
    assert_eq!(
        meals.get_str("parent_id"),
        Some(Id::derived("taxonomy_term", "t1").to_string().as_str())
    );
    let sa = find("attribute", "service_attributes/sa1");
    assert_eq!(sa.get_str("link_entity"), Some("service"));
    assert_eq!(
        sa.get_str("link_id"),
        Some(Id::derived("service", "s1").to_string().as_str())
    );
    let oa = find("attribute", "other_attributes/oa1");
    assert_eq!(oa.get_str("link_entity"), Some("location"));
    assert_eq!(
        oa.get_str("link_id"),
        Some(Id::derived("location", "l1").to_string().as_str())
    );
    assert_eq!(
        find("accessibility", "acc1").get_str("description"),
        Some("Ramp")
    );
    assert!(report
        .problems
        .iter()
        .any(|p| p.file == "payments_accepted.csv" && p.action == Action::NotImported));

    // One CSV file on its own is a package of one table.
    let (one, _) = read(&dir.join("services.csv"), &ReadOptions::default()).unwrap();
    assert_eq!(one.count("service"), 2);
    assert!(
        one.records
            .iter()
            .all(|r| r.get("organization_id").is_none()),
        "dangling references removed"
    );
}

#[test]
fn references_to_rows_the_destination_already_has_are_kept() {
    let dir = common::temp_dir("existing");
    fs::write(
        dir.join("services.csv"),
        "id,organization_id,name,status\ns1,o1,Walks,active\ns2,o2,Talks,active\n",
    )
    .unwrap();
    let o1 = Id::derived("organization", "o1").to_string();
    let o1_ = o1.clone();
    let opts = ReadOptions {
        existing: Some(std::sync::Arc::new(move |t: &str, id: &str| {
            t == "organization" && id == o1_
        })),
        ..Default::default()
    };
    let (batch, report) = read(&dir, &opts).unwrap();
    let s1 = batch
        .records
        .iter()
        .find(|r| r.id() == Some(Id::derived("service", "s1").to_string().as_str()))
        .unwrap();
    assert_eq!(s1.get_str("organization_id"), Some(o1.as_str()));
    assert_eq!(
        report
            .problems
            .iter()
            .filter(|p| p.action == Action::ReferenceRemoved)
            .count(),
        1,
        "only o2 is missing"
    );
}
