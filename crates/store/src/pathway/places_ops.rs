// Places' SQL, compiled twice like ops.rs (included after it, so it shares its helpers).

const PLACE_SELECT: &str = "SELECT p.id, p.code, p.name, p.level, p.depth, q.code AS parent_code, p.latitude, p.longitude, p.population \
     FROM place p LEFT JOIN place q ON q.id = p.parent_id";

async fn places_from(c: &mut Conn, rows: Vec<DbRow>) -> PResult<Vec<PlaceRecord>> {
    let assigned: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.place_id, u.username FROM place_assignment a JOIN app_user u ON u.id = a.user_id ORDER BY u.username",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut by_place: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (p, u) in assigned {
        by_place.entry(p).or_default().push(u);
    }
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            Ok(PlaceRecord {
                assigned: by_place.remove(&id).unwrap_or_default(),
                id,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                level: r.try_get("level")?,
                depth: r.try_get("depth")?,
                parent_code: r.try_get("parent_code")?,
                latitude: r.try_get("latitude")?,
                longitude: r.try_get("longitude")?,
                population: r.try_get("population")?,
            })
        })
        .collect()
}

/// Every place's depth, by code: what an import's rows may name as parents.
pub(super) async fn place_depths(c: &mut Conn) -> PResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as("SELECT code, depth FROM place").fetch_all(&mut *c).await?)
}

/// Keeps checked places (parents first), creating new codes and updating changed ones, in the
/// caller's one transaction: a failure leaves the places as they were.
pub(super) async fn import_places(
    c: &mut Conn,
    a: &Actor,
    places: &[linkwork_domain::coproduction::NewPlace],
    levels: &[String],
    dry_run: bool,
) -> PResult<PlacesReport> {
    let mut report = PlacesReport { dry_run, ..Default::default() };
    for p in places {
        let parent_id: Option<String> = match &p.parent_code {
            Some(code) => {
                let id: Option<String> = sqlx::query_scalar("SELECT id FROM place WHERE code = $1").bind(code).fetch_optional(&mut *c).await?;
                match id {
                    Some(id) => Some(id),
                    // A dry run writes nothing, so a parent new in the same file is not kept yet.
                    None if dry_run => Some(format!("new {code}")),
                    None => return Err(invalid("parent_code", format!("there is no place {code}"))),
                }
            }
            None => None,
        };
        let level = &levels[p.depth];
        type Current = (String, String, i64, Option<String>, Option<f64>, Option<f64>, Option<i64>);
        let current: Option<Current> = sqlx::query_as(
            "SELECT name, level, depth, parent_id, latitude, longitude, population FROM place WHERE code = $1",
        )
        .bind(&p.code)
        .fetch_optional(&mut *c)
        .await?;
        let same = current.as_ref().is_some_and(|(name, lvl, depth, parent, lat, lon, pop)| {
            (name.as_str(), lvl.as_str(), *depth, parent.as_deref(), *lat, *lon, *pop)
                == (p.name.as_str(), level.as_str(), p.depth as i64, parent_id.as_deref(), p.latitude, p.longitude, p.population)
        });
        match (&current, same) {
            (_, true) => report.unchanged += 1,
            (None, false) => report.created += 1,
            (Some(_), false) => report.updated += 1,
        }
        if same || dry_run {
            continue;
        }
        // One statement for a new place and a changed one: the code decides which.
        sqlx::query(
            "INSERT INTO place (id, code, name, depth, level, parent_id, latitude, longitude, population, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, depth = excluded.depth, level = excluded.level, \
             parent_id = excluded.parent_id, latitude = excluded.latitude, longitude = excluded.longitude, \
             population = excluded.population, updated_at = excluded.updated_at, version = place.version + 1",
        )
        .bind(new_id())
        .bind(&p.code)
        .bind(&p.name)
        .bind(p.depth as i64)
        .bind(level)
        .bind(&parent_id)
        .bind(p.latitude)
        .bind(p.longitude)
        .bind(p.population)
        .bind(now())
        .execute(&mut *c)
        .await?;
    }
    if !dry_run {
        audit(c, a, "import", "place", None, None).await?;
    }
    Ok(report)
}

/// The places `user_id` sees: those assigned to them and every place below; all for `None`.
pub(super) async fn list_places(c: &mut Conn, user_id: Option<&str>) -> PResult<Vec<PlaceRecord>> {
    let rows = match user_id {
        None => sqlx::query(&format!("{PLACE_SELECT} ORDER BY p.depth, p.name")).fetch_all(&mut *c).await?,
        Some(u) => {
            sqlx::query(&format!(
                "WITH RECURSIVE seen(id) AS (SELECT place_id FROM place_assignment WHERE user_id = $1 \
                 UNION SELECT x.id FROM place x JOIN seen ON x.parent_id = seen.id) \
                 {PLACE_SELECT} WHERE p.id IN (SELECT id FROM seen) ORDER BY p.depth, p.name"
            ))
            .bind(u)
            .fetch_all(&mut *c)
            .await?
        }
    };
    places_from(c, rows).await
}

/// Assigns a facilitator or coordinator to a place (again: nothing changes).
pub(super) async fn assign_place(c: &mut Conn, a: &Actor, code: &str, username: &str) -> PResult<()> {
    let place: String = sqlx::query_scalar("SELECT id FROM place WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *c)
        .await?
        .ok_or_else(|| PathwayError::NotFound(format!("place {code}")))?;
    let u = user_by(c, true, username).await?.ok_or_else(|| invalid("username", format!("there is no user '{username}'")))?;
    use linkwork_domain::pathway::Role;
    if !u.roles.iter().any(|r| matches!(r, Role::Facilitator | Role::Coordinator)) {
        return Err(invalid("username", format!("'{username}' is neither a facilitator nor a coordinator; give them one of those roles first")));
    }
    let exists: Option<String> = sqlx::query_scalar("SELECT user_id FROM place_assignment WHERE user_id = $1 AND place_id = $2")
        .bind(&u.id)
        .bind(&place)
        .fetch_optional(&mut *c)
        .await?;
    if exists.is_none() {
        sqlx::query("INSERT INTO place_assignment (user_id, place_id, assigned_at) VALUES ($1, $2, $3)")
            .bind(&u.id)
            .bind(&place)
            .bind(now())
            .execute(&mut *c)
            .await?;
        audit(c, a, "assign", "place", Some(&place), None).await?;
    }
    Ok(())
}

pub(super) async fn unassign_place(c: &mut Conn, a: &Actor, code: &str, username: &str) -> PResult<()> {
    let n = sqlx::query(
        "DELETE FROM place_assignment WHERE place_id = (SELECT id FROM place WHERE code = $1) AND user_id = (SELECT id FROM app_user WHERE username = $2)",
    )
    .bind(code)
    .bind(username)
    .execute(&mut *c)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(PathwayError::NotFound(format!("an assignment of {username} to {code}")));
    }
    audit(c, a, "unassign", "place", Some(code), None).await?;
    Ok(())
}
