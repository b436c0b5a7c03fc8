//! The observatory's reads: the de-identified facts the indicator engine counts, taken from the
//! pathway's tables in one consistent snapshot. Names, contact details, addresses, birth dates
//! and notes never leave this module: a person's details are read only to derive age at
//! referral, sex, gender, ethnicity, deprivation and area. Each load is recorded in the audit log
//! with who asked and for what.

use std::collections::HashMap;

use chrono::NaiveDate;
use linkwork_domain::instrument::Change;
use linkwork_domain::observatory::facts::{
    CommunityValueFact, EpisodeFact, EvaluationConsent, Facts, GoalFact, OnwardFact, OutcomeFact, PrescriptionFact, ServiceFact,
};
use linkwork_domain::pathway::person::PersonDetails;
use linkwork_domain::pathway::referral::ReferralDetails;
use linkwork_domain::pathway::{format_time, parse_time};

use crate::pathway::{Actor, PResult};
use crate::{on_pool, Store};

/// Judges a score's change: given the instrument's stored definition (JSON), the score id, the
/// baseline and the follow-up, the improvement (positive is better) and the verdict by the
/// instrument's threshold. The web layer supplies it (it knows the configured thresholds).
pub type OutcomeJudge<'a> =
    &'a (dyn Fn(&str, &str, &str, f64, f64) -> Option<(f64, Option<Change>)> + Sync);

fn day(s: &str) -> Option<NaiveDate> {
    parse_time(s)
        .map(|t| t.date_naive())
        .or_else(|| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok())
}

/// id, person, status, closure reason, referral, source, received, closed, link worker, person's
/// details, and when the episode first reached contacted, assessed and plan agreed (or active).
type EpisodeRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);
/// id, episode, service id, service name, organisation's name, status, reason, created, first
/// requested, and whether it was ever accepted, in progress or completed.
type OnwardRow = (String, String, String, String, String, String, Option<String>, String, Option<String>, Option<i64>);
/// person, episode, instrument id, instrument name, score, value, at.
type ScoreRow = (String, Option<String>, String, String, String, f64, String);

impl Store {
    /// Records in the audit log that `a` read aggregates for `purpose`, from facts loaded before.
    pub async fn record_aggregate_read(&self, a: &Actor, purpose: &str) -> PResult<()> {
        self.audit(a, "read_aggregates", "indicator", Some(purpose), None).await
    }

    /// Every episode received on or before `to`, as de-identified facts, with link workers'
    /// caseloads over the 12 months before `today`. Records the read in the audit log first.
    pub async fn observatory_facts(
        &self,
        a: &Actor,
        purpose: &str,
        to: NaiveDate,
        today: NaiveDate,
        judge: OutcomeJudge<'_>,
    ) -> PResult<Facts> {
        self.record_aggregate_read(a, purpose).await?;
        self.load_facts(to, today, judge).await
    }

