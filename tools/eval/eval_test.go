package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

// A small random model packed both ways: Evaluate must read back exactly
// model.Generate's replies, across chunks and across the guess shell's
// game boundaries (its 3-question games end, reveal and restart).
func TestEvaluateReadsReplies(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := model.Random(rng, " ABEINOSWY", []int{24, 16}, 0.4)
	m.MaxReply = 6
	var pairs []model.Pair
	for i := 0; i < 70; i++ {
		q := fmt.Sprintf("question %d %c", i, 'a'+rune(i%26))
		want := m.Generate(q)
		if i%3 == 0 {
			want = "SURELY NOT " + want // answered wrong on purpose
		}
		pairs = append(pairs, model.Pair{Input: q, Response: want, File: "h.txt", Line: i + 1})
	}
	for _, prog := range []gen.Program{gen.Chat{}, gen.Guess{Secret: "ELEPHANT", Questions: 3}} {
		r, err := gen.Build(m, gen.Options{Program: prog})
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		rep, err := Evaluate(r.COM, pairs, func(n int) { done = n })
		if err != nil {
			t.Fatalf("%s: %v", prog.Name(), err)
		}
		if done != len(pairs) || len(rep.Outcomes) != len(pairs) {
			t.Fatalf("%s: progress %d, %d outcomes", prog.Name(), done, len(rep.Outcomes))
		}
		for _, o := range rep.Outcomes {
			if want := m.Generate(o.Input); o.Got != want {
				t.Errorf("%s: %q read as %q, the model says %q", prog.Name(), o.Input, o.Got, want)
			}
		}
		if want := len(pairs) - (len(pairs)+2)/3; rep.Right() != want {
			t.Errorf("%s: %d right, want %d", prog.Name(), rep.Right(), want)
		}
		var b strings.Builder
		rep.Print(&b, prog.Name())
		if !strings.Contains(b.String(), fmt.Sprintf("%d/70 held-out questions", rep.Right())) ||
			!strings.Contains(b.String(), "wrong  h.txt:1  ") || !strings.Contains(b.String(), "T-states per generated character") {
			t.Errorf("report:\n%s", b.String())
		}
	}
	// A line chat mode would not take as a question is refused.
	r, _ := gen.Build(m, gen.Options{})
	if _, err := Evaluate(r.COM, []model.Pair{{Input: "!quit", Response: "X", File: "h.txt", Line: 9}}, nil); err == nil ||
		!strings.Contains(err.Error(), "h.txt:9:") {
		t.Errorf("'!' line: %v", err)
	}
}
