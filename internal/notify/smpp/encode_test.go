package smpp_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/pengcheng-gov/pengcheng/internal/notify/smpp"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		text  string
		sizes []int // octets per part
	}{
		{"short", "【鹏城】您的登录验证码为 123456", []int{2 * 19}},
		{"70 characters fit in one", strings.Repeat("鹏", 70), []int{140}},
		{"71 need two", strings.Repeat("鹏", 71), []int{134, 8}},
		{"134 in two", strings.Repeat("鹏", 134), []int{134, 134}},
		{"135 in three", strings.Repeat("鹏", 135), []int{134, 134, 2}},
		{"a surrogate pair is not split", strings.Repeat("鹏", 66) + "😀" + strings.Repeat("鹏", 10), []int{132, 24}},
	} {
		parts, err := smpp.Split(tc.text)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var sizes []int
		var joined []uint16
		for _, p := range parts {
			sizes = append(sizes, len(p))
			for i := 0; i < len(p); i += 2 {
				joined = append(joined, uint16(p[i])<<8|uint16(p[i+1]))
			}
		}
		if got := string(utf16.Decode(joined)); got != tc.text {
			t.Errorf("%s: parts decode to %q, want the text", tc.name, got)
		}
		if !equalInts(sizes, tc.sizes) {
			t.Errorf("%s: part sizes %v, want %v", tc.name, sizes, tc.sizes)
		}
	}
	parts, _ := smpp.Split("鹏城")
	if !bytes.Equal(parts[0], []byte{0x9E, 0x4F, 0x57, 0xCE}) {
		t.Errorf("鹏城 in UCS-2 = % X, want 9E 4F 57 CE (big-endian)", parts[0])
	}
	if _, err := smpp.Split(""); err == nil {
		t.Error("Split(\"\") succeeded, want an error")
	}
	if _, err := smpp.Split(strings.Repeat("鹏", 67*256)); err == nil {
		t.Error("Split(256 parts) succeeded, want an error")
	}
	if smpp.Ref("a") != smpp.Ref("a") {
		t.Error("Ref is not stable")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseReceiptText(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*60*60)
	for _, tc := range []struct {
		name, text         string
		id, state, errCode string
		done               time.Time
		wantErr            bool
	}{
		{"appendix B", "id:SM000001 sub:001 dlvrd:001 submit date:2603021000 done date:2603021001 stat:DELIVRD err:000 text:您好",
			"SM000001", "DELIVRD", "000", time.Date(2026, 3, 2, 2, 1, 0, 0, time.UTC), false},
		{"upper-case keys, seconds", "ID:0a1b2c SUB:001 DLVRD:000 SUBMIT DATE:260302100000 DONE DATE:260302100130 STAT:UNDELIV ERR:001 TEXT:x stat:DELIVRD",
			"0a1b2c", "UNDELIV", "001", time.Date(2026, 3, 2, 2, 1, 30, 0, time.UTC), false},
		{"no dates", "id:7 stat:EXPIRED err:0", "7", "EXPIRED", "0", time.Time{}, false},
		{"no id", "sub:001 stat:DELIVRD", "", "DELIVRD", "", time.Time{}, true},
		{"no state", "id:7 err:000", "7", "", "000", time.Time{}, true},
		{"bad date", "id:7 done date:26x3021001 stat:DELIVRD", "7", "DELIVRD", "", time.Time{}, true},
		{"a key inside a word is not a key", "xid:9 id:7 stat:DELIVRD", "7", "DELIVRD", "", time.Time{}, false},
	} {
		r, err := smpp.ParseReceiptText(tc.text, cst)
		if (err != nil) != tc.wantErr || (!tc.wantErr && (r.ProviderID != tc.id || r.State != tc.state || r.ErrorCode != tc.errCode ||
			!r.DoneAt.Equal(tc.done))) {
			t.Errorf("%s: got %+v, %v; want id %q state %q err %q done %v (error %v)", tc.name, r, err, tc.id, tc.state,
				tc.errCode, tc.done, tc.wantErr)
		}
	}
}

func FuzzParseReceiptText(f *testing.F) {
	f.Add("id:SM000001 sub:001 dlvrd:001 submit date:2603021000 done date:2603021001 stat:DELIVRD err:000 text:")
	f.Add("stat:id:done date:")
	f.Add("id: stat: err:")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := smpp.ParseReceiptText(s, time.UTC)
		if err == nil && (r.ProviderID == "" || r.State == "") {
			t.Errorf("ParseReceiptText(%q) = %+v without error, want an id and a state", s, r)
		}
	})
}

func TestConfig(t *testing.T) {
	t.Parallel()
	ok := smpp.Config{Addr: "smsc.example.cn:2775", SystemID: "pengcheng", Password: "secret", Source: "106900001234"}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(ok) = %v", err)
	}
	if err := (smpp.Config{}).Validate(); err != nil || (smpp.Config{}).Enabled() {
		t.Errorf("the empty config must be valid and disabled: %v", err)
	}
	bad := smpp.Config{Addr: "smsc.example.cn", SystemID: strings.Repeat("s", 16), Password: "much-too-long", Source: ""}
	err := bad.Validate()
	for _, want := range []string{"PENGCHENG_SMPP_ADDR", "PENGCHENG_SMPP_SYSTEM_ID", "PENGCHENG_SMPP_PASSWORD", "PENGCHENG_SMPP_SOURCE"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(bad) = %v; want it to name %s", err, want)
		}
	}
	if r := ok.Redacted(); r.Password != "******" || strings.Contains(ok.String(), "secret") {
		t.Errorf("Redacted = %+v, String = %s; want no password", r, ok)
	}
	if _, err := smpp.New(smpp.Config{}, nil, nil); err == nil {
		t.Error("New(disabled) succeeded")
	}
}
