-- Coordinator insight: appointed coordinators use members.role; partners, partner codes,
-- weekly-summary settings, the exactly-once summary ledger, and indexes for /trend.

-- Partners (wijkagent, gemeente, handhaving) of a group. Kept apart from `members`: a partner is
-- usually not in the chat, must not count as a member, and only ever sees aggregates.
CREATE TABLE partners (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind IN ('wijkagent', 'gemeente', 'handhaving')),
    added_at INTEGER NOT NULL,
    added_by INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- the coordinator who made the code
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX partners_by_user ON partners (user_id);

-- One-time codes a coordinator hands to a partner. Only a hash of the code is stored.
CREATE TABLE partner_codes (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL CHECK (kind IN ('wijkagent', 'gemeente', 'handhaving')),
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    used_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX partner_codes_by_group ON partner_codes (group_id, expires_at);

-- When a group gets its weekly summary. A group without a row has the defaults:
-- on, Sunday (weekday 6, Monday = 0), 19:00 (minute 1140) wall-clock time in the bot's time zone.
CREATE TABLE summary_settings (
    group_id   INTEGER PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    weekday    INTEGER NOT NULL DEFAULT 6 CHECK (weekday BETWEEN 0 AND 6),
    minute     INTEGER NOT NULL DEFAULT 1140 CHECK (minute BETWEEN 0 AND 1439),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);

-- The sent-ledger: one row per group per ISO week of the scheduled moment ('2026-W47').
-- A run claims the week before sending and marks it sent afterwards; a failed send marks it
-- failed so a later run may retry (a limited number of attempts). A claim left by a process
-- that died (another boot) may be taken over.
CREATE TABLE summaries_sent (
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    week       TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('claimed', 'sent', 'failed')),
    boot       TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    claimed_at INTEGER NOT NULL,
    sent_at    INTEGER,
    message_id TEXT,
    PRIMARY KEY (group_id, week)
) WITHOUT ROWID;

-- /trend and the weekly summary read one group's signals over a period from this index alone.
DROP INDEX signals_by_group_time;
CREATE INDEX signals_by_group_time
    ON signals (group_id, occurred_at, category, subcategory, status, street);

-- "Has this signal had partner feedback?" without reading the events table.
DROP INDEX signal_events_by_signal;
CREATE INDEX signal_events_by_signal ON signal_events (signal_id, kind);

-- Follow-up activity in a week (the summary's "opgevolgd").
CREATE INDEX signal_events_follow_up ON signal_events (at) WHERE kind IN ('feedback', 'status');
