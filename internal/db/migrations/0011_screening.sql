-- Screening against the dishonest-debtor list (S-CREDIT-1): the punishment
-- rules per police business, the hits police businesses produce (clues for
-- the listing court), and notifications that need no matter. See
-- internal/screening and docs/screening.md.

-- What a hit and a review do in each police business (自动惩戒). The
-- security administrator changes on_hit / on_review; the rows themselves
-- are the catalogue of businesses the API accepts.
--   block  不予办理: the business system refuses the application
--   flag   提示: the clerk is told and decides
--   report 仅报告: nothing is shown to the applicant; the hit is recorded
CREATE TABLE screen_rules (
    business   TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    on_hit     TEXT NOT NULL CHECK (on_hit IN ('block', 'flag', 'report')),
    on_review  TEXT NOT NULL CHECK (on_review IN ('block', 'flag', 'report')),
    basis      TEXT NOT NULL,
    ord        INTEGER NOT NULL,
    updated_at {{time}},
    updated_by TEXT NOT NULL DEFAULT ''
);
INSERT INTO screen_rules (business, label, on_hit, on_review, basis, ord) VALUES
    ('exit_entry_permit', '出入境证件签发', 'block', 'flag', '限制出境（民事诉讼法第二百六十六条；失信规定第二十二条联合惩戒）', 1),
    ('vehicle_registration', '机动车登记', 'flag', 'report', '限制高消费（限制消费规定第三条：不得购买非经营必需车辆）', 2),
    ('driving_licence', '驾驶证业务', 'report', 'report', '驾驶资格不属惩戒范围，仅报告线索', 3),
    ('household_transfer', '户口迁移', 'flag', 'report', '协助查找被执行人（提示经办民警核实并反馈线索）', 4),
    ('hotel_registration', '旅馆业登记', 'report', 'report', '限制高消费（星级以上宾馆）；旅馆登记作为查找线索', 5),
    ('id_card', '居民身份证办理', 'report', 'report', '证件办理不属惩戒范围，仅报告线索', 6),
    ('public_security_approval', '治安行政许可', 'flag', 'report', '失信被执行人不得担任相关企业负责人（失信规定联合惩戒）', 7),
    ('firearms_explosives', '枪支弹药、民用爆炸物品许可', 'block', 'flag', '高风险许可从严审查（联合惩戒）', 8);

-- Hits and reviews from police businesses: what the listing court needs
-- as a clue (which unit, business, place and time), never the raw query
-- (no name, no identity number). review is the listing court's verdict.
CREATE TABLE screen_hits (
    id          {{id}},
    entry_id    BIGINT NOT NULL,
    band        TEXT NOT NULL CHECK (band IN ('hit', 'review')),
    score       DOUBLE PRECISION NOT NULL,
    tier        TEXT NOT NULL,
    reasons     TEXT NOT NULL,
    action      TEXT NOT NULL,
    business    TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    username    TEXT NOT NULL,
    place       TEXT NOT NULL,
    query_ref   TEXT NOT NULL,
    version     BIGINT NOT NULL,
    court_unit  TEXT NOT NULL,
    case_number TEXT NOT NULL,
    at          {{time}} NOT NULL,
    review      TEXT NOT NULL DEFAULT 'open' CHECK (review IN ('open', 'confirmed', 'false_positive')),
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at {{time}},
    review_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX screen_hits_court ON screen_hits (court_unit, review, id);
CREATE INDEX screen_hits_entry ON screen_hits (entry_id, review, at);

-- Notifications may now be about something other than a matter (a hit on
-- the list goes to the listing court's officers): matter_id becomes
-- optional. Rebuilt rather than altered, since SQLite cannot drop a NOT
-- NULL; rows keep their order (ids are renumbered, nothing refers to them).
CREATE TABLE notifications_new (
    id         {{id}},
    username   TEXT NOT NULL,
    matter_id  BIGINT REFERENCES matters (id),
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    read_at    {{time}}
);
INSERT INTO notifications_new (username, matter_id, kind, text, created_at, read_at)
    SELECT username, matter_id, kind, text, created_at, read_at FROM notifications ORDER BY id;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (username, read_at, id);
