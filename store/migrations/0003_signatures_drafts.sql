-- 0003_signatures_drafts: signatures, archived emails, editable drafts.
--
-- A signature is a user's named Markdown block appended to Smart Mail (S8).
-- Names are unique per user, case-insensitively; at most one default per
-- user (enforced by a partial unique index, kept in Go by unsetting the
-- others in the same transaction).
CREATE TABLE signatures (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL COLLATE NOCASE CHECK (name <> ''),
    body       TEXT    NOT NULL DEFAULT '',
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    UNIQUE (user_id, name)
) STRICT;

CREATE UNIQUE INDEX signatures_default ON signatures (user_id) WHERE is_default = 1;

-- An email referenced by messages is archived instead of deleted, so the
-- sent archive keeps its template; archived emails are hidden from listings.
ALTER TABLE emails ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));

-- The JSON of the outbox draft a message was composed from (Personalize),
-- so a scheduled or cancelled message can be edited before it leaves. NULL
-- for Quick Send.
ALTER TABLE messages ADD COLUMN draft BLOB;