    /// The facts, read without recording it: every caller records the read first.
    pub(crate) async fn load_facts(&self, to: NaiveDate, today: NaiveDate, judge: OutcomeJudge<'_>) -> PResult<Facts> {
        let as_of = Some(chrono::Utc::now());
        let until = format!("{}T23:59:59.999999Z", to.format("%Y-%m-%d"));
        let year_ago = format_time(
            (today - chrono::Duration::days(365))
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc(),
        );
        on_pool!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let c = &mut *tx;
            let episodes: Vec<EpisodeRow> = sqlx::query_as(
                // The first time each status was reached, one row per episode: reading every event
                // instead took a third of the load at 100k people (rows decoded, not the grouping).
                "SELECT e.id, e.person_id, e.status, e.closure_reason, e.referral, e.source, e.received_at, e.closed_at, e.link_worker_id, p.details, \
                        ev.contacted, ev.assessed, ev.plan_agreed \
                 FROM episode e JOIN person p ON p.id = e.person_id \
                 LEFT JOIN (SELECT episode_id, \
                                   MIN(CASE WHEN to_status = 'contacted' THEN at END) AS contacted, \
                                   MIN(CASE WHEN to_status = 'assessed' THEN at END) AS assessed, \
                                   COALESCE(MIN(CASE WHEN to_status = 'plan_agreed' THEN at END), MIN(CASE WHEN to_status = 'active' THEN at END)) AS plan_agreed \
                            FROM episode_event GROUP BY episode_id) ev ON ev.episode_id = e.id \
                 WHERE e.received_at <= $1 ORDER BY e.received_at",
            )
            .bind(&until)
            .fetch_all(&mut *c)
            .await?;
            let consents: Vec<(String, Option<String>)> =
                sqlx::query_as("SELECT person_id, withdrawn_at FROM consent WHERE purpose = 'evaluation' ORDER BY recorded_at").fetch_all(&mut *c).await?;
            let onward: Vec<OnwardRow> = sqlx::query_as(
                "SELECT r.id, r.episode_id, r.service_id, r.service_name, COALESCE(o.name, r.organization_id), r.status, r.status_reason, r.created_at, \
                        ev.requested, ev.enrolled \
                 FROM onward_referral r LEFT JOIN organization o ON o.id = r.organization_id \
                 LEFT JOIN (SELECT onward_referral_id, MIN(CASE WHEN to_status = 'requested' THEN at END) AS requested, \
                                   CAST(MAX(CASE WHEN to_status IN ('accepted', 'in-progress', 'completed') THEN 1 ELSE 0 END) AS BIGINT) AS enrolled \
                            FROM onward_event GROUP BY onward_referral_id) ev ON ev.onward_referral_id = r.id \
                 WHERE r.status <> 'draft'",
            )
            .fetch_all(&mut *c)
            .await?;
            let attendance: Vec<(String, i64, Option<String>)> = sqlx::query_as(
                "SELECT onward_referral_id, CAST(SUM(CASE WHEN attended THEN 1 ELSE 0 END) AS BIGINT), MIN(CASE WHEN attended THEN session_on END) \
                 FROM attendance GROUP BY onward_referral_id",
            )
            .fetch_all(&mut *c)
            .await?;
            let scores: Vec<ScoreRow> = sqlx::query_as(
                "SELECT s.person_id, q.episode_id, s.instrument_id, i.name, s.score_id, s.value, s.at \
                 FROM score s JOIN questionnaire_response q ON q.id = s.response_id JOIN instrument i ON i.id = s.instrument_id \
                 WHERE q.status = 'completed' ORDER BY s.at",
            )
            .fetch_all(&mut *c)
            .await?;
            let instruments: Vec<(String, String)> = sqlx::query_as("SELECT id, definition FROM instrument").fetch_all(&mut *c).await?;
            let goals: Vec<(String, String)> = sqlx::query_as("SELECT episode_id, progress FROM goal").fetch_all(&mut *c).await?;
            let items: Vec<(String, Option<String>, Option<String>)> =
                sqlx::query_as("SELECT episode_id, service_id, service_name FROM prescription_item").fetch_all(&mut *c).await?;
            // The taxonomy terms of every service, for prescription zones: the directory is far
            // smaller than the caseload, so one read beats one per referral.
            let service_terms: Vec<(String, String)> = sqlx::query_as(
                "SELECT a.link_id, t.code FROM attribute a JOIN taxonomy_term t ON t.id = a.taxonomy_term_id \
                 WHERE a.link_entity = 'service' AND a.link_id IS NOT NULL AND t.code IS NOT NULL",
            )
            .fetch_all(&mut *c)
            .await?;
            // The directory's health: every service that is active (or says nothing), with its places.
            let services: Vec<(String, Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT s.id, s.name, COALESCE(o.name, s.organization_id), s.assured_date FROM service s LEFT JOIN organization o ON o.id = s.organization_id \
                 WHERE s.status IS NULL OR s.status = '' OR LOWER(s.status) = 'active'",
            )
            .fetch_all(&mut *c)
            .await?;
            let capacity: Vec<(String, Option<f64>, Option<f64>)> = sqlx::query_as(
                "SELECT service_id, CAST(SUM(available) AS DOUBLE PRECISION), CAST(SUM(maximum) AS DOUBLE PRECISION) FROM service_capacity \
                 WHERE service_id IS NOT NULL GROUP BY service_id",
            )
            .fetch_all(&mut *c)
            .await?;
            let needs: Vec<(String, String)> = sqlx::query_as("SELECT person_id, need FROM person_need").fetch_all(&mut *c).await?;
            let workers: Vec<(String, String, Option<String>)> = sqlx::query_as("SELECT id, display_name, team FROM app_user").fetch_all(&mut *c).await?;
            let caseloads: Vec<(String, i64)> = sqlx::query_as(
                "SELECT u.display_name, COUNT(DISTINCT e.person_id) FROM episode e JOIN app_user u ON u.id = e.link_worker_id \
                 WHERE e.status <> 'closed' OR e.closed_at >= $1 GROUP BY u.display_name ORDER BY u.display_name",
            )
            .bind(&year_ago)
            .fetch_all(&mut *c)
            .await?;
            // Communities' monitored values (counts of households or people, no one named),
            // the latest written first so that an edit replaces what it edits.
            let monitored: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT place_id, occurred_on, body FROM community_record WHERE kind = 'monitoring' AND occurred_on <= $1 \
                 ORDER BY updated_at DESC, id DESC",
            )
            .bind(to.format("%Y-%m-%d").to_string())
            .fetch_all(&mut *c)
            .await?;
            let places: Vec<(String, String, Option<String>)> = sqlx::query_as("SELECT id, code, parent_id FROM place").fetch_all(&mut *c).await?;
            tx.commit().await?;
            let community_values = community_values(monitored, places);

