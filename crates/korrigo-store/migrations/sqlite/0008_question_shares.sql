-- Dispatch by questions: each corrector grades some questions (scheme leaves) on every copy of
-- the exam. An exam with shares is dispatched by questions; one without, by copies
-- (copies.corrector_id). A question is done on a copy when its corrector finalized their part;
-- the copy is GRADED when every question is done.

CREATE TABLE question_shares (
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    corrector_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (exam_id, question_id)
);
CREATE INDEX question_shares_corrector_idx ON question_shares (corrector_id, exam_id);

CREATE TABLE questions_done (
    copy_id BIGINT NOT NULL REFERENCES copies (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    done_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    done_at BIGINT NOT NULL,
    PRIMARY KEY (copy_id, question_id)
);
