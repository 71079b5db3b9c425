-- Grading: scores per (copy, question id) in quarter points, the global appreciation, marks on
-- pages, and each copy's journal (who did what, staff only). Every row carries the version its
-- next write must be based on (a stale write never overwrites).

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

-- Marks on pages: geometry normalized to the page (0..1), validated by the domain before it
-- is stored; a deleted mark is kept (undo, journal) but no longer shown.
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    copy_id BIGINT NOT NULL REFERENCES copies (id) ON DELETE CASCADE,
    page_id BIGINT NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX annotations_copy_idx ON annotations (copy_id, page_id);
