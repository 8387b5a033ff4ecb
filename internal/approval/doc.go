// Package approval is instant approval (秒批): a service item's
// applications decided in milliseconds by published rules over the data
// that departments share, with every decision explained, recorded and
// replayable.
//
// # Rule sets
//
// A [RuleSet] belongs to one service item and is versioned: a department
// administrator drafts a version, test-runs it against the registries, and
// publishes it; the newest published version decides new applications and
// older ones stay stored, because decisions name the version that made
// them. Its [Document] is YAML:
//
//   - params: the limits of the policy (ages, years, codes), which rules
//     read as params.<name>, so that a change of policy is a change of
//     numbers, not of expressions;
//   - materials: material ids (id_card, mandate …) with their names;
//   - reads: the registries to consult, each a dataset with CEL
//     expressions for the subject, optionally the key, and a condition;
//   - values: named CEL expressions computed once per evaluation (a value
//     whose data is missing stays unset);
//   - rules: named rules, each an ordered list of checks. A check either
//     fails the rule (fail_if) or makes it indeterminate (unknown_if), with
//     a reason template whose {expressions} are CEL; the first check that
//     holds decides, and a rule none of whose checks holds passes.
//
// Expressions are the Common Expression Language (cel.dev/cel-go) over
// input (the application, see [Input]), params, reads (dataset records by
// read name: a list of field maps), material_names and the values, with
// the string, list and binding extensions and the functions of
// functions.go (date, birth_date, years_between, add_years,
// valid_id_number, valid_uscc, mask). A rule set that does not compile is
// refused with every error located by rule and check.
//
// # Outcomes
//
// A rule yields pass, fail (with its reason) or indeterminate: a check said
// so, or an expression needed data that is missing (no record, a registry
// that could not be read, a read no policy allows). The outcome is reject
// if any rule fails; else correction (补正) if a rule marked on_fail:
// correction (the materials) fails, listing what is missing; else manual
// if any rule is indeterminate — a caseworker decides, never an automatic
// rejection for missing data; else approve.
//
// # Decisions
//
// A [Decision] records the input, the rule set version, each registry
// record used (dataset, record id, version, hash), each rule's result and
// reason, and the time taken. [Service.Replay] evaluates a stored decision
// again from its recorded input, the exact record versions and the rule set
// version it names, and reports whether the outcome is the same.
//
// The package does no SQL and no HTTP: storage is [Store] (approvalsql),
// the pages and the API are approvalweb.
package approval
