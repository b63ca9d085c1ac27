// Package scope is the store as one CRM user may use it: the roles of S16
// applied where the store is entered, so that no screen or command can
// forget a check. The app hands a *Store, never the *store.DB under it, to
// the terminal UI and to every command a user runs; the outbox worker and
// Mail Sync keep the *store.DB, since no user acts there, and what they
// found reaches a user through these reads.
//
// The rules: a Jr. Salesperson sees and works only the contacts they own;
// a Salesperson sees every contact (and, once opportunities exist, only
// their own); Sales Managers, Company Managers and Administrators see
// everything; only Administrators manage users and the pipeline's stages.
// A denied action is a *DeniedError, matching store.ErrDenied, whose
// message is the sentence for the user; nothing changes.
//
// It is a package of its own, not methods on *store.DB, so that the policy
// is one small file a reviewer reads whole and a second backend (PostgreSQL)
// gets it unchanged; the few queries it needs ("whose is this?") are in
// store/scoped.go, next to the SQL they resemble.
package scope

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leadmail/leadmail/store"
)

// DeniedError is an action the user's role does not allow. Its message is
// the whole sentence; errors.Is(err, store.ErrDenied) is true.
type DeniedError struct{ Sentence string }

func (e *DeniedError) Error() string { return e.Sentence }

// Unwrap makes errors.Is(err, store.ErrDenied) true.
func (e *DeniedError) Unwrap() error { return store.ErrDenied }

func denied(format string, args ...any) error {
	return &DeniedError{Sentence: fmt.Sprintf(format, args...)}
}

// Store is the store as user u may use it.
type Store struct {
	db *store.DB
	u  store.User
	// unknown, when set, is the refusal of a store that cannot tell whom
	// it acts for (see Unidentified).
	unknown *DeniedError
}

// For returns the store as u may use it. A user without a known role, or
// one an administrator deactivated, is refused everything.
func For(db *store.DB, u store.User) *Store { return &Store{db: db, u: u} }

// Unidentified is the store of someone leadmail cannot tell apart from
// the database's other users: every read and write is refused with
// sentence, which says how to name yourself, except listing the users,
// which is how they find their own address.
func Unidentified(db *store.DB, sentence string) *Store {
	return &Store{db: db, unknown: &DeniedError{Sentence: sentence}}
}

// Identified is nil when the store knows whom it acts for, and otherwise
// the refusal every action gets, for a command (the terminal UI) to give
// before it starts.
func (s *Store) Identified() error {
	if s.unknown != nil {
		return s.unknown
	}
	return nil
}

// User is whom the store acts for.
func (s *Store) User() store.User { return s.u }

// ReadOnly reports whether the database under the store is read-only.
func (s *Store) ReadOnly() bool { return s.db.ReadOnly() }

// RoleName is a role as a sentence says it ("a Jr. Salesperson").
func RoleName(r store.Role) string {
	switch r {
	case store.RoleAdministrator:
		return "an Administrator"
	case store.RoleCompanyManager:
		return "a Company Manager"
	case store.RoleMarketingManager:
		return "a Marketing Manager"
	case store.RoleSalesManager:
		return "a Sales Manager"
	case store.RoleSalesperson:
		return "a Salesperson"
	case store.RoleJrSalesperson:
		return "a Jr. Salesperson"
	}
	return "someone without a role"
}

// check refuses everything to a user who cannot act at all.
func (s *Store) check() error {
	switch {
	case s.unknown != nil:
		return s.unknown
	case !s.u.Role.Valid():
		return denied("leadmail does not know who you are: set user.email in the configuration to a user of this database")
	case s.u.ID != 0 && !s.u.Active:
		return denied("%s was deactivated by an administrator and can no longer work in this database", s.u.Email)
	}
	return nil
}

// ownOnly reports whether the user sees only the contacts they own.
func (s *Store) ownOnly() bool { return s.u.Role == store.RoleJrSalesperson }

// notYours is the refusal of a contact a Jr. Salesperson does not own.
func notYours(id int64) error {
	return denied("contact %d is not yours: a Jr. Salesperson sees and works only the leads and contacts assigned to them", id)
}

// contact refuses contact id unless the user may see and work it.
func (s *Store) contact(ctx context.Context, id int64) error {
	if err := s.check(); err != nil {
		return err
	}
	if !s.ownOnly() {
		return nil
	}
	owner, err := s.db.ContactOwner(ctx, id)
	if err != nil {
		return err
	}
	if owner != s.u.ID {
		return notYours(id)
	}
	return nil
}

