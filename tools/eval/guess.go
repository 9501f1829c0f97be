package main

// GUESS's evaluation (docs/DESIGN.md, sections 6 and 11):
//
//	go run ./tools/eval guess -train assets/guess/train -heldout assets/guess/heldout \
//	    -models assets/guess/models [-com assets/GUESS.COM -disk assets] [-sets far,near]
//
// prints, per secret, the held-out accuracy on far and near questions apart
// (near: within one word of one of that secret's training inputs, whatever
// file the question is in; the far figure is the one quoted), the overall
// figures and, when the replies come from the program in the emulator, the
// T-states per generated character. With -com the questions are typed into
// GUESS.COM in chat mode (GUESS @NAME, the .MDL files of -disk on drive A:)
// and every reply must be model.Generate's of the secret's model (which is
// therefore what is counted); without it the replies are model.Generate's.

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/schollz/progressbar/v3"

	"z80ulm/emu"
	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

// guessConfig is what the guess subcommand was asked to do.
type guessConfig struct {
	train, heldout, models string
	com, disk              string
	sets                   []string
	only                   string
	minFar, minNear        float64
	verbose, quiet         bool
}

func guessMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval guess", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := guessConfig{sets: []string{"far", "near"}}
	fs.StringVar(&c.train, "train", "assets/guess/train", "`dir`ectory of the secrets' training data, SECRET.txt")
	fs.StringVar(&c.heldout, "heldout", "assets/guess/heldout", "`dir`ectory of held-out sets, SET/SECRET.txt")
	fs.StringVar(&c.models, "models", "assets/guess/models", "`dir`ectory of the secrets' models, SECRET.model")
	fs.StringVar(&c.com, "com", "", "GUESS.COM: ask it in the emulator (chat mode, GUESS @NAME) and check its replies against model.Generate")
	fs.StringVar(&c.disk, "disk", "assets", "with -com: `dir`ectory whose .MDL files go on drive A:")
	fs.Func("sets", "held-out `sets` to run, comma-separated (far, near, dev)", func(s string) error {
		c.sets = strings.Split(s, ",")
		return nil
	})
	fs.StringVar(&c.only, "secret", "", "evaluate only this secret")
	fs.Float64Var(&c.minFar, "min-far", 0, "fail when a secret's far accuracy is below this many percent")
	fs.Float64Var(&c.minNear, "min-near", 0, "fail when a secret's near accuracy is below this many percent")
	fs.BoolVar(&c.verbose, "v", false, "list every wrong answer")
	fs.BoolVar(&c.quiet, "q", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("usage: eval guess [-train DIR] [-heldout DIR] [-models DIR] [-com GUESS.COM -disk DIR] [-sets far,near,dev]")
	}
	return c.run(stdout, stderr)
}

// secretEval is one secret's outcome.
type secretEval struct {
	name      string
	far, near Report
	tstates   uint64
	chars     int
}

