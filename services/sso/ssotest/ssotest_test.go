package ssotest

import (
	"context"
	"strings"
	"testing"
)

func TestProviderIssuesTokens(t *testing.T) {
	p := Start(t)
	tok, code, err := p.IDToken(context.Background(), Supervisor, ClientID, "n-1")
	if err != nil {
		t.Fatal(err)
	}
	if code == "" || strings.Count(tok, ".") != 2 {
		t.Fatalf("code %q token %q", code, tok)
	}
}
