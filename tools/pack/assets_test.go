package main

// The shipped GUESS: assets/GUESS.COM and every assets/*.MDL, run in the
// emulator: each .MDL is what packing its model gives, byte for byte; its
// answers through GUESS.COM equal model.Generate's over many questions (its
// held-out sets and random lines); the seed transcript holds in chat and
// command-tail modes.

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"z80ulm/emu"
	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

const assets = "../../assets"

// secret is one shipped .MDL and the model it was packed from.
type secret struct {
	name  string // display name, from the header
	file  string // NAME.MDL
	mdl   []byte
	model *model.Model
	path  string // the model file
}

// shipped finds every assets/*.MDL and, among the model files under
// assets/guess, the one that packs to it.
func shipped(t testing.TB) (com []byte, files fstest.MapFS, secrets []secret) {
	t.Helper()
	com, err := os.ReadFile(filepath.Join(assets, "GUESS.COM"))
	if err != nil {
		t.Fatal(err)
	}
	mdls, _ := filepath.Glob(filepath.Join(assets, "*.MDL"))
	if len(mdls) == 0 {
		t.Fatal("no .MDL files in assets/ (make assets)")
	}
	var models []string
	for _, pat := range []string{"guess/*.model", "guess/*/*.model"} {
		m, _ := filepath.Glob(filepath.Join(assets, pat))
		models = append(models, m...)
	}
	loaded := map[string]*model.Model{}
	for _, p := range models {
		m, err := model.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		loaded[p] = m
	}
	files = fstest.MapFS{}
	for _, p := range mdls {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = &fstest.MapFile{Data: data}
		name := string(data[16 : bytes.IndexByte(data[16:], '$')+16])
		s := secret{name: name, file: filepath.Base(p), mdl: data}
		for _, mp := range models {
			m := loaded[mp]
			if sn := gen.SecretName(m, ""); sn != "" && sn != name {
				continue
			}
			f, err := gen.PackMDL(m, name, 0)
			if err == nil && bytes.Equal(f.Bytes, data) {
				s.model, s.path = m, mp
				break
			}
		}
		if s.model == nil {
			t.Errorf("%s: no model under assets/guess packs to it (make assets)", s.file)
			continue
		}
		secrets = append(secrets, s)
	}
	return com, files, secrets
}

// questions are a secret's held-out questions (every set found) and random
// lines.
func questions(s secret, n int) []string {
	var qs []string
	sets, _ := filepath.Glob(filepath.Join(assets, "guess", "heldout", "*", s.name+".txt"))
	for _, p := range sets {
		pairs, _ := model.ReadPairFiles(p)
		for _, pr := range pairs {
			qs = append(qs, pr.Input)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(len(s.name)), 3))
	const alpha = "abcdefghijklmnopqrstuvwxyz     ?'"
	for i := 0; i < n; i++ {
		b := make([]byte, 1+rng.IntN(70))
		for k := range b {
			b[k] = alpha[rng.IntN(len(alpha))]
		}
		qs = append(qs, "is it "+string(b))
	}
	var out []string
	for _, q := range qs {
		if t := strings.TrimSpace(q); t != "" && t[0] != '!' && !gen.GiveUp(q) {
			out = append(out, q)
		}
	}
	return out
}

// Every shipped .MDL through GUESS.COM (GUESS @NAME, chat mode) answers as
// its model does.
func TestShippedParity(t *testing.T) {
	com, files, secrets := shipped(t)
	for _, s := range secrets {
		qs := questions(s, 60)
		if len(qs) > 300 {
			qs = qs[len(qs)-300:] // the random lines and the last of the sets
		}
		res, err := emu.RunCOM(com, emu.RunOptions{Tail: " @" + s.name, Files: files,
			Input: strings.Join(qs, "\r") + "\r", MaxTStates: uint64(len(qs)+2) * 1e9})
		if err != nil || res.Fault != nil || res.Reason != emu.ReasonExhausted {
			t.Fatalf("%s: %v %v %s", s.name, err, res.Fault, res.Reason)
		}
		got := gen.Replies(res.Output)
		if len(got) != len(qs) {
			t.Fatalf("%s: %d replies for %d questions", s.name, len(got), len(qs))
		}
		bad := 0
		for i, q := range qs {
			if want := s.model.Generate(q); got[i] != want {
				if bad++; bad <= 5 {
					t.Errorf("%s %q: GUESS %q, %s %q", s.name, q, got[i], s.path, want)
				}
			}
		}
		t.Logf("%s (%s): %d questions, %d differ", s.name, filepath.Base(s.path), len(qs), bad)
	}
}

