package smpp

import (
	"errors"
	"fmt"
	"hash/fnv"
	"unicode/utf16"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// UCS-2 limits: one message holds 70 characters (140 octets); a part of a
// concatenated message holds 67, the user data header taking 6 octets.
const (
	SingleChars = 70
	PartChars   = 67
	maxParts    = 255
)

// Split cuts text into the UCS-2 (UTF-16 big-endian) user data of its
// parts: one part when it fits in SingleChars UTF-16 units, otherwise parts
// of at most PartChars units, never splitting a surrogate pair. It returns
// an error for an empty text or one that needs more than 255 parts.
func Split(text string) ([][]byte, error) {
	units := utf16.Encode([]rune(text))
	if len(units) == 0 {
		return nil, errors.New("smpp: empty message")
	}
	var chunks [][]uint16
	if len(units) <= SingleChars {
		chunks = [][]uint16{units}
	} else {
		for len(units) > 0 {
			n := min(PartChars, len(units))
			if u := units[n-1]; n < len(units) && u >= 0xD800 && u < 0xDC00 {
				n-- // keep a high surrogate with its low one
			}
			chunks = append(chunks, units[:n])
			units = units[n:]
		}
	}
	if len(chunks) > maxParts {
		return nil, fmt.Errorf("smpp: the message needs %d parts, more than %d", len(chunks), maxParts)
	}
	out := make([][]byte, len(chunks))
	for i, c := range chunks {
		b := make([]byte, 2*len(c))
		for j, u := range c {
			b[2*j], b[2*j+1] = byte(u>>8), byte(u)
		}
		out[i] = b
	}
	return out, nil
}

// Ref returns the concatenation reference of a message: derived from its
// id, so that every attempt sends its parts under the same reference and
// a handset can join parts sent in different attempts.
func Ref(id string) byte {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return byte(h.Sum32())
}

// submit builds the submit_sm of part seq (1-based) of total, carrying
// user data ud in UCS-2, with a concatenation header when total > 1, and
// asking for a delivery receipt.
func submit(c Config, phone string, ud []byte, seq, total int, ref byte) (*pdu.SubmitSM, error) {
	sm := pdu.NewSubmitSM().(*pdu.SubmitSM)
	src := pdu.NewAddressWithTonNpi(0, 1) // unknown type, ISDN: a service number
	if isAlnum(c.Source) {
		src = pdu.NewAddressWithTonNpi(5, 0) // alphanumeric sender id
	}
	if err := src.SetAddress(c.Source); err != nil {
		return nil, fmt.Errorf("smpp source address: %w", err)
	}
	dst := pdu.NewAddressWithTonNpi(1, 1) // international, ISDN
	if err := dst.SetAddress("86" + phone); err != nil {
		return nil, fmt.Errorf("smpp destination address: %w", err)
	}
	msg, err := pdu.NewBinaryShortMessageWithEncoding(ud, data.UCS2)
	if err != nil {
		return nil, fmt.Errorf("smpp short message: %w", err)
	}
	if total > 1 {
		msg.SetUDH(pdu.UDH{pdu.NewIEConcatMessage(byte(total), byte(seq), ref)})
		sm.EsmClass = data.SM_UDH_GSM // UDHI: the user data starts with a header
	}
	sm.SourceAddr, sm.DestAddr, sm.Message = src, dst, msg
	sm.RegisteredDelivery = 1 // a receipt for the final outcome
	return sm, nil
}
