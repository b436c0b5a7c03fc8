// Screening and outcome measures' SQL, compiled twice like ops.rs (included after it, so it
// shares its helpers: `audit`, `person_row`, `now`, `new_id`).

fn instrument_from(r: &DbRow) -> PResult<InstrumentRecord> {
    let def: String = r.try_get("definition")?;
    Ok(InstrumentRecord {
        id: r.try_get("id")?,
        url: r.try_get("url")?,
        version: r.try_get("version")?,
        name: r.try_get("name")?,
        title: r.try_get("title")?,
        definition: serde_json::from_str(&def)?,
        built_in: r.try_get("built_in")?,
        retired: r.try_get("retired")?,
        loaded_at: r.try_get("loaded_at")?,
    })
}

/// Loads an instrument (checked by the caller). The same URL and version again is accepted only
/// with the same definition: a changed instrument needs a new version, or answers already given
/// would be scored by rules they were not given under.
pub(super) async fn load_instrument(
    c: &mut Conn,
    a: &Actor,
    url: &str,
    version: &str,
    name: &str,
    title: &str,
    definition: &serde_json::Value,
    built_in: bool,
) -> PResult<(InstrumentRecord, bool)> {
    let existing = sqlx::query("SELECT * FROM instrument WHERE url = $1 AND version = $2").bind(url).bind(version).fetch_optional(&mut *c).await?;
    if let Some(r) = existing {
        let rec = instrument_from(&r)?;
        if &rec.definition == definition {
            return Ok((rec, false));
        }
        return Err(PathwayError::Conflict(format!(
            "{title} version {version} is already loaded with a different definition; give the changed one a new version (questionnaire.version)"
        )));
    }
    let id = Id::derived("instrument", &format!("{url}|{version}")).to_string();
    sqlx::query("INSERT INTO instrument (id, url, version, name, title, definition, built_in, retired, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $9)")
        .bind(&id)
        .bind(url)
        .bind(version)
        .bind(name)
        .bind(title)
        .bind(definition.to_string())
        .bind(built_in)
        .bind(now())
        .bind(&a.user_id)
        .execute(&mut *c)
        .await?;
    let r = sqlx::query("SELECT * FROM instrument WHERE id = $1").bind(&id).fetch_one(&mut *c).await?;
    Ok((instrument_from(&r)?, true))
}

pub(super) async fn list_instruments(c: &mut Conn) -> PResult<Vec<InstrumentRecord>> {
    let rows = sqlx::query("SELECT * FROM instrument ORDER BY name, loaded_at DESC").fetch_all(&mut *c).await?;
    rows.iter().map(instrument_from).collect()
}

/// Retires an instrument (no new answers; those given keep their scores) or brings it back.
pub(super) async fn set_instrument_retired(c: &mut Conn, a: &Actor, id: &str, retired: bool) -> PResult<InstrumentRecord> {
    let done = sqlx::query("UPDATE instrument SET retired = $1 WHERE id = $2").bind(retired).bind(id).execute(&mut *c).await?;
    if done.rows_affected() == 0 {
        return Err(PathwayError::NotFound(format!("instrument {id}")));
    }
    audit(c, a, "update", "instrument", Some(id), None).await?;
    let r = sqlx::query("SELECT * FROM instrument WHERE id = $1").bind(id).fetch_one(&mut *c).await?;
    instrument_from(&r)
}

/// An instrument by id, or the newest version of one by name.
pub(super) async fn find_instrument(c: &mut Conn, id_or_name: &str) -> PResult<InstrumentRecord> {
    let r = sqlx::query("SELECT * FROM instrument WHERE id = $1 OR (name = $1 AND NOT retired) ORDER BY (id = $1) DESC, loaded_at DESC LIMIT 1")
        .bind(id_or_name)
        .fetch_optional(&mut *c)
        .await?;
    match r {
        Some(r) => instrument_from(&r),
        None => Err(PathwayError::NotFound(format!("instrument {id_or_name}"))),
    }
}

async fn scores_of(c: &mut Conn, response_id: &str) -> PResult<Vec<StoredScore>> {
    let rows = sqlx::query("SELECT * FROM score WHERE response_id = $1 ORDER BY score_id").bind(response_id).fetch_all(&mut *c).await?;
    rows.iter()
        .map(|r| Ok(StoredScore { score_id: r.try_get("score_id")?, raw: r.try_get("raw")?, value: r.try_get("value")?, band: r.try_get("band")?, positive: r.try_get("positive")?, at: r.try_get("at")? }))
        .collect()
}

