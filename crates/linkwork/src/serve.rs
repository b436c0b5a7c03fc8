//! `linkwork serve` and `linkwork demo`.

use linkwork_web::{AppState, Directory, WebConfig};

use crate::config::Config;

pub(crate) fn web_config(config: &Config) -> WebConfig {
    let mut w = WebConfig { publisher_name: config.publisher_name.clone(), public_url: config.public_url.clone(), safe_caseload: config.safe_caseload, pseudo_language: config.pseudo_language, matching: config.matching.clone(), outcomes: config.outcomes.clone(), observatory: config.observatory.clone(), places: config.places.clone(), community: config.community.clone(), identification: config.identification.clone(), notify: config.notifications.clone(), ..WebConfig::default() };
    if let Some(codes) = &config.ethnicity_codes {
        w.ethnicity_codes = codes.clone();
    }
    w
}

async fn start(config: &Config) -> anyhow::Result<(linkwork_web::Server, AppState)> {
    let store = crate::open_store(config).await?;
    let directory = Directory::new(store, Some(&config.index_dir()))?;
    let indexed = directory.catch_up().await?;
    if indexed > 0 {
        tracing::info!(services = indexed, "search index brought up to date");
    }
    let state = AppState::new(directory, web_config(config));
    crate::users::first_run_admin(&state).await?;
    linkwork_web::measures_api::ensure_built_in(state.store()).await?;
    let server = linkwork_web::serve(config.listen, state.clone()).await?;
    let warming = state.clone();
    tokio::spawn(async move { linkwork_web::observatory::warm(&warming).await });
    Ok((server, state))
}

pub async fn serve(config: &Config) -> anyhow::Result<()> {
    let (server, _) = start(config).await?;
    println!("Linkwork is running at http://{}/", server.addr);
    server.handle.await??;
    Ok(())
}

/// The demo as a regional observatory too: a made-up neighbouring programme (Riverside, its own
/// database under the demo's data directory, with a year planned from another seed) publishes its
/// package, and the demo imports it and its own, so the analyst can compare them at
/// `/observatory/region`, exactly as a region imports packages sent by programmes.
async fn neighbour(config: &Config, st: &AppState) -> anyhow::Result<()> {
    use linkwork_web::observatory::package;
    if !st.store().list_packages().await?.is_empty() {
        return Ok(());
    }
    let dir = config.data_dir.join("neighbour");
    std::fs::create_dir_all(&dir)?;
    let store = linkwork_store::Store::open(&format!("sqlite:{}", dir.join("linkwork.db").display())).await?;
    if store.count("service").await? == 0 {
        store.write_batch(&linkwork_gen::demo()).await?;
    }
    let mut wc = web_config(config);
    wc.observatory.programme_id = Some("riverside".into());
    wc.observatory.programme_name = Some("Riverside (a made-up neighbour)".into());
    let other = AppState::new(Directory::new(store.clone(), None)?, wc);
    linkwork_web::measures_api::ensure_built_in(other.store()).await?;
    crate::users::demo_accounts(&other).await?;
    crate::demo_caseload::load_with(&other, 150, linkwork_gen::DEMO_SEED + 1).await?;
    let a = linkwork_store::pathway::Actor::system("demo set-up: programmes publish their packages to the region");
    let period = package::PeriodParams::default();
    let mut imported = vec![];
    for (from, bundle) in [("Riverside", package::publish(&other, &a, &period).await), ("the demo", package::publish(st, &a, &period).await)] {
        let bundle = bundle.map_err(crate::users::problem_text)?;
        let p = package::check(st, &bundle).await.map_err(crate::users::problem_text)?;
        let p = p.map_err(|problems| anyhow::anyhow!("{from}'s package was refused: {problems:?}"))?;
        package::keep(st, &a, &p, &bundle).await.map_err(crate::users::problem_text)?;
        imported.push(p.programme.name);
    }
    store.close().await;
    eprintln!("Imported the packages of {} to compare at /observatory/region.", imported.join(" and "));
    Ok(())
}

