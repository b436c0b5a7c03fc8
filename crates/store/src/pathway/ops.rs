// The pathway's SQL, written once and compiled twice (see mod.rs): `Conn`, `DbRow` and `IS_PG`
// come from the including module. Every function runs inside the caller's transaction.

use linkwork_domain::pathway::assessment::{Assessment, GoalInput, GoalReviewInput, PrescriptionItemInput};
use linkwork_domain::pathway::audit::{self, AuditEntry, ChainError};
use linkwork_domain::pathway::consent::{ConsentInput, ConsentPurpose};
use linkwork_domain::pathway::episode::{self as ep, ClosureReason, EpisodeState, EpisodeStatus, TransitionRequest};
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::ReferralDetails;
use linkwork_domain::pathway::role::{format_roles, parse_roles};
use linkwork_domain::pathway::task::{self, Side, TaskStatus};
use linkwork_domain::pathway::{format_time, snomed};
use linkwork_domain::Id;
use sqlx::Row;

use super::api::{OnwardRequest, ReferralRequest};
use super::types::*;
use super::{to_json, PResult, PathwayError};

/// The time a record is dated at (see `Store::dated`).
fn now() -> String {
    format_time(super::record_time())
}

fn new_id() -> String {
    Id::new().to_string()
}

fn invalid(field: &str, message: impl Into<String>) -> PathwayError {
    PathwayError::Invalid(vec![linkwork_domain::pathway::FieldError::new(field, message)])
}

// ---------------------------------------------------------------------------------------------
// Audit

/// Appends one entry to the chain. Call it last in a transaction: on PostgreSQL it takes the
/// chain's lock, which is held until the transaction ends (SQLite's IMMEDIATE transaction
/// already holds the write lock).
pub(super) async fn audit(
    c: &mut Conn,
    a: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    person_id: Option<&str>,
) -> PResult<()> {
    if IS_PG {
        sqlx::query("SELECT pg_advisory_xact_lock(7320260001)").execute(&mut *c).await?;
    }
    let last: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *c).await?;
    let (seq, prev_hash) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, audit::GENESIS.to_string()),
    };
    let mut e = AuditEntry {
        seq,
        // The audit log is dated by the clock, even when the record it is about carries another date.
        at: format_time(linkwork_domain::pathway::now()),
        actor_id: a.user_id.clone(),
        actor_name: a.name.clone(),
        actor_role: a.role.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id: entity_id.map(str::to_string),
        person_id: person_id.map(str::to_string),
        reason: a.reason.clone(),
        prev_hash,
        hash: String::new(),
    };
    e.hash = e.compute_hash();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_role, action, entity, entity_id, person_id, reason, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(e.seq)
    .bind(&e.at)
    .bind(&e.actor_id)
    .bind(&e.actor_name)
    .bind(&e.actor_role)
    .bind(&e.action)
    .bind(&e.entity)
    .bind(&e.entity_id)
    .bind(&e.person_id)
    .bind(&e.reason)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .execute(&mut *c)
    .await?;
    Ok(())
}

fn audit_from(r: &DbRow) -> PResult<AuditEntry> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor_id: r.try_get("actor_id")?,
        actor_name: r.try_get("actor_name")?,
        actor_role: r.try_get("actor_role")?,
        action: r.try_get("action")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        person_id: r.try_get("person_id")?,
        reason: r.try_get("reason")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

pub(super) async fn search_audit(c: &mut Conn, f: &AuditFilter) -> PResult<(Vec<AuditEntry>, i64)> {
    let mut wh = vec!["1=1".to_string()];
    let mut binds: Vec<String> = vec![];
    for (col, op, v) in [
        ("actor_id", "=", &f.actor_id),
        ("person_id", "=", &f.person_id),
        ("entity", "=", &f.entity),
        ("action", "=", &f.action),
        ("at", ">=", &f.from),
        ("at", "<", &f.to),
    ] {
        if let Some(v) = v {
            binds.push(v.clone());
            wh.push(format!("{col} {op} ${}", binds.len()));
        }
    }
    let wh = wh.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {wh}");
    let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        q = q.bind(b);
    }
    let total = q.fetch_one(&mut *c).await?;
    let sql = format!("SELECT * FROM audit_log WHERE {wh} ORDER BY seq DESC LIMIT {} OFFSET {}", f.limit.clamp(1, 1000), f.offset.max(0));
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *c).await?;
    Ok((rows.iter().map(audit_from).collect::<PResult<_>>()?, total))
}

/// Checks the whole chain in runs of 5,000. Returns how many entries were checked.
pub(super) async fn verify_audit(c: &mut Conn) -> PResult<Result<i64, ChainError>> {
    let mut prev = audit::GENESIS.to_string();
    let mut after = 0i64;
    let mut count = 0i64;
    loop {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000").bind(after).fetch_all(&mut *c).await?;
        if rows.is_empty() {
            return Ok(Ok(count));
        }
        let entries: Vec<AuditEntry> = rows.iter().map(audit_from).collect::<PResult<_>>()?;
        if let Some(first) = entries.first() {
            if first.seq != after + 1 {
                return Ok(Err(ChainError::Broken { seq: first.seq }));
            }
        }
        for w in entries.windows(2) {
            if w[1].seq != w[0].seq + 1 {
                return Ok(Err(ChainError::Broken { seq: w[1].seq }));
            }
        }
        match audit::verify(&prev, &entries) {
            Ok(h) => prev = h,
            Err(e) => return Ok(Err(e)),
        }
        count += entries.len() as i64;
        after = entries.last().map(|e| e.seq).unwrap_or(after);
    }
}

// ---------------------------------------------------------------------------------------------
// Users and credentials

async fn user_orgs(c: &mut Conn, user_id: &str) -> PResult<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT organization_id FROM user_organization WHERE user_id = $1 ORDER BY organization_id").bind(user_id).fetch_all(&mut *c).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

async fn user_from(c: &mut Conn, r: &DbRow) -> PResult<User> {
    let id: String = r.try_get("id")?;
    let roles: String = r.try_get("roles")?;
    let organizations = user_orgs(c, &id).await?;
    Ok(User {
        roles: parse_roles(&roles).map_err(|e| crate::StoreError::Invalid(e.to_string()))?,
        organizations,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        team: r.try_get("team")?,
        disabled: r.try_get("disabled")?,
        created_at: r.try_get("created_at")?,
        password_hash: r.try_get("password_hash")?,
        id,
    })
}

pub(super) async fn user_by(c: &mut Conn, by_username: bool, key: &str) -> PResult<Option<User>> {
    let sql = if by_username { "SELECT * FROM app_user WHERE username = $1" } else { "SELECT * FROM app_user WHERE id = $1" };
    match sqlx::query(sql).bind(key).fetch_optional(&mut *c).await? {
        Some(r) => Ok(Some(user_from(c, &r).await?)),
        None => Ok(None),
    }
}

pub(super) async fn list_users(c: &mut Conn) -> PResult<Vec<User>> {
    let rows = sqlx::query("SELECT * FROM app_user ORDER BY username").fetch_all(&mut *c).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(user_from(c, r).await?);
    }
    Ok(out)
}

pub(super) async fn count_users(c: &mut Conn) -> PResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM app_user").fetch_one(&mut *c).await?)
}

pub(super) async fn count_episodes(c: &mut Conn) -> PResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM episode").fetch_one(&mut *c).await?)
}

