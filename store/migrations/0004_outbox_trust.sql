-- 0004_outbox_trust: who may send a message, and who is sending it.
--
-- hold_session is the TUI session whose undo window holds a message: only
-- that session's runner may send it, so a message queued by an app that
-- was quit or killed inside its window never leaves unseen. The next launch
-- shows it ("held: undo window not confirmed") and the user sends or
-- cancels it; `leadmail outbox run` skips it. NULL when anyone may send it.
ALTER TABLE messages ADD COLUMN hold_session TEXT;

-- claimed_by is the runner that holds a message in sending (with
-- lease_until): a successor that can prove that runner dead (its lock file
-- is free) makes the claim uncertain at once instead of after the lease.
ALTER TABLE messages ADD COLUMN claimed_by TEXT;

CREATE INDEX messages_held ON messages (hold_session) WHERE hold_session IS NOT NULL;
