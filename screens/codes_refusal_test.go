package screens

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/deliveries"
)

// countingAPI counts the resends the console asks of the real backend, and
// can make the trusted devices fail to load.
type countingAPI struct {
	API
	resends    int
	devicesErr error
}

func (c *countingAPI) Resend(ctx context.Context, accountID string, req data.ResendRequest, key string) (data.ResendResult, error) {
	c.resends++
	return c.API.Resend(ctx, accountID, req, key)
}

func (c *countingAPI) TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error) {
	if c.devicesErr != nil {
		return nil, c.devicesErr
	}
	return c.API.TrustedDevices(ctx, accountID)
}

// signedInCounting signs ana in to the reference backend through a countingAPI.
func signedInCounting(t *testing.T) (*UI, *countingAPI) {
	t.Helper()
	api := &countingAPI{}
	u, w := newTestUIWith(t, backendtest.New(t), func(a API) API { api.API = a; return api })
	u.SubmitSignIn()
	if u.work == nil {
		t.Fatalf("not signed in; screen says:\n%s", screenText(w.Content()))
	}
	return u, api
}

// openCodes opens account id on its Codes tab, loaded.
func openCodes(t *testing.T, u *UI, region, text, id string) *codesPanel {
	t.Helper()
	search(t, u, region, text)
	if u.work.account == nil || u.work.account.ID != id {
		t.Fatalf("%s not opened for %s %q", id, region, text)
	}
	u.work.tabs.SelectIndex(1)
	codes := u.work.panels[1].(*codesPanel)
	u.work.startLoad(codes)
	if len(codes.rows) == 0 {
		t.Fatalf("%s: no deliveries listed: %q", id, codes.ls.label.Text)
	}
	return codes
}

// refusedBy checks the agent sees Resend by channelLabel disabled with every
// want in the reason, and that a press sends nothing.
func refusedBy(t *testing.T, codes *codesPanel, api *countingAPI, channelLabel string, want ...string) {
	t.Helper()
	codes.channel.SetSelected(channelLabel)
	if !codes.resend.Disabled() {
		t.Errorf("%s: Resend enabled, allowance %q", channelLabel, codes.allowance.Text)
	}
	if codes.allowance.Importance != widget.WarningImportance {
		t.Errorf("%s: the reason is not shown as a warning", channelLabel)
	}
	seen := readText(codes)
	for _, w := range want {
		if !strings.Contains(seen, w) {
			t.Errorf("%s: the Codes tab lacks %q:\n%s", channelLabel, w, seen)
		}
	}
	before, said := api.resends, codes.result.Text
	test.Tap(codes.resend)
	if api.resends != before || codes.result.Text != said {
		t.Errorf("%s: a press on the disabled Resend sent %d, says %q", channelLabel, api.resends-before, codes.result.Text)
	}
}

// readText is what the Codes tab shows, with the lines of wrapped labels
// joined again.
func readText(codes *codesPanel) string {
	return strings.Join(strings.Fields(screenText(codes.build())), " ")
}

// offeredBy checks Resend by channelLabel is enabled with the allowance, and
// none of the refusal reasons, on screen.
func offeredBy(t *testing.T, codes *codesPanel, channelLabel, allowance string) {
	t.Helper()
	codes.channel.SetSelected(channelLabel)
	if codes.resend.Disabled() {
		t.Errorf("%s: Resend disabled: %q", channelLabel, codes.allowance.Text)
	}
	if got := codes.allowance.Text; !strings.HasPrefix(got, allowance) {
		t.Errorf("%s: allowance %q, want it to start %q", channelLabel, got, allowance)
	}
	seen := readText(codes)
	for _, reason := range []string{"cannot reach", "No email on file", "No phone number", "No trusted device", "Notifications are off"} {
		if strings.Contains(seen, reason) {
			t.Errorf("%s: a refusal is still shown (%q):\n%s", channelLabel, reason, seen)
		}
	}
}

func TestCodesSayWhySMSCannotReachTheNumber(t *testing.T) {
	for _, c := range []struct {
		name, region, typed, id, what string
	}{
		{"VoIP", "GB", "056 1234 5678", "acc_1003", "the number is a virtual (VoIP) number, which cannot receive verification codes"},
		{"landline", "GB", "020 7123 4567", "acc_1015", "the number is a landline or another number that cannot receive SMS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			u, api := signedInCounting(t)
			codes := openCodes(t, u, c.region, c.typed, c.id)
			refusedBy(t, codes, api, "SMS",
				"SMS cannot reach "+u.work.account.PhoneMasked+": "+c.what+"; the provider refused the last SMS to it.",
				"Send the code by email or app notification instead, or have the customer change the number on the account to a mobile number.")

			// Another channel works, with its own allowance; SMS is refused again.
			offeredBy(t, codes, "Email", "email for login: ")
			test.Tap(codes.resend)
			if !strings.HasPrefix(codes.result.Text, "Sent: email") || api.resends != 1 {
				t.Errorf("resend by email: %q, %d asked of the backend", codes.result.Text, api.resends)
			}
			refusedBy(t, codes, api, "SMS", "cannot reach")

			// A send limit holding as well: the refusal is the stronger reason.
			soon := u.work.cfg.now().Add(time.Minute)
			codes.rl = &data.RateLimits{Limits: []data.DestinationLimits{{Channel: data.ChannelSMS, Purpose: data.PurposeLogin,
				Blocked: true, NextAllowedAt: &soon, Windows: []data.LimitWindow{{Window: "minute", Limit: 1, Used: 1}}}}}
			codes.showAllowance()
			if !codes.resend.Disabled() || !strings.Contains(codes.allowance.Text, "cannot reach") || strings.Contains(codes.allowance.Text, "Send limit reached") {
				t.Errorf("refused and over a limit: disabled=%v, %q", codes.resend.Disabled(), codes.allowance.Text)
			}

			// An ordinary account: SMS is offered again.
			codes = openCodes(t, u, "US", "+16502530000", "acc_1005")
			offeredBy(t, codes, "SMS", "SMS for login: ")
		})
	}
}

