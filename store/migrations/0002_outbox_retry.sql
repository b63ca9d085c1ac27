-- 0002_outbox_retry: the crash-safe outbox.
--
-- retry_at is the backoff after a temporary failure, kept apart from send_at
-- (the earliest time the user allowed: the undo window or a schedule), so
-- that a retry never moves what the user chose and "send now" can skip the
-- backoff without skipping the undo window. NULL when there is none; same
-- TEXT layout as every other time column.
ALTER TABLE messages ADD COLUMN retry_at TEXT;

-- Claiming uses messages_due (status, send_at) from 0001.

-- The provider quota reads the sends of the last day in sent_at order; the
-- archive of sent mail only grows, so it must not be scanned. Not a partial
-- index: without ANALYZE statistics the planner prefers messages_due's
-- "status = ?" to a partial index's range.
CREATE INDEX messages_sent ON messages (status, sent_at);
