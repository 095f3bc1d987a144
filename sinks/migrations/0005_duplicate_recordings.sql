-- A user's second upload of the same file (same SHA-256) is not processed again: the new
-- interview points at the user's first interview with that recording, and the API reads its
-- status, transcript, metrics and analysis from there.
ALTER TABLE interviews ADD COLUMN duplicate_of text;
CREATE INDEX interviews_user_sha256_idx ON interviews (user_id, sha256) WHERE sha256 IS NOT NULL;
