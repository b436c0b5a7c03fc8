// Teams' SQL, compiled twice like ops.rs (included after it, so it shares its helpers).

/// Puts a user in a team (or in none).
pub(super) async fn set_team(c: &mut Conn, a: &Actor, username: &str, team: Option<&str>) -> PResult<User> {
    let u = user_by(c, true, username).await?.ok_or_else(|| PathwayError::NotFound(format!("user '{username}'")))?;
    sqlx::query("UPDATE app_user SET team = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(team)
        .bind(now())
        .bind(&u.id)
        .execute(&mut *c)
        .await?;
    audit(c, a, "set_team", "user", Some(&u.id), None).await?;
    Ok(user_by(c, false, &u.id).await?.expect("the user just updated"))
}

/// Every team and its members' display names, by team name.
pub(super) async fn list_teams(c: &mut Conn) -> PResult<Vec<(String, Vec<String>)>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT team, display_name FROM app_user WHERE team IS NOT NULL ORDER BY team, display_name").fetch_all(&mut *c).await?;
    let mut out: Vec<(String, Vec<String>)> = vec![];
    for (team, name) in rows {
        match out.last_mut() {
            Some((t, members)) if *t == team => members.push(name),
            _ => out.push((team, vec![name])),
        }
    }
    Ok(out)
}
