// Command pack turns a model into a CP/M program for a Z80.
//
//	go run ./tools/pack -model M -o OUT.COM [-variant auto|fast|dense|small]
//	    [-lst FILE] [-program chat|guess] [-secret NAME] [-queries "a|b|c"] [-profile QUERY]
//
// M is one of our model files (model.WriteFile) or an anchor .npz export.
// The program's replies equal model.Generate's byte for byte. After
// writing it, pack runs the program in the emulator on a few queries and
// reports file size, memory used and T-states per generated character.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

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
	variant := fl.String("variant", "auto", "engine: auto (fastest that fits), fast, dense or small")
	lst := fl.String("lst", "", "write the assembler listing to this file")
	program := fl.String("program", "chat", "shell: chat or guess")
	secret := fl.String("secret", "", "guess: the secret (default: the model's \"secret\" metadata)")
	questions := fl.Int("questions", 20, "guess: questions per game")
	tpaTop := fl.Int("tpa-top", gen.DefaultTPATop, "first address the program may not use (BDOS entry)")
	profile := fl.String("profile", "", "also run this query in command-tail mode and print T-states per routine")
	queries := fl.String("queries", "hello|is it alive|what are you|do you like music|xyzzy", "queries for the speed report, separated by |; empty = no report")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *modelPath == "" || *out == "" || fl.NArg() > 0 {
		fl.Usage()
		return fmt.Errorf("need -model and -o")
	}
	m, err := load(*modelPath)
	if err != nil {
		return err
	}
	opt := gen.Options{Variant: *variant, TPATop: *tpaTop}
	switch *program {
	case "chat":
		opt.Program = gen.Chat{}
	case "guess":
		s := *secret
		if s == "" {
			s = m.Meta["secret"]
		}
		opt.Program = gen.Guess{Secret: s, Questions: *questions}
	default:
		return fmt.Errorf("unknown program %q (chat or guess)", *program)
	}
	r, err := gen.Build(m, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", *modelPath, err)
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
	fmt.Printf("%s: %s program, %s engine\n", *out, *program, engine)
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
	if r.Variant != "fast" && *variant == "auto" {
		fmt.Printf("  note         the fast engine (one byte per non-zero weight) does not fit this model;\n" +
			"               at the default shape it fits up to about 30 %% non-zero weights\n")
	}
	fmt.Printf("  file size    %d bytes\n", len(r.COM))
	fmt.Printf("  memory used  0100h..%04Xh = %d bytes (TPA ends below %04Xh: %d bytes to spare)\n",
		r.End-1, r.MemoryUsed(), *tpaTop, *tpaTop-r.End)
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
	s, err := gen.Measure(r.COM, m, strings.Split(*queries, "|"))
	if err != nil {
		return err
	}
	fmt.Printf("  speed        %.0f T-states per generated character (%d characters for %d queries)\n",
		s.PerChar(), s.Chars, s.Queries)
	fmt.Printf("               %.0f T-states per inference step (a character or the end), %.2f s per character at 4 MHz\n",
		s.PerStep(), s.PerChar()/4e6)
	return nil
}

func load(path string) (*model.Model, error) {
	if strings.HasSuffix(strings.ToLower(path), ".npz") {
		return model.ImportNPZ(path)
	}
	return model.ReadFile(path)
}
