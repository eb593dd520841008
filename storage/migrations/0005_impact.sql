-- 0005: impact levels, activities, invitations with answers and reminders, schouw checklists, ideas.

-- What coordinators set for invitations: the group's gemeente and its weekly maximum.
CREATE TABLE group_profiles (
    group_id           INTEGER PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    region             TEXT,                  -- gemeente as the coordinator wrote it
    region_key         TEXT,                  -- normalised, for matching
    weekly_invitations INTEGER CHECK (weekly_invitations BETWEEN 0 AND 14),  -- NULL: default
    updated_at         INTEGER NOT NULL
);
CREATE INDEX group_profiles_by_region ON group_profiles (region_key);

-- Every /niveau result: the history of a group's impact level.
CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    assessed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    assessed_at INTEGER NOT NULL,
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    answers     TEXT    NOT NULL,             -- JSON: statement id -> 0 nee, 1 deels, 2 ja
    facts       TEXT    NOT NULL              -- JSON: what the data showed at that moment
);
CREATE INDEX assessments_by_group ON assessments (group_id, assessed_at);

-- Regional activities (group_id NULL, from the association's file) and a group's own ones.
CREATE TABLE activities (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,     -- stable identity: a re-import updates, never duplicates
    group_id     INTEGER REFERENCES groups (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('schouw', 'bijeenkomst', 'resultaten', 'training',
                                                  'werving', 'ideeensessie', 'regionaal')),
    title        TEXT    NOT NULL,
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER,
    location     TEXT    NOT NULL DEFAULT '',
    region       TEXT,
    region_key   TEXT,                        -- '*' : every gemeente
    levels       TEXT    NOT NULL,            -- e.g. '1,2'
    description  TEXT    NOT NULL DEFAULT '',
    url          TEXT,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    cancelled_at INTEGER
);
CREATE INDEX activities_by_start ON activities (starts_at);
CREATE INDEX activities_by_group ON activities (group_id, starts_at);

-- The ledger of invitations: claimed before sending, so one is never sent twice to a group.
CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    regional    INTEGER NOT NULL,             -- counts towards the group's weekly maximum
    claimed_at  INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'claimed' CHECK (state IN ('claimed', 'sent', 'failed')),
    sent_at     INTEGER,
    message_id  TEXT,                         -- the group message whose counts are edited in place
    UNIQUE (activity_id, group_id)
);
CREATE INDEX invitations_by_group_time ON invitations (group_id, claimed_at);

-- Ik kom / Misschien / Nee: one answer per member, which they may change.
CREATE TABLE rsvps (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answer        TEXT    NOT NULL CHECK (answer IN ('ja', 'misschien', 'nee')),
    answered_at   INTEGER NOT NULL,
    PRIMARY KEY (invitation_id, user_id)
);

-- The ledger of reminders (the day before): claimed before sending, at most one per person.
CREATE TABLE reminders_sent (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    claimed_at    INTEGER NOT NULL,
    delivered     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (invitation_id, user_id)
);

-- After a schouw: the checklist offered to the coordinator who planned it, once.
CREATE TABLE schouw_checklists (
    activity_id  INTEGER PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    claimed_at   INTEGER NOT NULL,
    completed_at INTEGER,
    signals      INTEGER NOT NULL DEFAULT 0
);

-- Members' ideas; adopted ones count for impact level 5.
CREATE TABLE ideas (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    proposer_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    text        TEXT    NOT NULL,
    proposed_at INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'voorgesteld'
                CHECK (status IN ('voorgesteld', 'aangenomen', 'afgewezen')),
    decided_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at  INTEGER,
    message_id  TEXT                          -- the group post with the decision buttons
);
CREATE INDEX ideas_by_group ON ideas (group_id, status, decided_at);
