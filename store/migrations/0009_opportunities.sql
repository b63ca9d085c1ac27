-- 0009_opportunities: the pipeline (S1, S18). Stages with their
-- probability, opportunities with their value in minor units of an ISO
-- 4217 currency (never a float), the contacts of each opportunity, and
-- the opportunity a timeline event, a send, a note or a task is about.

-- The company's pipeline, in position order. outcome says what an
-- opportunity in the stage is: open, won or lost (the store keeps exactly
-- one won and one lost stage, and at least one open one).
CREATE TABLE stages (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
    position    INTEGER NOT NULL CHECK (position >= 0),
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    outcome     TEXT    NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'won', 'lost'))
) STRICT;

INSERT INTO stages (name, position, probability, outcome) VALUES
    ('qualification', 0, 10, 'open'),
    ('needs analysis', 1, 25, 'open'),
    ('proposal', 2, 50, 'open'),
    ('negotiation', 3, 75, 'open'),
    ('won', 4, 100, 'won'),
    ('lost', 5, 0, 'lost');

-- An opportunity (a deal). value_minor is in the currency's minor unit
-- (cents; yen have none). close_date is the expected close, a calendar
-- date 'YYYY-MM-DD', NULL when not known. state follows the outcome of its
-- stage; lost_reason is said when it is lost. The primary contact is the
-- one Smart Mail fills merge variables from (S10); it is also listed in
-- opportunity_contacts. version counts edits, as on contacts.
CREATE TABLE opportunities (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL CHECK (name <> ''),
    value_minor        INTEGER NOT NULL CHECK (value_minor >= 0),
    currency           TEXT    NOT NULL CHECK (length(currency) = 3 AND upper(currency) = currency),
    stage_id           INTEGER NOT NULL REFERENCES stages (id),
    close_date         TEXT    CHECK (close_date IS NULL OR length(close_date) = 10),
    owner_id           INTEGER NOT NULL REFERENCES users (id),
    primary_contact_id INTEGER NOT NULL REFERENCES contacts (id),
    state              TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'won', 'lost')),
    lost_reason        TEXT    NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    -- The close date with none ('~') after every date, so that a column
    -- is ordered soonest first and a cursor is a range of the indexes
    -- below (row values do not compare NULL).
    close_key          TEXT    GENERATED ALWAYS AS (ifnull(close_date, '~')) VIRTUAL
) STRICT;

-- A stage column, all owners or one, is a range of one index in display
-- order (close date, then id); so is every opportunity, or an owner's.
CREATE INDEX opportunities_stage ON opportunities (stage_id, close_key, id);
CREATE INDEX opportunities_owner_stage ON opportunities (owner_id, stage_id, close_key, id);
CREATE INDEX opportunities_close ON opportunities (close_key, id);
CREATE INDEX opportunities_owner_close ON opportunities (owner_id, close_key, id);
CREATE INDEX opportunities_primary ON opportunities (primary_contact_id);

-- The pipeline's totals per stage and currency, all owners or one, are a
-- walk of one index in group order that never reads a row; the close
-- date is checked on its entries.
CREATE INDEX opportunities_totals ON opportunities (stage_id, currency, value_minor, close_key);
CREATE INDEX opportunities_owner_totals ON opportunities (owner_id, stage_id, currency, value_minor, close_key);

-- The contacts of an opportunity, the primary among them.
CREATE TABLE opportunity_contacts (
    opportunity_id INTEGER NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    contact_id     INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (opportunity_id, contact_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX opportunity_contacts_contact ON opportunity_contacts (contact_id, opportunity_id);

-- What an event, a send, a note or a task is about. An event about an
-- opportunity is written on each of its contacts, all with the
-- opportunity's id: the opportunity's own timeline is a range of
-- events_opportunity.
ALTER TABLE events ADD COLUMN opportunity_id INTEGER REFERENCES opportunities (id) ON DELETE SET NULL;
ALTER TABLE messages ADD COLUMN opportunity_id INTEGER REFERENCES opportunities (id) ON DELETE SET NULL;
ALTER TABLE notes ADD COLUMN opportunity_id INTEGER REFERENCES opportunities (id) ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN opportunity_id INTEGER REFERENCES opportunities (id) ON DELETE SET NULL;

CREATE INDEX events_opportunity ON events (opportunity_id, at DESC, id DESC)
    WHERE opportunity_id IS NOT NULL;
CREATE INDEX messages_opportunity ON messages (opportunity_id, id)
    WHERE opportunity_id IS NOT NULL;
CREATE INDEX notes_opportunity ON notes (opportunity_id, id)
    WHERE opportunity_id IS NOT NULL;
CREATE INDEX tasks_opportunity ON tasks (opportunity_id, due_at)
    WHERE opportunity_id IS NOT NULL;
