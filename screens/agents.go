package screens

import (
	"context"
	"strings"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/i18n"
)

// The agent directory: the workspace reads it once after sign-in and keeps
// it, so every view shows colleagues by name (agentName) and never has to
// ask. An id the directory does not know (an agent added since, or the
// directory not read yet) shows as itself.

// loadAgents reads the agent directory through the runner. A failure leaves
// the ids on screen; it is read again when the backend answers again.
func (w *workspace) loadAgents() {
	if w.agentsLoading || w.agentNames != nil {
		return
	}
	w.agentsLoading = true
	var got []data.AgentInfo
	w.run.run(job{name: "load the agent directory",
		work: func(ctx context.Context) (err error) {
			got, err = w.api.Agents(ctx)
			return err
		},
		done: func(err error) {
			w.agentsLoading = false
			if err != nil {
				w.logf("agent directory not read", "error", errorClass(err))
				return
			}
			names := make(map[string]string, len(got)+1)
			for _, a := range got {
				if a.Name != "" {
					names[a.ID] = shown(a.Name) // outside text: escaped and bounded once
				}
			}
			w.agentNames = names
			w.namesChanged()
		}})
}

// agentName is the name of the agent with id, or id itself when the
// directory does not know it, ready for a label (shown). The signed-in agent
// is known at once. UI thread.
func (w *workspace) agentName(id string) string {
	if n, ok := w.agentNames[id]; ok {
		return n
	}
	if id == w.agent.ID && w.agent.Name != "" {
		return shown(w.agent.Name)
	}
	return shown(id)
}

// namesChanged redraws what shows agents, once the directory is read: the
// views drawn before it showed ids.
func (w *workspace) namesChanged() {
	if w.approvals != nil {
		w.approvals.namesChanged()
	}
	if w.audit != nil {
		w.audit.namesChanged()
	}
	if w.browser != nil {
		w.browser.namesChanged()
	}
}

// agentByName is the id of the agent a filter names: a name of the
// directory (any case), else the text itself (an id, or nothing). UI thread.
func (w *workspace) agentByName(text string) string {
	text = strings.TrimSpace(text)
	if text == shown(w.agent.Name) && text != "" {
		return w.agent.ID
	}
	for id, n := range w.agentNames {
		if strings.EqualFold(n, text) {
			return id
		}
	}
	return text
}

// customerWords names a case's customer for a list: the name of an account
// this workspace has seen (on screen, found or recent), else the contact the
// case was opened with, masked, else "not known". The account's id is in
// the case's id line.
func (w *workspace) customerWords(accountID, contact string) string {
	if w.account != nil && w.account.ID == accountID && w.account.Name != "" {
		return w.account.Name
	}
	for _, list := range [][]data.Account{w.recent, w.results} {
		for _, a := range list {
			if a.ID == accountID && a.Name != "" {
				return a.Name
			}
		}
	}
	if contact != "" {
		return cases.MaskContact(contact)
	}
	return i18n.L("not known")
}
