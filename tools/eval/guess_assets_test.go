package main

// Tests of GUESS's committed data and models (docs/DESIGN.md, section 6):
// the training data regenerate byte for byte from the bank, the sheets and
// the seed; no held-out question is trained on; the seed transcript's
// questions are trained and answered; every model carries its secret's
// metadata and answers the seed transcript (ELEPHANT).

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"z80ulm/internal/testkit"
	"z80ulm/model"
)

// guessSecrets are the shipped secrets: one sheet, one training file and
// one model each.
func guessSecrets(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(assets, "guess/secrets/*.txt"))
	if err != nil || len(paths) < 12 {
		t.Fatalf("secret sheets: %v (%d)", err, len(paths))
	}
	var names []string
	for _, p := range paths {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".txt"))
	}
	return names
}

func TestGuessTrainingReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs tools/gendata")
	}
	out := t.TempDir()
	gendata(t, "-bank", "assets/guess/bank.txt", "-secrets", "assets/guess/secrets", "-heldout-dir", "assets/guess/heldout", "-o", out)
	for _, s := range guessSecrets(t) {
		got, _ := os.ReadFile(filepath.Join(out, s+".txt"))
		if !bytes.Equal(got, read(t, "guess/train/"+s+".txt")) {
			t.Errorf("%s: gendata makes other lines than the committed guess/train/%s.txt (run make assets-guess)", s, s)
		}
	}
}

// No held-out question (far, dev or near) is a training input of its
// secret, in any spelling gendata treats as the same question; and the
// seed transcript's questions are trained with their answers.
func TestGuessHeldoutNotTrained(t *testing.T) {
	for _, s := range guessSecrets(t) {
		trained := byHeldoutKey(pairs(t, "guess/train/"+s+".txt"))
		for _, set := range []string{"far", "dev", "near"} {
			rel := "guess/heldout/" + set + "/" + s + ".txt"
			held := pairs(t, rel)
			if len(held) < 40 {
				t.Errorf("%s: only %d questions", rel, len(held))
			}
			checkNotTrained(t, trained, held)
		}
		if s == "ELEPHANT" {
			for _, q := range testkit.GuessSeed {
				if p, ok := trained[q.Q]; !ok || p.Response != q.A {
					t.Errorf("ELEPHANT: seed question %q is not trained as %s (%+v)", q.Q, q.A, p)
				}
			}
		}
	}
}

// Every secret's model carries the metadata the trainer was given from the
// training file's header, allows exactly GUESS's four replies, and the
// elephant answers the seed transcript.
func TestGuessModels(t *testing.T) {
	for _, s := range guessSecrets(t) {
		m, err := model.ReadFile(filepath.Join(assets, "guess/models", s+".model"))
		if err != nil {
			t.Fatalf("%v (make assets-guess builds it)", err)
		}
		head := map[string]string{}
		for _, l := range strings.Split(string(read(t, "guess/train/"+s+".txt")), "\n") {
			if k, v, ok := strings.Cut(strings.TrimPrefix(l, "# "), ": "); ok && strings.HasPrefix(l, "# ") {
				head[k] = v
			}
		}
		for _, k := range []string{"secret", "category", "names"} {
			if m.Meta[k] == "" || m.Meta[k] != head[k] {
				t.Errorf("%s: model meta %s=%q, training file says %q", s, k, m.Meta[k], head[k])
			}
		}
		if got := strings.Join(m.Replies, ","); got != "MAYBE,NO,WIN,YES" {
			t.Errorf("%s: allowed replies %q, want MAYBE,NO,WIN,YES", s, got)
		}
		if s != "ELEPHANT" {
			continue
		}
		for _, q := range testkit.GuessSeed {
			if got := m.Generate(q.Q); got != q.A {
				t.Errorf("ELEPHANT: %q -> %q, want %q", q.Q, got, q.A)
			}
		}
	}
}

// The shipped models on their held-out sets (the far and near files,
// sorted as make eval sorts them), through model.Generate: every secret
// right on at least guessFloor percent of them. The floor guards against a
// worse retraining; the goals (97 % far, 95 % near) are what make
// eval reports against. By distance most questions of both files are near
// (section 6.6), so a secret's far count is too small for a floor of its own.
const guessFloor = 95

func TestGuessHeldout(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes every secret's training inputs")
	}
	c := guessConfig{train: filepath.Join(assets, "guess/train"), heldout: filepath.Join(assets, "guess/heldout"),
		models: filepath.Join(assets, "guess/models"), sets: []string{"far", "near"}, quiet: true}
	var all []*secretEval
	for _, s := range guessSecrets(t) {
		se, err := c.evalSecret(s, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, se)
		both := Report{Outcomes: append(append([]Outcome(nil), se.far.Outcomes...), se.near.Outcomes...)}
		if a := both.Accuracy(); a < guessFloor || len(both.Outcomes) < 100 {
			t.Errorf("%s: %.1f%% of %d held-out questions right, floor %d%%", s, a, len(both.Outcomes), guessFloor)
		}
	}
	var b strings.Builder
	printGuess(&b, all, false, false)
	t.Log("\n" + b.String())
}
