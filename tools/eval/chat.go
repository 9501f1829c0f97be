package main

// CHAT's evaluation (docs/DESIGN.md, section 7):
//
//	go run ./tools/eval chat -com assets/CHAT.COM -model assets/chat/chat.model \
//	    -train assets/chat/train.txt -heldout assets/chat/heldout-far.txt,... \
//	    -consistency assets/chat/consistency.txt -garbage 6000
//
// prints the held-out accuracy on far and near questions apart (near: within
// one word of a training input, whatever file it is in; the far figure is
// the one quoted), each consistency group's agreement, and the share of
// replies that are not known replies (the training data's) over generated
// adversarial inputs. Every reply comes from the .COM in the emulator and,
// with -model, is checked against model.Generate.

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/schollz/progressbar/v3"

	"z80ulm/emu"
	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

// chatConfig is what the chat subcommand was asked to do.
type chatConfig struct {
	com, modelPath, train, groups string
	heldout                       []string
	garbage                       int
	seed                          uint64
	margins                       bool
	quiet                         bool
	// Goals: the run fails when one is missed (0 or negative: no goal).
	minFar     float64
	maxUnknown float64
}

func chatMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c chatConfig
	fs.StringVar(&c.com, "com", "", "the chat program (.COM)")
	fs.StringVar(&c.modelPath, "model", "", "its model: every reply is checked against model.Generate")
	fs.StringVar(&c.train, "train", "", "its training data (input|REPLY): near or far, and the known replies")
	fs.Func("heldout", "held-out `files` (input|expected), comma-separated or repeated", func(s string) error {
		c.heldout = append(c.heldout, strings.Split(s, ",")...)
		return nil
	})
	fs.StringVar(&c.groups, "consistency", "", "consistency groups `file`")
	fs.IntVar(&c.garbage, "garbage", 0, "generated adversarial inputs to run")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the generated inputs")
	fs.BoolVar(&c.margins, "margins", false, "also measure the confidence rule (catch-all when the two best first characters are close)")
	fs.Float64Var(&c.minFar, "min-far", 0, "fail when the far accuracy is below this many percent")
	fs.Float64Var(&c.maxUnknown, "max-unknown", -1, "fail when more than this many percent of the replies to generated inputs are unknown")
	fs.BoolVar(&c.quiet, "q", false, "no progress bars")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.com == "" || c.train == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: eval chat -com PROGRAM.COM -train TRAIN.txt [-model M] [-heldout FILES] [-consistency FILE] [-garbage N]")
	}
	return c.run(stdout, stderr)
}

