-- Custom SQL migration file, put your code below! --
-- Every server process caches who a token belongs to for a few seconds (issue 13); a change that can revoke
-- or narrow that answer tells every process at commit, so cached identities are dropped at once.
CREATE OR REPLACE FUNCTION devicevault_auth_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('devicevault_auth', '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER auth_tokens_changed AFTER UPDATE OF revoked_at, expires_at, user_id OR DELETE ON auth_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION devicevault_auth_changed();
--> statement-breakpoint
CREATE TRIGGER users_changed AFTER UPDATE OF disabled, role, username OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION devicevault_auth_changed();
--> statement-breakpoint
CREATE TRIGGER user_grants_changed AFTER INSERT OR UPDATE OR DELETE ON user_grants
  FOR EACH STATEMENT EXECUTE FUNCTION devicevault_auth_changed();
