// Referrals from health systems over FHIR (included in `sq` and `pg` beside ops.rs): the person
// matched by identifier (never merged on a name), the referral made through the same
// create_referral as every other, the resources kept as sent, and the Task that follows the
// episode. Its own names are prefixed `fhir_` since every ops file shares one module.

use linkwork_domain::pathway::identifier::PersonIdentifier;
use linkwork_domain::pathway::inbound::{self, StatusReason};

const FHIR_COLUMNS: &str = "resource_type, id, version_id, last_updated, body, person_id, episode_id, client_id, status, status_reason, owner_ref, requester_ref, focus_ref";

/// Records a read or a search of kept resources, under the audit log's name for their type.
async fn fhir_audit(c: &mut Conn, a: &Actor, search: bool, resource_type: &str, id: Option<&str>, person: Option<&str>) -> PResult<()> {
    match (search, resource_type) {
        (false, "Task") => audit(c, a, "read", "fhir_task", id, person).await,
        (false, "ServiceRequest") => audit(c, a, "read", "fhir_service_request", id, person).await,
        (false, _) => audit(c, a, "read", "fhir_resource", id, person).await,
        (true, "Task") => audit(c, a, "search", "fhir_task", id, person).await,
        (true, "ServiceRequest") => audit(c, a, "search", "fhir_service_request", id, person).await,
        (true, _) => audit(c, a, "search", "fhir_resource", id, person).await,
    }
}

fn fhir_from(r: &DbRow) -> PResult<FhirResource> {
    let body: String = r.try_get("body")?;
    let reason: Option<String> = r.try_get("status_reason")?;
    Ok(FhirResource {
        resource_type: r.try_get("resource_type")?,
        id: r.try_get("id")?,
        version_id: r.try_get("version_id")?,
        last_updated: r.try_get("last_updated")?,
        body: serde_json::from_str(&body).map_err(|e| PathwayError::from(sqlx::Error::Decode(Box::new(e))))?,
        person_id: r.try_get("person_id")?,
        episode_id: r.try_get("episode_id")?,
        client_id: r.try_get("client_id")?,
        status: r.try_get("status")?,
        status_reason: reason.and_then(|s| serde_json::from_str::<StatusReason>(&s).ok()),
        owner_ref: r.try_get("owner_ref")?,
        requester_ref: r.try_get("requester_ref")?,
        focus_ref: r.try_get("focus_ref")?,
    })
}

pub(super) async fn fhir_get(c: &mut Conn, resource_type: &str, id: &str) -> PResult<FhirResource> {
    let sql = format!("SELECT {FHIR_COLUMNS} FROM fhir_resource WHERE resource_type = $1 AND id = $2");
    let r = sqlx::query(&sql).bind(resource_type).bind(id).fetch_optional(&mut *c).await?;
    fhir_from(&r.ok_or_else(|| PathwayError::NotFound(format!("{resource_type} {id}")))?)
}

/// Reads a kept resource the client may see (`client`: None for an administrator), audited.
pub(super) async fn fhir_read(c: &mut Conn, a: &Actor, client: Option<&str>, resource_type: &str, id: &str) -> PResult<FhirResource> {
    let r = fhir_get(c, resource_type, id).await?;
    if client.is_some_and(|cl| r.client_id.as_deref() != Some(cl)) {
        return Err(PathwayError::NotFound(format!("{resource_type} {id}")));
    }
    fhir_audit(c, a, false, resource_type, Some(id), r.person_id.as_deref()).await?;
    Ok(r)
}

