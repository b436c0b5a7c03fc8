//! The demo's community cycle: two villages of the fictional province with workshops, the needs
//! they named (in Lao, with English), vulnerable groups, a mapped resource, action plans (one
//! action raised to the district, waiting for the coordinator's answer), a supervision visit and
//! three months of monitored values. Made once, dated from the day the demo first starts.

use chrono::{Datelike, Duration, NaiveDate};
use linkwork_domain::coproduction::{NewRecord, RecordInput};
use linkwork_store::pathway::{Actor, ManagedChange, RecordFilter};
use linkwork_web::AppState;
use serde_json::{json, Value};

async fn actor(st: &AppState, username: &str) -> anyhow::Result<(Actor, String)> {
    let u = st.store().user_by_username(username).await?.ok_or_else(|| anyhow::anyhow!("the demo has no {username}"))?;
    let role = if username == "coordinator" { "coordinator" } else { "facilitator" };
    Ok((Actor { user_id: Some(u.id.clone()), name: u.username.clone(), role: role.into(), reason: "demo set-up".into() }, u.id))
}

fn month(today: NaiveDate, back: i32) -> String {
    let m0 = today.year() * 12 + today.month0() as i32 - back;
    format!("{:04}-{:02}", m0 / 12, m0 % 12 + 1)
}

async fn keep(st: &AppState, who: &(Actor, String), place: &str, date: Option<NaiveDate>, body: Value) -> anyhow::Result<String> {
    let input: RecordInput = serde_json::from_value(json!({ "date": date.map(|d| d.to_string()), "body": body }))?;
    let today = chrono::Utc::now().date_naive();
    let rec = NewRecord::parse(&input, &st.config.community, today).map_err(|p| anyhow::anyhow!("demo record at {place}: {p:?}"))?;
    Ok(st.store().create_record(&who.0, Some(&who.1), place, &rec, None).await?.record.id)
}

