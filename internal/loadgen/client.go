package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// Client is a signed-in user of a running server's JSON API.
type Client struct {
	base string
	http *http.Client
}

// SignIn signs in at base (e.g. http://127.0.0.1:8080) with a login and
// password through the login form, as a browser does, and returns a
// client carrying the session. conns bounds the connections it keeps.
func SignIn(ctx context.Context, base, login, password string, conns int) (*Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}
	c := &Client{base: strings.TrimRight(base, "/"), http: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/login", nil)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("open the login page: %w", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	u, _ := url.Parse(c.base)
	token := ""
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "pc_csrf" {
			token = ck.Value
		}
	}
	form := url.Values{"login": {login}, "password": {password}, "_csrf": {token}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	res, err = c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	var me struct {
		DisplayName string `json:"display_name"`
	}
	if code, err := c.JSON(ctx, http.MethodGet, "/api/v1/me", nil, &me); err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("sign in as %s failed (status %d): %v", login, code, err)
	}
	return c, nil
}

// Upload stores a file through POST /api/v1/files and returns its SHA-256.
func (c *Client) Upload(ctx context.Context, content []byte, contentType string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/files", bytes.NewReader(content))
	req.Header.Set("Content-Type", contentType)
	res, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	defer res.Body.Close()
	var blob struct {
		SHA256 string `json:"sha256"`
	}
	if err := json.NewDecoder(res.Body).Decode(&blob); err != nil || res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("upload: status %d: %v", res.StatusCode, err)
	}
	return blob.SHA256, nil
}

// Post sends a JSON body and returns the status and the answer's body;
// the load generator reads what it needs from it without decoding all of
// it, to spend as little of a shared machine's CPU as it can.
func (c *Client) Post(ctx context.Context, path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// Field returns the string value of the first "name": "value" pair in a
// JSON document (without escapes), or "".
func Field(doc []byte, name string) string {
	key := []byte(`"` + name + `":"`)
	i := bytes.Index(doc, key)
	if i < 0 {
		return ""
	}
	rest := doc[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// JSON sends body (nil for none) as JSON and decodes the answer into out
// (nil to discard it); it returns the status.
func (c *Client) JSON(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out == nil {
		_, err = io.Copy(io.Discard, res.Body)
		return res.StatusCode, err
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return res.StatusCode, fmt.Errorf("decode %s %s (status %d): %w", method, path, res.StatusCode, err)
	}
	return res.StatusCode, nil
}