async fn fhir_insert(c: &mut Conn, res: &FhirResourceIn, person: &str, episode: &str, client: &str, task: Option<(&str, Option<&str>, &str, &str)>) -> PResult<()> {
    let (status, requester, owner, focus) = match task {
        Some((s, r, o, f)) => (Some(s), r, Some(o), Some(f)),
        None => (None, None, None, None),
    };
    let focus = focus.map(str::to_string).or_else(|| (res.resource_type == "ServiceRequest").then(|| format!("ServiceRequest/{}", res.id)));
    sqlx::query(
        "INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, body, person_id, episode_id, client_id, status, owner_ref, requester_ref, focus_ref) \
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&res.resource_type)
    .bind(&res.id)
    .bind(format_time(linkwork_domain::pathway::now()))
    .bind(res.body.to_string())
    .bind(person)
    .bind(episode)
    .bind(client)
    .bind(status)
    .bind(owner)
    .bind(requester)
    .bind(focus)
    .execute(&mut *c)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => PathwayError::Conflict(format!("{} {} is already kept", res.resource_type, res.id)),
        _ => e.into(),
    })?;
    Ok(())
}

/// The person an inbound referral is about: found by an identifier, or recorded new (with a
/// proposed match where someone has the same name and birth date). Identifiers not yet known
/// are added to the person.
async fn fhir_match(c: &mut Conn, a: &Actor, r: &InboundReferral<'_>) -> PResult<(Person, Matched)> {
    // A verified NHS number first, then any other identifier with its system.
    let mut ids: Vec<&PersonIdentifier> = r.identifiers.iter().filter(|i| i.is_nhs_number()).collect();
    ids.extend(r.identifiers.iter().filter(|i| !i.is_nhs_number()));
    let mut found: Option<(String, String)> = None;
    for i in &ids {
        let hit: Option<String> =
            sqlx::query_scalar("SELECT person_id FROM person_identifier WHERE system = $1 AND value = $2").bind(&i.system).bind(&i.value).fetch_optional(&mut *c).await?;
        if let Some(p) = hit {
            found = Some((p, i.system.clone()));
            break;
        }
    }
    let (person, matched) = match found {
        Some((id, system)) => {
            let p = person_row(c, &id).await?;
            if p.erased_at.is_some() {
                return Err(PathwayError::Conflict("the person this identifier names had their record erased on request; Linkwork keeps nothing more about them".into()));
            }
            (p, Matched::Identifier { system })
        }
        None => {
            let candidates = find_duplicates(c, r.person).await?;
            let p = create_person(c, a, r.person, true).await?;
            if candidates.is_empty() {
                (p, Matched::New)
            } else {
                for cand in &candidates {
                    sqlx::query("INSERT INTO person_match (id, person_id, candidate_id, reason, created_at) VALUES ($1, $2, $3, $4, $5)")
                        .bind(new_id())
                        .bind(&p.id)
                        .bind(&cand.id)
                        .bind("same name and birth date, no identifier in common")
                        .bind(now())
                        .execute(&mut *c)
                        .await?;
                }
                (p, Matched::Proposed { candidates: candidates.into_iter().map(|c| c.id).collect() })
            }
        }
    };
    for i in r.identifiers {
        let holder: Option<String> =
            sqlx::query_scalar("SELECT person_id FROM person_identifier WHERE system = $1 AND value = $2").bind(&i.system).bind(&i.value).fetch_optional(&mut *c).await?;
        match holder {
            None => {
                sqlx::query("INSERT INTO person_identifier (system, value, person_id, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&i.system)
                    .bind(&i.value)
                    .bind(&person.id)
                    .bind(now())
                    .execute(&mut *c)
                    .await?;
            }
            Some(p) if p == person.id => {}
            // Two identifiers naming two people: the sender's record disagrees with what is known.
            Some(_) => {
                return Err(PathwayError::Conflict(format!(
                    "the identifiers given name two different people known here ({} {} is someone else's); check the patient's identifiers",
                    i.system, i.value
                )))
            }
        }
    }
    Ok((person, matched))
}

/// Receives a referral from a health system in one transaction: the person matched or recorded,
/// the referral in the link-worker queue (or added to the person's open episode), and every
/// resource kept, the Task at `requested`.
pub(super) async fn receive_referral(c: &mut Conn, a: &Actor, r: &InboundReferral<'_>) -> PResult<Received> {
    let (person, matched) = fhir_match(c, a, r).await?;
    let open: Option<String> = sqlx::query_scalar("SELECT id FROM episode WHERE person_id = $1 AND status <> 'closed' ORDER BY received_at DESC LIMIT 1")
        .bind(&person.id)
        .fetch_optional(&mut *c)
        .await?;
    let joined = open.is_some();
    let episode_id = match open {
        Some(id) => {
            let reasons = r.details.reasons.join(", ");
            let from = r.details.referrer_organisation.clone().or(r.details.referrer_name.clone()).unwrap_or_else(|| a.name.clone());
            add_note(c, a, &id, &format!("A further referral came from {from} (FHIR ServiceRequest/{}), for: {reasons}.", r.service_request.id)).await?;
            id
        }
        None => {
            let req = ReferralRequest {
                person_id: Some(&person.id),
                person: None,
                not_a_duplicate: true,
                details: r.details,
                consent_method: r.consent_method,
                referred_by: Some(r.client_id),
            };
            create_referral(c, a, &req).await?.id
        }
    };
    let ep = episode_row(c, &episode_id).await?;
    let closure: Option<String> = sqlx::query_scalar("SELECT closure_reason FROM episode WHERE id = $1").bind(&episode_id).fetch_one(&mut *c).await?;
    let state = inbound::task_for(ep.status, ep.accepted, closure.as_deref().and_then(|s| s.parse().ok()));
    fhir_insert(c, &r.service_request, &person.id, &episode_id, r.client_id, None).await?;
    for o in &r.others {
        fhir_insert(c, o, &person.id, &episode_id, r.client_id, None).await?;
    }
    let focus = format!("ServiceRequest/{}", r.service_request.id);
    fhir_insert(c, &r.task, &person.id, &episode_id, r.client_id, Some((state.status.as_str(), r.requester_ref.as_deref(), &r.owner_ref, &focus))).await?;
    if state.reason.is_some() {
        sqlx::query("UPDATE fhir_resource SET status_reason = $1 WHERE resource_type = 'Task' AND id = $2").bind(to_json(&state.reason)).bind(&r.task.id).execute(&mut *c).await?;
    }
    audit(c, a, "create", "fhir_referral", Some(&r.task.id), Some(&person.id)).await?;
    Ok(Received {
        person_id: person.id,
        episode_id,
        matched,
        joined_open_episode: joined,
        task: fhir_get(c, "Task", &r.task.id).await?,
        service_request: fhir_get(c, "ServiceRequest", &r.service_request.id).await?,
    })
}

/// Brings the Tasks of an episode's referrals in step with it (after every transition), each a
/// new version where its status changes. A Task the referrer cancelled stays cancelled.
pub(super) async fn fhir_follow_episode(c: &mut Conn, episode_id: &str) -> PResult<()> {
    let tasks: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, status FROM fhir_resource WHERE resource_type = 'Task' AND episode_id = $1").bind(episode_id).fetch_all(&mut *c).await?;
    if tasks.is_empty() {
        return Ok(());
    }
    let ep = episode_row(c, episode_id).await?;
    let closure: Option<String> = sqlx::query_scalar("SELECT closure_reason FROM episode WHERE id = $1").bind(episode_id).fetch_one(&mut *c).await?;
    let state = inbound::task_for(ep.status, ep.accepted, closure.as_deref().and_then(|s| s.parse().ok()));
    for (id, status) in tasks {
        let current = status.as_deref().and_then(|s| s.parse::<TaskStatus>().ok());
        if current == Some(state.status) || current.is_some_and(|s| s.is_terminal()) {
            continue;
        }
        sqlx::query(
            "UPDATE fhir_resource SET status = $1, status_reason = $2, version_id = version_id + 1, last_updated = $3 WHERE resource_type = 'Task' AND id = $4",
        )
        .bind(state.status.as_str())
        .bind(state.reason.as_ref().map(to_json))
        .bind(format_time(linkwork_domain::pathway::now()))
        .bind(&id)
        .execute(&mut *c)
        .await?;
        subscription_task_changed(c, &id).await?;
    }
    Ok(())
}

/// The referrer's change to its Task (a cancellation), on the version it read: checked by the
/// Task rules for the requester's side; a cancellation stops the episode's work by closing it
/// and says so to the link worker in a case note.
pub(super) async fn fhir_requester_update(c: &mut Conn, a: &Actor, client: Option<&str>, id: &str, version: i64, to: TaskStatus, reason: Option<&str>) -> PResult<FhirResource> {
    let t = fhir_get(c, "Task", id).await?;
    if client.is_some_and(|cl| t.client_id.as_deref() != Some(cl)) {
        return Err(PathwayError::NotFound(format!("Task {id}")));
    }
    if t.version_id != version {
        return Err(PathwayError::VersionMismatch { entity: "Task", current: t.version_id });
    }
    let from: TaskStatus = t.status.as_deref().unwrap_or("requested").parse().map_err(PathwayError::Conflict)?;
    if from == to {
        return Ok(t);
    }
    task::change(Side::Requester, from, to, reason).map_err(|e| invalid("status", e.to_string()))?;
    let reason = StatusReason { code: None, text: reason.unwrap_or_default().trim().to_string() };
    sqlx::query("UPDATE fhir_resource SET status = $1, status_reason = $2, version_id = version_id + 1, last_updated = $3 WHERE resource_type = 'Task' AND id = $4")
        .bind(to.as_str())
        .bind(to_json(&reason))
        .bind(format_time(linkwork_domain::pathway::now()))
        .bind(id)
        .execute(&mut *c)
        .await?;
    subscription_task_changed(c, id).await?;
    if let Some(eid) = &t.episode_id {
        let ep = episode_row(c, eid).await?;
        // Other referrals of the same episode that are still open keep it going.
        let others: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Task' AND episode_id = $1 AND id <> $2 AND status NOT IN ('cancelled', 'rejected', 'completed', 'failed')",
        )
        .bind(eid)
        .bind(id)
        .fetch_one(&mut *c)
        .await?;
        if ep.status.is_open() && others == 0 {
            add_note(c, a, eid, &format!("The referrer cancelled the referral (FHIR Task/{id}): {}. The episode was closed.", reason.text)).await?;
            let req = TransitionRequest { to: EpisodeStatus::Closed, reason: Some(ClosureReason::ReferredElsewhere), accepted: None };
            let at = now();
            let t = ep::transition(EpisodeState { status: ep.status, accepted: ep.accepted }, &req).map_err(|e| PathwayError::Conflict(e.to_string()))?;
            sqlx::query("UPDATE episode SET status = 'closed', closure_reason = $1, closed_at = $2, updated_at = $2, version = version + 1 WHERE id = $3")
                .bind(t.reason.map(|r| r.as_str()))
                .bind(&at)
                .bind(eid)
                .execute(&mut *c)
                .await?;
            insert_episode_event(c, eid, Some(t.from.as_str()), "closed", &a.user_id, t.reason.map(|r| r.as_str()), None).await?;
            audit(c, a, "update", "episode", Some(eid), Some(&ep.person_id)).await?;
        } else if ep.status.is_open() {
            add_note(c, a, eid, &format!("The referrer cancelled one of the referrals (FHIR Task/{id}): {}.", reason.text)).await?;
        }
    }
    audit(c, a, "update", "fhir_task", Some(id), t.person_id.as_deref()).await?;
    fhir_get(c, "Task", id).await
}

