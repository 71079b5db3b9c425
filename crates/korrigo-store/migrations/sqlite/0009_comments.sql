-- The comment bank: reusable comments of an exam, shared (owner NULL, managed by the exam's
-- managers) or personal (a corrector's own, ordered by use). A comment may be tied to a
-- question (a scheme leaf) and carry a point value in quarter points (negative: a penalty).
-- A stamp on a page copies the comment's text: deleting a comment never changes a copy.

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    owner_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    question_id TEXT,
    text TEXT NOT NULL,
    points BIGINT,
    uses BIGINT NOT NULL DEFAULT 0,
    last_used_at BIGINT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX comments_exam_owner_idx ON comments (exam_id, owner_id);