pub async fn demo(config: &Config, reload: bool) -> anyhow::Result<()> {
    let store = crate::open_store(config).await?;
    if reload || store.count("service").await? == 0 {
        eprintln!("Loading the demo directory (a made-up town)…");
        let summary = store.write_batch(&linkwork_gen::demo()).await?;
        let services = summary.counts.get("service").copied().unwrap_or(0);
        let orgs = summary.counts.get("organization").copied().unwrap_or(0);
        eprintln!("Loaded {services} services from {orgs} organisations.");
    }
    let ((accounts, provider_org), practice) = {
        let st = AppState::new(Directory::new(store.clone(), None)?, web_config(config));
        linkwork_web::measures_api::ensure_built_in(st.store()).await?;
        let accounts = crate::users::demo_accounts(&st).await?;
        let loaded = crate::demo_caseload::load(&st).await?;
        if loaded > 0 {
            eprintln!("Loaded a year of {loaded} referrals for the link worker, the provider and the analyst to see.");
        }
        neighbour(config, &st).await?;
        demo_research(&st).await?;
        demo_places(&st).await?;
        crate::demo_community::demo_community(&st).await?;
        let practice = crate::demo_identification::demo_identification(&st).await?;
        (accounts, practice)
    };
    store.close().await;
    let (server, _) = start(config).await?;
    let url = format!("http://{}/", server.addr);
    println!();
    println!("Linkwork demo is running at {url}");
    println!("  Sign in:           {url}login");
    println!("  Directory search:  {url}directory");
    println!("  Observatory:       {url}observatory (programmes compared: {url}observatory/region)");
    println!("  Research extracts: {url}research (sign in as 'researcher')");
    println!("  HSDS API:          {url}services");
    println!("  API (OpenAPI):     {url}api/openapi.json");
    println!("  Demo accounts, all with the password '{}':", crate::users::DEMO_PASSWORD);
    for (username, role) in &accounts {
        println!("    {username:<12} {role}");
    }
    if let Some(org) = provider_org {
        println!("  'provider' works for {org}: refer someone to one of its services to see the referral arrive.");
    }
    if practice.is_some() {
        println!("  'gp' works at a GP practice: {url}worklist shows the practice's patients who may benefit, and why.");
    }
    println!("  Data is kept in {} (delete it to start again).", config.data_dir.display());
    println!("Press Ctrl+C to stop.");
    server.handle.await??;
    Ok(())
}

/// A fictional province with two districts and six villages: the facilitator works in one
/// district's villages, the coordinator oversees the province (once).
async fn demo_places(st: &AppState) -> anyhow::Result<()> {
    if !st.store().list_places(None).await?.is_empty() {
        return Ok(());
    }
    let a = linkwork_store::pathway::Actor::system("demo set-up");
    linkwork_web::coproduction::places::import_text(st, &a, include_str!("demo_places.csv"), false).await.map_err(crate::users::problem_text)?;
    for (code, user) in [("PK-01-001", "facilitator"), ("PK-01-002", "facilitator"), ("PK", "coordinator")] {
        st.store().assign_place(&a, code, user).await?;
    }
    Ok(())
}

/// Puts the demo's link worker in a team and approves the demo's researcher for a made-up study
/// (once each), so that the observatory breaks down by team and the researcher can take an extract.
async fn demo_research(st: &AppState) -> anyhow::Result<()> {
    // The demo's link worker leads the observatory's breakdown by team.
    if st.store().user_by_username("linkworker").await?.is_some_and(|u| u.team.is_none()) {
        st.store().set_team(&linkwork_store::pathway::Actor::system("demo set-up"), "linkworker", Some("Town centre team")).await?;
    }
    if !st.store().list_research_approvals(None).await?.is_empty() {
        return Ok(());
    }
    let today = chrono::Utc::now().date_naive();
    let input = linkwork_domain::research::ApprovalInput {
        researcher: "researcher".into(),
        study: "Demo programme evaluation".into(),
        purpose: "A made-up evaluation of the demo programme's outcomes, to show how extracts are approved and taken.".into(),
        expires_on: (today + chrono::Duration::days(365)).format("%Y-%m-%d").to_string(),
    };
    let n = linkwork_domain::research::NewApproval::parse(&input, today).map_err(|p| anyhow::anyhow!("demo approval: {p:?}"))?;
    st.store().approve_research(&linkwork_store::pathway::Actor::system("demo set-up"), &n).await?;
    Ok(())
}
