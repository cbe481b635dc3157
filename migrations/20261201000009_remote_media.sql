-- SPEC C10: images a sender names (avatars, card images) are fetched once
-- by the server and served from here; pages never hot-link them. One row
-- per URL (id = hash of the URL), base64 like uploads.
CREATE TABLE remote_media (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    status TEXT NOT NULL,               -- pending, ready or failed
    content_type TEXT,
    data TEXT,
    error TEXT,
    created_at BIGINT NOT NULL,
    fetched_at BIGINT
);
CREATE INDEX remote_media_pending ON remote_media (status, created_at);

-- Which messages show which image: re-sent to open views once it is fetched.
CREATE TABLE channel_message_media (
    message_id TEXT NOT NULL,
    media_id TEXT NOT NULL,
    PRIMARY KEY (message_id, media_id)
);
CREATE INDEX channel_message_media_by_media ON channel_message_media (media_id);

-- SPEC C9: a channel webhook may hold a GitHub secret (sealed like the token).
ALTER TABLE channel_webhooks ADD COLUMN github_secret_sealed TEXT;
