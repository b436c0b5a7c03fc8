//! A small, hand-made directory whose every value the tests can reason about.

use linkwork_domain::hsds::{table, Batch, Record};
use linkwork_domain::Id;

pub struct Fixture {
    pub batch: Batch,
    pub walking: String,
    pub foodbank: String,
    pub choir: String,
    pub org: String,
    /// The food bank's organisation.
    pub org2: String,
    pub location_town: String,
    pub term_activity: String,
    pub term_walking: String,
    pub taxonomy: String,
}

fn rec(t: &str, fields: &[(&str, &str)]) -> Record {
    let mut r = Record::new(table(t).unwrap());
    for (k, v) in fields {
        if let Some(e) = r.set_raw(k, v) {
            if matches!(e.issue, linkwork_domain::hsds::FieldIssue::Invalid { .. }) {
                panic!("fixture {t}.{k}: {:?}", e.issue);
            }
        }
    }
    r
}

fn id(name: &str) -> String {
    Id::derived("fixture", name).to_string()
}

pub fn directory() -> Fixture {
    let (org, org2) = (id("org"), id("org2"));
    let (walking, foodbank, choir) = (id("walking"), id("foodbank"), id("choir"));
    let (town, village) = (id("loc-town"), id("loc-village"));
    let taxonomy = id("taxonomy");
    let (t_act, t_walk, t_food) = (id("term-activity"), id("term-walking"), id("term-food"));
    let mut r = vec![
        rec("organization", &[("id", &org), ("name", "Millbrook Ramblers"), ("description", "Volunteer walking club.")]),
        rec("organization", &[("id", &org2), ("name", "Millbrook Food Bank"), ("description", "Emergency food.")]),
        rec("taxonomy", &[("id", &taxonomy), ("name", "Linkwork social prescribing"), ("description", "Needs and activities")]),
        rec("taxonomy_term", &[("id", &t_act), ("name", "Physical activity"), ("description", "Moving more"), ("taxonomy_id", &taxonomy)]),
        rec("taxonomy_term", &[("id", &t_walk), ("name", "Walking"), ("description", "Walking groups"), ("parent_id", &t_act), ("taxonomy_id", &taxonomy)]),
        rec("taxonomy_term", &[("id", &t_food), ("name", "Food"), ("description", "Food support"), ("taxonomy_id", &taxonomy)]),
        rec("unit", &[("id", &id("unit")), ("name", "places")]),
        rec("location", &[("id", &town), ("location_type", "physical"), ("name", "Millbrook Library"), ("latitude", "52.2000"), ("longitude", "-1.5000")]),
        rec("location", &[("id", &village), ("location_type", "physical"), ("name", "Oakley Village Hall"), ("latitude", "52.2900"), ("longitude", "-1.5000")]),
        rec("service", &[
            ("id", &walking), ("organization_id", &org), ("name", "Tuesday walking group"), ("status", "active"),
            ("description", "Gentle group walks around the park for people who want company and fresh air."),
            ("minimum_age", "18"), ("last_modified", "2026-10-01T09:00:00Z"), ("assured_date", "2026-10-01"),
        ]),
        rec("service", &[
            ("id", &foodbank), ("organization_id", &org2), ("name", "Emergency food parcels"), ("status", "active"),
            ("description", "Food parcels for people in crisis, with advice on benefits."), ("last_modified", "2026-01-01T09:00:00Z"),
        ]),
        rec("service", &[
            ("id", &choir), ("organization_id", &org), ("name", "Community choir"), ("status", "active"),
            ("description", "Singing together every week; no experience needed."), ("last_modified", "2026-06-01T09:00:00Z"),
        ]),
        rec("service_at_location", &[("id", &id("sal-walk")), ("service_id", &walking), ("location_id", &town)]),
        rec("service_at_location", &[("id", &id("sal-food")), ("service_id", &foodbank), ("location_id", &village)]),
        rec("service_at_location", &[("id", &id("sal-choir")), ("service_id", &choir), ("location_id", &town)]),
        rec("address", &[("id", &id("addr-town")), ("location_id", &town), ("address_1", "1 Market Square"), ("city", "Millbrook"), ("state_province", "Midshire"), ("postal_code", "MB1 1AA"), ("country", "GB"), ("address_type", "physical")]),
        rec("address", &[("id", &id("addr-village")), ("location_id", &village), ("address_1", "Church Lane"), ("city", "Oakley"), ("state_province", "Midshire"), ("postal_code", "MB9 9ZZ"), ("country", "GB"), ("address_type", "physical")]),
        rec("accessibility", &[("id", &id("acc-town")), ("location_id", &town), ("description", "Step-free entrance and accessible toilet")]),
        rec("schedule", &[("id", &id("sch-walk")), ("service_id", &walking), ("freq", "WEEKLY"), ("byday", "TU"), ("opens_at", "10:00"), ("closes_at", "12:00")]),
        rec("schedule", &[("id", &id("sch-food")), ("service_id", &foodbank), ("freq", "WEEKLY"), ("byday", "MO,WE,FR"), ("opens_at", "9:00am"), ("closes_at", "1:00pm")]),
        rec("phone", &[("id", &id("phone-walk")), ("service_id", &walking), ("number", "01234 567890")]),
        rec("language", &[("id", &id("lang-walk-en")), ("service_id", &walking), ("name", "English"), ("code", "en")]),
        rec("language", &[("id", &id("lang-walk-es")), ("service_id", &walking), ("name", "Spanish"), ("code", "es")]),
        rec("cost_option", &[("id", &id("cost-walk")), ("service_id", &walking), ("option", "Free"), ("amount", "0"), ("currency", "GBP")]),
        rec("cost_option", &[("id", &id("cost-choir")), ("service_id", &choir), ("option", "Per session"), ("amount", "12"), ("currency", "GBP")]),
        rec("service_capacity", &[("id", &id("cap-walk")), ("service_id", &walking), ("unit_id", &id("unit")), ("available", "6"), ("maximum", "20"), ("updated", "2026-11-01T09:00:00Z")]),
        rec("service_capacity", &[("id", &id("cap-food")), ("service_id", &foodbank), ("unit_id", &id("unit")), ("available", "0"), ("updated", "2026-11-01T09:00:00Z")]),
        rec("attribute", &[("id", &id("attr-walk")), ("link_id", &walking), ("link_entity", "service"), ("taxonomy_term_id", &t_walk)]),
        rec("attribute", &[("id", &id("attr-food")), ("link_id", &foodbank), ("link_entity", "service"), ("taxonomy_term_id", &t_food)]),
    ];
    let mut batch = Batch { records: std::mem::take(&mut r), source_ids: vec![] };
    batch.sort_for_writing();
    Fixture { batch, walking, foodbank, choir, org, org2, location_town: town, term_activity: t_act, term_walking: t_walk, taxonomy }
}
