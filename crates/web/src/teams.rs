//! Link workers' teams: an administrator puts a user in a team (`PUT /api/v1/users/{username}/team`,
//! or the team form on `/admin/users`, in `ui::admin`), and the observatory breaks indicators down and filters
//! them by team (`breakdown=team`, `team=`). `GET /api/v1/teams` lists them with their members.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::pathway::team::parse_team;
use linkwork_store::pathway::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/users/{username}/team", put(set_team)).route("/api/v1/teams", get(list_teams))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamBody {
    /// The team's name (at most 80 characters); null or empty for none.
    pub team: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Team {
    pub name: String,
    /// Its members' display names.
    pub members: Vec<String>,
}

/// Puts a user in a link-worker team, or in none.
#[utoipa::path(put, path = "/api/v1/users/{username}/team", tag = "users", params(("username" = String, Path)), request_body = TeamBody,
    responses((status = 200, body = User), (status = 403, description = "Only administrators manage users", content_type = "application/problem+json"),
        (status = 404, description = "No such user", content_type = "application/problem+json"),
        (status = 422, description = "The name is too long or holds control characters", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn set_team(State(state): State<AppState>, caller: Caller, Path(username): Path<String>, Body(b): Body<TeamBody>) -> ApiResult<Json<User>> {
    let a = caller.may(Action::ManageUsers)?;
    let team = parse_team(b.team.as_deref()).map_err(|e| ApiError::invalid(vec![e]))?;
    Ok(Json(state.store().set_team(&a, &username.to_lowercase(), team.as_deref()).await?))
}

/// The teams and their members (staff, not people served): for administrators, and for analysts
/// choosing a team to filter indicators by.
#[utoipa::path(get, path = "/api/v1/teams", tag = "users",
    responses((status = 200, body = [Team]), (status = 403, description = "Neither managing users nor reading indicators", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_teams(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Team>>> {
    if !caller.can(Action::ManageUsers) {
        caller.may(Action::ReadAggregates)?;
    }
    let teams = state.store().list_teams().await?;
    Ok(Json(teams.into_iter().map(|(name, members)| Team { name, members }).collect()))
}
