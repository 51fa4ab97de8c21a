-- Webhook subscriptions to the dishonest-debtor list's change feed
-- (S-CREDIT-1): police business systems keep their own copy of the list
-- current. See internal/feed and docs/credit.md ("The change feed").
--
-- A subscription is a standing grant of the list, full identity numbers
-- included, to an address outside the platform: the security
-- administrator sets it up and removes it (both audited). Removed
-- subscriptions are kept (deleted_at set) so that the delivery log keeps
-- naming what it delivered to.
CREATE TABLE credit_webhooks (
    id                {{id}},
    url               TEXT NOT NULL,
    label             TEXT NOT NULL,
    created_at        {{time}} NOT NULL,
    created_by        TEXT NOT NULL,
    deleted_at        {{time}},
    deleted_by        TEXT NOT NULL DEFAULT '',
    -- The last list version the subscriber acknowledged (a 2xx answer):
    -- delivery resumes after it, in version order.
    delivered_version BIGINT NOT NULL,
    -- Consecutive failed attempts, when the next may be made (backoff),
    -- and what went wrong last.
    failures          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   {{time}},
    last_error        TEXT NOT NULL DEFAULT '',
    last_delivered_at {{time}},
    -- One server at a time delivers to a subscription (so batches arrive
    -- in order): it holds the lease until lease_until.
    lease_owner       TEXT NOT NULL DEFAULT '',
    lease_until       {{time}}
);

-- The delivery log: one row per attempt to post a batch.
CREATE TABLE credit_webhook_deliveries (
    id            {{id}},
    webhook_id    BIGINT NOT NULL REFERENCES credit_webhooks (id),
    first_version BIGINT NOT NULL,
    last_version  BIGINT NOT NULL,
    changes       INTEGER NOT NULL,
    attempt       INTEGER NOT NULL,
    at            {{time}} NOT NULL,
    status        INTEGER NOT NULL, -- the HTTP status; 0 when no answer came
    outcome       TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed')),
    error         TEXT NOT NULL DEFAULT '',
    body_sm3      TEXT NOT NULL,
    elapsed_ms    BIGINT NOT NULL
);
CREATE INDEX credit_webhook_deliveries_hook ON credit_webhook_deliveries (webhook_id, id);
