//! The `linkwork` program as an administrator uses it: clear help, clear refusals, and an import
//! that, killed half-way, leaves the database exactly as it was.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The `linkwork` binary beside this test binary, built if it is not there yet.
pub(crate) fn linkwork() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
        let bin = dir.join("linkwork");
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "linkwork", "--bin", "linkwork"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the linkwork binary builds");
        assert!(bin.exists(), "{} exists", bin.display());
        bin
    })
}

fn run(args: &[&str], data: &std::path::Path) -> std::process::Output {
    Command::new(linkwork()).arg("--data-dir").arg(data).args(args).env("NO_COLOR", "1").output().expect("linkwork runs")
}

#[test]
fn help_lists_every_command_in_plain_words() {
    let out = Command::new(linkwork()).arg("--help").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for cmd in ["serve", "demo", "import", "export", "migrate", "gen", "user", "audit", "instrument", "observatory"] {
        assert!(text.contains(cmd), "--help mentions {cmd}:\n{text}");
    }
    let out = Command::new(linkwork()).args(["import", "hsds", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--strict") && text.contains("nothing is dropped silently"), "{text}");
}

#[test]
fn an_unrecognised_database_url_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(linkwork()).args(["--database-url", "mysql://root@localhost/x", "migrate"]).arg("--data-dir").arg(dir.path()).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not a database URL Linkwork can use") && err.contains("postgres://"), "{err}");
}

#[test]
fn a_strict_import_of_messy_data_writes_nothing_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["import", "hsds", "--strict", crate::import_export::miami().to_str().unwrap()], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("nothing was written") && err.contains(".csv"), "{err}");
    let out = run(&["export", "hsds", "--format", "ndjson", "--out", "-"], dir.path());
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "no service was stored");
}

