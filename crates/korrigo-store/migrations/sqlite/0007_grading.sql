-- Grading: scores per (copy, question id) in quarter points, the global appreciation, and each
-- copy's journal (who did what, staff only). Every row carries the version its next write
-- must be based on (a stale write never overwrites).

CREATE TABLE scores (
    copy_id BIGINT NOT NULL REFERENCES copies (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    points BIGINT NOT NULL CHECK (points >= 0),
    remark TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (copy_id, question_id)
);

CREATE TABLE appreciations (
    copy_id BIGINT PRIMARY KEY REFERENCES copies (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE copy_journal (
    id INTEGER PRIMARY KEY,
    copy_id BIGINT NOT NULL REFERENCES copies (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_username TEXT,
    action TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX copy_journal_copy_idx ON copy_journal (copy_id, at);
