//! Who may do what: the role side of authorisation, as one table. The relationship side (a
//! provider only sees referrals to their own organisations, and only while the person's sharing
//! consent stands; a referrer only sees referrals they made) is checked where the data is read,
//! against this table's answer.

use serde::Serialize;

use super::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create, list, disable users; manage organisation membership.
    ManageUsers,
    /// Search and verify the audit log.
    ReadAudit,
    /// Send a referral in to the link worker service.
    CreateReferral,
    /// See the referrals one sent, their status and the messages back.
    ReadOwnReferrals,
    /// Read and search people's records and episodes (identity, needs, plan, notes).
    ReadPeople,
    /// Create and change people's records.
    WritePeople,
    /// Record and withdraw consent.
    ManageConsent,
    /// Move episodes, assess, plan, set goals, write notes, schedule follow-ups.
    WorkEpisodes,
    /// Send and cancel onward referrals to community organisations.
    SendOnwardReferrals,
    /// See the inbox of referrals shared with one's organisations, accept or decline them,
    /// record enrolment and attendance.
    ReceiveOnwardReferrals,
    /// Export a person's whole record (subject access).
    ExportPerson,
    /// Erase or anonymise a person's record on request.
    ErasePerson,
    /// De-identified counts and indicators.
    ReadAggregates,
    /// Load and retire screening and outcome instruments.
    ManageInstruments,
    /// Import other programmes' published observatory packages (a regional observatory).
    ImportPackages,
    /// Load indicator definitions beside the shipped ones.
    ManageIndicators,
    /// Approve researchers for studies, revoke approvals, read the register of extracts.
    ApproveResearch,
    /// Take de-identified extracts under one's own approval (checked where it is kept).
    TakeExtracts,
    /// Import the hierarchy of places and assign facilitators and coordinators to them.
    ManagePlaces,
    /// See the places one is assigned to and those below them (checked where they are read).
    ReadPlaces,
    /// Record the community cycle (meetings, needs, groups, resources, actions, values) for the
    /// places one sees, and answer what is raised to them (checked where they are kept).
    RecordCommunity,
    /// Record supportive supervision visits (coordinators).
    SuperviseCommunity,
    /// Read the outbox of emails, texts and FHIR notifications, see failed deliveries and send
    /// them again (administrators).
    ManageDeliveries,
    /// Load one's practice's patient records, run the rules that find who may benefit and read
    /// the worklist (referrers at a practice; checked against the practice where it is kept).
    IdentifyPatients,
}

impl Action {
    pub const ALL: [Action; 24] = [
        Action::ManageUsers,
        Action::ReadAudit,
        Action::CreateReferral,
        Action::ReadOwnReferrals,
        Action::ReadPeople,
        Action::WritePeople,
        Action::ManageConsent,
        Action::WorkEpisodes,
        Action::SendOnwardReferrals,
        Action::ReceiveOnwardReferrals,
        Action::ExportPerson,
        Action::ErasePerson,
        Action::ReadAggregates,
        Action::ManageInstruments,
        Action::ImportPackages,
        Action::ManageIndicators,
        Action::ApproveResearch,
        Action::TakeExtracts,
        Action::ManagePlaces,
        Action::ReadPlaces,
        Action::RecordCommunity,
        Action::SuperviseCommunity,
        Action::ManageDeliveries,
        Action::IdentifyPatients,
    ];
}

/// Whether a role may take an action at all.
pub fn role_permits(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Admin => matches!(action, ManageUsers | ReadAudit | ExportPerson | ErasePerson | ReadAggregates | ManageInstruments | ImportPackages | ManageIndicators | ApproveResearch | ManagePlaces | ReadPlaces | ManageDeliveries),
        Role::Referrer => matches!(action, CreateReferral | ReadOwnReferrals | IdentifyPatients),
        Role::LinkWorker => matches!(
            action,
            CreateReferral | ReadOwnReferrals | ReadPeople | WritePeople | ManageConsent | WorkEpisodes | SendOnwardReferrals | ReadAggregates
        ),
        Role::Provider => matches!(action, ReceiveOnwardReferrals),
        // A facilitator may refer a person who needs individual help into the pathway, as any
        // referrer may; they never read case records.
        Role::Facilitator => matches!(action, ReadPlaces | RecordCommunity | CreateReferral | ReadOwnReferrals),
        Role::Coordinator => matches!(action, ReadPlaces | RecordCommunity | SuperviseCommunity),
        Role::Analyst => matches!(action, ReadAggregates | ImportPackages),
        Role::Researcher => matches!(action, TakeExtracts),
    }
}

/// Whether a user holding `roles` may take an action.
pub fn permits(roles: &[Role], action: Action) -> bool {
    roles.iter().any(|r| role_permits(*r, action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_but_link_workers_reads_case_records_and_analysts_see_no_people() {
        for r in Role::ALL {
            assert_eq!(role_permits(r, Action::ReadPeople), r == Role::LinkWorker, "{r}");
        }
        for a in Action::ALL {
            assert_eq!(role_permits(Role::Analyst, a), matches!(a, Action::ReadAggregates | Action::ImportPackages), "{a:?}");
            // Facilitators and coordinators keep their places' records, never people's.
            use Action::*;
            assert_eq!(role_permits(Role::Facilitator, a), matches!(a, ReadPlaces | RecordCommunity | CreateReferral | ReadOwnReferrals), "{a:?}");
            assert_eq!(role_permits(Role::Coordinator, a), matches!(a, ReadPlaces | RecordCommunity | SuperviseCommunity), "{a:?}");
        }
        assert!(permits(&[Role::Provider, Role::Admin], Action::ManageUsers));
        // Record-level research data goes to researchers alone, never to analysts or administrators.
        for r in Role::ALL {
            assert_eq!(role_permits(r, Action::TakeExtracts), r == Role::Researcher, "{r}");
        }
        for a in Action::ALL {
            assert_eq!(role_permits(Role::Researcher, a), a == Action::TakeExtracts, "{a:?}");
        }
    }
}
