-- Roles live in the database (S16): a user can be deactivated (they keep
-- owning what they owned, and can no longer start leadmail), and a database
-- that already has users but no administrator makes its first user one, as
-- a new database does.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

UPDATE users SET role = 'administrator'
 WHERE id = (SELECT min(id) FROM users)
   AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'administrator');
