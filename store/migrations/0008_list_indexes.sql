-- 0008_list_indexes: every sort order under every filter pages on an
-- index, at a million contacts.
--
-- A listing shows the contacts that are not archived (or, with --archived,
-- only those), so the list indexes are partial: the live ones hold the
-- rows with archived_at NULL, and a small one per order holds the
-- archived rows. Each order has three live indexes: the order alone, and
-- the order behind owner_id (mine, --owner) and behind status, so that
-- each of those filters is a range of its own index in display order.
-- The filter columns an index does not lead with follow the order's
-- columns, so that another filter (leads, mine and qualified, mine and
-- leads) is checked on the index entries the scan meets, without reading
-- their rows: a page of a filter that keeps one contact in ten reads
-- about 500 entries, some 50 µs. Kind has no index of its own: both
-- kinds are common in a CRM, and each index costs a full pass over the
-- table and a sort at every large import (about 3 s at a million rows).
DROP INDEX contacts_name;
DROP INDEX contacts_kind_name;
DROP INDEX contacts_status_name;
DROP INDEX contacts_owner_name;
DROP INDEX contacts_company;
DROP INDEX contacts_owner_company;
DROP INDEX contacts_activity;
DROP INDEX contacts_owner_activity;
DROP INDEX contacts_created;
DROP INDEX contacts_owner_created;

CREATE INDEX contacts_name ON contacts (name_key, id, kind, status, owner_id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_owner_name ON contacts (owner_id, name_key, id, kind, status)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_status_name ON contacts (status, name_key, id, kind, owner_id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_archived_name ON contacts (name_key, id)
    WHERE archived_at IS NOT NULL;

CREATE INDEX contacts_company ON contacts (company_key, id, kind, status, owner_id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_owner_company ON contacts (owner_id, company_key, id, kind, status)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_status_company ON contacts (status, company_key, id, kind, owner_id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_archived_company ON contacts (company_key, id)
    WHERE archived_at IS NOT NULL;

CREATE INDEX contacts_activity ON contacts (activity_key, id, kind, status, owner_id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_owner_activity ON contacts (owner_id, activity_key, id, kind, status)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_status_activity ON contacts (status, activity_key, id, kind, owner_id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_archived_activity ON contacts (activity_key, id)
    WHERE archived_at IS NOT NULL;

CREATE INDEX contacts_created ON contacts (created_at, id, kind, status, owner_id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_owner_created ON contacts (owner_id, created_at, id, kind, status)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_status_created ON contacts (status, created_at, id, kind, owner_id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_archived_created ON contacts (created_at, id)
    WHERE archived_at IS NOT NULL;

-- Has an overdue task: next_due_at is the due time of the contact's
-- earliest open task (NULL when none is open), kept by the triggers
-- below on every write to tasks, so that "overdue" is next_due_at before
-- now, whatever time it is. The contacts with an open task, usually few
-- next to the table, have an index per order of their own, walked in
-- display order with next_due_at and the filter columns checked on its
-- entries.
ALTER TABLE contacts ADD COLUMN next_due_at TEXT;

UPDATE contacts SET next_due_at = (SELECT min(t.due_at) FROM tasks t
    WHERE t.contact_id = contacts.id AND t.done_at IS NULL)
WHERE id IN (SELECT contact_id FROM tasks WHERE done_at IS NULL);

CREATE TRIGGER tasks_next_due_insert AFTER INSERT ON tasks
WHEN new.done_at IS NULL BEGIN
    UPDATE contacts SET next_due_at = (SELECT min(t.due_at) FROM tasks t
        WHERE t.contact_id = new.contact_id AND t.done_at IS NULL)
    WHERE id = new.contact_id;
END;

CREATE TRIGGER tasks_next_due_update AFTER UPDATE OF contact_id, due_at, done_at ON tasks BEGIN
    UPDATE contacts SET next_due_at = (SELECT min(t.due_at) FROM tasks t
        WHERE t.contact_id = contacts.id AND t.done_at IS NULL)
    WHERE id IN (old.contact_id, new.contact_id);
END;

CREATE TRIGGER tasks_next_due_delete AFTER DELETE ON tasks
WHEN old.done_at IS NULL BEGIN
    UPDATE contacts SET next_due_at = (SELECT min(t.due_at) FROM tasks t
        WHERE t.contact_id = old.contact_id AND t.done_at IS NULL)
    WHERE id = old.contact_id;
END;

CREATE INDEX contacts_due_name ON contacts (name_key, id, next_due_at, kind, status, owner_id)
    WHERE next_due_at IS NOT NULL AND archived_at IS NULL;
CREATE INDEX contacts_due_company ON contacts (company_key, id, next_due_at, kind, status, owner_id)
    WHERE next_due_at IS NOT NULL AND archived_at IS NULL;
CREATE INDEX contacts_due_activity ON contacts (activity_key, id, next_due_at, kind, status, owner_id)
    WHERE next_due_at IS NOT NULL AND archived_at IS NULL;
CREATE INDEX contacts_due_created ON contacts (created_at, id, next_due_at, kind, status, owner_id)
    WHERE next_due_at IS NOT NULL AND archived_at IS NULL;
