-- Server-wide settings of /settings and each person's choice of auto-briefs in direct
-- messages (PostgreSQL form of ../0002_server_settings.sql: same tables, same columns).
CREATE TABLE IF NOT EXISTS server_settings (
    guild_id   BIGINT PRIMARY KEY NOT NULL,
    settings   TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS user_settings (
    user_id        BIGINT PRIMARY KEY NOT NULL,
    dm_autosummary BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
