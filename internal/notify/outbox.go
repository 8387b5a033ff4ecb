package notify

import (
	"context"
	"log/slog"
)

// Outbox is the default channel until real gateways exist: it accepts
// every message, so that the message is marked sent and stays readable by
// platform administrators in the admin UI's outbox. It delivers nothing
// outside the platform. The zero value is ready to use.
type Outbox struct {
	// Log, when set, records each message accepted (channel, recipient,
	// purpose; never the body, which may hold a code).
	Log *slog.Logger
}

// Deliver accepts m.
func (o Outbox) Deliver(ctx context.Context, m *Message) error {
	if o.Log != nil {
		o.Log.InfoContext(ctx, "message kept in the outbox", "id", m.ID, "channel", m.Channel,
			"recipient", m.Recipient, "purpose", m.Purpose)
	}
	return nil
}
