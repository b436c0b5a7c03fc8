-- Co-production: the community cycle's records (meetings, needs named by the community,
-- vulnerable groups as counts, resources, actions, supervision visits, monitored values), one
-- table for all kinds with the body as JSON checked by the domain (decision 0012), and the
-- submissions made on facilitators' phones, so a form sent twice is kept once.
CREATE TABLE community_record (
    id TEXT PRIMARY KEY NOT NULL,
    place_id TEXT NOT NULL REFERENCES place (id),
    kind TEXT NOT NULL,
    -- The day it happened (YYYY-MM-DD); a monitored value's month's first day.
    occurred_on TEXT NOT NULL,
    -- What its author wrote (JSON, by kind) and what its own operations add (progress, raising
    -- to the level above and the answer, publication to the directory).
    body TEXT NOT NULL,
    managed TEXT NOT NULL,
    -- Kept apart from the JSON to find open and due actions and what was raised to a place.
    action_status TEXT,
    due_on TEXT,
    raised_to TEXT REFERENCES place (id),
    author_id TEXT REFERENCES app_user (id),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX community_record_place_idx ON community_record (place_id, kind, occurred_on);
CREATE INDEX community_record_raised_idx ON community_record (raised_to);

CREATE TABLE community_submission (
    -- The id the phone (or the page) gave the submission.
    submission_id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    record_id TEXT NOT NULL REFERENCES community_record (id) ON DELETE CASCADE,
    -- What was asked (SHA-256 of the operation and its input): the same id with other content
    -- is refused rather than taken as a replay.
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL
);