/// Kept resources matching a search (a page of them, and one more if there is a next page),
/// audited as one read.
pub(super) async fn fhir_search(c: &mut Conn, a: &Actor, s: &FhirSearch) -> PResult<Vec<FhirResource>> {
    let mut wh = vec!["resource_type = $1".to_string()];
    let mut binds: Vec<String> = vec![s.resource_type.clone()];
    let eq = |col: &str, v: &Option<String>, wh: &mut Vec<String>, binds: &mut Vec<String>| {
        if let Some(v) = v {
            binds.push(v.clone());
            wh.push(format!("{col} = ${}", binds.len()));
        }
    };
    eq("client_id", &s.client_id, &mut wh, &mut binds);
    eq("owner_ref", &s.owner, &mut wh, &mut binds);
    eq("requester_ref", &s.requester, &mut wh, &mut binds);
    eq("focus_ref", &s.focus, &mut wh, &mut binds);
    eq("person_id", &s.person_id, &mut wh, &mut binds);
    for (list, col) in [(&s.ids, "id"), (&s.status, "status")] {
        if !list.is_empty() {
            let mut marks = vec![];
            for v in list {
                binds.push(v.clone());
                marks.push(format!("${}", binds.len()));
            }
            wh.push(format!("{col} IN ({})", marks.join(", ")));
        }
    }
    for (op, t) in &s.last_updated {
        binds.push(t.clone());
        wh.push(format!("last_updated {op} ${}", binds.len()));
    }
    // Oldest change first: a client polling with _lastUpdated=gt… pages through what changed
    // without a change made meanwhile moving a page under it (it comes at the end).
    let sql = format!(
        "SELECT {FHIR_COLUMNS} FROM fhir_resource WHERE {} ORDER BY last_updated, id LIMIT {} OFFSET {}",
        wh.join(" AND "),
        s.limit.clamp(1, 1000) + 1,
        s.offset.max(0)
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *c).await?;
    let found: Vec<FhirResource> = rows.iter().map(fhir_from).collect::<PResult<_>>()?;
    fhir_audit(c, a, true, &s.resource_type, None, None).await?;
    Ok(found)
}

