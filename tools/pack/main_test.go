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
	com, lst := filepath.Join(dir, "OUT.COM"), filepath.Join(dir, "out.lst")
	if err := run([]string{"-model", mpath, "-o", com, "-lst", lst, "-program", "guess", "-queries", "hello|is it big"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(com)
	want, err := gen.Build(m, gen.Options{Program: gen.Guess{Secret: "elephant"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.COM) {
		t.Error("the .COM differs from gen.Build's")
	}
	if l, _ := os.ReadFile(lst); !strings.Contains(string(l), "sbc hl,de") {
		t.Error("no listing written")
	}
	// the .npz import gives the same program (the secret comes from the flag)
	com2 := filepath.Join(dir, "OUT2.COM")
	if err := run([]string{"-model", npath, "-o", com2, "-program", "guess", "-secret", "elephant", "-queries", ""}); err != nil {
		t.Fatal(err)
	}
	if got2, _ := os.ReadFile(com2); !bytes.Equal(got, got2) {
		t.Error("the .npz gives another program")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-model", filepath.Join(dir, "none.model"), "-o", com}, "none.model"},
		{[]string{"-model", mpath, "-o", com, "-program", "poker"}, "unknown program"},
		{[]string{"-model", mpath, "-o", com, "-variant", "huge"}, "unknown variant"},
		{[]string{"-model", mpath, "-o", com, "-tpa-top", "4096"}, "bytes too many"},
		{[]string{"-model", mpath}, "need -model and -o"},
	} {
		err := run(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: want an error with %q, got %v", c.args, c.want, err)
		}
	}
}
