package screens

import (
	"context"
	"errors"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/i18n"
)

// onAttach keeps a file the customer sent with the case: checked by content
// (screenshots, app logs) and size, read and stored off the UI thread.
func (p *casePanel) onAttach() {
	if !p.w.caseWork().HasCache() || p.rec == nil {
		return
	}
	caseID, acctID := p.rec.Case.ID, p.rec.Case.AccountID
	dialog.ShowFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		p.attach(caseID, acctID, rc.URI().Name(), rc)
	}, p.w.window())
}

// attach has the service read, check and keep one file with the case; the
// dialog hands it the file (tests a reader of their own). UI thread; the work
// runs off it.
func (p *casePanel) attach(caseID, acctID, name string, r io.ReadCloser) {
	svc := p.w.caseWork()
	p.saveInfo.SetText(i18n.L("Attaching…"))
	var info casework.AttachmentInfo
	var rec casework.Record
	p.w.runJob(job{name: "attach a file", local: true, timeout: time.Minute,
		work: func(ctx context.Context) (err error) {
			defer r.Close()
			info, rec, err = svc.Attach(ctx, caseID, name, r)
			return err
		},
		done: func(err error) {
			if err != nil {
				p.saveInfo.SetText(i18n.L("Not attached: {{.Reason}}", i18n.M{"Reason": attachmentWords(err)}))
				return
			}
			p.w.record("case_attachment", acctID, caseID, info.Type+" "+info.ID)
			if p.rec != nil && p.rec.Case.ID == caseID {
				p.rec = &rec
				p.show()
				p.saveInfo.SetText(i18n.L("Attached {{.Name}}. It stays with the case on this computer.", i18n.M{"Name": info.Name}))
			}
		},
	})
}

// attachmentWords is why a file was refused: the check's own sentence when it
// has one.
func attachmentWords(err error) string {
	var ae *cases.AttachmentError
	switch {
	case errors.As(err, &ae):
		return ae.Error()
	case errors.Is(err, casework.ErrAttachmentTooLarge):
		return i18n.L("the case already keeps as many attachments as it can (20 MiB).")
	}
	return Explain(err)
}
