package backend

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"verifydesk/data"
)

// lockedBuffer is a log sink safe for concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestConcurrentLoad runs 50 clients mixing reads, resends, replays of their own
// keys and identity checks, then checks that every accepted resend is exactly
// one delivery, that no limit was exceeded, and that no code reached the log.
func TestConcurrentLoad(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	limits := Limits{PerMinute: 3, PerHour: 50, PerDay: 100}
	e := newEnv(t, func(c *Config) {
		c.Limits = limits
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	tokens := []string{e.signIn("ana"), e.signIn("lee"), e.signIn("sam")}
	accounts := []string{"acc_1005", "acc_1007", "acc_1014", "acc_1002"}
	channels := []string{data.ChannelSMS, data.ChannelEmail}
	purposes := []string{data.PurposeLogin, data.PurposeResetPassword, data.PurposeNewDevice, data.PurposeRegister, data.PurposeEnable2FA}
	before := map[string]int{}
	for _, a := range accounts {
		before[a] = len(e.deliveries(tokens[0], a))
	}

	const workers, iterations = 50, 40
	type result struct {
		id, account, dest string
	}
	var mu sync.Mutex
	created := map[string]result{}
	replayedIDs := []string{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			tok := tokens[w%len(tokens)]
			for i := 0; i < iterations; i++ {
				acc := accounts[(w+i)%len(accounts)]
				switch i % 4 {
				case 0:
					e.do("GET", "/v1/accounts/"+acc, tok, nil)
				case 1:
					e.do("GET", "/v1/accounts/"+acc+"/deliveries?limit=20", tok, nil)
				default:
					ch, p := channels[(w+i)%2], purposes[(w*7+i)%len(purposes)]
					key := fmt.Sprintf("w%d-i%d", w, i)
					if i%8 == 7 {
						key = fmt.Sprintf("w%d-i%d", w, i-4) // a retry of an earlier request
						acc = accounts[(w+i-4)%len(accounts)]
						ch, p = channels[(w+i-4)%2], purposes[(w*7+i-4)%len(purposes)]
					}
					r := e.resend(tok, acc, ch, p, key)
					var res data.ResendResult
					switch {
					case r.Status == http.StatusCreated && r.Header.Get(data.HeaderIdempotentReplayed) == "true":
						r.decode(t, &res)
						mu.Lock()
						replayedIDs = append(replayedIDs, res.Delivery.ID)
						mu.Unlock()
					case r.Status == http.StatusCreated:
						r.decode(t, &res)
						mu.Lock()
						if _, dup := created[res.Delivery.ID]; dup {
							t.Errorf("delivery %s created twice", res.Delivery.ID)
						}
						created[res.Delivery.ID] = result{res.Delivery.ID, acc, ch + " " + p}
						mu.Unlock()
					case r.Status == http.StatusTooManyRequests, r.Status == http.StatusConflict:
					default:
						t.Errorf("resend answered %d: %s", r.Status, r.Body)
					}
				}
			}
		}(w)
	}
	wg.Wait()

	perBucket := map[string]int{}
	for _, r := range created {
		perBucket[r.account+" "+r.dest]++
	}
	for k, n := range perBucket {
		if n > limits.PerMinute {
			t.Errorf("%s: %d sends in one minute, limit %d", k, n, limits.PerMinute)
		}
	}
	for _, id := range replayedIDs {
		if _, ok := created[id]; !ok {
			t.Errorf("replay answered %s, which no request created", id)
		}
	}
	total := 0
	for _, a := range accounts {
		got := e.deliveries(tokens[0], a)
		seen := map[string]bool{}
		n := 0
		for _, d := range got {
			if seen[d.ID] {
				t.Errorf("delivery %s listed twice", d.ID)
			}
			seen[d.ID] = true
			if d.RequestedBy == data.RequesterAgent {
				n++
				if _, ok := created[d.ID]; !ok {
					t.Errorf("delivery %s in the log but no resend reported it", d.ID)
				}
			}
		}
		total += n
		if len(got)-before[a] != n {
			t.Errorf("%s: %d new deliveries, %d by agents", a, len(got)-before[a], n)
		}
	}
	if total != len(created) {
		t.Errorf("%d agent deliveries in logs, %d resends accepted", total, len(created))
	}
	if len(created) == 0 || len(replayedIDs) == 0 {
		t.Errorf("load too light: %d created, %d replayed", len(created), len(replayedIDs))
	}
	log := logs.String()
	for _, a := range accounts {
		for _, m := range e.inbox(tokens[0], a) {
			if m.Code != "" && strings.Contains(log, m.Code) {
				t.Errorf("code of %s appears in the log", m.DeliveryID)
			}
		}
	}
	t.Logf("%d resends accepted, %d replays, %d log bytes", len(created), len(replayedIDs), len(log))
}

// TestBurstWithRunningClock fires concurrent resends with distinct keys at one
// destination while the real clock runs: exactly one goes out (1 a minute).
func TestBurstWithRunningClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.Now = time.Now })
	tok := e.signIn("ana")
	const n = 30
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := e.resend(tok, "acc_1007", data.ChannelEmail, data.PurposeLogin, fmt.Sprintf("burst-%d", i))
			mu.Lock()
			codes[r.Status]++
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if codes[http.StatusCreated] != 1 || codes[http.StatusTooManyRequests] != n-1 {
		t.Errorf("burst answers %v, want one 201 and %d 429", codes, n-1)
	}
}
