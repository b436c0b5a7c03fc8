-- Referrals from and back to health systems over FHIR R4 (Gravity SDOH Clinical Care).

-- Identifiers other systems give a person (an NHS number, a hospital's record number): a
-- referral that names one is matched to the person who holds it.
CREATE TABLE person_identifier (
    system TEXT NOT NULL,
    value TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (system, value)
);
CREATE INDEX person_identifier_person_idx ON person_identifier (person_id);

-- A person recorded from a referral who may be someone already known (same name and birth
-- date, no shared identifier): never merged silently, it waits for a link worker's decision.
CREATE TABLE person_match (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    candidate_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- same_person or different_people, with who decided and when.
    decision TEXT,
    decided_by TEXT REFERENCES app_user (id),
    decided_at TEXT
);
CREATE INDEX person_match_person_idx ON person_match (person_id);

-- The FHIR resources of referrals from health systems: what the system sent (ServiceRequest,
-- Consent, Condition, Observation, QuestionnaireResponse), kept as sent, and the Task Linkwork
-- owns for each referral, whose status follows the episode. Bodies are FHIR JSON; the patient
-- they are about is the person_id column (rendered as Patient/<person id> when read).
CREATE TABLE fhir_resource (
    resource_type TEXT NOT NULL,
    id TEXT NOT NULL,
    version_id BIGINT NOT NULL DEFAULT 1,
    last_updated TEXT NOT NULL,
    body TEXT NOT NULL,
    person_id TEXT REFERENCES person (id) ON DELETE CASCADE,
    episode_id TEXT REFERENCES episode (id) ON DELETE CASCADE,
    -- The account of the system that sent it: only it (and administrators) reads it back.
    client_id TEXT REFERENCES app_user (id),
    -- A Task's status and statusReason (JSON), and the references it is searched by.
    status TEXT,
    status_reason TEXT,
    owner_ref TEXT,
    requester_ref TEXT,
    focus_ref TEXT,
    PRIMARY KEY (resource_type, id)
);
CREATE INDEX fhir_resource_episode_idx ON fhir_resource (episode_id);
CREATE INDEX fhir_resource_client_idx ON fhir_resource (resource_type, client_id, last_updated);
CREATE INDEX fhir_resource_owner_idx ON fhir_resource (resource_type, owner_ref, last_updated);
CREATE INDEX fhir_resource_requester_idx ON fhir_resource (resource_type, requester_ref, last_updated);
CREATE INDEX fhir_resource_focus_idx ON fhir_resource (focus_ref);
