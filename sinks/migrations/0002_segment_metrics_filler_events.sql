-- SegmentMetrics gained filler_events (each filler with its time) and audio_duration.
ALTER TABLE segment_metrics
    ADD COLUMN IF NOT EXISTS filler_events  jsonb            NOT NULL DEFAULT '[]',
    ADD COLUMN IF NOT EXISTS audio_duration double precision NOT NULL DEFAULT 0;