pub(super) async fn create_user(c: &mut Conn, a: &Actor, u: &NewUser) -> PResult<User> {
    if user_by(c, true, &u.username).await?.is_some() {
        return Err(PathwayError::Conflict(format!("the username '{}' is taken; choose another", u.username)));
    }
    let id = new_id();
    let t = now();
    sqlx::query(
        "INSERT INTO app_user (id, username, display_name, email, password_hash, roles, disabled, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(&u.email)
    .bind(&u.password_hash)
    .bind(format_roles(&u.roles))
    .bind(false)
    .bind(&t)
    .bind(&t)
    .execute(&mut *c)
    .await?;
    set_orgs(c, &id, &u.organizations).await?;
    audit(c, a, "create", "user", Some(&id), None).await?;
    Ok(user_by(c, false, &id).await?.expect("the user just written"))
}

async fn set_orgs(c: &mut Conn, user_id: &str, orgs: &[String]) -> PResult<()> {
    sqlx::query("DELETE FROM user_organization WHERE user_id = $1").bind(user_id).execute(&mut *c).await?;
    for o in orgs {
        sqlx::query("INSERT INTO user_organization (user_id, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(user_id)
            .bind(o)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Changes what is given: disabled, roles, organisations, password hash.
pub(super) async fn update_user(
    c: &mut Conn,
    a: &Actor,
    username: &str,
    disabled: Option<bool>,
    roles: Option<&[linkwork_domain::pathway::Role]>,
    orgs: Option<&[String]>,
    password_hash: Option<&str>,
    email: Option<Option<&str>>,
) -> PResult<User> {
    let u = user_by(c, true, username).await?.ok_or_else(|| PathwayError::NotFound(format!("user '{username}'")))?;
    let t = now();
    if let Some(e) = email {
        sqlx::query("UPDATE app_user SET email = $1, updated_at = $2, version = version + 1 WHERE id = $3").bind(e).bind(&t).bind(&u.id).execute(&mut *c).await?;
    }
    if let Some(d) = disabled {
        sqlx::query("UPDATE app_user SET disabled = $1, updated_at = $2, version = version + 1 WHERE id = $3").bind(d).bind(&t).bind(&u.id).execute(&mut *c).await?;
        if d {
            // Signing a user out everywhere is part of disabling them.
            sqlx::query("UPDATE credential SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL").bind(&t).bind(&u.id).execute(&mut *c).await?;
        }
    }
    if let Some(r) = roles {
        sqlx::query("UPDATE app_user SET roles = $1, updated_at = $2, version = version + 1 WHERE id = $3").bind(format_roles(r)).bind(&t).bind(&u.id).execute(&mut *c).await?;
    }
    if let Some(o) = orgs {
        set_orgs(c, &u.id, o).await?;
    }
    if let Some(h) = password_hash {
        sqlx::query("UPDATE app_user SET password_hash = $1, updated_at = $2, version = version + 1 WHERE id = $3").bind(h).bind(&t).bind(&u.id).execute(&mut *c).await?;
    }
    audit(c, a, "update", "user", Some(&u.id), None).await?;
    Ok(user_by(c, false, &u.id).await?.expect("the user just updated"))
}

fn credential_from(r: &DbRow) -> PResult<Credential> {
    let scopes: String = r.try_get("scopes")?;
    Ok(Credential {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        kind: r.try_get("kind")?,
        name: r.try_get("name")?,
        scopes: scopes.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked_at: r.try_get("revoked_at")?,
        csrf: r.try_get("csrf")?,
    })
}

pub(super) async fn create_credential(c: &mut Conn, a: &Actor, n: &NewCredential<'_>) -> PResult<Credential> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO credential (id, user_id, kind, name, secret_hash, csrf, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(n.user_id)
    .bind(n.kind)
    .bind(n.name)
    .bind(n.secret_hash)
    .bind(n.csrf)
    .bind(n.scopes.join(","))
    .bind(now())
    .bind(n.expires_at)
    .execute(&mut *c)
    .await?;
    audit(c, a, if n.kind == "session" { "sign_in" } else { "create" }, "credential", Some(&id), None).await?;
    let r = sqlx::query("SELECT * FROM credential WHERE id = $1").bind(&id).fetch_one(&mut *c).await?;
    credential_from(&r)
}

/// The live credential with this secret hash and its user: not revoked, not expired, user enabled.
/// A read only: every authenticated request makes it, so it must not take SQLite's write lock.
pub(super) async fn credential_lookup(c: &mut Conn, secret_hash: &str) -> PResult<Option<(Credential, User)>> {
    let Some(r) = sqlx::query("SELECT * FROM credential WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)")
        .bind(secret_hash)
        .bind(now())
        .fetch_optional(&mut *c)
        .await?
    else {
        return Ok(None);
    };
    let cred = credential_from(&r)?;
    let Some(user) = user_by(c, false, &cred.user_id).await? else { return Ok(None) };
    if user.disabled {
        return Ok(None);
    }
    Ok(Some((cred, user)))
}

/// Records that a credential was used, at `at`.
pub(super) async fn touch_credential(c: &mut Conn, id: &str, at: &str) -> PResult<()> {
    sqlx::query("UPDATE credential SET last_used_at = $1 WHERE id = $2").bind(at).bind(id).execute(&mut *c).await?;
    Ok(())
}

pub(super) async fn list_credentials(c: &mut Conn, user_id: &str) -> PResult<Vec<Credential>> {
    let rows = sqlx::query("SELECT * FROM credential WHERE user_id = $1 AND kind = 'api' ORDER BY created_at").bind(user_id).fetch_all(&mut *c).await?;
    rows.iter().map(credential_from).collect()
}

pub(super) async fn revoke_credential(c: &mut Conn, a: &Actor, id: &str, owner: Option<&str>) -> PResult<()> {
    let mut q = "UPDATE credential SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL".to_string();
    if owner.is_some() {
        q.push_str(" AND user_id = $3");
    }
    let mut query = sqlx::query(&q).bind(now()).bind(id);
    if let Some(o) = owner {
        query = query.bind(o);
    }
    if query.execute(&mut *c).await?.rows_affected() == 0 {
        return Err(PathwayError::NotFound(format!("token {id}")));
    }
    audit(c, a, "revoke", "credential", Some(id), None).await
}

pub(super) async fn sign_in_failures(c: &mut Conn, username: &str, since: &str) -> PResult<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT at FROM sign_in_failure WHERE username = $1 AND at >= $2 ORDER BY at").bind(username).bind(since).fetch_all(&mut *c).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub(super) async fn record_sign_in_failure(c: &mut Conn, username: &str) -> PResult<()> {
    sqlx::query("INSERT INTO sign_in_failure (username, at) VALUES ($1, $2)").bind(username).bind(now()).execute(&mut *c).await?;
    Ok(())
}

pub(super) async fn clear_sign_in_failures(c: &mut Conn, username: &str) -> PResult<()> {
    sqlx::query("DELETE FROM sign_in_failure WHERE username = $1").bind(username).execute(&mut *c).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// People and consent

fn person_from(r: &DbRow) -> PResult<Person> {
    let details: String = r.try_get("details")?;
    Ok(Person {
        id: r.try_get("id")?,
        details: serde_json::from_str(&details)?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        erased_at: r.try_get("erased_at")?,
        version: r.try_get("version")?,
    })
}

fn summary_of(p: &Person) -> PersonSummary {
    PersonSummary {
        id: p.id.clone(),
        display_name: if p.erased_at.is_some() { "(erased)".into() } else { p.details.display_name() },
        birth_date: p.details.birth_date.clone(),
        postcode: p.details.postcode.clone(),
    }
}

async fn person_row(c: &mut Conn, id: &str) -> PResult<Person> {
    let r = sqlx::query("SELECT * FROM person WHERE id = $1").bind(id).fetch_optional(&mut *c).await?;
    match r {
        Some(r) => person_from(&r),
        None => Err(PathwayError::NotFound(format!("person {id}"))),
    }
}

pub(super) async fn find_duplicates(c: &mut Conn, details: &PersonDetails) -> PResult<Vec<PersonSummary>> {
    let Some(key) = details.duplicate_key() else { return Ok(vec![]) };
    let rows = sqlx::query("SELECT * FROM person WHERE duplicate_key = $1 AND erased_at IS NULL ORDER BY created_at").bind(&key).fetch_all(&mut *c).await?;
    Ok(rows.iter().map(person_from).collect::<PResult<Vec<_>>>()?.iter().map(summary_of).collect())
}

pub(super) async fn create_person(c: &mut Conn, a: &Actor, details: &PersonDetails, not_a_duplicate: bool) -> PResult<Person> {
    if !not_a_duplicate {
        let dups = find_duplicates(c, details).await?;
        if !dups.is_empty() {
            for d in &dups {
                audit(c, a, "read", "person", Some(&d.id), Some(&d.id)).await?;
            }
            return Err(PathwayError::PossibleDuplicate(dups));
        }
    }
    let id = new_id();
    let t = now();
    sqlx::query(
        "INSERT INTO person (id, details, display_name, duplicate_key, created_at, created_by, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
    )
    .bind(&id)
    .bind(to_json(details))
    .bind(details.display_name())
    .bind(details.duplicate_key())
    .bind(&t)
    .bind(&a.user_id)
    .bind(&t)
    .execute(&mut *c)
    .await?;
    audit(c, a, "create", "person", Some(&id), Some(&id)).await?;
    person_row(c, &id).await
}

pub(super) async fn get_person(c: &mut Conn, a: &Actor, id: &str) -> PResult<Person> {
    let p = person_row(c, id).await?;
    audit(c, a, "read", "person", Some(id), Some(id)).await?;
    Ok(p)
}

pub(super) async fn update_person(c: &mut Conn, a: &Actor, id: &str, version: i64, details: &PersonDetails) -> PResult<Person> {
    let p = person_row(c, id).await?;
    if p.erased_at.is_some() {
        return Err(PathwayError::Conflict("this person's record was erased on request and cannot be changed".into()));
    }
    let n = sqlx::query("UPDATE person SET details = $1, display_name = $2, duplicate_key = $3, updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6")
        .bind(to_json(details))
        .bind(details.display_name())
        .bind(details.duplicate_key())
        .bind(now())
        .bind(id)
        .bind(version)
        .execute(&mut *c)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(PathwayError::VersionMismatch { entity: "person", current: p.version });
    }
    audit(c, a, "update", "person", Some(id), Some(id)).await?;
    person_row(c, id).await
}

pub(super) async fn search_people(c: &mut Conn, a: &Actor, q: &str, limit: i64) -> PResult<Vec<PersonSummary>> {
    let pattern = format!("%{}%", q.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let rows = sqlx::query("SELECT * FROM person WHERE erased_at IS NULL AND LOWER(display_name) LIKE $1 ESCAPE '\\' ORDER BY display_name LIMIT $2")
        .bind(&pattern)
        .bind(limit.clamp(1, 200))
        .fetch_all(&mut *c)
        .await?;
    let people: Vec<PersonSummary> = rows.iter().map(person_from).collect::<PResult<Vec<_>>>()?.iter().map(summary_of).collect();
    let ids = people.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(",");
    audit(c, a, "search", "person", (!ids.is_empty()).then_some(ids.as_str()), None).await?;
    Ok(people)
}

fn consent_from(r: &DbRow) -> PResult<Consent> {
    let withdrawn_at: Option<String> = r.try_get("withdrawn_at")?;
    Ok(Consent {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        purpose: r.try_get("purpose")?,
        organization_id: r.try_get("organization_id")?,
        method: r.try_get("method")?,
        given_by: r.try_get("given_by")?,
        note: r.try_get("note")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        active: withdrawn_at.is_none(),
        withdrawn_at,
        withdrawn_by: r.try_get("withdrawn_by")?,
        withdrawal_reason: r.try_get("withdrawal_reason")?,
    })
}

async fn insert_consent(c: &mut Conn, a: &Actor, person_id: &str, input: &ConsentInput) -> PResult<Consent> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO consent (id, person_id, purpose, organization_id, method, given_by, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(person_id)
    .bind(input.purpose.as_str())
    .bind(input.organization_id.map(|o| o.to_string()))
    .bind(input.method.as_str())
    .bind(&input.given_by)
    .bind(&input.note)
    .bind(&a.user_id)
    .bind(now())
    .execute(&mut *c)
    .await?;
    let r = sqlx::query("SELECT * FROM consent WHERE id = $1").bind(&id).fetch_one(&mut *c).await?;
    consent_from(&r)
}

pub(super) async fn add_consent(c: &mut Conn, a: &Actor, person_id: &str, input: &ConsentInput) -> PResult<Consent> {
    let p = person_row(c, person_id).await?;
    if p.erased_at.is_some() {
        return Err(PathwayError::Conflict("this person's record was erased on request".into()));
    }
    let consent = insert_consent(c, a, person_id, input).await?;
    audit(c, a, "create", "consent", Some(&consent.id), Some(person_id)).await?;
    Ok(consent)
}

pub(super) async fn withdraw_consent(c: &mut Conn, a: &Actor, consent_id: &str, reason: Option<&str>) -> PResult<Consent> {
    let r = sqlx::query("SELECT * FROM consent WHERE id = $1").bind(consent_id).fetch_optional(&mut *c).await?;
    let consent = consent_from(&r.ok_or_else(|| PathwayError::NotFound(format!("consent {consent_id}")))?)?;
    if !consent.active {
        return Err(PathwayError::Conflict(format!("this consent was already withdrawn at {}", consent.withdrawn_at.unwrap_or_default())));
    }
    sqlx::query("UPDATE consent SET withdrawn_at = $1, withdrawn_by = $2, withdrawal_reason = $3 WHERE id = $4")
        .bind(now())
        .bind(&a.user_id)
        .bind(reason)
        .bind(consent_id)
        .execute(&mut *c)
        .await?;
    audit(c, a, "withdraw", "consent", Some(consent_id), Some(&consent.person_id)).await?;
    let r = sqlx::query("SELECT * FROM consent WHERE id = $1").bind(consent_id).fetch_one(&mut *c).await?;
    consent_from(&r)
}

pub(super) async fn list_consents(c: &mut Conn, a: &Actor, person_id: &str) -> PResult<Vec<Consent>> {
    person_row(c, person_id).await?;
    let rows = sqlx::query("SELECT * FROM consent WHERE person_id = $1 ORDER BY recorded_at").bind(person_id).fetch_all(&mut *c).await?;
    audit(c, a, "read", "consent", None, Some(person_id)).await?;
    rows.iter().map(consent_from).collect()
}

async fn has_consent(c: &mut Conn, person_id: &str, purpose: ConsentPurpose, org: Option<&str>) -> PResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM consent WHERE person_id = $1 AND purpose = $2 AND withdrawn_at IS NULL AND (organization_id = $3 OR $3 IS NULL)",
    )
    .bind(person_id)
    .bind(purpose.as_str())
    .bind(org)
    .fetch_one(&mut *c)
    .await?;
    Ok(n > 0)
}

// ---------------------------------------------------------------------------------------------
// Referrals in and episodes

pub(super) async fn create_referral(c: &mut Conn, a: &Actor, r: &ReferralRequest<'_>) -> PResult<EpisodeSummary> {
    let person = match (r.person_id, r.person) {
        (Some(id), None) => person_row(c, id).await.map_err(|_| invalid("person_id", format!("there is no person {id}")))?,
        (None, Some(details)) => create_person(c, a, details, r.not_a_duplicate).await?,
        _ => return Err(invalid("person", "give either person_id (someone already recorded) or person (a new person's details), not both")),
    };
    if person.erased_at.is_some() {
        return Err(invalid("person_id", "this person's record was erased on request"));
    }
    let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM episode WHERE person_id = $1 AND status <> 'closed'").bind(&person.id).fetch_one(&mut *c).await?;
    if open > 0 {
        return Err(PathwayError::Conflict("this person already has an open episode with the link worker service; add to it instead".into()));
    }
    let consent = ConsentInput { purpose: ConsentPurpose::Support, organization_id: None, method: r.consent_method, given_by: None, note: Some("given at referral".into()) };
    let consent = insert_consent(c, a, &person.id, &consent).await?;
    let id = new_id();
    let t = now();
    sqlx::query(
        "INSERT INTO episode (id, person_id, status, accepted, referral, source, urgency, safeguarding, referred_by, received_at, updated_at, version) \
         VALUES ($1, $2, 'received', $3, $4, $5, $6, $7, $8, $9, $10, 1)",
    )
    .bind(&id)
    .bind(&person.id)
    .bind(false)
    .bind(to_json(r.details))
    .bind(r.details.source.as_str())
    .bind(r.details.urgency.as_str())
    .bind(r.details.safeguarding)
    .bind(r.referred_by)
    .bind(&t)
    .bind(&t)
    .execute(&mut *c)
    .await?;
    insert_episode_event(c, &id, None, "received", &a.user_id, None, None).await?;
    audit(c, a, "create", "consent", Some(&consent.id), Some(&person.id)).await?;
    audit(c, a, "create", "episode", Some(&id), Some(&person.id)).await?;
    episode_summary(c, &id).await
}

async fn insert_episode_event(
    c: &mut Conn,
    episode_id: &str,
    from: Option<&str>,
    to: &str,
    actor: &Option<String>,
    reason: Option<&str>,
    code: Option<&str>,
) -> PResult<()> {
    sqlx::query("INSERT INTO episode_event (id, episode_id, from_status, to_status, at, actor_id, reason, code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(new_id())
        .bind(episode_id)
        .bind(from)
        .bind(to)
        .bind(now())
        .bind(actor)
        .bind(reason)
        .bind(code)
        .execute(&mut *c)
        .await?;
    Ok(())
}

const SUMMARY_COLUMNS: &str = "e.id, e.person_id, p.display_name, p.erased_at, e.status, e.closure_reason, e.urgency, e.safeguarding, e.source, e.link_worker_id, e.received_at, e.updated_at, e.version";

fn summary_from(r: &DbRow) -> PResult<EpisodeSummary> {
    let erased: Option<String> = r.try_get("erased_at")?;
    Ok(EpisodeSummary {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        person_name: if erased.is_some() { "(erased)".into() } else { r.try_get("display_name")? },
        status: r.try_get("status")?,
        closure_reason: r.try_get("closure_reason")?,
        urgency: r.try_get("urgency")?,
        safeguarding: r.try_get("safeguarding")?,
        source: r.try_get("source")?,
        link_worker_id: r.try_get("link_worker_id")?,
        received_at: r.try_get("received_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

async fn episode_summary(c: &mut Conn, id: &str) -> PResult<EpisodeSummary> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM episode e JOIN person p ON p.id = e.person_id WHERE e.id = $1");
    let r = sqlx::query(&sql).bind(id).fetch_optional(&mut *c).await?;
    summary_from(&r.ok_or_else(|| PathwayError::NotFound(format!("episode {id}")))?)
}

pub(super) async fn list_episodes(c: &mut Conn, a: &Actor, f: &EpisodeFilter) -> PResult<(Vec<EpisodeSummary>, i64)> {
    let mut wh = vec!["1=1".to_string()];
    let mut binds: Vec<String> = vec![];
    if let Some(v) = &f.link_worker_id {
        binds.push(v.clone());
        wh.push(format!("e.link_worker_id = ${}", binds.len()));
    }
    if let Some(v) = &f.referred_by {
        binds.push(v.clone());
        wh.push(format!("e.referred_by = ${}", binds.len()));
    }
    if let Some(v) = &f.status {
        binds.push(v.clone());
        wh.push(format!("e.status = ${}", binds.len()));
    }
    if f.open_only {
        wh.push("e.status <> 'closed'".into());
    }
    if f.unassigned {
        wh.push("e.link_worker_id IS NULL".into());
    }
    let wh = wh.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM episode e WHERE {wh}");
    let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        q = q.bind(b);
    }
    let total = q.fetch_one(&mut *c).await?;
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM episode e JOIN person p ON p.id = e.person_id WHERE {wh} \
         ORDER BY CASE e.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, e.received_at LIMIT {} OFFSET {}",
        f.limit.clamp(1, 500),
        f.offset.max(0)
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *c).await?;
    let items: Vec<EpisodeSummary> = rows.iter().map(summary_from).collect::<PResult<_>>()?;
    if !items.is_empty() {
        let ids = items.iter().map(|e| e.person_id.as_str()).collect::<Vec<_>>().join(",");
        audit(c, a, "list", "episode", Some(&ids), None).await?;
    }
    Ok((items, total))
}

struct EpisodeRow {
    person_id: String,
    status: EpisodeStatus,
    accepted: bool,
    version: i64,
    referred_by: Option<String>,
    link_worker_id: Option<String>,
}

async fn episode_row(c: &mut Conn, id: &str) -> PResult<EpisodeRow> {
    let r = sqlx::query("SELECT person_id, status, accepted, version, referred_by, link_worker_id FROM episode WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or_else(|| PathwayError::NotFound(format!("episode {id}")))?;
    let status: String = r.try_get("status")?;
    Ok(EpisodeRow {
        person_id: r.try_get("person_id")?,
        status: status.parse().map_err(crate::StoreError::Invalid)?,
        accepted: r.try_get("accepted")?,
        version: r.try_get("version")?,
        referred_by: r.try_get("referred_by")?,
        link_worker_id: r.try_get("link_worker_id")?,
    })
}

fn check_version(entity: &'static str, expected: Option<i64>, current: i64) -> PResult<()> {
    match expected {
        Some(v) if v != current => Err(PathwayError::VersionMismatch { entity, current }),
        _ => Ok(()),
    }
}

async fn bump_episode(c: &mut Conn, id: &str) -> PResult<()> {
    sqlx::query("UPDATE episode SET updated_at = $1, version = version + 1 WHERE id = $2").bind(now()).bind(id).execute(&mut *c).await?;
    Ok(())
}

async fn goals_of(c: &mut Conn, episode_id: &str) -> PResult<Vec<Goal>> {
    let rows = sqlx::query("SELECT * FROM goal WHERE episode_id = $1 ORDER BY created_at, id").bind(episode_id).fetch_all(&mut *c).await?;
    let mut goals = Vec::new();
    for r in &rows {
        let id: String = r.try_get("id")?;
        let reviews = sqlx::query("SELECT * FROM goal_review WHERE goal_id = $1 ORDER BY at").bind(&id).fetch_all(&mut *c).await?;
        goals.push(Goal {
            episode_id: r.try_get("episode_id")?,
            description: r.try_get("description")?,
            target_date: r.try_get("target_date")?,
            progress: r.try_get("progress")?,
            created_at: r.try_get("created_at")?,
            version: r.try_get("version")?,
            reviews: reviews
                .iter()
                .map(|v| {
                    Ok(GoalReview { progress: v.try_get("progress")?, note: v.try_get("note")?, at: v.try_get("at")?, reviewed_by: v.try_get("reviewed_by")? })
                })
                .collect::<PResult<_>>()?,
            id,
        });
    }
    Ok(goals)
}

fn follow_up_from(r: &DbRow, with_name: bool) -> PResult<FollowUp> {
    Ok(FollowUp {
        id: r.try_get("id")?,
        episode_id: r.try_get("episode_id")?,
        person_name: if with_name { r.try_get("display_name")? } else { None },
        link_worker_id: r.try_get("link_worker_id")?,
        due_on: r.try_get("due_on")?,
        purpose: r.try_get("purpose")?,
        done_at: r.try_get("done_at")?,
        outcome: r.try_get("outcome")?,
    })
}

fn attendance_from(r: &DbRow) -> PResult<Attendance> {
    Ok(Attendance { session_on: r.try_get("session_on")?, attended: r.try_get("attended")?, note: r.try_get("note")?, recorded_at: r.try_get("recorded_at")? })
}

async fn attendance_of(c: &mut Conn, onward_id: &str) -> PResult<Vec<Attendance>> {
    let rows = sqlx::query("SELECT * FROM attendance WHERE onward_referral_id = $1 ORDER BY session_on").bind(onward_id).fetch_all(&mut *c).await?;
    rows.iter().map(attendance_from).collect()
}

async fn onward_from(c: &mut Conn, r: &DbRow) -> PResult<OnwardReferral> {
    let id: String = r.try_get("id")?;
    let events = sqlx::query("SELECT * FROM onward_event WHERE onward_referral_id = $1 ORDER BY at, id").bind(&id).fetch_all(&mut *c).await?;
    let events = events
        .iter()
        .map(|e| Ok(OnwardEvent { from: e.try_get("from_status")?, to: e.try_get("to_status")?, side: e.try_get("side")?, at: e.try_get("at")?, reason: e.try_get("reason")? }))
        .collect::<PResult<Vec<_>>>()?;
    let attendance = attendance_of(c, &id).await?;
    Ok(OnwardReferral {
        episode_id: r.try_get("episode_id")?,
        person_id: r.try_get("person_id")?,
        service_id: r.try_get("service_id")?,
        service_name: r.try_get("service_name")?,
        organization_id: r.try_get("organization_id")?,
        status: r.try_get("status")?,
        status_reason: r.try_get("status_reason")?,
        message: r.try_get("message")?,
        capacity_warning: r.try_get("capacity_warning")?,
        first_session_on: r.try_get("first_session_on")?,
        first_session_time: r.try_get("first_session_time")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
        sessions_attended: attendance.iter().filter(|a| a.attended).count() as u32,
        sessions_recorded: attendance.len() as u32,
        events,
        attendance,
        id,
    })
}

async fn full_episode(c: &mut Conn, id: &str) -> PResult<Episode> {
    let r = sqlx::query("SELECT e.*, p.display_name, p.erased_at FROM episode e JOIN person p ON p.id = e.person_id WHERE e.id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or_else(|| PathwayError::NotFound(format!("episode {id}")))?;
    let referral: String = r.try_get("referral")?;
    let assessment: Option<String> = r.try_get("assessment")?;
    let erased: Option<String> = r.try_get("erased_at")?;
    let events = sqlx::query("SELECT * FROM episode_event WHERE episode_id = $1 ORDER BY at, id").bind(id).fetch_all(&mut *c).await?;
    let events = events
        .iter()
        .map(|e| {
            Ok(EpisodeEvent {
                from: e.try_get("from_status")?,
                to: e.try_get("to_status")?,
                at: e.try_get("at")?,
                actor_id: e.try_get("actor_id")?,
                reason: e.try_get("reason")?,
                code: e.try_get("code")?,
            })
        })
        .collect::<PResult<Vec<_>>>()?;
    let items = sqlx::query("SELECT * FROM prescription_item WHERE episode_id = $1 ORDER BY created_at, id").bind(id).fetch_all(&mut *c).await?;
    let prescription = items
        .iter()
        .map(|i| {
            let goal_ids: String = i.try_get("goal_ids")?;
            Ok(PrescriptionItem {
                id: i.try_get("id")?,
                service_id: i.try_get("service_id")?,
                service_name: i.try_get("service_name")?,
                activity: i.try_get("activity")?,
                note: i.try_get("note")?,
                goal_ids: serde_json::from_str(&goal_ids)?,
                created_at: i.try_get("created_at")?,
            })
        })
        .collect::<PResult<Vec<_>>>()?;
    let onward_rows = sqlx::query("SELECT * FROM onward_referral WHERE episode_id = $1 ORDER BY created_at, id").bind(id).fetch_all(&mut *c).await?;
    let mut onward_referrals = Vec::new();
    for o in &onward_rows {
        onward_referrals.push(onward_from(c, o).await?);
    }
    let fu = sqlx::query("SELECT * FROM follow_up WHERE episode_id = $1 ORDER BY due_on, id").bind(id).fetch_all(&mut *c).await?;
    let follow_ups = fu.iter().map(|r| follow_up_from(r, false)).collect::<PResult<Vec<_>>>()?;
    Ok(Episode {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        person_name: if erased.is_some() { "(erased)".into() } else { r.try_get("display_name")? },
        status: r.try_get("status")?,
        accepted: r.try_get("accepted")?,
        closure_reason: r.try_get("closure_reason")?,
        referral: serde_json::from_str(&referral)?,
        referred_by: r.try_get("referred_by")?,
        link_worker_id: r.try_get("link_worker_id")?,
        assessment: assessment.map(|a| serde_json::from_str(&a)).transpose()?,
        received_at: r.try_get("received_at")?,
        updated_at: r.try_get("updated_at")?,
        closed_at: r.try_get("closed_at")?,
        version: r.try_get("version")?,
        goals: goals_of(c, id).await?,
        events,
        prescription,
        onward_referrals,
        follow_ups,
    })
}

pub(super) async fn get_episode(c: &mut Conn, a: &Actor, id: &str) -> PResult<Episode> {
    let e = full_episode(c, id).await?;
    audit(c, a, "read", "episode", Some(id), Some(&e.person_id)).await?;
    Ok(e)
}

async fn message(c: &mut Conn, episode_id: &str, recipient: &str, kind: &str, summary: &str, code: Option<(&str, &str)>) -> PResult<()> {
    let id = new_id();
    sqlx::query("INSERT INTO message (id, episode_id, recipient_id, kind, summary, code, code_display, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&id)
        .bind(episode_id)
        .bind(recipient)
        .bind(kind)
        .bind(summary)
        .bind(code.map(|c| c.0))
        .bind(code.map(|c| c.1))
        .bind(now())
        .execute(&mut *c)
        .await?;
    // The referrer's email, queued with the message so that neither is kept without the other.
    outbox_message_back(c, &id, episode_id, recipient, kind, code).await?;
    Ok(())
}

pub(super) async fn transition_episode(c: &mut Conn, a: &Actor, id: &str, version: Option<i64>, req: &TransitionRequest) -> PResult<EpisodeSummary> {
    let row = episode_row(c, id).await?;
    check_version("episode", version, row.version)?;
    let t = ep::transition(EpisodeState { status: row.status, accepted: row.accepted }, req).map_err(|e| PathwayError::Conflict(e.to_string()))?;
    let at = now();
    let closed_at = (t.to == EpisodeStatus::Closed).then(|| at.clone());
    sqlx::query("UPDATE episode SET status = $1, accepted = $2, closure_reason = $3, closed_at = COALESCE($4, closed_at), updated_at = $5, version = version + 1 WHERE id = $6")
        .bind(t.to.as_str())
        .bind(t.accepted)
        .bind(t.reason.map(|r| r.as_str()))
        .bind(closed_at)
        .bind(&at)
        .bind(id)
        .execute(&mut *c)
        .await?;
    insert_episode_event(c, id, Some(t.from.as_str()), t.to.as_str(), &a.user_id, t.reason.map(|r| r.as_str()), t.code).await?;
    // A referral from a health system sees the change in its Task in the same transaction.
    fhir_follow_episode(c, id).await?;
    if let Some(referrer) = &row.referred_by {
        let name = person_row(c, &row.person_id).await?.details.display_name();
        if t.code == Some(snomed::REFERRAL_ACCEPTED) {
            let s = format!("{name} accepted the referral to social prescribing. A link worker is working with them.");
            message(c, id, referrer, "accepted", &s, Some((snomed::REFERRAL_ACCEPTED, snomed::REFERRAL_ACCEPTED_DISPLAY))).await?;
        }
        if t.to == EpisodeStatus::PlanAgreed {
            let goals: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM goal WHERE episode_id = $1").bind(id).fetch_one(&mut *c).await?;
            let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prescription_item WHERE episode_id = $1").bind(id).fetch_one(&mut *c).await?;
            let s = format!("{name} has agreed a plan with their link worker: {goals} goal(s) and {items} activity or service(s).");
            message(c, id, referrer, "plan_agreed", &s, None).await?;
        }
        if t.to == EpisodeStatus::Closed {
            let reason = t.reason.unwrap_or(ClosureReason::Disengaged);
            let (kind, code) = if reason == ClosureReason::Declined {
                ("declined", Some((snomed::DECLINED, snomed::DECLINED_DISPLAY)))
            } else {
                ("closed", row.accepted.then_some((snomed::REFERRAL_ACCEPTED, snomed::REFERRAL_ACCEPTED_DISPLAY)))
            };
            let s = format!("The social prescribing episode for {name} has closed: {}.", reason.describe());
            message(c, id, referrer, kind, &s, code).await?;
        }
    }
    audit(c, a, "update", "episode", Some(id), Some(&row.person_id)).await?;
    episode_summary(c, id).await
}

pub(super) async fn assign_episode(c: &mut Conn, a: &Actor, id: &str, version: Option<i64>, link_worker_id: &str) -> PResult<EpisodeSummary> {
    let row = episode_row(c, id).await?;
    check_version("episode", version, row.version)?;
    let lw = user_by(c, false, link_worker_id).await?.ok_or_else(|| invalid("link_worker_id", format!("there is no user {link_worker_id}")))?;
    if !lw.roles.contains(&linkwork_domain::pathway::Role::LinkWorker) || lw.disabled {
        return Err(invalid("link_worker_id", format!("{} is not an active link worker", lw.username)));
    }
    if !row.status.is_open() {
        return Err(PathwayError::Conflict("this episode is closed".into()));
    }
    sqlx::query("UPDATE episode SET link_worker_id = $1, updated_at = $2, version = version + 1 WHERE id = $3").bind(link_worker_id).bind(now()).bind(id).execute(&mut *c).await?;
    audit(c, a, "assign", "episode", Some(id), Some(&row.person_id)).await?;
    episode_summary(c, id).await
}

async fn open_episode(c: &mut Conn, id: &str) -> PResult<EpisodeRow> {
    let row = episode_row(c, id).await?;
    if !row.status.is_open() {
        return Err(PathwayError::Conflict("this episode is closed; its record can be read but not changed".into()));
    }
    Ok(row)
}

pub(super) async fn set_assessment(c: &mut Conn, a: &Actor, id: &str, version: Option<i64>, assessment: &Assessment) -> PResult<Episode> {
    let row = open_episode(c, id).await?;
    check_version("episode", version, row.version)?;
    if matches!(row.status, EpisodeStatus::Received | EpisodeStatus::ContactAttempted) {
        return Err(PathwayError::Conflict("the person has not been contacted yet; record the contact first".into()));
    }
    sqlx::query("UPDATE episode SET assessment = $1 WHERE id = $2").bind(to_json(assessment)).bind(id).execute(&mut *c).await?;
    bump_episode(c, id).await?;
    audit(c, a, "update", "assessment", Some(id), Some(&row.person_id)).await?;
    full_episode(c, id).await
}

pub(super) async fn add_goal(c: &mut Conn, a: &Actor, episode_id: &str, g: &GoalInput) -> PResult<Goal> {
    let row = open_episode(c, episode_id).await?;
    let id = new_id();
    let t = now();
    sqlx::query("INSERT INTO goal (id, episode_id, description, target_date, progress, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, 'not_started', $5, $6, $7)")
        .bind(&id)
        .bind(episode_id)
        .bind(&g.description)
        .bind(&g.target_date)
        .bind(&t)
        .bind(&a.user_id)
        .bind(&t)
        .execute(&mut *c)
        .await?;
    bump_episode(c, episode_id).await?;
    audit(c, a, "create", "goal", Some(&id), Some(&row.person_id)).await?;
    Ok(goals_of(c, episode_id).await?.into_iter().find(|x| x.id == id).expect("the goal just written"))
}

pub(super) async fn review_goal(c: &mut Conn, a: &Actor, goal_id: &str, version: Option<i64>, r: &GoalReviewInput) -> PResult<Goal> {
    let (episode_id, gv): (String, i64) = sqlx::query_as("SELECT episode_id, version FROM goal WHERE id = $1")
        .bind(goal_id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or_else(|| PathwayError::NotFound(format!("goal {goal_id}")))?;
    check_version("goal", version, gv)?;
    let row = open_episode(c, &episode_id).await?;
    let t = now();
    sqlx::query("INSERT INTO goal_review (id, goal_id, progress, note, at, reviewed_by) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(new_id())
        .bind(goal_id)
        .bind(r.progress.as_str())
        .bind(&r.note)
        .bind(&t)
        .bind(&a.user_id)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE goal SET progress = $1, updated_at = $2, version = version + 1 WHERE id = $3").bind(r.progress.as_str()).bind(&t).bind(goal_id).execute(&mut *c).await?;
    audit(c, a, "update", "goal", Some(goal_id), Some(&row.person_id)).await?;
    Ok(goals_of(c, &episode_id).await?.into_iter().find(|x| x.id == goal_id).expect("the goal just reviewed"))
}

pub(super) async fn add_prescription_item(c: &mut Conn, a: &Actor, episode_id: &str, item: &PrescriptionItemInput, service_name: Option<&str>) -> PResult<PrescriptionItem> {
    let row = open_episode(c, episode_id).await?;
    for (i, g) in item.goal_ids.iter().enumerate() {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM goal WHERE id = $1 AND episode_id = $2").bind(g.to_string()).bind(episode_id).fetch_one(&mut *c).await?;
        if n == 0 {
            return Err(invalid(&format!("goal_ids.{i}"), format!("{g} is not a goal of this episode")));
        }
    }
    let id = new_id();
    let goal_ids: Vec<String> = item.goal_ids.iter().map(|g| g.to_string()).collect();
    sqlx::query("INSERT INTO prescription_item (id, episode_id, service_id, service_name, activity, note, goal_ids, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(&id)
        .bind(episode_id)
        .bind(item.service_id.map(|s| s.to_string()))
        .bind(service_name)
        .bind(&item.activity)
        .bind(&item.note)
        .bind(to_json(&goal_ids))
        .bind(now())
        .bind(&a.user_id)
        .execute(&mut *c)
        .await?;
    bump_episode(c, episode_id).await?;
    audit(c, a, "create", "prescription_item", Some(&id), Some(&row.person_id)).await?;
    let e = full_episode(c, episode_id).await?;
    Ok(e.prescription.into_iter().find(|p| p.id == id).expect("the item just written"))
}

pub(super) async fn add_note(c: &mut Conn, a: &Actor, episode_id: &str, body: &str) -> PResult<CaseNote> {
    let row = episode_row(c, episode_id).await?;
    let id = new_id();
    let at = now();
    sqlx::query("INSERT INTO case_note (id, episode_id, author_id, at, body) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(episode_id)
        .bind(&a.user_id)
        .bind(&at)
        .bind(body)
        .execute(&mut *c)
        .await?;
    audit(c, a, "create", "case_note", Some(&id), Some(&row.person_id)).await?;
    Ok(CaseNote { id, author_id: a.user_id.clone(), at, body: body.to_string() })
}

pub(super) async fn list_notes(c: &mut Conn, a: &Actor, episode_id: &str) -> PResult<Vec<CaseNote>> {
    let row = episode_row(c, episode_id).await?;
    let rows = sqlx::query("SELECT * FROM case_note WHERE episode_id = $1 ORDER BY at, id").bind(episode_id).fetch_all(&mut *c).await?;
    audit(c, a, "read", "case_note", Some(episode_id), Some(&row.person_id)).await?;
    rows.iter().map(|r| Ok(CaseNote { id: r.try_get("id")?, author_id: r.try_get("author_id")?, at: r.try_get("at")?, body: r.try_get("body")? })).collect()
}

pub(super) async fn add_follow_up(c: &mut Conn, a: &Actor, episode_id: &str, due_on: &str, purpose: Option<&str>) -> PResult<FollowUp> {
    let row = open_episode(c, episode_id).await?;
    let id = new_id();
    let lw = row.link_worker_id.clone().or_else(|| a.user_id.clone());
    sqlx::query("INSERT INTO follow_up (id, episode_id, link_worker_id, due_on, purpose, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(episode_id)
        .bind(&lw)
        .bind(due_on)
        .bind(purpose)
        .bind(now())
        .bind(&a.user_id)
        .execute(&mut *c)
        .await?;
    audit(c, a, "create", "follow_up", Some(&id), Some(&row.person_id)).await?;
    let r = sqlx::query("SELECT * FROM follow_up WHERE id = $1").bind(&id).fetch_one(&mut *c).await?;
    follow_up_from(&r, false)
}

pub(super) async fn complete_follow_up(c: &mut Conn, a: &Actor, id: &str, outcome: Option<&str>) -> PResult<FollowUp> {
    let r = sqlx::query("SELECT f.*, e.person_id FROM follow_up f JOIN episode e ON e.id = f.episode_id WHERE f.id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or_else(|| PathwayError::NotFound(format!("follow-up {id}")))?;
    let person_id: String = r.try_get("person_id")?;
    let done: Option<String> = r.try_get("done_at")?;
    if done.is_some() {
        return Err(PathwayError::Conflict("this follow-up is already done".into()));
    }
    sqlx::query("UPDATE follow_up SET done_at = $1, outcome = $2 WHERE id = $3").bind(now()).bind(outcome).bind(id).execute(&mut *c).await?;
    audit(c, a, "update", "follow_up", Some(id), Some(&person_id)).await?;
    let r = sqlx::query("SELECT * FROM follow_up WHERE id = $1").bind(id).fetch_one(&mut *c).await?;
    follow_up_from(&r, false)
}

/// Open follow-ups of a link worker due on or before `until` (YYYY-MM-DD), oldest first.
pub(super) async fn due_follow_ups(c: &mut Conn, a: &Actor, link_worker_id: &str, until: &str) -> PResult<Vec<FollowUp>> {
    let rows = sqlx::query(
        "SELECT f.*, p.display_name FROM follow_up f JOIN episode e ON e.id = f.episode_id JOIN person p ON p.id = e.person_id \
         WHERE f.link_worker_id = $1 AND f.done_at IS NULL AND f.due_on <= $2 AND e.status <> 'closed' ORDER BY f.due_on, f.id LIMIT 500",
    )
    .bind(link_worker_id)
    .bind(until)
    .fetch_all(&mut *c)
    .await?;
    let items = rows.iter().map(|r| follow_up_from(r, true)).collect::<PResult<Vec<_>>>()?;
    if !items.is_empty() {
        let ids = items.iter().map(|f| f.episode_id.as_str()).collect::<Vec<_>>().join(",");
        audit(c, a, "list", "follow_up", Some(&ids), None).await?;
    }
    Ok(items)
}

pub(super) async fn caseload(c: &mut Conn, link_worker_id: &str, today: &str, year_ago: &str, safe: i64) -> PResult<Caseload> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM episode WHERE link_worker_id = $1 AND status <> 'closed' GROUP BY status ORDER BY status")
            .bind(link_worker_id)
            .fetch_all(&mut *c)
            .await?;
    let open = rows.iter().map(|r| r.1).sum();
    let people: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT person_id) FROM episode WHERE link_worker_id = $1 AND (status <> 'closed' OR closed_at >= $2)",
    )
    .bind(link_worker_id)
    .bind(year_ago)
    .fetch_one(&mut *c)
    .await?;
    let due_today: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM follow_up WHERE link_worker_id = $1 AND done_at IS NULL AND due_on = $2")
        .bind(link_worker_id)
        .bind(today)
        .fetch_one(&mut *c)
        .await?;
    let overdue: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM follow_up WHERE link_worker_id = $1 AND done_at IS NULL AND due_on < $2")
        .bind(link_worker_id)
        .bind(today)
        .fetch_one(&mut *c)
        .await?;
    let unassigned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM episode WHERE link_worker_id IS NULL AND status <> 'closed'").fetch_one(&mut *c).await?;
    let warning = (people >= safe).then(|| format!("{people} people in the last 12 months: at or over the safe caseload of {safe}"));
    Ok(Caseload {
        link_worker_id: link_worker_id.to_string(),
        by_status: rows,
        open,
        people_last_12_months: people,
        safe_caseload: safe,
        warning,
        follow_ups_due_today: due_today,
        follow_ups_overdue: overdue,
        unassigned,
    })
}

// ---------------------------------------------------------------------------------------------
// Onward referrals to community organisations

async fn onward_by_id(c: &mut Conn, id: &str) -> PResult<OnwardReferral> {
    let r = sqlx::query("SELECT * FROM onward_referral WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or_else(|| PathwayError::NotFound(format!("referral {id}")))?;
    onward_from(c, &r).await
}

async fn onward_event(c: &mut Conn, id: &str, from: Option<TaskStatus>, to: TaskStatus, side: Side, a: &Actor, reason: Option<&str>) -> PResult<()> {
    sqlx::query("INSERT INTO onward_event (id, onward_referral_id, from_status, to_status, side, actor_id, at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(new_id())
        .bind(id)
        .bind(from.map(|s| s.as_str()))
        .bind(to.as_str())
        .bind(side.as_str())
        .bind(&a.user_id)
        .bind(now())
        .bind(reason)
        .execute(&mut *c)
        .await?;
    if to == TaskStatus::Requested {
        // The organisation hears of it when it is sent, not while it is a draft.
        outbox_new_referral(c, id).await?;
    }
    Ok(())
}

pub(super) async fn create_onward(c: &mut Conn, a: &Actor, n: &OnwardRequest<'_>) -> PResult<OnwardReferral> {
    let row = open_episode(c, n.episode_id).await?;
    if !matches!(row.status, EpisodeStatus::Assessed | EpisodeStatus::PlanAgreed | EpisodeStatus::Active) {
        return Err(PathwayError::Conflict(format!(
            "onward referrals are made once the person has been assessed; this episode is {}",
            row.status
        )));
    }
    if !has_consent(c, &row.person_id, ConsentPurpose::Support, None).await? {
        return Err(PathwayError::Forbidden("the person has withdrawn their consent to support; nothing can be sent on their behalf".into()));
    }
    if !has_consent(c, &row.person_id, ConsentPurpose::Sharing, Some(n.organization_id)).await? {
        return Err(PathwayError::Forbidden(
            "the person has not consented to share their details with this organisation; record that consent (purpose sharing) first".into(),
        ));
    }
    let id = new_id();
    let t = now();
    let status = if n.send { TaskStatus::Requested } else { TaskStatus::Draft };
    sqlx::query(
        "INSERT INTO onward_referral (id, episode_id, person_id, service_id, service_name, organization_id, status, message, capacity_warning, created_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)",
    )
    .bind(&id)
    .bind(n.episode_id)
    .bind(&row.person_id)
    .bind(n.service_id)
    .bind(n.service_name)
    .bind(n.organization_id)
    .bind(status.as_str())
    .bind(n.message)
    .bind(n.capacity_warning)
    .bind(&a.user_id)
    .bind(&t)
    .bind(&t)
    .execute(&mut *c)
    .await?;
    onward_event(c, &id, None, TaskStatus::Draft, Side::Requester, a, None).await?;
    if n.send {
        onward_event(c, &id, Some(TaskStatus::Draft), TaskStatus::Requested, Side::Requester, a, None).await?;
    }
    bump_episode(c, n.episode_id).await?;
    audit(c, a, "create", "onward_referral", Some(&id), Some(&row.person_id)).await?;
    onward_by_id(c, &id).await
}

/// The organisations' side is checked here: the referral must be to one of `orgs` and the
/// person's consent to share with that organisation must still stand. Anything else is "not
/// found", so that a provider learns nothing about referrals that are not theirs.
async fn provider_can_see(c: &mut Conn, o: &OnwardReferral, orgs: &[String]) -> PResult<bool> {
    if !orgs.contains(&o.organization_id) {
        return Ok(false);
    }
    let status: TaskStatus = o.status.parse().map_err(crate::StoreError::Invalid)?;
    if !status.visible_to_performer() {
        return Ok(false);
    }
    has_consent(c, &o.person_id, ConsentPurpose::Sharing, Some(&o.organization_id)).await
}

pub(super) async fn change_onward(
    c: &mut Conn,
    a: &Actor,
    id: &str,
    side: Side,
    provider_orgs: &[String],
    to: TaskStatus,
    reason: Option<&str>,
    version: Option<i64>,
) -> PResult<OnwardReferral> {
    let o = onward_by_id(c, id).await?;
    if side == Side::Performer && !provider_can_see(c, &o, provider_orgs).await? {
        return Err(PathwayError::NotFound(format!("referral {id}")));
    }
    check_version("referral", version, o.version)?;
    let from: TaskStatus = o.status.parse().map_err(crate::StoreError::Invalid)?;
    task::change(side, from, to, reason).map_err(|e| PathwayError::Conflict(e.to_string()))?;
    sqlx::query("UPDATE onward_referral SET status = $1, status_reason = COALESCE($2, status_reason), updated_at = $3, version = version + 1 WHERE id = $4")
        .bind(to.as_str())
        .bind(reason)
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await?;
    onward_event(c, id, Some(from), to, side, a, reason).await?;
    audit(c, a, "update", "onward_referral", Some(id), Some(&o.person_id)).await?;
    onward_by_id(c, id).await
}

/// How a provider's view is read: the referral with the person's details and the referral's
/// reasons (the consented fields are picked from them in `shared_from`).
const SHARED_SELECT: &str = "SELECT o.*, p.details AS person_details, e.referral AS episode_referral FROM onward_referral o \
     JOIN person p ON p.id = o.person_id JOIN episode e ON e.id = o.episode_id";

/// A row of [`SHARED_SELECT`] as the provider sees it, without its attendance.
fn shared_from(r: &DbRow) -> PResult<SharedReferral> {
    let details: String = r.try_get("person_details")?;
    let details: PersonDetails = serde_json::from_str(&details)?;
    let referral: String = r.try_get("episode_referral")?;
    let referral: ReferralDetails = serde_json::from_str(&referral)?;
    Ok(SharedReferral {
        id: r.try_get("id")?,
        service_id: r.try_get("service_id")?,
        service_name: r.try_get("service_name")?,
        organization_id: r.try_get("organization_id")?,
        status: r.try_get("status")?,
        status_reason: r.try_get("status_reason")?,
        person_name: details.display_name(),
        phone: details.phone.clone(),
        email: details.email.clone(),
        preferred_contact: details.preferred_contact.map(|m| serde_json::to_value(m).ok().and_then(|j| j.as_str().map(str::to_string)).unwrap_or_default()),
        language: details.language.clone(),
        interpreter_needed: details.interpreter_needed,
        reasons: referral.reasons,
        message: r.try_get("message")?,
        first_session_on: r.try_get("first_session_on")?,
        first_session_time: r.try_get("first_session_time")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        attendance: vec![],
        version: r.try_get("version")?,
    })
}

async fn shared_of(c: &mut Conn, id: &str) -> PResult<SharedReferral> {
    let r = sqlx::query(&format!("{SHARED_SELECT} WHERE o.id = $1")).bind(id).fetch_one(&mut *c).await?;
    let mut s = shared_from(&r)?;
    s.attendance = attendance_of(c, id).await?;
    Ok(s)
}

pub(super) async fn inbox(c: &mut Conn, a: &Actor, orgs: &[String], status: Option<&str>, limit: i64) -> PResult<Vec<SharedReferral>> {
    if orgs.is_empty() {
        return Ok(vec![]);
    }
    // One query for the page (the referral, the person, the referral reasons), one for its
    // attendance: an inbox is opened many times a day on slow connections.
    let org_list = (0..orgs.len()).map(|i| format!("${}", i + 3)).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "{SHARED_SELECT} WHERE o.organization_id IN ({org_list}) AND o.status <> 'draft' AND ($1 IS NULL OR o.status = $1) \
         AND EXISTS (SELECT 1 FROM consent k WHERE k.person_id = o.person_id AND k.purpose = 'sharing' AND k.organization_id = o.organization_id AND k.withdrawn_at IS NULL) \
         ORDER BY o.updated_at DESC, o.id LIMIT $2"
    );
    let mut q = sqlx::query(&sql).bind(status).bind(limit.clamp(1, 500));
    for o in orgs {
        q = q.bind(o);
    }
    let rows = q.fetch_all(&mut *c).await?;
    let mut out = rows.iter().map(shared_from).collect::<PResult<Vec<_>>>()?;
    if !out.is_empty() {
        let list = (0..out.len()).map(|i| format!("${}", i + 1)).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT * FROM attendance WHERE onward_referral_id IN ({list}) ORDER BY session_on");
        let mut q = sqlx::query(&sql);
        for s in &out {
            q = q.bind(&s.id);
        }
        for r in q.fetch_all(&mut *c).await? {
            let oid: String = r.try_get("onward_referral_id")?;
            if let Some(s) = out.iter_mut().find(|s| s.id == oid) {
                s.attendance.push(attendance_from(&r)?);
            }
        }
        let ids = out.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(",");
        audit(c, a, "list", "onward_referral", Some(&ids), None).await?;
    }
    Ok(out)
}

pub(super) async fn get_shared(c: &mut Conn, a: &Actor, id: &str, orgs: &[String]) -> PResult<SharedReferral> {
    let o = onward_by_id(c, id).await?;
    if !provider_can_see(c, &o, orgs).await? {
        return Err(PathwayError::NotFound(format!("referral {id}")));
    }
    let s = shared_of(c, id).await?;
    audit(c, a, "read", "onward_referral", Some(id), Some(&o.person_id)).await?;
    Ok(s)
}

pub(super) async fn get_onward(c: &mut Conn, a: &Actor, id: &str) -> PResult<OnwardReferral> {
    let o = onward_by_id(c, id).await?;
    audit(c, a, "read", "onward_referral", Some(id), Some(&o.person_id)).await?;
    Ok(o)
}

pub(super) async fn record_attendance(
    c: &mut Conn,
    a: &Actor,
    id: &str,
    orgs: &[String],
    session_on: &str,
    attended: bool,
    note: Option<&str>,
) -> PResult<SharedReferral> {
    let o = onward_by_id(c, id).await?;
    if !provider_can_see(c, &o, orgs).await? {
        return Err(PathwayError::NotFound(format!("referral {id}")));
    }
    let status: TaskStatus = o.status.parse().map_err(crate::StoreError::Invalid)?;
    if !matches!(status, TaskStatus::InProgress | TaskStatus::OnHold) {
        return Err(PathwayError::Conflict(format!(
            "attendance is recorded once the person is enrolled (status in-progress); this referral is {status}"
        )));
    }
    let t = now();
    sqlx::query(
        "INSERT INTO attendance (id, onward_referral_id, session_on, attended, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (onward_referral_id, session_on) DO UPDATE SET attended = excluded.attended, note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(new_id())
    .bind(id)
    .bind(session_on)
    .bind(attended)
    .bind(note)
    .bind(&a.user_id)
    .bind(&t)
    .execute(&mut *c)
    .await?;
    sqlx::query("UPDATE onward_referral SET updated_at = $1, version = version + 1 WHERE id = $2").bind(&t).bind(id).execute(&mut *c).await?;
    audit(c, a, "create", "attendance", Some(id), Some(&o.person_id)).await?;
    shared_of(c, id).await
}

// ---------------------------------------------------------------------------------------------
// Messages back to referrers

fn message_from(r: &DbRow) -> PResult<Message> {
    Ok(Message {
        id: r.try_get("id")?,
        episode_id: r.try_get("episode_id")?,
        kind: r.try_get("kind")?,
        summary: r.try_get("summary")?,
        code: r.try_get("code")?,
        code_display: r.try_get("code_display")?,
        created_at: r.try_get("created_at")?,
        read_at: r.try_get("read_at")?,
    })
}

/// The referrals a referrer made, with their status and the messages back.
pub(super) async fn referrals_by(c: &mut Conn, a: &Actor, referrer: &str, limit: i64) -> PResult<Vec<ReferralStatus>> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM episode e JOIN person p ON p.id = e.person_id WHERE e.referred_by = $1 ORDER BY e.received_at DESC LIMIT $2");
    let rows = sqlx::query(&sql).bind(referrer).bind(limit.clamp(1, 500)).fetch_all(&mut *c).await?;
    let mut out = Vec::new();
    for r in &rows {
        let s = summary_from(r)?;
        let msgs = sqlx::query("SELECT * FROM message WHERE episode_id = $1 AND recipient_id = $2 ORDER BY created_at").bind(&s.id).bind(referrer).fetch_all(&mut *c).await?;
        out.push(ReferralStatus {
            messages: msgs.iter().map(message_from).collect::<PResult<_>>()?,
            episode_id: s.id,
            person_name: s.person_name,
            status: s.status,
            closure_reason: s.closure_reason,
            received_at: s.received_at,
            updated_at: s.updated_at,
        });
    }
    if !out.is_empty() {
        let ids = out.iter().map(|s| s.episode_id.as_str()).collect::<Vec<_>>().join(",");
        audit(c, a, "list", "referral_status", Some(&ids), None).await?;
    }
    Ok(out)
}

pub(super) async fn mark_read(c: &mut Conn, a: &Actor, message_id: &str, recipient: &str) -> PResult<()> {
    let n = sqlx::query("UPDATE message SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND recipient_id = $3")
        .bind(now())
        .bind(message_id)
        .bind(recipient)
        .execute(&mut *c)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(PathwayError::NotFound(format!("message {message_id}")));
    }
    audit(c, a, "update", "message", Some(message_id), None).await
}

// ---------------------------------------------------------------------------------------------
// Subject access and erasure

pub(super) async fn export_person(c: &mut Conn, a: &Actor, id: &str) -> PResult<serde_json::Value> {
    let person = person_row(c, id).await?;
    let consents = sqlx::query("SELECT * FROM consent WHERE person_id = $1 ORDER BY recorded_at").bind(id).fetch_all(&mut *c).await?;
    let consents = consents.iter().map(consent_from).collect::<PResult<Vec<_>>>()?;
    let ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM episode WHERE person_id = $1 ORDER BY received_at").bind(id).fetch_all(&mut *c).await?;
    let mut episodes = Vec::new();
    let mut notes = Vec::new();
    for (eid,) in &ids {
        episodes.push(full_episode(c, eid).await?);
        let rows = sqlx::query("SELECT * FROM case_note WHERE episode_id = $1 ORDER BY at").bind(eid).fetch_all(&mut *c).await?;
        for r in &rows {
            notes.push(CaseNote { id: r.try_get("id")?, author_id: r.try_get("author_id")?, at: r.try_get("at")?, body: r.try_get("body")? });
        }
    }
    let accesses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE person_id = $1").bind(id).fetch_one(&mut *c).await?;
    let rows = sqlx::query(&format!("{RESPONSE_SELECT} WHERE r.person_id = $1 ORDER BY r.authored_at")).bind(id).fetch_all(&mut *c).await?;
    let mut responses = Vec::new();
    for r in &rows {
        responses.push(response_from(c, r).await?);
    }
    let needs: Vec<(String, String)> = sqlx::query_as("SELECT need, source FROM person_need WHERE person_id = $1 ORDER BY need").bind(id).fetch_all(&mut *c).await?;
    audit(c, a, "export", "person", Some(id), Some(id)).await?;
    Ok(serde_json::json!({
        "exported_at": now(),
        "person": person,
        "consents": consents,
        "episodes": episodes,
        "case_notes": notes,
        "questionnaire_responses": responses,
        "needs": needs.iter().map(|(n, src)| serde_json::json!({ "need": n, "source": src })).collect::<Vec<_>>(),
        "audit_entries_about_this_person": accesses,
    }))
}

/// Removes everything that identifies the person or records what they said, and keeps what
/// de-identified counts need: the episode's statuses and times, reasons codes, source, urgency,
/// onward referrals' statuses and attendance, consent purposes and times.
pub(super) async fn erase_person(c: &mut Conn, a: &Actor, id: &str) -> PResult<()> {
    let p = person_row(c, id).await?;
    if p.erased_at.is_some() {
        return Err(PathwayError::Conflict("this person's record was already erased".into()));
    }
    let kept = PersonDetails {
        given_name: None,
        family_name: None,
        // Year of birth, sex, ethnicity, area and deprivation decile are kept for equity
        // breakdowns; they do not identify on their own and are shown only as counts.
        birth_date: p.details.birth_date.as_ref().and_then(|b| b.get(..4)).map(|y| format!("{y}-01-01")),
        sex: p.details.sex,
        ethnicity: p.details.ethnicity.clone(),
        area: p.details.area.clone(),
        deprivation_decile: p.details.deprivation_decile,
        ..Default::default()
    };
    let t = now();
    sqlx::query("UPDATE person SET details = $1, display_name = '(erased)', duplicate_key = NULL, erased_at = $2, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(to_json(&kept))
        .bind(&t)
        .bind(id)
        .execute(&mut *c)
        .await?;
    // Erasure ends every consent: nothing is shared from here on.
    sqlx::query(
        "UPDATE consent SET note = NULL, given_by = NULL, withdrawn_at = COALESCE(withdrawn_at, $1), withdrawn_by = COALESCE(withdrawn_by, $2), \
         withdrawal_reason = 'the person asked for their record to be erased' WHERE person_id = $3",
    )
    .bind(&t)
    .bind(&a.user_id)
    .bind(id)
    .execute(&mut *c)
    .await?;
    // What they answered goes; their scores stay, for de-identified outcome counts.
    sqlx::query("UPDATE questionnaire_response SET answers = '{}', updated_at = $1, version = version + 1 WHERE person_id = $2").bind(&t).bind(id).execute(&mut *c).await?;
    let episodes: Vec<(String, String)> = sqlx::query_as("SELECT id, referral FROM episode WHERE person_id = $1").bind(id).fetch_all(&mut *c).await?;
    for (eid, referral) in &episodes {
        let mut r: ReferralDetails = serde_json::from_str(referral)?;
        r.details = None;
        r.risks = None;
        r.referrer_contact = None;
        sqlx::query("UPDATE episode SET referral = $1, assessment = NULL, updated_at = $2, version = version + 1 WHERE id = $3").bind(to_json(&r)).bind(&t).bind(eid).execute(&mut *c).await?;
        sqlx::query("DELETE FROM case_note WHERE episode_id = $1").bind(eid).execute(&mut *c).await?;
        sqlx::query("UPDATE goal SET description = '(erased)' WHERE episode_id = $1").bind(eid).execute(&mut *c).await?;
        sqlx::query("UPDATE goal_review SET note = NULL WHERE goal_id IN (SELECT id FROM goal WHERE episode_id = $1)").bind(eid).execute(&mut *c).await?;
        sqlx::query("UPDATE prescription_item SET note = NULL, activity = CASE WHEN activity IS NULL THEN NULL ELSE '(erased)' END WHERE episode_id = $1")
            .bind(eid)
            .execute(&mut *c)
            .await?;
        sqlx::query("UPDATE follow_up SET purpose = NULL, outcome = NULL WHERE episode_id = $1").bind(eid).execute(&mut *c).await?;
        sqlx::query("UPDATE onward_referral SET message = NULL WHERE episode_id = $1").bind(eid).execute(&mut *c).await?;
        sqlx::query("UPDATE attendance SET note = NULL WHERE onward_referral_id IN (SELECT id FROM onward_referral WHERE episode_id = $1)").bind(eid).execute(&mut *c).await?;
        sqlx::query("UPDATE message SET summary = 'The person''s record was erased on their request.' WHERE episode_id = $1").bind(eid).execute(&mut *c).await?;
    }
    audit(c, a, "erase", "person", Some(id), Some(id)).await
}
