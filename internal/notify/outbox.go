package notify

import (
	"context"
	"log/slog"
)

// Outbox is the channel of SMS and e-mail when no gateway is configured:
// it accepts every message, so that the message is marked sent via
// "outbox", stays readable by platform administrators in the admin outbox,
// and shows in the recipient's in-app inbox when the recipient's account
// is known. It delivers nothing outside the platform. The zero value is
// ready to use.
type Outbox struct {
	// Log, when set, records each message accepted (channel, recipient,
	// purpose; never the body, which may hold a code).
	Log *slog.Logger
}

// Deliver accepts m.
func (o Outbox) Deliver(ctx context.Context, m *Message) error {
	if o.Log != nil {
		o.Log.InfoContext(ctx, "message kept in the outbox: no gateway configured", "id", m.ID, "channel", m.Channel,
			"recipient", m.Recipient, "purpose", m.Purpose)
	}
	return nil
}

// Via returns ViaOutbox.
func (Outbox) Via() string { return ViaOutbox }

// Inbox is the channel of in-app notices: the stored message is the
// notice in the recipient's inbox, so delivering it only marks it sent.
// The zero value is ready to use.
type Inbox struct{}

// Deliver accepts m.
func (Inbox) Deliver(context.Context, *Message) error { return nil }

// Via returns ViaInbox.
func (Inbox) Via() string { return ViaInbox }
