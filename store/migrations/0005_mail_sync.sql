-- 0005_mail_sync: Mail Sync over IMAP (S14): the lead's side of the
-- conversation, replies, auto-replies and bounces of our sends, Sent
-- copies, and where each synced folder stands.
--
-- received holds only messages that involve a CRM contact or lead; nothing
-- else from a mailbox is written. A message is recorded once per user, by
-- its Message-ID (or "sha256:<hex>" of its headers when it has none), so a
-- rescan, a UIDVALIDITY change or a kill -9 mid-sync never doubles it.
-- to_addrs, cc_addrs and refs are JSON arrays of strings; attachments a JSON
-- array of {"name", "type", "size"}. date is the Date header (NULL when
-- missing or unreadable); uid and uidvalidity say where it was last seen, for
-- fetching the original again.
CREATE TABLE received (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id       TEXT    NOT NULL CHECK (message_id <> ''),
    direction        TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    kind             TEXT    NOT NULL CHECK (kind IN ('ordinary', 'auto_reply', 'bounce')),
    from_text        TEXT    NOT NULL DEFAULT '',
    from_addr        TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
    to_addrs         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(to_addrs) AND json_type(to_addrs) = 'array'),
    cc_addrs         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(cc_addrs) AND json_type(cc_addrs) = 'array'),
    subject          TEXT    NOT NULL DEFAULT '',
    date             TEXT,
    in_reply_to      TEXT    NOT NULL DEFAULT '',
    refs             TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(refs) AND json_type(refs) = 'array'),
    -- The leadmail send this message answers (In-Reply-To or References
    -- names its Message-ID); for a bounce, the send that bounced.
    reply_to_message INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    text             TEXT    NOT NULL DEFAULT '',
    truncated        INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
    attachments      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(attachments) AND json_type(attachments) = 'array'),
    notes            TEXT    NOT NULL DEFAULT '',
    auto_reply_until TEXT,
    folder           TEXT    NOT NULL DEFAULT '',
    uid              INTEGER NOT NULL DEFAULT 0 CHECK (uid >= 0),
    uidvalidity      INTEGER NOT NULL DEFAULT 0 CHECK (uidvalidity >= 0),
    created_at       TEXT    NOT NULL,
    UNIQUE (user_id, message_id)
) STRICT;

CREATE INDEX received_from ON received (from_addr COLLATE NOCASE);
-- A send's thread (ThreadOf), oldest first.
CREATE INDEX received_reply ON received (reply_to_message, date, id)
    WHERE reply_to_message IS NOT NULL;

-- The CRM people a received message involves; each got its event. A row
-- here is what makes the backfill of a contact added later idempotent.
CREATE TABLE received_contacts (
    received_id INTEGER NOT NULL REFERENCES received (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (received_id, contact_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX received_contacts_contact ON received_contacts (contact_id);

-- The received message an event shows (email_received, replied, auto_reply,
-- bounced, email_sent_elsewhere); NULL for the outbox's own events.
ALTER TABLE events ADD COLUMN received_id INTEGER REFERENCES received (id) ON DELETE CASCADE;
CREATE INDEX events_received ON events (received_id);

-- The event kind email_replied is now replied.
UPDATE events SET kind = 'replied' WHERE kind = 'email_replied';

-- What the mailbox says about our sends. replied_at: the first reply's
-- date; bounced_at, bounce_status ("5.1.1"), bounce_detail: the first DSN.
ALTER TABLE messages ADD COLUMN replied_at TEXT;
ALTER TABLE messages ADD COLUMN bounced_at TEXT;
ALTER TABLE messages ADD COLUMN bounce_status TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN bounce_detail TEXT NOT NULL DEFAULT '';

-- The copy of a send in the account's Sent folder: '' not decided yet (a
-- new send), 'saved' (we APPENDed it), 'found' (it was there already),
-- 'provider' (the provider files SMTP mail itself), 'never' (save_sent:
-- never, or sent before Mail Sync existed), 'retry' (an APPEND failed; again
-- after sent_copy_retry_at), 'failed' (given up, sent_copy_error says why).
ALTER TABLE messages ADD COLUMN sent_copy TEXT NOT NULL DEFAULT ''
    CHECK (sent_copy IN ('', 'saved', 'found', 'provider', 'never', 'retry', 'failed'));
ALTER TABLE messages ADD COLUMN sent_copy_retry_at TEXT;
ALTER TABLE messages ADD COLUMN sent_copy_error TEXT NOT NULL DEFAULT '';

-- The history of what was sent before is not APPENDed to anyone's Sent.
UPDATE messages SET sent_copy = 'never' WHERE status = 'sent';

-- Sends whose copy is still to be made: few rows, however large the archive.
CREATE INDEX messages_sent_copy ON messages (sent_copy_retry_at, id)
    WHERE status = 'sent' AND sent_copy IN ('', 'retry');

-- Where each synced folder stands, per user: every message up to last_uid
-- under uidvalidity is recorded; uidnext, messages and modseq (HIGHESTMODSEQ,
-- 0 without CONDSTORE) at the last run tell an unchanged folder at once.
-- Written in the transaction of the events its messages produced.
CREATE TABLE sync_folders (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL CHECK (name <> ''),
    uidvalidity INTEGER NOT NULL DEFAULT 0 CHECK (uidvalidity >= 0),
    last_uid    INTEGER NOT NULL DEFAULT 0 CHECK (last_uid >= 0),
    uidnext     INTEGER NOT NULL DEFAULT 0 CHECK (uidnext >= 0),
    messages    INTEGER NOT NULL DEFAULT 0 CHECK (messages >= 0),
    modseq      INTEGER NOT NULL DEFAULT 0 CHECK (modseq >= 0),
    matched     INTEGER NOT NULL DEFAULT 0 CHECK (matched >= 0),
    last_run    TEXT,
    last_error  TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, name)
) STRICT;

-- When the contact's past mail was looked for: NULL means never, so a
-- contact added or imported after the historical sync gets its history on
-- the next sync (a per-address backfill), and so does one whose email
-- changes.
ALTER TABLE contacts ADD COLUMN history_synced_at TEXT;
CREATE INDEX contacts_history_pending ON contacts (id)
    WHERE history_synced_at IS NULL AND email <> '';

CREATE TRIGGER contacts_history_email AFTER UPDATE OF email ON contacts
WHEN new.email <> old.email BEGIN
    UPDATE contacts SET history_synced_at = NULL WHERE id = new.id;
END;

-- Addresses a permanent (5.x.x) bounce said do not exist: Quick Send to
-- them asks first. message_id is the send that bounced.
CREATE TABLE bouncing_addresses (
    address    TEXT    PRIMARY KEY COLLATE NOCASE CHECK (address <> ''),
    at         TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT '',
    diagnostic TEXT    NOT NULL DEFAULT '',
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL
) STRICT;

-- One sync at a time per database (the TUI's and cron's): the holder has
-- it until `until`, and renews it while it works.
CREATE TABLE sync_lease (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    holder TEXT    NOT NULL CHECK (holder <> ''),
    until  TEXT    NOT NULL
) STRICT;
