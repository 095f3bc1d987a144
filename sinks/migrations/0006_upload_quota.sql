-- The gateway counts each user's recordings and their bytes against a quota when an upload is
-- created: kept recordings and unfinished, unexpired tus uploads. These indexes serve that count.
CREATE INDEX IF NOT EXISTS interviews_user_recording_idx
    ON interviews (user_id) INCLUDE (size_bytes) WHERE blob_uri IS NOT NULL;
CREATE INDEX IF NOT EXISTS tus_uploads_user_unfinished_idx
    ON tus_uploads (user_id, expires_at) INCLUDE (upload_length, upload_offset) WHERE completed_at IS NULL;
