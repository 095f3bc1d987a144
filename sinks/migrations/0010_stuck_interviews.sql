-- The stuck-interview sweeper (gateway/stuck.py) re-emits interview.uploaded for an interview
-- that has not moved within its bound. It records when, so that it re-emits at most once per
-- bound (a restarted gateway included), and how many times, so that it gives up after
-- IB_STUCK_MAX_REEMITS attempts and leaves a recording that keeps failing to the operators.
ALTER TABLE interviews ADD COLUMN reemitted_at timestamptz;
ALTER TABLE interviews ADD COLUMN reemit_count integer NOT NULL DEFAULT 0;
-- The sweeper's question: interviews not yet past transcription, least recently moved first.
CREATE INDEX interview_states_before_transcribed_idx ON interview_states (updated_at)
    WHERE status IN ('UPLOADED', 'TRANSCRIBING');
