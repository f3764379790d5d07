-- Durable retries of a request's steps (today: opening the pull request) after a transient
-- failure of the Git provider. One row per scheduled retry, kept as the record of the waits; the
-- row without `settled_at` is the pending one, which a restart resumes at `retry_at`.
CREATE TABLE step_retries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL REFERENCES app_requests (id) ON DELETE CASCADE,
    -- open_pr: the only step that talks to the Git provider.
    step TEXT NOT NULL,
    -- The attempt that failed, from 1; the retry is attempt + 1 of max_attempts.
    attempt INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    reason TEXT NOT NULL,
    wait_seconds REAL NOT NULL,
    -- When this run of the step first failed: the time budget counts from here.
    first_failed_at TEXT NOT NULL,
    failed_at TEXT NOT NULL,
    retry_at TEXT NOT NULL,
    settled_at TEXT
);
CREATE INDEX step_retries_by_request ON step_retries (request_id, id);

-- A retry is pending only while its request is opening its pull request: any move out of
-- opening_pr (opened, failed, cancelled) settles it, whoever makes the move.
CREATE TRIGGER step_retries_settle AFTER UPDATE OF status ON app_requests
WHEN NEW.status <> 'opening_pr'
BEGIN
    UPDATE step_retries SET settled_at = NEW.updated_at WHERE request_id = NEW.id AND settled_at IS NULL;
END;
