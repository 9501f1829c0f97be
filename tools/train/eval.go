package main

import (
	"fmt"
	"io"
	"sort"

	"z80ulm/model"
)

// predict runs n's forward pass on every example and returns the classes.
func predict(n *network, ds *dataset, workers int) []int32 {
	pred := make([]int32, len(ds.examples))
	parallel(workers, len(ds.examples), 64, func(lo, hi int) {
		r := newRowState(n)
		for i := lo; i < hi; i++ {
			n.forward(&ds.examples[i], r)
			pred[i] = pickAllowed(r.act[len(r.act)-1], ds.examples[i].allowed)
		}
	})
	return pred
}

// predictNext asks the model package's integer inference, model.Forward, for
// the class of each example in idx (all examples when idx is nil).
func predictNext(m *model.Model, ds *dataset, idx []int, workers int) []int32 {
	if idx == nil {
		idx = make([]int, len(ds.examples))
		for i := range idx {
			idx[i] = i
		}
	}
	pred := make([]int32, len(idx))
	parallel(workers, len(idx), 16, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			e := &ds.examples[idx[j]]
			l := &ds.lines[e.line]
			pred[j] = pickAllowed(m.Forward(m.Input(l.Input, l.Response[:e.k])), e.allowed)
		}
	})
	return pred
}

// pickAllowed is the class the program prints: the first maximum of out
// among the allowed classes (all of them when allowed is nil).
func pickAllowed[T int16 | float32](out []T, allowed []int32) int32 {
	if allowed == nil {
		best := 0
		for i := range out {
			if out[i] > out[best] {
				best = i
			}
		}
		return int32(best)
	}
	best := allowed[0]
	for _, c := range allowed[1:] {
		if out[c] > out[best] {
			best = c
		}
	}
	return best
}

// score returns the character accuracy and the exact-reply accuracy of
// predictions for all examples, in percent, each line weighted by how often
// the data has it. A reply is exact when every step along it is right:
// greedy decoding then follows the wanted reply character by character and
// stops at its end, so this equals comparing model.Generate with the
// response (a test checks that it does).
func score(ds *dataset, pred []int32) (charAcc, replyAcc float64) {
	lineOK := make([]bool, len(ds.lines))
	for i := range lineOK {
		lineOK[i] = true
	}
	var hit, all float64
	for i, e := range ds.examples {
		w := float64(ds.lines[e.line].count)
		all += w
		if pred[i] == e.target {
			hit += w
		} else {
			lineOK[e.line] = false
		}
	}
	var good float64
	for i, l := range ds.lines {
		if lineOK[i] {
			good += float64(l.count)
		}
	}
	return 100 * hit / all, 100 * good / float64(ds.total)
}

// paritySample picks about n examples spread evenly over the data set.
func paritySample(ds *dataset, n int) []int {
	step := max(1, (len(ds.examples)+n-1)/n)
	var idx []int
	for i := 0; i < len(ds.examples); i += step {
		idx = append(idx, i)
	}
	return idx
}

// replyReport is the -eval result: model.Generate against every line.
type replyReport struct {
	lines, good int
	perClass    map[string][2]int // response -> (good, lines)
	wrong       []string
}

// evalReplies generates a reply for every pair's input with the integer
// reference and compares it with the response.
func evalReplies(m *model.Model, pairs []model.Pair, workers int) replyReport {
	got := make([]string, len(pairs))
	parallel(workers, len(pairs), 16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			got[i] = m.Generate(pairs[i].Input)
		}
	})
	r := replyReport{perClass: map[string][2]int{}}
	for i, p := range pairs {
		c := r.perClass[p.Response]
		c[1]++
		r.lines++
		if got[i] == p.Response {
			c[0]++
			r.good++
		} else {
			r.wrong = append(r.wrong, fmt.Sprintf("%s:%d: %q -> %q, want %q", p.File, p.Line, p.Input, got[i], p.Response))
		}
		r.perClass[p.Response] = c
	}
	return r
}

func (r replyReport) print(w io.Writer) {
	fmt.Fprintf(w, "exact replies: %d/%d = %.2f%%\n", r.good, r.lines, pct(r.good, r.lines))
	classes := make([]string, 0, len(r.perClass))
	for c := range r.perClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		v := r.perClass[c]
		fmt.Fprintf(w, "  %-20q %6d/%-6d = %6.2f%%\n", c, v[0], v[1], pct(v[0], v[1]))
	}
	if len(r.wrong) > 0 {
		fmt.Fprintf(w, "wrong answers (%d):\n", len(r.wrong))
		for _, s := range r.wrong {
			fmt.Fprintln(w, "  "+s)
		}
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
