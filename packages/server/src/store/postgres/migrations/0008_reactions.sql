-- Reactions (issue 14): who reacted with which emoji, by emoji in first-use order, as one jsonb
-- array on the message ([{"emoji": "👍", "userIds": ["…", "…"]}]). One column rather than a
-- reactions table: a message is read with its reactions on every page and event, at most
-- limits.reactionsPerMessage groups exist, and a change is one read-modify-write under the row
-- lock (Store.modifyMessage), so racing reactions on several processes never lose one.
ALTER TABLE messages ADD COLUMN reactions jsonb NOT NULL DEFAULT '[]'::jsonb;
