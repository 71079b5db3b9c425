-- The name rows' likelihoods as the recognition model saw them, step by step (JSON, see
-- korrigo_domain::lattice): the matcher scores each student's name against them. Readings
-- made before have none and are matched on the strings read.

ALTER TABLE copy_readings ADD COLUMN last_name_lattice TEXT;
ALTER TABLE copy_readings ADD COLUMN first_name_lattice TEXT;
