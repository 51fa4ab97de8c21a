-- System accounts are the police and court systems that call the API with
-- tokens (S-CREDIT-1 screening, later the exchange). They never sign in
-- interactively, and only they may hold API tokens, so that a system
-- administrator cannot mint a token for a person and act as that person.
ALTER TABLE users ADD COLUMN system_account BOOLEAN NOT NULL DEFAULT FALSE;
