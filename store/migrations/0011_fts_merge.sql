-- 0011_fts_merge: the search indexes merge their segments in the
-- background (store/ftsmerge.go), not inside the edit that tips a level over.
INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('automerge', 0);
INSERT INTO contacts_trigram (contacts_trigram, rank) VALUES ('automerge', 0);
