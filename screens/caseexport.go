package screens

import (
	"context"
	"strings"

	"verifydesk/services/cases"
	"verifydesk/services/casework"
)

// onExport writes the escalation package (Markdown and JSON, masked) into a
// folder the agent picks.
func (p *casePanel) onExport() {
	if p.rec == nil {
		return
	}
	pkg := cases.NewPackage(p.rec.Case, p.steps, p.esc, cases.NewSnapshot(p.ev))
	pkg.ExportedAt, pkg.ExportedBy = p.w.now().UTC(), p.w.agentID()
	id, acctID := p.rec.Case.ID, p.rec.Case.AccountID
	chooseExportFolder(p.w.window(), "Export the escalation package (masked) into a folder", func(dir string) {
		var paths []string
		p.w.runJob(job{name: "export a case", local: true,
			work: func(context.Context) (err error) { paths, err = casework.Export(dir, pkg); return err },
			done: func(err error) {
				if err != nil {
					p.saveInfo.SetText("The package was not written: " + Explain(err))
					return
				}
				p.w.record("case_export", acctID, id, "masked")
				p.saveInfo.SetText("Exported, masked: " + strings.Join(paths, " and "))
			},
		})
	})
}