async fn response_from(c: &mut Conn, r: &DbRow) -> PResult<ResponseRecord> {
    let id: String = r.try_get("id")?;
    let answers: String = r.try_get("answers")?;
    Ok(ResponseRecord {
        scores: scores_of(c, &id).await?,
        id,
        person_id: r.try_get("person_id")?,
        episode_id: r.try_get("episode_id")?,
        instrument_id: r.try_get("instrument_id")?,
        instrument_name: r.try_get("instrument_name")?,
        timepoint: r.try_get("timepoint")?,
        status: r.try_get("status")?,
        answers: serde_json::from_str(&answers)?,
        authored_at: r.try_get("authored_at")?,
        recorded_by: r.try_get("recorded_by")?,
        version: r.try_get("version")?,
    })
}

const RESPONSE_SELECT: &str = "SELECT r.*, i.name AS instrument_name FROM questionnaire_response r JOIN instrument i ON i.id = r.instrument_id";

async fn response_row(c: &mut Conn, id: &str) -> PResult<ResponseRecord> {
    let r = sqlx::query(&format!("{RESPONSE_SELECT} WHERE r.id = $1")).bind(id).fetch_optional(&mut *c).await?;
    match r {
        Some(r) => response_from(c, &r).await,
        None => Err(PathwayError::NotFound(format!("response {id}"))),
    }
}

