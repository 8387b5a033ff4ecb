// Package archtest holds tests that keep the codebase's shape: every package
// has a doc comment, and domain packages import neither HTTP nor SQL nor
// their own adapters (the dependency rule in ARCHITECTURE.md).
package archtest
