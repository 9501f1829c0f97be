package main

import (
	"fmt"
	"io"
	"sort"

	"z80ulm/emu"
	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

// Outcome is one held-out question and what the program answered.
type Outcome struct {
	model.Pair
	Got string
}

// Right reports whether the program gave the expected reply exactly.
func (o Outcome) Right() bool { return o.Got == o.Response }

// Report is an evaluation of one program on one question set.
type Report struct {
	Outcomes []Outcome
	TStates  uint64 // from each question's hand-over to the next prompt
	Chars    int    // characters the program generated
}

// Right is the number of exact replies.
func (r *Report) Right() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Right() {
			n++
		}
	}
	return n
}

// Accuracy is the share of exact replies, in percent.
func (r *Report) Accuracy() float64 {
	return 100 * float64(r.Right()) / float64(max(1, len(r.Outcomes)))
}

// chunk is how many questions one emulator run takes: small enough for a
// steady progress bar, large enough that loading the program is nothing.
const chunk = 32

// Evaluate types the questions into com in chat mode (one input line each,
// chunk questions per run of the program) and collects its replies. A
// question that chat mode would not treat as one (empty, or starting with
// '!', which quits) is an error: the set must not hold it.
func Evaluate(com []byte, pairs []model.Pair, progress func(done int)) (*Report, error) {
	r := &Report{}
	for i := 0; i < len(pairs); i += chunk {
		part := pairs[i:min(i+chunk, len(pairs))]
		var lines []string
		for _, p := range part {
			if q := model.TrimQuery(p.Input); q == "" || q[0] == '!' || len(p.Input) > gen.LineMax-2 {
				return nil, fmt.Errorf("%s:%d: %q is not a question chat mode can take", p.File, p.Line, p.Input)
			}
			lines = append(lines, p.Input)
		}
		res, err := runChat(com, lines)
		if err != nil {
			return nil, fmt.Errorf("after %d questions: %v", i, err)
		}
		if res.Reason != emu.ReasonExhausted {
			return nil, fmt.Errorf("the program stopped (%s) before reading all questions %d..%d", res.Reason, i+1, i+len(part))
		}
		got := gen.Replies(res.Output)
		if len(got) != len(part) {
			return nil, fmt.Errorf("questions %d..%d: %d replies for %d questions", i+1, i+len(part), len(got), len(part))
		}
		for k, p := range part {
			r.Outcomes = append(r.Outcomes, Outcome{Pair: p, Got: got[k]})
			r.Chars += len(got[k])
		}
		for _, l := range res.Lines {
			r.TStates += l.TStates
		}
		if progress != nil {
			progress(len(r.Outcomes))
		}
	}
	return r, nil
}

// Print writes the accuracy overall and per expected reply, the speed, and
// every wrong answer with its file and line.
func (r *Report) Print(w io.Writer, name string) {
	fmt.Fprintf(w, "%s: %d/%d held-out questions answered exactly = %.1f%%\n",
		name, r.Right(), len(r.Outcomes), r.Accuracy())
	type acc struct{ right, all int }
	per := map[string]*acc{}
	for _, o := range r.Outcomes {
		a := per[o.Response]
		if a == nil {
			a = &acc{}
			per[o.Response] = a
		}
		a.all++
		if o.Right() {
			a.right++
		}
	}
	var classes []string
	for c := range per {
		classes = append(classes, c)
	}
	sort.Slice(classes, func(i, j int) bool {
		if per[classes[i]].all != per[classes[j]].all {
			return per[classes[i]].all > per[classes[j]].all
		}
		return classes[i] < classes[j]
	})
	for _, c := range classes {
		a := per[c]
		fmt.Fprintf(w, "  %-20s %4d/%-4d %5.1f%%\n", c, a.right, a.all, 100*float64(a.right)/float64(a.all))
	}
	if r.Chars > 0 {
		pc := float64(r.TStates) / float64(r.Chars)
		fmt.Fprintf(w, "  speed: %.0f T-states per generated character (%.2f s at 4 MHz), %d characters\n", pc, pc/4e6, r.Chars)
	}
	for _, o := range r.Outcomes {
		if !o.Right() {
			fmt.Fprintf(w, "  wrong  %s:%d  %-40q -> %-12q want %q\n", o.File, o.Line, o.Input, o.Got, o.Response)
		}
	}
}
