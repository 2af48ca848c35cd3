package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// LogFileName is the console's log file in DefaultLogDir.
const LogFileName = "console.log"

// maxLogBytes is the size past which the next start moves the log aside to
// console.log.1 (replacing the one before), so the folder never holds more
// than about twice this.
const maxLogBytes = 4 << 20

// OpenLogFile opens the console's log file for appending, in DefaultLogDir
// (made 0700 if missing), after moving a log grown past maxLogBytes aside.
// A program started from a desktop menu, and any Windows GUI program, has no
// terminal for its stderr: what Fyne and the console log would otherwise be
// lost. It writes a line marking the start with the version.
func OpenLogFile() (*os.File, error) {
	dir, err := DefaultLogDir()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, LogFileName)
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLogBytes {
		if err := os.Rename(path, path+".1"); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f, "%s verifydesk %s (build %d) started, pid %d\n", time.Now().Format(time.RFC3339), Version, BuildNumber, os.Getpid())
	return f, nil
}

// LogWriter is where the console's log goes: the log file (OpenLogFile) and
// stderr, each written whatever the other does (a Windows GUI program's
// stderr fails every write). Without a log file it is stderr alone, and the
// error says why.
func LogWriter(stderr io.Writer) (io.Writer, error) {
	f, err := OpenLogFile()
	if err != nil {
		return stderr, err
	}
	return bothWriter{f, stderr}, nil
}

type bothWriter [2]io.Writer

func (b bothWriter) Write(p []byte) (int, error) {
	_, err0 := b[0].Write(p)
	_, err1 := b[1].Write(p)
	if err0 != nil && err1 != nil {
		return 0, err0
	}
	return len(p), nil
}
