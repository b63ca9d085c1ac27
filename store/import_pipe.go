package store

// The import's two cores. The caller's goroutine (fill → add) parses,
// checks, merges duplicates and builds the collation keys of each new
// contact; full batches go to a writer goroutine that inserts them, so
// SQLite works on one core while the next batch is prepared on the other.
// At most one batch is in flight. Anything on the caller's side that
// reads or writes the database, or needs the ids of written contacts,
// waits for it first (importRun.sync), so the transaction is only ever
// used by one goroutine at a time.

// importJob is one batch handed to the writer.
type importJob struct {
	cs      []*Contact
	customs []string
	keys    []rowKeys
	names   map[string]int // NameKey → index in cs of the contacts without email
	err     error
}

// startWriter starts the writer goroutine.
func (r *importRun) startWriter() {
	r.jobs, r.done = make(chan *importJob), make(chan *importJob)
	go func() {
		defer close(r.done)
		for j := range r.jobs {
			j.err = r.ins.insertAt(r.ctx, j.cs, j.customs, j.keys)
			r.done <- j
		}
	}()
}

// stopWriter ends the writer goroutine, after the batch in flight.
func (r *importRun) stopWriter() {
	if r.jobs == nil {
		return
	}
	close(r.jobs)
	for range r.done {
	}
	r.jobs, r.inflight = nil, nil
}

// send hands the batch to the writer and starts a new one; the batch in
// flight before must have been collected.
func (r *importRun) send() {
	j := &importJob{cs: r.batch, customs: r.customs, keys: r.keys, names: r.pendingNames}
	r.batch, r.customs, r.keys = make([]*Contact, 0, importBatch), make([]string, 0, importBatch), make([]rowKeys, 0, importBatch)
	r.pendingNames = map[string]int{}
	clear(r.pending)
	r.inflight = j
	r.jobs <- j
}

// sync waits for the batch in flight, if any, and records what it wrote.
func (r *importRun) sync() error {
	j := r.inflight
	if j == nil {
		return nil
	}
	r.inflight = nil
	<-r.done
	if j.err != nil {
		return j.err
	}
	if r.firstID == 0 {
		r.firstID = j.cs[0].ID
	}
	r.lastID = j.cs[len(j.cs)-1].ID
	r.rep.Created += len(j.cs)
	for key, i := range j.names {
		r.names[key] = j.cs[i].ID
	}
	return nil
}

// inFlight reports whether a contact without email of this NameKey is in
// the batch being written.
func (r *importRun) inFlight(key string) bool {
	if r.inflight == nil {
		return false
	}
	_, ok := r.inflight.names[key]
	return ok
}
