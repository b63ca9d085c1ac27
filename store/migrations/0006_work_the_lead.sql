-- 0006_work_the_lead: contacts edited in place, archived and forgotten;
-- notes, logged calls and follow-up tasks; events that carry their data.
--
-- version counts the edits of a contact: an edit names the version it was
-- made on and is refused when the row has moved on since ("changed since
-- you opened it"), so two editors never lose one silently. archived_at
-- hides the contact from listings and keeps its history; NULL when not
-- archived.
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE contacts ADD COLUMN archived_at TEXT;

-- What an event is about, for scripts and screens: a JSON object of
-- strings ({"field": "email", "old": …, "new": …}, {"note_id": "7"}, …),
-- NULL when there is nothing more than subject and detail.
ALTER TABLE events ADD COLUMN data TEXT CHECK (data IS NULL OR json_valid(data));

-- The event kind status_changed is now status.
UPDATE events SET kind = 'status' WHERE kind = 'status_changed';

-- A note on a contact: Markdown text by a user. edited_at is NULL until the
-- first edit.
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT    NOT NULL CHECK (body <> ''),
    created_at TEXT    NOT NULL,
    edited_at  TEXT
) STRICT;

CREATE INDEX notes_contact ON notes (contact_id, id);

-- A logged call: its outcome, how long it lasted and what was said.
CREATE TABLE calls (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('connected', 'voicemail', 'no_answer')),
    duration_s INTEGER NOT NULL DEFAULT 0 CHECK (duration_s >= 0),
    note       TEXT    NOT NULL DEFAULT '',
    at         TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;

CREATE INDEX calls_contact ON calls (contact_id, at);

-- A follow-up task on a contact, owned by a user, due at due_at. done_at is
-- NULL while open; done_by says who closed it ('user', or 'reply' when a
-- reply to message_id closed it by itself). first_due_at is the due time it
-- was created with; snoozes and reschedules count the moves.
CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY,
    contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    owner_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL CHECK (title <> ''),
    due_at       TEXT    NOT NULL,
    first_due_at TEXT    NOT NULL,
    done_at      TEXT,
    done_by      TEXT    CHECK (done_by IN ('user', 'reply')),
    snoozes      INTEGER NOT NULL DEFAULT 0 CHECK (snoozes >= 0),
    reschedules  INTEGER NOT NULL DEFAULT 0 CHECK (reschedules >= 0),
    -- "Remind me if no reply": the send whose reply closes the task.
    message_id   INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL
) STRICT;

-- Overdue, Today and upcoming of one owner are ranges of one index: open
-- tasks have done_at NULL.
CREATE INDEX tasks_owner_due ON tasks (owner_id, done_at, due_at, id);
CREATE INDEX tasks_contact ON tasks (contact_id, due_at);
CREATE INDEX tasks_message ON tasks (message_id) WHERE message_id IS NOT NULL;

-- A reply to a send closes the open tasks waiting on it, whichever code
-- path records the replied event, with a task event on the task's contact.
CREATE TRIGGER tasks_close_on_reply AFTER INSERT ON events
WHEN new.kind = 'replied' AND new.message_id IS NOT NULL BEGIN
    INSERT INTO events (contact_id, at, kind, subject, detail, data)
    SELECT contact_id, new.at, 'task', 'Done: ' || title, 'closed by the reply',
        json_object('task_id', CAST(id AS TEXT), 'action', 'done', 'by', 'reply')
    FROM tasks WHERE message_id = new.message_id AND done_at IS NULL;
    UPDATE tasks SET done_at = new.at, done_by = 'reply'
    WHERE message_id = new.message_id AND done_at IS NULL;
END;
