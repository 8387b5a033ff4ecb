// Package notify sends messages to people: text messages (SMS), e-mail and
// in-app notices. A message is first stored (so nothing is lost once a
// caller has been told it was accepted) and then handed to the [Channel]
// registered for its channel name; the delivery outcome is recorded on the
// message.
//
// Until a real SMS gateway adapter exists, the default channel is the
// [Outbox]: it accepts every message and marks it sent, leaving it readable
// by platform administrators in the admin UI ("the admin-visible outbox").
//
// The package holds the domain and the [Service]; storage is the [Store]
// interface, implemented in notifysql.
package notify

import (
	"context"
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
	StatusPending = "pending" // stored, not yet delivered
	StatusSent    = "sent"    // accepted by its channel
	StatusFailed  = "failed"  // its channel refused it; see LastError
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
	Attempts  int    // delivery attempts so far
	LastError string // the last delivery error, for administrators
	CreatedAt time.Time
	SentAt    time.Time // zero until sent
}

// Channel delivers messages of one channel name.
type Channel interface {
	// Deliver hands m to the channel. A nil error means the channel has
	// accepted the message.
	Deliver(ctx context.Context, m *Message) error
}

// MessageFilter selects messages. Zero fields do not filter.
type MessageFilter struct {
	Channel   string
	Status    string
	Purpose   string
	Recipient string
	AccountID string
	// AttemptsBelow, when positive, keeps messages with fewer attempts.
	AttemptsBelow int
	Offset        int
	Limit         int // defaults to 50, at most 500
}

// Store persists messages. Methods return errs.NotFound for unknown ids.
type Store interface {
	// CreateMessage stores a new message.
	CreateMessage(ctx context.Context, m *Message) error
	// RecordDelivery stores the outcome of a delivery attempt: the status,
	// attempt count, last error and sent time of m.
	RecordDelivery(ctx context.Context, m *Message) error
	FindMessageByID(ctx context.Context, id string) (*Message, error)
	// FindMessages returns one page of matching messages, newest first, and
	// the number of all matches.
	FindMessages(ctx context.Context, f MessageFilter) ([]*Message, int, error)
}
