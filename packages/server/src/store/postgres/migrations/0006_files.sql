-- Attachments (issue 15): an upload's metadata; its bytes live in the FileStorage under
-- storage_key. A file is its owner's until a message uses it: then conversation_id and message_id
-- are set together, once, in the transaction of that message's append, and expires_at is cleared.
--
-- No foreign key to conversations or messages: deleting a message or a conversation must remove
-- the bytes first (the storage is not transactional) and the records after, so a record outlives
-- its message for a moment by design; a cascade would drop records whose bytes are still there.
CREATE TABLE files (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL,
  name text NOT NULL,
  media_type text NOT NULL,
  -- bigint: a direct upload to a bucket may exceed 2 GiB.
  size bigint NOT NULL CHECK (size >= 0),
  -- Hex SHA-256 of the bytes; '' while pending.
  sha256 text NOT NULL,
  width integer,
  height integer,
  storage_key text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'ready')),
  conversation_id uuid,
  message_id uuid,
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  CONSTRAINT files_attached_whole CHECK ((conversation_id IS NULL) = (message_id IS NULL))
);
-- The quota: the sum of an owner's sizes is an index-only scan of their entries.
CREATE INDEX files_owner ON files (owner_id) INCLUDE (size);
-- What a delete of a message or a conversation removes.
CREATE INDEX files_attached ON files (conversation_id, message_id) WHERE conversation_id IS NOT NULL;
-- The sweep: unattached files, oldest expiry first.
CREATE INDEX files_expiry ON files (expires_at, id) WHERE conversation_id IS NULL;
