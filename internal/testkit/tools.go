package testkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Need looks each tool up on PATH and returns the path of the first name of
// each group that is found (names separated by "|", e.g.
// "chromium|chromium-browser"). A missing tool skips the test, except under
// CI=true, where it fails it: CI must run every cross-check (make deps
// installs them).
func Need(tb testing.TB, tools ...string) []string {
	tb.Helper()
	var paths []string
	for _, group := range tools {
		found := ""
		for _, name := range strings.Split(group, "|") {
			if p, err := exec.LookPath(name); err == nil {
				found = p
				break
			}
		}
		if found == "" {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("%s is not installed (CI=true: make deps installs it)", group)
			}
			tb.Skipf("%s is not installed (make deps installs it)", group)
		}
		paths = append(paths, found)
	}
	return paths
}

// Root is the repository root (the directory holding go.mod), found from
// the test's working directory.
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
}

// OutDir is out/ at the repository root, where tests leave the pictures a
// person may want to look at (screenshots); out/ is not committed.
func OutDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(Root(tb), "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}
