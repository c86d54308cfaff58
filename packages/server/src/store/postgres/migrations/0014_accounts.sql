-- Accounts, roles and pins (issue 14).
-- Pins: two columns of the message, NULL when not pinned (and for every message stored before).
-- The partial index answers a conversation's pins, newest first, and their count (checked against
-- PINS_PER_CONVERSATION under the conversation's row lock) without reading its other messages.
ALTER TABLE messages ADD COLUMN pinned_at timestamptz, ADD COLUMN pinned_by uuid;
CREATE INDEX messages_pinned ON messages (conversation_id, pinned_at DESC, id DESC)
  WHERE pinned_at IS NOT NULL;
-- A deleted account stays as a tombstone (its messages in others' conversations keep a sender);
-- NULL is a live account, which is what every user registered before this reads as.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
-- Roles ('owner', 'admin', 'member') are text already: no change to participants.role.
