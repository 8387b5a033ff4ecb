// Package smtp is the e-mail channel of notify: it hands each message to a
// configured SMTP relay (submission with STARTTLS and AUTH PLAIN) as a
// MIME message in UTF-8, with an RFC 2047 encoded subject and a base64
// body, so Chinese text arrives intact.
//
// A message keeps its Message-ID across attempts (it is made from the
// message's id), so a relay or mailbox that sees a retry of a message it
// already has can recognise it. A relay's 5xx answer fails the message at
// once (notify.Permanent); a 4xx answer, a refused connection or a timeout
// is retried by notify's dispatcher.
package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// The STARTTLS modes of [Config.StartTLS].
const (
	StartTLSOpportunistic = "opportunistic" // when the relay offers it (the default)
	StartTLSRequired      = "required"      // refuse to send without it
	StartTLSNone          = "none"          // never (a relay on a trusted local network)
)

// Config is the SMTP relay. An empty Addr means no relay (e-mail stays in
// the admin-visible outbox).
type Config struct {
	// Addr is the relay's host:port, e.g. smtp.example.cn:587. Env
	// PENGCHENG_SMTP_ADDR.
	Addr string
	// Username and Password authenticate with AUTH PLAIN when Username is
	// set; they are sent only over TLS or to a loopback relay. Env
	// PENGCHENG_SMTP_USERNAME and PENGCHENG_SMTP_PASSWORD (secret: see
	// [Config.Redacted]).
	Username, Password string
	// From is the sender, an address with an optional display name, e.g.
	// "鹏城政务 <noreply@gov.example.cn>". Env PENGCHENG_SMTP_FROM.
	// Required with Addr.
	From string
	// StartTLS is StartTLSOpportunistic (the default), StartTLSRequired or
	// StartTLSNone.
	StartTLS string
	// TLS adds settings for STARTTLS, such as the roots to trust; nil
	// trusts the system's roots. The server name is always the relay's.
	TLS *tls.Config
	// Timeout bounds connecting and each command. Defaults to 30s.
	Timeout time.Duration
	// HelloName is the name given in EHLO. Defaults to the domain of From.
	HelloName string
}

// Enabled reports whether a relay is configured.
func (c Config) Enabled() bool { return c.Addr != "" }

// Validate checks a configured relay's settings; a config without Addr is
// valid (and disabled). The error names every problem, with the
// environment variable to fix.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	var list []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		list = append(list, fmt.Errorf("PENGCHENG_SMTP_ADDR %q must be host:port", c.Addr))
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		list = append(list, fmt.Errorf("PENGCHENG_SMTP_FROM %q must be an e-mail address, optionally with a name: %v", c.From, err))
	}
	if c.Password != "" && c.Username == "" {
		list = append(list, errors.New("PENGCHENG_SMTP_PASSWORD is set without PENGCHENG_SMTP_USERNAME"))
	}
	switch c.StartTLS {
	case "", StartTLSOpportunistic, StartTLSRequired, StartTLSNone:
	default:
		list = append(list, fmt.Errorf("SMTP STARTTLS mode %q must be opportunistic, required or none", c.StartTLS))
	}
	if c.Timeout < 0 {
		list = append(list, errors.New("the SMTP timeout must not be negative"))
	}
	return errors.Join(list...)
}

// Redacted returns c with the password hidden, for printing.
func (c Config) Redacted() Config {
	if c.Password != "" {
		c.Password = "******"
	}
	return c
}

// String describes c without its password.
func (c Config) String() string {
	if !c.Enabled() {
		return "smtp: not configured"
	}
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("smtp://%s%s (from %s)", user, c.Addr, c.From)
}

// Channel delivers e-mail through one relay. It implements notify.Channel
// and is safe for concurrent use; each delivery uses its own connection.
type Channel struct {
	cfg  Config
	from *mail.Address
	host string
	log  *slog.Logger
	now  func() time.Time
}

var _ notify.Channel = (*Channel)(nil)

