-- App requests: one row per "new app" request, its append-only history and every generation attempt.

CREATE TABLE app_requests (
    id TEXT PRIMARY KEY NOT NULL,
    app_name TEXT NOT NULL,
    engine TEXT NOT NULL CHECK (engine IN ('template', 'ollama')),
    model TEXT,
    status TEXT NOT NULL,
    -- form, api or generate-manifest: where the request came from.
    source TEXT NOT NULL,
    -- The form fields as JSON (AppSpec), so a retry regenerates from exactly what was asked.
    spec_json TEXT NOT NULL,
    feedback TEXT,
    auto_pr INTEGER NOT NULL DEFAULT 0,
    manifest TEXT,
    files_json TEXT,
    findings_json TEXT,
    failure_reason TEXT,
    branch TEXT,
    pr_url TEXT,
    pr_number INTEGER,
    commit_sha TEXT,
    diff TEXT,
    requested_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX app_requests_by_status ON app_requests (status, created_at);
CREATE INDEX app_requests_by_created ON app_requests (created_at);

CREATE TABLE request_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL REFERENCES app_requests (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    -- The request's status after the event.
    status TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX request_events_by_request ON request_events (request_id, id);

CREATE TABLE generation_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL REFERENCES app_requests (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    -- draft, or repair (the problems sent back to the model).
    purpose TEXT NOT NULL,
    engine TEXT NOT NULL,
    model TEXT,
    -- The messages sent, as JSON.
    prompt TEXT NOT NULL,
    raw_output TEXT NOT NULL DEFAULT '',
    error TEXT,
    prompt_tokens INTEGER,
    output_tokens INTEGER,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER
);
CREATE INDEX generation_attempts_by_request ON generation_attempts (request_id, number);
