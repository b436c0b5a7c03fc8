// The community cycle's SQL, compiled twice like ops.rs (included after it and places_ops.rs, so
// it shares their helpers). A viewer of `None` is an administrator, who sees every place; anyone
// else sees the places assigned to them and every place below, and what was raised to those.

use linkwork_domain::coproduction::cycle::{fingerprint, ActionStatus, Answer, Managed, Progress, Raised};
use linkwork_domain::coproduction::{NewRecord, RecordBody, RecordKind};

/// The places a user sees, as a recursive CTE over `$1` (the user's id).
const SEEN: &str =
    "seen(id) AS (SELECT place_id FROM place_assignment WHERE user_id = $1 UNION SELECT x.id FROM place x JOIN seen ON x.parent_id = seen.id)";

const RECORD_SELECT: &str = "SELECT r.id, r.place_id, r.raised_to, p.code AS place_code, p.name AS place_name, r.kind, r.occurred_on, \
     r.body, r.managed, r.author, r.created_at, r.updated_at, r.version FROM community_record r JOIN place p ON p.id = r.place_id";

fn decode<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> PResult<T> {
    serde_json::from_str(json).map_err(|e| PathwayError::from(sqlx::Error::Decode(format!("{what}: {e}").into())))
}

fn record_from(r: &DbRow) -> PResult<CommunityRecord> {
    let kind: String = r.try_get("kind")?;
    let body: String = r.try_get("body")?;
    let managed: String = r.try_get("managed")?;
    Ok(CommunityRecord {
        id: r.try_get("id")?,
        place_code: r.try_get("place_code")?,
        place_name: r.try_get("place_name")?,
        kind: RecordKind::parse(&kind).ok_or_else(|| PathwayError::from(sqlx::Error::Decode(format!("record kind {kind}").into())))?,
        date: r.try_get("occurred_on")?,
        body: decode("record body", &body)?,
        managed: decode("record's managed parts", &managed)?,
        author: r.try_get("author")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

/// Whether `viewer` sees a place (by id).
async fn sees_place(c: &mut Conn, viewer: Option<&str>, place_id: &str) -> PResult<bool> {
    let Some(u) = viewer else { return Ok(true) };
    let hit: Option<String> =
        sqlx::query_scalar(&format!("WITH RECURSIVE {SEEN} SELECT id FROM seen WHERE id = $2")).bind(u).bind(place_id).fetch_optional(&mut *c).await?;
    Ok(hit.is_some())
}

/// A place the viewer sees, by code: its id, or "not found" (another's place is not revealed).
async fn seen_place(c: &mut Conn, viewer: Option<&str>, code: &str) -> PResult<String> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM place WHERE code = $1").bind(code).fetch_optional(&mut *c).await?;
    match id {
        Some(id) if sees_place(c, viewer, &id).await? => Ok(id),
        _ => Err(PathwayError::NotFound(format!("place {code}"))),
    }
}

/// The record as its viewer may see it: of a place they see, or raised to one.
pub(super) async fn get_record(c: &mut Conn, viewer: Option<&str>, id: &str) -> PResult<CommunityRecord> {
    let row = sqlx::query(&format!("{RECORD_SELECT} WHERE r.id = $1")).bind(id).fetch_optional(&mut *c).await?;
    let missing = || PathwayError::NotFound("community record".into());
    let row = row.ok_or_else(missing)?;
    let (place_id, raised_to): (String, Option<String>) = (row.try_get("place_id")?, row.try_get("raised_to")?);
    let visible = sees_place(c, viewer, &place_id).await? || match &raised_to {
        Some(p) => sees_place(c, viewer, p).await?,
        None => false,
    };
    if !visible {
        return Err(missing());
    }
    record_from(&row)
}

/// A replay of a submission kept before: the record as it is now. The same id with other
/// content, or from someone else, is refused.
async fn replayed(c: &mut Conn, a: &Actor, viewer: Option<&str>, submission: Option<&str>, fp: &str) -> PResult<Option<Submitted>> {
    let Some(key) = submission else { return Ok(None) };
    if IS_PG {
        // Two copies of one submission arriving together: the second waits, then finds the first.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(key).execute(&mut *c).await?;
    }
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT user_id, record_id, fingerprint FROM community_submission WHERE submission_id = $1").bind(key).fetch_optional(&mut *c).await?;
    match row {
        None => Ok(None),
        Some((user, record, f)) if Some(&user) == a.user_id.as_ref() && f == fp => {
            Ok(Some(Submitted { record: get_record(c, viewer, &record).await?, replayed: true }))
        }
        Some(_) => Err(PathwayError::Conflict(format!(
            "the submission id {key} was already used for something else; send this as a new submission (with a new id)"
        ))),
    }
}

async fn keep_submission(c: &mut Conn, a: &Actor, submission: Option<&str>, record_id: &str, fp: &str) -> PResult<()> {
    let (Some(key), Some(user)) = (submission, a.user_id.as_deref()) else { return Ok(()) };
    sqlx::query("INSERT INTO community_submission (submission_id, user_id, record_id, fingerprint, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(key)
        .bind(user)
        .bind(record_id)
        .bind(fp)
        .bind(now())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// A record a new one refers to (a need's meeting, an action's need) must be of that kind and place.
async fn check_link(c: &mut Conn, place_id: &str, field: &str, id: Option<&str>, kind: RecordKind) -> PResult<()> {
    let Some(id) = id else { return Ok(()) };
    let hit: Option<String> = sqlx::query_scalar("SELECT id FROM community_record WHERE id = $1 AND place_id = $2 AND kind = $3")
        .bind(id)
        .bind(place_id)
        .bind(kind.as_str())
        .fetch_optional(&mut *c)
        .await?;
    if hit.is_none() {
        return Err(invalid(field, format!("there is no {} {id} at this place", kind.as_str().replace('_', " "))));
    }
    Ok(())
}

async fn check_links(c: &mut Conn, place_id: &str, body: &RecordBody) -> PResult<()> {
    match body {
        RecordBody::Need(n) => check_link(c, place_id, "body.meeting", n.meeting.as_deref(), RecordKind::Meeting).await,
        RecordBody::Action(x) => check_link(c, place_id, "body.need", x.need.as_deref(), RecordKind::Need).await,
        _ => Ok(()),
    }
}

/// Keeps a new record for a place the viewer sees; a submission id seen before returns what it
/// made then and makes nothing new.
pub(super) async fn create_record(
    c: &mut Conn,
    a: &Actor,
    viewer: Option<&str>,
    place_code: &str,
    rec: &NewRecord,
    submission: Option<&str>,
) -> PResult<Submitted> {
    let body = to_json(&rec.body);
    let date = rec.date.to_string();
    let fp = fingerprint(&["create", place_code, &date, &body]);
    if let Some(done) = replayed(c, a, viewer, submission, &fp).await? {
        return Ok(done);
    }
    let place_id = seen_place(c, viewer, place_code).await?;
    check_links(c, &place_id, &rec.body).await?;
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO community_record (id, place_id, kind, occurred_on, body, managed, action_status, due_on, author_id, author, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, '{}', $6, $7, $8, $9, $10, $10)",
    )
    .bind(&id)
    .bind(&place_id)
    .bind(rec.body.kind().as_str())
    .bind(&date)
    .bind(&body)
    .bind(rec.body.action_status().map(ActionStatus::as_str))
    .bind(rec.body.due_on().map(|d| d.to_string()))
    .bind(&a.user_id)
    .bind(&a.name)
    .bind(&at)
    .execute(&mut *c)
    .await?;
    keep_submission(c, a, submission, &id, &fp).await?;
    audit(c, a, "create", "community_record", Some(&id), None).await?;
    Ok(Submitted { record: get_record(c, viewer, &id).await?, replayed: false })
}

/// The parts of a stored record an edit needs.
struct Current {
    place_id: String,
    kind: String,
    version: i64,
    body: String,
    managed: Managed,
}

/// Which place a change must be made from: the record's own, or the one it was raised to (whose
/// answer comes from there).
#[derive(Clone, Copy, PartialEq)]
enum ReachedFrom {
    OwnPlace,
    RaisedTo,
}

async fn current(c: &mut Conn, viewer: Option<&str>, id: &str, from: ReachedFrom) -> PResult<Current> {
    let row: Option<(String, String, i64, String, String, Option<String>)> =
        sqlx::query_as("SELECT place_id, kind, version, body, managed, raised_to FROM community_record WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    let what = if from == ReachedFrom::RaisedTo { "raised action" } else { "community record" };
    let Some((place_id, kind, version, body, managed, raised_to)) = row else { return Err(PathwayError::NotFound(what.into())) };
    let seen_from = if from == ReachedFrom::RaisedTo { raised_to } else { Some(place_id.clone()) };
    match seen_from {
        Some(p) if sees_place(c, viewer, &p).await? => {}
        _ => return Err(PathwayError::NotFound(what.into())),
    }
    Ok(Current { place_id, kind, version, body, managed: decode("record's managed parts", &managed)? })
}

/// Replaces what a record's author wrote, if it is still at `expected` (else the change is
/// refused with the version it is at, for the editor to see and resolve).
pub(super) async fn update_record(
    c: &mut Conn,
    a: &Actor,
    viewer: Option<&str>,
    id: &str,
    expected: i64,
    rec: &NewRecord,
    submission: Option<&str>,
) -> PResult<Submitted> {
    let body = to_json(&rec.body);
    let date = rec.date.to_string();
    let fp = fingerprint(&["update", id, &expected.to_string(), &date, &body]);
    if let Some(done) = replayed(c, a, viewer, submission, &fp).await? {
        return Ok(done);
    }
    let cur = current(c, viewer, id, ReachedFrom::OwnPlace).await?;
    if cur.kind != rec.body.kind().as_str() {
        return Err(invalid("body.kind", format!("this record is a {}; its kind cannot change (make a new record instead)", cur.kind.replace('_', " "))));
    }
    if cur.version != expected {
        return Err(PathwayError::VersionMismatch { entity: "community record", current: cur.version });
    }
    check_links(c, &cur.place_id, &rec.body).await?;
    sqlx::query(
        "UPDATE community_record SET occurred_on = $1, body = $2, action_status = $3, due_on = $4, updated_at = $5, version = version + 1 \
         WHERE id = $6",
    )
    .bind(&date)
    .bind(&body)
    .bind(rec.body.action_status().map(ActionStatus::as_str))
    .bind(rec.body.due_on().map(|d| d.to_string()))
    .bind(now())
    .bind(id)
    .execute(&mut *c)
    .await?;
    keep_submission(c, a, submission, id, &fp).await?;
    audit(c, a, "update", "community_record", Some(id), None).await?;
    Ok(Submitted { record: get_record(c, viewer, id).await?, replayed: false })
}

/// Writes a record's managed parts (and an action's status, when it changed) as one new version.
async fn save_managed(c: &mut Conn, id: &str, managed: &Managed, body: Option<&RecordBody>, raised_to: Option<Option<&str>>) -> PResult<()> {
    let managed = to_json(managed);
    sqlx::query("UPDATE community_record SET managed = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(&managed)
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await?;
    if let Some(b) = body {
        sqlx::query("UPDATE community_record SET body = $1, action_status = $2 WHERE id = $3")
            .bind(to_json(b))
            .bind(b.action_status().map(ActionStatus::as_str))
            .bind(id)
            .execute(&mut *c)
            .await?;
    }
    if let Some(to) = raised_to {
        sqlx::query("UPDATE community_record SET raised_to = $1 WHERE id = $2").bind(to).bind(id).execute(&mut *c).await?;
    }
    Ok(())
}

fn an_action(cur: &Current) -> PResult<RecordBody> {
    if cur.kind != RecordKind::Action.as_str() {
        return Err(PathwayError::Conflict(format!("this record is a {}, not an action", cur.kind.replace('_', " "))));
    }
    decode("record body", &cur.body)
}

/// Adds progress to an action, raises it to the place above, or answers what was raised. Each
/// is one new version; none needs the version it was made on, since none overwrites another's.
pub(super) async fn change_action(
    c: &mut Conn,
    a: &Actor,
    viewer: Option<&str>,
    id: &str,
    change: &ManagedChange<'_>,
    on: chrono::NaiveDate,
    submission: Option<&str>,
) -> PResult<Submitted> {
    let (op, text) = match change {
        ManagedChange::Progress { text, status } => (format!("progress {}", status.map(ActionStatus::as_str).unwrap_or("")), *text),
        ManagedChange::Raise { question } => ("raise".to_string(), *question),
        ManagedChange::Answer { text } => ("answer".to_string(), *text),
    };
    let fp = fingerprint(&[&op, id, text]);
    if let Some(done) = replayed(c, a, viewer, submission, &fp).await? {
        return Ok(done);
    }
    // The answer comes from the place above: the record is found through what was raised there.
    let from = if matches!(change, ManagedChange::Answer { .. }) { ReachedFrom::RaisedTo } else { ReachedFrom::OwnPlace };
    let cur = current(c, viewer, id, from).await?;
    let mut body = an_action(&cur)?;
    let mut managed = cur.managed.clone();
    let action = match change {
        ManagedChange::Progress { text, status } => {
            managed.progress.push(Progress { on, by: a.name.clone(), text: text.to_string(), status: *status });
            let changed = match (&mut body, status) {
                (RecordBody::Action(x), Some(s)) if x.status != *s => {
                    x.status = *s;
                    true
                }
                _ => false,
            };
            save_managed(c, id, &managed, changed.then_some(&body), None).await?;
            "progress"
        }
        ManagedChange::Raise { question } => {
            if managed.raised.last().is_some_and(|r| r.answer.is_none()) {
                return Err(PathwayError::Conflict("this action was raised and is waiting for the answer; record the answer before raising it again".into()));
            }
            let above: Option<(String, String)> = sqlx::query_as("SELECT q.id, q.code FROM place p JOIN place q ON q.id = p.parent_id WHERE p.id = $1")
                .bind(&cur.place_id)
                .fetch_optional(&mut *c)
                .await?;
            let Some((above_id, above_code)) = above else {
                return Err(PathwayError::Conflict("this place is at the top of the hierarchy; there is no level above to raise it to".into()));
            };
            managed.raised.push(Raised { to_place: above_code, on, by: a.name.clone(), question: question.to_string(), answer: None });
            save_managed(c, id, &managed, None, Some(Some(&above_id))).await?;
            "raise"
        }
        ManagedChange::Answer { text } => {
            let Some(last) = managed.raised.last_mut().filter(|r| r.answer.is_none()) else {
                return Err(PathwayError::Conflict("nothing raised on this action is waiting for an answer".into()));
            };
            last.answer = Some(Answer { on, by: a.name.clone(), text: text.to_string() });
            save_managed(c, id, &managed, None, None).await?;
            "answer"
        }
    };
    keep_submission(c, a, submission, id, &fp).await?;
    audit(c, a, action, "community_record", Some(id), None).await?;
    Ok(Submitted { record: get_record(c, viewer, id).await?, replayed: false })
}

/// Records as the filter asks, among those the viewer sees: newest first, actions by due date.
pub(super) async fn list_records(c: &mut Conn, viewer: Option<&str>, f: &RecordFilter) -> PResult<Vec<CommunityRecord>> {
    let mut sql = String::new();
    let mut binds: Vec<String> = vec![];
    let mut ctes = vec![];
    if let Some(u) = viewer {
        binds.push(u.to_string());
        ctes.push(SEEN.to_string());
    }
    let mut wh: Vec<String> = vec![];
    if let Some(code) = &f.place_code {
        binds.push(code.clone());
        let n = binds.len();
        if f.below {
            ctes.push(format!(
                "here(id) AS (SELECT id FROM place WHERE code = ${n} UNION SELECT x.id FROM place x JOIN here ON x.parent_id = here.id)"
            ));
            wh.push(if f.raised { "r.raised_to IN (SELECT id FROM here)".into() } else { "r.place_id IN (SELECT id FROM here)".into() });
        } else {
            wh.push(format!("{} = (SELECT id FROM place WHERE code = ${n})", if f.raised { "r.raised_to" } else { "r.place_id" }));
        }
    }
    if viewer.is_some() {
        wh.push(if f.raised { "r.raised_to IN (SELECT id FROM seen)".into() } else { "(r.place_id IN (SELECT id FROM seen) OR r.raised_to IN (SELECT id FROM seen))".into() });
    }
    if f.raised {
        wh.push("r.raised_to IS NOT NULL".into());
    }
    if let Some(k) = f.kind {
        binds.push(k.as_str().into());
        wh.push(format!("r.kind = ${}", binds.len()));
    }
    if f.open_actions {
        wh.push("r.kind = 'action' AND r.action_status IN ('planned', 'in_progress', 'stuck')".into());
    }
    if let Some(from) = &f.from {
        binds.push(from.clone());
        wh.push(format!("r.occurred_on >= ${}", binds.len()));
    }
    if let Some(to) = &f.to {
        binds.push(to.clone());
        wh.push(format!("r.occurred_on <= ${}", binds.len()));
    }
    if !ctes.is_empty() {
        sql.push_str(&format!("WITH RECURSIVE {} ", ctes.join(", ")));
    }
    sql.push_str(RECORD_SELECT);
    if !wh.is_empty() {
        sql.push_str(&format!(" WHERE {}", wh.join(" AND ")));
    }
    sql.push_str(if f.open_actions { " ORDER BY r.due_on, r.id" } else { " ORDER BY r.occurred_on DESC, r.id DESC" });
    sql.push_str(&format!(" LIMIT {}", f.limit.unwrap_or(1000).clamp(1, 5000)));
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *c).await?;
    rows.iter().map(record_from).collect()
}

/// Marks a resource as published to the directory (where it went and who put it there). The
/// directory rows are written first under ids derived from the record's, so publishing again
/// rewrites the same rows; the mark is set once.
pub(super) async fn mark_published(
    c: &mut Conn,
    a: &Actor,
    viewer: Option<&str>,
    id: &str,
    published: &linkwork_domain::coproduction::cycle::Published,
) -> PResult<Submitted> {
    let cur = current(c, viewer, id, ReachedFrom::OwnPlace).await?;
    if cur.kind != RecordKind::Resource.as_str() {
        return Err(PathwayError::Conflict(format!("this record is a {}; only a resource is published to the directory", cur.kind.replace('_', " "))));
    }
    if cur.managed.published.is_none() {
        let mut managed = cur.managed.clone();
        managed.published = Some(published.clone());
        save_managed(c, id, &managed, None, None).await?;
        audit(c, a, "publish", "community_record", Some(id), None).await?;
    }
    Ok(Submitted { record: get_record(c, viewer, id).await?, replayed: false })
}
