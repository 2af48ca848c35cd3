package backend

import (
	"bytes"
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
		Checklist: []data.ChecklistStep{{ID: "signal", Text: "Check signal", State: "todo"},
			{ID: "number", Text: "Number typed right", State: "done", Source: "evidence", Reason: "the last 3 SMS to it were delivered"}}}
	r := e.do("POST", "/v1/cases", ana, c)
	e.want(r, http.StatusCreated)
	var got data.Case
	r.decode(t, &got)
	if got.AgentID != "ag_ana" || got.Status != data.CaseOpen || got.Version != 1 || got.Notes == nil {
		t.Fatalf("created %+v", got)
	}
	if st := got.Checklist[1]; st.Source != "evidence" || st.Reason != "the last 3 SMS to it were delivered" {
		t.Errorf("pre-filled step %+v lost why", st)
	}
	created := r
	// A retry of the same create: exactly the first answer, said to be one.
	r = e.do("POST", "/v1/cases", ana, c)
	e.want(r, http.StatusCreated)
	if !bytes.Equal(r.Body, created.Body) || r.Header.Get(data.HeaderIdempotentReplayed) != "true" {
		t.Errorf("retry gave %s (replayed %q), first %s", r.Body, r.Header.Get(data.HeaderIdempotentReplayed), created.Body)
	}
	// The same id with another body.
	c2 := c
	c2.Category = "other"
	e.want(e.do("POST", "/v1/cases", ana, c2), http.StatusConflict)
	e.want(e.do("POST", "/v1/cases", ana, data.Case{AccountID: "acc_1002"}), http.StatusBadRequest)
	e.want(e.do("POST", "/v1/cases", ana, data.Case{ID: "c-x", AccountID: "nope"}), http.StatusNotFound)

	// Notes: append-only, retries never duplicate and answer the first
	// answer, even after the case moved on.
	var firstNote resp
	for i := 0; i < 3; i++ {
		r = e.do("POST", "/v1/cases/c-7f3e/notes", ana, data.Note{ID: "n-1", Text: "Customer is roaming in Spain"})
		e.want(r, http.StatusCreated)
		if i == 0 {
			firstNote = r
			e.want(e.do("POST", "/v1/cases/c-7f3e/notes", lee, data.Note{ID: "n-2", Text: "Asked carrier"}), http.StatusCreated)
			continue
		}
		if !bytes.Equal(r.Body, firstNote.Body) || r.Header.Get(data.HeaderIdempotentReplayed) != "true" {
			t.Errorf("note retry %d gave %s (replayed %q), first %s", i, r.Body, r.Header.Get(data.HeaderIdempotentReplayed), firstNote.Body)
		}
	}
	e.want(e.do("POST", "/v1/cases/c-7f3e/notes", ana, data.Note{ID: "n-1", Text: "changed"}), http.StatusConflict)
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
	// A stale version (an offline edit) is refused with the case as it is,
	// for the agent to settle.
	resolved := data.CaseResolved
	r = e.do("PATCH", "/v1/cases/c-7f3e", lee, data.CasePatch{Version: 1, Status: &resolved})
	e.want(r, http.StatusConflict)
	var conflictBody struct {
		Details struct {
			CurrentVersion int       `json:"current_version"`
			Current        data.Case `json:"current"`
		} `json:"details"`
	}
	r.decode(t, &conflictBody)
	if cur := conflictBody.Details.Current; conflictBody.Details.CurrentVersion != 2 || cur.Version != 2 || cur.Status != esc || len(cur.Notes) != 2 {
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

// TestCaseCustomerLanguage: the language spoken with the customer is the
// case's: set at creation, changed by a patch (empty goes back to the
// account's suggestion), and only one of the console's languages. The
// account says what its app runs in.
func TestCaseCustomerLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana := e.signIn("ana")
	var acc data.Account
	r := e.do("GET", "/v1/accounts/acc_1001", ana, nil)
	e.want(r, http.StatusOK)
	r.decode(t, &acc)
	if acc.AppLanguage != "zh-Hant-TW" {
		t.Errorf("acc_1001's app language is %q, want zh-Hant-TW", acc.AppLanguage)
	}
	e.want(e.do("POST", "/v1/cases", ana, data.Case{ID: "c-lang-bad", AccountID: "acc_1001", CustomerLanguage: "fr"}), http.StatusBadRequest)
	var cs data.Case
	r = e.do("POST", "/v1/cases", ana, data.Case{ID: "c-lang", AccountID: "acc_1001", Category: "other", CustomerLanguage: "zh-Hant"})
	e.want(r, http.StatusCreated)
	r.decode(t, &cs)
	if cs.CustomerLanguage != "zh-Hant" {
		t.Fatalf("created in %q, want zh-Hant", cs.CustomerLanguage)
	}
	for _, l := range []string{"en", ""} {
		r := e.do("PATCH", "/v1/cases/c-lang", ana, data.CasePatch{Version: cs.Version, CustomerLanguage: &l})
		e.want(r, http.StatusOK)
		cs = data.Case{}
		r.decode(t, &cs)
		if cs.CustomerLanguage != l {
			t.Errorf("patched to %q, the case says %q", l, cs.CustomerLanguage)
		}
	}
	bad := "klingon"
	e.want(e.do("PATCH", "/v1/cases/c-lang", ana, data.CasePatch{Version: cs.Version, CustomerLanguage: &bad}), http.StatusBadRequest)
}