// seen refuses a contact already read unless the user may see it.
func (s *Store) seen(c store.Contact) error {
	if err := s.check(); err != nil {
		return err
	}
	if s.ownOnly() && c.OwnerID != s.u.ID {
		return notYours(c.ID)
	}
	return nil
}

// admin refuses unless the user is an administrator; what is the action
// ("change roles").
func (s *Store) admin(what string) error {
	if err := s.check(); err != nil {
		return err
	}
	if s.u.Role != store.RoleAdministrator {
		return denied("only an administrator can %s (you are %s)", what, RoleName(s.u.Role))
	}
	if s.u.ID == 0 {
		return denied("only an administrator can %s: set user.email in the configuration to say which user you are", what)
	}
	return nil
}

// ownerFilter narrows f to the user's own contacts; ok is false when f
// asks for another owner's, which a Jr. Salesperson never sees.
func (s *Store) ownerFilter(f store.ContactFilter) (store.ContactFilter, bool) {
	if !s.ownOnly() {
		return f, true
	}
	if f.OwnerID != 0 && f.OwnerID != s.u.ID {
		return f, false
	}
	f.OwnerID = s.u.ID
	return f, true
}

// ListContacts is a page of the contacts the user may see; for a Jr.
// Salesperson the owner is part of the same query, so paging stays on an
// index.
func (s *Store) ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error) {
	if err := s.check(); err != nil {
		return store.ContactPage{}, err
	}
	f, ok := s.ownerFilter(req.Filter)
	if !ok {
		return store.ContactPage{}, nil
	}
	req.Filter = f
	return s.db.ListContacts(ctx, req)
}

// EstimateContacts counts the contacts of f the user may see.
func (s *Store) EstimateContacts(ctx context.Context, f store.ContactFilter) (store.Count, error) {
	if err := s.check(); err != nil {
		return store.Count{}, err
	}
	f, ok := s.ownerFilter(f)
	if !ok {
		return store.Count{Exact: true}, nil
	}
	return s.db.EstimateContacts(ctx, f)
}

// CountContacts counts exactly the contacts of f the user may see.
func (s *Store) CountContacts(ctx context.Context, f store.ContactFilter) (int, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	f, ok := s.ownerFilter(f)
	if !ok {
		return 0, nil
	}
	return s.db.CountContacts(ctx, f)
}

// GetContact returns contact id if the user may see it.
func (s *Store) GetContact(ctx context.Context, id int64) (store.Contact, error) {
	if err := s.check(); err != nil {
		return store.Contact{}, err
	}
	c, err := s.db.GetContact(ctx, id)
	if err != nil {
		return store.Contact{}, err
	}
	if err := s.seen(c); err != nil {
		return store.Contact{}, err
	}
	return c, nil
}

// ContactByEmail returns the contact with this email if the user may see
// it.
func (s *Store) ContactByEmail(ctx context.Context, email string) (store.Contact, error) {
	if err := s.check(); err != nil {
		return store.Contact{}, err
	}
	c, err := s.db.ContactByEmail(ctx, email)
	if err != nil {
		return store.Contact{}, err
	}
	if s.ownOnly() && c.OwnerID != s.u.ID {
		return store.Contact{}, denied("%s is not yours: a Jr. Salesperson sees and works only the leads and contacts assigned to them", email)
	}
	return c, nil
}

// keepsOwner refuses a Jr. Salesperson giving a contact to someone else,
// after which they could no longer see it.
func (s *Store) keepsOwner(owner int64) error {
	if s.ownOnly() && owner != s.u.ID {
		return denied("a Jr. Salesperson keeps the contacts they work: ask a Sales Manager to assign it to someone else")
	}
	return nil
}

// CreateContactWith adds c; a Jr. Salesperson's new contact is theirs.
func (s *Store) CreateContactWith(ctx context.Context, c *store.Contact, opts store.ContactOptions) error {
	if err := s.check(); err != nil {
		return err
	}
	if s.ownOnly() && c.OwnerID == 0 {
		c.OwnerID = s.u.ID
	}
	if err := s.keepsOwner(c.OwnerID); err != nil {
		return err
	}
	return s.hideDuplicate(s.db.CreateContactWith(ctx, c, opts))
}

