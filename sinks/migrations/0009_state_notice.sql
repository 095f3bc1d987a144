-- A passing condition of an interview the user should know of, such as "analysis delayed by
-- high demand" while the Claude analyzer waits out a 429/529.
ALTER TABLE interview_states ADD COLUMN notice text;
