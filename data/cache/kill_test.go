package cache

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"verifydesk/data"
)

// killChildEnv names the cache file the child process writes notes into.
const killChildEnv = "VERIFYDESK_CACHE_KILL_CHILD"

// TestKilledWhileWritingNotes runs this test binary again as a child that
// queues notes as fast as it can and prints "ack <id>" after each QueueNote
// returned; the parent kills it with SIGKILL in the middle of that, reopens the
// file and checks that every acknowledged note is there.
func TestKilledWhileWritingNotes(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		writeNotesUntilKilled(t, path)
		return
	}
	path := filepath.Join(t.TempDir(), "cache.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWhileWritingNotes$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const killAfter = 200
	var acked []string
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, id)
		}
		if len(acked) == killAfter && !killed {
			// Mid-write: the child is inside its next QueueNote by now.
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
		// Keep reading: lines the child wrote before it died were acknowledged too.
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatalf("the child stopped after %d notes: %s", len(acked), stderr.String())
	}

	c := openAt(t, path, testOptions(newClock()))
	rec, err := c.Case("c-kill")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range rec.Case.Notes {
		have[n.ID] = true
	}
	queued := map[string]bool{}
	pending, err := c.Pending()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range pending {
		queued[it.ID] = true
	}
	for _, id := range acked {
		if !have[id] || !queued[id] {
			t.Errorf("note %s was acknowledged but is lost (in case: %v, in outbox: %v)", id, have[id], queued[id])
		}
	}
	t.Logf("%d notes acknowledged before the kill, %d in the cache", len(acked), len(have))
	checkIndex(t, c)
}

func writeNotesUntilKilled(t *testing.T, path string) {
	withoutKeyring(t) // the parent reopens the file from another process: the key is in the file
	c, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutCase(CaseRecord{Case: sampleCase("c-kill", newClock().Now())}); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		id := fmt.Sprintf("n-%d", i)
		if _, err := c.QueueNote("c-kill", data.Note{ID: id, AuthorID: "ag_ana", Text: fmt.Sprintf("note %d about roaming", i)}); err != nil {
			t.Fatal(err)
		}
		// Unbuffered: once Write returns, the parent can read the line.
		if _, err := os.Stdout.WriteString("ack " + id + "\n"); err != nil {
			t.Fatal(err)
		}
	}
}
