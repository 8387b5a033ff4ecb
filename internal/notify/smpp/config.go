package smpp

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Config is the connection to an SMSC. The platform reads it from the
// environment; an empty Addr means no SMSC (text messages stay in the
// admin-visible outbox).
type Config struct {
	// Addr is the SMSC's host:port. Env PENGCHENG_SMPP_ADDR.
	Addr string
	// SystemID identifies this platform to the SMSC (at most 15
	// characters). Env PENGCHENG_SMPP_SYSTEM_ID. Required with Addr.
	SystemID string
	// Password authenticates SystemID (at most 8 characters, as SMPP 3.4
	// allows). Env PENGCHENG_SMPP_PASSWORD. Secret: see [Config.Redacted].
	Password string
	// Source is the sender address shown on handsets: a service number
	// such as 106900001234, or an alphanumeric name. Env
	// PENGCHENG_SMPP_SOURCE. Required with Addr.
	Source string
	// SystemType is sent in the bind when the SMSC asks for one. Defaults
	// to empty.
	SystemType string
	// Transmitter binds as a transmitter only; the default binds as a
	// transceiver, which also receives the delivery receipts.
	Transmitter bool
	// ConnectTimeout bounds connecting and binding. Defaults to 10s.
	ConnectTimeout time.Duration
	// SubmitTimeout bounds the wait for one submit_sm_resp. Defaults to 10s.
	SubmitTimeout time.Duration
	// EnquireLink is how often an idle bind is checked. Defaults to 30s.
	EnquireLink time.Duration
	// ReconnectMin and ReconnectMax bound the backoff between attempts to
	// reconnect to an SMSC that dropped or refused the connection: the
	// delay starts at ReconnectMin and doubles up to ReconnectMax.
	// Default 1s and 60s.
	ReconnectMin, ReconnectMax time.Duration
	// Location is the time zone of the dates in delivery receipts.
	// Defaults to China Standard Time.
	Location *time.Location
}

// Enabled reports whether an SMSC is configured.
func (c Config) Enabled() bool { return c.Addr != "" }

// Validate checks a configured SMSC's settings; a config without Addr is
// valid (and disabled). The error names every problem, with the
// environment variable to fix.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	var list []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		list = append(list, fmt.Errorf("PENGCHENG_SMPP_ADDR %q must be host:port", c.Addr))
	}
	if c.SystemID == "" || len(c.SystemID) > 15 {
		list = append(list, errors.New("PENGCHENG_SMPP_SYSTEM_ID must have 1 to 15 characters"))
	}
	if len(c.Password) > 8 {
		list = append(list, errors.New("PENGCHENG_SMPP_PASSWORD must have at most 8 characters"))
	}
	if c.Source == "" || len(c.Source) > 20 {
		list = append(list, errors.New("PENGCHENG_SMPP_SOURCE must have 1 to 20 characters"))
	}
	for _, d := range []time.Duration{c.ConnectTimeout, c.SubmitTimeout, c.EnquireLink, c.ReconnectMin, c.ReconnectMax} {
		if d < 0 {
			list = append(list, errors.New("SMPP timeouts must not be negative"))
			break
		}
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
		return "smpp: not configured"
	}
	bind := "transceiver"
	if c.Transmitter {
		bind = "transmitter"
	}
	return fmt.Sprintf("smpp://%s@%s (%s, source %s)", c.SystemID, c.Addr, bind, c.Source)
}

// withDefaults fills the zero durations.
func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.ConnectTimeout, 10*time.Second)
	def(&c.SubmitTimeout, 10*time.Second)
	def(&c.EnquireLink, 30*time.Second)
	def(&c.ReconnectMin, time.Second)
	def(&c.ReconnectMax, time.Minute)
	if c.Location == nil {
		c.Location = chinaTime()
	}
	return c
}

// chinaTime is China Standard Time, from the zone database when present.
func chinaTime() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}

// isAlnum reports whether a sender address holds letters (an alphanumeric
// sender id rather than a number).
func isAlnum(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0
}
