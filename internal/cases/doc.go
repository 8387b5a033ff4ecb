// Package cases is the one window (一窗受理) of one-stop government
// services: every application (办件) for any department's service item,
// whichever channel it comes through, gets one unified serial number
// (统一流水号) and follows one state machine with a full trace, to a
// decision and the delivery of the result (EMS 快递到家).
//
// # Serial numbers
//
// A serial number is region + day + daily sequence + check character
// (see [Serial], [ParseSerial]). The sequence is drawn from a counter row
// in the database inside the submitting transaction, so it is unique
// across server instances and never reused.
//
// # Applications
//
// An [Application] is an item's form (validated against the item's form
// fields with catalog.ValidateForm) plus its materials: uploads (stored
// content-addressed by package files), electronic licences, or records
// another department shares ([MaterialKind]); today uploads are
// accepted, exchange materials need nothing from the applicant, and
// licence references are refused until the licence library is connected.
// The applicant is a person for themselves, an enterprise, or a person
// represented by an agent with a mandate ([Representation]); channels are
// online, window (staff submit for a visitor) and mobile ([Channel]).
//
// # States
//
// [Transition] is the state machine: draft → submitted → accepted (受理) /
// returned for correction (补正) / not accepted (不予受理) → under review →
// approved / rejected → delivered → closed, and withdrawal by the
// applicant before a decision. Every change writes an [Event] (who, when,
// from, to, why) and bumps the application's version; a change based on a
// stale version is refused (errs.Conflict) and changes nothing.
// Deadlines run in working days from acceptance on a [Calendar] of
// weekends, public holidays and make-up working days.
//
// # Who sees what
//
// The [Service] decides: applicants see their own applications (agents
// and window clerks those they filed), caseworkers their department's,
// and to everyone else an application does not exist. See authz.go.
//
// The package does no SQL and no HTTP: storage is the [Store] interface
// (casessql), the pages and the API are casesweb.
package cases
