package words

import (
	"testing"

	"verifydesk/data"
	"verifydesk/services/logins"
)

func TestWords(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Plural(1), ""}, {Plural(0), "s"}, {Plural(2), "s"},
		{Method(data.ChannelSMS), "SMS"}, {Method(data.ChannelAppPush), "app notification"}, {Method(""), "none"},
		{Thousands(1234567.4), "1,234,567"}, {Thousands(999), "999"}, {Thousands(-12345), "-12,345"}, {Thousands(0), "0"},
		{CaseStatus(data.CaseWaiting), "waiting on customer"}, {CaseStatus(""), "open"}, {CaseStatus(data.CaseResolved), "resolved"},
		{Form(data.FormTrunk0), "with the trunk 0 (legacy)"}, {Form(data.FormE164), "without the 0 (E.164)"},
		{LoginFlags(logins.Event{NewCountry: true, ImpossibleTravel: true}), "new country, impossible travel"},
		{LoginFlags(logins.Event{}), ""},
		{Capital("with the 0"), "With the 0"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
