-- Link workers' teams: a name an administrator gives (e.g. "North locality team"), by which the
-- observatory breaks indicators down and filters them, as leads of a team read them.
ALTER TABLE app_user ADD COLUMN team TEXT;
CREATE INDEX app_user_team_idx ON app_user (team);
