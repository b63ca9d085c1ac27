package scope

import (
	"context"

	"github.com/leadmail/leadmail/store"
)

// Email templates and signatures are the team's and each sender's own: S16
// gives no role less of them, so these only refuse a user who cannot act.

// ListEmails lists the email templates.
func (s *Store) ListEmails(ctx context.Context, f store.EmailFilter) ([]store.Email, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.db.ListEmails(ctx, f)
}

// FindEmail finds a template by id or name.
func (s *Store) FindEmail(ctx context.Context, ref string) (store.Email, error) {
	if err := s.check(); err != nil {
		return store.Email{}, err
	}
	return s.db.FindEmail(ctx, ref)
}

// CreateEmail adds a template.
func (s *Store) CreateEmail(ctx context.Context, e *store.Email) error {
	if err := s.check(); err != nil {
		return err
	}
	return s.db.CreateEmail(ctx, e)
}

// UpdateEmail changes a template.
func (s *Store) UpdateEmail(ctx context.Context, e store.Email) error {
	if err := s.check(); err != nil {
		return err
	}
	return s.db.UpdateEmail(ctx, e)
}

// DeleteEmail deletes a template, or archives one messages reference.
func (s *Store) DeleteEmail(ctx context.Context, id int64) (archived bool, err error) {
	if err := s.check(); err != nil {
		return false, err
	}
	return s.db.DeleteEmail(ctx, id)
}

// DuplicateEmail copies a template under a new name.
func (s *Store) DuplicateEmail(ctx context.Context, id int64, newName string) (store.Email, error) {
	if err := s.check(); err != nil {
		return store.Email{}, err
	}
	return s.db.DuplicateEmail(ctx, id, newName)
}

// ImportEmails adds or updates templates by name.
func (s *Store) ImportEmails(ctx context.Context, es []store.Email) (created, updated int, err error) {
	if err := s.check(); err != nil {
		return 0, 0, err
	}
	return s.db.ImportEmails(ctx, es)
}

// ListSignatures lists a sender's signatures.
func (s *Store) ListSignatures(ctx context.Context, userID int64) ([]store.Signature, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.db.ListSignatures(ctx, userID)
}

// CreateSignature adds a signature.
func (s *Store) CreateSignature(ctx context.Context, sig *store.Signature) error {
	if err := s.check(); err != nil {
		return err
	}
	return s.db.CreateSignature(ctx, sig)
}

// UpdateSignature changes a signature.
func (s *Store) UpdateSignature(ctx context.Context, sig store.Signature) error {
	if err := s.check(); err != nil {
		return err
	}
	return s.db.UpdateSignature(ctx, sig)
}

// DeleteSignature deletes a signature.
func (s *Store) DeleteSignature(ctx context.Context, id int64) error {
	if err := s.check(); err != nil {
		return err
	}
	return s.db.DeleteSignature(ctx, id)
}
