package store

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// Errors returned at the store's edge; driver errors are translated to these.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness rule or a state transition was violated,
	// for example claiming a message another runner already holds.
	ErrConflict = errors.New("conflict")
	// ErrInvalid means the input was rejected before anything was written.
	ErrInvalid = errors.New("invalid input")
)

// Role is a CRM user's role (seed rule S16).
type Role string

// The six roles of the CRM.
const (
	RoleAdministrator    Role = "administrator"
	RoleCompanyManager   Role = "company_manager"
	RoleMarketingManager Role = "marketing_manager"
	RoleSalesManager     Role = "sales_manager"
	RoleSalesperson      Role = "salesperson"
	RoleJrSalesperson    Role = "jr_salesperson"
)

// Roles lists every role, most privileged first.
func Roles() []Role {
	return []Role{RoleAdministrator, RoleCompanyManager, RoleMarketingManager,
		RoleSalesManager, RoleSalesperson, RoleJrSalesperson}
}

// Valid reports whether r is one of the six roles.
func (r Role) Valid() bool {
	for _, x := range Roles() {
		if r == x {
			return true
		}
	}
	return false
}

// HasPipeline reports whether the role works opportunities at all (S16):
// a Marketing Manager has no pipeline.
func (r Role) HasPipeline() bool { return r != RoleMarketingManager }

// User is a user of the CRM: someone who sends mail and owns contacts.
type User struct {
	ID        int64
	Name      string
	Email     string
	Title     string
	Phone     string
	Role      Role
	CreatedAt time.Time
	// Active is false once an administrator deactivated the user: they
	// keep what they own and can no longer start leadmail.
	Active bool
}

// Kind tells a lead from a contact.
type Kind string

// The two kinds of person in the CRM.
const (
	KindLead    Kind = "lead"
	KindContact Kind = "contact"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindLead || k == KindContact }

// Status is a lead's status (seed rule S18).
type Status string

// The lead statuses.
const (
	StatusOpen                   Status = "open"
	StatusUnqualified            Status = "unqualified"
	StatusQualified              Status = "qualified"
	StatusContact                Status = "contact"
	StatusContactWithOpportunity Status = "contact_with_opportunity"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusUnqualified, StatusQualified, StatusContact, StatusContactWithOpportunity:
		return true
	}
	return false
}

// Contact is a person in the CRM, a lead or a contact.
type Contact struct {
	ID        int64
	Kind      Kind
	Status    Status
	FirstName string
	LastName  string
	Email     string
	Phone     string
	Company   string
	Title     string
	City      string
	Country   string
	// OwnerID is the owning user's ID, 0 when unassigned.
	OwnerID int64
	// OwnerName is filled on reads from the owning user.
	OwnerName string
	// Custom holds the contact's custom fields, usable as {{custom.KEY}}.
	Custom         map[string]string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LastActivityAt time.Time // zero when nothing happened yet
	// Version counts the contact's edits: UpdateContact takes the version
	// the edit was made on and refuses it when the row moved on since.
	Version int64
	// ArchivedAt is when the contact was archived, zero when it is not.
	ArchivedAt time.Time
}

// Name is the contact's display name: first and last, or the email when both
// are empty.
func (c Contact) Name() string {
	n := strings.TrimSpace(c.FirstName + " " + c.LastName)
	if n == "" {
		return c.Email
	}
	return n
}

// ContactFilter narrows a contact listing. Zero values mean "all"; the
// conditions set are all required (AND).
type ContactFilter struct {
	Kind    Kind   // "" for leads and contacts
	OwnerID int64  // 0 for every owner; the current user's id for "mine"
	Status  Status // "" for every status
	// StaleDays > 0 keeps the contacts with no activity for at least that
	// many days (or none ever).
	StaleDays int
	// Overdue keeps the contacts with an open task whose due time has
	// passed (a page sorts those contacts, few next to the table).
	Overdue bool
	// Archived lists only the archived contacts; without it they are
	// hidden, as Archive promises.
	Archived bool
	// Search is free text: each word matches the start of a word of the
	// name, email or company, or, from three letters on, any part of
	// them. Results come best first (see ListContacts), and Sort does not
	// apply.
	Search string
}

// SortOrder is the order of a contact listing.
type SortOrder string

