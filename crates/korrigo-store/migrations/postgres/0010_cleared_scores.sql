-- A score a corrector cleared leaves its last version behind, so that versions only grow: a
-- tab still holding a version from before the clearing is refused (409) instead of
-- overwriting the score given again since. The next save of the question removes the row.

CREATE TABLE cleared_scores (
    copy_id BIGINT NOT NULL REFERENCES copies (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (copy_id, question_id)
);