            let team_of: HashMap<String, String> = workers.iter().filter_map(|(id, _, t)| Some((id.clone(), t.clone()?))).collect();
            let teams: std::collections::BTreeMap<String, String> = workers.iter().filter_map(|(_, n, t)| Some((n.clone(), t.clone()?))).collect();
            let names: HashMap<String, String> = workers.into_iter().map(|(id, n, _)| (id, n)).collect();
            let mut terms: HashMap<String, Vec<String>> = HashMap::new();
            for (service, code) in service_terms {
                terms.entry(service).or_default().push(code);
            }
            let terms_of = |service: Option<&str>| service.and_then(|s| terms.get(s)).cloned().unwrap_or_default();
            let mut consent: HashMap<String, EvaluationConsent> = HashMap::new();
            for (pid, withdrawn) in consents {
                // The latest consent recorded decides.
                consent.insert(pid, if withdrawn.is_some() { EvaluationConsent::Withdrawn } else { EvaluationConsent::Given });
            }
            let attended: HashMap<String, (i64, Option<String>)> = attendance.into_iter().map(|(id, n, f)| (id, (n, f))).collect();
            let defs: HashMap<String, String> = instruments.into_iter().collect();

            let mut out: Vec<EpisodeFact> = Vec::with_capacity(episodes.len());
            let mut index: HashMap<String, usize> = HashMap::new();
            let mut latest_of_person: HashMap<String, usize> = HashMap::new();
            let mut subjects: HashMap<String, u64> = HashMap::new();
            for (id, pid, status, closure, referral, source, received, closed, worker, details, contacted, assessed, plan_agreed) in episodes {
                let Some(received_on) = day(&received) else { continue };
                let d: PersonDetails = serde_json::from_str(&details).unwrap_or_default();
                let r: Option<ReferralDetails> = serde_json::from_str(&referral).ok();
                let next = subjects.len() as u64;
                let subject = *subjects.entry(pid.clone()).or_insert(next);
                out.push(EpisodeFact {
                    subject,
                    received_on,
                    source,
                    needs: r.map(|r| r.reasons).unwrap_or_default(),
                    confirmed_needs: vec![],
                    age: d.age_on(received_on),
                    sex: d.sex.map(|s| serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()),
                    gender: d.gender.clone(),
                    ethnicity: d.ethnicity.clone(),
                    deprivation_decile: d.deprivation_decile,
                    area: d.area.clone(),
                    link_worker: worker.as_ref().and_then(|w| names.get(w).cloned()),
                    team: worker.as_ref().and_then(|w| team_of.get(w).cloned()),
                    status,
                    first_contact_on: contacted.as_deref().and_then(day),
                    assessed_on: assessed.as_deref().and_then(day),
                    plan_agreed_on: plan_agreed.as_deref().and_then(day),
                    closed_on: closed.as_deref().and_then(day),
                    closure_reason: closure,
                    evaluation_consent: Some(consent.get(&pid).copied().unwrap_or(EvaluationConsent::NotRecorded)),
                    onward: vec![],
                    outcomes: vec![],
                    goals: vec![],
                    prescriptions: vec![],
                });
                index.insert(id, out.len() - 1);
                latest_of_person.insert(pid, out.len() - 1);
            }
            for (oid, eid, service_id, service, org, status, reason, created, requested, ever_enrolled) in onward {
                let Some(&i) = index.get(&eid) else { continue };
                let (n, first_att) = attended.get(&oid).cloned().unwrap_or((0, None));
                let Some(sent_on) = requested.as_deref().and_then(day).or_else(|| day(&created)) else { continue };
                out[i].onward.push(OnwardFact {
                    sent_on,
                    organisation: org,
                    service,
                    enrolled: ever_enrolled == Some(1) || matches!(status.as_str(), "accepted" | "in-progress" | "completed"),
                    completed: status == "completed",
                    status,
                    status_reason: reason,
                    sessions_attended: n.max(0) as u32,
                    first_attended_on: first_att.as_deref().and_then(day),
                    terms: terms_of(Some(&service_id)),
                });
            }
            // Outcomes: per episode (or, unattached, the person's latest episode), instrument and
            // score, the first measurement against the latest one after it.
            let mut series: HashMap<(usize, String, String, String), Vec<f64>> = HashMap::new();
            let mut order: Vec<(usize, String, String, String)> = vec![];
            for (pid, eid, ins_id, ins_name, score_id, value, _at) in scores {
                let ep = eid.as_ref().and_then(|e| index.get(e)).or_else(|| latest_of_person.get(&pid)).copied();
                let Some(i) = ep else { continue };
                let k = (i, ins_id, ins_name, score_id);
                if !series.contains_key(&k) {
                    order.push(k.clone());
                }
                series.entry(k).or_default().push(value);
            }
            for k in order {
                let vals = &series[&k];
                if vals.len() < 2 {
                    continue;
                }
                let (i, ins_id, ins_name, score_id) = k;
                let (baseline, follow_up) = (vals[0], vals[vals.len() - 1]);
                let Some(def) = defs.get(&ins_id) else { continue };
                if let Some((improvement, verdict)) = judge(def, &ins_name, &score_id, baseline, follow_up) {
                    out[i].outcomes.push(OutcomeFact { instrument: ins_name, score: score_id, baseline, follow_up, improvement, verdict });
                }
            }
            for (eid, progress) in goals {
                if let Some(&i) = index.get(&eid) {
                    out[i].goals.push(GoalFact { met: progress == "achieved" });
                }
            }
            for (eid, service_id, service) in items {
                if let Some(&i) = index.get(&eid) {
                    out[i].prescriptions.push(PrescriptionFact { service, terms: terms_of(service_id.as_deref()) });
                }
            }
            for (pid, need) in needs {
                if let Some(&i) = latest_of_person.get(&pid) {
                    out[i].confirmed_needs.push(need);
                }
            }
            let places: HashMap<String, (Option<f64>, Option<f64>)> = capacity.into_iter().map(|(id, a, m)| (id, (a, m))).collect();
            let services = services
                .into_iter()
                .map(|(id, name, org, assured)| {
                    let (available, maximum) = places.get(&id).copied().unwrap_or((None, None));
                    ServiceFact {
                        organisation: org.unwrap_or_default(),
                        service: name.unwrap_or_default(),
                        confirmed_on: assured.as_deref().and_then(day),
                        available,
                        maximum,
                        terms: terms_of(Some(&id)),
                    }
                })
                .collect();
            Ok(Facts {
                episodes: out,
                caseloads: caseloads.into_iter().map(|(n, c)| (n, c.max(0) as u64)).collect(),
                teams,
                services,
                community_values,
                as_of,
            })
        })
    }
}

