// A practice's patients, the runs of the rules that find who may benefit, and the worklist
// (included in `sq` and `pg` beside ops.rs; docs/decisions/0016). Patients are kept apart from
// people: nothing here writes a person until `refer_entry`, which refers through the same
// create_referral as every other way in. Every read and write is audited; only the practice's
// own members reach any of it (another practice's worklist does not exist for them). Names are
// prefixed `ident_` (or name the worklist) since every ops file shares one module.

/// Checks that the acting user belongs to the practice (the system, acting for the demo and the
/// command line, always may); otherwise the practice's data does not exist for them.
async fn ident_member(c: &mut Conn, a: &Actor, practice: &str) -> PResult<()> {
    let Some(user) = &a.user_id else { return Ok(()) };
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_organization WHERE user_id = $1 AND organization_id = $2").bind(user).bind(practice).fetch_one(&mut *c).await?;
    if n == 0 {
        return Err(PathwayError::NotFound(format!("practice {practice}")));
    }
    Ok(())
}

fn ident_load_from(r: &DbRow) -> PResult<super::identification_types::PracticeLoad> {
    Ok(super::identification_types::PracticeLoad {
        id: r.try_get("id")?,
        practice_id: r.try_get("practice_id")?,
        loaded_at: r.try_get("loaded_at")?,
        format: r.try_get("format")?,
        patients: r.try_get("patients")?,
        records: r.try_get("records")?,
        replaced: None,
    })
}

fn ident_run_from(r: &DbRow) -> PResult<super::identification_types::IdentificationRun> {
    Ok(super::identification_types::IdentificationRun {
        id: r.try_get("id")?,
        practice_id: r.try_get("practice_id")?,
        run_at: r.try_get("run_at")?,
        as_of: r.try_get("as_of")?,
        load_id: r.try_get("load_id")?,
        patients: r.try_get("patients")?,
        found: r.try_get("found")?,
    })
}

async fn ident_latest_load(c: &mut Conn, practice: &str) -> PResult<Option<super::identification_types::PracticeLoad>> {
    let r = sqlx::query("SELECT * FROM practice_load WHERE practice_id = $1 ORDER BY loaded_at DESC, id DESC LIMIT 1").bind(practice).fetch_optional(&mut *c).await?;
    r.as_ref().map(ident_load_from).transpose()
}

/// Replaces the practice's patients with these, in one transaction: the load before is gone
/// whole, this one is kept whole.
pub(super) async fn load_practice(
    c: &mut Conn,
    a: &Actor,
    practice: &str,
    format: &str,
    patients: &[linkwork_domain::identification::PracticePatient],
) -> PResult<super::identification_types::PracticeLoad> {
    ident_member(c, a, practice).await?;
    let replaced: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM practice_patient WHERE practice_id = $1").bind(practice).fetch_one(&mut *c).await?;
    sqlx::query("DELETE FROM practice_patient WHERE practice_id = $1").bind(practice).execute(&mut *c).await?;
    let id = new_id();
    let records: usize = patients.iter().map(|p| p.records.len()).sum();
    sqlx::query("INSERT INTO practice_load (id, practice_id, loaded_at, loaded_by, format, patients, records) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(practice)
        .bind(now())
        .bind(&a.user_id)
        .bind(format)
        .bind(patients.len() as i64)
        .bind(records as i64)
        .execute(&mut *c)
        .await?;
    const COLS: usize = 11;
    for chunk in patients.chunks(100) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("({})", (1..=COLS).map(|k| format!("${}", i * COLS + k)).collect::<Vec<_>>().join(", "))).collect();
        let sql = format!(
            "INSERT INTO practice_patient (id, practice_id, load_id, patient_key, nhs_number, given_name, family_name, birth_date, phone, postcode, records) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q
                .bind(new_id())
                .bind(practice)
                .bind(&id)
                .bind(&p.key)
                .bind(&p.nhs_number)
                .bind(&p.given_name)
                .bind(&p.family_name)
                .bind(p.birth_date.to_string())
                .bind(&p.phone)
                .bind(&p.postcode)
                .bind(to_json(&p.records));
        }
        q.execute(&mut *c).await?;
    }
    audit(c, a, "load", "practice_patients", Some(&id), None).await?;
    let r = sqlx::query("SELECT * FROM practice_load WHERE id = $1").bind(&id).fetch_one(&mut *c).await?;
    let mut load = ident_load_from(&r)?;
    load.replaced = Some(replaced);
    Ok(load)
}

