package smtp

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"net/mail"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// chinaTime is the zone of the Date header: China Standard Time.
var chinaTime = time.FixedZone("CST", 8*60*60)

// Compose returns m as an RFC 5322 message from from, dated now: UTF-8
// plain text, the subject encoded per RFC 2047 when it is not ASCII, the
// body in base64 lines of 76 characters, CRLF line ends, and a Message-ID
// made from m's id.
func Compose(from *mail.Address, m *notify.Message, now time.Time) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", (&mail.Address{Address: m.Recipient}).String())
	header("Subject", mime.BEncoding.Encode("UTF-8", m.Subject))
	header("Date", now.In(chinaTime).Format(time.RFC1123Z))
	header("Message-ID", "<"+m.ID+"@"+domainOf(from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
