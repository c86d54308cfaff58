-- Threads and quoted replies (issue 14). A reply names its parent (`parent_id`, one level deep);
-- a parent carries its summary (`thread`: replyCount, lastReplyAt, every replier) as jsonb,
-- rewritten under the parent's row lock in the transaction that appends or deletes a reply.
-- `quoted` is the snapshot of a quoted message taken at send time. Old rows read as a main-list
-- message without thread or quote.
ALTER TABLE messages
  ADD COLUMN parent_id uuid,
  ADD COLUMN also_in_conversation boolean NOT NULL DEFAULT false,
  ADD COLUMN thread jsonb,
  ADD COLUMN quoted jsonb;
-- A thread's replies by seq (the replies page, unread counts).
CREATE INDEX messages_thread_replies ON messages (conversation_id, parent_id, conv_seq)
  WHERE parent_id IS NOT NULL;
-- Who takes part in a thread (started it, replied, or marked it read) and how far they read.
CREATE TABLE thread_reads (
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  parent_id uuid NOT NULL,
  user_id uuid NOT NULL,
  read_seq integer NOT NULL,
  PRIMARY KEY (conversation_id, user_id, parent_id)
);
