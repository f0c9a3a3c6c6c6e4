-- A migration that takes longer than the test's one-second network timeout (MigrationsOnPostgresTest).
SELECT pg_sleep(3);