// The seed transcript, exactly, in chat mode (GUESS @ELEPHANT) and in
// command-tail mode (GUESS question, and GUESS @ELEPHANT question).
func TestShippedSeedTranscript(t *testing.T) {
	com, files, _ := shipped(t)
	seed := []struct{ q, a string }{{"is it alive", "YES"}, {"is it big", "YES"},
		{"does it have a trunk", "YES"}, {"is it grey", "MAYBE"}, {"elephant", "WIN"}}
	var lines []string
	for _, s := range seed {
		lines = append(lines, s.q)
	}
	res, err := emu.RunCOM(com, emu.RunOptions{Tail: " @ELEPHANT", Files: files, Input: strings.Join(lines, "\r") + "\r"})
	if err != nil || res.Fault != nil {
		t.Fatal(err, res.Fault)
	}
	got := gen.Replies(res.Output)
	for i, s := range seed {
		if i >= len(got) || got[i] != s.a {
			t.Errorf("chat %q: %q, want %q\n%s", s.q, got, s.a, res.Output)
			break
		}
	}
	if !strings.Contains(string(res.Output), "WIN\r\nYOU GOT IT IN 5 QUESTIONS!") {
		t.Errorf("no win after 5 questions:\n%s", res.Output)
	}
	for _, s := range seed {
		for _, tail := range []string{" ", " @ELEPHANT "} {
			res, err := emu.RunCOM(com, emu.RunOptions{Tail: tail + strings.ToUpper(s.q), Files: files})
			if err != nil || res.Fault != nil || string(res.Output) != s.a || res.Reason != emu.ReasonExit {
				t.Errorf("GUESS%s%s: %q (%v %v %s), want %q", tail, strings.ToUpper(s.q), res.Output, err, res.Fault, res.Reason, s.a)
			}
		}
	}
}

// GUESS.COM is what pack makes, and it fits a 64K CP/M 2.2 with the
// largest shipped model.
func TestShippedGuessCOM(t *testing.T) {
	com, _, secrets := shipped(t)
	r, err := gen.Build(nil, gen.Options{Program: gen.Guess{}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.COM, com) {
		t.Error("assets/GUESS.COM differs from what pack makes (make assets)")
	}
	for _, s := range secrets {
		if end := gen.MDLBase + len(s.mdl); end > gen.DefaultTPATop {
			t.Errorf("%s: needs memory up to %04Xh, the TPA ends below %04Xh", s.file, end-1, gen.DefaultTPATop)
		}
	}
}

// BenchmarkShipped measures the shipped GUESS.COM with each shipped secret
// over its held-out questions (GUESS @NAME, chat mode): T-states per
// generated character (issue 9 bounds it at 400,000) and per network run.
func BenchmarkShipped(b *testing.B) {
	com, files, secrets := shipped(b)
	var all gen.Speed
	for _, s := range secrets {
		qs := questions(s, 0)
		if len(qs) == 0 {
			qs = questions(s, 40)
		}
		b.Run(s.name, func(b *testing.B) {
			var sp gen.Speed
			var err error
			for i := 0; i < b.N; i++ {
				if sp, err = gen.Measure(com, s.model, qs, emu.RunOptions{Tail: " @" + s.name, Files: files}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(sp.PerChar(), "tstates/char")
			b.ReportMetric(sp.PerRun(), "tstates/run")
			b.ReportMetric(float64(len(s.mdl)), "mdl-bytes")
			all.Queries += sp.Queries
			all.Chars += sp.Chars
			all.Runs += sp.Runs
			all.TStates += sp.TStates
		})
	}
	fmt.Printf("all secrets: %d questions, %.0f T-states per generated character, %.0f per network run\n",
		all.Queries, all.PerChar(), all.PerRun())
}
