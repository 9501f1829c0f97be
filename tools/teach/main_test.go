package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"z80ulm/internal/testkit"
)

// TestBadUse: the command names what is wrong: no sheet, a sheet that
// cannot be taught (with its line), a missing file; it writes nothing.
func TestBadUse(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("category: animal\nnames: okapi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	assets := filepath.Join(testkit.Root(t), "assets")
	out := filepath.Join(dir, "OKAPI.COM")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{}, "give -sheet FILE"},
		{[]string{"-sheet", bad, "extra"}, "give -sheet FILE"},
		{[]string{"-sheet", filepath.Join(dir, "missing.txt")}, "missing.txt"},
		{[]string{"-sheet", bad, "-assets", assets, "-o", out}, "the sheet cannot be taught:\n" + bad + `:1: no "secret: NAME" line`},
		{[]string{"-sheet", bad, "-assets", dir}, "guess/bank.txt"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(c.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error with %q", c.args, err, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a bad sheet left a .COM behind")
	}
}
