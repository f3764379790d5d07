-- Who caused each event: the signed-in user (or token) who submitted, cancelled, retried or
-- opened the pull request, "anonymous" when nobody signs in, "homeport" for the job runner.
-- Events written before this migration have no actor (NULL).
ALTER TABLE request_events ADD COLUMN actor TEXT;
