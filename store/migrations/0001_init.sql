-- 0001_init: users, contacts (+ FTS5), email templates, the outbox, events.
--
-- Conventions: STRICT tables; every time column is TEXT holding UTC in the
-- layout '2006-01-02 15:04:05.000000000+00:00' (fixed width, so string order
-- is time order), NULL when unset; JSON is TEXT checked with json_valid.

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL DEFAULT '',
    email      TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (email <> ''),
    title      TEXT    NOT NULL DEFAULT '',
    phone      TEXT    NOT NULL DEFAULT '',
    role       TEXT    NOT NULL CHECK (role IN ('administrator', 'company_manager',
                   'marketing_manager', 'sales_manager', 'salesperson', 'jr_salesperson')),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('lead', 'contact')),
    status           TEXT    NOT NULL CHECK (status IN ('open', 'unqualified',
                         'qualified', 'contact', 'contact_with_opportunity')),
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    -- Not unique: imports may bring duplicates; lookups are case-insensitive.
    email            TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
    phone            TEXT    NOT NULL DEFAULT '',
    company          TEXT    NOT NULL DEFAULT '',
    title            TEXT    NOT NULL DEFAULT '',
    city             TEXT    NOT NULL DEFAULT '',
    country          TEXT    NOT NULL DEFAULT '',
    owner_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    custom           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(custom)),
    -- lower(last || ' ' || first), or the email when both are empty;
    -- computed in Go. The listing order is (sort_key, id).
    sort_key         TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    last_activity_at TEXT
) STRICT;

-- Exactly the listing order, so keyset pages are index range scans.
CREATE INDEX contacts_sort ON contacts (sort_key, id);
CREATE INDEX contacts_kind_sort ON contacts (kind, sort_key, id);
CREATE INDEX contacts_owner_sort ON contacts (owner_id, sort_key, id);
CREATE INDEX contacts_email ON contacts (email COLLATE NOCASE);

CREATE VIRTUAL TABLE contacts_fts USING fts5 (
    first_name, last_name, email, company,
    content = 'contacts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, first_name, last_name, email, company)
    VALUES (new.id, new.first_name, new.last_name, new.email, new.company);
END;

CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, first_name, last_name, email, company)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.company);
END;

-- Only the indexed columns: bumping last_activity_at must not touch FTS.
CREATE TRIGGER contacts_fts_update
AFTER UPDATE OF first_name, last_name, email, company ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, first_name, last_name, email, company)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.company);
    INSERT INTO contacts_fts (rowid, first_name, last_name, email, company)
    VALUES (new.id, new.first_name, new.last_name, new.email, new.company);
END;

CREATE TABLE emails (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
    subject    TEXT    NOT NULL CHECK (subject <> ''),
    body       TEXT    NOT NULL DEFAULT '',
    tags       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    smart_mail INTEGER NOT NULL DEFAULT 0 CHECK (smart_mail IN (0, 1)),
    from_name  TEXT    NOT NULL DEFAULT '',
    from_email TEXT    NOT NULL DEFAULT '',
    reply_to   TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

-- The outbox and the archive of what was sent. Contacts with messages cannot
-- be deleted by accident: the archive is evidence of what left.
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    email_id    INTEGER REFERENCES emails (id) ON DELETE SET NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    message_id  TEXT    NOT NULL UNIQUE CHECK (message_id <> ''),
    subject     TEXT    NOT NULL DEFAULT '',
    env_from    TEXT    NOT NULL DEFAULT '',
    recipients  TEXT    NOT NULL CHECK (json_valid(recipients) AND json_array_length(recipients) > 0),
    raw         BLOB    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'scheduled', 'sending',
                    'sent', 'failed', 'uncertain', 'cancelled')),
    send_at     TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    lease_until TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    sent_at     TEXT
) STRICT;

CREATE INDEX messages_due ON messages (status, send_at);
CREATE INDEX messages_contact ON messages (contact_id, id);
CREATE INDEX messages_email ON messages (email_id);
CREATE INDEX messages_user ON messages (user_id);

-- Life of the Lead. Events go with their contact; a message's events keep
-- their text if the message row ever goes.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    at         TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind <> ''),
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    subject    TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX events_timeline ON events (contact_id, at DESC, id DESC);
CREATE INDEX events_message ON events (message_id);
