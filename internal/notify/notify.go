package notify

import (
	"context"
	"errors"
	"time"
)

// The channel names of messages.
const (
	SMS   = "sms"
	Email = "email"
	InApp = "inapp"
)

// The delivery states of a message.
const (
	StatusPending = "pending" // stored, waiting for its (next) attempt at NextAttemptAt
	StatusSent    = "sent"    // accepted by its channel
	StatusFailed  = "failed"  // given up: refused for good or out of attempts; see LastError
)

// The names of what delivered a message, in [Message.Via].
const (
	ViaSMPP   = "smpp"   // an SMSC over SMPP
	ViaSMTP   = "smtp"   // an SMTP relay
	ViaInbox  = "inbox"  // the recipient's in-app inbox
	ViaOutbox = "outbox" // kept on the platform: no gateway is configured
)

// The outcomes of a delivery attempt, in [Attempt.Outcome].
const (
	OutcomeSent      = "sent"      // the channel accepted the message
	OutcomeRetry     = "retry"     // refused for now; a later attempt is scheduled
	OutcomeFailed    = "failed"    // refused; no further attempt
	OutcomeAbandoned = "abandoned" // the worker stopped before reporting (crash, lease expired)
)

// Message is one message to one recipient.
type Message struct {
	ID        string
	Channel   string // SMS, Email or InApp
	Recipient string // phone (11 digits), e-mail address, or account id for in-app
	AccountID string // the recipient's account, when known
	Purpose   string // what the message is for, e.g. "login_code"
	Subject   string // e-mail and in-app only
	Body      string
	Status    string // StatusPending, StatusSent or StatusFailed
	Attempts  int    // delivery attempts so far, counted when an attempt starts
	LastError string // the last delivery error, for administrators
	CreatedAt time.Time
	SentAt    time.Time // zero until sent

	// IdempotencyKey, when set, makes the message unique: enqueueing a
	// second message with the same key stores nothing and returns the first.
	IdempotencyKey string
	// Template names the template the body was made from, if any.
	Template string
	// NextAttemptAt is when a pending message is due.
	NextAttemptAt time.Time
	// LockedUntil is when the lease of the worker delivering the message
	// ends; zero when no worker holds it.
	LockedUntil time.Time
	// Via names what delivered the message (ViaSMPP, ViaSMTP, ViaInbox,
	// ViaOutbox); empty until sent.
	Via string
	// ProviderID is the gateway's id of the message: the SMSC's message ids
	// of its parts, comma-separated, or the SMTP relay's reply.
	ProviderID string
	// ReadAt is when the recipient marked it read in the in-app inbox.
	ReadAt time.Time

	// Parts are the parts the gateway has accepted so far (SMS), each with
	// its delivery receipt when one has arrived. Lists fill only the
	// counts below; FindMessageByID and claimed messages fill Parts.
	Parts []Part
	// PartCount, DeliveredParts and UndeliveredParts count the accepted
	// parts, those with a receipt saying delivered, and those with a final
	// receipt saying not delivered.
	PartCount, DeliveredParts, UndeliveredParts int

	// accept records a part accepted by the gateway; set by the
	// dispatcher for the duration of one attempt.
	accept func(ctx context.Context, p Part) error
}

// Part is one part of a message accepted by its gateway.
type Part struct {
	Seq        int    // 1-based
	Total      int    // the number of parts of the message
	ProviderID string // the gateway's id of the part (SMSC message id)
	AcceptedAt time.Time
	Receipt    *Receipt // nil until a receipt arrives
}

// Receipt is a delivery receipt sent by an SMSC for one accepted part.
type Receipt struct {
	ProviderID string // the SMSC's message id
	State      string // DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD or ENROUTE
	ErrorCode  string // the network error code, "000" or empty when none
	DoneAt     time.Time
	ReceivedAt time.Time
}

// Delivered reports whether the receipt says the part reached the handset.
func (r *Receipt) Delivered() bool { return r != nil && r.State == "DELIVRD" }

// Undelivered reports whether the receipt says, for good, that the part
// did not reach the handset.
func (r *Receipt) Undelivered() bool {
	if r == nil {
		return false
	}
	switch r.State {
	case "EXPIRED", "DELETED", "UNDELIV", "UNKNOWN", "REJECTD":
		return true
	}
	return false
}

// Attempt is one delivery attempt of a message.
type Attempt struct {
	Attempt    int    // 1-based
	Via        string // what was tried
	Outcome    string // OutcomeSent, OutcomeRetry, OutcomeFailed or OutcomeAbandoned
	Error      string // the channel's error, if any
	StartedAt  time.Time
	FinishedAt time.Time
}

// AcceptPart records that the gateway accepted part p of m, at once and
// durably, so that a later attempt (after a crash, or after a failure of
// another part) does not send p again. Channels that send a message in
// parts call it after each part; it is a no-op outside a dispatcher's
// attempt.
func (m *Message) AcceptPart(ctx context.Context, p Part) error {
	if m.accept == nil {
		return nil
	}
	if err := m.accept(ctx, p); err != nil {
		return err
	}
	m.Parts = append(m.Parts, p)
	return nil
}

