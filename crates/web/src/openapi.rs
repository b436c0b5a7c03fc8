//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations and the
//! domain's and store's types, served at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::observatory::api as observatory;
use crate::observatory::package;
use crate::{api_v1, measures_api};

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Linkwork pathway API",
        description = "Referrals to link workers, casework, consent, onward referrals to community organisations, screening and outcome measures (FHIR R4 Questionnaires, QuestionnaireResponses and Observations) and the audit trail. Errors are RFC 9457 problem details. Writes to records others may edit take the version read in If-Match."
    ),
    modifiers(&Bearer),
    paths(
        api_v1::sign_in, api_v1::sign_out, api_v1::me, api_v1::list_tokens, api_v1::create_token, api_v1::revoke_token,
        api_v1::list_users, api_v1::create_user, api_v1::update_user, api_v1::needs,
        api_v1::search_people, api_v1::create_person, api_v1::get_person, api_v1::update_person,
        api_v1::list_consents, api_v1::add_consent, api_v1::withdraw_consent, api_v1::export_person, api_v1::erase_person,
        api_v1::create_referral, api_v1::my_referrals, api_v1::self_referral,
        api_v1::list_episodes, api_v1::get_episode, api_v1::transition, api_v1::assign, api_v1::set_assessment,
        api_v1::add_goal, api_v1::review_goal, api_v1::add_prescription_item, api_v1::list_notes, api_v1::add_note,
        api_v1::add_follow_up, api_v1::complete_follow_up, api_v1::due_follow_ups, api_v1::caseload,
        api_v1::create_onward, api_v1::get_onward, api_v1::change_onward, api_v1::record_attendance, api_v1::inbox, api_v1::mark_read,
        api_v1::search_audit, api_v1::verify_audit,
        measures_api::list_instruments, measures_api::load_instrument, measures_api::get_instrument, measures_api::change_instrument,
        measures_api::person_responses, measures_api::create_response, measures_api::import_response,
        measures_api::get_response, measures_api::update_response, measures_api::response_observations,
        measures_api::person_needs, measures_api::decide_need, measures_api::outcomes, measures_api::matches,
        observatory::list_indicators, observatory::get_indicator, observatory::get_measure,
        crate::observatory::catalogue::post_indicator,
        package::get_package, package::post_package, package::list_packages, package::get_region,
        crate::research::api::approve, crate::research::api::revoke, crate::research::api::list_approvals,
        crate::research::api::list_extracts, crate::research::api::create_extract,
        crate::teams::set_team, crate::teams::list_teams,
        crate::notify::api::list_outbox, crate::notify::api::resend, crate::notify::api::get_preferences, crate::notify::api::set_preferences,
        crate::sessions::book,
        crate::coproduction::places::import_places, crate::coproduction::places::list_places, crate::coproduction::places::place_levels,
        crate::coproduction::places::get_place, crate::coproduction::places::assign_place, crate::coproduction::places::unassign_place,
        crate::coproduction::records::community_code_lists, crate::coproduction::records::list_place_records,
        crate::coproduction::records::create_place_record, crate::coproduction::records::get_community_record,
        crate::coproduction::records::update_community_record, crate::coproduction::records::add_action_progress,
        crate::coproduction::records::raise_action, crate::coproduction::records::answer_action, crate::coproduction::records::list_actions,
        crate::coproduction::publish::publish_resource,
        crate::identification::api::load_patients, crate::identification::api::run_rules, crate::identification::api::read_worklist,
        crate::identification::api::dismiss, crate::identification::api::refer,
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
