// Package smpp is the SMS channel of notify: it submits text messages to an
// SMSC over SMPP 3.4 and records the SMSC's delivery receipts.
//
// Messages go out in UCS-2 (data_coding 0x08), so Chinese text arrives
// intact; a text longer than 70 characters is sent as concatenated parts of
// at most 67 characters, each with a user data header (IEI 0x00, a
// reference derived from the message id, the number of parts and the
// part's number). Each part asks for a delivery receipt (registered_delivery
// 1); receipts arriving in deliver_sm are parsed and handed to a
// [ReceiptSink] before they are acknowledged, so a receipt is not lost if
// the process stops.
//
// The channel binds (as a transceiver by default, so receipts arrive on the
// same connection) when it first needs the SMSC, or at once under [Run],
// and reconnects with exponential backoff when the SMSC drops or refuses
// the connection. While the SMSC is unreachable, [Channel.Deliver] fails
// fast with an error saying so, and notify's dispatcher retries the message
// later: nothing is lost. Each part is recorded (notify.Message.AcceptPart)
// as soon as its submit_sm_resp arrives, and an attempt skips the parts
// already recorded, so a message is never submitted twice once its
// acceptance is recorded. The remaining window, an SMSC that accepted a
// part but whose answer never reached us, is inherent to SMPP; see notify's
// package documentation.
//
// The connection uses gosmpp's connector (dial and bind) and PDU codec; the
// request/response matching is our own, because gosmpp's Session submits
// without waiting for the answer, while a delivery must know the SMSC's
// message id of every part before it reports the message sent.
package smpp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// ReceiptSink stores delivery receipts; notifysql.Store implements it.
type ReceiptSink interface {
	RecordReceipt(ctx context.Context, r notify.Receipt) error
}

// Channel delivers SMS through one SMSC. It implements notify.Channel and
// is safe for concurrent use.
type Channel struct {
	cfg  Config
	sink ReceiptSink
	log  *slog.Logger
	now  func() time.Time

	mu       sync.Mutex // guards the fields below; held while dialling
	sess     *session
	delay    time.Duration // the current reconnect backoff
	nextDial time.Time     // no dial before this
	lastErr  error         // the last dial error
	closed   bool
}

var _ notify.Channel = (*Channel)(nil)

