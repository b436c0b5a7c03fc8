// A regional observatory's imported packages' SQL, compiled twice like ops.rs (included after
// it, so it shares its helpers: `audit`, `now`, `new_id`).

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
