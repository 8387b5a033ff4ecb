// Package e2e holds end-to-end tests that boot the whole platform on a
// random port and drive it as its users do: over HTTP with a cookie jar, as
// an OpenID Connect relying party, and in headless Chromium.
package e2e
