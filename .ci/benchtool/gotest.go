package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// testBin is one package's compiled test binary, run in the package's folder
// as `go test` would.
type testBin struct {
	pkg  string // "./services/phone"
	path string
	dir  string
}

// buildTests compiles the test binaries of pkgs into dir/bin.
func buildTests(repo, dir string, pkgs ...string) (map[string]testBin, error) {
	out := map[string]testBin{}
	for _, p := range pkgs {
		bin := filepath.Join(dir, "bin", strings.ReplaceAll(strings.Trim(p, "./"), "/", "_")+".test")
		cmd := exec.Command("go", "test", "-c", "-o", bin, p)
		cmd.Dir = repo
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go test -c %s: %v\n%s", p, err, b)
		}
		out[p] = testBin{pkg: p, path: bin, dir: filepath.Join(repo, p)}
	}
	return out, nil
}

// rawLog, when set, gets every benchmark run's output as it was printed.
var rawLog io.Writer

// benchResult is one line of benchmark output: the name without the
// GOMAXPROCS suffix, and every "value unit" pair (ns/op, p95-ms, ...).
type benchResult struct {
	name    string
	metrics map[string]float64
}

// run runs the benchmarks of b matching pattern with the given extra flags
// and environment, and returns the results in order.
func (t testBin) run(env []string, pattern string, flags ...string) ([]benchResult, error) {
	args := append([]string{"-test.run", "^$", "-test.bench", pattern, "-test.benchmem=false"}, flags...)
	cmd := exec.Command(t.path, args...)
	cmd.Dir = t.dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if rawLog != nil {
		fmt.Fprintf(rawLog, "== %s %s (%s)\n%s", filepath.Base(t.path), strings.Join(args, " "), strings.Join(env, " "), stdout.String())
	}
	res := parseBench(stdout.String())
	if err != nil {
		return res, fmt.Errorf("%s -test.bench %q: %v\n%s%s", filepath.Base(t.path), pattern, err, tail(stdout.String(), 20), tail(stderr.String(), 20))
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("%s -test.bench %q: no benchmark ran\n%s", filepath.Base(t.path), pattern, tail(stdout.String(), 20))
	}
	return res, nil
}

func parseBench(out string) []benchResult {
	var res []benchResult
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		r := benchResult{name: name, metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r.metrics[f[i+1]] = v
			}
		}
		res = append(res, r)
	}
	return res
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n") + "\n"
}

// find returns the metric unit of the result named name.
func find(res []benchResult, name, unit string) (float64, bool) {
	for _, r := range res {
		if r.name == name {
			v, ok := r.metrics[unit]
			return v, ok
		}
	}
	return 0, false
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