func TestCodesSayWhyAnAppNotificationCannotArrive(t *testing.T) {
	u, api := signedInCounting(t)
	codes := openCodes(t, u, "JP", "+818012345678", "acc_1010")
	refusedBy(t, codes, api, "App notification",
		"Notifications are off on every trusted device (Haruto's Pixel): an app notification cannot arrive.",
		"Send the code by SMS or email instead, or have the customer allow notifications for the app on one of them.")
	offeredBy(t, codes, "SMS", "SMS for login: ")

	// Two trusted devices allowing notifications: offered, with the
	// channel still picked.
	codes.channel.SetSelected("App notification")
	codes = openCodes(t, u, "US", "+16502530000", "acc_1005")
	offeredBy(t, codes, "App notification", "app notification for login: ")
	test.Tap(codes.resend)
	if !strings.HasPrefix(codes.result.Text, "Sent: app notification") || api.resends != 1 {
		t.Errorf("resend by app notification: %q, %d asked of the backend", codes.result.Text, api.resends)
	}
}

func TestCodesSayWhyEmailCannotGo(t *testing.T) {
	u, api := signedInCounting(t)
	// Wang Fang has no email on file.
	codes := openCodes(t, u, "CN", "+8613812345678", "acc_1011")
	if u.work.account.EmailMasked != "" {
		t.Fatalf("the demo account has an email on file: %s", u.work.account.EmailMasked)
	}
	refusedBy(t, codes, api, "Email",
		"No email on file for this account: a code cannot go by email. Send the code by SMS or app notification instead.")
	// Its SMS do not arrive, but nothing says SMS cannot: the backend decides.
	offeredBy(t, codes, "SMS", "SMS for login: ")
}

func TestCodesLeaveAppNotificationsToTheBackendWithoutTheDevices(t *testing.T) {
	u, api := signedInCounting(t)
	api.devicesErr = errors.New("devices unavailable")
	codes := openCodes(t, u, "JP", "+818012345678", "acc_1010")
	offeredBy(t, codes, "App notification", "app notification for login: ")
	test.Tap(codes.resend)
	if !strings.HasPrefix(codes.result.Text, "Not sent: ") || api.resends != 1 {
		t.Errorf("the backend's refusal: %q, %d asked of it", codes.result.Text, api.resends)
	}
}

func TestRefusalTextSaysWhatToDoInstead(t *testing.T) {
	landline := deliveries.Refusal{Channel: data.ChannelSMS, Reason: deliveries.NotMobile,
		Last: data.Delivery{DestinationMasked: "+44 2*** *** 567", ProviderError: data.ProviderLandline}}
	for _, c := range []struct {
		r       deliveries.Refusal
		instead []string
		want    string
	}{
		{deliveries.Refusal{Channel: data.ChannelEmail, Reason: deliveries.NoEmail}, []string{data.ChannelSMS},
			"No email on file for this account: a code cannot go by email. Send the code by SMS instead."},
		{deliveries.Refusal{Channel: data.ChannelSMS, Reason: deliveries.NoPhone}, []string{data.ChannelEmail, data.ChannelAppPush},
			"No phone number on file for this account: a code cannot go by SMS. Send the code by email or app notification instead."},
		{deliveries.Refusal{Channel: data.ChannelAppPush, Reason: deliveries.NoTrustedDevice}, nil,
			"No trusted device: an app notification has nowhere to go. No other channel can carry a code either."},
		{landline, nil,
			"SMS cannot reach +44 2*** *** 567: the number is a landline or another number that cannot receive SMS; the provider refused the last SMS to it. " +
				"No other channel can carry a code either: have the customer change the number on the account to a mobile number."},
		{deliveries.Refusal{Channel: data.ChannelAppPush, Reason: deliveries.NotificationsOff, Devices: []string{"Pixel 6", "iPad"}}, []string{data.ChannelEmail},
			"Notifications are off on every trusted device (Pixel 6, iPad): an app notification cannot arrive. " +
				"Send the code by email instead, or have the customer allow notifications for the app on one of them."},
	} {
		if got := c.r.Text(c.instead).String(); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.r.Reason, got, c.want)
		}
	}
}
