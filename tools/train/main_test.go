package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"z80ulm/model"
	"z80ulm/tools/train/internal/synth"
)

// tinyArgs trains a small network on the synthetic game in well under a
// second per run.
var tinyArgs = []string{"-hidden", "48,32,24", "-epochs", "20", "-batch", "32", "-lr", "0.02", "-seed", "3", "-quiet"}

func writeData(t *testing.T, lines []string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.txt")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runTrain(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// TestTrainTiny trains through the command line twice with different worker
// counts and checks the accuracy of the result with model.Generate, the
// integer reference, and that both runs wrote the same bytes.
func TestTrainTiny(t *testing.T) {
	lines := synth.Lines(240, 11)
	data := writeData(t, lines)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.model"), filepath.Join(dir, "b.model")
	out, logs, err := runTrain(t, "", append(tinyArgs, "-data", data, "-o", a, "-workers", "1", "-meta", "secret=ELEPHANT")...)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	if _, logs2, err := runTrain(t, "", append(tinyArgs, "-data", data, "-o", b, "-workers", "3", "-meta", "secret=ELEPHANT")...); err != nil {
		t.Fatalf("%v\n%s", err, logs2)
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ab) == 0 || !bytes.Equal(ab, bb) {
		t.Fatalf("two runs with the same data, seed and flags wrote different models (%d and %d bytes)", len(ab), len(bb))
	}

	m, err := model.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	// Exact replies by generation, independent of the trainer's own count.
	good := 0
	for _, l := range lines {
		in, want, _ := strings.Cut(l, "|")
		if m.Generate(strings.ToLower(in)) == want {
			good++
		}
	}
	replyAcc := 100 * float64(good) / float64(len(lines))
	intAcc, _ := strconv.ParseFloat(m.Meta["int_acc"], 64)
	metaReply, _ := strconv.ParseFloat(m.Meta["reply_acc"], 64)
	floatAcc, _ := strconv.ParseFloat(m.Meta["float_acc"], 64)
	t.Logf("IntAcc %.2f%%, float %.2f%%, exact replies %.2f%% (%d/%d)\n%s%s", intAcc, floatAcc, replyAcc, good, len(lines), logs, out)
	if intAcc < 98 || replyAcc < 95 {
		t.Errorf("IntAcc %.2f%% and exact replies %.2f%%: want at least 98%% and 95%%", intAcc, replyAcc)
	}
	if fmt.Sprintf("%.3f", replyAcc) != m.Meta["reply_acc"] {
		t.Errorf("exact replies by model.Generate %.3f%%, the trainer recorded %.3f%%", replyAcc, metaReply)
	}
	if d := floatAcc - intAcc; d > 0.5 || d < -0.5 {
		t.Errorf("float accuracy %.2f%% and IntAcc %.2f%% differ by more than 0.5 points", floatAcc, intAcc)
	}
	for _, k := range []string{"data_sha256", "seed", "flags", "epoch"} {
		if m.Meta[k] == "" {
			t.Errorf("metadata %q missing", k)
		}
	}
	if m.Meta["secret"] != "ELEPHANT" {
		t.Errorf("-meta secret=ELEPHANT: metadata secret = %q", m.Meta["secret"])
	}
}

// TestResumeKeepsModel: resuming sets the latent parameters to the saved
// integers, so a run with a vanishing learning rate gives back the model.
func TestResumeKeepsModel(t *testing.T) {
	data := writeData(t, synth.Lines(120, 2))
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.model"), filepath.Join(dir, "b.model")
	if _, logs, err := runTrain(t, "", "-data", data, "-o", a, "-hidden", "32,16", "-epochs", "2", "-quiet"); err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	if _, logs, err := runTrain(t, "", "-data", data, "-o", b, "-epochs", "1", "-lr", "1e-12", "-resume", a, "-quiet"); err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	ma, _ := model.ReadFile(a)
	mb, err := model.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	for li := range ma.Layers {
		if !slices.Equal(ma.Layers[li].W, mb.Layers[li].W) || !slices.Equal(ma.Layers[li].B, mb.Layers[li].B) {
			t.Fatalf("layer %d changed on resume at lr 1e-12", li+1)
		}
	}
	if mb.Meta["resumed_from"] == "" {
		t.Error("resumed model does not record what it resumed from")
	}
	// A model of another shape is refused with the reason.
	_, _, err = runTrain(t, "", "-data", data, "-o", b, "-hidden", "32,17", "-resume", a, "-quiet")
	if err == nil || !strings.Contains(err.Error(), "layer 2 has 16 neurons") {
		t.Errorf("resume with another shape: got %v", err)
	}
}

// TestEvalAndChat trains a deliberately short run (so some answers are
// wrong) and checks -eval and -chat against model.Generate.
func TestEvalAndChat(t *testing.T) {
	lines := synth.Lines(80, 4)
	data := writeData(t, lines)
	mp := filepath.Join(t.TempDir(), "m.model")
	if _, logs, err := runTrain(t, "", "-data", data, "-o", mp, "-hidden", "16", "-epochs", "1", "-quiet"); err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	m, err := model.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runTrain(t, "", "-eval", "-model", mp, "-data", data)
	if err != nil {
		t.Fatal(err)
	}
	good, perClass := 0, map[string][2]int{}
	var wrong []string
	for i, l := range lines {
		in, want, _ := strings.Cut(l, "|")
		got := m.Generate(strings.ToLower(in))
		c := perClass[want]
		c[1]++
		if got == want {
			good++
			c[0]++
		} else {
			wrong = append(wrong, fmt.Sprintf("%s:%d: %q -> %q, want %q", data, i+1, strings.ToLower(in), got, want))
		}
		perClass[want] = c
	}
	if !strings.Contains(out, fmt.Sprintf("exact replies: %d/%d", good, len(lines))) {
		t.Errorf("eval says\n%s\nwant %d/%d exact", out, good, len(lines))
	}
	for class, c := range perClass {
		re := regexp.MustCompile(fmt.Sprintf(`"%s"\s+%d/%d\s`, class, c[0], c[1]))
		if !re.MatchString(out) {
			t.Errorf("eval output lacks class %s %d/%d:\n%s", class, c[0], c[1], out)
		}
	}
	if len(wrong) == 0 {
		t.Fatal("the short run answered everything: the wrong-answer list is not exercised")
	}
	// The trainer counts a reply exact when every teacher-forced step is
	// right; generation must agree on an imperfect model too.
	if want := fmt.Sprintf("%.3f", 100*float64(good)/float64(len(lines))); m.Meta["reply_acc"] != want {
		t.Errorf("trainer recorded exact replies %s%%, model.Generate gives %s%%", m.Meta["reply_acc"], want)
	}
	for _, w := range wrong {
		if !strings.Contains(out, w) {
			t.Errorf("eval output lacks wrong answer %s", w)
		}
	}

	in, _, _ := strings.Cut(lines[0], "|")
	chat, _, err := runTrain(t, "   \n"+in+"\nIS IT ALIVE\n!\nnot read\n", "-chat", "-model", mp)
	if err != nil {
		t.Fatal(err)
	}
	want := "> > " + m.Generate(strings.ToLower(in)) + "\n> " + m.Generate("is it alive") + "\n> "
	if chat != want {
		t.Errorf("chat printed %q, want %q", chat, want)
	}
}

// TestBadInput: malformed lines warn (or fail with -strict) naming
// file:line; bad flags and files give errors, never panics.
func TestBadInput(t *testing.T) {
	lines := synth.Lines(40, 1)
	lines = append(lines[:5], append([]string{"no bar here"}, lines[5:]...)...)
	data := writeData(t, lines)
	mp := filepath.Join(t.TempDir(), "m.model")
	_, logs, err := runTrain(t, "", "-data", data, "-o", mp, "-hidden", "8", "-epochs", "1", "-quiet")
	if err != nil {
		t.Fatalf("a malformed line without -strict should only warn: %v", err)
	}
	if !strings.Contains(logs, data+":6: ") {
		t.Errorf("warning does not name %s:6:\n%s", data, logs)
	}
	_, logs, err = runTrain(t, "", "-data", data, "-o", mp, "-hidden", "8", "-epochs", "1", "-quiet", "-strict")
	if err == nil || !strings.Contains(logs, data+":6: ") {
		t.Errorf("-strict: err %v, log\n%s", err, logs)
	}
	for _, args := range [][]string{
		{"-data", data, "-hidden", "0"},
		{"-data", data, "-hidden", "257"},
		{"-data", data, "-hidden", "8,x"},
		{"-data", filepath.Join(t.TempDir(), "missing.txt")},
		{"-eval", "-model", data, "-data", data},
		{"-chat"},
		{},
		{"-data", data, "-hidden", "8", "-temp", "0"},
		{"-data", data, "-hidden", "8", "-qstart", "2"},
		{"-data", data, "-hidden", "8", "-batch", "0"},
	} {
		if _, _, err := runTrain(t, "", append(args, "-o", mp, "-quiet", "-epochs", "1")...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
	// Standard input as data.
	if _, logs, err := runTrain(t, strings.Join(lines[6:], "\n"), "-data", "-", "-o", mp, "-hidden", "8", "-epochs", "1", "-quiet"); err != nil {
		t.Errorf("-data -: %v\n%s", err, logs)
	}
}

// TestPlot writes the curves as a PNG.
func TestPlot(t *testing.T) {
	data := writeData(t, synth.Lines(40, 8))
	dir := t.TempDir()
	png := filepath.Join(dir, "c.png")
	if _, logs, err := runTrain(t, "", "-data", data, "-o", filepath.Join(dir, "m"), "-hidden", "8", "-epochs", "3", "-quiet", "-plot", png); err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	b, err := os.ReadFile(png)
	if err != nil || len(b) < 1000 || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("plot: %v, %d bytes", err, len(b))
	}
}

// FuzzParseHidden: any -hidden text gives sizes in 1..256 or an error.
func FuzzParseHidden(f *testing.F) {
	for _, s := range []string{"256,192,128", "1", "0", "257", "8,,8", " 12 , 7", "-3", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hs, err := parseHidden(s)
		if err != nil {
			if !strings.Contains(err.Error(), "-hidden") {
				t.Errorf("error %q does not name the flag", err)
			}
			return
		}
		if len(hs) == 0 {
			t.Fatalf("%q: no sizes and no error", s)
		}
		for _, h := range hs {
			if h < 1 || h > 256 {
				t.Fatalf("%q: size %d accepted", s, h)
			}
		}
	})
}
