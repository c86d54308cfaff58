-- A user's conversation list is ordered by conversations.last_activity_at (joined), no longer by a
-- copy of it in participants. Keeping the copy cost every message one row update per member (it is
-- in an index, so never a HOT update): a 1,000-member group wrote 1,000 row versions and index
-- entries per message, capping a big group at a few dozen messages a second. A page of the list
-- now sorts the user's own conversations (one index range on participants.user_id), which stays
-- well under a millisecond for the hundreds a person has.
DROP INDEX participants_user_activity;
ALTER TABLE participants DROP COLUMN last_activity_at;
CREATE INDEX participants_user ON participants (user_id);
