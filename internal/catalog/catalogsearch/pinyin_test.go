package catalogsearch

import (
	"slices"
	"strings"
	"testing"

	"github.com/mozillazg/go-pinyin"
)

// TestReadingsMatchGoPinyin checks the converter's table against
// go-pinyin's own toneless conversion for every character of its
// dictionary.
func TestReadingsMatchGoPinyin(t *testing.T) {
	t.Parallel()
	p := NewPinyin()
	args := pinyin.NewArgs()
	args.Heteronym = true
	bad := 0
	for r := range pinyin.PinyinDict {
		want := slices.DeleteFunc(pinyin.SinglePinyin(rune(r), args), func(s string) bool {
			return s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") != ""
		})
		if got := p.readings[rune(r)]; !slices.Equal(got, want) && bad < 10 {
			bad++
			t.Errorf("%c: readings %q, go-pinyin %q", rune(r), got, want)
		}
	}
}

func TestPinyin(t *testing.T) {
	t.Parallel()
	p := NewPinyin()
	tests := []struct {
		in, reading, initials string
	}{
		{"港澳通行证", "gangaotongxingzheng", "gatxz"},
		{"社保卡", "shebaoka", "sbk"},
		{"绿色KTV", "lvseKTV", "lsKTV"},
		{"居民身份证（补领）", "juminshenfenzhengbuling", "jmsfzbl"},
		{"", "", ""},
	}
	for _, tc := range tests {
		if got := p.Reading(tc.in); got != tc.reading {
			t.Errorf("Reading(%q) = %q, want %q", tc.in, got, tc.reading)
		}
		if got := p.Initials(tc.in); got != tc.initials {
			t.Errorf("Initials(%q) = %q, want %q", tc.in, got, tc.initials)
		}
	}
	if got := strings.Join(p.SoundPairs("港澳通行证"), " "); got != "gang_ao ao_tong tong_xing xing_zheng" {
		t.Errorf("SoundPairs(港澳通行证) = %q", got)
	}
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{
		{"gangaotongxingzheng", true, "gang ao tong xing zheng"},
		{"shebaoka", true, "she bao ka"},
		{"xian", true, "xian"},
		{"gatxz", false, ""},
		{"sbk", false, ""},
		{"passport", false, ""},
		{"nng", false, ""},
	} {
		parts, ok := p.Syllables(tc.in)
		if ok != tc.ok || strings.Join(parts, " ") != tc.want {
			t.Errorf("Syllables(%q) = %q, %v; want %q, %v", tc.in, parts, ok, tc.want, tc.ok)
		}
	}
}
