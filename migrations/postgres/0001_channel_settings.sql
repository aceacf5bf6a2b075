-- Per-channel settings of the Discord bot (PostgreSQL form of ../0001_channel_settings.sql:
-- same table, same columns; src/store.rs tests keep the two in step). Discord ids are
-- unsigned 64-bit snowflakes, stored bit for bit in BIGINT.
CREATE TABLE IF NOT EXISTS channel_settings (
    channel_id  BIGINT PRIMARY KEY NOT NULL,
    guild_id    BIGINT,
    autosummary BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
