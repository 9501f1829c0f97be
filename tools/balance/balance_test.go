package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"z80ulm/model"
)

func mkPairs(counts map[string]int) []model.Pair {
	var ps []model.Pair
	for _, c := range []string{"YES", "NO", "MAYBE", "WIN"} {
		for i := 0; i < counts[c]; i++ {
			ps = append(ps, model.Pair{Input: fmt.Sprintf("%s %d", strings.ToLower(c), i), Response: c})
		}
	}
	return ps
}

func TestCounts(t *testing.T) {
	got := Counts(mkPairs(map[string]int{"YES": 3, "NO": 7, "MAYBE": 3, "WIN": 1}))
	want := []Count{{"NO", 7}, {"MAYBE", 3}, {"YES", 3}, {"WIN", 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
}

func TestResampleExact(t *testing.T) {
	in := mkPairs(map[string]int{"YES": 30, "NO": 100, "MAYBE": 7, "WIN": 1})
	out := Resample(in, 40, 40, 1)
	for _, c := range Counts(out) {
		if c.N != 40 {
			t.Errorf("class %s has %d, want 40", c.Class, c.N)
		}
	}
	times := map[string]int{}
	for _, p := range out {
		times[p.Input]++
	}
	for _, p := range in {
		n := times[p.Input]
		switch p.Response {
		case "NO": // under-sampled: each line at most once
			if n > 1 {
				t.Errorf("%q kept %d times", p.Input, n)
			}
		case "YES": // 40 of 30: every line once, 10 of them twice
			if n < 1 || n > 2 {
				t.Errorf("%q repeated %d times", p.Input, n)
			}
		case "MAYBE": // 40 of 7: 5 or 6 times each
			if n < 5 || n > 6 {
				t.Errorf("%q repeated %d times", p.Input, n)
			}
		case "WIN":
			if n != 40 {
				t.Errorf("%q repeated %d times", p.Input, n)
			}
		}
	}
	if !reflect.DeepEqual(out, Resample(in, 40, 40, 1)) {
		t.Error("same seed, another result")
	}
	if reflect.DeepEqual(out, Resample(in, 40, 40, 2)) {
		t.Error("another seed, same result")
	}
	// The output is shuffled: the first 40 lines are not all one class.
	if len(Counts(out[:40])) < 3 {
		t.Error("not shuffled")
	}
}

func TestResampleBounds(t *testing.T) {
	in := mkPairs(map[string]int{"YES": 30, "NO": 100, "MAYBE": 7, "WIN": 1})
	got := map[string]int{}
	for _, c := range Counts(Resample(in, 10, 50, 3)) {
		got[c.Class] = c.N
	}
	if want := map[string]int{"YES": 30, "NO": 50, "MAYBE": 10, "WIN": 10}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
}

func TestCheck(t *testing.T) {
	if err := Check(mkPairs(map[string]int{"YES": 40, "NO": 40, "MAYBE": 20}), 0.40); err != nil {
		t.Errorf("40%% exactly refused: %v", err)
	}
	err := Check(mkPairs(map[string]int{"YES": 41, "NO": 59}), 0.40)
	if err == nil || !strings.Contains(err.Error(), `class "NO" has 59 of 100 lines (59.0%, more than 40%)`) ||
		!strings.Contains(err.Error(), `class "YES" has 41`) {
		t.Errorf("got %v", err)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	var b strings.Builder
	b.WriteString("# training lines\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "no question %d|NO\n", i)
	}
	b.WriteString("yes question|yes\nmaybe question|MAYBE\n")
	os.WriteFile(in, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "out.txt")

	// Unbalanced input fails the check; nothing written without -o.
	if err := run([]string{in}, "", 0, 0, 1, "", true, 0.4); err == nil || !strings.Contains(err.Error(), `"NO"`) {
		t.Errorf("check on unbalanced data: %v", err)
	}
	// -per-class max over-samples to the largest class and passes.
	if err := run([]string{in}, "max", 0, 0, 1, out, true, 0.4); err != nil {
		t.Fatal(err)
	}
	ps, errs := model.ReadPairFiles(out)
	if len(errs) > 0 || len(ps) != 36 {
		t.Fatalf("%d lines, %v", len(ps), errs)
	}
	for _, c := range Counts(ps) {
		if c.N != 12 {
			t.Errorf("%v", c)
		}
	}
	// Bad lines are reported with file and line.
	os.WriteFile(in, []byte("ok|YES\nbroken line\n"), 0o644)
	if err := run([]string{in}, "", 0, 0, 1, "", false, 0.4); err == nil || !strings.Contains(err.Error(), in+":2: no '|'") {
		t.Errorf("bad line: %v", err)
	}
	if err := run([]string{in + ".missing"}, "", 0, 0, 1, "", false, 0.4); err == nil {
		t.Error("missing file accepted")
	}
	os.WriteFile(in, []byte("ok|YES\n"), 0o644)
	for _, pc := range []string{"0", "-3", "many"} {
		if err := run([]string{in}, pc, 0, 0, 1, "", false, 0.4); err == nil || !strings.Contains(err.Error(), "-per-class") {
			t.Errorf("-per-class %s: %v", pc, err)
		}
	}
	if err := run([]string{in}, "", 5, 2, 1, "", false, 0.4); err == nil {
		t.Error("-min above -max accepted")
	}
}