// hideDuplicate keeps the refusal of an email another contact has from
// naming that contact when the user may not see it: they learn only that
// the address is taken.
func (s *Store) hideDuplicate(err error) error {
	dup, ok := errors.AsType[*store.DuplicateEmailError](err)
	if !ok || !s.ownOnly() || dup.Other.OwnerID == s.u.ID {
		return err
	}
	return denied("%s is already the email of a contact you cannot see: a Jr. Salesperson sees only the leads and contacts assigned to them", dup.Email)
}

// UpdateContact edits contact id if the user may work it.
func (s *Store) UpdateContact(ctx context.Context, id, expectedVersion int64, ch store.ContactChanges) (store.Contact, error) {
	if err := s.contact(ctx, id); err != nil {
		return store.Contact{}, err
	}
	if ch.OwnerID != nil {
		if err := s.keepsOwner(*ch.OwnerID); err != nil {
			return store.Contact{}, err
		}
	}
	c, err := s.db.UpdateContact(ctx, id, expectedVersion, ch)
	return c, s.hideDuplicate(err)
}

// SetStatus moves contact id to status if the user may work it.
func (s *Store) SetStatus(ctx context.Context, id int64, status store.Status, by int64) (store.Contact, error) {
	if err := s.contact(ctx, id); err != nil {
		return store.Contact{}, err
	}
	return s.db.SetStatus(ctx, id, status, by)
}

// Archive hides contact id if the user may work it.
func (s *Store) Archive(ctx context.Context, id int64, by int64) (store.Contact, error) {
	if err := s.contact(ctx, id); err != nil {
		return store.Contact{}, err
	}
	return s.db.Archive(ctx, id, by)
}

// Unarchive brings contact id back if the user may work it.
func (s *Store) Unarchive(ctx context.Context, id int64, by int64) (store.Contact, error) {
	if err := s.contact(ctx, id); err != nil {
		return store.Contact{}, err
	}
	return s.db.Unarchive(ctx, id, by)
}

// Forget erases contact id if the user may work it.
func (s *Store) Forget(ctx context.Context, id int64) (store.Forgotten, error) {
	if err := s.contact(ctx, id); err != nil {
		return store.Forgotten{}, err
	}
	return s.db.Forget(ctx, id)
}

// Timeline is contact id's Life of the Lead if the user may see it.
func (s *Store) Timeline(ctx context.Context, contactID int64, limit int) ([]store.Event, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.Timeline(ctx, contactID, limit)
}

// TimelineBefore is an older page of a timeline the user may see.
func (s *Store) TimelineBefore(ctx context.Context, contactID int64, beforeAt time.Time, beforeID int64, limit int) ([]store.Event, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.TimelineBefore(ctx, contactID, beforeAt, beforeID, limit)
}

// SearchTimeline searches a timeline the user may see.
func (s *Store) SearchTimeline(ctx context.Context, contactID int64, query string, limit int) ([]store.Event, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.SearchTimeline(ctx, contactID, query, limit)
}

// Notes lists the notes of a contact the user may see.
func (s *Store) Notes(ctx context.Context, contactID int64, limit int) ([]store.Note, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.Notes(ctx, contactID, limit)
}

// GetNote returns a note about a contact the user may see.
func (s *Store) GetNote(ctx context.Context, id int64) (store.Note, error) {
	n, err := s.db.GetNote(ctx, id)
	if err != nil {
		return store.Note{}, err
	}
	if err := s.contact(ctx, n.ContactID); err != nil {
		return store.Note{}, err
	}
	return n, nil
}

// AddNote writes a note about a contact the user may work.
func (s *Store) AddNote(ctx context.Context, contactID, by int64, body string) (store.Note, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return store.Note{}, err
	}
	return s.db.AddNote(ctx, contactID, by, body)
}

// EditNote rewrites a note about a contact the user may work.
func (s *Store) EditNote(ctx context.Context, id, by int64, body string) (store.Note, error) {
	if _, err := s.GetNote(ctx, id); err != nil {
		return store.Note{}, err
	}
	return s.db.EditNote(ctx, id, by, body)
}

// Calls lists the calls of a contact the user may see.
func (s *Store) Calls(ctx context.Context, contactID int64, limit int) ([]store.Call, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.Calls(ctx, contactID, limit)
}

