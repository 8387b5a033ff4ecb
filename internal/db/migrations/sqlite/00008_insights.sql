-- +goose Up
-- Covering indexes for the rankings, recommendations and public
-- indicators, which count applications by submission and decision time,
-- by department, item and applicant. Each holds every column its queries
-- read, so that they are answered from the index alone instead of
-- visiting the (wide) application rows one by one.

-- Submissions in a period: popular items, submission counts, daily counts,
-- distinct applicants.
CREATE INDEX applications_submitted_stats ON applications (submitted_at, department, item_code, channel, state, applicant_number);
-- The same within one department.
CREATE INDEX applications_dept_submitted ON applications (department, submitted_at, item_code, channel, state);
-- Decisions in a period, overall and per department: completion rates,
-- deadlines and the time to decision.
CREATE INDEX applications_decided_stats ON applications (decided_at, department, channel, delivery_method, due_at, submitted_at);
CREATE INDEX applications_dept_decided ON applications (department, decided_at, channel, delivery_method, due_at, submitted_at);
-- One item's applicants ("people who applied for X"), and the order in
-- which applicants took a theme's items.
CREATE INDEX applications_item_applicant ON applications (item_code, submitted_at, applicant_number, state);
-- One applicant's applications (by identity number or credit code): what
-- else they applied for, and their history.
CREATE INDEX applications_number ON applications (applicant_number, submitted_at, item_code, state);

-- +goose Down
DROP INDEX applications_number;
DROP INDEX applications_item_applicant;
DROP INDEX applications_dept_decided;
DROP INDEX applications_decided_stats;
DROP INDEX applications_dept_submitted;
DROP INDEX applications_submitted_stats;
