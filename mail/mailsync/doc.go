// Package mailsync is Mail Sync: it reads the user's IMAP mailbox into the
// store so Life of the Lead tells the whole conversation — mail from
// contacts, mail the rep wrote them outside leadmail, replies to our sends
// (found by Message-ID, from whoever answers), auto-replies and bounces —
// and it resolves uncertain sends and keeps a copy of each send in the
// Sent folder.
//
// A Syncer joins mail and store as mail/outbox does: it declares the small
// Store it needs, which *store.DB satisfies. Run makes one pass (historical
// the first time, incremental after, with a per-address backfill of
// contacts added later); Watch follows INBOX with IDLE while the app runs;
// FetchOriginal reads a message again from the server. Only messages that
// involve a CRM contact or one of our sends are written; nothing else from
// the mailbox reaches the database.
//
// Every batch is committed together with the folder's position, so a
// cancelled or killed sync resumes where it stopped and a rerun, a
// --rescan or a renumbered folder never doubles an event: the store
// dedupes on the Message-ID, or a hash of the headers when there is none.
package mailsync