// LogCall records a call to a contact the user may work.
func (s *Store) LogCall(ctx context.Context, c *store.Call, by int64) error {
	if err := s.contact(ctx, c.ContactID); err != nil {
		return err
	}
	return s.db.LogCall(ctx, c, by)
}

// AddTask writes a follow-up about a contact the user may work.
func (s *Store) AddTask(ctx context.Context, t *store.Task, by int64) error {
	if err := s.contact(ctx, t.ContactID); err != nil {
		return err
	}
	return s.db.AddTask(ctx, t, by)
}

// GetTask returns a task about a contact the user may see.
func (s *Store) GetTask(ctx context.Context, id int64) (store.Task, error) {
	t, err := s.db.GetTask(ctx, id)
	if err != nil {
		return store.Task{}, err
	}
	if err := s.contact(ctx, t.ContactID); err != nil {
		return store.Task{}, err
	}
	return t, nil
}

// CompleteTask closes a task about a contact the user may work.
func (s *Store) CompleteTask(ctx context.Context, id, by int64) (store.Task, error) {
	if _, err := s.GetTask(ctx, id); err != nil {
		return store.Task{}, err
	}
	return s.db.CompleteTask(ctx, id, by)
}

// SnoozeTask moves a task about a contact the user may work.
func (s *Store) SnoozeTask(ctx context.Context, id, by int64, until time.Time) (store.Task, error) {
	if _, err := s.GetTask(ctx, id); err != nil {
		return store.Task{}, err
	}
	return s.db.SnoozeTask(ctx, id, by, until)
}

// RescheduleTask moves a task about a contact the user may work.
func (s *Store) RescheduleTask(ctx context.Context, id, by int64, due time.Time) (store.Task, error) {
	if _, err := s.GetTask(ctx, id); err != nil {
		return store.Task{}, err
	}
	return s.db.RescheduleTask(ctx, id, by, due)
}

// TasksOf lists the tasks of a contact the user may see.
func (s *Store) TasksOf(ctx context.Context, contactID int64, limit int) ([]store.Task, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.TasksOf(ctx, contactID, limit)
}

// ListTasks is a page of open tasks; a Jr. Salesperson's are only their
// own, about contacts they own.
func (s *Store) ListTasks(ctx context.Context, q store.TaskQuery) (store.TaskPage, error) {
	if err := s.check(); err != nil {
		return store.TaskPage{}, err
	}
	if s.ownOnly() {
		if q.OwnerID != 0 && q.OwnerID != s.u.ID {
			return store.TaskPage{}, nil
		}
		q.OwnerID = s.u.ID
	}
	p, err := s.db.ListTasks(ctx, q)
	if err != nil || !s.ownOnly() {
		return p, err
	}
	kept := p.Tasks[:0]
	for _, t := range p.Tasks {
		if err := s.contact(ctx, t.ContactID); err == nil {
			kept = append(kept, t)
		} else if !errors.Is(err, store.ErrDenied) {
			return store.TaskPage{}, err
		}
	}
	p.Tasks = kept
	return p, nil
}

// CountOverdue counts an owner's overdue tasks; a Jr. Salesperson counts
// only their own.
func (s *Store) CountOverdue(ctx context.Context, ownerID int64) (int, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if s.ownOnly() && ownerID != s.u.ID {
		return 0, nil
	}
	return s.db.CountOverdue(ctx, ownerID)
}

// message refuses message id unless it went to a contact the user may see.
func (s *Store) message(ctx context.Context, id int64) error {
	if err := s.check(); err != nil {
		return err
	}
	if !s.ownOnly() {
		return nil
	}
	owner, err := s.db.MessageOwner(ctx, id)
	if err != nil {
		return err
	}
	if owner != s.u.ID {
		return denied("message %d went to a contact that is not yours: a Jr. Salesperson sees only the mail of the leads and contacts assigned to them", id)
	}
	return nil
}

// GetMessage returns a message to a contact the user may see.
func (s *Store) GetMessage(ctx context.Context, id int64) (store.Message, error) {
	if err := s.message(ctx, id); err != nil {
		return store.Message{}, err
	}
	return s.db.GetMessage(ctx, id)
}

// ListMessages lists the outbox; a Jr. Salesperson's holds the messages
// to the contacts they own.
func (s *Store) ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if s.ownOnly() {
		return s.db.ListMessagesOwnedBy(ctx, f, s.u.ID)
	}
	return s.db.ListMessages(ctx, f)
}

