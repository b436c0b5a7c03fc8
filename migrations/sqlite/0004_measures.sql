-- Screening and outcome measures: instruments as data (a FHIR Questionnaire with scoring rules),
-- people's answers (QuestionnaireResponses, partial ones kept), their scores (the Observations'
-- values, kept apart for outcomes and indicators), and the needs a positive screen proposes
-- until a link worker confirms or dismisses them.

CREATE TABLE instrument (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The definition as loaded: {"questionnaire": …, "scoring": …}.
    definition TEXT NOT NULL,
    built_in BOOLEAN NOT NULL DEFAULT FALSE,
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT,
    UNIQUE (url, version)
);
CREATE INDEX instrument_name_idx ON instrument (name);

CREATE TABLE questionnaire_response (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    episode_id TEXT REFERENCES episode (id) ON DELETE SET NULL,
    instrument_id TEXT NOT NULL REFERENCES instrument (id),
    -- screening, baseline or follow_up.
    timepoint TEXT NOT NULL,
    -- in-progress or completed (FHIR QuestionnaireResponse status).
    status TEXT NOT NULL,
    answers TEXT NOT NULL,
    authored_at TEXT NOT NULL,
    recorded_by TEXT,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX questionnaire_response_person_idx ON questionnaire_response (person_id, authored_at);
CREATE INDEX questionnaire_response_episode_idx ON questionnaire_response (episode_id);

CREATE TABLE score (
    response_id TEXT NOT NULL REFERENCES questionnaire_response (id) ON DELETE CASCADE,
    score_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    raw DOUBLE PRECISION NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    band TEXT,
    positive BOOLEAN,
    at TEXT NOT NULL,
    PRIMARY KEY (response_id, score_id)
);
CREATE INDEX score_person_idx ON score (person_id, instrument_id, score_id, at);

CREATE TABLE proposed_need (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    response_id TEXT NOT NULL REFERENCES questionnaire_response (id) ON DELETE CASCADE,
    need TEXT NOT NULL,
    sdoh_category TEXT,
    domain TEXT NOT NULL,
    -- proposed, confirmed or dismissed.
    status TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT,
    UNIQUE (response_id, need)
);
CREATE INDEX proposed_need_person_idx ON proposed_need (person_id, status);

-- The needs confirmed on a person's record (from screening or by a link worker directly).
CREATE TABLE person_need (
    person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    need TEXT NOT NULL,
    sdoh_category TEXT,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT,
    PRIMARY KEY (person_id, need)
);
