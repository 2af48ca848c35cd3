package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"verifydesk/backend"
	"verifydesk/data"
	"verifydesk/data/cache"
)

// Fixtures are made once and kept in the fixture folder, named by a hash of
// the source that writes them: a change to the cache's or the backend's code
// makes new ones, a rerun reuses them. Benchmarks that write (every lookup
// and search is audited) get a copy per run, so one run's writes never reach
// the next.

// sourceHash hashes the non-test Go files of the given folders of the repo.
func sourceHash(repo string, dirs ...string) (string, error) {
	h := sha256.New()
	for _, d := range dirs {
		files, err := filepath.Glob(filepath.Join(repo, d, "*.go"))
		if err != nil {
			return "", err
		}
		sort.Strings(files)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// keep returns the fixture at dir/name, making it with make (into a
// temporary name, renamed when complete) if it is not there.
func keep(dir, name string, make func(path string) error) (string, error) {
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := filepath.Join(dir, "tmp-"+name)
	_ = os.RemoveAll(tmp)
	if err := make(tmp); err != nil {
		_ = os.RemoveAll(tmp)
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// backendDB is a reference backend file with n generated accounts (the
// generator of `verifydesk backend --generate`).
func backendDB(dir, hash string, n int) (string, error) {
	return keep(dir, fmt.Sprintf("backend-%s-%d.db", hash, n), func(path string) error {
		logf("generating %d backend accounts", n)
		_, err := backend.Generate(context.Background(), path, n, time.Now(), 42)
		return err
	})
}

// noKeyring refuses every call: the cache then keeps its key in the file
// beside it (the console's own fallback), so the fixture opens on any machine.
type noKeyring struct{}

func (noKeyring) Get(string, string) (string, error) { return "", errors.New("no keyring here") }
func (noKeyring) Set(string, string, string) error   { return errors.New("no keyring here") }

// caseCacheDir is a folder holding cache.db (and its key file) with n cases
// shaped like real ones: two notes of eight words each, a checklist, an
// escalation, a phone and an email; a quarter each open, waiting, escalated
// and resolved; twenty agents, ag_ana one of them. The cases were updated in
// the last two weeks, so the console's start (which purges resolved cases
// older than 30 days) keeps them all.
func caseCacheDir(dir, hash string, n int) (string, error) {
	return keep(dir, fmt.Sprintf("cases-%s-%d", hash, n), func(folder string) error {
		logf("writing %d cases into a cache", n)
		if err := os.MkdirAll(folder, 0o700); err != nil {
			return err
		}
		c, err := cache.Open(filepath.Join(folder, "cache.db"), cache.Options{Keyring: noKeyring{}})
		if err != nil {
			return err
		}
		if err := fillCases(c, n, time.Now()); err != nil {
			c.Close()
			return err
		}
		return c.Close()
	})
}

func fillCases(c *cache.Cache, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	vocab := make([]string, 1000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("word%03dx", i)
	}
	statuses := []string{data.CaseOpen, data.CaseWaiting, data.CaseEscalated, data.CaseResolved}
	agents := make([]string, 20)
	for i := range agents {
		agents[i] = fmt.Sprintf("ag_%d", i)
	}
	agents[0] = "ag_ana"
	const batch = 1000
	for start := 0; start < n; start += batch {
		var recs []cache.CaseRecord
		for i := start; i < min(start+batch, n); i++ {
			at := now.Add(-time.Duration(n-i) * 10 * time.Second)
			phone := fmt.Sprintf("+44770%07d", i)
			var notes []data.Note
			for j := range 2 {
				words := make([]string, 8)
				for w := range words {
					words[w] = vocab[rng.IntN(len(vocab))]
				}
				notes = append(notes, data.Note{ID: fmt.Sprintf("n-%d-%d", i, j), AuthorID: agents[i%len(agents)], At: at, Text: strings.Join(words, " ")})
			}
			cs := data.Case{ID: fmt.Sprintf("case-%06d", i), AccountID: fmt.Sprintf("acc_%06d", i), AgentID: agents[i%len(agents)],
				CustomerContact: phone, Channel: "phone", Category: "sms_never_arrives", Status: statuses[i%len(statuses)],
				Checklist: []data.ChecklistStep{{ID: "signal", Text: "Check the phone has signal", State: "done"},
					{ID: "spam", Text: "Look in the spam folder", State: "todo"}},
				Escalation: data.Escalation{Region: "GB", Phone: phone, App: "Tapo", AppVersion: "3.4.510"},
				Notes:      notes, CreatedAt: at, UpdatedAt: at, Version: 1}
			recs = append(recs, cache.CaseRecord{Case: cs, Emails: []string{fmt.Sprintf("customer.%d@example.com", i)}})
		}
		if err := c.PutCases(recs); err != nil {
			return err
		}
	}
	return nil
}

// copyTree copies the files of folder src (not recursive) into dst.
func copyTree(src, dst string) error {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil { // else the first fsync of a benchmark writes the whole copy
		out.Close()
		return err
	}
	return out.Close()
}

// prune removes the fixtures of other source versions (prefix-<hash>-...),
// which are hundreds of megabytes each.
func prune(dir, prefix, hash string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "tmp-"+prefix) || (strings.HasPrefix(name, prefix) && !strings.HasPrefix(name, prefix+hash+"-")) {
			logf("removing the old fixture %s", name)
			_ = os.RemoveAll(filepath.Join(dir, name))
		}
	}
}
