// Research's SQL, compiled twice like ops.rs (included after it, so it shares its helpers:
// `audit`, `now`, `new_id`, `invalid`): researchers' approvals and the register of extracts.

const APPROVAL_SELECT: &str = "SELECT a.id, a.researcher_id, u.username, u.display_name, a.study, a.purpose, a.expires_on, b.display_name AS approver, \
     a.approved_at, a.revoked_at FROM research_approval a JOIN app_user u ON u.id = a.researcher_id LEFT JOIN app_user b ON b.id = a.approved_by";

fn keyed(field: &str, key: &'static str, user: &str, message: String) -> PathwayError {
    PathwayError::Invalid(vec![linkwork_domain::pathway::FieldError::keyed(field, key, &[("user", user)], message)])
}

fn approval_from(r: &DbRow) -> PResult<ApprovalRecord> {
    let expires_on: String = r.try_get("expires_on")?;
    let revoked_at: Option<String> = r.try_get("revoked_at")?;
    let today = super::record_time().date_naive().format("%Y-%m-%d").to_string();
    Ok(ApprovalRecord {
        id: r.try_get("id")?,
        researcher_id: r.try_get("researcher_id")?,
        researcher: r.try_get("username")?,
        researcher_name: r.try_get("display_name")?,
        study: r.try_get("study")?,
        purpose: r.try_get("purpose")?,
        active: revoked_at.is_none() && expires_on >= today,
        expires_on,
        approved_by: r.try_get("approver")?,
        approved_at: r.try_get("approved_at")?,
        revoked_at,
    })
}

async fn approval_by_id(c: &mut Conn, id: &str) -> PResult<ApprovalRecord> {
    let row = sqlx::query(&format!("{APPROVAL_SELECT} WHERE a.id = $1")).bind(id).fetch_optional(&mut *c).await?;
    match row {
        Some(r) => approval_from(&r),
        None => Err(PathwayError::NotFound(format!("research approval {id}"))),
    }
}

