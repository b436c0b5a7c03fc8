//! Layered configuration: built-in defaults, then a TOML file, then `LINKWORK_*` environment
//! variables, then command-line flags. Secrets (a password in the database URL) are never
//! printed: [`Config::redacted_database_url`] is what logs see.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use linkwork_domain::instrument::OutcomeSettings;
use linkwork_domain::matching::MatchingSettings;
use linkwork_domain::observatory::ObservatorySettings;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Config {
    /// Where Linkwork keeps its SQLite database and search index.
    pub data_dir: PathBuf,
    /// `sqlite:PATH` or `postgres://…`; defaults to a SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// The address `serve` listens on.
    pub listen: SocketAddr,
    /// The URL people reach the server at, when it differs (behind a proxy).
    pub public_url: Option<String>,
    /// Who publishes the directory (the HSDS API says so).
    pub publisher_name: String,
    /// Log filter, e.g. `info` or `linkwork=debug`.
    pub log: String,
    /// People per link worker per year above which caseloads warn (England's guide: 200–250).
    pub safe_caseload: i64,
    /// The ethnicity codes people's records may use [default: the 2021 census categories of
    /// England and Wales, by NHS letter code].
    pub ethnicity_codes: Option<Vec<String>>,
    /// Offer the pseudo-language `en-XA` (`?lang=en-XA`), which brackets every translated string
    /// so that untranslated text stands out: for translators and tests, not for production.
    pub pseudo_language: bool,
    /// Matching's need-to-taxonomy keywords and weights (`[matching.need_terms]`,
    /// `[matching.weights]`); what is not given keeps its default.
    pub matching: MatchingSettings,
    /// Outcome thresholds that replace instruments' own (`[outcomes.meaningful_change.NAME]`,
    /// `score_id = change`).
    pub outcomes: OutcomeSettings,
    /// The indicators' disclosure control, age bands, targets and area populations
    /// (`[observatory]`: `suppress_max`, `round_to`, `age_bands`, `contact_target_working_days`,
    /// `adherence_sessions`, `cache_seconds`, `programme_id`, `programme_name`, `[observatory.area_populations]`,
    /// `[observatory.zones]`).
    pub observatory: ObservatorySettings,
    /// The levels of the hierarchy of places, from the top down (`[[places.levels]]`: `code`,
    /// `names = { en = "…", lo = "…", es = "…" }`).
    pub places: linkwork_domain::coproduction::PlaceSettings,
    /// The community cycle's code lists (`[[community.partners]]`, `vulnerable_groups`,
    /// `resource_kinds`, `leads`, `age_groups`, `supervision_checklist`: `code`, `names`;
    /// `[[community.indicators]]` also `out_of = true` for a share).
    pub community: linkwork_domain::coproduction::CommunitySettings,
    /// How emails, texts and FHIR notifications are sent (`[notifications]`: `deliver`,
    /// `poll_millis`, `digest_hour`, `reminder_days_before`, `[notifications.retry]`,
    /// `[notifications.email]` with `host`, `port`, `security` = starttls | tls | none, `username`,
    /// `password`, `from`; `[notifications.text]` with `url`, `headers`, `content_type`, `body`).
    pub notifications: linkwork_web::notify::NotifySettings,
    /// The rules that find a practice's patients who may benefit (`[identification.frequent_attender]`:
    /// `enabled`, `code`, `names`, `min_encounters`, `months`, `classes`, `needs`;
    /// `[identification.isolation_finding]`: `codes = [{ system, code, display }]`, `months`, `needs`;
    /// `[identification.positive_screen]`: `items = [{ system, code, positive = [...], need }]`, `months`).
    pub identification: linkwork_domain::identification::IdentificationSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("data"),
            database_url: None,
            listen: "127.0.0.1:8080".parse().expect("valid address"),
            public_url: None,
            publisher_name: "Linkwork".into(),
            log: "info,tantivy=warn".into(),
            safe_caseload: 250,
            ethnicity_codes: None,
            pseudo_language: false,
            matching: MatchingSettings::default(),
            outcomes: OutcomeSettings::default(),
            observatory: ObservatorySettings::default(),
            places: linkwork_domain::coproduction::PlaceSettings::default(),
            community: linkwork_domain::coproduction::CommunitySettings::default(),
            notifications: linkwork_web::notify::NotifySettings::default(),
            identification: linkwork_domain::identification::IdentificationSettings::default(),
        }
    }
}

