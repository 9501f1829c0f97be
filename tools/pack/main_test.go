package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

func TestPackCommand(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(4, 2))
	m := model.Random(rng, " AINOSWY", []int{32, 16}, 0.3)
	m.Meta["secret"] = "elephant"
	m.Meta["names"] = "elephant|an elephant"
	mpath := filepath.Join(dir, "m.model")
	if err := model.WriteFile(mpath, m); err != nil {
		t.Fatal(err)
	}
	npz, err := model.EncodeNPZ(m)
	if err != nil {
		t.Fatal(err)
	}
	npath := filepath.Join(dir, "m.npz")
	if err := os.WriteFile(npath, npz, 0o644); err != nil {
		t.Fatal(err)
	}
	same := func(path string, want []byte) {
		t.Helper()
		if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
			t.Errorf("%s differs from gen's", filepath.Base(path))
		}
	}

	// chat, with a listing
	com, lst := filepath.Join(dir, "CHAT.COM"), filepath.Join(dir, "chat.lst")
	if err := run([]string{"-model", mpath, "-o", com, "-lst", lst, "-queries", "hello|is it big"}); err != nil {
		t.Fatal(err)
	}
	want, err := gen.Build(m, gen.Options{Program: gen.Chat{}})
	if err != nil {
		t.Fatal(err)
	}
	same(com, want.COM)
	if l, _ := os.ReadFile(lst); !strings.Contains(string(l), "sbc hl,de") {
		t.Error("no listing written")
	}
	// GUESS.COM: no model
	guess := filepath.Join(dir, "GUESS.COM")
	if err := run([]string{"-program", "guess", "-o", guess}); err != nil {
		t.Fatal(err)
	}
	want, _ = gen.Build(nil, gen.Options{Program: gen.Guess{}})
	same(guess, want.COM)
	// the model as a secret, its name from the metadata
	mdl := filepath.Join(dir, "ELEPHANT.MDL")
	if err := run([]string{"-model", mpath, "-mdl", mdl}); err != nil {
		t.Fatal(err)
	}
	f, err := gen.PackMDL(m, "", 0)
	if err != nil || f.Name != "ELEPHANT" {
		t.Fatalf("PackMDL: %v %v", f, err)
	}
	same(mdl, f.Bytes)
	// the standalone game, and the same from the .npz import (no metadata:
	// the secret comes from the flag)
	alone := filepath.Join(dir, "ALONE.COM")
	if err := run([]string{"-model", mpath, "-program", "guess", "-o", alone, "-queries", "is it big|elephant"}); err != nil {
		t.Fatal(err)
	}
	want, _ = gen.Build(m, gen.Options{Program: gen.Guess{}})
	same(alone, want.COM)
	alone2 := filepath.Join(dir, "ALONE2.COM")
	if err := run([]string{"-model", npath, "-o", alone2, "-program", "guess", "-secret", "elephant", "-queries", ""}); err == nil {
		// the npz has no names: only the display name wins
		if got, _ := os.ReadFile(alone2); bytes.Equal(got, want.COM) {
			t.Error("the .npz (no names) gives the same program as the model with names")
		}
	} else {
		t.Error(err)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-model", filepath.Join(dir, "none.model"), "-o", com}, "none.model"},
		{[]string{"-model", mpath, "-o", com, "-program", "poker"}, "unknown program"},
		{[]string{"-model", mpath, "-o", com, "-variant", "huge"}, "unknown variant"},
		{[]string{"-model", mpath, "-o", com, "-tpa-top", "4096"}, "bytes too many"},
		{[]string{"-model", mpath}, "need -o"},
		{[]string{"-model", mpath, "-o", com, "-mdl", mdl}, "need -o"},
		{[]string{"-o", com}, "needs -model"},
		{[]string{"-mdl", mdl}, "-mdl needs -model"},
		{[]string{"-model", npath, "-mdl", mdl}, "no \"secret\" metadata"},
	} {
		err := run(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: want an error with %q, got %v", c.args, c.want, err)
		}
	}
}