// AcceptedPart returns the part with sequence number seq among those
// accepted by earlier attempts, or nil.
func (m *Message) AcceptedPart(seq int) *Part {
	for i := range m.Parts {
		if m.Parts[i].Seq == seq {
			return &m.Parts[i]
		}
	}
	return nil
}

// Channel delivers messages of one channel name.
type Channel interface {
	// Deliver hands m to the channel. A nil error means the channel has
	// accepted the message. A channel that learns the gateway's id of the
	// message sets m.ProviderID. An error wrapped with [Permanent] means
	// that retrying cannot help; any other error is retried later.
	Deliver(ctx context.Context, m *Message) error
}

// Namer is implemented by channels that say what they are, for
// [Message.Via] (e.g. ViaSMPP); other channels are named after their
// channel name.
type Namer interface {
	Via() string
}

// permanentError marks an error that retrying cannot help.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent wraps err to tell the dispatcher that the gateway refused the
// message for good (an invalid number, a mailbox that does not exist): the
// message fails without further attempts. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err was marked by [Permanent].
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// ErrLeaseLost is returned when a worker reports on a message whose lease
// it no longer holds (it expired and another worker claimed the message).
var ErrLeaseLost = errors.New("notify: the message's lease was lost to another worker")

// MessageFilter selects messages. Zero fields do not filter.
type MessageFilter struct {
	Channel   string
	Status    string
	Purpose   string
	Recipient string
	AccountID string
	Via       string
	// Inbox keeps the messages shown in AccountID's in-app inbox: in-app
	// notices, and SMS and e-mail kept in the outbox because no gateway is
	// configured.
	Inbox bool
	// Unread keeps messages not marked read.
	Unread bool
	// Failing keeps messages that have a delivery error (failed, or
	// pending a retry after an error).
	Failing bool
	// AttemptsBelow, when positive, keeps messages with fewer attempts.
	AttemptsBelow int
	Offset        int
	Limit         int // defaults to 50, at most 500
}

// Claim asks the store for due messages to deliver.
type Claim struct {
	Now   time.Time // messages due at or before Now, whose lease ended before Now
	Until time.Time // the end of the new lease
	Token string    // identifies this claim; reports must quote it
	Limit int       // at most this many; defaults to 1
	ID    string    // when set, only this message (and only if due)
}

// Outcome is how a delivery attempt ended, as the dispatcher reports it.
type Outcome struct {
	Attempt     Attempt
	Status      string    // StatusSent, StatusPending (retry at NextAttempt) or StatusFailed
	NextAttempt time.Time // for StatusPending
	Via         string
	ProviderID  string
	SentAt      time.Time // for StatusSent
}

// Store persists messages. Methods return errs.NotFound for unknown ids.
type Store interface {
	// Enqueue stores m as pending. When m has an idempotency key that is
	// already stored, it stores nothing and returns the stored message and
	// false. It returns errs.Invalid for an unknown account.
	Enqueue(ctx context.Context, m *Message) (*Message, bool, error)
	// Claim leases due pending messages to one worker, oldest due first,
	// counting an attempt on each; a message whose earlier lease expired
	// gets an abandoned attempt recorded. Claimed messages carry their
	// accepted parts. Claims by concurrent workers, in this or other
	// processes, never return the same message while its lease runs.
	Claim(ctx context.Context, c Claim) ([]*Message, error)
	// AcceptPart records an accepted part of a message leased with token.
	AcceptPart(ctx context.Context, id, token string, p Part) error
	// Finish records the outcome of the attempt on a message leased with
	// token and releases the lease. It returns ErrLeaseLost when token no
	// longer holds the lease.
	Finish(ctx context.Context, id, token string, o Outcome) error
	// RecordReceipt stores (or updates) a delivery receipt.
	RecordReceipt(ctx context.Context, r Receipt) error
	// Reschedule makes a pending or failed message due at at, for a retry
	// now; it returns errs.Conflict for a sent message.
	Reschedule(ctx context.Context, id string, at time.Time) error
	// FindMessageByID returns the message with id, with its parts.
	FindMessageByID(ctx context.Context, id string) (*Message, error)
	// FindAttempts returns the attempts of message id, oldest first.
	FindAttempts(ctx context.Context, id string) ([]*Attempt, error)
	// FindMessages returns one page of matching messages, newest first, and
	// the number of all matches.
	FindMessages(ctx context.Context, f MessageFilter) ([]*Message, int, error)
	// MarkRead marks messages of accountID's inbox read at at: those with
	// ids, or all when ids is empty. It returns how many it marked.
	MarkRead(ctx context.Context, accountID string, ids []string, at time.Time) (int, error)
	// CountUnread counts the unread messages of accountID's inbox.
	CountUnread(ctx context.Context, accountID string) (int, error)
}