// New returns a channel to the SMSC of cfg, which must be enabled and
// valid. Receipts go to sink (nil drops them); log defaults to
// slog.Default(). It does not connect: the first delivery or [Channel.Run]
// does.
func New(cfg Config, sink ReceiptSink, log *slog.Logger) (*Channel, error) {
	if !cfg.Enabled() {
		return nil, errors.New("smpp: no SMSC address configured")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Channel{cfg: cfg.withDefaults(), sink: sink, log: log, now: time.Now}, nil
}

// Via returns notify.ViaSMPP.
func (c *Channel) Via() string { return notify.ViaSMPP }

// Deliver submits m's body to m.Recipient, part by part, skipping the
// parts accepted by earlier attempts, and sets m.ProviderID to the SMSC's
// message ids of the parts. It returns an error wrapped with
// notify.Permanent when the SMSC refuses a part for good (an invalid
// number, say), and a plain error, to be retried, when the SMSC is
// unreachable, drops the connection, throttles or does not answer in time.
func (c *Channel) Deliver(ctx context.Context, m *notify.Message) error {
	parts, err := Split(m.Body)
	if err != nil {
		return notify.Permanent(err)
	}
	ref := Ref(m.ID)
	idList := make([]string, len(parts))
	for i, ud := range parts {
		seq := i + 1
		if p := m.AcceptedPart(seq); p != nil {
			idList[i] = p.ProviderID
			continue
		}
		id, err := c.submitPart(ctx, m.Recipient, ud, seq, len(parts), ref)
		if err != nil {
			return err
		}
		if err := m.AcceptPart(ctx, notify.Part{Seq: seq, Total: len(parts), ProviderID: id, AcceptedAt: c.now().UTC()}); err != nil {
			c.log.ErrorContext(ctx, "SMSC accepted a part that could not be recorded; a retry will send it again",
				"id", m.ID, "part", seq, "smsc_id", id, "err", err)
			return fmt.Errorf("smpp: record part %d (SMSC id %s): %w", seq, id, err)
		}
		idList[i] = id
	}
	m.ProviderID = strings.Join(idList, ",")
	return nil
}

// submitPart submits one part and returns the SMSC's message id.
func (c *Channel) submitPart(ctx context.Context, phone string, ud []byte, seq, total int, ref byte) (string, error) {
	sm, err := submit(c.cfg, phone, ud, seq, total, ref)
	if err != nil {
		return "", notify.Permanent(err)
	}
	s, err := c.connect()
	if err != nil {
		return "", err
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.SubmitTimeout)
	resp, err := s.request(rctx, sm)
	cancel()
	if err != nil {
		return "", fmt.Errorf("smpp: submit part %d of %d: %w", seq, total, err)
	}
	switch r := resp.(type) {
	case *pdu.SubmitSMResp:
		if r.CommandStatus == data.ESME_ROK {
			return r.MessageID, nil
		}
		err := fmt.Errorf("smpp: the SMSC refused part %d of %d: %s (%s)", seq, total, r.CommandStatus, r.CommandStatus.Desc())
		if r.CommandStatus == data.ESME_RINVBNDSTS {
			s.close(err)
		}
		if permanentStatus(r.CommandStatus) {
			return "", notify.Permanent(err)
		}
		return "", err
	case *pdu.GenericNack:
		return "", fmt.Errorf("smpp: the SMSC answered part %d of %d with generic_nack: %s", seq, total, r.CommandStatus)
	default:
		return "", fmt.Errorf("smpp: unexpected answer %T to submit_sm", resp)
	}
}

// permanentStatus reports whether a submit_sm_resp status refuses the
// message for good.
func permanentStatus(st data.CommandStatusType) bool {
	switch st {
	case data.ESME_RINVDSTADR, data.ESME_RINVSRCADR, data.ESME_RINVDSTTON, data.ESME_RINVDSTNPI, data.ESME_RINVSRCTON,
		data.ESME_RINVSRCNPI, data.ESME_RINVMSGLEN, data.ESME_RINVESMCLASS, data.ESME_RX_P_APPN, data.ESME_RX_R_APPN,
		data.ESME_RPROVNOTALLWD, data.ESME_RINVPARAM:
		return true
	}
	return false
}

// connect returns the bound session, binding when there is none unless
// the reconnect backoff says to wait.
func (c *Channel) connect() (*session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("smpp: the channel is closed")
	}
	if c.sess != nil && c.sess.alive() {
		return c.sess, nil
	}
	if c.sess != nil {
		c.log.Warn("SMSC connection lost", "smsc", c.cfg.Addr, "err", c.sess.reason())
		c.sess = nil
	}
	now := time.Now()
	if now.Before(c.nextDial) {
		return nil, fmt.Errorf("smpp: the SMSC %s is unreachable (%v); next connection attempt in %s", c.cfg.Addr,
			c.lastErr, c.nextDial.Sub(now).Round(time.Second))
	}
	s, err := dial(c.cfg, c.onDeliver)
	if err != nil {
		c.delay = min(max(2*c.delay, c.cfg.ReconnectMin), c.cfg.ReconnectMax)
		c.nextDial, c.lastErr = now.Add(c.delay), err
		c.log.Warn("SMSC unreachable", "smsc", c.cfg.Addr, "retry_in", c.delay, "err", err)
		return nil, err
	}
	c.delay, c.nextDial, c.lastErr, c.sess = 0, time.Time{}, nil, s
	c.log.Info("bound to the SMSC", "smsc", c.cfg.Addr, "system_id", c.cfg.SystemID, "transmitter_only", c.cfg.Transmitter)
	return s, nil
}

// onDeliver records a delivery receipt; a receipt that cannot be recorded
// is answered with a temporary error, so that the SMSC sends it again.
func (c *Channel) onDeliver(d *pdu.DeliverSM) data.CommandStatusType {
	if !IsReceipt(d) {
		c.log.Info("ignored a message from a handset", "from", d.SourceAddr.Address())
		return data.ESME_ROK
	}
	r, err := ParseReceipt(d, c.cfg.Location)
	if err != nil {
		c.log.Warn("unreadable delivery receipt", "err", err)
		return data.ESME_ROK // resending it would not make it readable
	}
	r.ReceivedAt = c.now().UTC()
	if c.sink == nil {
		return data.ESME_ROK
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.sink.RecordReceipt(ctx, r); err != nil {
		c.log.Error("record delivery receipt", "smsc_id", r.ProviderID, "err", err)
		return data.ESME_RX_T_APPN
	}
	return data.ESME_ROK
}

// Run keeps the channel bound until ctx ends, so that receipts arrive
// while nothing is being sent, reconnecting with backoff; then it unbinds
// and returns nil.
func (c *Channel) Run(ctx context.Context) error {
	for {
		s, err := c.connect()
		var lost <-chan struct{}
		wait := time.Duration(0)
		if err == nil {
			lost = s.done
		} else {
			c.mu.Lock()
			wait = max(time.Until(c.nextDial), 10*time.Millisecond)
			c.mu.Unlock()
		}
		var timer <-chan time.Time
		if wait > 0 {
			timer = time.After(wait)
		}
		select {
		case <-ctx.Done():
			return c.Close()
		case <-lost:
		case <-timer:
		}
	}
}

// Close unbinds and stops the channel; later deliveries fail.
func (c *Channel) Close() error {
	c.mu.Lock()
	s := c.sess
	c.sess, c.closed = nil, true
	c.mu.Unlock()
	if s != nil && s.alive() {
		s.unbind()
	}
	return nil
}