/// Approves a researcher (an enabled account holding the researcher role) for a study.
pub(super) async fn approve_research(c: &mut Conn, a: &Actor, n: &linkwork_domain::research::NewApproval) -> PResult<ApprovalRecord> {
    let user: Option<(String, String, bool)> = sqlx::query_as("SELECT id, roles, disabled FROM app_user WHERE username = $1")
        .bind(&n.researcher)
        .fetch_optional(&mut *c)
        .await?;
    let Some((uid, roles, disabled)) = user else {
        return Err(keyed("researcher", "err-research-no-such-user", &n.researcher, format!("there is no user '{}'; create the account first (linkwork user add --roles researcher)", n.researcher)));
    };
    let roles = parse_roles(&roles).map_err(|e| crate::StoreError::Invalid(e.to_string()))?;
    if !roles.contains(&linkwork_domain::pathway::Role::Researcher) {
        return Err(keyed("researcher", "err-research-not-a-researcher", &n.researcher, format!("'{}' does not hold the researcher role; give it that role first", n.researcher)));
    }
    if disabled {
        return Err(keyed("researcher", "err-research-user-disabled", &n.researcher, format!("'{}' is disabled", n.researcher)));
    }
    let id = new_id();
    sqlx::query("INSERT INTO research_approval (id, researcher_id, study, purpose, expires_on, approved_by, approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(&uid)
        .bind(&n.study)
        .bind(&n.purpose)
        .bind(n.expires_on.format("%Y-%m-%d").to_string())
        .bind(&a.user_id)
        .bind(now())
        .execute(&mut *c)
        .await?;
    audit(c, a, "approve", "research_approval", Some(&id), None).await?;
    approval_by_id(c, &id).await
}

pub(super) async fn revoke_research(c: &mut Conn, a: &Actor, id: &str) -> PResult<ApprovalRecord> {
    let current = approval_by_id(c, id).await?;
    if current.revoked_at.is_some() {
        return Err(PathwayError::Conflict(format!("approval {id} was revoked on {}", current.revoked_at.unwrap_or_default())));
    }
    sqlx::query("UPDATE research_approval SET revoked_at = $1, revoked_by = $2 WHERE id = $3")
        .bind(now())
        .bind(&a.user_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    audit(c, a, "revoke", "research_approval", Some(id), None).await?;
    approval_by_id(c, id).await
}

/// Approvals, the newest first: every one, or only this researcher's.
pub(super) async fn list_research_approvals(c: &mut Conn, researcher_id: Option<&str>) -> PResult<Vec<ApprovalRecord>> {
    let rows = match researcher_id {
        Some(r) => sqlx::query(&format!("{APPROVAL_SELECT} WHERE a.researcher_id = $1 ORDER BY a.approved_at DESC")).bind(r).fetch_all(&mut *c).await?,
        None => sqlx::query(&format!("{APPROVAL_SELECT} ORDER BY a.approved_at DESC")).fetch_all(&mut *c).await?,
    };
    rows.iter().map(approval_from).collect()
}

/// The approval `a` may take an extract under now: theirs, not revoked, not expired.
async fn usable_approval(c: &mut Conn, a: &Actor, id: &str) -> PResult<ApprovalRecord> {
    let ap = match approval_by_id(c, id).await {
        Err(PathwayError::NotFound(_)) => return Err(invalid("approval_id", format!("there is no approval {id}"))),
        r => r?,
    };
    if a.user_id.as_deref() != Some(ap.researcher_id.as_str()) {
        return Err(PathwayError::Forbidden(format!("approval {id} is not yours; extracts are taken by the researcher approved")));
    }
    if let Some(at) = &ap.revoked_at {
        return Err(PathwayError::Forbidden(format!("approval {id} was revoked on {at}")));
    }
    if !ap.active {
        return Err(PathwayError::Forbidden(format!("approval {id} expired on {}; ask an administrator to renew it", ap.expires_on)));
    }
    Ok(ap)
}

/// Checks the approval and records, before any fact is read, that `a` is reading for it.
pub(super) async fn begin_extract(c: &mut Conn, a: &Actor, approval_id: &str) -> PResult<ApprovalRecord> {
    let ap = usable_approval(c, a, approval_id).await?;
    audit(c, a, "read_for_research", "research_approval", Some(approval_id), None).await?;
    Ok(ap)
}

/// Registers an extract about to be handed over. The approval is checked again, in this
/// transaction: one revoked while the facts were read stops the hand-over.
pub(super) async fn record_extract(c: &mut Conn, a: &Actor, n: &linkwork_domain::research::NewExtract, episodes: i64, sha256: &str) -> PResult<ExtractRecord> {
    let ap = usable_approval(c, a, &n.approval_id).await?;
    let id = new_id();
    let at = now();
    let (from, to) = (n.from.format("%Y-%m-%d").to_string(), n.to.format("%Y-%m-%d").to_string());
    sqlx::query(
        "INSERT INTO research_extract (id, approval_id, requested_by, reason, period_from, period_to, episodes, content_sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(&ap.id)
    .bind(&ap.researcher_id)
    .bind(&n.reason)
    .bind(&from)
    .bind(&to)
    .bind(episodes)
    .bind(sha256)
    .bind(&at)
    .execute(&mut *c)
    .await?;
    audit(c, a, "extract", "research_extract", Some(&id), None).await?;
    Ok(ExtractRecord {
        id,
        approval_id: ap.id,
        study: ap.study,
        requested_by: ap.researcher,
        reason: n.reason.clone(),
        period_from: from,
        period_to: to,
        episodes,
        content_sha256: sha256.to_string(),
        created_at: at,
    })
}

/// The register of extracts, the newest first: every one, or only this researcher's.
pub(super) async fn list_extracts(c: &mut Conn, researcher_id: Option<&str>) -> PResult<Vec<ExtractRecord>> {
    let sql = "SELECT x.id, x.approval_id, a.study, u.username, x.reason, x.period_from, x.period_to, x.episodes, x.content_sha256, x.created_at \
               FROM research_extract x JOIN research_approval a ON a.id = x.approval_id JOIN app_user u ON u.id = x.requested_by";
    let rows: Vec<(String, String, String, String, String, String, String, i64, String, String)> = match researcher_id {
        Some(r) => sqlx::query_as(&format!("{sql} WHERE x.requested_by = $1 ORDER BY x.created_at DESC")).bind(r).fetch_all(&mut *c).await?,
        None => sqlx::query_as(&format!("{sql} ORDER BY x.created_at DESC")).fetch_all(&mut *c).await?,
    };
    Ok(rows
        .into_iter()
        .map(|(id, approval_id, study, requested_by, reason, period_from, period_to, episodes, content_sha256, created_at)| ExtractRecord {
            id,
            approval_id,
            study,
            requested_by,
            reason,
            period_from,
            period_to,
            episodes,
            content_sha256,
            created_at,
        })
        .collect())
}
