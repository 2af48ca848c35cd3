package backend

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// recordingProvider is a Provider that keeps what it was asked to send.
type recordingProvider struct {
	mu   sync.Mutex
	msgs []Message
	out  Outcome
}

func (p *recordingProvider) Send(_ context.Context, m Message) Outcome {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, m)
	return p.out
}

// TestProviderIsReplaceableAndCodesStayOutOfTheStore: outside demo mode the code
// goes to the provider and nowhere else, not even the backend's own file.
func TestProviderIsReplaceableAndCodesStayOutOfTheStore(t *testing.T) {
	t.Parallel()
	rp := &recordingProvider{out: Outcome{Status: data.StatusSent}}
	e := newEnv(t, func(c *Config) { c.Provider = rp; c.Demo = false })
	if err := seedDemo(e.s.db, e.clock.Now()); err != nil { // the accounts, without demo mode's inbox
		t.Fatal(err)
	}
	tok := e.signIn("ana")
	r := e.resend(tok, "acc_1005", data.ChannelSMS, data.PurposeLogin, "p1")
	e.want(r, http.StatusCreated)
	var res data.ResendResult
	r.decode(t, &res)
	if res.Delivery.Status != data.StatusSent || res.Delivery.Sender != "87022" {
		t.Errorf("delivery %+v", res.Delivery)
	}
	rp.mu.Lock()
	m := rp.msgs[0]
	rp.mu.Unlock()
	if m.Destination != "+16502530000" || m.Channel != data.ChannelSMS || m.Purpose != data.PurposeLogin || m.ID != res.Delivery.ID {
		t.Errorf("message %+v", m)
	}
	code := ""
	for _, f := range strings.Fields(m.Text) {
		if len(f) == 6 && strings.Trim(f, "0123456789") == "" {
			code = f
		}
	}
	if code == "" {
		t.Fatalf("no code in %q", m.Text)
	}
	_ = e.s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				if strings.Contains(string(v), code) && strings.Contains(string(v), res.Delivery.ID) {
					t.Errorf("bucket %s stores the code", name)
				}
				return nil
			})
		})
	})
	e.want(e.do("GET", "/v1/demo/inbox?account_id=acc_1005", tok, nil), http.StatusNotFound)
}

func TestSimulatedProviderHonoursContext(t *testing.T) {
	t.Parallel()
	p := NewSimulatedProvider(nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if o := p.Send(ctx, Message{Channel: data.ChannelEmail, Destination: "a@example.com"}); o.Status != data.StatusFailed {
		t.Errorf("canceled send: %+v", o)
	}
	if o := p.Send(context.Background(), Message{Channel: "pigeon"}); o.Status != data.StatusFailed {
		t.Errorf("unknown channel: %+v", o)
	}
	if o := p.Send(context.Background(), Message{Channel: data.ChannelAppPush}); o.ProviderError != data.ProviderPushNoDevice {
		t.Errorf("push without device: %+v", o)
	}
}
