package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Screen size of the Xvfb server: larger than the windows (1280x800, at the
// top left), so the pointer can rest outside them. A pointer over a window
// that quits in its first frames can crash Fyne 2.7.1's GLFW driver (a cursor
// event reaches a window already closing: nil glfw window in
// processMouseMoved), which is Fyne's bug and not what is measured here.
const screenW, screenH = 1400, 900

// xvfb is an X server of our own for the window runs.
type xvfb struct {
	display string
	cmd     *exec.Cmd
}

func startXvfb() (*xvfb, error) {
	for n := 94; n < 140; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		d := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", d, "-screen", "0", fmt.Sprintf("%dx%dx24", screenW, screenH), "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("starting Xvfb: %w (run .ci/deps)", err)
		}
		x := &xvfb{display: d, cmd: cmd}
		for range 100 {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				// Park the pointer outside the windows.
				mv := exec.Command("xdotool", "mousemove", strconv.Itoa(screenW-1), strconv.Itoa(screenH-1))
				mv.Env = append(os.Environ(), "DISPLAY="+d)
				_ = mv.Run()
				return x, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		x.stop()
		return nil, fmt.Errorf("the X server Xvfb %s did not start", d)
	}
	return nil, fmt.Errorf("no free X display between :94 and :139")
}

func (x *xvfb) stop() {
	if x.cmd.Process != nil {
		_ = x.cmd.Process.Signal(syscall.SIGTERM)
		_ = x.cmd.Wait()
	}
}

// windowRun is one start of a windowed program.
type windowRun struct {
	readyMS  float64
	maxRSS   float64 // KiB, the peak resident set (VmHWM)
	maxAnon  float64 // KiB, the largest RssAnon sampled from /proc
	maxFile  float64 // KiB, the largest RssFile sampled
	attempts int
}

var readyRE = regexp.MustCompile(`(?m)^ready_ms=(\d+)$`)

// startWindow runs argv under the X server with env until it exits, and reads
// its ready_ms line and, sampled every 10 ms from /proc, its peak resident
// memory and its largest anonymous and file-backed resident memory. A run that fails is tried again (twice).
func startWindow(x *xvfb, env []string, logPath string, argv ...string) (windowRun, error) {
	var lastErr error
	for attempt := 1; attempt <= 3; attempt++ {
		r, err := startWindowOnce(x, env, logPath, argv...)
		if err == nil {
			r.attempts = attempt
			return r, nil
		}
		lastErr = err
		logf("%s failed (attempt %d): %v", filepath.Base(argv[0]), attempt, err)
	}
	return windowRun{}, lastErr
}

func startWindowOnce(x *xvfb, env []string, logPath string, argv ...string) (windowRun, error) {
	var r windowRun
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), env...), "DISPLAY="+x.display)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Start(); err != nil {
		return r, err
	}
	done := make(chan struct{})
	sampled := make(chan [3]float64, 1)
	go func() {
		var hwm, anon, file float64
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if b, err := os.ReadFile(status); err == nil {
				hwm = max(hwm, statusKiB(b, "VmHWM:"))
				anon = max(anon, statusKiB(b, "RssAnon:"))
				file = max(file, statusKiB(b, "RssFile:"))
			}
			select {
			case <-done:
				sampled <- [3]float64{hwm, anon, file}
				return
			case <-t.C:
			}
		}
	}()
	timer := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	close(done)
	s := <-sampled
	// VmHWM, not getrusage's ru_maxrss: Go starts a child with vfork, and
	// until its exec the child shares (and is charged) the parent's memory,
	// so ru_maxrss reports this tool's own peak whenever that is higher
	// (as after generating the fixtures). VmHWM starts afresh at exec and
	// only grows, so the last sample holds the peak but for the last 10 ms.
	r.maxRSS, r.maxAnon, r.maxFile = s[0], s[1], s[2]
	_ = os.WriteFile(logPath, stderr.Bytes(), 0o600)
	if err != nil {
		return r, fmt.Errorf("%v (log: %s)\n%s", err, logPath, tail(stderr.String(), 8))
	}
	m := readyRE.FindSubmatch(stderr.Bytes())
	if m == nil {
		return r, fmt.Errorf("no ready_ms line (log: %s)", logPath)
	}
	r.readyMS, _ = strconv.ParseFloat(string(m[1]), 64)
	if r.maxRSS == 0 {
		return r, fmt.Errorf("no VmHWM read from /proc/%d/status", cmd.Process.Pid)
	}
	return r, nil
}

func statusKiB(status []byte, field string) float64 {
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, field) {
			f := strings.Fields(l)
			if len(f) >= 2 {
				v, _ := strconv.ParseFloat(f[1], 64)
				return v
			}
		}
	}
	return 0
}

// windowPairs are the start and memory figures: the console (demo mode, the
// 100k-case cache) and the bare window, started the same way on one X server
// with one home folder, in alternating pairs after one warm-up start of each
// (which makes the demo backend's file and fills the page cache).
type windowPairs struct {
	console, bare []windowRun
	// cold are console starts with the cache file evicted from the page
	// cache first, as on the first start after a reboot.
	cold []windowRun
}

func runWindowPairs(console, bare []string, home, logs string, pairs int, cacheFile string, coldRuns int) (windowPairs, error) {
	var wp windowPairs
	x, err := startXvfb()
	if err != nil {
		return wp, err
	}
	defer x.stop()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "LANG=en_US.UTF-8"}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return wp, err
	}
	logf("window runs on Xvfb %s: 1 warm-up each, then %d alternating pairs", x.display, pairs)
	if _, err := startWindow(x, env, filepath.Join(logs, "console-warmup.log"), console...); err != nil {
		return wp, fmt.Errorf("console: %w", err)
	}
	if _, err := startWindow(x, env, filepath.Join(logs, "bare-warmup.log"), bare...); err != nil {
		return wp, fmt.Errorf("bare window: %w", err)
	}
	for i := range pairs {
		order := [][]string{console, bare}
		if i%2 == 1 {
			order = [][]string{bare, console}
		}
		for _, argv := range order {
			isConsole := argv[0] == console[0]
			name := "bare"
			if isConsole {
				name = "console"
			}
			r, err := startWindow(x, env, filepath.Join(logs, fmt.Sprintf("%s-%d.log", name, i)), argv...)
			if err != nil {
				return wp, fmt.Errorf("%s: %w", name, err)
			}
			if isConsole {
				wp.console = append(wp.console, r)
			} else {
				wp.bare = append(wp.bare, r)
			}
		}
	}
	for i := range coldRuns {
		if err := evict(cacheFile); err != nil {
			return wp, err
		}
		r, err := startWindow(x, env, filepath.Join(logs, fmt.Sprintf("console-cold-%d.log", i)), console...)
		if err != nil {
			return wp, fmt.Errorf("console, cold cache: %w", err)
		}
		wp.cold = append(wp.cold, r)
	}
	return wp, nil
}

// evict drops path's pages from the page cache (only this file's; the
// console's writes are synced by bbolt, so its pages are clean).
func evict(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