// The sort orders of ListContacts; each is paged on an index of its own.
const (
	// SortName is last name, then first name, in the collation of the
	// database's locale (the default).
	SortName SortOrder = "name"
	// SortCompany is the company, in the same collation.
	SortCompany SortOrder = "company"
	// SortActivity is the time of the last activity, none first.
	SortActivity SortOrder = "activity"
	// SortCreated is when the contact was created.
	SortCreated SortOrder = "created"
)

// SortOrders lists the sort orders, the default first.
func SortOrders() []SortOrder { return []SortOrder{SortName, SortCompany, SortActivity, SortCreated} }

// Valid reports whether s is a known order; "" means SortName.
func (s SortOrder) Valid() bool {
	return s == "" || slices.Contains(SortOrders(), s)
}

// Cursor is a keyset position in a contact listing. It is opaque to callers:
// take it from a ContactPage and hand it back with the same Filter, Sort
// and Desc.
type Cursor struct {
	SortKey string
	ID      int64
	tier    int // the rank group of a search hit (search.go)
}

// PageRequest asks for one page of contacts. At most one of After, Before and
// Last is set; none means the first page.
type PageRequest struct {
	Filter ContactFilter
	Sort   SortOrder // "" is SortName
	Desc   bool      // descending: Z to A, newest first
	After  *Cursor   // the page after this position
	Before *Cursor   // the page before this position
	Last   bool      // the last page
	Limit  int       // rows per page; 0 means 50
	// Brief fills only what a table row shows: ID, Kind, Status,
	// FirstName, LastName, Email, Company, OwnerID, OwnerName and
	// LastActivityAt (and the cursors). Phone, Title, City, Country,
	// Custom, CreatedAt and UpdatedAt stay empty: fetch the contact by id
	// (DB.GetContact) before rendering mail or showing it whole. The
	// Contacts screen asks for brief pages: they cost about half the
	// allocations of full ones.
	Brief bool
}

// ContactPage is one page of a listing, in display order.
type ContactPage struct {
	Contacts []Contact
	HasPrev  bool
	HasNext  bool
	First    Cursor // position of Contacts[0]
	Last     Cursor // position of Contacts[len-1]
}