pub async fn demo_community(st: &AppState) -> anyhow::Result<()> {
    let any = RecordFilter { limit: Some(1), ..RecordFilter::default() };
    if !st.store().list_records(None, &any).await?.is_empty() {
        return Ok(());
    }
    let f = actor(st, "facilitator").await?;
    let today = chrono::Utc::now().date_naive();
    let ago = |d: i64| Some(today - Duration::days(d));
    let v = "PK-01-001";
    let meeting = keep(st, &f, v, ago(40), json!({ "kind": "meeting", "format": "workshop",
        "purpose": "ບັນຫານ້ຳສະອາດ ແລະ ການໄປສຸກສາລາ (Clean water and getting to the health centre)",
        "attendance": [{ "sex": "female", "age_group": "15_to_59", "count": 18 }, { "sex": "male", "age_group": "15_to_59", "count": 12 },
                       { "sex": "female", "age_group": "60_plus", "count": 6 }, { "sex": "male", "age_group": "60_plus", "count": 4 }],
        "partners": ["village_authority", "health_centre", "womens_union"],
        "notes": "ຜູ້ສູງອາຍຸຫຼາຍຄົນຢູ່ຄົນດຽວ. (Many older people live alone.)" })).await?;
    let water = keep(st, &f, v, ago(40), json!({ "kind": "need", "words": "ນ້ຳສ້າງແຫ້ງໃນລະດູແລ້ງ (The well runs dry in the dry season)",
        "needs": ["water_sanitation"], "votes": 31, "rank": 1, "meeting": meeting })).await?;
    keep(st, &f, v, ago(40), json!({ "kind": "need", "words": "ສຸກສາລາໄກ ແລະ ບໍ່ມີລົດ (The health centre is far and there is no transport)",
        "needs": ["health_access", "transportation"], "votes": 22, "rank": 2, "meeting": meeting })).await?;
    keep(st, &f, v, ago(40), json!({ "kind": "vulnerable_group", "group": "older_alone", "count": 9, "description": "ສ່ວນຫຼາຍຢູ່ທາງຂຶ້ນພູ (Mostly on the hill road)" })).await?;
    keep(st, &f, v, ago(40), json!({ "kind": "vulnerable_group", "group": "pregnant", "count": 6 })).await?;
    keep(st, &f, v, ago(35), json!({ "kind": "resource", "resource_kind": "transport", "name": "ລົດໄຖນາຂອງບ້ານ (The village tractor-trailer)",
        "description": "ໃຊ້ພາແມ່ຍິງຖືພາໄປສຸກສາລາໄດ້ (Can take pregnant women to the health centre)" })).await?;
    let well = keep(st, &f, v, ago(38), json!({ "kind": "action", "title": "ສ້ອມແປງນ້ຳສ້າງໂຮງຮຽນ (Repair the school well)",
        "needed": "ອາໄຫຼ່ປໍ້ານ້ຳ (Pump parts)", "lead": "district", "due_on": (today + Duration::days(20)).to_string(), "status": "planned", "need": water })).await?;
    st.store().change_action(&f.0, Some(&f.1), &well, &ManagedChange::Progress { text: "ສັ່ງອາໄຫຼ່ແລ້ວ (Parts ordered)", status: Some(linkwork_domain::coproduction::cycle::ActionStatus::InProgress) }, today - Duration::days(20), None).await?;
    st.store().change_action(&f.0, Some(&f.1), &well, &ManagedChange::Raise { question: "ເມືອງຊ່ວຍຄ່າປໍ້ານ້ຳໄດ້ບໍ? (Can the district pay for the pump?)" }, today - Duration::days(15), None).await?;
    keep(st, &f, v, ago(38), json!({ "kind": "action", "title": "ຈັດຕາຕະລາງລົດໄປຝາກທ້ອງ (A transport rota for antenatal visits)",
        "lead": "community", "due_on": (today + Duration::days(10)).to_string(), "status": "planned" })).await?;
    for (back, safe, anc) in [(2, 38, 3), (1, 41, 4), (0, 47, 5)] {
        keep(st, &f, v, None, json!({ "kind": "monitoring", "indicator": "safe_water", "period": month(today, back), "value": safe, "out_of": 160 })).await?;
        keep(st, &f, v, None, json!({ "kind": "monitoring", "indicator": "anc_attending", "period": month(today, back), "value": anc, "out_of": 6 })).await?;
    }
    let v2 = "PK-01-002";
    keep(st, &f, v2, ago(25), json!({ "kind": "meeting", "format": "meeting", "purpose": "ການຢ້ຽມຢາມຜູ້ສູງອາຍຸ (Visiting older people)",
        "attendance": [{ "sex": "female", "age_group": "15_to_59", "count": 11 }, { "sex": "male", "age_group": "60_plus", "count": 7 }], "partners": ["village_authority"] })).await?;
    keep(st, &f, v2, ago(25), json!({ "kind": "action", "title": "ອາສາສະໝັກຢ້ຽມຢາມທຸກອາທິດ (Volunteers visit every week)",
        "lead": "community", "due_on": (today + Duration::days(30)).to_string(), "status": "in_progress" })).await?;
    for (back, n) in [(1, 12), (0, 19)] {
        keep(st, &f, v2, None, json!({ "kind": "monitoring", "indicator": "older_visited", "period": month(today, back), "value": n })).await?;
    }
    let c = actor(st, "coordinator").await?;
    keep(st, &c, v, ago(30), json!({ "kind": "supervision", "checklist": [
        { "item": "meetings_held", "answer": "yes" }, { "item": "records_complete", "answer": "yes" },
        { "item": "plan_followed", "answer": "partly", "note": "ລໍຖ້າອາໄຫຼ່ (Waiting for parts)" }, { "item": "vulnerable_included", "answer": "yes" } ],
        "notes": "ກອງປະຊຸມດີ (A good meeting)" })).await?;
    Ok(())
}
