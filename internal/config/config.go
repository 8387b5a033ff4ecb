// Package config holds Pengcheng's one documented configuration, read from
// defaults, then PENGCHENG_* environment variables, then command-line flags,
// and validated once at start-up.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/notify/smpp"
	"github.com/pengcheng-gov/pengcheng/internal/notify/smtp"
)

// Config is the effective configuration of one Pengcheng process. The zero
// value is not valid: start from [Default].
type Config struct {
	// Addr is the TCP address the web server listens on.
	// Env PENGCHENG_ADDR, flag --addr. Defaults to 127.0.0.1:8080.
	Addr string
	// DataDir is where the SQLite database and stored files live; it is
	// created if missing. Env PENGCHENG_DATA, flag --data. Defaults to
	// ./pengcheng-data.
	DataDir string
	// DB selects the database: "sqlite:PATH" or a "postgres://" URL.
	// Env PENGCHENG_DB, flag --db. Defaults to sqlite:DATA/pengcheng.db.
	DB string
	// BaseURL is the public URL of the platform, used as the OpenID Connect
	// issuer and in links. Env PENGCHENG_BASE_URL, flag --base-url.
	// Defaults to http://ADDR.
	BaseURL string
	// SecureCookies marks cookies Secure. Env PENGCHENG_SECURE_COOKIES.
	// Defaults to true when BaseURL is https.
	SecureCookies bool
	// SessionTTL is how long a login session lasts without activity.
	// Env PENGCHENG_SESSION_TTL. Defaults to 12h.
	SessionTTL time.Duration
	// ShutdownTimeout bounds how long in-flight requests may run after
	// SIGINT/SIGTERM. Env PENGCHENG_SHUTDOWN_TIMEOUT. Defaults to 15s.
	ShutdownTimeout time.Duration
	// LogLevel is debug, info, warn or error. Env PENGCHENG_LOG_LEVEL.
	// Defaults to info.
	LogLevel string
	// LogFormat is text or json. Env PENGCHENG_LOG_FORMAT. Defaults to text.
	LogFormat string
	// Lang is the default UI language, zh or en. Env PENGCHENG_LANG.
	// Defaults to zh.
	Lang string
	// MaxUploadBytes limits one uploaded file. Env PENGCHENG_MAX_UPLOAD_BYTES.
	// Defaults to 10 MiB.
	MaxUploadBytes int64
	// SMPP is the SMS centre that text messages go to. Env
	// PENGCHENG_SMPP_ADDR, _SYSTEM_ID, _PASSWORD (secret), _SOURCE. Without
	// an address, texts stay in the admin outbox and the recipient's inbox.
	SMPP smpp.Config
	// SMTP is the mail relay e-mail goes to. Env PENGCHENG_SMTP_ADDR,
	// _USERNAME, _PASSWORD (secret), _FROM, _STARTTLS. Without an address,
	// e-mail stays in the admin outbox and the recipient's inbox.
	SMTP smtp.Config
	// DevLogins prints demo logins and shows one-time codes in the admin
	// outbox; it is set by the demo command only.
	DevLogins bool

	secureSet bool
}

// Default returns the default configuration.
func Default() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./pengcheng-data",
		SessionTTL:      12 * time.Hour,
		ShutdownTimeout: 15 * time.Second,
		LogLevel:        "info",
		LogFormat:       "text",
		Lang:            "zh",
		MaxUploadBytes:  10 << 20,
	}
}

// FromEnv overlays PENGCHENG_* variables read through getenv onto c.
func (c *Config) FromEnv(getenv func(string) string) error {
	var errs []error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	dur := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not a duration such as 30s or 12h", name, v))
				return
			}
			*dst = d
		}
	}
	str("PENGCHENG_ADDR", &c.Addr)
	str("PENGCHENG_DATA", &c.DataDir)
	str("PENGCHENG_DB", &c.DB)
	str("PENGCHENG_BASE_URL", &c.BaseURL)
	str("PENGCHENG_LOG_LEVEL", &c.LogLevel)
	str("PENGCHENG_LOG_FORMAT", &c.LogFormat)
	str("PENGCHENG_LANG", &c.Lang)
	str("PENGCHENG_SMPP_ADDR", &c.SMPP.Addr)
	str("PENGCHENG_SMPP_SYSTEM_ID", &c.SMPP.SystemID)
	str("PENGCHENG_SMPP_PASSWORD", &c.SMPP.Password)
	str("PENGCHENG_SMPP_SOURCE", &c.SMPP.Source)
	str("PENGCHENG_SMTP_ADDR", &c.SMTP.Addr)
	str("PENGCHENG_SMTP_USERNAME", &c.SMTP.Username)
	str("PENGCHENG_SMTP_PASSWORD", &c.SMTP.Password)
	str("PENGCHENG_SMTP_FROM", &c.SMTP.From)
	str("PENGCHENG_SMTP_STARTTLS", &c.SMTP.StartTLS)
	dur("PENGCHENG_SESSION_TTL", &c.SessionTTL)
	dur("PENGCHENG_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	if v := getenv("PENGCHENG_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("PENGCHENG_SECURE_COOKIES: %q is not true or false", v))
		} else {
			c.SecureCookies, c.secureSet = b, true
		}
	}
	if v := getenv("PENGCHENG_MAX_UPLOAD_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("PENGCHENG_MAX_UPLOAD_BYTES: %q is not a whole number of bytes", v))
		} else {
			c.MaxUploadBytes = n
		}
	}
	return errors.Join(errs...)
}

