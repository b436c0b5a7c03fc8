-- Co-production: the hierarchy of places (province → district → village, or as configured) and
-- the facilitators and coordinators assigned to them, who see those places and the ones below.
CREATE TABLE place (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- The level's depth (0 at the top) and its code, as configured when it was imported.
    depth INTEGER NOT NULL,
    level TEXT NOT NULL,
    parent_id TEXT REFERENCES place (id),
    latitude REAL,
    longitude REAL,
    population BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX place_parent_idx ON place (parent_id);

CREATE TABLE place_assignment (
    user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    place_id TEXT NOT NULL REFERENCES place (id) ON DELETE CASCADE,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (user_id, place_id)
);
CREATE INDEX place_assignment_place_idx ON place_assignment (place_id);