func (c *guessConfig) run(w, stderr io.Writer) error {
	paths, err := filepath.Glob(filepath.Join(c.models, "*.model"))
	if err != nil {
		return err
	}
	var names []string
	for _, p := range paths {
		n := strings.TrimSuffix(filepath.Base(p), ".model")
		if c.only == "" || n == c.only {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%s: no models (SECRET.model)", c.models)
	}
	sort.Strings(names)
	var com []byte
	var disk fs.FS
	if c.com != "" {
		if com, err = os.ReadFile(c.com); err != nil {
			return err
		}
		if disk, err = mdlFiles(c.disk); err != nil {
			return err
		}
	}
	var all []*secretEval
	var fails []string
	for _, name := range names {
		se, err := c.evalSecret(name, com, disk, stderr)
		if err != nil {
			return err
		}
		all = append(all, se)
		if c.minFar > 0 && se.far.Accuracy() < c.minFar {
			fails = append(fails, fmt.Sprintf("%s far %.1f%% < %.0f%%", name, se.far.Accuracy(), c.minFar))
		}
		if c.minNear > 0 && se.near.Accuracy() < c.minNear {
			fails = append(fails, fmt.Sprintf("%s near %.1f%% < %.0f%%", name, se.near.Accuracy(), c.minNear))
		}
	}
	printGuess(w, all, c.com != "", c.verbose)
	if len(fails) > 0 {
		return fmt.Errorf("goals missed: %s", strings.Join(fails, "; "))
	}
	return nil
}

// evalSecret asks one secret's held-out questions and sorts them into far
// and near by the secret's training inputs.
func (c *guessConfig) evalSecret(name string, com []byte, disk fs.FS, stderr io.Writer) (*secretEval, error) {
	train, errs := model.ReadPairFiles(filepath.Join(c.train, name+".txt"))
	if len(errs) > 0 {
		return nil, model.JoinProblems(errs)
	}
	var inputs []string
	for _, p := range train {
		inputs = append(inputs, p.Input)
	}
	near := NewNearIndex(inputs)
	var files []string
	for _, s := range c.sets {
		files = append(files, filepath.Join(c.heldout, s, name+".txt"))
	}
	held, errs := model.ReadPairFiles(files...)
	if len(errs) > 0 {
		return nil, model.JoinProblems(errs)
	}
	m, err := model.ReadFile(filepath.Join(c.models, name+".model"))
	if err != nil {
		return nil, err
	}
	se := &secretEval{name: name}
	if com != nil {
		// GUESS @NAME plays NAME every game, so the questions go in one
		// run, in chunks for a steady progress bar.
		var bar *progressbar.ProgressBar
		if !c.quiet {
			bar = progressbar.NewOptions(len(held), progressbar.OptionSetDescription("GUESS @"+name), progressbar.OptionSetWriter(stderr),
				progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		}
		for i := 0; i < len(held); i += chunk {
			var qs []string
			for _, p := range held[i:min(i+chunk, len(held))] {
				qs = append(qs, p.Input)
			}
			sp, err := gen.Measure(com, m, qs, emu.RunOptions{Tail: " @" + name, Files: disk})
			if err != nil {
				return nil, fmt.Errorf("GUESS.COM @%s, %s: %v", name, held[i].File, err)
			}
			se.tstates += sp.TStates
			se.chars += sp.Chars
			if bar != nil {
				bar.Set(min(i+chunk, len(held)))
			}
		}
	}
	for _, p := range held {
		o := Outcome{Pair: p, Got: m.Generate(p.Input)}
		if near.Near(p.Input) {
			se.near.Outcomes = append(se.near.Outcomes, o)
		} else {
			se.far.Outcomes = append(se.far.Outcomes, o)
		}
	}
	return se, nil
}

// mdlFiles is drive A: with the .MDL files of dir.
func mdlFiles(dir string) (fs.FS, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.MDL"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no .MDL files", dir)
	}
	disk := fstest.MapFS{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		disk[filepath.Base(p)] = &fstest.MapFile{Data: b}
	}
	return disk, nil
}

// printGuess prints the table: per secret far and near accuracy, then the
// overall figures; with verbose, every wrong answer.
func printGuess(w io.Writer, all []*secretEval, emulated, verbose bool) {
	source := "model.Generate"
	if emulated {
		source = "GUESS.COM in the emulator (chat mode, GUESS @NAME), every reply equal to model.Generate's"
	}
	fmt.Fprintf(w, "GUESS held-out accuracy, replies from %s.\n", source)
	fmt.Fprintf(w, "FAR: more than one word from every training input of the secret (the figure we quote); near: within one word.\n")
	fmt.Fprintf(w, "%-10s %18s %18s %18s", "secret", "far", "near", "all")
	if emulated {
		fmt.Fprintf(w, " %16s", "T-states/char")
	}
	fmt.Fprintln(w)
	var far, near Report
	var ts uint64
	var chars int
	frac := func(r *Report) string {
		return fmt.Sprintf("%4d/%-4d %6.1f%%", r.Right(), len(r.Outcomes), r.Accuracy())
	}
	for _, se := range all {
		both := Report{Outcomes: append(append([]Outcome(nil), se.far.Outcomes...), se.near.Outcomes...)}
		fmt.Fprintf(w, "%-10s %18s %18s %18s", se.name, frac(&se.far), frac(&se.near), frac(&both))
		if emulated && se.chars > 0 {
			fmt.Fprintf(w, " %16.0f", float64(se.tstates)/float64(se.chars))
		}
		fmt.Fprintln(w)
		far.Outcomes = append(far.Outcomes, se.far.Outcomes...)
		near.Outcomes = append(near.Outcomes, se.near.Outcomes...)
		ts += se.tstates
		chars += se.chars
	}
	both := Report{Outcomes: append(append([]Outcome(nil), far.Outcomes...), near.Outcomes...)}
	fmt.Fprintf(w, "%-10s %18s %18s %18s", "overall", frac(&far), frac(&near), frac(&both))
	if emulated && chars > 0 {
		fmt.Fprintf(w, " %16.0f", float64(ts)/float64(chars))
	}
	fmt.Fprintln(w)
	if !verbose {
		return
	}
	for _, se := range all {
		for k, r := range []*Report{&se.far, &se.near} {
			for _, o := range r.Outcomes {
				if !o.Right() {
					fmt.Fprintf(w, "  wrong %s %-8s %s:%d  %-40q -> %-6q want %q\n", [2]string{"far ", "near"}[k], se.name, o.File, o.Line, o.Input, o.Got, o.Response)
				}
			}
		}
	}
}
