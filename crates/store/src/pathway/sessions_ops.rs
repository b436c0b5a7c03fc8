// The first session a community organisation books for someone it accepted (included in `sq` and
// `pg` beside ops.rs), and the reminders of it. Its names are prefixed `first_session` since every
// ops file shares one module.

/// Books (or, with `on` None, withdraws) the first session of an onward referral. The receiving
/// organisation books it (`Side::Performer`, its own referrals only) or the link worker does on
/// its behalf (`Side::Requester`); only while the referral is accepted or under way.
#[allow(clippy::too_many_arguments)]
pub(super) async fn first_session_book(
    c: &mut Conn,
    a: &Actor,
    id: &str,
    side: Side,
    orgs: &[String],
    on: Option<&str>,
    time: Option<&str>,
    version: Option<i64>,
) -> PResult<OnwardReferral> {
    let o = onward_by_id(c, id).await?;
    if side == Side::Performer && !provider_can_see(c, &o, orgs).await? {
        return Err(PathwayError::NotFound(format!("referral {id}")));
    }
    check_version("referral", version, o.version)?;
    let status: TaskStatus = o.status.parse().map_err(crate::StoreError::Invalid)?;
    if !matches!(status, TaskStatus::Accepted | TaskStatus::InProgress | TaskStatus::OnHold) {
        return Err(PathwayError::Conflict(format!(
            "a first session is booked once the organisation has accepted the referral and before it ends; this referral is {status}"
        )));
    }
    sqlx::query("UPDATE onward_referral SET first_session_on = $1, first_session_time = $2, updated_at = $3, version = version + 1 WHERE id = $4")
        .bind(on)
        .bind(on.and(time))
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await?;
    audit(c, a, "update", "first_session", Some(id), Some(&o.person_id)).await?;
    onward_by_id(c, id).await
}

/// Queues the reminders of first sessions booked on `day` for people who chose email or text and
/// agreed to the service's support, once each per booked day (a session moved to another day is
/// reminded again; one already attended or recorded is not).
pub(super) async fn first_session_reminders(c: &mut Conn, day: &str) -> PResult<i64> {
    let rows: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT o.id, o.person_id, o.service_name, o.first_session_time, p.details FROM onward_referral o JOIN person p ON p.id = o.person_id \
         JOIN episode e ON e.id = o.episode_id \
         WHERE o.first_session_on = $1 AND o.status IN ('accepted', 'in-progress') AND e.status NOT IN ('closed') AND p.erased_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM attendance t WHERE t.onward_referral_id = o.id) ORDER BY o.id",
    )
    .bind(day)
    .fetch_all(&mut *c)
    .await?;
    let mut queued = 0;
    for (oid, person, service, time, details) in rows {
        let d: PersonDetails = serde_json::from_str(&details)?;
        let Some((channel, address)) = reminder_address(c, &person, &d).await? else { continue };
        let language = d.language.clone().unwrap_or_else(|| "en".into());
        let payload = serde_json::json!({ "onward_referral_id": oid, "day": day, "time": time, "service_name": service, "kind": "first_session" });
        let o = Outgoing {
            channel,
            purpose: Purpose::Reminder,
            address,
            language,
            payload,
            user_id: None,
            person_id: Some(person),
            subscription_id: None,
            dedupe_key: Some(format!("first-session:{oid}:{day}")),
        };
        queued += i64::from(outbox_enqueue(c, &o).await?);
    }
    Ok(queued)
}
