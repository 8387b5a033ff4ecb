// Package loadgen drives a running Pengcheng server the way many users at
// once would, to measure it end to end: synthetic graduates for the
// registries, a client that signs in and applies through the JSON API, and
// an open-loop runner that offers requests at a fixed rate (or as fast as
// a number of workers can) and reports latency percentiles measured from
// each request's scheduled start, so that a stalled server cannot hide
// its queueing.
package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Graduate is a synthetic new graduate who passes every rule of the
// graduate-settlement item: a Wuhan hukou, a full-time 本科 diploma from
// 2026-06-30 with a 学士 degree, aged 22–24.
type Graduate struct {
	IDNumber      string
	Name          string
	CertificateNo string
	DegreeNo      string
}

// idWeights are GB 11643's weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkChar returns the check character of 17 digits.
func checkChar(d string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(d[i]-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

// Graduates returns n synthetic graduates, the same n for the same n:
// the generator of the registry files and the load generator agree on
// them without sharing state. n is at most 899,999.
func Graduates(n int) []Graduate {
	out := make([]Graduate, n)
	born := time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		day := born.AddDate(0, 0, i%900)
		seq := 100 + i/900
		body := fmt.Sprintf("420106%s%03d", day.Format("20060102"), seq%1000)
		out[i] = Graduate{
			IDNumber:      body + string(checkChar(body)),
			Name:          fmt.Sprintf("压测毕业生%06d", i+1),
			CertificateNo: fmt.Sprintf("1990992026%08d", i+1),
			DegreeNo:      fmt.Sprintf("19909926%08d", i+1),
		}
	}
	return out
}

// WriteRegistries writes the graduates' population and education records
// as JSON Lines for `pengcheng exchange import`.
func WriteRegistries(gs []Graduate, population, education io.Writer) error {
	pe, ee := json.NewEncoder(population), json.NewEncoder(education)
	pe.SetEscapeHTML(false)
	ee.SetEscapeHTML(false)
	for _, g := range gs {
		birth := g.IDNumber[6:10] + "-" + g.IDNumber[10:12] + "-" + g.IDNumber[12:14]
		gender := "女"
		if (g.IDNumber[16]-'0')%2 == 1 {
			gender = "男"
		}
		if err := pe.Encode(map[string]string{"id_number": g.IDNumber, "name": g.Name, "gender": gender, "birth_date": birth,
			"hukou_division": "420106", "hukou_address": "湖北省武汉市武昌区压测街道（虚构地址）", "status": "正常"}); err != nil {
			return fmt.Errorf("write population: %w", err)
		}
		if err := ee.Encode(map[string]string{"id_number": g.IDNumber, "name": g.Name, "school": "武昌示范大学（演示）",
			"level": "本科", "study_mode": "全日制", "graduation_date": "2026-06-30", "certificate_no": g.CertificateNo,
			"degree": "学士", "degree_certificate_no": g.DegreeNo}); err != nil {
			return fmt.Errorf("write education: %w", err)
		}
	}
	return nil
}
