-- Per-channel settings of the Discord bot. Discord ids are unsigned 64-bit snowflakes,
-- stored bit for bit in SQLite's signed 64-bit INTEGER.
CREATE TABLE IF NOT EXISTS channel_settings (
    channel_id  INTEGER PRIMARY KEY NOT NULL,
    guild_id    INTEGER,
    autosummary INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
