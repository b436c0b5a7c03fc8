//! The real, messy Miami 211 HSDS 1.x package: read, upgraded to 3.1, with its known problems
//! reported and its counts as documented.

use super::common;

use crate::{read, Action, ReadOptions, Severity};

#[test]
fn miami_reads_with_its_known_problems_reported() {
    let (batch, report) =
        read(&common::miami(), &ReadOptions::default()).expect("the Miami package reads");
    println!("{}", report.summary());
    assert!(report.format.contains("1.x"), "{}", report.format);

    assert_eq!(batch.count("service"), 4089);
    assert_eq!(batch.count("organization"), 1074);
    assert_eq!(batch.count("location"), 4089);
    assert_eq!(batch.count("service_at_location"), 4089);
    let terms = batch.count("taxonomy_term");
    assert!((1990..=1994).contains(&terms), "{terms} taxonomy terms");
    assert_eq!(batch.count("taxonomy"), 1, "one taxonomy per vocabulary");
    let service_attributes = batch
        .records
        .iter()
        .filter(|r| r.table.name == "attribute" && r.get_str("link_entity") == Some("service"))
        .count();
    assert_eq!(service_attributes, 26_259);
    assert!(
        batch.count("schedule") > 11_000,
        "{}",
        batch.count("schedule")
    );
    assert_eq!(report.counts["service"].read, 4089);

    // 447 services name organizations that are not in the file: kept, reference removed.
    let dangling: Vec<_> = report
        .problems
        .iter()
        .filter(|p| {
            p.action == Action::ReferenceRemoved
                && p.file.ends_with("services.csv")
                && p.field.as_deref() == Some("organization_id")
        })
        .collect();
    assert_eq!(dangling.len(), 447);
    assert!(dangling[0].line.is_some());
    assert!(
        dangling[0].message.contains("which is not in the input"),
        "{}",
        dangling[0].message
    );
    let without_org = batch
        .records
        .iter()
        .filter(|r| r.table.name == "service" && r.get("organization_id").is_none())
        .count();
    assert_eq!(without_org, 447);

    // Trailing spaces in state_province.
    assert!(report
        .problems
        .iter()
        .any(|p| p.field.as_deref() == Some("state_province")
            && p.severity == Severity::Repaired
            && p.message.contains("spaces")));
    // 9:00am times.
    assert!(report
        .problems
        .iter()
        .any(|p| p.file.ends_with("regular_schedules.csv")
            && p.field.as_deref() == Some("opens_at")
            && p.message.contains("HH:MM:SS")));
    // Literal \n in descriptions.
    assert!(report
        .problems
        .iter()
        .any(|p| p.field.as_deref() == Some("description") && p.message.contains("literal \\n")));
    // Empty schedule ids.
    assert!(report
        .problems
        .iter()
        .any(|p| p.file.ends_with("regular_schedules.csv")
            && p.action == Action::IdDerived
            && p.message.contains("no id")));
    // ###MON### markers in descriptions: reported, kept.
    assert!(report
        .problems
        .iter()
        .any(|p| p.field.as_deref() == Some("description")
            && p.action == Action::Kept
            && p.message.contains("###MON###")));
    // Status missing in 1.x: repaired to active.
    assert!(report
        .problems
        .iter()
        .any(|p| p.field.as_deref() == Some("status") && p.action == Action::DefaultUsed));
    assert!(batch
        .records
        .iter()
        .filter(|r| r.table.name == "service")
        .all(|r| r.get_str("status") == Some("active")));

    // Every problem names its file; row-level ones their line.
    for p in &report.problems {
        assert!(!p.file.is_empty());
        if matches!(
            p.action,
            Action::ReferenceRemoved | Action::FieldLeftEmpty | Action::EarlierRowReplaced
        ) {
            assert!(p.line.is_some(), "{p}");
        }
    }
    let summary = report.summary();
    assert!(
        summary.contains("services.csv [organization_id]"),
        "{summary}"
    );
    assert!(
        summary.lines().count() < 120,
        "the summary stays readable: {} lines",
        summary.lines().count()
    );
}

