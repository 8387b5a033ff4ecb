package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// EventLoad offers grid-event reports to a running server, as patrol
// devices (batches to POST /api/v1/events:batch) or people (single
// reports to POST /api/v1/events) would: points inside the server's
// micro-grids, its categories, and a client reference unique to the run
// for each report. Bodies are written with appends, not encoding/json, to
// leave a shared machine's CPU to the server.
type EventLoad struct {
	c      *Client
	points []grid.Point
	cats   []string
	run    string
}

// NewEventLoad reads the server's micro-grids and categories and draws
// npoints points inside the micro-grids (seeded, the same for the same
// seed); run names the run in the reports' client references.
func NewEventLoad(ctx context.Context, c *Client, seed uint64, npoints int, run string) (*EventLoad, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/v1/grid/cells?level=microgrid", nil)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the micro-grids: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read the micro-grids: status %d", res.StatusCode)
	}
	cells, probs, err := grid.ReadFeatures(res.Body, "server")
	if err != nil || len(probs) > 0 || len(cells) == 0 {
		return nil, fmt.Errorf("read the micro-grids: %v (%d problems, %d cells)", err, len(probs), len(cells))
	}
	for _, c := range cells {
		c.Parent = "" // located alone: no chain needed
	}
	ix := grid.NewIndex(0, grid.Levels{{Name: grid.Microgrid, Rank: 1}}, cells, nil, nil, nil)
	var cats []struct {
		Code, Parent string
		Disabled     bool
	}
	if code, err := c.JSON(ctx, http.MethodGet, "/api/v1/events/categories", nil, &cats); err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("read the categories: status %d: %v", code, err)
	}
	l := &EventLoad{c: c, run: run}
	for _, k := range cats {
		if k.Parent != "" && !k.Disabled {
			l.cats = append(l.cats, k.Code)
		}
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	for len(l.points) < npoints {
		cell := cells[rng.IntN(len(cells))]
		b := cell.Geometry.Bound()
		p := grid.Point{b.MinLon + rng.Float64()*(b.MaxLon-b.MinLon), b.MinLat + rng.Float64()*(b.MaxLat-b.MinLat)}
		if ix.Locate(p).Cell() != nil {
			l.points = append(l.points, p)
		}
	}
	return l, nil
}

// appendReport appends report number i (of request req) as JSON.
func (l *EventLoad) appendReport(b []byte, req, i int) []byte {
	n := req*1_000_003 + i
	p := l.points[n%len(l.points)]
	b = append(b, `{"category":"`...)
	b = append(b, l.cats[n%len(l.cats)]...)
	b = append(b, `","description":"压测：巡查发现问题（合成数据）","lon":`...)
	b = strconv.AppendFloat(b, p[0], 'f', 6, 64)
	b = append(b, `,"lat":`...)
	b = strconv.AppendFloat(b, p[1], 'f', 6, 64)
	b = append(b, `,"client_ref":"lg-`...)
	b = append(b, l.run...)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(req), 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, `"}`...)
}

// BatchBody returns request req's batch of n reports.
func (l *EventLoad) BatchBody(req, n int) []byte {
	b := make([]byte, 0, n*170+2)
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = l.appendReport(b, req, i)
	}
	return append(b, ']')
}

// Batch sends request req's batch of n reports; every report must be
// accepted.
func (l *EventLoad) Batch(ctx context.Context, req, n int) (string, error) {
	code, body, err := l.c.Post(ctx, "/api/v1/events:batch", l.BatchBody(req, n))
	if err != nil {
		return "", err
	}
	if code != http.StatusOK {
		return "", fmt.Errorf("status %d: %.300s", code, body)
	}
	var res struct{ Accepted, Existing, Refused int }
	// The counts come first (the answer's keys are sorted): read them
	// without the results.
	if i := bytes.Index(body, []byte(`,"results"`)); i > 0 {
		body = append(body[:i:i], '}')
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return "", fmt.Errorf("read the answer: %w", err)
	}
	if res.Accepted+res.Existing != n {
		return "", fmt.Errorf("%d of %d reports accepted (%d refused)", res.Accepted+res.Existing, n, res.Refused)
	}
	return "accepted", nil
}

// Single sends report number req alone.
func (l *EventLoad) Single(ctx context.Context, req int) (string, error) {
	code, body, err := l.c.Post(ctx, "/api/v1/events", l.appendReport(nil, req, 0))
	if err != nil {
		return "", err
	}
	if code != http.StatusCreated {
		return "", fmt.Errorf("status %d: %.300s", code, body)
	}
	return Field(body, "state"), nil
}

// EventLoadAt returns an event load at the given points and categories,
// for tests that have them at hand.
func EventLoadAt(c *Client, points []grid.Point, categories []string, run string) *EventLoad {
	return &EventLoad{c: c, points: points, cats: categories, run: run}
}

// SessionClient returns a client of base that carries a session cookie
// (name=value), for tests that signed in without the login page.
func SessionClient(base, name, value string, conns int) (*Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}
	return &Client{base: strings.TrimRight(base, "/"), http: &http.Client{Jar: jar, Transport: tr, Timeout: 60 * time.Second}}, nil
}
