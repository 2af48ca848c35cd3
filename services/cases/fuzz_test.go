package cases_test

import (
	"bytes"
	"errors"
	"testing"

	"verifydesk/data"
	"verifydesk/services/cases"
)

// seedPackage is a small but complete package: every part of the format is
// present for the fuzzer to mutate.
func seedPackage(t testing.TB) []byte {
	ev := syntheticEvidence(12)
	cat, _ := cases.SuggestCategory(ev)
	steps, err := cases.NewChecklist(cat, ev)
	if err != nil {
		t.Fatal(err)
	}
	esc := cases.Escalation(ev)
	esc.Phone, esc.Account = "+447911123456", "bench.mark@example.com"
	c := data.Case{ID: "case-1", AccountID: ev.Account.ID, CustomerContact: "07911 123456", Category: cat, Status: data.CaseOpen,
		Notes: []data.Note{{ID: "n1", Text: "called from 07911 123456, bench.mark@example.com"}}}
	p := cases.NewPackage(c, steps, esc, cases.NewSnapshot(ev))
	p.ExportedAt = testTime
	p.Attachments = []cases.Attachment{{Name: "log.txt", Kind: cases.KindAppLog, Size: 3, SHA256: "00", AddedAt: testTime}}
	b, err := cases.ExportJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzImportJSON: no input panics; whatever imports, exports, imports again,
// and reaches a fixed point (masking twice changes nothing), and renders as
// Markdown.
func FuzzImportJSON(f *testing.F) {
	good := seedPackage(f)
	f.Add(good)
	f.Add([]byte(`{"format":"verifydesk-case-package","version":1,"case":{"id":"x"}}`))
	f.Add([]byte(`{"format":"verifydesk-case-package","version":1,"case":{"id":"x","notes":[{"text":"+44 7911 123456 a@b.co"}]},"escalation":{"phone":"+447911123456"}}`))
	f.Add([]byte(`{"format":"verifydesk-case-package","version":2}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"format":`))
	f.Add(good[:len(good)/3])
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := cases.ImportJSON(b)
		if err != nil {
			if !errors.Is(err, cases.ErrBadPackage) {
				t.Fatalf("error does not wrap ErrBadPackage: %v", err)
			}
			return
		}
		_ = cases.ExportMarkdown(p)
		out, err := cases.ExportJSON(p)
		if err != nil {
			return // a value JSON cannot write (none known); not a crash
		}
		q, err := cases.ImportJSON(out)
		if err != nil {
			t.Fatalf("an exported package does not import: %v\n%s", err, out)
		}
		again, err := cases.ExportJSON(q)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("export is not a fixed point (err %v)\nfirst  %s\nsecond %s", err, out, again)
		}
	})
}

// FuzzCheckAttachment: no input panics; an accepted file is within the limit
// and of a known kind; a refusal is an *AttachmentError with a sentence.
func FuzzCheckAttachment(f *testing.F) {
	f.Add("shot.png", pngBytes(f))
	f.Add("photo.jpg", jpegBytes(f))
	f.Add("logs.zip", zipBytes(f, "a.log"))
	f.Add("tapo.log", []byte("2026-12-01 I/Tapo: start\n"))
	f.Add("empty.zip", []byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add("x.gif", []byte("GIF89a"))
	f.Add("../x", []byte{0})
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		kind, err := cases.CheckAttachment(name, content)
		if err != nil {
			var ae *cases.AttachmentError
			if !errors.As(err, &ae) || ae.Err == nil || !sentence(ae.Message) || kind != "" {
				t.Fatalf("refusal %#v is not a sentence with a sentinel", err)
			}
			return
		}
		if (kind != cases.KindScreenshot && kind != cases.KindAppLog) || len(content) == 0 || len(content) > cases.MaxAttachmentSize {
			t.Fatalf("accepted %d bytes as %q", len(content), kind)
		}
	})
}
