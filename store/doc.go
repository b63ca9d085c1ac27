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
// Contacts are edited in place with a version: an edit names the version
// it started from and is refused as stale ("changed since you opened it")
// when another has landed since; each changed field is an edited event,
// each S18 status step a status event (contacts_edit.go,
// contacts_status.go). Archive hides a contact and keeps its history;
// Forget erases the person and everything about them in one transaction.
// Notes, logged calls and follow-up tasks live in their own tables and in
// Life of the Lead as note, call and task events; a task tied to a send is
// closed by the reply to it.
//
// Contacts are listed by keyset, never with OFFSET, so a page costs the
// same at row 10 and at row 1,000,000: by name or company on Unicode
// collation keys (name_key, company_key, built in Go for the locale in
// collation_locale; RebuildSortKeys redoes them when ui.locale changes), by
// last activity or creation, each on its own index, with owner, kind and
// status variants (collation.go, contacts_list.go). Search ranks a name
// that starts with the words before another field that does, then matches
// inside words from three letters: contacts_fts (word prefixes) and
// contacts_trigram (in-word, a long word asked by its rarest trigrams and
// checked: search_rare.go) in ranked groups paged by rowid, never an ORDER
// BY rank; EstimateContacts samples for the header's "≈" count. A large
// load into an empty table builds both search indexes beside it, on the
// other core, and copies them in (bulk_fts.go).
// Times are stored as UTC TEXT (see timeLayout) so that string order is
// time order.
package store
