package main

import (
	"math/rand/v2"
	"strings"
	"testing"

	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

func TestParseGroups(t *testing.T) {
	text := "# persona\ngroup robot: YES\nare you a robot\n  r u a robot  \n\ngroup human: NO\nare you human\nare you a human\n"
	gs, errs := ParseGroups(strings.NewReader(text), "c.txt")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(gs) != 2 || gs[0].Name != "robot" || gs[0].Reply != "YES" || len(gs[0].Questions) != 2 || gs[1].Reply != "NO" {
		t.Fatalf("groups %+v", gs)
	}
	if q := gs[0].Questions[1]; q.Input != "r u a robot" || q.Response != "YES" || q.File != "c.txt" || q.Line != 4 {
		t.Errorf("question %+v", q)
	}
	for _, c := range []struct{ text, want string }{
		{"are you a robot\n", "c.txt:1: a question before"},
		{"group robot YES\n", "c.txt:1: want \"group NAME: REPLY\""},
		{"group two words: YES\na\nb\n", "c.txt:1: want"},
		{"group robot: yes\n", "c.txt:1: reply \"yes\": upper case"},
		{"group robot: YES\na\nb\ngroup robot: NO\nc\nd\n", "c.txt:4: group \"robot\" again (first at line 1)"},
		{"group robot: YES\n!quit\nb\n", "c.txt:2: \"!quit\" starts with '!'"},
		{"group robot: YES\n" + strings.Repeat("x", 61) + "\nb\n", "c.txt:2: \"xxx"},
		{"group robot: YES\nonly one\n", "c.txt:1: group \"robot\" has 1 questions"},
		{"group robot: YES\nare you a r\xf6bot\nb\n", "c.txt:2: byte 0xf6 at column 12"},
	} {
		_, errs := ParseGroups(strings.NewReader(c.text), "c.txt")
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.text, errs, c.want)
		}
	}
}

func FuzzParseGroups(f *testing.F) {
	f.Add("group robot: YES\nare you a robot\nr u a robot\n")
	f.Add("group a: B\n#x\n\ngroup c: D\ne\nf\n")
	f.Fuzz(func(t *testing.T, text string) {
		gs, errs := ParseGroups(strings.NewReader(text), "f.txt")
		for _, e := range errs {
			if !strings.HasPrefix(e.Error(), "f.txt:") {
				t.Fatalf("problem without a position: %v", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		for _, g := range gs {
			if len(g.Questions) < 2 || g.Reply == "" || strings.ToUpper(g.Reply) != g.Reply {
				t.Fatalf("group %+v", g)
			}
			for _, q := range g.Questions {
				if q.Input == "" || q.Input[0] == '!' || len(q.Input) > gen.LineMax-2 || q.Response != g.Reply {
					t.Fatalf("question %+v", q)
				}
			}
		}
	})
}

func TestAgree(t *testing.T) {
	gs := []Group{{Name: "a", Reply: "YES", Questions: make([]model.Pair, 3)}, {Name: "b", Reply: "NO", Questions: make([]model.Pair, 2)}}
	out := []Outcome{
		{model.Pair{Response: "YES"}, "YES"}, {model.Pair{Response: "YES"}, "NO"}, {model.Pair{Response: "YES"}, "YES"},
		{model.Pair{Response: "NO"}, "MAYBE"}, {model.Pair{Response: "NO"}, "MAYBE"},
	}
	as := Agree(gs, out)
	if as[0].Right != 2 || len(as[0].Dissent) != 1 || as[0].Unanimous || as[1].Right != 0 || !as[1].Unanimous {
		t.Errorf("agreements %+v", as)
	}
}

func TestGarbage(t *testing.T) {
	vocab := []string{"are", "you", "a", "robot", "hello"}
	asks := []string{"are you a robot", "hello"}
	a, b := Garbage(3, 500, vocab, asks), Garbage(3, 500, vocab, asks)
	if len(a) != 500 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("%d lines, or not the same for the same seed", len(a))
	}
	if c := Garbage(4, 500, vocab, asks); strings.Join(a, "\n") == strings.Join(c, "\n") {
		t.Error("another seed gives the same lines")
	}
	long := 0
	for i, l := range a {
		if t2 := strings.TrimLeft(l, " \t"); t2 == "" || t2[0] == '!' {
			t.Errorf("line %d: %q", i, l)
		}
		for k := 0; k < len(l); k++ {
			if (l[k] < 0x20 && l[k] != '\t') || l[k] > 0x7e {
				t.Errorf("line %d: byte %#x", i, l[k])
			}
		}
		if len(l) > gen.LineMax {
			long++
		}
	}
	if long < 30 {
		t.Errorf("only %d lines longer than the buffer", long)
	}
}

// RunLines reads back, per line, exactly what model.Generate says of the
// part of the line the buffer holds, for short and long lines alike.
func TestRunLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	m := model.Random(rng, " ABEINOSWY", []int{24, 16}, 0.4)
	m.MaxReply = 6
	r, err := gen.Build(m, gen.Options{Program: gen.Chat{}})
	if err != nil {
		t.Fatal(err)
	}
	lines := Garbage(1, 80, []string{"are", "you", "a", "robot"}, []string{"are you a robot"})
	got, err := RunLines(r.COM, lines, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lines {
		if len(got.Replies[i]) == 0 {
			t.Fatalf("line %d %q: no reply", i, l)
		}
		if want := m.Generate(typed(l)); got.Replies[i][0] != want {
			t.Errorf("line %d %q: %q, the model says %q", i, l, got.Replies[i][0], want)
		}
	}
	if got.Chars == 0 || got.TStates == 0 {
		t.Errorf("no speed measured: %+v", got)
	}
}