#[test]
fn miami_upgrades_schedules_addresses_languages_and_contacts() {
    let (batch, _) = read(&common::miami(), &ReadOptions::default()).unwrap();
    let sched = batch
        .records
        .iter()
        .find(|r| r.table.name == "schedule")
        .unwrap();
    assert_eq!(sched.get_str("freq"), Some("WEEKLY"));
    assert!(sched.get_str("byday").is_some());
    assert!(sched.get_str("description").is_some(), "original_text kept");
    let addr = batch
        .records
        .iter()
        .find(|r| r.table.name == "address")
        .unwrap();
    assert_eq!(addr.get_str("address_type"), Some("physical"));
    assert_eq!(addr.get_str("country"), Some("US"));
    let english = batch
        .records
        .iter()
        .find(|r| r.table.name == "language" && r.get_str("name") == Some("English"))
        .unwrap();
    assert_eq!(english.get_str("code"), Some("en"));
    assert!(
        batch.count("language") > 9000,
        "languages sharing ids are all kept: {}",
        batch.count("language")
    );
    assert!(batch
        .records
        .iter()
        .any(|r| r.table.name == "phone" && r.get_str("contact_id").is_some()));
    assert!(batch.records.iter().any(|r| r.table.name == "accessibility"
        && r.get_str("description") == Some("Handicap accessible")));
    let term = batch
        .records
        .iter()
        .find(|r| r.table.name == "taxonomy_term" && r.get_str("code") == Some("PN-8100.4500-240"))
        .unwrap();
    assert!(term.get_str("parent_id").is_some(), "parent kept");
    assert!(term.get_str("taxonomy_id").is_some());
    assert!(!batch.source_ids.is_empty());
}

#[test]
fn reading_miami_twice_gives_identical_batches() {
    let (a, ra) = read(&common::miami(), &ReadOptions::default()).unwrap();
    let (b, rb) = read(&common::miami(), &ReadOptions::default()).unwrap();
    assert_eq!(a.records, b.records);
    assert_eq!(a.source_ids, b.source_ids);
    assert_eq!(ra, rb);
}

#[test]
fn miami_in_strict_mode_stops_at_the_first_error() {
    let err = read(&common::miami(), &ReadOptions::strict()).unwrap_err();
    let msg = err.to_string();
    println!("{msg}");
    assert!(msg.contains("strict"), "{msg}");
    assert!(err.line().is_some(), "{msg}");
}

#[test]
fn miami_round_trips_through_ndjson_documents() {
    use linkwork_domain::hsds::tree;
    use crate::{write_ndjson, Nester};

    let (a, _) = read(&common::miami(), &ReadOptions::default()).unwrap();
    let nester = Nester::new(&a.records);
    let docs = nester.all(&tree::SERVICE, &a.records);
    assert_eq!(docs.len(), 4089);
    let dir = common::temp_dir("miami-ndjson");
    let path = dir.join("services.ndjson");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    write_ndjson(&mut w, &docs).unwrap();
    drop(w);
    let (b, report) = read(&path, &ReadOptions::default()).unwrap();
    let services = |batch: &linkwork_domain::hsds::Batch| {
        let mut v: Vec<_> = batch
            .records
            .iter()
            .filter(|r| r.table.name == "service")
            .cloned()
            .collect();
        v.sort_by(|x, y| x.id().cmp(&y.id()));
        v
    };
    assert_eq!(services(&a), services(&b));
    for t in [
        "phone",
        "schedule",
        "language",
        "contact",
        "service_at_location",
        "location",
        "address",
        "accessibility",
    ] {
        assert_eq!(a.count(t), b.count(t), "{t}");
    }
    // Every service attribute comes back with its term and the term's taxonomy.
    let attrs = |batch: &linkwork_domain::hsds::Batch| {
        batch
            .records
            .iter()
            .filter(|r| r.table.name == "attribute")
            .count()
    };
    assert_eq!(attrs(&a), attrs(&b));
    // Terms' parents are not nested in service documents, so those references cannot resolve.
    assert!(report
        .problems
        .iter()
        .all(|p| p.field.as_deref() == Some("parent_id")
            || p.severity != crate::Severity::Error));
    let _ = std::fs::remove_dir_all(&dir);
}
