// Package store is leadmail's local database: users, contacts and leads,
// email templates, the outbox of composed messages and each contact's Life of
// the Lead timeline, kept in one SQLite file (modernc.org/sqlite, pure Go).
//
// Open applies the embedded, numbered, forward-only migrations and returns a
// *DB whose methods are the only way in. Every write is one short IMMEDIATE
// transaction; reads go straight to the pool and run beside writers thanks to
// WAL. Driver errors never leak: callers see ErrNotFound, ErrConflict or
// ErrInvalid (test with errors.Is), wrapped with the operation that failed.
//
// The outbox is a state machine over messages (see outbox.go): each
// transition is one guarded UPDATE with its timeline event in one short
// transaction, so a process killed at any instant loses nothing, and a
// message whose sender died mid-send becomes uncertain (RecoverExpired)
// instead of being sent twice silently.
//
// Commits never checkpoint the WAL: a goroutine started by Open does, every
// Options.CheckpointInterval, without waiting for readers or writers unless
// the WAL outgrows 64 MiB; Close stops it. Several processes may share the
// file (checkpoint.go).
//
// Mail Sync writes through RecordSync (received.go): one transaction per
// batch records the mailbox's messages that involve a contact (received,
// linked by received_contacts), their timeline events, bounces of our
// sends, and the folder's UIDVALIDITY and last UID (sync_folders), so the
// state never runs ahead of what was recorded. A permanent bounce flags the
// address (bouncing_addresses) until mail from it arrives (bouncing.go);
// sync_lease keeps two syncs of one database apart (syncstate.go).
//
// Contacts are listed by keyset (sort_key, id), never with OFFSET, so a page
// costs the same at row 10 and at row 1,000,000; search uses an FTS5 index
// with prefix indexes and pages by rowid. Times are stored as UTC TEXT (see
// timeLayout) so that string order is time order.
package store
