//! Link workers' teams: a name an administrator gives, checked here.

use super::FieldError;

/// The longest a team's name may be.
pub const MAX_TEAM_NAME: usize = 80;

/// A team name as given: trimmed, with empty meaning "in no team".
pub fn parse_team(v: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if v.chars().count() > MAX_TEAM_NAME {
        let max = MAX_TEAM_NAME.to_string();
        return Err(FieldError::keyed("team", "err-team-too-long", &[("max", &max)], format!("keep a team's name to {MAX_TEAM_NAME} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(FieldError::keyed("team", "err-team-control", &[], "a team's name cannot hold line breaks or control characters"));
    }
    Ok(Some(v.split_whitespace().collect::<Vec<_>>().join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_name_is_trimmed_and_empty_means_none() {
        assert_eq!(parse_team(Some("  North   team ")), Ok(Some("North team".into())));
        assert_eq!(parse_team(Some("   ")), Ok(None));
        assert_eq!(parse_team(None), Ok(None));
        assert_eq!(parse_team(Some(&"x".repeat(81))).unwrap_err().field, "team");
        assert!(parse_team(Some("a\u{7}b")).is_err());
    }
}
