-- An interview can be analysed again (POST /interviews/{id}/reanalyze): each analysis is a run,
-- 0 for the first. The state and the analysis say which run they belong to, so a client
-- waiting on a re-analysis knows the old run's COMPLETED and analysis from the new one's, and
-- an analysis of an earlier run (a replay) never replaces a later one.
ALTER TABLE interview_states ADD COLUMN run integer NOT NULL DEFAULT 0;
ALTER TABLE analyses ADD COLUMN run integer NOT NULL DEFAULT 0;
