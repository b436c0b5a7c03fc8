//! `linkwork user add|list|disable|enable|password`, `linkwork audit verify`, the first-run
//! administrator and the demo's accounts.

use clap::{Args, Subcommand};
use linkwork_domain::pathway::role::parse_roles;
use linkwork_domain::pathway::Role;
use linkwork_domain::Id;
use linkwork_store::pathway::Actor;
use linkwork_web::api_v1::{add_user, NewUserBody};
use linkwork_web::AppState;

use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; prints a generated password unless --password-stdin is given
    Add(AddArgs),
    /// List users with their roles and organisations
    List,
    /// Disable a user: they are signed out everywhere and cannot sign in
    Disable { username: String },
    /// Enable a disabled user again
    Enable { username: String },
    /// Set a new password (read from standard input, or generated and printed)
    Password {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// Lower-case letters, digits, '.', '_', '-' or '@'
    pub username: String,
    /// Comma-separated: admin, referrer, link_worker, provider, facilitator, analyst
    #[arg(long, value_name = "ROLES")]
    pub roles: String,
    /// The name shown to others [default: the username]
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// A directory organisation id the user acts for (providers); repeat for several
    #[arg(long = "org", value_name = "ORGANIZATION_ID")]
    pub orgs: Vec<String>,
    /// Read the password from standard input instead of generating one
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the audit log's hash chain from the first entry to the last
    Verify,
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_line(&mut s)?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

pub(crate) fn problem_text(e: linkwork_web::error::ApiError) -> anyhow::Error {
    use linkwork_web::error::ApiError as E;
    match e {
        E::Unprocessable { errors, .. } | E::BadRequest { errors, .. } if !errors.is_empty() => {
            anyhow::anyhow!("{}", errors.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("\n"))
        }
        E::Conflict { detail, .. } => anyhow::anyhow!("{detail}"),
        other => anyhow::anyhow!("{other:?}"),
    }
}

pub(crate) async fn state(config: &Config) -> anyhow::Result<AppState> {
    let store = crate::open_store(config).await?;
    Ok(AppState::new(linkwork_web::Directory::new(store, None)?, crate::serve::web_config(config)))
}

pub async fn run(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let st = state(config).await?;
    let actor = Actor::system("linkwork user (command line)");
    match cmd {
        UserCommand::Add(a) => {
            let roles = parse_roles(&a.roles)?;
            let organizations = a.orgs.iter().map(|o| Id::parse(o)).collect::<Result<Vec<_>, _>>()?;
            let password = if a.password_stdin { Some(read_password()?) } else { None };
            let body = NewUserBody { display_name: a.name.unwrap_or_else(|| a.username.clone()), username: a.username, email: a.email, password, roles, organizations };
            let (user, generated) = add_user(&st, &actor, body).await.map_err(problem_text)?;
            println!("Created {} ({}).", user.username, user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "));
            if let Some(p) = generated {
                println!("Password (shown once; ask them to keep it safe): {p}");
            }
        }
        UserCommand::List => {
            let users = st.store().list_users().await?;
            println!("{:<24} {:<28} {:<28} {}", "USERNAME", "NAME", "ROLES", "STATUS");
            for u in users {
                let roles = u.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
                println!("{:<24} {:<28} {:<28} {}", u.username, u.display_name, roles, if u.disabled { "disabled" } else { "active" });
            }
        }
        UserCommand::Disable { username } => {
            st.store().update_user(&actor, &username.to_lowercase(), Some(true), None, None, None, None).await.map_err(|e| problem_text(e.into()))?;
            println!("Disabled {username}; their sessions and tokens are revoked.");
        }
        UserCommand::Enable { username } => {
            st.store().update_user(&actor, &username.to_lowercase(), Some(false), None, None, None, None).await.map_err(|e| problem_text(e.into()))?;
            println!("Enabled {username}.");
        }
        UserCommand::Password { username, password_stdin } => {
            let (password, show) = if password_stdin { (read_password()?, false) } else { (linkwork_web::auth::new_password(), true) };
            if let Some(p) = linkwork_web::auth::password_problem(&password) {
                anyhow::bail!("password: {p}");
            }
            let hash = linkwork_web::auth::hash_password(&password).map_err(problem_text)?;
            st.store().update_user(&actor, &username.to_lowercase(), None, None, None, Some(&hash), None).await.map_err(|e| problem_text(e.into()))?;
            if show {
                println!("New password for {username} (shown once): {password}");
            } else {
                println!("Password changed for {username}.");
            }
        }
    }
    st.store().close().await;
    Ok(())
}

/// Returns false when the chain is broken (the command then exits with a failure).
pub async fn audit(config: &Config, cmd: AuditCommand) -> anyhow::Result<bool> {
    let store = crate::open_store(config).await?;
    match cmd {
        AuditCommand::Verify => {
            let r = store.verify_audit().await?;
            store.close().await;
            match r {
                Ok(n) => {
                    println!("The audit log is intact: {n} entries, each chained to the one before.");
                    Ok(true)
                }
                Err(e) => {
                    println!("The audit log has been tampered with: {e}.");
                    Ok(false)
                }
            }
        }
    }
}

/// On a server with no users, creates the administrator: with LINKWORK_ADMIN_PASSWORD if set,
/// otherwise a generated password printed once.
pub async fn first_run_admin(st: &AppState) -> anyhow::Result<()> {
    if st.store().count_users().await? > 0 {
        return Ok(());
    }
    let given = std::env::var("LINKWORK_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty());
    let body = NewUserBody {
        username: "admin".into(),
        display_name: "Administrator".into(),
        email: None,
        password: given.clone(),
        roles: vec![Role::Admin],
        organizations: vec![],
    };
    let (_, generated) = add_user(st, &Actor::system("first run"), body).await.map_err(problem_text)?;
    match generated {
        Some(p) => println!("First run: created the administrator 'admin' with password {p} (shown once; change it with `linkwork user password admin`)."),
        None => println!("First run: created the administrator 'admin' with the password in LINKWORK_ADMIN_PASSWORD."),
    }
    Ok(())
}

/// The demo's accounts, one per role, all with the same password (a demo on a laptop, not a
/// deployment). Returns (username, role, password) to print.
/// Creates one account per role (once) and answers them with the name of the organisation the
/// provider account works for.
pub async fn demo_accounts(st: &AppState) -> anyhow::Result<(Vec<(String, String)>, Option<String>)> {
    let org = first_organisation(st).await?;
    let org_name = match org {
        Some(o) => st.store().select_in("organization", "id", &[o.to_string()]).await?.first().and_then(|r| r.get_str("name").map(str::to_string)),
        None => None,
    };
    let accounts: [(&str, &str, Role); 8] = [
        ("admin", "Ada Admin", Role::Admin),
        ("gp", "Dr Gita Patel", Role::Referrer),
        ("linkworker", "Lee Worker", Role::LinkWorker),
        ("provider", "Pat Provider", Role::Provider),
        ("facilitator", "Faye Facilitator", Role::Facilitator),
        ("coordinator", "Khamla Coordinator", Role::Coordinator),
        ("analyst", "Ann Analyst", Role::Analyst),
        ("researcher", "Rita Researcher", Role::Researcher),
    ];
    let mut out = vec![];
    for (username, name, role) in accounts {
        if st.store().user_by_username(username).await?.is_none() {
            let body = NewUserBody {
                username: username.into(),
                display_name: name.into(),
                email: None,
                password: Some(DEMO_PASSWORD.into()),
                roles: vec![role],
                organizations: if role == Role::Provider { org.iter().copied().collect() } else { vec![] },
            };
            add_user(st, &Actor::system("demo set-up"), body).await.map_err(problem_text)?;
        }
        out.push((username.to_string(), role.as_str().to_string()));
    }
    Ok((out, org_name))
}

/// The organisation the demo's provider works for: the one running the most services, so that
/// a link worker trying the demo soon finds one of its services to refer to.
async fn first_organisation(st: &AppState) -> anyhow::Result<Option<Id>> {
    let ids = st.store().all_ids("service").await?;
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for chunk in ids.chunks(500) {
        for row in st.store().select_in("service", "id", chunk).await? {
            if let Some(o) = row.get_str("organization_id") {
                *counts.entry(o.to_string()).or_default() += 1;
            }
        }
    }
    let best = counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(o, _)| o);
    Ok(best.and_then(|o| Id::parse(&o).ok()))
}

pub const DEMO_PASSWORD: &str = "linkwork-demo";
