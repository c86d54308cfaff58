-- Mentions (issue 14): whom a message mentions, on the message (read with it on every page and
-- event) and, for the counts and the `?mentions=me` filter, one row per mentioned person in
-- message_mentions, written in the statement that writes the message. Its key is the read path:
-- a participant's unread mentions are an index range (conversation, user, seq > read marker), and
-- so is a page of the messages that mention them.
ALTER TABLE messages ADD COLUMN mentions uuid[] NOT NULL DEFAULT '{}';

CREATE TABLE message_mentions (
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  seq integer NOT NULL,
  PRIMARY KEY (conversation_id, user_id, seq)
);
