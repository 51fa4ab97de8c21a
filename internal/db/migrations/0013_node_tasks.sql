-- One-time tasks a node's code runs on its data at start-up (sealing
-- payloads an earlier version stored in clear): a row once a task is done,
-- so later starts skip it instead of scanning whole tables again.
CREATE TABLE node_tasks (
    name    TEXT PRIMARY KEY,
    done_at {{time}} NOT NULL
);
