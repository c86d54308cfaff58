-- Messages made of parts (issue 13): text, reasoning, tool calls with their input and output,
-- steps, sources, files — one jsonb array, written with the message (a reply's parts change with
-- its status, in the same statement). `content` stays: the plain-text projection of the parts,
-- for previews, titles and search. A message stored before parts is one text part.
ALTER TABLE messages
  ADD COLUMN parts jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- The tools a reply's client declared, which the model may call in every step of it.
  ADD COLUMN client_tools jsonb;
UPDATE messages SET parts = jsonb_build_array(jsonb_build_object('type', 'text', 'text', content))
  WHERE content <> '';
