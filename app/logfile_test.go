package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogWriterWritesFileAndStderr(t *testing.T) {
	loadRepoMetadata(t)
	home := fakeHome(t)
	var stderr bytes.Buffer
	w, err := LogWriter(&stderr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(home, ".cache", "verifydesk", "logs", LogFileName)
	if runtimeIsNotXDG() {
		path, _ = DefaultLogDir()
		path = filepath.Join(path, LogFileName)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "verifydesk "+Version+" (build") || !strings.HasSuffix(string(b), "hello\n") {
		t.Errorf("log file: %q", b)
	}
	if stderr.String() != "hello\n" {
		t.Errorf("stderr: %q", stderr.String())
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", fi.Mode().Perm())
	}
	w.(bothWriter)[0].(*os.File).Close()

	// A log past the limit is moved aside at the next start.
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), maxLogBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenLogFile()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, err := os.Stat(path + ".1"); err != nil || fi.Size() != maxLogBytes+1 {
		t.Errorf("the old log was not kept as %s.1: %v", LogFileName, err)
	}
	if fi, _ := os.Stat(path); fi.Size() > 200 {
		t.Errorf("the new log starts with %d bytes", fi.Size())
	}
}

// A failing stderr (a Windows GUI program's) does not stop the file.
func TestLogWriterSurvivesBrokenStderr(t *testing.T) {
	loadRepoMetadata(t)
	fakeHome(t)
	w, err := LogWriter(failingWriter{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.(bothWriter)[0].(*os.File).Close()
	if n, err := w.Write([]byte("kept\n")); n != 5 || err != nil {
		t.Errorf("Write = %d, %v", n, err)
	}
	dir, _ := DefaultLogDir()
	if b, _ := os.ReadFile(filepath.Join(dir, LogFileName)); !strings.HasSuffix(string(b), "kept\n") {
		t.Errorf("log file: %q", b)
	}
}

func TestLogWriterWithoutHome(t *testing.T) {
	if runtimeIsNotXDG() {
		t.Skip("unsetting HOME only removes the user folders on Linux")
	}
	fakeHome(t)
	t.Setenv("HOME", "")
	var stderr bytes.Buffer
	w, err := LogWriter(&stderr)
	if err == nil {
		t.Fatal("no error without a home")
	}
	w.Write([]byte("x"))
	if stderr.String() != "x" {
		t.Errorf("without a log file the log goes to stderr: %q", stderr.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no console") }
