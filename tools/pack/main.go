// Command pack turns models into CP/M programs for a Z80 (docs/DESIGN.md,
// "4. The packer and its engines").
//
//	go run ./tools/pack -model M -o OUT.COM [-program chat|guess] [-variant auto|fast|dense|small]
//	    [-lst FILE] [-questions N] [-secret NAME] [-queries "a|b|c"] [-profile QUERY]
//	go run ./tools/pack -program guess -o GUESS.COM          (the game without a model: it reads .MDL files)
//	go run ./tools/pack -model M -mdl NAME.MDL [-secret NAME] (one secret for GUESS.COM)
//
// M is one of our model files (model.WriteFile) or an anchor .npz export.
// The program's replies equal model.Generate's byte for byte. After
// writing a program with a model inside, pack runs it in the emulator on a
// few queries and reports file size, memory used and T-states per
// generated character.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"z80ulm/emu"
	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

// programs are what -program names.
var programs = []struct {
	name, what string
	make       func(secret string, questions int) gen.Program
	needsModel bool
}{
	{"chat", "the chat shell around one model (CHAT.COM)",
		func(string, int) gen.Program { return gen.Chat{} }, true},
	{"guess", "20 questions: GUESS.COM without -model (it plays the .MDL files on its disk), the standalone game with one",
		func(s string, q int) gen.Program { return gen.Guess{Secret: s, Questions: q} }, false},
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("pack", flag.ContinueOnError)
	modelPath := fl.String("model", "", "model file (ours, or an anchor .npz)")
	out := fl.String("o", "", "output .COM file")
	mdl := fl.String("mdl", "", "output .MDL file: the model as one secret for GUESS.COM")
	variant := fl.String("variant", "auto", "engine of the chat program: auto (fastest that fits), fast, dense or small")
	lst := fl.String("lst", "", "write the assembler listing to this file")
	names := make([]string, len(programs))
	for i, p := range programs {
		names[i] = p.name
	}
	program := fl.String("program", "chat", "program: "+strings.Join(names, " or "))
	secret := fl.String("secret", "", "guess: the secret's display name (default: the model's \"secret\" metadata)")
	questions := fl.Int("questions", 20, "guess: questions per game")
	tpaTop := fl.Int("tpa-top", gen.DefaultTPATop, "first address the program may not use (BDOS entry)")
	profile := fl.String("profile", "", "also run this query in command-tail mode and print T-states per routine")
	queries := fl.String("queries", "hello|is it alive|what are you|do you like music|xyzzy", "queries for the speed report, separated by |; empty = no report")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 || (*out == "" && *mdl == "") || (*out != "" && *mdl != "") {
		fl.Usage()
		return fmt.Errorf("need -o (a program) or -mdl (a model file for GUESS)")
	}
	var m *model.Model
	if *modelPath != "" {
		var err error
		if m, err = load(*modelPath); err != nil {
			return err
		}
	}
	if *mdl != "" {
		return packMDL(m, *modelPath, *mdl, *secret, *tpaTop)
	}
	var prog gen.Program
	for _, p := range programs {
		if p.name == *program {
			if p.needsModel && m == nil {
				return fmt.Errorf("the %s program needs -model", p.name)
			}
			prog = p.make(*secret, *questions)
		}
	}
	if prog == nil {
		return fmt.Errorf("unknown program %q (%s)", *program, strings.Join(names, " or "))
	}
	r, err := gen.Build(m, gen.Options{Variant: *variant, Program: prog, TPATop: *tpaTop})
	if err != nil {
		if *modelPath != "" {
			return fmt.Errorf("%s: %w", *modelPath, err)
		}
		return err
	}
	if err := os.WriteFile(*out, r.COM, 0o644); err != nil {
		return err
	}
	if *lst != "" {
		if err := os.WriteFile(*lst, []byte(r.Listing), 0o644); err != nil {
			return err
		}
	}
	engine := r.Variant
	if r.PackedQuery {
		engine += " (query columns packed to fit)"
	}
	fmt.Printf("%s: %s program, %s engine\n", *out, prog.Name(), engine)
	fmt.Printf("  file size    %d bytes\n", len(r.COM))
	fmt.Printf("  memory used  0100h..%04Xh = %d bytes (TPA ends below %04Xh: %d bytes to spare)\n",
		r.End-1, r.MemoryUsed(), *tpaTop, *tpaTop-r.End)
	if m == nil {
		return nil
	}
	weights(m)
	if r.Variant != "fast" && *variant == "auto" && prog.Name() == "chat" {
		fmt.Printf("  note         the fast engine (one byte per non-zero weight) does not fit this model;\n" +
			"               at the default shape it fits up to about 30 %% non-zero weights\n")
	}
	if *profile != "" {
		p, _, err := gen.Profile(r, " "+*profile)
		if err != nil {
			return err
		}
		fmt.Print(p)
	}
	if *queries == "" {
		return nil
	}
	setup := emu.RunOptions{}
	if prog.Name() == "guess" {
		setup.Tail = " @" + gen.SecretName(m, *secret) // the model is checked before the first question
	}
	s, err := gen.Measure(r.COM, m, strings.Split(*queries, "|"), setup)
	if err != nil {
		return err
	}
	s.Print(os.Stdout)
	return nil
}

func packMDL(m *model.Model, path, out, secret string, tpaTop int) error {
	if m == nil {
		return fmt.Errorf("-mdl needs -model")
	}
	f, err := gen.PackMDL(m, secret, tpaTop)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(out, f.Bytes, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: secret %s for GUESS.COM, %s\n", out, f.Name, f.Layout)
	weights(m)
	fmt.Printf("  file size    %d bytes (%d records)\n", len(f.Bytes), len(f.Bytes)/128)
	fmt.Printf("  memory used  %04Xh..%04Xh (TPA ends below %04Xh: %d bytes to spare)\n", gen.MDLBase, f.End-1, tpaTop, tpaTop-f.End)
	return nil
}

func weights(m *model.Model) {
	nz, all := 0, 0
	for _, l := range m.Layers {
		for _, w := range l.W {
			if w != 0 {
				nz++
			}
		}
		all += len(l.W)
	}
	fmt.Printf("  weights      %d, %d non-zero (%.1f %%)\n", all, nz, 100*float64(nz)/float64(max(1, all)))
}

func load(path string) (*model.Model, error) {
	if strings.HasSuffix(strings.ToLower(path), ".npz") {
		return model.ImportNPZ(path)
	}
	return model.ReadFile(path)
}
