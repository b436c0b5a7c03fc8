-- Research: administrators approve researchers for named studies, and researchers take
-- de-identified extracts under an approval. The register of extracts keeps who took each, why,
-- for which period, how many episodes and the SHA-256 of what was handed over; the extract
-- itself is never kept.

CREATE TABLE research_approval (
    id TEXT PRIMARY KEY NOT NULL,
    researcher_id TEXT NOT NULL REFERENCES app_user (id),
    study TEXT NOT NULL,
    purpose TEXT NOT NULL,
    -- The last day extracts may be taken (YYYY-MM-DD).
    expires_on TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE INDEX research_approval_researcher_idx ON research_approval (researcher_id, approved_at);

CREATE TABLE research_extract (
    id TEXT PRIMARY KEY NOT NULL,
    approval_id TEXT NOT NULL REFERENCES research_approval (id),
    requested_by TEXT NOT NULL REFERENCES app_user (id),
    reason TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    episodes BIGINT NOT NULL,
    content_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX research_extract_approval_idx ON research_extract (approval_id, created_at);
