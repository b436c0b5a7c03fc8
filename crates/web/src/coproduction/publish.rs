//! Publishing a community resource to the directory: an HSDS organisation, service and location
//! (with a phone when the resource gives a way to reach it), so link workers and neighbouring
//! villages find it by search. Provenance travels with it as HSDS `metadata` rows (who published
//! it from which place's record, and when) and in the service's description. The rows' ids are
//! derived from the record's, so publishing again rewrites the same entries, never a second copy.

use axum::extract::{Path, State};
use axum::response::Response;
use linkwork_domain::coproduction::cycle::Published;
use linkwork_domain::coproduction::RecordBody;
use linkwork_domain::hsds::{table, Batch, Record};
use linkwork_domain::pathway::access::Action;
use linkwork_domain::Id;
use linkwork_store::pathway::{CommunityRecord, PlaceRecord, Submitted};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

fn row(name: &'static str, fields: &[(&str, String)]) -> Record {
    let mut r = Record::new(table(name).expect("an HSDS table"));
    for (k, v) in fields {
        if !v.is_empty() {
            r.set_raw_owned(k, v.clone());
        }
    }
    r
}

/// The directory rows for a resource of `place`, published by `by` on `today`.
pub fn resource_batch(r: &CommunityRecord, place: &PlaceRecord, by: &str, today: chrono::NaiveDate) -> ApiResult<(Batch, Published)> {
    let RecordBody::Resource(res) = &r.body else {
        return Err(ApiError::conflict("only a resource is published to the directory"));
    };
    let derive = |kind: &str| Id::derived(kind, &format!("community-resource:{}", r.id)).to_string();
    let (org, svc, loc) = (derive("organization"), derive("service"), derive("location"));
    let provenance = format!("Mapped by the community of {} ({}) and published by {by} on {today}.", place.name, place.code);
    let description = if res.description.is_empty() { provenance.clone() } else { format!("{}\n\n{provenance}", res.description) };
    let now = linkwork_domain::hsds::value::format_datetime(chrono::Utc::now());
    let (lat, lon) = match (res.latitude.or(place.latitude), res.longitude.or(place.longitude)) {
        (Some(a), Some(b)) => (a.to_string(), b.to_string()),
        _ => (String::new(), String::new()),
    };
    let mut records = vec![
        row("organization", &[("id", org.clone()), ("name", res.name.clone()), ("description", description.clone())]),
        row("service", &[("id", svc.clone()), ("organization_id", org.clone()), ("name", res.name.clone()), ("description", description), ("status", "active".into()), ("last_modified", now.clone()), ("assured_date", today.to_string())]),
        row("location", &[("id", loc.clone()), ("location_type", "physical".into()), ("organization_id", org.clone()), ("name", place.name.clone()), ("latitude", lat), ("longitude", lon)]),
        row("service_at_location", &[("id", derive("service_at_location")), ("service_id", svc.clone()), ("location_id", loc)]),
    ];
    if !res.contact.trim().is_empty() {
        records.push(row("phone", &[("id", derive("phone")), ("service_id", svc.clone()), ("number", res.contact.trim().to_string())]));
    }
    for (resource_id, resource_type) in [(org.clone(), "organization"), (svc.clone(), "service")] {
        records.push(row(
            "metadata",
            &[
                ("id", Id::derived("metadata", &format!("{resource_id}:published")).to_string()),
                ("resource_id", resource_id),
                ("resource_type", resource_type.into()),
                ("last_action_date", now.clone()),
                ("last_action_type", "create".into()),
                ("field_name", "community_record".into()),
                ("previous_value", String::new()),
                ("replacement_value", format!("{} {}", place.code, r.id)),
                ("updated_by", by.to_string()),
            ],
        ));
    }
    let mut batch = Batch { records, source_ids: vec![] };
    batch.sort_for_writing();
    Ok((batch, Published { organization_id: org, service_id: svc, on: today, by: by.to_string() }))
}

/// Publishes a resource the caller sees: the directory first (same rows each time), then the mark.
pub async fn publish(state: &AppState, caller: &Caller, id: &str) -> ApiResult<Submitted> {
    let a = caller.may(Action::RecordCommunity)?;
    let me = caller.user.id.clone();
    let r = state.store().get_record(Some(&me), id).await?;
    let place = state.store().list_places(Some(&me)).await?.into_iter().find(|p| p.code == r.place_code).ok_or_else(|| ApiError::not_found("community record"))?;
    let (batch, published) = resource_batch(&r, &place, &caller.user.username, crate::api_v1::today())?;
    if r.managed.published.is_none() {
        state.store().write_batch(&batch).await?;
    }
    Ok(state.store().mark_published(&a, Some(&me), id, &published).await?)
}

/// Publishes a community resource to the directory as an HSDS organisation, service and location,
/// with its provenance; publishing again changes nothing.
#[utoipa::path(post, path = "/api/v1/community/records/{id}/publish", tag = "community", params(("id" = String, Path)),
    responses((status = 200, body = CommunityRecord, description = "Published (managed.published says where)"),
        (status = 404, description = "No such record among the caller's places", content_type = "application/problem+json"),
        (status = 409, description = "Not a resource", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn publish_resource(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let id = crate::api_v1::id("id", &id)?;
    let done = publish(&state, &caller, &id).await?;
    Ok(crate::api_v1::with_etag(done.record.version, done.record))
}
