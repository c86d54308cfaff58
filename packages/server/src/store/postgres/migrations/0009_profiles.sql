-- Profiles (issue 14): a picture and a status line per user; NULL is "none", which is also what
-- every user registered before this reads as.
ALTER TABLE users ADD COLUMN avatar_url text, ADD COLUMN status_text text;
-- A password change revokes every refresh token of its user, whatever the family.
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);
