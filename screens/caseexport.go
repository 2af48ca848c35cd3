package screens

import (
	"context"
	"strings"

	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/i18n"
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
	chooseExportFolder(p.w.window(), i18n.L("Export the escalation package (masked) into a folder"), func(dir string) {
		var paths []string
		p.w.runJob(job{name: "export a case", local: true,
			work: func(context.Context) (err error) { paths, err = casework.Export(dir, pkg); return err },
			done: func(err error) {
				if err != nil {
					p.saveInfo.SetText(i18n.L("The package was not written: {{.Reason}}", i18n.M{"Reason": Explain(err)}))
					return
				}
				p.w.record("case_export", acctID, id, "masked")
				if len(paths) == 2 { // the Markdown and the JSON
					p.saveInfo.SetText(i18n.L("Exported, masked: {{.First}} and {{.Second}}", i18n.M{"First": paths[0], "Second": paths[1]}))
				} else {
					p.saveInfo.SetText(i18n.L("Exported, masked: {{.Paths}}", i18n.M{"Paths": strings.Join(paths, ", ")}))
				}
			},
		})
	})
}
