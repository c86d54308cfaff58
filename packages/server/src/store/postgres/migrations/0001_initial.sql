-- chatwire's PostgreSQL schema, first version. Unqualified names: the tables land in the schema
-- the connection's search_path selects (the store's `schema` option, or PGOPTIONS).
--
-- Ids are UUIDs (the contracts' `Id`), timestamps timestamptz, counters integer (2^31 messages in
-- one conversation is out of reach). Participants, messages and tokens carry no foreign key to
-- `users`: the Store contract lets a conversation name a participant before, or without, a user
-- row (the lowdb store and the conformance suite rely on it). Everything a conversation owns
-- cascades with it.

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  -- Lower-cased by the service (JavaScript toLowerCase), so lowdb and PostgreSQL agree on it.
  email_key text NOT NULL,
  display_name text NOT NULL,
  -- displayName.toLowerCase(), computed in JavaScript for the same reason; "C" collation so the
  -- order is plain code-point order, as the lowdb store sorts and as keyset cursors need.
  name_key text COLLATE "C" NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT users_email_key_unique UNIQUE (email_key)
);
-- Search walks this index in order and filters by substring: a page costs the rows it skips.
CREATE INDEX users_name_key_id ON users (name_key, id);

CREATE TABLE refresh_tokens (
  -- SHA-256 of the opaque token, hex.
  hash text PRIMARY KEY,
  user_id uuid NOT NULL,
  family_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  spent_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
-- Expired tokens are pruned a batch at a time on login.
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE conversations (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  title text,
  model text,
  system_prompt text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- The two user ids of a direct conversation, sorted and joined: one conversation per pair.
  direct_key text,
  -- Also the seq of the newest message: seqs are 1..message_count, assigned under this row's lock.
  message_count integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
  last_message_id uuid,
  last_activity_at timestamptz NOT NULL,
  CONSTRAINT conversations_direct_key_unique UNIQUE (direct_key)
);

CREATE TABLE participants (
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  -- Insertion order within the conversation: records list participants in the order they joined.
  position integer NOT NULL,
  role text NOT NULL,
  joined_at timestamptz NOT NULL,
  -- Seq of the last message read: unread = conversations.message_count - read_count.
  read_count integer NOT NULL DEFAULT 0 CHECK (read_count >= 0),
  last_read_message_id uuid,
  -- A copy of conversations.last_activity_at, updated on append, so a user's conversation list
  -- is one walk of the index below instead of a sort of all their conversations.
  last_activity_at timestamptz NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX participants_user_activity
  ON participants (user_id, last_activity_at DESC, conversation_id DESC);

CREATE TABLE messages (
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- Position in the conversation, 1-based. Pages and cursors use it, not id order: ids drawn by
  -- two processes can commit out of id order, and an `after=` cursor would skip one.
  conv_seq integer NOT NULL CHECK (conv_seq > 0),
  sender_id uuid,
  role text NOT NULL,
  content text NOT NULL,
  status text NOT NULL,
  client_message_id text,
  model text,
  usage jsonb,
  created_at timestamptz NOT NULL,
  edited_at timestamptz,
  PRIMARY KEY (conversation_id, id),
  CONSTRAINT messages_conversation_seq_unique UNIQUE (conversation_id, conv_seq)
);
-- Idempotent sends, per conversation, on (sender, client id). Messages without a client id never
-- collide; a NULL sender (an assistant reply) is one sender like any other, as in the lowdb
-- store — hence NULLS NOT DISTINCT, which needs PostgreSQL 15.
CREATE UNIQUE INDEX messages_client_id_unique
  ON messages (conversation_id, sender_id, client_message_id) NULLS NOT DISTINCT
  WHERE client_message_id IS NOT NULL;
