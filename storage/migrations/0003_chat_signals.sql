-- Signals recognised in ordinary group chat.

-- The chat messages that make up a signal: several messages from one sender about the same
-- incident become one signal, and an edited message updates the signal it belongs to.
CREATE TABLE signal_messages (
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    message_id TEXT    NOT NULL,
    signal_id  INTEGER NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    sender_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    sent_at    INTEGER NOT NULL,
    text       TEXT,                          -- erased with the signal's personal content
    PRIMARY KEY (group_id, message_id)
);
CREATE INDEX signal_messages_by_signal ON signal_messages (signal_id);
CREATE INDEX signal_messages_by_sender ON signal_messages (group_id, sender_id, sent_at);

-- Messages the bot was unsure about and asked the sender to label (with buttons).
CREATE TABLE chat_questions (
    id             INTEGER PRIMARY KEY,
    group_id       INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    message_id     TEXT    NOT NULL,          -- the member's message
    question_id    TEXT,                      -- the bot's question, edited once answered
    sender_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,
    text           TEXT    NOT NULL,          -- kept only until answered or expired
    analysis       TEXT    NOT NULL,          -- JSON of the classifier's output
    asked_at       INTEGER NOT NULL,
    UNIQUE (group_id, message_id)
);
CREATE INDEX chat_questions_by_group_time ON chat_questions (group_id, asked_at);

-- Coordinators' corrections of the classifier; `buurtbot train` learns from them.
CREATE TABLE corrections (
    id           INTEGER PRIMARY KEY,
    signal_id    INTEGER REFERENCES signals (id) ON DELETE SET NULL,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    text         TEXT,                        -- erased with the signal's personal content
    predicted    TEXT    NOT NULL,
    category     TEXT    NOT NULL CHECK (category IN ('criminaliteit', 'overlast', 'zorg', 'geen')),
    subcategory  TEXT,
    corrected_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    corrected_at INTEGER NOT NULL
);
CREATE INDEX corrections_by_time ON corrections (corrected_at);
