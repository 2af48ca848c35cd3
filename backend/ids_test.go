package backend

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"verifydesk/data"
)

// hostileIDs are ids a client may send that could name a path when a
// console uses them as file names (issue 21 point 2), or that are not ids at
// all.
var hostileIDs = []string{
	"../../tmp/x",
	`..\..\Users\Public\Desktop\evil`,
	"/tmp/x", `C:\x`, "C:", "..", ".", "-rf", "_x", "case 1", "case-1.md", "a\x00b", "a\nb",
	"саse-1", // Cyrillic letters that look Latin
	strings.Repeat("a", data.MaxClientIDLen+1),
}

// TestClientIDsOutsideThePatternAreRefused: every client-made id the backend
// keeps (case ids in bodies and paths, note ids, a request's case_id, console
// ids) must match data.ClientIDPattern, else 400 with the field and the
// pattern, and nothing is stored. The ids the console makes pass.
func TestClientIDsOutsideThePatternAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana := e.signIn("ana")
	good := "case-" + uuid.NewString()
	e.want(e.do("POST", "/v1/cases", ana, data.Case{ID: good, AccountID: "acc_1002", Category: "sms_never_arrives",
		Notes: []data.Note{{ID: "note-" + uuid.NewString(), Text: "first"}}}), http.StatusCreated)
	e.want(e.do("POST", "/v1/cases/"+good+"/notes", ana, data.Note{ID: "note-" + uuid.NewString(), Text: "second"}), http.StatusCreated)

	refused := func(what string, r resp, field string) {
		t.Helper()
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", what, r.Status, r.Body)
			return
		}
		ae := r.apiErr(t)
		if ae.Code != data.ErrCodeBadRequest || ae.Details["field"] != field || ae.Details["pattern"] != data.ClientIDPattern ||
			!strings.Contains(ae.Message, data.ClientIDPattern) {
			t.Errorf("%s: error %+v, want bad_request naming %s and the pattern", what, ae, field)
		}
	}
	for _, id := range hostileIDs {
		refused("create case "+id, e.do("POST", "/v1/cases", ana, data.Case{ID: id, AccountID: "acc_1002", Category: "x"}), "id")
		refused("create case with note "+id, e.do("POST", "/v1/cases", ana, data.Case{ID: "case-" + uuid.NewString(), AccountID: "acc_1002",
			Notes: []data.Note{{ID: id, Text: "t"}}}), "notes.id")
		refused("add note "+id, e.do("POST", "/v1/cases/"+good+"/notes", ana, data.Note{ID: id, Text: "t"}), "id")
		refused("approval for case "+id, e.do("POST", "/v1/approvals", ana, data.ApprovalRequest{AccountID: "acc_1005",
			Action: data.ActionRevokeSessions, Reason: "r", CaseID: id}), "case_id")
		refused("chain head of console "+id, e.do("POST", "/v1/audit/chain-heads", ana, data.ChainHeadRequest{ConsoleID: id,
			Count: 1, Hash: strings.Repeat("ab", 32)}), "console_id")
		if id == "." || id == ".." {
			continue // a path segment of its own: the router cleans it away
		}
		p := "/v1/cases/" + url.PathEscape(id)
		refused("read case "+id, e.do("GET", p, ana, nil), "caseId")
		refused("patch case "+id, e.do("PATCH", p, ana, data.CasePatch{Version: 1}), "caseId")
		refused("note on case "+id, e.do("POST", p+"/notes", ana, data.Note{ID: "note-1", Text: "t"}), "caseId")
		refused("chain head read "+id, e.do("GET", "/v1/audit/chain-heads/"+url.PathEscape(id), ana, nil), "consoleId")
	}

	var list data.CaseList
	r := e.do("GET", "/v1/cases", ana, nil)
	e.want(r, http.StatusOK)
	r.decode(t, &list)
	if len(list.Cases) != 1 || list.Cases[0].ID != good || len(list.Cases[0].Notes) != 2 {
		t.Errorf("stored cases %+v: want only %s with its 2 notes", list.Cases, good)
	}
	var aps data.ApprovalList
	e.do("GET", "/v1/approvals", ana, nil).decode(t, &aps)
	if len(aps.Approvals) != 0 {
		t.Errorf("%d approvals stored from refused requests", len(aps.Approvals))
	}
}
