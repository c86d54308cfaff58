-- Two more file statuses (issue 15 review): `checking`, a direct upload whose completion claimed it
-- (so that of two racing completions one examines the bytes), and `deleting`, a file the sweep
-- claimed (so that no message attaches it while its bytes go).
ALTER TABLE files DROP CONSTRAINT files_status_check;
ALTER TABLE files ADD CONSTRAINT files_status_check
  CHECK (status IN ('pending', 'checking', 'ready', 'deleting'));
