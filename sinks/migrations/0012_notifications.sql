-- Notifications: the user's email setting and address, and the delivery of each notification.
--
-- email_notifications: null means the default (on). email: the address the gateway last saw
-- in the user's token (Firebase's verified `email` claim; a dev address for the dev issuer),
-- recorded when the user is seen; deleting the account deletes the row.
ALTER TABLE user_settings ADD COLUMN email_notifications boolean;
ALTER TABLE user_settings ADD COLUMN email text;
ALTER TABLE user_settings ADD COLUMN email_seen_at timestamptz;
ALTER TABLE user_settings ALTER COLUMN updated_at SET DEFAULT now();

-- One row per notification (its id is deterministic, so a notification read again finds its
-- row and is not emailed twice). status: queued (waiting for its first attempt), retrying (an
-- attempt failed for a passing reason; next_attempt_at says when the next one is due), sent,
-- failed (refused for good), skipped (email notifications off, or no address known).
CREATE TABLE notification_deliveries (
    notification_id text PRIMARY KEY,
    user_id         text        NOT NULL,
    interview_id    text        NOT NULL,
    kind            text        NOT NULL,
    email           text,
    status          text        NOT NULL
        CHECK (status IN ('queued', 'retrying', 'sent', 'failed', 'skipped')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz,
    -- The notification itself, so a retry after a restart needs no topic to read it again.
    notification    jsonb       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at)
    WHERE status IN ('queued', 'retrying');
CREATE INDEX notification_deliveries_user_idx ON notification_deliveries (user_id);
