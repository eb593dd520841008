-- Times are INTEGER seconds since the epoch (UTC); shown in Europe/Amsterdam by the bot.

CREATE TABLE groups (
    id              INTEGER PRIMARY KEY,
    messenger       TEXT    NOT NULL,
    chat_id         TEXT    NOT NULL,
    title           TEXT    NOT NULL DEFAULT '',
    code            TEXT    NOT NULL UNIQUE,          -- unguessable id used in deep links
    language        TEXT    NOT NULL DEFAULT 'nl',
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    deactivated_at  INTEGER,
    UNIQUE (messenger, chat_id)
);

CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    messenger    TEXT    NOT NULL,
    external_id  TEXT    NOT NULL,
    display_name TEXT    NOT NULL DEFAULT '',
    language     TEXT,
    created_at   INTEGER NOT NULL,
    UNIQUE (messenger, external_id)
);

CREATE TABLE members (
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL DEFAULT 'lid' CHECK (role IN ('lid', 'coordinator', 'partner')),
    joined_at    INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX members_by_user ON members (user_id);

-- One open conversation (e.g. a half-finished /melding) per user per chat.
CREATE TABLE conversations (
    messenger  TEXT    NOT NULL,
    chat_id    TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    flow       TEXT    NOT NULL,
    step       TEXT    NOT NULL,
    token      TEXT    NOT NULL,   -- carried in button data, so buttons of an older conversation are recognised
    data       TEXT    NOT NULL DEFAULT '{}',
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (messenger, chat_id, user_id)
);
CREATE INDEX conversations_by_age ON conversations (updated_at);