// New returns a channel to the relay of cfg, which must be enabled and
// valid; log defaults to slog.Default().
func New(cfg Config, log *slog.Logger) (*Channel, error) {
	if !cfg.Enabled() {
		return nil, errors.New("smtp: no relay address configured")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	from, _ := mail.ParseAddress(cfg.From)
	host, _, _ := net.SplitHostPort(cfg.Addr)
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.StartTLS == "" {
		cfg.StartTLS = StartTLSOpportunistic
	}
	if cfg.HelloName == "" {
		cfg.HelloName = domainOf(from.Address)
	}
	if log == nil {
		log = slog.Default()
	}
	return &Channel{cfg: cfg, from: from, host: host, log: log, now: time.Now}, nil
}

// Via returns notify.ViaSMTP.
func (c *Channel) Via() string { return notify.ViaSMTP }

// Deliver sends m to m.Recipient through the relay and sets m.ProviderID
// to the relay's answer to the message (which usually names its queue
// id). A 5xx answer is returned wrapped with notify.Permanent.
func (c *Channel) Deliver(ctx context.Context, m *notify.Message) error {
	body := Compose(c.from, m, c.now())
	client, tlsOn, err := c.dial(ctx)
	if err != nil {
		return fmt.Errorf("smtp: %s: %w", c.cfg.Addr, err)
	}
	defer client.Close()
	reply, err := c.send(client, tlsOn, m.Recipient, body)
	if err != nil {
		var se *gosmtp.SMTPError
		if errors.As(err, &se) && se.Code/100 == 5 {
			return notify.Permanent(fmt.Errorf("smtp: %s refused the message: %w", c.cfg.Addr, err))
		}
		return fmt.Errorf("smtp: %s: %w", c.cfg.Addr, err)
	}
	m.ProviderID = truncate(reply, 200)
	_ = client.Quit()
	return nil
}

// dial connects to the relay and greets it, with STARTTLS as configured;
// in the opportunistic mode a relay that does not offer STARTTLS is
// greeted again on a plain connection. It reports whether TLS is on.
func (c *Channel) dial(ctx context.Context) (*gosmtp.Client, bool, error) {
	connect := func() (net.Conn, error) {
		d := net.Dialer{Timeout: c.cfg.Timeout}
		conn, err := d.DialContext(ctx, "tcp", c.cfg.Addr)
		if err != nil {
			return nil, fmt.Errorf("connect: %w", err)
		}
		if dl, ok := ctx.Deadline(); ok {
			_ = conn.SetDeadline(dl)
		}
		return conn, nil
	}
	setup := func(cl *gosmtp.Client) { cl.CommandTimeout, cl.SubmissionTimeout = c.cfg.Timeout, c.cfg.Timeout }
	if c.cfg.StartTLS != StartTLSNone {
		conn, err := connect()
		if err != nil {
			return nil, false, err
		}
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if c.cfg.TLS != nil {
			tc = c.cfg.TLS.Clone()
		}
		tc.ServerName = c.host
		cl, err := gosmtp.NewClientStartTLS(conn, tc)
		if err == nil {
			setup(cl)
			if err := cl.Hello(c.cfg.HelloName); err != nil {
				cl.Close()
				return nil, false, fmt.Errorf("EHLO: %w", err)
			}
			return cl, true, nil
		}
		if c.cfg.StartTLS == StartTLSRequired || !strings.Contains(err.Error(), "doesn't support STARTTLS") {
			return nil, false, fmt.Errorf("STARTTLS: %w", err)
		}
	}
	conn, err := connect()
	if err != nil {
		return nil, false, err
	}
	cl := gosmtp.NewClient(conn)
	setup(cl)
	if err := cl.Hello(c.cfg.HelloName); err != nil {
		cl.Close()
		return nil, false, fmt.Errorf("EHLO: %w", err)
	}
	return cl, false, nil
}

// send runs the SMTP dialogue on a greeted client and returns the relay's
// answer to the message data.
func (c *Channel) send(client *gosmtp.Client, tlsOn bool, to string, body []byte) (string, error) {
	if c.cfg.Username != "" {
		if !tlsOn && !isLoopback(c.host) {
			return "", errors.New("refusing to send the SMTP password without TLS")
		}
		if err := client.Auth(sasl.NewPlainClient("", c.cfg.Username, c.cfg.Password)); err != nil {
			return "", fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := client.Mail(c.from.Address, nil); err != nil {
		return "", fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := client.Rcpt(to, nil); err != nil {
		return "", fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := client.Data()
	if err != nil {
		return "", fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return "", fmt.Errorf("DATA: %w", err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", fmt.Errorf("end of DATA: %w", err)
	}
	return resp.StatusText, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
