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
    -- below (row values do not compare NULL). A plain column the writer
    -- fills, not a generated one: SQLite reads no index of a table with
    -- generated columns as covering.
    close_key          TEXT    NOT NULL DEFAULT '~' CHECK (close_key = ifnull(close_date, '~'))
) STRICT;

-- A stage column, all owners or one, is a range of one index in display
-- order (close date, then id); so is every opportunity, or an owner's.
-- Every one of these indexes also holds what the totals of a closing
-- range add up (stage, currency, value, owner), so that those are read
-- from the range's entries alone, whichever the planner walks.
CREATE INDEX opportunities_stage ON opportunities (stage_id, close_key, id, currency, value_minor, owner_id);
CREATE INDEX opportunities_owner_stage ON opportunities (owner_id, stage_id, close_key, id, currency, value_minor);
CREATE INDEX opportunities_close ON opportunities (close_key, id, stage_id, currency, value_minor, owner_id);
CREATE INDEX opportunities_owner_close ON opportunities (owner_id, close_key, id, stage_id, currency, value_minor);
CREATE INDEX opportunities_primary ON opportunities (primary_contact_id);

-- The pipeline's totals per stage, owner and currency, kept by the
-- triggers below on every write to opportunities: the header and the
-- columns read a few rows, whatever the number of opportunities (adding
-- up 100,000 values takes some 30 ms). weighted is the sum of each
-- opportunity's value × its stage's probability / 100, rounded half to
-- even one by one; a change of probability rebuilds the table
-- (SetStages).
CREATE TABLE pipeline_totals (
    stage_id INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    currency TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    total    INTEGER NOT NULL,
    weighted INTEGER NOT NULL,
    PRIMARY KEY (stage_id, owner_id, currency)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER opportunities_totals_insert AFTER INSERT ON opportunities BEGIN
    INSERT INTO pipeline_totals (stage_id, owner_id, currency, count, total, weighted)
    SELECT new.stage_id, new.owner_id, new.currency, 1, new.value_minor,
        new.value_minor * s.probability / 100 + CASE
            WHEN (new.value_minor * s.probability) % 100 > 50 THEN 1
            WHEN (new.value_minor * s.probability) % 100 = 50
                 AND (new.value_minor * s.probability / 100) % 2 = 1 THEN 1
            ELSE 0 END
    FROM stages s WHERE s.id = new.stage_id
    ON CONFLICT (stage_id, owner_id, currency) DO UPDATE SET count = count + 1,
        total = total + excluded.total, weighted = weighted + excluded.weighted;
END;

CREATE TRIGGER opportunities_totals_delete AFTER DELETE ON opportunities BEGIN
    UPDATE pipeline_totals SET count = count - 1, total = total - old.value_minor,
        weighted = weighted - (SELECT old.value_minor * s.probability / 100 + CASE
            WHEN (old.value_minor * s.probability) % 100 > 50 THEN 1
            WHEN (old.value_minor * s.probability) % 100 = 50
                 AND (old.value_minor * s.probability / 100) % 2 = 1 THEN 1
            ELSE 0 END FROM stages s WHERE s.id = old.stage_id)
    WHERE stage_id = old.stage_id AND owner_id = old.owner_id AND currency = old.currency;
    DELETE FROM pipeline_totals WHERE stage_id = old.stage_id AND owner_id = old.owner_id
        AND currency = old.currency AND count = 0;
END;

CREATE TRIGGER opportunities_totals_update
AFTER UPDATE OF stage_id, owner_id, currency, value_minor ON opportunities BEGIN
    UPDATE pipeline_totals SET count = count - 1, total = total - old.value_minor,
        weighted = weighted - (SELECT old.value_minor * s.probability / 100 + CASE
            WHEN (old.value_minor * s.probability) % 100 > 50 THEN 1
            WHEN (old.value_minor * s.probability) % 100 = 50
                 AND (old.value_minor * s.probability / 100) % 2 = 1 THEN 1
            ELSE 0 END FROM stages s WHERE s.id = old.stage_id)
    WHERE stage_id = old.stage_id AND owner_id = old.owner_id AND currency = old.currency;
    DELETE FROM pipeline_totals WHERE stage_id = old.stage_id AND owner_id = old.owner_id
        AND currency = old.currency AND count = 0;
    INSERT INTO pipeline_totals (stage_id, owner_id, currency, count, total, weighted)
    SELECT new.stage_id, new.owner_id, new.currency, 1, new.value_minor,
        new.value_minor * s.probability / 100 + CASE
            WHEN (new.value_minor * s.probability) % 100 > 50 THEN 1
            WHEN (new.value_minor * s.probability) % 100 = 50
                 AND (new.value_minor * s.probability / 100) % 2 = 1 THEN 1
            ELSE 0 END
    FROM stages s WHERE s.id = new.stage_id
    ON CONFLICT (stage_id, owner_id, currency) DO UPDATE SET count = count + 1,
        total = total + excluded.total, weighted = weighted + excluded.weighted;
END;

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