/// Values given on the command line, which win over everything else.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
}

impl Config {
    /// Loads the layers. A missing default file is fine; a named file that is missing is not.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) if !f.exists() => anyhow::bail!("the configuration file {} does not exist", f.display()),
            Some(f) => fig = fig.merge(Toml::file(f)),
            None => fig = fig.merge(Toml::file("linkwork.toml")),
        }
        fig = fig.merge(Env::prefixed("LINKWORK_").ignore(&["config"])).merge(Serialized::defaults(overrides));
        let config: Config = fig.extract().map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        let problems: Vec<String> = [config.matching.check(), config.outcomes.check(), config.observatory.check().map(|_| ()), config.places.check(), config.community.check(), config.notifications.check(), config.identification.check()]
            .into_iter()
            .filter_map(Result::err)
            .flatten()
            .collect();
        if !problems.is_empty() {
            anyhow::bail!("configuration:\n  {}", problems.join("\n  "));
        }
        Ok(config)
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => format!("sqlite:{}", self.data_dir.join("linkwork.db").display()),
        }
    }

    /// The database URL with any password replaced by `***`.
    pub fn redacted_database_url(&self) -> String {
        redact(&self.database_url())
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }
}

pub fn redact(url: &str) -> String {
    // scheme://user:password@host → scheme://user:***@host
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((creds, host)) = rest.split_once('@') {
            if let Some((user, _)) = creds.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(redact("postgres://app:s3cret@db/linkwork"), "postgres://app:***@db/linkwork");
        assert_eq!(redact("sqlite:data/linkwork.db"), "sqlite:data/linkwork.db");
    }

    #[test]
    fn layers_apply_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("linkwork.toml", "publisher_name = \"Millbrook PCN\"\nlisten = \"127.0.0.1:9000\"")?;
            jail.set_env("LINKWORK_LISTEN", "127.0.0.1:9100");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.publisher_name, "Millbrook PCN");
            assert_eq!(c.listen.port(), 9100);
            let c = Config::load(None, &Overrides { listen: Some("127.0.0.1:9200".parse().unwrap()), ..Default::default() }).unwrap();
            assert_eq!(c.listen.port(), 9200);
            Ok(())
        });
    }

    #[test]
    fn matching_is_configured_in_the_file_and_mistakes_are_named() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("linkwork.toml", "[matching.need_terms]\nfood = [\"Community fridge\"]\n[matching.weights]\ninterest = 4.0\n")?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.matching.terms()["food"], vec!["community fridge".to_string()]);
            assert_eq!(c.matching.weights.interest, 4.0);
            assert_eq!(c.matching.weights.need, linkwork_domain::matching::Weights::default().need, "unnamed weights keep their defaults");
            jail.create_file("linkwork.toml", "[matching.need_terms]\nfood_bank = [\"food\"]\n")?;
            let e = Config::load(None, &Overrides::default()).unwrap_err().to_string();
            assert!(e.contains("matching.need_terms.food_bank: 'food_bank' is not a needs code"), "{e}");
            jail.create_file("linkwork.toml", "[matching.weights]\nintrest = 4.0\n")?;
            let e = Config::load(None, &Overrides::default()).unwrap_err().to_string();
            assert!(e.contains("intrest"), "{e}");
            jail.create_file("linkwork.toml", "[outcomes.meaningful_change.SWEMWBS]\nmetric = 2.0\n")?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.outcomes.threshold("SWEMWBS", "metric"), Some(2.0));
            assert_eq!(c.outcomes.threshold("SWEMWBS", "raw"), None);
            jail.create_file("linkwork.toml", "[outcomes.meaningful_change.SWEMWBS]\nmetric = 0\n")?;
            let e = Config::load(None, &Overrides::default()).unwrap_err().to_string();
            assert!(e.contains("outcomes.meaningful_change.SWEMWBS.metric: 0 is not a change"), "{e}");
            Ok(())
        });
    }
}
