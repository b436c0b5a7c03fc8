-- Finding people who may benefit (issue 13 item 7; docs/decisions/0016). A practice (an
-- organisation its referrers belong to) loads its patients with their coded records; the rules
-- give the practice's referrers a worklist with each person's reasons. Patients are kept apart
-- from the pathway's people: none becomes a person, and nothing is shared, until a referrer refers.

-- Each load of a practice's patients (the patients themselves are replaced by the next load).
CREATE TABLE practice_load (
    id TEXT PRIMARY KEY NOT NULL,
    practice_id TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT REFERENCES app_user (id),
    -- fhir or csv
    format TEXT NOT NULL,
    patients BIGINT NOT NULL,
    records BIGINT NOT NULL
);
CREATE INDEX practice_load_practice_idx ON practice_load (practice_id, loaded_at);

-- A practice's patients as its record system knows them, with their coded records (encounters,
-- conditions, observations) as JSON: read only by the rules and by the practice's referrers.
CREATE TABLE practice_patient (
    id TEXT PRIMARY KEY NOT NULL,
    practice_id TEXT NOT NULL,
    load_id TEXT NOT NULL REFERENCES practice_load (id),
    -- The practice's own id for the patient.
    patient_key TEXT NOT NULL,
    nhs_number TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    phone TEXT,
    postcode TEXT,
    records TEXT NOT NULL,
    UNIQUE (practice_id, patient_key)
);

-- Each run of the rules over a practice's patients, with the rules as they were.
CREATE TABLE identification_run (
    id TEXT PRIMARY KEY NOT NULL,
    practice_id TEXT NOT NULL,
    run_at TEXT NOT NULL,
    as_of TEXT NOT NULL,
    run_by TEXT REFERENCES app_user (id),
    load_id TEXT REFERENCES practice_load (id),
    rules TEXT NOT NULL,
    patients BIGINT NOT NULL,
    found BIGINT NOT NULL
);
CREATE INDEX identification_run_practice_idx ON identification_run (practice_id, run_at);

-- Who a run found and why (the reasons as JSON: the rule and its evidence). Names are read from
-- the practice's patients, never copied here.
CREATE TABLE identification_entry (
    id TEXT PRIMARY KEY NOT NULL,
    run_id TEXT NOT NULL REFERENCES identification_run (id),
    practice_id TEXT NOT NULL,
    patient_key TEXT NOT NULL,
    reasons TEXT NOT NULL,
    -- The reasons' rule codes, comma-separated.
    rules TEXT NOT NULL
);
CREATE INDEX identification_entry_run_idx ON identification_entry (run_id);

-- What the practice's referrer decided about a patient found: dismissed (with why, on the rules
-- that found them then) or referred (the episode). Kept across runs and loads by the patient's key.
CREATE TABLE identification_decision (
    practice_id TEXT NOT NULL,
    patient_key TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    rules TEXT NOT NULL,
    entry_id TEXT REFERENCES identification_entry (id),
    episode_id TEXT REFERENCES episode (id) ON DELETE SET NULL,
    decided_by TEXT REFERENCES app_user (id),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (practice_id, patient_key)
);
