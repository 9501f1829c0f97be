package gen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"z80ulm/emu"
	"z80ulm/model"
)

var benchQueries = []string{"hello", "is it alive", "what are you", "do you like music", "xyzzy",
	"are you a robot", "does it have a trunk", "tell me a joke"}

// guessQueries are 20-questions questions for the GUESS benchmarks.
var guessQueries = []string{"is it alive", "is it big", "does it have a trunk", "is it grey", "elephant",
	"is it an animal", "can it fly", "can you eat it", "is it bigger than a car", "does it live in water",
	"is it made of metal", "is it a penguin", "is it found in a house", "does it have legs", "is it soft",
	"can you hold it", "is it a bird", "does it have wheels", "is it red", "is it yellow",
	"does it make a sound", "is it used for writing", "can you ride it", "does it grow", "is it in space"}

// BenchmarkSpeed packs the default shape (256-256-192-128-31) with 27 %
// non-zero random weights and measures T-states per generated character
// in the emulator (chat mode, 50-character replies, no allowed-reply
// list: every step runs the network), for every engine; file size and
// memory used are reported alongside.
func BenchmarkSpeed(b *testing.B) {
	rng := rand.New(rand.NewPCG(27, 1))
	m := model.Random(rng, " ABCDEFGHIJKLMNOPQRSTUVWXYZ.,!?", []int{256, 192, 128}, 0.27)
	benchModel(b, m, benchQueries, "fast", "dense", "small", "guess")
}

// BenchmarkGuess measures GUESS.COM with one .MDL on its disk, for random
// models that answer YES, NO, MAYBE or WIN, at the default shape and at
// smaller ones, at 25 and 30 % non-zero weights: T-states per generated
// character (the figure issue 9 bounds at 400,000) and per network run,
// the .MDL's size and how its layers are stored. Random weights keep more
// neurons active than trained ones: a trained model of the same shape is
// faster.
func BenchmarkGuess(b *testing.B) {
	for _, c := range []struct {
		hidden  []int
		density float64
	}{
		{[]int{256, 192, 128}, 0.25}, {[]int{256, 192, 128}, 0.30},
		{[]int{128, 96, 64}, 0.25}, {[]int{128, 96, 64}, 0.30},
		{[]int{128, 64}, 0.30},
	} {
		b.Run(fmt.Sprintf("%s-%.0f%%", shapeName(c.hidden), 100*c.density), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(9, uint64(len(c.hidden))))
			m := model.Random(rng, " ABEIMNOSWY", c.hidden, c.density)
			m.Replies = []string{"MAYBE", "NO", "WIN", "YES"}
			m.Meta["secret"] = "BENCH"
			benchGuess(b, m, guessQueries)
		})
	}
}

func shapeName(hidden []int) string {
	s := []string{"256"}
	for _, h := range hidden {
		s = append(s, fmt.Sprint(h))
	}
	return strings.Join(s, "-")
}

// benchGuess runs GUESS.COM with m as NAME.MDL (GUESS @NAME, chat mode).
func benchGuess(b *testing.B, m *model.Model, qs []string) {
	f, err := PackMDL(m, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	r, err := Build(nil, Options{Program: Guess{}})
	if err != nil {
		b.Fatal(err)
	}
	files := fstest.MapFS{f.Name + ".MDL": {Data: f.Bytes}}
	var s Speed
	for i := 0; i < b.N; i++ {
		s, err = Measure(r.COM, m, qs, emu.RunOptions{Tail: " @" + f.Name, Files: files})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(s.PerChar(), "tstates/char")
	b.ReportMetric(s.PerRun(), "tstates/run")
	b.ReportMetric(float64(len(f.Bytes)), "mdl-bytes")
	b.Logf("%s: %d bytes up to %04Xh, %s", f.Name, len(f.Bytes), f.End-1, f.Layout)
}

// BenchmarkAnchor measures the same on a model file named by $PACK_MODEL
// (e.g. /work/shared/anchor/guess-chair.npz); skipped when unset.
func BenchmarkAnchor(b *testing.B) {
	path := os.Getenv("PACK_MODEL")
	if path == "" {
		b.Skip("PACK_MODEL not set")
	}
	var m *model.Model
	var err error
	if strings.HasSuffix(path, ".npz") {
		m, err = model.ImportNPZ(path)
	} else {
		m, err = model.ReadFile(path)
	}
	if err != nil {
		b.Fatal(err)
	}
	benchModel(b, m, benchQueries, "fast", "dense", "small", "guess")
}

func benchModel(b *testing.B, m *model.Model, qs []string, engines ...string) {
	for _, v := range engines {
		b.Run(v, func(b *testing.B) {
			if v == "guess" {
				if m.Meta["secret"] == "" {
					m.Meta["secret"] = "BENCH"
				}
				benchGuess(b, m, qs)
				return
			}
			r, err := Build(m, Options{Variant: v})
			if err != nil {
				b.Skip(err)
			}
			var s Speed
			for i := 0; i < b.N; i++ {
				s, err = Measure(r.COM, m, qs, emu.RunOptions{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(s.PerChar(), "tstates/char")
			b.ReportMetric(s.PerRun(), "tstates/run")
			b.ReportMetric(float64(len(r.COM)), "file-bytes")
			b.ReportMetric(float64(r.MemoryUsed()), "mem-bytes")
		})
	}
}