/// Keeps a completed response's scores and proposes its positive screens' needs, except needs
/// already on the person's record or already waiting for a decision.
async fn keep_scores(c: &mut Conn, response_id: &str, person_id: &str, instrument_id: &str, keep: &ScoresToKeep) -> PResult<()> {
    for s in &keep.scores {
        sqlx::query("INSERT INTO score (response_id, score_id, person_id, instrument_id, raw, value, band, positive, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(response_id)
            .bind(&s.score_id)
            .bind(person_id)
            .bind(instrument_id)
            .bind(s.raw)
            .bind(s.value)
            .bind(&s.band)
            .bind(s.positive)
            .bind(&s.at)
            .execute(&mut *c)
            .await?;
    }
    // One time for the response's proposals: they were made together.
    let at = now();
    for (domain, need, category) in &keep.proposals {
        let on_record: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_need WHERE person_id = $1 AND need = $2").bind(person_id).bind(need).fetch_one(&mut *c).await?;
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proposed_need WHERE person_id = $1 AND need = $2 AND status = 'proposed'").bind(person_id).bind(need).fetch_one(&mut *c).await?;
        if on_record > 0 || pending > 0 {
            continue;
        }
        sqlx::query("INSERT INTO proposed_need (id, person_id, response_id, need, sdoh_category, domain, status, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7)")
            .bind(new_id())
            .bind(person_id)
            .bind(response_id)
            .bind(need)
            .bind(category)
            .bind(domain)
            .bind(&at)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

fn check_timepoint(t: &str) -> PResult<()> {
    if ["screening", "baseline", "follow_up"].contains(&t) {
        Ok(())
    } else {
        Err(invalid("timepoint", format!("'{t}' is not a timepoint; use screening, baseline or follow_up")))
    }
}

/// Records answers: `keep` is Some when the response is complete (its scores and proposals).
pub(super) async fn save_response(
    c: &mut Conn,
    a: &Actor,
    person_id: &str,
    episode_id: Option<&str>,
    instrument_id: &str,
    timepoint: &str,
    answers: &serde_json::Value,
    keep: Option<&ScoresToKeep>,
) -> PResult<ResponseRecord> {
    check_timepoint(timepoint)?;
    let p = person_row(c, person_id).await?;
    if p.erased_at.is_some() {
        return Err(PathwayError::Conflict("this person's record was erased".into()));
    }
    if let Some(e) = episode_id {
        let owner: Option<String> = sqlx::query_scalar("SELECT person_id FROM episode WHERE id = $1").bind(e).fetch_optional(&mut *c).await?;
        if owner.as_deref() != Some(person_id) {
            return Err(invalid("episode_id", "is not an episode of this person"));
        }
    }
    let id = new_id();
    let t = now();
    sqlx::query(
        "INSERT INTO questionnaire_response (id, person_id, episode_id, instrument_id, timepoint, status, answers, authored_at, recorded_by, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, 1)",
    )
    .bind(&id)
    .bind(person_id)
    .bind(episode_id)
    .bind(instrument_id)
    .bind(timepoint)
    .bind(if keep.is_some() { "completed" } else { "in-progress" })
    .bind(answers.to_string())
    .bind(&t)
    .bind(&a.user_id)
    .execute(&mut *c)
    .await?;
    if let Some(k) = keep {
        keep_scores(c, &id, person_id, instrument_id, k).await?;
    }
    audit(c, a, "create", "questionnaire_response", Some(&id), Some(person_id)).await?;
    response_row(c, &id).await
}

/// Replaces a partial response's answers; completing it keeps its scores. A completed response
/// is final (record a new one to measure again).
pub(super) async fn update_response(c: &mut Conn, a: &Actor, id: &str, version: Option<i64>, answers: &serde_json::Value, keep: Option<&ScoresToKeep>) -> PResult<ResponseRecord> {
    let r = response_row(c, id).await?;
    if r.status != "in-progress" {
        return Err(PathwayError::Conflict("this response is completed; record a new one to measure again".into()));
    }
    if let Some(v) = version {
        if v != r.version {
            return Err(PathwayError::VersionMismatch { entity: "response", current: r.version });
        }
    }
    let t = now();
    sqlx::query("UPDATE questionnaire_response SET answers = $1, status = $2, authored_at = $3, updated_at = $3, version = version + 1 WHERE id = $4")
        .bind(answers.to_string())
        .bind(if keep.is_some() { "completed" } else { "in-progress" })
        .bind(&t)
        .bind(id)
        .execute(&mut *c)
        .await?;
    if let Some(k) = keep {
        keep_scores(c, id, &r.person_id, &r.instrument_id, k).await?;
    }
    audit(c, a, "update", "questionnaire_response", Some(id), Some(&r.person_id)).await?;
    response_row(c, id).await
}

pub(super) async fn get_response(c: &mut Conn, a: &Actor, id: &str) -> PResult<ResponseRecord> {
    let r = response_row(c, id).await?;
    audit(c, a, "read", "questionnaire_response", Some(id), Some(&r.person_id)).await?;
    Ok(r)
}

pub(super) async fn person_responses(c: &mut Conn, a: &Actor, person_id: &str) -> PResult<Vec<ResponseRecord>> {
    person_row(c, person_id).await?;
    let rows = sqlx::query(&format!("{RESPONSE_SELECT} WHERE r.person_id = $1 ORDER BY r.authored_at, r.id")).bind(person_id).fetch_all(&mut *c).await?;
    let mut out = vec![];
    for r in &rows {
        out.push(response_from(c, r).await?);
    }
    audit(c, a, "list", "questionnaire_response", None, Some(person_id)).await?;
    Ok(out)
}

fn proposed_from(r: &DbRow) -> PResult<ProposedNeed> {
    Ok(ProposedNeed {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        response_id: r.try_get("response_id")?,
        need: r.try_get("need")?,
        sdoh_category: r.try_get("sdoh_category")?,
        domain: r.try_get("domain")?,
        status: r.try_get("status")?,
        proposed_at: r.try_get("proposed_at")?,
        decided_at: r.try_get("decided_at")?,
    })
}

/// The needs screening proposed for a person (all, newest first) and the needs on their record.
pub(super) async fn person_needs(c: &mut Conn, a: &Actor, person_id: &str) -> PResult<(Vec<ProposedNeed>, Vec<PersonNeed>)> {
    person_row(c, person_id).await?;
    let rows = sqlx::query("SELECT * FROM proposed_need WHERE person_id = $1 ORDER BY proposed_at DESC, need").bind(person_id).fetch_all(&mut *c).await?;
    let proposed = rows.iter().map(proposed_from).collect::<PResult<Vec<_>>>()?;
    let rows = sqlx::query("SELECT * FROM person_need WHERE person_id = $1 ORDER BY recorded_at, need").bind(person_id).fetch_all(&mut *c).await?;
    let confirmed = rows
        .iter()
        .map(|r| Ok(PersonNeed { need: r.try_get("need")?, sdoh_category: r.try_get("sdoh_category")?, source: r.try_get("source")?, recorded_at: r.try_get("recorded_at")? }))
        .collect::<PResult<Vec<_>>>()?;
    audit(c, a, "read", "person_need", None, Some(person_id)).await?;
    Ok((proposed, confirmed))
}

/// Confirms a proposed need (it goes on the person's record) or dismisses it.
pub(super) async fn decide_need(c: &mut Conn, a: &Actor, id: &str, confirm: bool) -> PResult<ProposedNeed> {
    let r = sqlx::query("SELECT * FROM proposed_need WHERE id = $1").bind(id).fetch_optional(&mut *c).await?;
    let Some(r) = r else { return Err(PathwayError::NotFound(format!("proposed need {id}"))) };
    let p = proposed_from(&r)?;
    if p.status != "proposed" {
        return Err(PathwayError::Conflict(format!("this need was already {}", p.status)));
    }
    let t = now();
    sqlx::query("UPDATE proposed_need SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4")
        .bind(if confirm { "confirmed" } else { "dismissed" })
        .bind(&t)
        .bind(&a.user_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    if confirm {
        sqlx::query("INSERT INTO person_need (person_id, need, sdoh_category, source, recorded_at, recorded_by) VALUES ($1, $2, $3, 'screening', $4, $5) ON CONFLICT (person_id, need) DO NOTHING")
            .bind(&p.person_id)
            .bind(&p.need)
            .bind(&p.sdoh_category)
            .bind(&t)
            .bind(&a.user_id)
            .execute(&mut *c)
            .await?;
    }
    audit(c, a, "update", "person_need", Some(id), Some(&p.person_id)).await?;
    let r = sqlx::query("SELECT * FROM proposed_need WHERE id = $1").bind(id).fetch_one(&mut *c).await?;
    proposed_from(&r)
}