#[test]
fn an_import_killed_half_way_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("directory.ndjson");
    let out = run(&["gen", "-n", "30000", "--seed", "7", "--out", file.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A first, complete import of a small demo gives the database something to keep.
    let small = dir.path().join("small.ndjson");
    assert!(run(&["gen", "-n", "50", "--seed", "8", "--out", small.to_str().unwrap()], dir.path()).status.success());
    assert!(run(&["import", "hsds", small.to_str().unwrap()], dir.path()).status.success());

    let mut child = Command::new(linkwork())
        .arg("--data-dir")
        .arg(dir.path())
        .args(["import", "hsds", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it is writing: the database file grows while the transaction runs.
    let wal = dir.path().join("linkwork.db-wal");
    let start = Instant::now();
    let before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    while start.elapsed() < Duration::from_secs(60) {
        if std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > before + 4_000_000 {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            panic!("the import finished before it could be interrupted; make the file bigger");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let out = run(&["export", "hsds", "--format", "ndjson", "--out", "-"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout.iter().filter(|b| **b == b'\n').count(), 50, "only the first import's services remain");
}

#[test]
fn an_administrator_manages_users_and_checks_the_audit_log_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let out = run(&["user", "add", "sam", "--roles", "link_worker,admin", "--name", "Sam Smith"], data);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Created sam (admin, link_worker)"), "{text}");
    assert!(text.contains("Password (shown once"), "a generated password is shown once: {text}");
    // A bad role is refused with the list of good ones.
    let out = run(&["user", "add", "kim", "--roles", "doctor"], data);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use one of admin, referrer"));
    // A provider needs an organisation.
    let out = run(&["user", "add", "pat", "--roles", "provider"], data);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("organizations: a provider must belong"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["user", "disable", "sam"], data);
    assert!(out.status.success());
    let list = String::from_utf8(run(&["user", "list"], data).stdout).unwrap();
    assert!(list.lines().any(|l| l.starts_with("sam ") && l.contains("disabled")), "{list}");

    let out = run(&["audit", "verify"], data);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("intact: 2 entries"), "creating and disabling sam were audited: {text}");
    // Someone edits the log behind the application's back: the check fails and says where.
    let db = data.join("linkwork.db");
    let conn = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DROP TRIGGER audit_log_no_update'); c.execute(\"UPDATE audit_log SET actor_name='nobody' WHERE seq=1\"); c.commit()",
        ])
        .arg(&db)
        .status()
        .unwrap();
    assert!(conn.success());
    let out = run(&["audit", "verify"], data);
    assert!(!out.status.success(), "a broken chain fails the command");
    assert!(String::from_utf8(out.stdout).unwrap().contains("entry 1 has been altered"));
}

#[test]
fn the_first_start_creates_the_administrator_and_prints_its_password_once() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let start = |dir: &std::path::Path| {
        let mut child = Command::new(linkwork())
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env_remove("LINKWORK_ADMIN_PASSWORD")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = vec![];
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let line = lines.next().expect("the server says where it runs").unwrap();
            let done = line.contains("is running at");
            seen.push(line);
            if done {
                break;
            }
        }
        (child, seen)
    };
    let (mut child, first) = start(dir.path());
    let admin_line = first.iter().find(|l| l.contains("created the administrator 'admin' with password")).unwrap_or_else(|| panic!("{first:?}"));
    let password = admin_line.split("with password ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    let url = first.iter().find_map(|l| l.split("running at ").nth(1)).unwrap().trim().trim_end_matches('/').to_string();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = rt.block_on(async {
        crate::support::http().build().unwrap()
            .post(format!("{url}/api/v1/auth/token"))
            .json(&serde_json::json!({ "username": "admin", "password": password }))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 201, "the printed password signs in");
    // The observatory's facts are loaded as the server starts (so the first analyst does not
    // wait), as a read the audit log records as the system's.
    let warmed = rt.block_on(async {
        let http = crate::support::http().build().unwrap();
        let token: serde_json::Value = http.post(format!("{url}/api/v1/auth/token")).json(&serde_json::json!({ "username": "admin", "password": password })).send().await.unwrap().json().await.unwrap();
        for _ in 0..50 {
            let audit: serde_json::Value = http.get(format!("{url}/api/v1/audit?entity=indicator")).bearer_auth(token["token"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
            if audit["contents"].as_array().is_some_and(|a| a.iter().any(|e| e["actor_role"] == "system" && e["entity_id"] == "warm-up at start")) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        false
    });
    assert!(warmed, "the start loads the observatory's facts, audited");
    child.kill().unwrap();
    child.wait().unwrap();
    // A second start creates nobody and prints no password.
    let (mut child, second) = start(dir.path());
    assert!(!second.iter().any(|l| l.contains("password")), "{second:?}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn an_administrator_loads_an_instrument_and_a_broken_one_is_refused_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let swemwbs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/domain/instruments/licensed/swemwbs.json");
    let out = run(&["instrument", "load", swemwbs.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Loaded Short Warwick-Edinburgh Mental Wellbeing Scale"));
    let mut def: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&swemwbs).unwrap()).unwrap();
    def["scoring"]["scores"][0]["lookup"].as_object_mut().unwrap().remove("35");
    def["questionnaire"]["version"] = serde_json::json!("2");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, def.to_string()).unwrap();
    let out = run(&["instrument", "load", broken.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("was refused") && err.contains("scoring.scores[0].lookup: has no value for the raw score 35"), "{err}");
    let out = run(&["instrument", "list"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in ["SWEMWBS", "AHCHRSNCore", "UCLA3"] {
        assert!(text.contains(name), "{text}");
    }
    assert!(!text.contains("SWEMWBS            2"), "the broken version was not loaded: {text}");
}

/// A programme publishes its package to a file; a regional observatory imports it (once, however
/// often it is given), refuses a changed copy and a file that is not JSON, saying where, and
/// lists what it holds.
#[test]
fn a_programme_publishes_a_package_and_a_region_imports_it_from_the_command_line() {
    let (programme, region) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let file = programme.path().join("package.json");
    let out = run(&["observatory", "publish", "--from", "2025-01-01", "--to", "2025-12-31", "--output", file.to_str().unwrap()], programme.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // The shipped files and one for each indicator communities monitor (the default [community]).
    let indicators = std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/domain/indicators")).unwrap().count()
        + linkwork_domain::coproduction::CommunitySettings::default().indicators.len();
    assert!(err.contains(&format!("Published {indicators} indicators for Linkwork (linkwork)")), "{err}");
    let package: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(package["entry"][1]["resource"]["resourceType"], "Measure");

    let out = run(&["observatory", "import", file.to_str().unwrap()], region.path());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("Imported Linkwork (linkwork), 2025-01-01 to 2025-12-31"), "{said}{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["observatory", "import", file.to_str().unwrap()], region.path());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Already imported, unchanged"));

    let mut changed = package.clone();
    changed["entry"][0]["resource"]["name"] = serde_json::json!("Someone Else");
    let changed_file = region.path().join("changed.json");
    std::fs::write(&changed_file, changed.to_string()).unwrap();
    let broken = region.path().join("broken.json");
    std::fs::write(&broken, "{\"resourceType\": \"Bundle\",\n  oops").unwrap();
    let out = run(&["observatory", "import", changed_file.to_str().unwrap(), broken.to_str().unwrap()], region.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("changed.json was refused") && err.contains("identifier.value: the content hash is"), "{err}");
    assert!(err.contains("broken.json: line 2, column ") && err.contains("not JSON"), "{err}");

    let out = run(&["observatory", "packages"], region.path());
    let listed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(listed.lines().count(), 1, "one package kept: {listed}");
    assert!(listed.starts_with("2025-01-01 to 2025-12-31  Linkwork"), "{listed}");
}

/// An administrator loads a programme's own indicator from a file; it is listed beside the
/// shipped ones, and a broken one is refused with its reasons.
#[test]
fn an_administrator_loads_an_indicator_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut def: serde_json::Value = serde_json::from_str(linkwork_domain::observatory::definition::BUILT_IN[0].1).unwrap();
    def["id"] = serde_json::json!("referrals-again");
    let file = dir.path().join("mine.json");
    std::fs::write(&file, def.to_string()).unwrap();
    let out = run(&["indicator", "load", file.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Loaded referrals-again version 1.0.0"));
    let out = run(&["indicator", "list"], dir.path());
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.lines().any(|l| l.starts_with("referrals-again") && l.contains("loaded")), "{listed}");
    assert!(listed.lines().any(|l| l.starts_with("pathway-funnel") && l.contains("shipped")), "{listed}");
    def["breakdowns"] = serde_json::json!(["sex", "sex"]);
    def["version"] = serde_json::json!("2");
    std::fs::write(&file, def.to_string()).unwrap();
    let out = run(&["indicator", "load", file.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("was refused") && err.contains("breakdowns[1]"), "{err}");
}
