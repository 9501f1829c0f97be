package qat

import (
	"fmt"
	"io"
	"sort"

	"z80ulm/model"
)

// measure is the evaluation after an epoch: the float network as it trains,
// the integer network (alpha = 1) through the same exact forward pass on
// every example, model.Forward on a sample to prove the two integer paths
// agree, and the held-out lines through model.Generate. It returns the
// integer network as a model.
func (tr *trainer) measure() (*model.Model, EpochStats) {
	n, ds, workers := tr.n, tr.ds, tr.cfg.Workers
	predF := predict(n, ds, workers)
	nq := n.quantized()
	predQ := predF
	if nq != n {
		predQ = predict(nq, ds, workers)
	}
	m := n.toModel(tr.shape)
	sample := paritySample(ds, tr.cfg.Parity)
	predM := predictNext(m, ds, sample, workers)
	st := EpochStats{Alpha: n.alpha, LR: tr.lrAt(tr.t - 1), ParitySample: len(sample)}
	st.FloatAcc, _ = score(ds, predF)
	st.IntAcc, st.ReplyAcc = score(ds, predQ)
	for j, i := range sample {
		if predM[j] != predQ[i] {
			st.ParityMiss++
		}
	}
	if len(tr.cfg.Val) > 0 {
		st.ValAcc = EvalReplies(m, tr.cfg.Val, workers).Percent()
	}
	return m, st
}

// predict runs n's forward pass on every example and returns the classes.
func predict(n *network, ds *Dataset, workers int) []int32 {
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
func predictNext(m *model.Model, ds *Dataset, idx []int, workers int) []int32 {
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
func score(ds *Dataset, pred []int32) (charAcc, replyAcc float64) {
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
	return 100 * hit / all, 100 * good / float64(ds.Total)
}

// paritySample picks about n examples spread evenly over the data set.
func paritySample(ds *Dataset, n int) []int {
	step := max(1, (len(ds.examples)+n-1)/n)
	var idx []int
	for i := 0; i < len(ds.examples); i += step {
		idx = append(idx, i)
	}
	return idx
}

// ReplyReport is model.Generate against every line of a set.
type ReplyReport struct {
	Lines, Good int
	PerClass    map[string][2]int // response -> (good, lines)
	Wrong       []string          // file:line: "input" -> "reply", want "response"
}

// Percent is the share of exact replies.
func (r ReplyReport) Percent() float64 { return pct(r.Good, r.Lines) }

// EvalReplies generates a reply for every pair's input with the integer
// reference and compares it with the response.
func EvalReplies(m *model.Model, pairs []model.Pair, workers int) ReplyReport {
	got := make([]string, len(pairs))
	parallel(workers, len(pairs), 16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			got[i] = m.Generate(pairs[i].Input)
		}
	})
	r := ReplyReport{PerClass: map[string][2]int{}}
	for i, p := range pairs {
		c := r.PerClass[p.Response]
		c[1]++
		r.Lines++
		if got[i] == p.Response {
			c[0]++
			r.Good++
		} else {
			r.Wrong = append(r.Wrong, fmt.Sprintf("%s:%d: %q -> %q, want %q", p.File, p.Line, p.Input, got[i], p.Response))
		}
		r.PerClass[p.Response] = c
	}
	return r
}

// Print writes the report: the total, each class, the wrong answers.
func (r ReplyReport) Print(w io.Writer) {
	fmt.Fprintf(w, "exact replies: %d/%d = %.2f%%\n", r.Good, r.Lines, r.Percent())
	classes := make([]string, 0, len(r.PerClass))
	for c := range r.PerClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		v := r.PerClass[c]
		fmt.Fprintf(w, "  %-20q %6d/%-6d = %6.2f%%\n", c, v[0], v[1], pct(v[0], v[1]))
	}
	if len(r.Wrong) > 0 {
		fmt.Fprintf(w, "wrong answers (%d):\n", len(r.Wrong))
		for _, s := range r.Wrong {
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