/// A person's identifiers.
pub(super) async fn person_identifiers(c: &mut Conn, person_id: &str) -> PResult<Vec<PersonIdentifier>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT system, value FROM person_identifier WHERE person_id = $1 ORDER BY system, value").bind(person_id).fetch_all(&mut *c).await?;
    Ok(rows.into_iter().map(|(system, value)| PersonIdentifier { system, value }).collect())
}

/// The person with this identifier, if the client referred them (None: an administrator).
pub(super) async fn fhir_person_by_identifier(c: &mut Conn, client: Option<&str>, system: &str, value: &str) -> PResult<Option<String>> {
    let p: Option<String> = sqlx::query_scalar(
        "SELECT i.person_id FROM person_identifier i WHERE i.system = $1 AND i.value = $2 \
         AND (CAST($3 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM fhir_resource f WHERE f.person_id = i.person_id AND f.client_id = CAST($3 AS TEXT)))",
    )
    .bind(system)
    .bind(value)
    .bind(client)
    .fetch_optional(&mut *c)
    .await?;
    Ok(p)
}

/// A person as a client that referred them may read them (None: an administrator), audited.
pub(super) async fn fhir_patient(c: &mut Conn, a: &Actor, client: Option<&str>, person_id: &str) -> PResult<(Person, Vec<PersonIdentifier>)> {
    if let Some(cl) = client {
        let referred: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM fhir_resource WHERE person_id = $1 AND client_id = $2").bind(person_id).bind(cl).fetch_one(&mut *c).await?;
        if referred == 0 {
            return Err(PathwayError::NotFound(format!("Patient {person_id}")));
        }
    }
    let p = person_row(c, person_id).await?;
    if p.erased_at.is_some() {
        return Err(PathwayError::NotFound(format!("Patient {person_id}")));
    }
    let ids = person_identifiers(c, person_id).await?;
    audit(c, a, "read", "person", Some(person_id), Some(person_id)).await?;
    Ok((p, ids))
}

