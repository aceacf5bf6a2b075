-- Server-wide settings of /settings (one JSON object per server: mode, domain lists, default
-- length, duplicate window), and each person's own choice of auto-briefs in direct messages.
CREATE TABLE IF NOT EXISTS server_settings (
    guild_id   INTEGER PRIMARY KEY NOT NULL,
    settings   TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS user_settings (
    user_id        INTEGER PRIMARY KEY NOT NULL,
    dm_autosummary INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
