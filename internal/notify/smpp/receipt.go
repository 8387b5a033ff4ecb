package smpp

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// receiptStates are the message states of SMPP 3.4 (appendix B), by the
// value of the message_state TLV.
var receiptStates = map[byte]string{1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD",
	7: "UNKNOWN", 8: "REJECTD"}

// IsReceipt reports whether a deliver_sm carries an SMSC delivery receipt
// (esm_class message type 0x04) rather than a message from a handset.
func IsReceipt(d *pdu.DeliverSM) bool { return d.EsmClass&0x3C == data.SM_SMSC_DLV_RCPT_TYPE }

// ParseReceipt reads the delivery receipt in a deliver_sm: the text
// "id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…" of
// SMPP 3.4 appendix B, completed or overridden by the receipted_message_id
// and message_state TLVs when present. Dates are read in loc.
func ParseReceipt(d *pdu.DeliverSM, loc *time.Location) (notify.Receipt, error) {
	raw, _ := d.Message.GetMessageData()
	r, err := ParseReceiptText(string(raw), loc)
	if f, ok := d.OptionalParameters[pdu.TagReceiptedMessageID]; ok && f.String() != "" {
		r.ProviderID = f.String()
	}
	if f, ok := d.OptionalParameters[pdu.TagMessageStateOption]; ok && len(f.Data) == 1 && receiptStates[f.Data[0]] != "" {
		r.State = receiptStates[f.Data[0]]
	}
	if r.ProviderID != "" && r.State != "" {
		return r, nil
	}
	if err == nil {
		err = errors.New("smpp receipt: no message id or state")
	}
	return r, err
}

// ParseReceiptText reads the text of a delivery receipt. Keys are matched
// without regard to case; unknown keys are ignored. It returns an error
// when the id or the state is missing or a date cannot be read.
func ParseReceiptText(s string, loc *time.Location) (notify.Receipt, error) {
	var r notify.Receipt
	fields := receiptFields(s)
	r.ProviderID, r.State, r.ErrorCode = fields["id"], strings.ToUpper(fields["stat"]), fields["err"]
	var err error
	if done := fields["done date"]; done != "" {
		if r.DoneAt, err = receiptDate(done, loc); err != nil {
			return r, err
		}
	}
	if r.ProviderID == "" || r.State == "" {
		return r, fmt.Errorf("smpp receipt %q: no message id or state", truncate(s, 80))
	}
	return r, nil
}

// receiptFields splits "key:value key two:value …" into lower-case keys
// and values; the text field ends the list.
func receiptFields(s string) map[string]string {
	out := map[string]string{}
	keys := []string{"id", "sub", "dlvrd", "submit date", "done date", "stat", "err", "text"}
	lower := asciiLower(s) // same length as s, so its indexes hold in s
	type at struct {
		key        string
		start, end int // of "key:" in s
	}
	var found []at
	for _, k := range keys {
		for i := 0; i < len(lower); {
			j := strings.Index(lower[i:], k+":")
			if j < 0 {
				break
			}
			j += i
			if j == 0 || lower[j-1] == ' ' {
				found = append(found, at{k, j, j + len(k) + 1})
				break
			}
			i = j + 1
		}
	}
	for _, f := range found {
		end := len(s)
		for _, g := range found {
			if g.start > f.start && g.start < end {
				end = g.start
			}
		}
		if f.key == "text" {
			end = len(s)
		}
		out[f.key] = strings.TrimSpace(s[f.end:end])
	}
	return out
}

// asciiLower lower-cases the ASCII letters of s and leaves every other
// byte alone (strings.ToLower may change the length of invalid UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// receiptDate reads YYMMDDhhmm or YYMMDDhhmmss in loc.
func receiptDate(v string, loc *time.Location) (time.Time, error) {
	layout := "0601021504"
	if len(v) == 12 {
		layout = "060102150405"
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("smpp receipt date %q: %w", v, err)
	}
	return t.UTC(), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
