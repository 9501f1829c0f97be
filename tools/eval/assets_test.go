package main

// Tests of the shipped programs (assets/GUESS.COM, assets/CHAT.COM) and
// their data: the seed transcripts, reproducible packing, the TPA, the
// held-out sets' separation from training and their accuracy targets.
// GUESS's secrets have their own data and models (guess_assets_test.go;
// tools/pack's tests check GUESS.COM and every .MDL against the models).

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"z80ulm/emu"
	"z80ulm/internal/testkit"
	"z80ulm/model"
	"z80ulm/tools/gendata/knowledge"
	"z80ulm/tools/pack/gen"
)

const assets = "../../assets"

// program is a shipped program with one model and how `make assets`
// builds it (heldout: its held-out files, comma-separated); the options
// must be the Makefile's pack flags.
type program struct {
	name, com, model, knowledge, train, heldout string
	opt                                         gen.Options
	target                                      float64 // held-out accuracy, percent
}

var programs = []program{
	{"CHAT", "CHAT.COM", "chat/chat.model", "chat/knowledge.txt", "chat/train.txt", "chat/heldout.txt,chat/heldout-dev.txt,chat/heldout-far.txt",
		gen.Options{Variant: "auto", Program: gen.Chat{}}, 90},
}

// disk is drive A: as shipped: the .MDL files GUESS plays.
func disk(t *testing.T) fstest.MapFS {
	fs := fstest.MapFS{}
	mdls, _ := filepath.Glob(filepath.Join(assets, "*.MDL"))
	for _, p := range mdls {
		fs[filepath.Base(p)] = &fstest.MapFile{Data: read(t, filepath.Base(p))}
	}
	return fs
}

// held reads the program's held-out questions.
func (p program) held(t *testing.T) []model.Pair {
	t.Helper()
	var held []model.Pair
	for _, f := range strings.Split(p.heldout, ",") {
		held = append(held, pairs(t, f)...)
	}
	return held
}

// pairs reads the input|response lines of an assets file.
func pairs(t *testing.T, rel string) []model.Pair {
	t.Helper()
	ps, errs := model.ParsePairs(bytes.NewReader(read(t, rel)), rel)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	return ps
}

// byHeldoutKey indexes training lines by knowledge.HeldoutKey: one
// question whatever its spacing, case and end punctuation.
func byHeldoutKey(train []model.Pair) map[string]model.Pair {
	trained := map[string]model.Pair{}
	for _, p := range train {
		trained[knowledge.HeldoutKey(p.Input)] = p
	}
	return trained
}

// checkNotTrained fails for every held-out question that trained asks in a
// spelling gendata treats as the same question.
func checkNotTrained(t *testing.T, trained map[string]model.Pair, held []model.Pair) {
	t.Helper()
	for _, h := range held {
		if tp, ok := trained[knowledge.HeldoutKey(h.Input)]; ok {
			t.Errorf("%s:%d: held-out %q is trained as %q at %s:%d", h.File, h.Line, h.Input, tp.Input, tp.File, tp.Line)
		}
	}
}

func read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(assets, rel))
	if err != nil {
		t.Fatalf("%v (make assets builds it)", err)
	}
	return b
}

// chat types the lines into com in chat mode and returns the replies.
func chat(t *testing.T, com []byte, lines ...string) ([]string, string) {
	t.Helper()
	return chatTail(t, com, "", lines...)
}

// chatTail is chat with a command tail (GUESS @ELEPHANT plays the elephant).
func chatTail(t *testing.T, com []byte, tail string, lines ...string) ([]string, string) {
	t.Helper()
	res, err := emu.RunCOM(com, emu.RunOptions{Tail: tail, Input: strings.Join(lines, "\r") + "\r", MaxTStates: uint64(len(lines)+1) * 2e9, Files: disk(t)})
	if err != nil || res.Fault != nil || res.Reason != emu.ReasonExhausted {
		t.Fatalf("run: %v, fault %v, reason %q; output %q", err, res.Fault, res.Reason, res.Output)
	}
	return gen.Replies(res.Output), string(res.Output)
}

// seed splits a seed transcript into its questions and replies.
func seed(qas []testkit.QA) (questions, replies []string) {
	for _, qa := range qas {
		questions, replies = append(questions, qa.Q), append(replies, qa.A)
	}
	return questions, replies
}

