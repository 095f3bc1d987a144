-- Resumable (tus) uploads: what the gateway must remember between PATCH requests, so an
-- upload resumes where it stopped even after the gateway restarts.
CREATE TABLE tus_uploads (
    upload_id     text PRIMARY KEY,
    user_id       text        NOT NULL,
    interview_id  text        NOT NULL,
    -- Null while the client defers the length (creation-defer-length).
    upload_length bigint,
    -- Bytes durably stored: never more than the store holds.
    upload_offset bigint      NOT NULL DEFAULT 0,
    -- Upload-Metadata as sent: key -> base64 value (or null for a key without a value).
    metadata      jsonb       NOT NULL DEFAULT '{}',
    -- Judged from the first bytes at the first PATCH.
    media_format  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    completed_at  timestamptz,
    CHECK (upload_offset >= 0 AND (upload_length IS NULL OR upload_offset <= upload_length))
);
CREATE INDEX tus_uploads_user_idx ON tus_uploads (user_id);
-- The sweeper looks for incomplete uploads past their expiry.
CREATE INDEX tus_uploads_expiry_idx ON tus_uploads (expires_at) WHERE completed_at IS NULL;
