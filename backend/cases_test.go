package backend

import (
	"net/http"
	"testing"

	"verifydesk/data"
)

func TestCasesLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, lee := e.signIn("ana"), e.signIn("lee")
	c := data.Case{ID: "c-7f3e", AccountID: "acc_1002", Category: "sms_never_arrives", Channel: "phone",
		Escalation: data.Escalation{Region: "GB", App: "Tapo", AppVersion: "3.4.510"},
		Checklist:  []data.ChecklistStep{{ID: "signal", Text: "Check signal", State: "todo"}}}
	r := e.do("POST", "/v1/cases", ana, c)
	e.want(r, http.StatusCreated)
	var got data.Case
	r.decode(t, &got)
	if got.AgentID != "ag_ana" || got.Status != data.CaseOpen || got.Version != 1 || got.Notes == nil {
		t.Fatalf("created %+v", got)
	}
	// A retry of the same create: the same case, no error.
	r = e.do("POST", "/v1/cases", ana, c)
	e.want(r, http.StatusOK)
	var again data.Case
	r.decode(t, &again)
	if again.ID != got.ID || !again.CreatedAt.Equal(got.CreatedAt) {
		t.Errorf("retry gave %+v", again)
	}
	// The same id with another body.
	c2 := c
	c2.Category = "other"
	e.want(e.do("POST", "/v1/cases", ana, c2), http.StatusConflict)
	e.want(e.do("POST", "/v1/cases", ana, data.Case{AccountID: "acc_1002"}), http.StatusBadRequest)
	e.want(e.do("POST", "/v1/cases", ana, data.Case{ID: "c-x", AccountID: "nope"}), http.StatusNotFound)

	// Notes: append-only, retries never duplicate.
	for i := 0; i < 3; i++ {
		r = e.do("POST", "/v1/cases/c-7f3e/notes", ana, data.Note{ID: "n-1", Text: "Customer is roaming in Spain"})
		if i == 0 {
			e.want(r, http.StatusCreated)
		} else {
			e.want(r, http.StatusOK)
		}
	}
	e.want(e.do("POST", "/v1/cases/c-7f3e/notes", ana, data.Note{ID: "n-1", Text: "changed"}), http.StatusConflict)
	e.want(e.do("POST", "/v1/cases/c-7f3e/notes", lee, data.Note{ID: "n-2", Text: "Asked carrier"}), http.StatusCreated)
	e.want(e.do("POST", "/v1/cases/c-7f3e/notes", lee, data.Note{ID: "n-3"}), http.StatusBadRequest)
	e.want(e.do("POST", "/v1/cases/nope/notes", lee, data.Note{ID: "n-3", Text: "x"}), http.StatusNotFound)
	r = e.do("GET", "/v1/cases/c-7f3e", lee, nil)
	e.want(r, 200)
	r.decode(t, &got)
	if len(got.Notes) != 2 || got.Notes[0].AuthorID != "ag_ana" || got.Notes[1].AuthorID != "ag_lee" {
		t.Errorf("notes %+v", got.Notes)
	}

	// Patch with optimistic versions.
	esc := data.CaseEscalated
	r = e.do("PATCH", "/v1/cases/c-7f3e", ana, data.CasePatch{Version: got.Version, Status: &esc})
	e.want(r, 200)
	r.decode(t, &got)
	if got.Status != esc || got.Version != 2 {
		t.Errorf("patched %+v", got)
	}
	r = e.do("PATCH", "/v1/cases/c-7f3e", lee, data.CasePatch{Version: 1, Status: &esc})
	e.want(r, http.StatusConflict)
	if r.apiErr(t).Details["current_version"] != float64(2) {
		t.Errorf("conflict details %s", r.Body)
	}
	bad := "closed-ish"
	e.want(e.do("PATCH", "/v1/cases/c-7f3e", ana, data.CasePatch{Version: 2, Status: &bad}), http.StatusBadRequest)
	e.want(e.do("GET", "/v1/cases/nope", ana, nil), http.StatusNotFound)

	// Lists by agent, status and account.
	e.want(e.do("POST", "/v1/cases", lee, data.Case{ID: "c-2", AccountID: "acc_1005", Category: "unrequested_code"}), http.StatusCreated)
	for q, want := range map[string]int{"": 2, "?agent=ag_ana": 1, "?status=escalated": 1, "?status=open": 1, "?account=acc_1005": 1, "?agent=ag_sam": 0} {
		var l data.CaseList
		r = e.do("GET", "/v1/cases"+q, ana, nil)
		e.want(r, 200)
		r.decode(t, &l)
		if len(l.Cases) != want {
			t.Errorf("cases%s: %d, want %d", q, len(l.Cases), want)
		}
	}
}
