-- Email, text and FHIR rest-hook notifications, through an outbox in the database.

-- Each message to send. It is written in the same transaction as the change it tells of, so a
-- crash loses none; it is sent by the delivery worker, which claims it for a while (lease_until),
-- sends it and marks it sent. What the message says is rendered when it is sent, in the
-- recipient's language, from `payload` (JSON), which holds no more than the message needs.
CREATE TABLE outbox_message (
    id TEXT PRIMARY KEY NOT NULL,
    -- email, text or rest_hook.
    channel TEXT NOT NULL,
    -- message_back, new_referral, digest, reminder or task_notification.
    purpose TEXT NOT NULL,
    -- An email address, a phone number or a subscriber's endpoint.
    address TEXT NOT NULL,
    language TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- Who it is for: a user, a person or a FHIR subscription (the others NULL).
    user_id TEXT REFERENCES app_user (id) ON DELETE CASCADE,
    person_id TEXT REFERENCES person (id) ON DELETE CASCADE,
    subscription_id TEXT,
    -- A scheduled message's key (a digest per user per day, a reminder per appointment): a second
    -- scheduler pass finds it there and queues nothing.
    dedupe_key TEXT UNIQUE,
    -- pending, sending, sent or failed (gave up after the last attempt; an administrator may
    -- send it again).
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_message_due_idx ON outbox_message (status, next_attempt_at);
CREATE INDEX outbox_message_created_idx ON outbox_message (created_at, id);

-- What each user wants to be told, and in which language. A user with no row gets the emails of
-- their roles in English, as long as they have an email address.
CREATE TABLE notification_preference (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    message_back BOOLEAN NOT NULL,
    new_referral BOOLEAN NOT NULL,
    digest BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL
);

-- FHIR rest-hook subscriptions (the R4 Subscriptions Backport, id-only): a system that referred
-- is told, by a POST to its endpoint, which of its Tasks changed.
CREATE TABLE fhir_subscription (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    -- requested, active, error or off.
    status TEXT NOT NULL,
    topic TEXT NOT NULL,
    -- The filter (`Task?requester=…`, `Task?owner=…` or none: all of the client's Tasks).
    filter_criteria TEXT,
    endpoint TEXT NOT NULL,
    -- Headers sent with each notification (JSON list of "Name: value"), such as the subscriber's
    -- own bearer token.
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    events_since_start BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX fhir_subscription_client_idx ON fhir_subscription (client_id, status);
