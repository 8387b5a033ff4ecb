// Package notify sends messages to people: text messages (SMS), e-mail and
// in-app notices, through a durable outbox.
//
// # The outbox
//
// A message is a row of the notifications table. Enqueueing writes it as
// pending, due now; because it is an ordinary row, a caller can write it in
// the same database transaction as the change that causes it (see
// notifysql.Enqueue and notifysql.Store.WithConn), so the message exists if
// and only if the change was committed. A message may carry an idempotency
// key: a second message with the same key is not stored, and the first is
// returned instead, so a retried request sends nothing twice.
//
// The dispatcher ([Service.Run], one goroutine per process, any number of
// processes) claims due messages under a lease: a claim sets locked_until
// and a random lock token and counts the attempt, in one statement that on
// PostgreSQL skips rows locked by concurrent claimers (FOR UPDATE SKIP
// LOCKED) and on SQLite runs on the single writer connection. The worker
// hands each message to the [Channel] of its channel name and reports the
// outcome quoting its token; a report from a worker whose lease expired is
// refused with [ErrLeaseLost]. A refused message is retried with
// exponential backoff and jitter until [DispatchConfig.MaxAttempts], then
// fails; an error wrapped with [Permanent] fails at once. A worker that
// crashed mid-delivery leaves its lease to expire, after which the message
// is claimed again and the lost attempt is recorded as abandoned.
//
// # At most once
//
// A message's channel result and the gateway's id are recorded in the same
// update that marks it sent. A message sent in parts (a long SMS) records
// each part as soon as the gateway accepts it, and a later attempt sends
// only the parts not yet recorded, with the same concatenation reference.
// What no outbox can close is the window between the gateway's acceptance
// (an SMSC's submit_sm_resp) and the commit of that record: if the process
// dies, or the connection drops after the gateway accepted a part but
// before its answer arrived, the part is sent again on the next attempt.
// The window is kept to one small database write per part; the lease is
// longer than a channel may take, so a slow but live worker is never
// overtaken.
//
// # Why not River
//
// The platform's plan suggested River for background jobs. River (v0.51)
// fits PostgreSQL through pgx, but this platform opens both databases
// through database/sql behind internal/db, which keeps the *sql.DB and
// *sql.Tx to itself: River's transactional insert (InsertTx) needs the
// driver's own transaction type, so every caller would have to leave the
// db.Conn abstraction; River brings its own schema and migration line
// (rivermigrate) beside the goose migrations that are kept identical per
// dialect; and its SQLite driver, by its own description in early testing,
// needs a one-connection pool, where its producer, leader election and
// maintenance queries would queue in front of the application's writes on
// our single writer. The messages are rows that administrators read and
// retry anyway, so the outbox table is the queue: one claim query, one
// finish query, portable across both databases.
//
// # Channels
//
// Channels are configured per channel name. Without a gateway, SMS and
// e-mail go to the [Outbox] channel: they are marked sent via "outbox",
// readable by platform administrators in the admin outbox, and shown in the
// recipient's in-app inbox when the recipient's account is known. The
// SMPP and SMTP channels live in the packages smpp and smtp; in-app
// notices are delivered by [Inbox].
//
// # Templates
//
// Messages may be written from [Templates]: named text/template texts in
// Simplified Chinese and English with declared variables, checked when the
// registry is built.
//
// The package holds the domain and the [Service]; storage is the [Store]
// interface, implemented in notifysql.
package notify