// RegisterFlags adds the flags shared by every subcommand that touches data
// to fs; parsing fs then overlays them onto c.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (PENGCHENG_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory for the SQLite database and stored files (PENGCHENG_DATA)")
	fs.StringVar(&c.DB, "db", c.DB, "database: sqlite:PATH or postgres://… (PENGCHENG_DB)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public URL and OpenID Connect issuer (PENGCHENG_BASE_URL)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (PENGCHENG_LOG_LEVEL)")
}

// Complete fills the values derived from others (DB from DataDir, BaseURL
// from Addr, SecureCookies from BaseURL) and validates the result.
func (c *Config) Complete() error {
	if c.DB == "" {
		c.DB = "sqlite:" + filepath.Join(c.DataDir, "pengcheng.db")
	}
	if c.BaseURL == "" {
		host := c.Addr
		if h, p, err := net.SplitHostPort(c.Addr); err == nil && (h == "" || h == "0.0.0.0" || h == "::") {
			host = net.JoinHostPort("localhost", p)
		}
		c.BaseURL = "http://" + host
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if !c.secureSet {
		c.SecureCookies = strings.HasPrefix(c.BaseURL, "https://")
	}
	return c.Validate()
}

// Validate reports every problem with c, one per line.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr: %q is not host:port (e.g. 127.0.0.1:8080)", c.Addr))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data: the data directory must not be empty"))
	}
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		errs = append(errs, fmt.Errorf("db: %q must start with sqlite: or postgres://", Redact(c.DB)))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base-url: %q must be an http or https URL", c.BaseURL))
	}
	if c.SessionTTL < time.Minute {
		errs = append(errs, fmt.Errorf("session TTL %s is shorter than a minute", c.SessionTTL))
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("shutdown timeout must be positive"))
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("log-level: %q is not debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format: %q is not text or json", c.LogFormat))
	}
	if c.Lang != "zh" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("lang: %q is not zh or en", c.Lang))
	}
	if c.SMPP.Enabled() {
		if err := c.SMPP.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.SMTP.Enabled() {
		if err := c.SMTP.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.MaxUploadBytes < 1024 {
		errs = append(errs, fmt.Errorf("max upload bytes %d is below 1 KiB", c.MaxUploadBytes))
	}
	return errors.Join(errs...)
}

// Logger returns the structured logger the configuration asks for.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: lv}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Print writes the effective configuration to w with secrets redacted.
func (c *Config) Print(w io.Writer) {
	fmt.Fprintf(w, "addr              %s\n", c.Addr)
	fmt.Fprintf(w, "data              %s\n", c.DataDir)
	fmt.Fprintf(w, "db                %s\n", Redact(c.DB))
	fmt.Fprintf(w, "base-url          %s\n", c.BaseURL)
	fmt.Fprintf(w, "secure-cookies    %t\n", c.SecureCookies)
	fmt.Fprintf(w, "session-ttl       %s\n", c.SessionTTL)
	fmt.Fprintf(w, "shutdown-timeout  %s\n", c.ShutdownTimeout)
	fmt.Fprintf(w, "log-level         %s\n", c.LogLevel)
	fmt.Fprintf(w, "log-format        %s\n", c.LogFormat)
	fmt.Fprintf(w, "lang              %s\n", c.Lang)
	fmt.Fprintf(w, "max-upload-bytes  %d\n", c.MaxUploadBytes)
	fmt.Fprintf(w, "smpp              %s\n", orNone(c.SMPP.Enabled(), c.SMPP.Redacted().String()))
	fmt.Fprintf(w, "smtp              %s\n", orNone(c.SMTP.Enabled(), c.SMTP.Redacted().String()))
}

// Redact hides the password in a database URL.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// EnsureDataDir creates the data directory if it does not exist.
func (c *Config) EnsureDataDir() error {
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	return nil
}

// orNone returns s, or a note that the gateway is not configured.
func orNone(enabled bool, s string) string {
	if !enabled {
		return "(not configured: messages stay in the admin outbox and the in-app inbox)"
	}
	return s
}