/// What a referring system may hear of an episode it referred (`client` None: an
/// administrator), audited as a read of the person's record.
pub(super) async fn fhir_outcome(c: &mut Conn, a: &Actor, client: Option<&str>, episode_id: &str) -> PResult<FhirOutcome> {
    let kept: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT resource_type, id, requester_ref FROM fhir_resource WHERE episode_id = $1 AND resource_type IN ('ServiceRequest', 'Task') \
         AND (CAST($2 AS TEXT) IS NULL OR client_id = CAST($2 AS TEXT)) ORDER BY last_updated, id",
    )
    .bind(episode_id)
    .bind(client)
    .fetch_all(&mut *c)
    .await?;
    if kept.is_empty() {
        return Err(PathwayError::NotFound(format!("Procedure {episode_id}")));
    }
    let r = sqlx::query("SELECT person_id, status, accepted, received_at, closed_at, closure_reason, assessment, referred_by FROM episode WHERE id = $1")
        .bind(episode_id)
        .fetch_one(&mut *c)
        .await?;
    let person_id: String = r.try_get("person_id")?;
    let assessment: Option<String> = r.try_get("assessment")?;
    let what_matters = assessment.and_then(|s| serde_json::from_str::<linkwork_domain::pathway::assessment::Assessment>(&s).ok()).and_then(|a| a.what_matters);
    let items: Vec<(Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT service_id, service_name, activity FROM prescription_item WHERE episode_id = $1 ORDER BY created_at, id").bind(episode_id).fetch_all(&mut *c).await?;
    let enrolled: Vec<String> = sqlx::query_scalar("SELECT service_id FROM onward_referral WHERE episode_id = $1 AND status IN ('in-progress', 'on-hold', 'completed')")
        .bind(episode_id)
        .fetch_all(&mut *c)
        .await?;
    let activities = items
        .into_iter()
        .filter_map(|(sid, name, activity)| {
            let label = name.or(activity)?;
            Some((label, sid.is_some_and(|s| enrolled.contains(&s))))
        })
        .collect();
    let referred_by: Option<String> = r.try_get("referred_by")?;
    let recipient = client.map(str::to_string).or(referred_by);
    let rows: Vec<(String, String, String, Option<String>, Option<String>, String)> = sqlx::query_as(
        "SELECT id, kind, summary, code, code_display, created_at FROM message WHERE episode_id = $1 AND recipient_id = $2 ORDER BY created_at, id",
    )
    .bind(episode_id)
    .bind(recipient.unwrap_or_default())
    .fetch_all(&mut *c)
    .await?;
    let out = FhirOutcome {
        episode_id: episode_id.to_string(),
        person_id: person_id.clone(),
        status: r.try_get("status")?,
        accepted: r.try_get("accepted")?,
        received_at: r.try_get("received_at")?,
        closed_at: r.try_get("closed_at")?,
        closure_reason: r.try_get("closure_reason")?,
        what_matters,
        activities,
        service_requests: kept.iter().filter(|k| k.0 == "ServiceRequest").map(|k| k.1.clone()).collect(),
        tasks: kept.iter().filter(|k| k.0 == "Task").map(|k| k.1.clone()).collect(),
        requester_ref: kept.iter().find_map(|k| k.2.clone()),
        messages: rows
            .into_iter()
            .map(|(id, kind, summary, code, display, created_at)| MessageBack { id, kind, summary, code: code.map(|c| (c, display.unwrap_or_default())), created_at })
            .collect(),
    };
    audit(c, a, "read", "fhir_outcome", Some(episode_id), Some(&person_id)).await?;
    Ok(out)
}

/// The episode a message back to the client belongs to.
pub(super) async fn fhir_message_episode(c: &mut Conn, client: Option<&str>, message_id: &str) -> PResult<String> {
    let e: Option<String> = sqlx::query_scalar("SELECT episode_id FROM message WHERE id = $1 AND (CAST($2 AS TEXT) IS NULL OR recipient_id = CAST($2 AS TEXT))")
        .bind(message_id)
        .bind(client)
        .fetch_optional(&mut *c)
        .await?;
    e.ok_or_else(|| PathwayError::NotFound(format!("Communication {message_id}")))
}
