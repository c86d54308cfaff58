-- Each process keeps a conversation's participant ids in memory, by (conversation id,
-- membership_version): a send then reads one row (is the sender in, at which version) instead of
-- every participant with their read state. Every change to the set of participants bumps the
-- version in its own transaction, so a process that reads a new version in that one-row query
-- refetches the ids, and a removed member is refused at once on every process: no invalidation
-- message is needed. Read markers and messages leave it alone.
ALTER TABLE conversations ADD COLUMN membership_version integer NOT NULL DEFAULT 0;
