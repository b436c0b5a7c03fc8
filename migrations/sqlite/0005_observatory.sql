-- The observatory: indicator definitions loaded beside the shipped ones, and a regional
-- observatory's imported packages.

-- A definition once loaded never changes: a changed one is loaded as a new version, and the
-- newest loaded version of an id is the one evaluated; every version stays known, so packages
-- made with it can still be read.
CREATE TABLE indicator_definition (
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    -- The definition as checked, in its canonical JSON.
    definition TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT,
    PRIMARY KEY (id, version)
);

-- A regional observatory's imported packages: programmes' published, already-suppressed
-- indicator results (a FHIR Bundle each), kept as received. A package is identified by its
-- content hash, so importing the same one again adds nothing; a programme's newer package for
-- the same period is kept beside the older and compared in its place.

CREATE TABLE observatory_package (
    id TEXT PRIMARY KEY NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    programme_id TEXT NOT NULL,
    programme_name TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    -- When the programme made it (the Bundle's timestamp).
    published_at TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT,
    bundle TEXT NOT NULL
);
CREATE INDEX observatory_package_period_idx ON observatory_package (period_from, period_to, programme_id, published_at);
