package screens

import (
	"context"
	"errors"

	"verifydesk/services/client"
	"verifydesk/services/i18n"
)

// loadSelected loads the selected tab's data for the current account, once.
func (w *workspace) loadSelected() {
	i := w.tabs.SelectedIndex()
	if i < 0 || i >= len(w.panels) {
		return
	}
	if p := w.panels[i]; w.account != nil && !w.loaded[p] {
		w.startLoad(p)
	}
}

// startLoad loads p for the account on screen through the runner: the panel
// says it is loading, and loadDone shows the answer unless a newer load or
// another account overtook it. UI thread.
func (w *workspace) startLoad(p panel) {
	if w.account == nil {
		return
	}
	st := p.loadState()
	view := w.view()
	w.loaded[p] = true
	delete(w.failed, p)
	st.loading()
	var show func()
	w.run.run(job{name: "load " + p.title(), timeout: st.timeout, wanted: st.gen.next(),
		work: func(ctx context.Context) (err error) {
			show, err = p.load(ctx, view)
			return err
		},
		done: func(err error) { w.loadDone(p, show, err) },
	})
}

// loadDone shows a finished load. UI thread.
func (w *workspace) loadDone(p panel, show func(), err error) {
	var cached cachedAnswer
	switch {
	case errors.As(err, &cached):
		// Shown from the cache: loaded again once the backend answers, but
		// not used to probe it meanwhile (each reload would redraw the tab
		// under the agent's hands).
		w.stale[p] = true
	case err != nil && client.Unreachable(err):
		w.failed[p] = true // reloaded when the backend answers again
	}
	showLoad(p.loadState(), show, err)
	if w.focusAfterLoad == p {
		w.focusAfterLoad = nil
		if w.isSelected(p) {
			w.focusFirstControl(p) // the tab the keyboard switched to has its controls now
		}
	}
}

// retryWords is what the console promises after err: only an offline error
// is retried by itself (the connection state schedules it).
func retryWords(err error) string {
	switch {
	case errors.Is(err, client.ErrCircuitOpen):
		return "" // its words already say the console tries again
	case client.Unreachable(err):
		return i18n.X("retry.offline", "The console tries again in a few seconds and reloads this when the backend answers.")
	}
	return i18n.X("retry.refresh", "Press Refresh (Ctrl+R) to try again.")
}

// explainRetry is err in words and what the console promises after it, as
// the agent's language joins sentences.
func explainRetry(err error) string {
	return i18n.Sentences(i18n.Current(), Explain(err), retryWords(err))
}

// reloadPanels loads the selected tab again now and the others when they are
// next shown (after an action or a refresh). UI thread.
func (w *workspace) reloadPanels() {
	w.loaded = map[panel]bool{}
	w.loadSelected()
}

func (w *workspace) isSelected(p panel) bool {
	i := w.tabs.SelectedIndex()
	return i >= 0 && i < len(w.panels) && w.panels[i] == p
}
