//! Who is calling: passwords (Argon2id), API tokens and web sessions, throttled sign-in, and the
//! [`Caller`] extractor that every pathway handler starts from.
//!
//! Secrets (tokens and session ids) are 256 random bits shown once; the database keeps only their
//! SHA-256, so reading the database does not let anyone act as a user. API calls carry a token in
//! `Authorization: Bearer`; browsers carry the session in an HttpOnly, SameSite=Lax cookie, and
//! every state-changing request made with the cookie must also carry the session's CSRF token.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{header, Method};
use chrono::{Duration, Utc};
use linkwork_domain::pathway::access::{permits, role_permits, Action};
use linkwork_domain::pathway::{format_time, Role};
use linkwork_store::pathway::{Actor, Credential, NewCredential, User};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "linkwork_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Failed sign-ins allowed per username in [`THROTTLE_WINDOW_MINUTES`] before it is locked.
pub const MAX_FAILURES: usize = 5;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// How long a sign-in lasts.
pub const SESSION_HOURS: i64 = 12;
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| ApiError::Internal(format!("hashing a password: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// Why a password is not good enough, if it is not.
pub fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Some(format!("is {n} characters long; use at least {MIN_PASSWORD_CHARS} (a few unrelated words make a strong one)"));
    }
    if n > 256 {
        return Some("is longer than 256 characters".into());
    }
    None
}

/// A new secret: 256 random bits, hex, with a prefix that says what it is (so that secret
/// scanners and people recognise a leaked one).
pub fn new_secret(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{prefix}_{hex}")
}

/// A password generated for new accounts: 4 groups of 5 letters and digits.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut b = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut b);
    let chars: Vec<char> = b.iter().map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char).collect();
    chars.chunks(5).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A verified caller.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub credential: Credential,
    pub via_cookie: bool,
    /// "METHOD /route", for the audit trail.
    pub reason: String,
}

impl Caller {
    /// The actor for an action, in the first of the caller's roles that permits it; or 403.
    pub fn may(&self, action: Action) -> Result<Actor, ApiError> {
        match self.user.roles.iter().find(|r| role_permits(**r, action)) {
            Some(role) => Ok(self.actor_as(*role)),
            None => {
                let roles = self.user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
                Err(ApiError::Forbidden(format!("your role ({roles}) does not allow this: {}", describe(action))))
            }
        }
    }

    /// Whose records the caller may list: every one's (None) when they may take `all`, else their
    /// own (their user id) when they may take `own`; or 403.
    pub fn all_or_own(&self, all: Action, own: Action) -> Result<Option<String>, ApiError> {
        if self.can(all) {
            return Ok(None);
        }
        self.may(own)?;
        Ok(Some(self.user.id.clone()))
    }

    pub fn can(&self, action: Action) -> bool {
        permits(&self.user.roles, action)
    }

    pub fn has(&self, role: Role) -> bool {
        self.user.roles.contains(&role)
    }

    /// The actor for what users do to their own account (tokens, signing out), which every role
    /// may: in the user's first role.
    pub fn own_actor(&self) -> Actor {
        self.actor_as(self.user.roles.first().copied().unwrap_or(Role::Referrer))
    }

    pub fn actor_as(&self, role: Role) -> Actor {
        Actor { user_id: Some(self.user.id.clone()), name: self.user.username.clone(), role: role.as_str().into(), reason: self.reason.clone() }
    }
}

fn describe(action: Action) -> &'static str {
    match action {
        Action::ManageUsers => "managing users",
        Action::ReadAudit => "reading the audit log",
        Action::CreateReferral => "sending referrals",
        Action::ReadOwnReferrals => "following referrals you sent",
        Action::ReadPeople => "reading people's records",
        Action::WritePeople => "changing people's records",
        Action::ManageConsent => "recording consent",
        Action::WorkEpisodes => "link-worker casework",
        Action::SendOnwardReferrals => "referring people to community organisations",
        Action::ReceiveOnwardReferrals => "receiving referrals for an organisation",
        Action::ExportPerson => "exporting a person's record",
        Action::ErasePerson => "erasing a person's record",
        Action::ReadAggregates => "reading indicators",
        Action::ManageInstruments => "loading screening and outcome instruments",
        Action::ImportPackages => "importing programmes' observatory packages",
        Action::ManageIndicators => "loading indicator definitions",
        Action::ApproveResearch => "approving researchers",
        Action::TakeExtracts => "taking research extracts",
        Action::ManagePlaces => "managing places and who is assigned to them",
        Action::ReadPlaces => "seeing community places",
        Action::RecordCommunity => "recording a community's meetings, needs and plans",
        Action::SuperviseCommunity => "recording supervision visits",
        Action::ManageDeliveries => "reading and resending notifications",
        Action::IdentifyPatients => "finding the practice's patients who may benefit",
    }
}