// Email is an email template. Only those with SmartMail set appear in the
// Smart Mail picker (seed rule S2).
type Email struct {
	ID        int64
	Name      string
	Subject   string
	Body      string // Markdown with merge variables
	Tags      []string
	SmartMail bool
	FromName  string // default From name for this email; "" uses the sender's
	FromEmail string // default From address; "" uses the sender's
	ReplyTo   string
	// Archived emails were deleted while messages still referenced them:
	// kept for the sent archive, hidden from ListEmails by default.
	Archived  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EmailFilter narrows an email listing.
type EmailFilter struct {
	SmartMailOnly bool
	Tag           string
	// IncludeArchived lists archived emails too.
	IncludeArchived bool
}

// MessageStatus is where a message stands in the outbox.
type MessageStatus string

// The outbox states.
const (
	MessageQueued    MessageStatus = "queued"
	MessageScheduled MessageStatus = "scheduled"
	MessageSending   MessageStatus = "sending"
	MessageSent      MessageStatus = "sent"
	MessageFailed    MessageStatus = "failed"
	MessageUncertain MessageStatus = "uncertain"
	MessageCancelled MessageStatus = "cancelled"
)

// Message is one composed email: the outbox entry and, once sent, the archive
// of exactly what left. Raw holds the RFC 5322 bytes.
type Message struct {
	ID         int64
	ContactID  int64 // the primary recipient
	EmailID    int64 // the template it came from, 0 if none
	UserID     int64 // the sender
	MessageID  string
	Subject    string
	From       string   // envelope sender
	Recipients []string // envelope recipients (To, CC and BCC)
	Raw        []byte
	Status     MessageStatus
	SendAt     time.Time // not before this time: the undo window or the schedule
	// RetryAt is the backoff after a temporary failure: an automatic claim
	// waits for it as well as for SendAt. Zero when there is none.
	RetryAt    time.Time
	Attempts   int
	LastError  string
	LeaseUntil time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	SentAt     time.Time
	// Draft is the JSON of the outbox draft the message was composed from
	// (Personalize), nil for Quick Send. Only GetMessage and
	// MessageByMessageID fill it.
	Draft []byte
	// RepliedAt is the date of the first reply Mail Sync found, zero if
	// none.
	RepliedAt time.Time
	// BouncedAt, BounceStatus ("5.1.1") and BounceDetail come from the
	// first delivery status notification of the message; zero if none.
	BouncedAt    time.Time
	BounceStatus string
	BounceDetail string
	// SentCopy is where the copy in the Sent folder stands (SentCopy*
	// constants); "" until decided.
	SentCopy string
	// OpportunityID is the opportunity the send is about, 0 if none: its
	// events carry it, so the send shows on the opportunity's timeline.
	OpportunityID int64
	// CopiedContacts are the contacts of the CRM among the recipients
	// besides the primary one (To or CC from Personalize). Enqueueing
	// writes the message's events on their timelines too; it is not read
	// back.
	CopiedContacts []int64
}

// MessageFilter narrows a message listing. Zero values mean "all".
type MessageFilter struct {
	Statuses  []MessageStatus
	ContactID int64
	Limit     int
}

// ClaimOptions tunes ClaimDue. The zero value is the worker's ordinary pass.
type ClaimOptions struct {
	// IgnoreBackoff claims messages whose retry delay has not passed yet
	// ("send now" after the user fixed the connection); SendAt is still
	// honoured.
	IgnoreBackoff bool
}

// SentStat is one sent message as a provider's sending quota counts it.
type SentStat struct {
	At         time.Time // when the server accepted it
	Recipients int       // envelope recipients (To, CC and BCC)
}

// EventKind is the kind of a Life of the Lead event.
type EventKind string

// The Life of the Lead event kinds.
const (
	EventCreated        EventKind = "created"
	EventEmailQueued    EventKind = "email_queued"
	EventEmailScheduled EventKind = "email_scheduled"
	EventEmailSent      EventKind = "email_sent"
	EventEmailFailed    EventKind = "email_failed"
	EventEmailCancelled EventKind = "email_cancelled"
	// EventEmailUncertain: the attempt ended without an answer from the
	// server (a crash, a dropped connection after the data was handed over);
	// the message may have been delivered, so it is not resent by itself.
	EventEmailUncertain EventKind = "email_uncertain"
	EventEmailOpened    EventKind = "email_opened"
	EventEmailClicked   EventKind = "email_clicked"
	EventEmailReceived  EventKind = "email_received"
	// EventStatusChanged is the old name of EventStatus (same value; the
	// migration renamed the stored "status_changed").
	EventStatusChanged           = EventStatus
	EventNote          EventKind = "note"
	// EventEmailSentElsewhere is mail the rep sent the contact outside
	// leadmail, found in a synced folder.
	EventEmailSentElsewhere EventKind = "email_sent_elsewhere"
	// EventReplied is a reply to a leadmail send (its In-Reply-To or
	// References names the send's Message-ID), on the send's contact and
	// on the reply's own contacts.
	EventReplied EventKind = "replied"
	// EventEmailReplied is the old name of EventReplied (same value; the
	// migration renamed the stored "email_replied").
	EventEmailReplied = EventReplied
	// EventAutoReply is an automatic answer (out of office), never a reply.
	EventAutoReply EventKind = "auto_reply"
	// EventBounced is a delivery status notification of a send.
	EventBounced EventKind = "bounced"
)

// Event is one entry in a contact's Life of the Lead.
type Event struct {
	ID        int64
	ContactID int64
	At        time.Time
	Kind      EventKind
	MessageID int64 // the related messages.id, 0 if none
	Subject   string
	Detail    string
	// ReceivedID is the received message the event shows (DB.GetReceived),
	// 0 if none.
	ReceivedID int64
	// Answered is set by Timeline on an email_sent event whose message got
	// a reply.
	Answered bool
	// Data is what the event is about, for scripts and screens: the field,
	// old and new value of an edit, the note, call or task it shows (see
	// the Event* kinds); nil when there is nothing more.
	Data map[string]string
	// OpportunityID is the opportunity the event is about, 0 if none: it
	// shows in that opportunity's timeline too (OpportunityTimeline).
	OpportunityID int64
	// OpportunityName is that opportunity's name as it is now, filled by
	// the timeline reads ("" when there is none).
	OpportunityName string
}

// TimelineLimit is how many events the Life of the Lead shows at once (S15).
const TimelineLimit = 300

// Signature is a user's named Markdown block appended to Smart Mail (S8); it
// may use {{user.*}} merge variables. Each user has at most one default.
type Signature struct {
	ID        int64
	UserID    int64
	Name      string
	Body      string
	IsDefault bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ReceivedDirection tells mail from a contact (in) from mail the rep sent
// outside leadmail (out).
type ReceivedDirection string

// The two directions of a synced message.
const (
	ReceivedIn  ReceivedDirection = "in"
	ReceivedOut ReceivedDirection = "out"
)

// The kinds of a received message (Received.Kind).
const (
	ReceivedOrdinary  = "ordinary"
	ReceivedAutoReply = "auto_reply"
	ReceivedBounce    = "bounce"
)

// ReceivedAttachment describes an attachment of a synced message; its bytes
// are not stored.
type ReceivedAttachment struct {
	Name string
	Type string
	Size int64
}

// Received is a message Mail Sync found in the mailbox that involves CRM
// people: mail from them, or mail the rep sent them outside leadmail.
type Received struct {
	ID     int64
	UserID int64 // whose mailbox
	// MessageID is the Message-ID without brackets, or "sha256:<hex>" of
	// the headers when the message had none; unique per user.
	MessageID  string
	Direction  ReceivedDirection
	Kind       string // ReceivedOrdinary, ReceivedAutoReply or ReceivedBounce
	From       string // as read: "Name <addr>"
	FromAddr   string // lowercased
	To, Cc     []string
	Subject    string
	Date       time.Time // zero when missing or unreadable
	InReplyTo  string
	References []string
	// ReplyTo is the messages.id of the leadmail send it answers (for a
	// bounce: the send that bounced), 0 if none.
	ReplyTo        int64
	Text           string // the text, capped
	Truncated      bool
	Attachments    []ReceivedAttachment
	Notes          string    // what could not be read
	AutoReplyUntil time.Time // the return date an out-of-office gives
	// Folder, UID and UIDValidity say where it was last seen.
	Folder      string
	UID         uint32
	UIDValidity uint32
	CreatedAt   time.Time
	// ContactIDs are the CRM people it involves; each gets its event.
	ContactIDs []int64
}

// SyncFolder is where the sync of one folder stands.
type SyncFolder struct {
	Name        string
	UIDValidity uint32
	LastUID     uint32 // every message up to it is recorded
	UIDNext     uint32 // at the last run: unchanged UIDNEXT and Messages mean nothing new
	Messages    uint32
	ModSeq      uint64 // HIGHESTMODSEQ at the last run, 0 without CONDSTORE
	Matched     int    // messages recorded from it
	LastRun     time.Time
	LastError   string
}

// SyncBounce is a delivery status notification naming one of our sends.
type SyncBounce struct {
	MessageID  int64 // messages.id of the send that bounced
	Status     string
	Diagnostic string
	Recipient  string // the address that bounced; "" means the send's first recipient
	Permanent  bool   // a 5.x.x status: the address is flagged bouncing
	At         time.Time
	// ReceivedMessageID is the DSN's own Message-ID, as in Received.
	ReceivedMessageID string
}

// SyncBatch is what one step of a sync records, in one transaction.
type SyncBatch struct {
	Folder   SyncFolder // the folder's state after the batch; no Name: none written
	Received []Received
	Bounces  []SyncBounce
}

// SyncResult counts what RecordSync did.
type SyncResult struct {
	Recorded   int // new received rows
	Duplicates int // received rows already there
	Events     int // timeline events added, all kinds
	Replies    int // replied events added
	Bounces    int // sends newly marked bounced
	// AutoReplies counts the new received rows that are auto-replies.
	AutoReplies int
}

// OurMessage is a leadmail send as Mail Sync needs it.
type OurMessage struct {
	ID        int64
	ContactID int64
	Status    MessageStatus
	SentAt    time.Time
}

// PendingAddress is a contact whose past mail was never looked for.
type PendingAddress struct {
	ContactID int64
	Email     string
}

// Bouncing is an address a permanent bounce flagged.
type Bouncing struct {
	Email      string
	Status     string
	Diagnostic string
	At         time.Time
	MessageID  int64 // the send that bounced, 0 if it is gone
}

// The states of a send's copy in the Sent folder (Message.SentCopy).
const (
	SentCopyUndecided = ""         // a new send: the sync decides
	SentCopySaved     = "saved"    // APPENDed by leadmail
	SentCopyFound     = "found"    // it was in Sent already
	SentCopyProvider  = "provider" // the provider files SMTP mail itself
	SentCopyNever     = "never"    // not to be saved (save_sent: never, or sent before Mail Sync)
	SentCopyRetry     = "retry"    // an APPEND failed; again after the retry time
	SentCopyFailed    = "failed"   // given up; the error says why
)
