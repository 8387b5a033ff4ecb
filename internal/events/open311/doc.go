// Package open311 is grid events seen through Open311 GeoReport v2, the
// standard that city reporting apps speak: the event categories as
// services (with their subcategories as an attribute), reports made as
// service requests, and events read back as service requests with an
// open or closed status.
//
// The package holds the translation and the rules and does no SQL and no
// HTTP: [Keys] manages the API keys of client systems (shown once, kept
// as SHA-256 hashes; storage in open311sql), and [Service] answers the
// spec's methods through the events service, the only place events are
// made or read. The XML and JSON documents at /open311/v2/ are written by
// open311web.
//
// # Mapping
//
//   - service_code is an event category's code; a top-level category with
//     subcategories has metadata true and a "subcategory" attribute
//     (singlevaluelist) whose values are its subcategories; every service
//     also carries an informational attribute (variable false) naming the
//     department responsible and the time limit. group is the top-level
//     category's name.
//   - service_request_id is the event's code (e.g. 20260315000123); every
//     service is "realtime", since an event is durable when it is
//     reported. The event's internal id also works as a token.
//   - status is closed for closed events and open for every other state;
//     status_notes names the state (and says when an event was merged into
//     another, is overdue, or is synthetic demo data).
//   - requested_datetime is when the event was seen, expected_datetime its
//     SLA due time, updated_datetime its last change (its closure when
//     closed), address_id its micro-grid, agency_responsible the
//     department it is assigned to (or suggested for).
//
// # Who may do what
//
// Reporting needs an API key: a request is made by a client actor
// ("open311:" + the key's id, named after the key) with the source
// "open311". Reading service requests needs a key too unless the service
// is configured for public reads, because events may name people and
// businesses; the service list, definitions and discovery are public.
// Only platform admins (or the platform itself: the command line) manage
// keys.
package open311
