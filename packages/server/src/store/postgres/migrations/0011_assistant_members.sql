-- Assistants in human conversations (issue 14): a direct or group conversation's assistant
-- member, `{"model": alias, "respondTo": "mentions" | "every_message"}`; NULL is "none", which is
-- also what every conversation created before this reads as.
ALTER TABLE conversations ADD COLUMN assistant jsonb;
