package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"z80ulm/model"
)

// eval guess sorts each held-out question by its distance to the secret's
// training inputs, whatever file it is in, and counts the model's replies.
func TestGuessNearFar(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("train/ZEBRA.txt", "# secret: ZEBRA\nis it big|YES\ndoes it have stripes|YES\nzebra|WIN\n")
	// near: a training input with "?" (the same question), with a word
	// replaced, with a word inserted; far: two words away or more.
	write("heldout/far/ZEBRA.txt", "is it big?|YES\ndoes it have spots|NO\nwhat colour are its stripes|MAYBE\n")
	write("heldout/near/ZEBRA.txt", "is it really big|YES\ncan you ride one on a farm|NO\n")
	m := model.Random(rand.New(rand.NewPCG(1, 2)), "AEINOSWY", []int{16, 8}, 0.5)
	m.Replies = []string{"NO", "WIN", "YES"}
	write("models/.keep", "")
	if err := model.WriteFile(filepath.Join(dir, "models/ZEBRA.model"), m); err != nil {
		t.Fatal(err)
	}
	c := guessConfig{train: filepath.Join(dir, "train"), heldout: filepath.Join(dir, "heldout"),
		models: filepath.Join(dir, "models"), sets: []string{"far", "near"}, quiet: true}
	se, err := c.evalSecret("ZEBRA", nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var far, near []string
	for _, o := range se.far.Outcomes {
		far = append(far, o.Input)
		if o.Got != m.Generate(o.Input) {
			t.Errorf("%q: got %q, the model says %q", o.Input, o.Got, m.Generate(o.Input))
		}
	}
	for _, o := range se.near.Outcomes {
		near = append(near, o.Input)
	}
	if got := strings.Join(far, ","); got != "what colour are its stripes,can you ride one on a farm" {
		t.Errorf("far: %q", got)
	}
	if got := strings.Join(near, ","); got != "is it big?,does it have spots,is it really big" {
		t.Errorf("near: %q", got)
	}
	var b strings.Builder
	printGuess(&b, []*secretEval{se}, false, true)
	if !strings.Contains(b.String(), "ZEBRA ") || !strings.Contains(b.String(), "/2 ") || !strings.Contains(b.String(), "/3 ") {
		t.Errorf("table:\n%s", b.String())
	}
	// A goal missed is an error naming the secret.
	c.minFar = 101
	if err := c.run(&b, &b); err == nil || !strings.Contains(err.Error(), "ZEBRA far") {
		t.Errorf("goal: %v", err)
	}
}
