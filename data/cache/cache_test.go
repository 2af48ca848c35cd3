package cache

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

func TestOpenPutReopen(t *testing.T) {
	clk := newClock()
	c, path := newCache(t, clk)
	cs := sampleCase("c-1", clk.Now(), data.Note{ID: "n-1", AuthorID: "ag_ana", At: clk.Now(), Text: tNoteText})
	if err := c.PutCase(CaseRecord{Case: cs, Emails: []string{tEmail}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c = openAt(t, path, testOptions(clk))
	got, err := c.Case("c-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Case.AccountID != "acc_1001" || len(got.Case.Notes) != 1 || got.Case.Notes[0].Text != tNoteText {
		t.Errorf("reopened case = %+v", got.Case)
	}
	if !got.CachedAt.Equal(clk.Now()) || got.OnlyCached() {
		t.Errorf("cached at %v, only cached %v", got.CachedAt, got.OnlyCached())
	}
	if _, err := c.Case("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing case: %v", err)
	}
	if c.Recovered() != "" {
		t.Errorf("Recovered = %q on a healthy file", c.Recovered())
	}
}

func TestSecondInstanceIsInUse(t *testing.T) {
	clk := newClock()
	_, path := newCache(t, clk)
	start := time.Now()
	_, err := Open(path, Options{Timeout: 50 * time.Millisecond, Now: clk.Now})
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
	if err.Error() != "the cache is in use by another Verifydesk window" {
		t.Errorf("message %q", err.Error())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("second Open took %v: it must give up after the timeout", d)
	}
}

func TestCorruptFileMovedAside(t *testing.T) {
	garbage := bytes.Repeat([]byte("this is not a bbolt file\n"), 1000)
	for name, damage := range map[string]func(t *testing.T, path string){
		"text file": func(t *testing.T, path string) {
			if err := os.WriteFile(path, garbage, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"truncated": func(t *testing.T, path string) {
			if err := os.WriteFile(path, garbage[:100], 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"both meta pages zeroed": func(t *testing.T, path string) {
			c, err := Open(path, testOptions(newClock()))
			if err != nil {
				t.Fatal(err)
			}
			_ = c.PutCase(CaseRecord{Case: sampleCase("c-1", time.Now())})
			c.Close()
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			// bbolt keeps two meta pages at the start (page size 4096 here).
			if _, err := f.WriteAt(make([]byte, 2*os.Getpagesize()), 0); err != nil {
				t.Fatal(err)
			}
			f.Close()
		},
	} {
		t.Run(name, func(t *testing.T) {
			clk := newClock()
			path := filepath.Join(t.TempDir(), "cache.db")
			damage(t, path)
			before, _ := os.ReadFile(path)
			c := openAt(t, path, testOptions(clk))
			aside := c.Recovered()
			if aside == "" || !strings.HasPrefix(aside, path+".corrupt-20261201T090000Z") {
				t.Fatalf("Recovered = %q", aside)
			}
			kept, err := os.ReadFile(aside)
			if err != nil || !bytes.Equal(kept, before) {
				t.Errorf("the damaged file was not kept as it was at %s: %v", aside, err)
			}
			if len(c.Problems()) == 0 {
				t.Error("no problem reported")
			}
			// The fresh cache works.
			if err := c.PutCase(CaseRecord{Case: sampleCase("c-2", clk.Now())}); err != nil {
				t.Fatal(err)
			}
			if got := search(t, c, tPhone); len(got) != 1 {
				t.Errorf("search in the fresh cache: %v", got)
			}
		})
	}
}

func TestForeignBoltFileIsLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "backend.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("accounts")); return err })
	db.Close()
	if _, err := Open(path, testOptions(newClock())); !errors.Is(err, ErrNotCache) {
		t.Fatalf("Open of another program's bbolt file: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the file was moved: %v", err)
	}
}

func TestNewerSchemaIsRefusedUntouched(t *testing.T) {
	clk := newClock()
	c, path := newCache(t, clk)
	c.Close()
	rawUpdate(t, path, func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(metaSchema, u64(SchemaVersion+1)) })
	if _, err := Open(path, testOptions(clk)); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open: %v, want ErrNewerSchema", err)
	}
}

// rawUpdate changes the file with bbolt directly, as a tamperer would.
func rawUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func TestKeyInKeyring(t *testing.T) {
	keyring.MockInit()
	clk := newClock()
	c, path := newCache(t, clk)
	if s, w := c.KeyStorage(); s != KeyInKeyring || w != "" {
		t.Errorf("KeyStorage = %q, %q", s, w)
	}
	if _, err := os.Stat(c.KeyFile()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file exists beside a keyring cache: %v", err)
	}
	_ = c.PutCase(CaseRecord{Case: sampleCase("c-1", clk.Now())})
	c.Close()
	c = openAt(t, path, testOptions(clk))
	if got := search(t, c, tPhone); len(got) != 1 {
		t.Errorf("after reopen: %v", got)
	}
	c.Close()

	// The keyring lost the key (another user profile, a wiped keychain): the
	// cache is not opened, and not moved aside either.
	keyring.MockInit()
	if _, err := Open(path, testOptions(clk)); !errors.Is(err, ErrKeyUnavailable) {
		t.Fatalf("Open without the key: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the cache file moved: %v", err)
	}
}

func TestKeyFileWhenNoKeyring(t *testing.T) {
	withoutKeyring(t)
	clk := newClock()
	c, path := newCache(t, clk)
	if s, w := c.KeyStorage(); s != KeyInFile || w != KeyFileWarning {
		t.Errorf("KeyStorage = %q, %q", s, w)
	}
	st, err := os.Stat(c.KeyFile())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	_ = c.PutCase(CaseRecord{Case: sampleCase("c-1", clk.Now())})
	c.Close()

	// A keyring that works later changes nothing: the key stays in its file.
	keyring.MockInit()
	c = openAt(t, path, testOptions(clk))
	if s, _ := c.KeyStorage(); s != KeyInFile {
		t.Errorf("KeyStorage after reopen = %q", s)
	}
	if got := search(t, c, tPhone); len(got) != 1 {
		t.Errorf("after reopen: %v", got)
	}
	c.Close()

	// Another key in the file does not open the cache.
	if err := os.WriteFile(c.KeyFile(), []byte(encodeSecret(newSecret())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, testOptions(clk)); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("Open with another key: %v", err)
	}
	// No key file at all.
	os.Remove(c.KeyFile())
	if _, err := Open(path, testOptions(clk)); !errors.Is(err, ErrKeyUnavailable) {
		t.Errorf("Open without the key file: %v", err)
	}
}

// blockingKeyring never answers, like a keyring waiting on an unlock prompt.
type blockingKeyring struct{ release chan struct{} }

func (b blockingKeyring) Get(string, string) (string, error) {
	<-b.release
	return "", keyring.ErrNotFound
}
func (b blockingKeyring) Set(string, string, string) error { <-b.release; return nil }

func TestKeyringThatHangsFallsBackToFile(t *testing.T) {
	kr := blockingKeyring{release: make(chan struct{})}
	defer close(kr.release)
	path := filepath.Join(t.TempDir(), "cache.db")
	c := openAt(t, path, Options{Keyring: kr, KeyringTimeout: 20 * time.Millisecond})
	if s, _ := c.KeyStorage(); s != KeyInFile {
		t.Errorf("KeyStorage = %q", s)
	}
}

// TestFileHoldsNoPersonalDataInClear fills every store with personal data and
// greps the raw file for it.
func TestFileHoldsNoPersonalDataInClear(t *testing.T) {
	clk := newClock()
	c, path := newCache(t, clk)
	cs := sampleCase("c-1", clk.Now(), data.Note{ID: "n-1", AuthorID: "ag_ana", At: clk.Now(), Text: tNoteText})
	cs.CustomerContact = tEmail
	if err := c.PutCase(CaseRecord{Case: cs, Phones: []string{tPhone2}, Emails: []string{tEmail}}); err != nil {
		t.Fatal(err)
	}
	snap := Snapshot{
		Account:     mustJSON(t, data.Account{ID: "acc_1001", Name: tName, PhoneMasked: "+886 9** *** 456"}),
		Devices:     mustJSON(t, []data.TrustedDevice{{ID: "d1", Name: tName + "'s iPhone", LastIP: tIP}}),
		LoginEvents: mustJSON(t, []data.LoginEvent{{ID: "e1", IP: tIP, DeviceName: "Pixel"}}),
	}
	if err := c.PutSnapshot("c-1", snap); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueueNote("c-1", data.Note{ID: "n-2", AuthorID: "ag_ana", Text: tNoteText2}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddAttachment("c-1", "app-log.txt", []byte("login from "+tIP+" for "+tPhone+"\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Append(AuditEntry{AgentID: "ag_ana", Action: "reveal", AccountID: "acc_1001", Detail: "revealed " + tPhone}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetLastAgent(data.Agent{ID: "ag_ana", Username: "ana", Name: "Ana Ruiz", Role: data.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	// Still readable through the cache...
	if got := search(t, c, strings.ToUpper(tEmail)); len(got) != 1 {
		t.Fatalf("search by email: %v", got)
	}
	c.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// ...and nowhere in the file.
	for _, secret := range []string{tPhone, tPhone[1:], "936123456", tPhone2, tEmail, strings.ToLower(tEmail),
		"example.com", tIP, tName, "Ana Ruiz", tNoteText, tNoteText2, "Okinawa", "Chunghwa", "roaming", "app-log.txt"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the cache file holds %q in the clear", secret)
		}
	}
}

func TestDamagedRecordIsSkippedAndReported(t *testing.T) {
	clk := newClock()
	c, path := newCache(t, clk)
	for _, id := range []string{"c-1", "c-2"} {
		if err := c.PutCase(CaseRecord{Case: sampleCase(id, clk.Now())}); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketCases, bucketSummaries} {
			v := bytes.Clone(tx.Bucket(b).Get([]byte("c-1")))
			v[len(v)/2] ^= 0x01
			if err := tx.Bucket(b).Put([]byte("c-1"), v); err != nil {
				return err
			}
		}
		return nil
	})
	c = openAt(t, path, testOptions(clk))
	if got := search(t, c, tPhone); len(got) != 1 || got[0] != "c-2" {
		t.Errorf("search over a damaged record: %v", got)
	}
	if _, err := c.Case("c-1"); !errors.Is(err, ErrCorruptRecord) {
		t.Errorf("Case of the damaged record: %v", err)
	}
	ps := c.Problems()
	if len(ps) == 0 || !strings.Contains(ps[0].Where, "c-1") {
		t.Errorf("Problems = %+v", ps)
	}
	// The backend's copy replaces the damaged record.
	if err := c.PutCase(CaseRecord{Case: sampleCase("c-1", clk.Now())}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Case("c-1"); err != nil {
		t.Errorf("after PutCase: %v", err)
	}
}
