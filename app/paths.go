package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// Where Verifydesk keeps its files: always under the OS's per-user folders,
// never the working directory. When the OS gives no such folder (no HOME),
// these fail rather than fall back to ".".
//
//	                 Linux (XDG)                  macOS                                  Windows
//	settings         ~/.config/fyne/<id>/          ~/Library/Preferences/fyne/<id>/        %USERPROFILE%\AppData\Roaming\fyne\<id>\
//	cache, key, logs ~/.cache/verifydesk/          ~/Library/Caches/verifydesk/            %LocalAppData%\verifydesk\
//	backend data     ~/.config/verifydesk/         ~/Library/Application Support/verifydesk/ %AppData%\verifydesk\
const (
	appDirName    = "verifydesk"
	cacheFileName = "cache.db"
	keyFileSuffix = ".key" // data/cache's key file: the cache file's name and this
	logsDirName   = "logs"
	prefsFileName = "preferences.json" // Fyne's own name, inside its storage root
	demoDBName    = "demo-backend.db"  // the console's embedded demo backend (console.go)
)

// FyneStorageRoot is the folder Fyne v2.7 gives the app id on this OS
// (app.Storage().RootURI()): its preferences file and the embedded demo
// backend's data live there. It mirrors fyne.io/fyne/v2/internal/app's
// rootConfigDir so that it can be named without starting Fyne.
func FyneStorageRoot(id string) (string, error) {
	if id == "" {
		return "", errors.New("no application id")
	}
	var root string
	switch runtime.GOOS {
	case "windows":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, "AppData", "Roaming", "fyne")
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, "Library", "Preferences", "fyne")
	default:
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(dir, "fyne")
	}
	return filepath.Join(root, id), nil
}

// DefaultCachePath is the case cache's bbolt file: verifydesk/cache.db in the
// OS's user cache folder.
func DefaultCachePath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, appDirName, cacheFileName), nil
}

// DefaultCacheKeyPath is the 0600 file holding the cache's key where the OS
// has no keyring. data/cache keeps it beside the cache file, named after it
// (cache.db.key): this names the same file, and a test opens a cache to hold
// the two to each other.
func DefaultCacheKeyPath() (string, error) {
	p, err := DefaultCachePath()
	if err != nil {
		return "", err
	}
	return p + keyFileSuffix, nil
}

// DefaultLogDir is the folder of the console's log file (OpenLogFile):
// verifydesk/logs in the OS's user cache folder.
func DefaultLogDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, appDirName, logsDirName), nil
}

// pathNames are the lines of `verifydesk paths`, in order, with what each is.
var pathNames = []struct{ name, what string }{
	{"settings", "the console's settings (Fyne preferences)"},
	{"storage", "Fyne's storage folder of the app"},
	{"demo-backend", "the embedded demo backend's data"},
	{"cache", "the case cache (personal data encrypted)"},
	{"cache-key", "the cache key file, used where the OS has no keyring"},
	{"logs", "the console's log folder (" + LogFileName + ", and the one before as " + LogFileName + ".1)"},
	{"backend-data", "the default --data file of `verifydesk backend`"},
}

// appPaths is where each of pathNames lives for the app id, by name.
func appPaths(id string) (map[string]string, error) {
	root, err := FyneStorageRoot(id)
	if err != nil {
		return nil, err
	}
	out := map[string]string{
		"settings":     filepath.Join(root, prefsFileName),
		"storage":      root,
		"demo-backend": filepath.Join(root, demoDBName),
	}
	for name, f := range map[string]func() (string, error){
		"cache": DefaultCachePath, "cache-key": DefaultCacheKeyPath, "logs": DefaultLogDir, "backend-data": backendDataPath,
	} {
		if out[name], err = f(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// backendDataPath is where `verifydesk backend` keeps its data by default
// (defaultBackendDB), or an error where the OS has no config folder.
func backendDataPath() (string, error) {
	if _, err := os.UserConfigDir(); err != nil {
		return "", err
	}
	return defaultBackendDB(), nil
}

func runPaths(args []string, std Stdio) int {
	fs := flag.NewFlagSet("verifydesk paths", flag.ContinueOnError)
	if status, ok := parseFlags(fs, args, std, pathsUsage); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(std.Err, "verifydesk paths: unexpected argument %q\n", fs.Arg(0))
		pathsUsage(fs, std.Err)
		return exitUsage
	}
	if ID == "" {
		fmt.Fprintln(std.Err, "verifydesk paths: this binary carries no metadata (main did not load "+MetadataFile+")")
		return exitFail
	}
	paths, err := appPaths(ID)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk paths: this account has no user folders:", err)
		return exitFail
	}
	for _, p := range pathNames {
		fmt.Fprintf(std.Out, "%-13s %s\n", p.name, paths[p.name])
	}
	return exitOK
}

func pathsUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk paths")
	fmt.Fprintln(w, "\nPrint where Verifydesk keeps each of its files on this computer, one \"name path\" line each:")
	for _, p := range pathNames {
		fmt.Fprintf(w, "  %-13s %s\n", p.name, p.what)
	}
}
