-- The pathway: accounts, people, consent, episodes and their casework, onward referrals to
-- community organisations, follow-ups, messages back to referrers, and the audit trail.
-- Ids are UUID text; times are RFC 3339 UTC text with microseconds (their text order is their
-- time order); documents that are read and written whole are JSON text.

CREATE TABLE app_user (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT,
    roles TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Providers belong to organisations of the directory (not a foreign key: a directory re-import
-- must not remove people's memberships).
CREATE TABLE user_organization (
    user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX user_organization_org_idx ON user_organization (organization_id);

-- API tokens and web sessions: only a SHA-256 of the secret is kept.
CREATE TABLE credential (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    csrf TEXT,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX credential_user_idx ON credential (user_id);

CREATE TABLE sign_in_failure (
    username TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failure_idx ON sign_in_failure (username, at);

CREATE TABLE person (
    id TEXT PRIMARY KEY NOT NULL,
    details TEXT NOT NULL,
    display_name TEXT NOT NULL,
    duplicate_key TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    erased_at TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX person_duplicate_key_idx ON person (duplicate_key);

CREATE TABLE consent (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    organization_id TEXT,
    method TEXT NOT NULL,
    given_by TEXT,
    note TEXT,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by TEXT,
    withdrawal_reason TEXT
);
CREATE INDEX consent_person_idx ON consent (person_id, purpose);

CREATE TABLE episode (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    accepted BOOLEAN NOT NULL DEFAULT FALSE,
    closure_reason TEXT,
    referral TEXT NOT NULL,
    source TEXT NOT NULL,
    urgency TEXT NOT NULL,
    safeguarding BOOLEAN NOT NULL DEFAULT FALSE,
    referred_by TEXT,
    link_worker_id TEXT,
    assessment TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX episode_link_worker_idx ON episode (link_worker_id, status);
CREATE INDEX episode_status_idx ON episode (status, received_at);
CREATE INDEX episode_person_idx ON episode (person_id);
CREATE INDEX episode_referred_by_idx ON episode (referred_by, received_at);

CREATE TABLE episode_event (
    id TEXT PRIMARY KEY NOT NULL,
    episode_id TEXT NOT NULL REFERENCES episode (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    reason TEXT,
    code TEXT
);
CREATE INDEX episode_event_episode_idx ON episode_event (episode_id, at);

CREATE TABLE goal (
    id TEXT PRIMARY KEY NOT NULL,
    episode_id TEXT NOT NULL REFERENCES episode (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    target_date TEXT,
    progress TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX goal_episode_idx ON goal (episode_id);

CREATE TABLE goal_review (
    id TEXT PRIMARY KEY NOT NULL,
    goal_id TEXT NOT NULL REFERENCES goal (id) ON DELETE CASCADE,
    progress TEXT NOT NULL,
    note TEXT,
    at TEXT NOT NULL,
    reviewed_by TEXT
);
CREATE INDEX goal_review_goal_idx ON goal_review (goal_id);

CREATE TABLE prescription_item (
    id TEXT PRIMARY KEY NOT NULL,
    episode_id TEXT NOT NULL REFERENCES episode (id) ON DELETE CASCADE,
    service_id TEXT,
    service_name TEXT,
    activity TEXT,
    note TEXT,
    goal_ids TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT
);
CREATE INDEX prescription_item_episode_idx ON prescription_item (episode_id);

CREATE TABLE case_note (
    id TEXT PRIMARY KEY NOT NULL,
    episode_id TEXT NOT NULL REFERENCES episode (id) ON DELETE CASCADE,
    author_id TEXT,
    at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX case_note_episode_idx ON case_note (episode_id, at);

CREATE TABLE follow_up (
    id TEXT PRIMARY KEY NOT NULL,
    episode_id TEXT NOT NULL REFERENCES episode (id) ON DELETE CASCADE,
    link_worker_id TEXT,
    due_on TEXT NOT NULL,
    purpose TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT,
    done_at TEXT,
    outcome TEXT
);
CREATE INDEX follow_up_worker_idx ON follow_up (link_worker_id, done_at, due_on);
CREATE INDEX follow_up_episode_idx ON follow_up (episode_id);

CREATE TABLE onward_referral (
    id TEXT PRIMARY KEY NOT NULL,
    episode_id TEXT NOT NULL REFERENCES episode (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL,
    service_name TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    message TEXT,
    capacity_warning TEXT,
    created_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX onward_referral_org_idx ON onward_referral (organization_id, updated_at);
CREATE INDEX onward_referral_episode_idx ON onward_referral (episode_id);

CREATE TABLE onward_event (
    id TEXT PRIMARY KEY NOT NULL,
    onward_referral_id TEXT NOT NULL REFERENCES onward_referral (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    side TEXT NOT NULL,
    actor_id TEXT,
    at TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX onward_event_referral_idx ON onward_event (onward_referral_id, at);

CREATE TABLE attendance (
    id TEXT PRIMARY KEY NOT NULL,
    onward_referral_id TEXT NOT NULL REFERENCES onward_referral (id) ON DELETE CASCADE,
    session_on TEXT NOT NULL,
    attended BOOLEAN NOT NULL,
    note TEXT,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL,
    UNIQUE (onward_referral_id, session_on)
);

CREATE TABLE message (
    id TEXT PRIMARY KEY NOT NULL,
    episode_id TEXT NOT NULL REFERENCES episode (id) ON DELETE CASCADE,
    recipient_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    code TEXT,
    code_display TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX message_recipient_idx ON message (recipient_id, created_at);

-- Append-only and hash-chained (see linkwork_domain::pathway::audit). Triggers refuse changes;
-- the chain shows any made around them.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    person_id TEXT,
    reason TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_person_idx ON audit_log (person_id, seq);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
