-- +goose Up
-- Indexes for the rankings, recommendations and public indicators, which
-- aggregate applications by applicant, by department and by decision time.

-- One applicant's applications (by identity number or credit code), for
-- "people who applied for X also applied for Y", theme guides and
-- personal history.
CREATE INDEX applications_number ON applications (applicant_number, submitted_at, item_code);
-- A department's submissions in a period: popular items and indicators.
CREATE INDEX applications_dept_submitted ON applications (department, submitted_at);
-- Decisions in a period, overall and per department: indicators.
CREATE INDEX applications_decided ON applications (decided_at);
CREATE INDEX applications_dept_decided ON applications (department, decided_at);

-- +goose Down
DROP INDEX applications_dept_decided;
DROP INDEX applications_decided;
DROP INDEX applications_dept_submitted;
DROP INDEX applications_number;
