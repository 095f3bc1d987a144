-- Each delivery belongs to the stack whose worker recorded it, named by the stack's topic prefix
-- (empty in production). A worker attempts only its own stack's due deliveries: stacks that
-- share a database (tests, a dev stack beside them) never send each other's mail through their
-- own SMTP servers, where one stack's sweep once took another's delayed email.
ALTER TABLE notification_deliveries ADD COLUMN topic_prefix text NOT NULL DEFAULT '';
DROP INDEX notification_deliveries_due_idx;
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (topic_prefix, next_attempt_at)
    WHERE status IN ('queued', 'retrying');