pub(crate) fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| cookie::Cookie::split_parse(v.to_string()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(|s| s.trim().to_string());
        let (secret, via_cookie) = match bearer {
            Some(s) => (s, false),
            None => match cookie_value(&parts.headers, SESSION_COOKIE) {
                Some(s) => (s, true),
                None => return Err(ApiError::Unauthorized("send an API token in 'Authorization: Bearer <token>' (POST /api/v1/auth/token gives one)".into())),
            },
        };
        let found = state.store().credential_by_hash(&secret_hash(&secret)).await?;
        let Some((credential, user)) = found else {
            return Err(ApiError::Unauthorized("this token or session is not valid: it may have expired or been revoked; sign in again".into()));
        };
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via_cookie && unsafe_method {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|h| h.to_str().ok());
            if sent.is_none() || sent != credential.csrf.as_deref() {
                return Err(ApiError::Forbidden("this request needs the page's CSRF token (header x-csrf-token); reload the page and try again".into()));
            }
        }
        // The FHIR endpoint is for other systems: its tokens carry their own scope.
        let path = parts.uri.path();
        let needed = if path == "/fhir" || path.starts_with("/fhir/") {
            "fhir"
        } else if unsafe_method {
            "write"
        } else {
            "read"
        };
        if !credential.scopes.iter().any(|s| s == needed) {
            return Err(ApiError::Forbidden(format!("this token's scopes ({}) do not include '{needed}'", credential.scopes.join(", "))));
        }
        let route = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| parts.uri.path().to_string());
        Ok(Caller { user, credential, via_cookie, reason: format!("{} {route}", parts.method) })
    }
}

/// A successful sign-in: the secret (shown once) and what it is.
pub struct SignedIn {
    pub secret: String,
    pub credential: Credential,
    pub user: User,
}

/// Checks a username and password, throttling repeated failures, and issues a credential of
/// `kind` ("session" for browsers and short-lived API use).
pub async fn sign_in(state: &AppState, username: &str, password: &str, kind: &str, name: &str) -> Result<SignedIn, ApiError> {
    let store = state.store();
    let username = username.trim().to_lowercase();
    let since = format_time(Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES));
    let failures = store.sign_in_failures(&username, &since).await?;
    if failures.len() >= MAX_FAILURES {
        let oldest = failures.first().and_then(|f| linkwork_domain::pathway::parse_time(f)).unwrap_or_else(Utc::now);
        let wait = (oldest + Duration::minutes(THROTTLE_WINDOW_MINUTES) - Utc::now()).num_seconds().max(1) as u64;
        return Err(ApiError::TooManyRequests {
            detail: format!("too many failed sign-ins for this account; try again in {} minute(s), or ask an administrator", wait.div_ceil(60)),
            retry_after_secs: wait,
        });
    }
    let user = store.user_by_username(&username).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let pw = password.to_string();
    // Verify even for unknown users, against a fixed hash, so timing does not reveal usernames.
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_password(&h, &pw),
        None => {
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let dummy = DUMMY.get_or_init(|| hash_password("not anyone's password").unwrap_or_default());
            verify_password(dummy, &pw);
            false
        }
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let user = match (ok, user) {
        (true, Some(u)) if !u.disabled => u,
        _ => {
            store.record_sign_in_failure(&username).await?;
            return Err(ApiError::Unauthorized("the username or password is not right (or the account is disabled)".into()));
        }
    };
    store.clear_sign_in_failures(&username).await?;
    let secret = new_secret(if kind == "session" { "lws" } else { "lwt" });
    let csrf = new_secret("csrf");
    let expires = format_time(Utc::now() + Duration::hours(SESSION_HOURS));
    let actor = Actor { user_id: Some(user.id.clone()), name: user.username.clone(), role: "user".into(), reason: format!("sign in ({kind})") };
    let scopes = vec!["read".to_string(), "write".to_string()];
    let hash = secret_hash(&secret);
    let n = NewCredential { user_id: &user.id, kind, name, secret_hash: &hash, csrf: Some(&csrf), scopes: &scopes, expires_at: Some(&expires) };
    let credential = store.create_credential(&actor, &n).await?;
    Ok(SignedIn { secret, credential, user })
}
