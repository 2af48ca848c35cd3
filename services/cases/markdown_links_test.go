package cases_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"verifydesk/data"
	"verifydesk/services/cases"
)

// linkTexts are texts Markdown viewers turn into links: CommonMark's
// <scheme:...> autolinks, GFM's extended autolinks (www., http://, https://,
// email addresses, mailto: and xmpp:) and what linkify libraries add (other
// schemes, bare domain names).
var linkTexts = []string{
	"http://evil.example/login", "https://evil.example", "HTTPS://EVIL.EXAMPLE/x", "www.evil.example",
	"WWW.evil.example/path?q=1", "<http://evil.example>", "<mailto:bob@evil.example>", "(see www.evil.example)",
	"*http://evil.example*", "_www.evil.example_", "~https://evil.example~", "bob@evil.example",
	"mailto:bob@evil.example", "xmpp:bob@evil.example", "ftp://evil.example/f", "evil.example/reset",
	"see:https://evil.example", "http://evil.example/a|b", "https://evil.example/`x`", "javascript:alert(1)",
	"[click](http://evil.example)", "&#104;ttp://evil.example",
}

// TestMarkdownLeavesURLsAsText renders the export with a GFM renderer that
// links bare URLs (goldmark with its Linkify extension, the renderer Fyne's
// RichText uses) and finds no link: a URL in a note is text to read, not
// something to click.
func TestMarkdownLeavesURLsAsText(t *testing.T) {
	c := data.Case{ID: "case-1", AccountID: "acc_1001", Status: data.CaseOpen}
	for i, s := range linkTexts {
		c.Notes = append(c.Notes, data.Note{ID: string(rune('a' + i)), AuthorID: "ag_ana", Text: "Customer says " + s + " sent the code."})
	}
	esc := cases.EscalationFields{}
	esc.StepsTried = strings.Join(linkTexts, " ")
	p := cases.NewPackage(c, nil, esc, cases.Snapshot{})
	src := cases.ExportMarkdown(p)
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(src, &html); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "<a ") {
		for _, line := range strings.Split(html.String(), "\n") {
			if strings.Contains(line, "<a ") {
				t.Errorf("a link in the rendered export: %s", line)
			}
		}
	}
	// The URLs are still there to read, whole.
	for _, s := range []string{"http://evil.example/login", "www.evil.example", "evil.example"} {
		if !strings.Contains(html.String(), s) {
			t.Errorf("%q is no longer readable in the export", s)
		}
	}
}

// FuzzMarkdownNoLinks: whatever a note says, the rendered export holds no
// link and no raw HTML.
func FuzzMarkdownNoLinks(f *testing.F) {
	for _, s := range linkTexts {
		f.Add(s)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	f.Fuzz(func(t *testing.T, text string) {
		c := data.Case{ID: "case-1", Status: data.CaseOpen, Notes: []data.Note{{ID: "n", Text: text}}}
		esc := cases.EscalationFields{}
		esc.StepsTried = text
		var html bytes.Buffer
		if err := md.Convert(cases.ExportMarkdown(cases.NewPackage(c, nil, esc, cases.Snapshot{})), &html); err != nil {
			t.Fatal(err)
		}
		if out := html.String(); strings.Contains(out, "<a ") || strings.Contains(out, "<img") {
			t.Fatalf("note %q renders a link:\n%s", text, out)
		}
	})
}
