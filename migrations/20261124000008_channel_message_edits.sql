-- SPEC C8: a webhook may edit its messages; the view marks them "edited".
ALTER TABLE channel_messages ADD COLUMN edited_at BIGINT;