// MessageCounts counts the outbox the user sees by state.
func (s *Store) MessageCounts(ctx context.Context) (map[store.MessageStatus]int, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if s.ownOnly() {
		return s.db.MessageCountsOwnedBy(ctx, s.u.ID)
	}
	return s.db.MessageCounts(ctx)
}

// ThreadOf returns the replies to a message the user may see.
func (s *Store) ThreadOf(ctx context.Context, messageID int64) ([]store.Received, error) {
	if err := s.message(ctx, messageID); err != nil {
		return nil, err
	}
	return s.db.ThreadOf(ctx, messageID)
}

// GetReceived returns mail Mail Sync recorded, if it is in the user's own
// mailbox or involves a contact they may see.
func (s *Store) GetReceived(ctx context.Context, id int64) (store.Received, error) {
	if err := s.check(); err != nil {
		return store.Received{}, err
	}
	if s.ownOnly() {
		ok, err := s.db.ReceivedVisibleTo(ctx, id, s.u.ID)
		if err != nil {
			return store.Received{}, err
		}
		if !ok {
			return store.Received{}, denied("that mail is about contacts that are not yours: a Jr. Salesperson sees only the mail of the leads and contacts assigned to them")
		}
	}
	return s.db.GetReceived(ctx, id)
}

// ReceivedEmails is "already received" of the picker, for a contact the
// user may see.
func (s *Store) ReceivedEmails(ctx context.Context, contactID int64) (map[int64]time.Time, error) {
	if err := s.contact(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.ReceivedEmails(ctx, contactID)
}

// AddressBouncing says whether an address bounced for good.
func (s *Store) AddressBouncing(ctx context.Context, email string) (store.Bouncing, bool, error) {
	if err := s.check(); err != nil {
		return store.Bouncing{}, false, err
	}
	return s.db.AddressBouncing(ctx, email)
}

// ListUsers lists the CRM's users: every role sees who owns what, and
// someone unidentified sees whom they may say they are.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	if err := s.check(); err != nil && s.unknown == nil {
		return nil, err
	}
	return s.db.ListUsers(ctx)
}

// UserByEmail returns the user with this email.
func (s *Store) UserByEmail(ctx context.Context, email string) (store.User, error) {
	if err := s.check(); err != nil {
		return store.User{}, err
	}
	return s.db.UserByEmail(ctx, email)
}

// AddUser adds a user; only an administrator may.
func (s *Store) AddUser(ctx context.Context, u store.User) (store.User, error) {
	if err := s.admin("add users"); err != nil {
		return store.User{}, err
	}
	return s.db.AddUser(ctx, u)
}

// SetRole changes a user's role; only an administrator may.
func (s *Store) SetRole(ctx context.Context, id int64, r store.Role) (store.User, error) {
	if err := s.admin("change roles"); err != nil {
		return store.User{}, err
	}
	return s.db.SetRole(ctx, id, r)
}

// Deactivate makes a user inactive; only an administrator may.
func (s *Store) Deactivate(ctx context.Context, id int64) (store.User, error) {
	if err := s.admin("deactivate users"); err != nil {
		return store.User{}, err
	}
	return s.db.Deactivate(ctx, id)
}

// Stages are the pipeline's stages, which every role may read.
func (s *Store) Stages(ctx context.Context) ([]store.Stage, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.db.Stages(ctx)
}

// SetStages changes the pipeline's stages; only an administrator may.
func (s *Store) SetStages(ctx context.Context, stages []store.Stage, by int64) ([]store.Stage, error) {
	if err := s.MayChangeStages(); err != nil {
		return nil, err
	}
	return s.db.SetStages(ctx, stages, by)
}

// SetStagesMoving changes the pipeline's stages, first moving the deals of
// those it removes (store.DB.SetStagesMoving); only an administrator may.
func (s *Store) SetStagesMoving(ctx context.Context, stages []store.Stage, moves map[int64]int64, by int64) ([]store.Stage, int, error) {
	if err := s.MayChangeStages(); err != nil {
		return nil, 0, err
	}
	return s.db.SetStagesMoving(ctx, stages, moves, by)
}

// MayChangeStages is the refusal of a user who may not change the
// pipeline's stages, nil for an administrator.
func (s *Store) MayChangeStages() error { return s.admin("change the pipeline's stages") }
