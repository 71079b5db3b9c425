-- Job priorities: jobs are claimed highest priority first, then oldest (scan processing and
-- what a user waits for before background reading and maintenance). Jobs queued before this
-- migration keep priority 0 and run after the new ones of higher priority.

ALTER TABLE jobs ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
CREATE INDEX jobs_claim_priority_idx ON jobs (status, priority, run_at);
