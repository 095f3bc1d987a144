-- Deletion (GDPR) and retention.
--
-- A deleted interview keeps its row as a marker (deleted_at), scrubbed of what the user wrote:
-- every read treats it as missing, and the sinks must not bring its rows back. Its transcript,
-- metrics, state and analysis are deleted outright. blob_uri stays until the recording's blob
-- is gone, so a failed blob delete is retried by the retention sweeper.
ALTER TABLE interviews ADD COLUMN deleted_at timestamptz;
-- The recording's blob was deleted at the end of its retention period; the analysis stays.
ALTER TABLE interviews ADD COLUMN recording_deleted_at timestamptz;
-- The sweeper's question: recordings still stored, oldest first.
CREATE INDEX interviews_stored_recordings_idx ON interviews (uploaded_at)
    WHERE blob_uri IS NOT NULL AND recording_deleted_at IS NULL;

-- Per-user settings; a missing row (or a null) means the defaults.
CREATE TABLE user_settings (
    user_id        text PRIMARY KEY,
    retention_days integer CHECK (retention_days >= 1),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A worker may still write a deleted interview's rows (a segment recognized while the user
-- deleted it, a replay). The row lock makes the check and the gateway's delete take turns:
-- either the row lands before the delete (which then removes it) or it sees deleted_at and is
-- skipped. Rows of an interview the table does not know yet (a replay) are written as before.
CREATE FUNCTION skip_rows_of_deleted_interviews() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    gone timestamptz;
BEGIN
    SELECT deleted_at INTO gone FROM interviews WHERE interview_id = NEW.interview_id FOR SHARE;
    IF gone IS NOT NULL THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER transcript_segments_of_live_interviews BEFORE INSERT ON transcript_segments
    FOR EACH ROW EXECUTE FUNCTION skip_rows_of_deleted_interviews();
CREATE TRIGGER segment_metrics_of_live_interviews BEFORE INSERT ON segment_metrics
    FOR EACH ROW EXECUTE FUNCTION skip_rows_of_deleted_interviews();
CREATE TRIGGER interview_states_of_live_interviews BEFORE INSERT ON interview_states
    FOR EACH ROW EXECUTE FUNCTION skip_rows_of_deleted_interviews();
CREATE TRIGGER analyses_of_live_interviews BEFORE INSERT ON analyses
    FOR EACH ROW EXECUTE FUNCTION skip_rows_of_deleted_interviews();
