-- SM2 key pairs: one per unit (documents) and one for the node (audit
-- heads, exchange envelopes). Private keys are sealed with the node's SM4
-- key from the key file (internal/keyring), never stored in clear.
CREATE TABLE signing_keys (
    owner          TEXT PRIMARY KEY,
    algorithm      TEXT NOT NULL DEFAULT 'SM2',
    public_pem     TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    private_sealed TEXT NOT NULL,
    created_at     {{time}} NOT NULL
);
