-- Assistant turns (issue 12): why a reply ended, whether its prompt was edited after it was
-- written, and which user message it answers. `prompt_id` is what a retried send and a regenerate
-- follow, instead of guessing the prompt from the neighbouring rows.
ALTER TABLE messages
  ADD COLUMN finish_reason text,
  ADD COLUMN stale boolean NOT NULL DEFAULT false,
  ADD COLUMN prompt_id uuid;
