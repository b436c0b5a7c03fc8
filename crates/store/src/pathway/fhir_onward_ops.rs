// Onward referrals over FHIR, the IG's "light" flow (included in `sq` and `pg` beside ops.rs): a
// community organisation with its own system reads the onward referrals sent to it as Tasks (and
// their ServiceRequests) and changes their status as the performer. What it reads is what its
// inbox shows — only referrals to its organisations, never drafts, and only while the person's
// consent to share with it stands — and every read is audited as the inbox's are.

/// The incoming FHIR referral an onward referral's episode came from: its Task and ServiceRequest.
async fn fhir_onward_origin(c: &mut Conn, onward_id: &str) -> PResult<(Option<String>, Option<String>)> {
    let r: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT t.id, t.focus_ref FROM fhir_resource t JOIN onward_referral o ON o.episode_id = t.episode_id \
         WHERE o.id = $1 AND t.resource_type = 'Task' ORDER BY t.last_updated, t.id LIMIT 1",
    )
    .bind(onward_id)
    .fetch_optional(&mut *c)
    .await?;
    Ok(match r {
        Some((task, focus)) => (Some(task), focus.and_then(|f| f.strip_prefix("ServiceRequest/").map(str::to_string))),
        None => (None, None),
    })
}

async fn fhir_onward_of(c: &mut Conn, s: SharedReferral) -> PResult<OnwardFhir> {
    let (task, sr) = fhir_onward_origin(c, &s.id).await?;
    let sessions = s.attendance.iter().filter(|x| x.attended).count() as i64;
    Ok(OnwardFhir { shared: s, origin_task: task, origin_service_request: sr, sessions_attended: sessions })
}

/// The onward referrals to `orgs` a search names (status, `_lastUpdated`, ids), the least
/// recently changed first, one more than `limit` when there is a next page.
pub(super) async fn fhir_onward_search(c: &mut Conn, a: &Actor, orgs: &[String], s: &FhirSearch) -> PResult<Vec<OnwardFhir>> {
    if orgs.is_empty() {
        return Ok(vec![]);
    }
    let mut wh = vec!["o.status <> 'draft'".to_string(), "EXISTS (SELECT 1 FROM consent k WHERE k.person_id = o.person_id AND k.purpose = 'sharing' AND k.organization_id = o.organization_id AND k.withdrawn_at IS NULL)".to_string()];
    let mut binds: Vec<String> = vec![];
    let list = |vals: &[String], binds: &mut Vec<String>| -> String {
        let start = binds.len() + 1;
        binds.extend(vals.iter().cloned());
        (start..start + vals.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
    };
    wh.push(format!("o.organization_id IN ({})", list(orgs, &mut binds)));
    if !s.ids.is_empty() {
        wh.push(format!("o.id IN ({})", list(&s.ids, &mut binds)));
    }
    if !s.status.is_empty() {
        wh.push(format!("o.status IN ({})", list(&s.status, &mut binds)));
    }
    if let Some(owner) = &s.owner {
        let org = owner.strip_prefix("Organization/").unwrap_or(owner).to_string();
        wh.push(format!("o.organization_id = {}", list(&[org], &mut binds)));
    }
    for (op, t) in &s.last_updated {
        wh.push(format!("o.updated_at {op} {}", list(std::slice::from_ref(t), &mut binds)));
    }
    let sql = format!("{SHARED_SELECT} WHERE {} ORDER BY o.updated_at, o.id LIMIT {} OFFSET {}", wh.join(" AND "), s.limit.clamp(1, 1000) + 1, s.offset.max(0));
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *c).await?;
    let mut out = vec![];
    for r in &rows {
        let mut sh = shared_from(r)?;
        sh.attendance = attendance_of(c, &sh.id).await?;
        out.push(fhir_onward_of(c, sh).await?);
    }
    let ids = out.iter().map(|o| o.shared.id.as_str()).collect::<Vec<_>>().join(",");
    audit(c, a, "search", "onward_referral", (!ids.is_empty()).then_some(ids.as_str()), None).await?;
    Ok(out)
}

/// One onward referral as its organisation's system reads it (404 when the inbox would not show it).
pub(super) async fn fhir_onward_read(c: &mut Conn, a: &Actor, orgs: &[String], id: &str) -> PResult<OnwardFhir> {
    let s = get_shared(c, a, id, orgs).await?;
    fhir_onward_of(c, s).await
}