async fn ident_patients(c: &mut Conn, practice: &str) -> PResult<Vec<linkwork_domain::identification::PracticePatient>> {
    let rows = sqlx::query("SELECT * FROM practice_patient WHERE practice_id = $1 ORDER BY family_name, given_name, patient_key").bind(practice).fetch_all(&mut *c).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let birth: String = r.try_get("birth_date")?;
        let records: String = r.try_get("records")?;
        out.push(linkwork_domain::identification::PracticePatient {
            key: r.try_get("patient_key")?,
            nhs_number: r.try_get("nhs_number")?,
            given_name: r.try_get("given_name")?,
            family_name: r.try_get("family_name")?,
            birth_date: chrono::NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map_err(|e| PathwayError::from(sqlx::Error::Decode(Box::new(e))))?,
            phone: r.try_get("phone")?,
            postcode: r.try_get("postcode")?,
            records: serde_json::from_str(&records)?,
        });
    }
    Ok(out)
}

/// Runs the rules over the practice's patients as loaded, on `as_of`, and keeps who they found.
pub(super) async fn run_identification(
    c: &mut Conn,
    a: &Actor,
    practice: &str,
    rules: &linkwork_domain::identification::IdentificationSettings,
    as_of: chrono::NaiveDate,
) -> PResult<super::identification_types::IdentificationRun> {
    ident_member(c, a, practice).await?;
    let load = ident_latest_load(c, practice).await?;
    let patients = ident_patients(c, practice).await?;
    if load.is_none() {
        return Err(PathwayError::Conflict("no patients have been loaded for this practice yet; load them first (a FHIR Bundle or a CSV)".into()));
    }
    let found = linkwork_domain::identification::evaluate(rules, &patients, as_of);
    let id = new_id();
    sqlx::query("INSERT INTO identification_run (id, practice_id, run_at, as_of, run_by, load_id, rules, patients, found) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(&id)
        .bind(practice)
        .bind(now())
        .bind(as_of.to_string())
        .bind(&a.user_id)
        .bind(load.as_ref().map(|l| l.id.clone()))
        .bind(to_json(rules))
        .bind(patients.len() as i64)
        .bind(found.len() as i64)
        .execute(&mut *c)
        .await?;
    for f in &found {
        let codes: Vec<&str> = f.reasons.iter().map(|r| r.rule.as_str()).collect();
        sqlx::query("INSERT INTO identification_entry (id, run_id, practice_id, patient_key, reasons, rules) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(new_id())
            .bind(&id)
            .bind(practice)
            .bind(&f.key)
            .bind(to_json(&f.reasons))
            .bind(codes.join(","))
            .execute(&mut *c)
            .await?;
    }
    audit(c, a, "run", "identification_run", Some(&id), None).await?;
    let r = sqlx::query("SELECT * FROM identification_run WHERE id = $1").bind(&id).fetch_one(&mut *c).await?;
    ident_run_from(&r)
}

const ENTRY_SELECT: &str = "SELECT e.id, e.run_id, e.patient_key, e.reasons, e.rules, \
     p.given_name, p.family_name, p.birth_date, p.nhs_number, p.phone, p.postcode, p.id AS patient_row, \
     d.status AS decision, d.reason AS decision_reason, d.rules AS decision_rules, d.episode_id, d.decided_at \
     FROM identification_entry e \
     LEFT JOIN practice_patient p ON p.practice_id = e.practice_id AND p.patient_key = e.patient_key \
     LEFT JOIN identification_decision d ON d.practice_id = e.practice_id AND d.patient_key = e.patient_key";

fn ident_entry_from(r: &DbRow) -> PResult<super::identification_types::WorklistEntry> {
    let reasons: String = r.try_get("reasons")?;
    let rules: String = r.try_get("rules")?;
    let decision: Option<String> = r.try_get("decision")?;
    let decided_on: Option<String> = r.try_get("decision_rules")?;
    let patient_row: Option<String> = r.try_get("patient_row")?;
    // A dismissal stands for the reasons it was made on; a new reason brings the person back.
    let status = match decision.as_deref() {
        Some("referred") => "referred",
        Some("dismissed") if rules.split(',').all(|x| decided_on.as_deref().unwrap_or("").split(',').any(|y| y == x)) => "dismissed",
        _ => "open",
    };
    Ok(super::identification_types::WorklistEntry {
        id: r.try_get("id")?,
        run_id: r.try_get("run_id")?,
        patient_key: r.try_get("patient_key")?,
        in_records: patient_row.is_some(),
        given_name: r.try_get("given_name")?,
        family_name: r.try_get("family_name")?,
        birth_date: r.try_get("birth_date")?,
        nhs_number: r.try_get("nhs_number")?,
        phone: r.try_get("phone")?,
        postcode: r.try_get("postcode")?,
        reasons: serde_json::from_str(&reasons)?,
        dismissed_reason: if status == "dismissed" { r.try_get("decision_reason")? } else { None },
        episode_id: if status == "referred" { r.try_get("episode_id")? } else { None },
        decided_at: if status == "open" { None } else { r.try_get("decided_at")? },
        status: status.into(),
    })
}

/// The practice's worklist: the latest load, the latest run and who it found (most reasons
/// first, then by name), audited as one read of the worklist.
pub(super) async fn worklist(c: &mut Conn, a: &Actor, practice: &str) -> PResult<super::identification_types::Worklist> {
    ident_member(c, a, practice).await?;
    let load = ident_latest_load(c, practice).await?;
    let run = sqlx::query("SELECT * FROM identification_run WHERE practice_id = $1 ORDER BY run_at DESC, id DESC LIMIT 1").bind(practice).fetch_optional(&mut *c).await?;
    let run = run.as_ref().map(ident_run_from).transpose()?;
    let mut entries = vec![];
    if let Some(r) = &run {
        let sql = format!("{ENTRY_SELECT} WHERE e.run_id = $1");
        for row in sqlx::query(&sql).bind(&r.id).fetch_all(&mut *c).await? {
            entries.push(ident_entry_from(&row)?);
        }
    }
    entries.sort_by(|x, y| {
        let rank = |e: &super::identification_types::WorklistEntry| match e.status.as_str() {
            "open" => 0,
            "referred" => 1,
            _ => 2,
        };
        rank(x)
            .cmp(&rank(y))
            .then(y.reasons.len().cmp(&x.reasons.len()))
            .then(x.family_name.cmp(&y.family_name))
            .then(x.given_name.cmp(&y.given_name))
            .then(x.patient_key.cmp(&y.patient_key))
    });
    let stale = match (&load, &run) {
        (Some(l), Some(r)) => r.load_id.as_deref() != Some(l.id.as_str()),
        _ => false,
    };
    audit(c, a, "read", "identification_worklist", run.as_ref().map(|r| r.id.as_str()), None).await?;
    Ok(super::identification_types::Worklist { practice_id: practice.to_string(), load, run, stale, entries })
}

async fn ident_entry_row(c: &mut Conn, practice: &str, entry: &str) -> PResult<super::identification_types::WorklistEntry> {
    let sql = format!("{ENTRY_SELECT} WHERE e.id = $1 AND e.practice_id = $2");
    let row = sqlx::query(&sql).bind(entry).bind(practice).fetch_optional(&mut *c).await?;
    ident_entry_from(&row.ok_or_else(|| PathwayError::NotFound(format!("worklist entry {entry}")))?)
}

/// One entry of the practice's worklist (to refer from it), audited.
pub(super) async fn ident_entry(c: &mut Conn, a: &Actor, practice: &str, entry: &str) -> PResult<super::identification_types::WorklistEntry> {
    ident_member(c, a, practice).await?;
    let e = ident_entry_row(c, practice, entry).await?;
    audit(c, a, "read", "identification_entry", Some(entry), None).await?;
    Ok(e)
}

async fn ident_decide(c: &mut Conn, a: &Actor, practice: &str, e: &super::identification_types::WorklistEntry, status: &str, reason: Option<&str>, episode: Option<&str>) -> PResult<()> {
    let rules: Vec<&str> = e.reasons.iter().map(|r| r.rule.as_str()).collect();
    sqlx::query(
        "INSERT INTO identification_decision (practice_id, patient_key, status, reason, rules, entry_id, episode_id, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (practice_id, patient_key) DO UPDATE SET status = excluded.status, reason = excluded.reason, rules = excluded.rules, \
         entry_id = excluded.entry_id, episode_id = excluded.episode_id, decided_by = excluded.decided_by, decided_at = excluded.decided_at",
    )
    .bind(practice)
    .bind(&e.patient_key)
    .bind(status)
    .bind(reason)
    .bind(rules.join(","))
    .bind(&e.id)
    .bind(episode)
    .bind(&a.user_id)
    .bind(now())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The referrer decides not to refer someone found, saying why; a later run that finds them for
/// a new reason lists them again.
pub(super) async fn dismiss_entry(c: &mut Conn, a: &Actor, practice: &str, entry: &str, reason: &str) -> PResult<super::identification_types::WorklistEntry> {
    ident_member(c, a, practice).await?;
    let e = ident_entry_row(c, practice, entry).await?;
    if e.status == "referred" {
        return Err(PathwayError::Conflict("this person has been referred; a referral is not dismissed from the worklist".into()));
    }
    ident_decide(c, a, practice, &e, "dismissed", Some(reason), None).await?;
    audit(c, a, "dismiss", "identification_entry", Some(entry), None).await?;
    ident_entry_row(c, practice, entry).await
}

/// Refers the person an entry names: matched by their NHS number when Linkwork already knows it
/// (an open episode is added to, with a note), otherwise recorded new from `person`; the NHS
/// number kept as the person's identifier; the entry marked referred; one transaction.
pub(super) async fn refer_entry(
    c: &mut Conn,
    a: &Actor,
    practice: &str,
    entry: &str,
    person: &PersonDetails,
    details: &ReferralDetails,
    consent_method: linkwork_domain::pathway::consent::ConsentMethod,
    referred_by: Option<&str>,
) -> PResult<super::identification_types::ReferredEntry> {
    use linkwork_domain::pathway::identifier::NHS_NUMBER_SYSTEM;
    ident_member(c, a, practice).await?;
    let e = ident_entry_row(c, practice, entry).await?;
    if e.status == "referred" {
        return Err(PathwayError::Conflict("this person has already been referred from the worklist".into()));
    }
    if !e.in_records {
        return Err(PathwayError::Conflict("this patient is no longer in the practice's records as loaded; run the rules again".into()));
    }
    let known: Option<String> = match &e.nhs_number {
        Some(n) => sqlx::query_scalar("SELECT person_id FROM person_identifier WHERE system = $1 AND value = $2").bind(NHS_NUMBER_SYSTEM).bind(n).fetch_optional(&mut *c).await?,
        None => None,
    };
    let open: Option<String> = match &known {
        Some(p) => sqlx::query_scalar("SELECT id FROM episode WHERE person_id = $1 AND status <> 'closed' ORDER BY received_at DESC LIMIT 1").bind(p).fetch_optional(&mut *c).await?,
        None => None,
    };
    let joined = open.is_some();
    let episode_id = match open {
        Some(id) => {
            let from = details.referrer_organisation.clone().or(details.referrer_name.clone()).unwrap_or_else(|| a.name.clone());
            add_note(c, a, &id, &format!("A further referral came from {from} (the practice's worklist), for: {}.", details.reasons.join(", "))).await?;
            id
        }
        None => {
            let req = super::api::ReferralRequest {
                person_id: known.as_deref(),
                person: if known.is_some() { None } else { Some(person) },
                not_a_duplicate: true,
                details,
                consent_method,
                referred_by,
            };
            create_referral(c, a, &req).await?.id
        }
    };
    let ep = episode_summary(c, &episode_id).await?;
    if let (Some(n), None) = (&e.nhs_number, &known) {
        let holder: Option<String> = sqlx::query_scalar("SELECT person_id FROM person_identifier WHERE system = $1 AND value = $2").bind(NHS_NUMBER_SYSTEM).bind(n).fetch_optional(&mut *c).await?;
        if holder.is_none() {
            sqlx::query("INSERT INTO person_identifier (system, value, person_id, created_at) VALUES ($1, $2, $3, $4)")
                .bind(NHS_NUMBER_SYSTEM)
                .bind(n)
                .bind(&ep.person_id)
                .bind(now())
                .execute(&mut *c)
                .await?;
        }
    }
    ident_decide(c, a, practice, &e, "referred", None, Some(&episode_id)).await?;
    audit(c, a, "refer", "identification_entry", Some(entry), Some(&ep.person_id)).await?;
    let entry = ident_entry_row(c, practice, entry).await?;
    Ok(super::identification_types::ReferredEntry { episode: ep, entry, joined })
}
