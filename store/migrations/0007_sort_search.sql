-- 0007_sort_search: listing in reading order, four sort orders, filters,
-- and in-word search.
--
-- name_key and company_key are Unicode collation keys (golang.org/x/text,
-- built in Go): byte order on them is the order people read names in
-- (Sánchez before Sullivan, Å after Z in Swedish). name_key covers last
-- name then first name, or the email when both are empty. They are filled
-- by the writer on insert and by the contacts_keys_update trigger on
-- edits, through the SQL functions leadmail_name_key(locale, first, last,
-- email) and leadmail_key(locale, text) that the program registers;
-- collation_locale says which locale they were built for ('': not built
-- yet, so the next Open builds them).
CREATE TABLE collation_locale (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    locale TEXT    NOT NULL
) STRICT;
INSERT INTO collation_locale (id, locale) VALUES (1, '');

ALTER TABLE contacts ADD COLUMN name_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE contacts ADD COLUMN company_key BLOB NOT NULL DEFAULT x'';

CREATE TRIGGER contacts_keys_update
AFTER UPDATE OF first_name, last_name, email, company ON contacts BEGIN
    UPDATE contacts SET
        name_key = leadmail_name_key((SELECT locale FROM collation_locale),
            new.first_name, new.last_name, new.email),
        company_key = leadmail_key((SELECT locale FROM collation_locale), new.company)
    WHERE id = new.id;
END;

-- sort_key (lower-case bytes) no longer orders anything.
DROP INDEX contacts_sort;
DROP INDEX contacts_kind_sort;
DROP INDEX contacts_owner_sort;

-- One index per sort order, and one per sort order behind owner_id (mine,
-- --owner): a keyset page is a range scan of the index in display order,
-- either way. Kind and status lead their own indexes for the name order,
-- the default; other filters are checked on the rows the scan meets.
-- activity_key is last_activity_at with NULL (nothing happened yet) as ''
-- so that it sorts first and row values compare; a plain column, so that
-- a cursor is a range of the index (SQLite does not take a row-value range
-- on an expression index).
ALTER TABLE contacts ADD COLUMN activity_key TEXT
    GENERATED ALWAYS AS (ifnull(last_activity_at, '')) VIRTUAL;
CREATE INDEX contacts_name ON contacts (name_key, id);
CREATE INDEX contacts_kind_name ON contacts (kind, name_key, id);
CREATE INDEX contacts_status_name ON contacts (status, name_key, id);
CREATE INDEX contacts_owner_name ON contacts (owner_id, name_key, id);
CREATE INDEX contacts_company ON contacts (company_key, id);
CREATE INDEX contacts_owner_company ON contacts (owner_id, company_key, id);
CREATE INDEX contacts_activity ON contacts (activity_key, id);
CREATE INDEX contacts_owner_activity ON contacts (owner_id, activity_key, id);
CREATE INDEX contacts_created ON contacts (created_at, id);
CREATE INDEX contacts_owner_created ON contacts (owner_id, created_at, id);

-- In-word search: every three letters of names, email and company, case
-- and accents folded ("ller" finds Müller, "gmail" the addresses). The
-- word-prefix index contacts_fts stays for one- and two-letter words and
-- for ranking (a name that starts with the words first).
CREATE VIRTUAL TABLE contacts_trigram USING fts5 (
    first_name, last_name, email, company,
    content = 'contacts', content_rowid = 'id',
    tokenize = 'trigram remove_diacritics 1'
);
INSERT INTO contacts_trigram (contacts_trigram) VALUES ('rebuild');

-- Both search indexes follow contacts through the same three triggers.
DROP TRIGGER contacts_fts_insert;
DROP TRIGGER contacts_fts_delete;
DROP TRIGGER contacts_fts_update;

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, first_name, last_name, email, company)
    VALUES (new.id, new.first_name, new.last_name, new.email, new.company);
    INSERT INTO contacts_trigram (rowid, first_name, last_name, email, company)
    VALUES (new.id, new.first_name, new.last_name, new.email, new.company);
END;

CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, first_name, last_name, email, company)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.company);
    INSERT INTO contacts_trigram (contacts_trigram, rowid, first_name, last_name, email, company)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.company);
END;

CREATE TRIGGER contacts_fts_update
AFTER UPDATE OF first_name, last_name, email, company ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, first_name, last_name, email, company)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.company);
    INSERT INTO contacts_fts (rowid, first_name, last_name, email, company)
    VALUES (new.id, new.first_name, new.last_name, new.email, new.company);
    INSERT INTO contacts_trigram (contacts_trigram, rowid, first_name, last_name, email, company)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.company);
    INSERT INTO contacts_trigram (rowid, first_name, last_name, email, company)
    VALUES (new.id, new.first_name, new.last_name, new.email, new.company);
END;
