package lesson

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"z80ulm/emu"
	"z80ulm/internal/testkit"
	"z80ulm/model"
	"z80ulm/tools/gendata/knowledge"
	"z80ulm/tools/gendata/secret"
	"z80ulm/tools/pack/gen"
	"z80ulm/tools/train/qat"
)

// tinyShelf is the shipped bank and sheets with one small model trained
// here (CAT's, 1 epoch on 3,000 of its lines), so that a lesson can run in
// a few seconds. Built once per test binary.
var shelfOnce *Shelf

func tinyShelf(t *testing.T) *Shelf {
	t.Helper()
	if shelfOnce != nil {
		return shelfOnce
	}
	root := testkit.Root(t)
	s, err := LoadShelf(os.DirFS(root), "assets/guess/bank.txt", "assets/guess/secrets", "no/models")
	if err != nil {
		t.Fatal(err)
	}
	var cat *Shipped
	for i := range s.Shipped {
		if s.Shipped[i].Sheet.Secret == "CAT" {
			cat = &s.Shipped[i]
		}
	}
	lines, _, errs := secret.Generate(s.Bank, cat.Sheet, nil, knowledge.Options{Seed: 1, Typos: -1, Wraps: -1, Patterns: -1})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var pairs []model.Pair
	for i := 0; i < len(lines); i += len(lines) / 3000 {
		pairs = append(pairs, model.Pair{Input: lines[i].Input, Response: lines[i].Answer})
	}
	cfg := qat.DefaultConfig()
	cfg.Hidden, cfg.Epochs = []int{48, 32, 24}, 1
	shape := qat.Shape(pairs, cfg.Hidden)
	ds, err := qat.NewDataset(pairs, shape)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qat.Train(context.Background(), cfg, ds, shape, nil, qat.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	res.Best.Meta["secret"] = "CAT"
	cat.Model = res.Best
	shelfOnce = s
	return s
}

func giraffe(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/GIRAFFE.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTeach teaches GIRAFFE (a sheet of our own) with a small plan: the
// result is a model with the secret's names, an .MDL that GUESS.COM plays
// and a standalone .COM, both answering as the model does; the same sheet
// and plan give the same bytes with another worker count, and through
// Prepare and Learn (twice on the same data); progress comes in order.
func TestTeach(t *testing.T) {
	shelf := tinyShelf(t)
	plan := Plan{Seed: 1, Lines: 3000, Dev: 300, Epochs: 2, LR: 0.05, Freeze: 1, Workers: 1}
	var phases []string
	steps := 0
	res, err := Teach(context.Background(), shelf, giraffe(t), "GIRAFFE.txt", plan, func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
		if p.Phase == PhaseTrain && p.Done > 0 {
			steps = p.Done
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s from %s: %d of %d lines, %d epochs, held-out %.1f%%, %.1fs", res.Secret, res.Base, res.Lines, res.Generated, res.Epochs, res.DevAcc, res.Seconds)
	if strings.Join(phases, ",") != "generate,train,pack" || steps == 0 {
		t.Errorf("phases %v, %d steps", phases, steps)
	}
	m := res.Model
	if res.Secret != "GIRAFFE" || m.Meta["secret"] != "GIRAFFE" || !strings.Contains(m.Meta["names"], "giraffe") || res.Base != "CAT" {
		t.Errorf("secret %q, metadata %v, base %s", res.Secret, m.Meta, res.Base)
	}
	if res.Lines > 3000 || res.Dev != 300 || res.Generated < 20000 {
		t.Errorf("%d lines trained, %d held out, %d generated", res.Lines, res.Dev, res.Generated)
	}

	// The browser prepares a sheet once (its count) and may train it more
	// than once: Learn leaves the prepared data as it was.
	again := plan
	again.Workers = 2
	data, err := Prepare(shelf, giraffe(t), "GIRAFFE.txt", again)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		res2, err := Learn(context.Background(), data, again, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(res2.MDL) != string(res.MDL) || string(res2.COM) != string(res.COM) {
			t.Errorf("Prepare, then Learn (time %d), with two workers: other bytes than Teach's", i+1)
		}
	}

	// The standalone program and GUESS.COM with the .MDL answer as the model.
	guess, err := gen.Build(nil, gen.Options{Program: gen.Guess{}})
	if err != nil {
		t.Fatal(err)
	}
	disk := fstest.MapFS{"GIRAFFE.MDL": &fstest.MapFile{Data: res.MDL}}
	for _, q := range []string{"is it alive", "does it have a long neck", "is it a fish", "giraffe", "can it fly"} {
		want := m.Generate(q)
		for _, c := range []struct {
			com  []byte
			tail string
		}{{res.COM, " " + strings.ToUpper(q)}, {guess.COM, " @GIRAFFE " + strings.ToUpper(q)}} {
			out, err := emu.RunCOM(c.com, emu.RunOptions{Tail: c.tail, Files: disk, MaxTStates: 3e8})
			if err != nil || out.Fault != nil {
				t.Fatalf("%q: %v %v", c.tail, err, out.Fault)
			}
			if got := strings.TrimSpace(string(out.Output)); got != want {
				t.Errorf("%q printed %q, the model says %q", c.tail, got, want)
			}
		}
	}
}

// TestCancel: a cancelled lesson stops and returns nothing.
func TestCancel(t *testing.T) {
	shelf := tinyShelf(t)
	ctx, cancel := context.WithCancel(context.Background())
	res, err := Teach(ctx, shelf, giraffe(t), "GIRAFFE.txt", Plan{Seed: 1, Lines: 3000, Dev: 300, Epochs: 5, LR: 0.05, Freeze: 1, Workers: 1},
		func(p Progress) {
			if p.Phase == PhaseTrain && p.Done == 10 {
				cancel()
			}
		})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("cancelled lesson: %v, result %v", err, res != nil)
	}
}

// TestBadSheets: each kind of bad sheet is refused with a message naming
// the sheet's line, before anything is trained.
func TestBadSheets(t *testing.T) {
	shelf := tinyShelf(t)
	sheet := giraffe(t)
	var attrs []string
	for _, a := range shelf.Bank.Attributes {
		attrs = append(attrs, a.Name)
	}
	for _, c := range []struct{ name, sheet, want string }{
		{"no name", strings.Replace(sheet, "secret: GIRAFFE\n", "", 1), `sheet.txt:1: no "secret: NAME" line`},
		{"a bank word as a name", strings.Replace(sheet, "names: giraffe |", "names: giraffe | bird |", 1), `"is it a bird"`},
		{"contradictory lines", sheet + "is it the tallest animal in the world|NO\n", `sheet.txt:67: "is it the tallest animal in the world"`},
		{"an attribute twice", strings.Replace(sheet, "MAYBE: healthy |", "MAYBE: healthy | alive |", 1), `sheet.txt:39: attribute "alive" is answered MAYBE here and YES at sheet.txt:18`},
		{"a shipped secret's name", strings.Replace(sheet, "secret: GIRAFFE", "secret: CAT", 1), "sheet.txt:11: secret CAT is one of GUESS's own secrets"},
		{"unanswered attributes", "secret: NOTHING\ncategory: object\nnames: nothing\n", fmt.Sprintf("sheet.txt:1: no answer to %d attribute(s)", len(attrs))},
		{"too small", "secret: NOTHING\ncategory: object\nnames: nothing\nMAYBE: " + strings.Join(attrs, " | ") + "\n", "sheet.txt: too little to train on: the sheet makes"},
		{"not ASCII", strings.Replace(sheet, "names: giraffe |", "names: giraffe | girafé |", 1), "sheet.txt:13"},
	} {
		_, err := Teach(context.Background(), shelf, c.sheet, "sheet.txt", DefaultPlan(), nil)
		var se *SheetError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a sheet error with %q", c.name, err, c.want)
		}
	}
	// A good sheet, but no model to start from.
	if _, err := Prepare(&Shelf{Bank: shelf.Bank}, sheet, "sheet.txt", DefaultPlan()); !errors.Is(err, errNoShelf) {
		t.Errorf("a shelf without models: %v", err)
	}
}
