package client_test

import (
	"errors"
	"testing"

	"verifydesk/data"
	"verifydesk/services/client"
)

// TestAgentDirectory: any signed-in agent reads every agent's name and role,
// and nothing to sign in with; without a session the directory is refused.
func TestAgentDirectory(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{"ana", "sam"} {
		got, err := e.as(who).Agents(ctx(t))
		if err != nil {
			t.Fatalf("%s: Agents: %v", who, err)
		}
		byID := map[string]data.AgentInfo{}
		for _, a := range got {
			byID[a.ID] = a
		}
		if a := byID["ag_ana"]; a.Name != "Ana Ruiz" || a.Role != data.RoleAgent {
			t.Errorf("%s: ag_ana = %+v", who, a)
		}
		if a := byID["ag_sam"]; a.Name != "Sam Okoye" || a.Role != data.RoleSupervisor {
			t.Errorf("%s: ag_sam = %+v", who, a)
		}
	}
	anon := client.New(e.url, client.Options{})
	if _, err := anon.Agents(ctx(t)); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("Agents without a session: %v, want ErrUnauthorized", err)
	}
}
