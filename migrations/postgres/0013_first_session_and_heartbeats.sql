-- The first session a community organisation books for someone it has accepted (issue 13 item 6:
-- "a person's reminders of an appointment or a first session"). The day, and the time if known
-- (HH:MM, the organisation's local time), so that the person can be reminded beforehand by the
-- contact method they chose. Empty until booked; cleared if the booking is withdrawn.
ALTER TABLE onward_referral ADD COLUMN first_session_on TEXT;
ALTER TABLE onward_referral ADD COLUMN first_session_time TEXT;

-- A subscription's heartbeat period (the Backport's backport-heartbeat-period, in seconds): a
-- heartbeat notification goes when nothing else was sent to it for that long. The outbox is read
-- by subscription for the last thing sent.
ALTER TABLE fhir_subscription ADD COLUMN heartbeat_seconds BIGINT;
CREATE INDEX outbox_message_subscription_idx ON outbox_message (subscription_id, created_at);
