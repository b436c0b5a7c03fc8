// The observatory's SQL, compiled twice like ops.rs (included after it, so it shares its
// helpers: `audit`, `now`, `new_id`): indicator definitions loaded beside the shipped ones, and a
// regional observatory's imported packages.

/// Keeps a definition (checked by the caller, in canonical JSON). The same id and version again is
/// accepted only with the same definition: a changed indicator needs a new version, or results
/// published under the old one would no longer say what they counted.
pub(super) async fn load_indicator(c: &mut Conn, a: &Actor, id: &str, version: &str, definition: &str) -> PResult<bool> {
    let existing: Option<String> = sqlx::query_scalar("SELECT definition FROM indicator_definition WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *c)
        .await?;
    if let Some(d) = existing {
        if d == definition {
            return Ok(false);
        }
        return Err(PathwayError::Conflict(format!(
            "{id} version {version} is already loaded with a different definition; give the changed one a new version"
        )));
    }
    sqlx::query("INSERT INTO indicator_definition (id, version, definition, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(version)
        .bind(definition)
        .bind(now())
        .bind(&a.user_id)
        .execute(&mut *c)
        .await?;
    audit(c, a, "load", "indicator_definition", Some(&format!("{id}|{version}")), None).await?;
    Ok(true)
}

/// Every loaded definition's canonical JSON, in the order loaded.
pub(super) async fn list_indicator_definitions(c: &mut Conn) -> PResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT definition FROM indicator_definition ORDER BY loaded_at, id, version").fetch_all(&mut *c).await?)
}

fn package_from(r: &DbRow) -> PResult<PackageRecord> {
    Ok(PackageRecord {
        id: r.try_get("id")?,
        content_hash: r.try_get("content_hash")?,
        programme_id: r.try_get("programme_id")?,
        programme_name: r.try_get("programme_name")?,
        period_from: r.try_get("period_from")?,
        period_to: r.try_get("period_to")?,
        published_at: r.try_get("published_at")?,
        imported_at: r.try_get("imported_at")?,
        bundle: r.try_get("bundle")?,
    })
}

/// Keeps a package (checked by the caller); the same content again is the same package.
pub(super) async fn import_package(c: &mut Conn, a: &Actor, p: &NewPackage) -> PResult<(PackageRecord, bool)> {
    let existing: Option<String> = sqlx::query_scalar("SELECT id FROM observatory_package WHERE content_hash = $1")
        .bind(&p.content_hash)
        .fetch_optional(&mut *c)
        .await?;
    let (id, new) = match existing {
        Some(id) => (id, false),
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO observatory_package (id, content_hash, programme_id, programme_name, period_from, period_to, published_at, imported_at, imported_by, bundle) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&id)
            .bind(&p.content_hash)
            .bind(&p.programme_id)
            .bind(&p.programme_name)
            .bind(&p.period_from)
            .bind(&p.period_to)
            .bind(&p.published_at)
            .bind(now())
            .bind(&a.user_id)
            .bind(&p.bundle)
            .execute(&mut *c)
            .await?;
            (id, true)
        }
    };
    audit(c, a, if new { "import" } else { "import_again" }, "observatory_package", Some(&id), None).await?;
    let r = sqlx::query("SELECT * FROM observatory_package WHERE id = $1").bind(&id).fetch_one(&mut *c).await?;
    Ok((package_from(&r)?, new))
}

/// Every package kept, the latest periods first, then by programme, each programme's newest first.
pub(super) async fn list_packages(c: &mut Conn) -> PResult<Vec<PackageRecord>> {
    let rows = sqlx::query("SELECT * FROM observatory_package ORDER BY period_to DESC, period_from DESC, programme_name, programme_id, published_at DESC, imported_at DESC")
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(package_from).collect()
}
