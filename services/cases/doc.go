// Package cases turns what the console saw about an account into a support case:
// the troubleshooting checklist of the matching help page with the steps the
// evidence already answers pre-filled (and why), the category (a row of SPEC
// section 3) suggested from the evidence, the escalation fields the help pages ask
// support to collect, an escalation package for people (Markdown) and tools
// (JSON), and the checks on attachments customers send.
//
// The checklists are data, not code: checklists.json, embedded, is distilled from
// the customer help pages in ../shared/seeds, each step naming the page and the
// question it comes from. Code only knows the named evidence checks a step may
// ask for; the file says which step uses which. Loading validates the file, so a
// malformed one fails the tests (and the program at start) instead of showing an
// agent a half checklist.
//
// Everything here is pure: no I/O, no Fyne, safe for concurrent use.
package cases