/// One value per place, indicator and month (the latest written: `monitored` comes newest first),
/// with the place's path of codes from the top of the hierarchy down.
fn community_values(monitored: Vec<(String, String, String)>, places: Vec<(String, String, Option<String>)>) -> Vec<CommunityValueFact> {
    use linkwork_domain::coproduction::RecordBody;
    let by_id: HashMap<&str, (&str, Option<&str>)> = places.iter().map(|(id, code, parent)| (id.as_str(), (code.as_str(), parent.as_deref()))).collect();
    let path = |id: &str| {
        let mut out = vec![];
        let mut at = Some(id);
        // The hierarchy is a tree (the import refuses cycles); the bound keeps a broken one finite.
        while let Some(i) = at.filter(|_| out.len() < 64) {
            let Some((code, parent)) = by_id.get(i) else { break };
            out.push(code.to_string());
            at = *parent;
        }
        out.reverse();
        out
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = vec![];
    for (place, occurred, body) in monitored {
        let Ok(RecordBody::Monitoring(m)) = serde_json::from_str::<RecordBody>(&body) else { continue };
        let Some(month) = day(&occurred) else { continue };
        if !seen.insert((place.clone(), m.indicator.clone(), month)) {
            continue;
        }
        out.push(CommunityValueFact {
            indicator: m.indicator,
            path: path(&place),
            month,
            value: u64::from(m.value),
            out_of: m.out_of.map(u64::from),
        });
    }
    out.sort_by(|a, b| (a.month, &a.path, &a.indicator).cmp(&(b.month, &b.path, &b.indicator)));
    out
}
