-- `/requests?mine=1` and the per-user limit look requests up by who made them.
CREATE INDEX app_requests_by_user ON app_requests (requested_by, created_at);
