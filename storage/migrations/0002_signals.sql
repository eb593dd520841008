CREATE TABLE signals (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    reporter_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    category        TEXT    NOT NULL CHECK (category IN ('criminaliteit', 'overlast', 'zorg')),
    subcategory     TEXT,
    urgent          INTEGER NOT NULL DEFAULT 0,
    called_112      INTEGER NOT NULL DEFAULT 0,
    source          TEXT    NOT NULL CHECK (source IN ('guided', 'chat', 'import', 'schouw')),
    status          TEXT    NOT NULL DEFAULT 'open',
    occurred_at     INTEGER NOT NULL,
    reported_at     INTEGER NOT NULL,
    street          TEXT,              -- street level only; stays for aggregates
    confidence      REAL,
    show_name       INTEGER NOT NULL DEFAULT 0,
    chat_message_id TEXT,              -- the group message that carries or triggered it
    -- Personal content below expires after the retention period (or on /vergeet).
    description     TEXT,
    location_text   TEXT,
    lat             REAL,
    lon             REAL,
    photo_ref       TEXT,
    details         TEXT,              -- JSON: extracted entities such as a signalement
    purged_at       INTEGER
);
CREATE INDEX signals_by_group_time ON signals (group_id, occurred_at);
CREATE INDEX signals_by_reporter ON signals (reporter_id);
CREATE INDEX signals_to_purge ON signals (reported_at) WHERE purged_at IS NULL;

-- Append-only history of a signal: creation, status changes, partner feedback, corrections.
CREATE TABLE signal_events (
    id        INTEGER PRIMARY KEY,
    signal_id INTEGER NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    actor_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    data      TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX signal_events_by_signal ON signal_events (signal_id);

-- Only anonymising the actor (ON DELETE SET NULL) may change a row.
CREATE TRIGGER signal_events_no_update BEFORE UPDATE ON signal_events
WHEN NEW.signal_id IS NOT OLD.signal_id OR NEW.at IS NOT OLD.at OR NEW.kind IS NOT OLD.kind
     OR NEW.data IS NOT OLD.data OR NEW.actor_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'signal_events is append-only');
END;
