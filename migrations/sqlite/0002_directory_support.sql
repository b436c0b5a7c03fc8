-- Publishers' own ids for rows whose UUIDs Linkwork derived from them.
CREATE TABLE directory_source_id (
    table_name TEXT NOT NULL,
    id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    PRIMARY KEY (table_name, id)
);

-- The change feed the search index follows: one row per changed service, or a NULL service_id
-- meaning "everything changed" after a large import.
CREATE TABLE directory_change (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id TEXT,
    changed_at TEXT NOT NULL
);

-- Imports and their reports, for the admin pages and for audit.
CREATE TABLE directory_import (
    id TEXT PRIMARY KEY NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    summary TEXT NOT NULL
);

CREATE INDEX service_last_modified_idx ON service (last_modified);
CREATE INDEX address_postal_code_idx ON address (postal_code);
CREATE INDEX taxonomy_term_parent_id_idx ON taxonomy_term (parent_id);
