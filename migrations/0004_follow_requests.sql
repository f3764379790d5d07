-- Following a request past its pull request (issue 13): merged, closed, deployed, degraded.
-- One row per request whose pull request Homeport has looked at since it opened: what the forge
-- and Argo CD last said, kept apart from app_requests so that the request row stays what the
-- new-app flow wrote.
CREATE TABLE request_follow (
    request_id TEXT PRIMARY KEY NOT NULL REFERENCES app_requests (id) ON DELETE CASCADE,
    -- The ETag of the forge's last answer about the pull request, sent back as If-None-Match
    -- (a 304 costs nothing against GitHub's rate limit).
    pr_etag TEXT,
    -- The commit that brought the change onto the base branch, once merged.
    merge_commit TEXT,
    merged_at TEXT,
    closed_at TEXT,
    -- The Argo CD Application that deploys the app, once Argo CD lists its resources.
    argo_app TEXT,
    -- Argo CD's newest message about the app's resources (why it is degraded).
    argo_message TEXT,
    checked_at TEXT
);
-- Where an event's news came from: "github poll", "gitea webhook", "git", "argocd"... NULL for
-- what Homeport or a user did (the actor says who).
ALTER TABLE request_events ADD COLUMN source TEXT;
