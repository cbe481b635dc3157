-- SPEC C15: a message is rendered once — when it is written, edited, or an
-- image it shows arrives — and reads return the stored HTML. html_version
-- names the renderer that made it: rows of an older one are rendered again
-- once after an upgrade. html_avatar is Parley's copy of the sender's
-- avatar once it is here.
ALTER TABLE channel_messages ADD COLUMN html TEXT;
ALTER TABLE channel_messages ADD COLUMN html_avatar TEXT;
ALTER TABLE channel_messages ADD COLUMN html_version BIGINT NOT NULL DEFAULT 0;