func (c *chatConfig) run(w, stderr io.Writer) error {
	com, err := os.ReadFile(c.com)
	if err != nil {
		return err
	}
	var m *model.Model
	if c.modelPath != "" {
		if m, err = model.ReadFile(c.modelPath); err != nil {
			return err
		}
	}
	train, errs := model.ReadPairFiles(c.train)
	if len(errs) > 0 {
		return model.JoinProblems(errs)
	}
	var inputs []string
	known := map[string]bool{}
	for _, p := range train {
		inputs = append(inputs, p.Input)
		known[p.Response] = true
	}
	near := NewNearIndex(inputs)
	progress := func(what string, n int) func(int) {
		if c.quiet {
			return nil
		}
		bar := progressbar.NewOptions(n, progressbar.OptionSetDescription(what), progressbar.OptionSetWriter(stderr),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		return func(done int) { bar.Set(done) }
	}
	check := func(r *Report) error {
		if m == nil {
			return nil
		}
		for _, o := range r.Outcomes {
			if want := m.Generate(o.Input); want != o.Got {
				return fmt.Errorf("%s:%d: %q: %s answered %q but %s gives %q", o.File, o.Line, o.Input, c.com, o.Got, c.modelPath, want)
			}
		}
		return nil
	}
	name := c.com[strings.LastIndexByte(c.com, '/')+1:]
	var fails []string

	var held *Report
	if len(c.heldout) > 0 {
		pairs, errs := model.ReadPairFiles(c.heldout...)
		if len(errs) > 0 {
			return model.JoinProblems(errs)
		}
		if held, err = Evaluate(com, pairs, progress("held-out", len(pairs))); err != nil {
			return fmt.Errorf("%s: %v", c.com, err)
		}
		if err := check(held); err != nil {
			return err
		}
		far, _ := printNearFar(w, name, held, near)
		if far < c.minFar {
			fails = append(fails, fmt.Sprintf("far accuracy %.1f%% is below %.1f%%", far, c.minFar))
		}
	}

	if c.groups != "" {
		f, err := os.Open(c.groups)
		if err != nil {
			return err
		}
		groups, errs := ParseGroups(f, c.groups)
		f.Close()
		if len(errs) > 0 {
			return model.JoinProblems(errs)
		}
		var qs []model.Pair
		for _, g := range groups {
			qs = append(qs, g.Questions...)
		}
		r, err := Evaluate(com, qs, progress("consistency", len(qs)))
		if err != nil {
			return fmt.Errorf("%s: %v", c.com, err)
		}
		if err := check(r); err != nil {
			return err
		}
		if bad := printGroups(w, Agree(groups, r.Outcomes), near); bad > 0 {
			fails = append(fails, fmt.Sprintf("%d consistency groups not unanimous on their reply", bad))
		}
	}

	if c.garbage > 0 {
		var asks []string
		vocab := map[string]bool{}
		for _, in := range inputs {
			for _, w := range strings.Fields(in) {
				vocab[w] = true
			}
		}
		for _, p := range train {
			asks = append(asks, p.Input)
		}
		words := make([]string, 0, len(vocab))
		for w := range vocab {
			words = append(words, w)
		}
		sort.Strings(words)
		lines := Garbage(c.seed, c.garbage, words, asks)
		g, err := RunLines(com, lines, progress("generated", len(lines)))
		if err != nil {
			return fmt.Errorf("%s: %v", c.com, err)
		}
		if m != nil {
			for i, rs := range g.Replies {
				if len(rs) == 1 && rs[0] != m.Generate(typed(lines[i])) {
					return fmt.Errorf("generated input %q: %s answered %q but %s gives %q", lines[i], c.com, rs[0], c.modelPath, m.Generate(typed(lines[i])))
				}
			}
		}
		rate := printUnknown(w, lines, g, known)
		if c.maxUnknown >= 0 && rate > c.maxUnknown {
			fails = append(fails, fmt.Sprintf("%.2f%% of the replies to generated inputs are unknown, more than %.2f%%", rate, c.maxUnknown))
		}
		if c.margins && m != nil && held != nil {
			printMargins(w, m, held, near, lines)
		}
	}
	if len(fails) > 0 {
		return fmt.Errorf("%s: %s", c.com, strings.Join(fails, "; "))
	}
	return nil
}

// typed is what chat mode reads of a typed line: the first gen.LineMax
// characters (the BDOS buffer); the rest is discarded.
func typed(line string) string { return line[:min(len(line), gen.LineMax)] }

// LinesRun is what a program printed for lines typed in chat mode.
type LinesRun struct {
	Replies [][]string // per line, every reply it printed (one, unless the line was cut into several)
	TStates uint64
	Chars   int
}

// RunLines types each line into com in chat mode and collects what it
// replied: lines that fit the buffer in runs of chunk, each longer line in
// a run of its own, so that every reply belongs to one line even where a
// program reads the rest of a long line as further questions.
func RunLines(com []byte, lines []string, progress func(done int)) (*LinesRun, error) {
	r := &LinesRun{Replies: make([][]string, len(lines))}
	for i := 0; i < len(lines); {
		j := i + 1
		if len(lines[i]) <= gen.LineMax-2 {
			for j < len(lines) && j-i < chunk && len(lines[j]) <= gen.LineMax-2 {
				j++
			}
		}
		res, err := runChat(com, lines[i:j])
		if err == nil && res.Reason != emu.ReasonExhausted && (j-i > 1 || res.Reason != emu.ReasonExit) {
			err = fmt.Errorf("the program stopped (%s) before reading every line", res.Reason)
		}
		if err != nil {
			return nil, fmt.Errorf("lines %d..%d: %v", i+1, j, err)
		}
		got := gen.Replies(res.Output)
		if j-i == 1 {
			r.Replies[i] = got
		} else if len(got) != j-i {
			return nil, fmt.Errorf("lines %d..%d: %d replies for %d lines", i+1, j, len(got), j-i)
		} else {
			for k := range got {
				r.Replies[i+k] = got[k : k+1]
			}
		}
		for _, g := range got {
			r.Chars += len(g)
		}
		for _, l := range res.Lines {
			r.TStates += l.TStates
		}
		i = j
		if progress != nil {
			progress(i)
		}
	}
	return r, nil
}

// runChat types lines (each ended by CR) into com in chat mode and runs it
// until it waits for more, exits or faults (an error).
func runChat(com []byte, lines []string) (emu.Result, error) {
	res, err := emu.RunCOM(com, emu.RunOptions{Input: strings.Join(lines, "\r") + "\r", MaxTStates: uint64(len(lines)+5) * 2e9})
	if err == nil && res.Fault != nil {
		err = fmt.Errorf("the program faulted: %v", res.Fault)
	}
	return res, err
}

// printNearFar prints the held-out accuracy on far and near questions and
// returns both (percent).
func printNearFar(w io.Writer, name string, r *Report, near *NearIndex) (farAcc, nearAcc float64) {
	var far, nr Report
	trained := 0
	for _, o := range r.Outcomes {
		if near.Near(o.Input) {
			nr.Outcomes = append(nr.Outcomes, o)
			if near.Trained(o.Input) {
				trained++
			}
		} else {
			far.Outcomes = append(far.Outcomes, o)
		}
	}
	fmt.Fprintf(w, "%s held-out: FAR %d/%d = %.1f%% (more than one word from every training input: the figure we quote)\n",
		name, far.Right(), len(far.Outcomes), far.Accuracy())
	fmt.Fprintf(w, "%s held-out: near %d/%d = %.1f%% (within one word of a training input; %d are training inputs)\n",
		name, nr.Right(), len(nr.Outcomes), nr.Accuracy(), trained)
	files := map[string][2]*Report{}
	var names []string
	for _, o := range r.Outcomes {
		if files[o.File][0] == nil {
			files[o.File] = [2]*Report{{}, {}}
			names = append(names, o.File)
		}
		k := 0
		if near.Near(o.Input) {
			k = 1
		}
		files[o.File][k].Outcomes = append(files[o.File][k].Outcomes, o)
	}
	for _, f := range names {
		fr, nr := files[f][0], files[f][1]
		fmt.Fprintf(w, "  %-32s far %3d/%-3d %5.1f%%   near %3d/%-3d %5.1f%%\n", f, fr.Right(), len(fr.Outcomes), fr.Accuracy(), nr.Right(), len(nr.Outcomes), nr.Accuracy())
	}
	if r.Chars > 0 {
		pc := float64(r.TStates) / float64(r.Chars)
		fmt.Fprintf(w, "  speed: %.0f T-states per generated character (%.2f s at 4 MHz), %d characters\n", pc, pc/4e6, r.Chars)
	}
	for _, o := range r.Outcomes {
		if !o.Right() {
			kind := "far "
			if near.Near(o.Input) {
				kind = "near"
			}
			fmt.Fprintf(w, "  wrong %s %s:%d  %-40q -> %-14q want %q\n", kind, o.File, o.Line, o.Input, o.Got, o.Response)
		}
	}
	return far.Accuracy(), nr.Accuracy()
}

// printGroups prints each group's agreement and returns how many groups
// failed (a dissenter, or unanimous on another reply).
func printGroups(w io.Writer, as []Agreement, near *NearIndex) int {
	bad := 0
	for _, a := range as {
		if a.Right != len(a.Questions) {
			bad++
		}
	}
	fmt.Fprintf(w, "consistency: %d/%d groups unanimous on their reply\n", len(as)-bad, len(as))
	for _, a := range as {
		status := "unanimous"
		if a.Right != len(a.Questions) {
			status = fmt.Sprintf("FAILS (%d dissent)", len(a.Dissent))
		}
		seen := 0
		for _, q := range a.Questions {
			if near.Trained(q.Input) {
				seen++
			}
		}
		fmt.Fprintf(w, "  %-16s %-6s %3d/%-3d agree  %-18s (%d of them training inputs)\n", a.Name, a.Reply, a.Right, len(a.Questions), status, seen)
		for _, o := range a.Dissent {
			fmt.Fprintf(w, "      %s:%d  %-40q -> %q\n", o.File, o.Line, o.Input, o.Got)
		}
	}
	return bad
}

// printUnknown prints the share of replies to the generated inputs that are
// not known replies, per kind of input, and returns it in percent.
func printUnknown(w io.Writer, lines []string, g *LinesRun, known map[string]bool) float64 {
	type count struct{ replies, unknown int }
	per := map[string]*count{}
	all := count{}
	var examples []string
	for i, rs := range g.Replies {
		k := garbageKinds[i%len(garbageKinds)]
		if per[k] == nil {
			per[k] = &count{}
		}
		for _, r := range rs {
			per[k].replies++
			all.replies++
			if !known[r] {
				per[k].unknown++
				all.unknown++
				if len(examples) < 12 {
					examples = append(examples, fmt.Sprintf("%q -> %q", lines[i], r))
				}
			}
		}
	}
	rate := 100 * float64(all.unknown) / float64(max(1, all.replies))
	fmt.Fprintf(w, "unknown replies: %d of %d replies to %d generated inputs = %.2f%% (goal 0)\n", all.unknown, all.replies, len(lines), rate)
	for _, k := range garbageKinds {
		if c := per[k]; c != nil {
			fmt.Fprintf(w, "  %-12s %5d replies %5d unknown\n", k, c.replies, c.unknown)
		}
	}
	for _, e := range examples {
		fmt.Fprintf(w, "  e.g. %s\n", e)
	}
	if g.Chars > 0 {
		fmt.Fprintf(w, "  speed: %.0f T-states per generated character\n", float64(g.TStates)/float64(g.Chars))
	}
	return rate
}