// The seed transcripts (docs/DESIGN.md, section 1), exactly, from the .COM
// files.
func TestSeedTranscripts(t *testing.T) {
	guess := read(t, "GUESS.COM")
	qs, want := seed(testkit.GuessSeed)
	got, out := chatTail(t, guess, " @ELEPHANT", qs...)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("GUESS: replies %q, want %q\n%s", got, want, out)
	}
	if !strings.Contains(out, "YOU GOT IT IN 5 QUESTIONS!") {
		t.Errorf("GUESS: no win message after 5 questions:\n%s", out)
	}

	chatCOM := read(t, "CHAT.COM")
	qs, want = seed(testkit.ChatSeed)
	got, out = chat(t, chatCOM, qs...)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("CHAT: replies %q, want %q\n%s", got, want, out)
	}

	// Command-tail mode prints only the answer (the CCP upper-cases tails).
	for _, c := range []struct {
		com       []byte
		tail, ans string
	}{{guess, "IS IT ALIVE", "YES"}, {guess, "IS IT GREY", "MAYBE"}, {guess, "ELEPHANT", "WIN"}, {chatCOM, "HELLO", "HI"}} {
		res, err := emu.RunCOM(c.com, emu.RunOptions{Tail: c.tail, MaxTStates: 4e9, Files: disk(t)})
		if err != nil || res.Fault != nil || res.Reason != emu.ReasonExit {
			t.Fatalf("tail %q: %v, fault %v, reason %q", c.tail, err, res.Fault, res.Reason)
		}
		if s := strings.TrimSpace(string(res.Output)); s != c.ans {
			t.Errorf("tail %q: output %q, want only %q", c.tail, res.Output, c.ans)
		}
	}
}

// Packing the committed model gives the committed .COM byte for byte, and
// the program fits a 64 KB CP/M 2.2 TPA with its buffers and stack.
func TestPackReproducesCOM(t *testing.T) {
	for _, p := range programs {
		m, err := model.ReadFile(filepath.Join(assets, p.model))
		if err != nil {
			t.Fatal(err)
		}
		r, err := gen.Build(m, p.opt)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if com := read(t, p.com); !bytes.Equal(r.COM, com) {
			t.Errorf("%s: packing %s gives %d bytes that differ from the committed %s (%d bytes)", p.name, p.model, len(r.COM), p.com, len(com))
		}
		if r.End > gen.DefaultTPATop || 0x100+len(r.COM) > gen.DefaultTPATop {
			t.Errorf("%s: uses 0100h..%04Xh, the TPA ends below %04Xh", p.name, r.End-1, gen.DefaultTPATop)
		}
		t.Logf("%s: %d bytes, %s engine, memory 0100h..%04Xh (%d bytes to spare)", p.name, len(r.COM), r.Variant, r.End-1, gen.DefaultTPATop-r.End)
	}
}

// No held-out question is in the training data, in any spelling gendata
// would treat as the same question; and the committed training lines are
// what gendata makes from the knowledge file.
func TestHeldoutNotInTraining(t *testing.T) {
	for _, p := range programs {
		held := p.held(t)
		if len(held) < 100 {
			t.Errorf("%s: only %d held-out questions", p.name, len(held))
		}
		checkNotTrained(t, byHeldoutKey(pairs(t, p.train)), held)
	}
}

// gendata runs tools/gendata from the repository root with the seed and
// the paths the Makefile gives it (it writes them into its headers).
func gendata(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run", "./tools/gendata", "-q", "-seed", "1"}, args...)...)
	cmd.Dir = "../.."
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gendata %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
}

func TestTrainingDataReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs tools/gendata")
	}
	for _, p := range programs {
		out := filepath.Join(t.TempDir(), "train.txt")
		gendata(t, "-knowledge", "assets/"+p.knowledge, "-heldout", "assets/"+strings.ReplaceAll(p.heldout, ",", ",assets/"), "-o", out)
		got, _ := os.ReadFile(out)
		if !bytes.Equal(got, read(t, p.train)) {
			t.Errorf("%s: gendata makes other lines than the committed %s (run make assets)", p.name, p.train)
		}
	}
}

// The held-out sets through the .COM files in the emulator: the accuracy
// targets of the issue, and every reply equal to model.Generate's.
func TestHeldoutAccuracy(t *testing.T) {
	for _, p := range programs {
		held := p.held(t)
		m, err := model.ReadFile(filepath.Join(assets, p.model))
		if err != nil {
			t.Fatal(err)
		}
		com := read(t, p.com)
		r, err := Evaluate(com, held, nil)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		for _, o := range r.Outcomes {
			if want := m.Generate(o.Input); o.Got != want {
				t.Errorf("%s: %q: the program says %q, model.Generate %q", p.name, o.Input, o.Got, want)
			}
		}
		var b strings.Builder
		r.Print(&b, p.name)
		t.Log(b.String())
		if r.Accuracy() < p.target {
			t.Errorf("%s: %.1f%% of the held-out questions right, target %.0f%%", p.name, r.Accuracy(), p.target)
		}
	}
}
