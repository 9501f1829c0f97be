package qat

import (
	"fmt"
	"io"
	"math/rand/v2"
	"sort"

	"z80ulm/model"
)

// measure is the evaluation after an epoch: the float network as it trains,
// the integer network (alpha = 1) through the same exact forward pass on
// the measured lines, model.Forward on a sample of them to prove the two
// integer paths agree, and the held-out lines through model.Generate. It
// returns the integer network as a model.
func (tr *trainer) measure() (*model.Model, EpochStats) {
	n, ds, set, workers := tr.n, tr.ds, tr.measured, tr.cfg.Workers
	predF := tr.predict(n, set.ex)
	nq := n.quantized()
	predQ := predF
	if nq != n {
		predQ = tr.predict(nq, set.ex)
	}
	m := n.toModel(tr.shape)
	sample := paritySample(len(set.ex), tr.cfg.Parity)
	idx := make([]int, len(sample))
	for j, k := range sample {
		idx[j] = set.ex[k]
	}
	predM := predictNext(m, ds, idx, workers)
	st := EpochStats{Alpha: n.alpha, LR: tr.lrAt(tr.t - 1), ParitySample: len(sample)}
	st.FloatAcc, _ = score(ds, set, predF)
	st.IntAcc, st.ReplyAcc = score(ds, set, predQ)
	for j, k := range sample {
		if predM[j] != predQ[k] {
			st.ParityMiss++
		}
	}
	if len(tr.cfg.Val) > 0 {
		st.ValAcc = EvalReplies(m, tr.cfg.Val, workers).Percent()
	}
	return m, st
}

// evalSet is the lines measured after each epoch, and their examples.
type evalSet struct {
	lines, ex []int
}

// measuredSet is every line, or with n > 0 n lines drawn at random (data
// often comes in a regular order, which a stride would alias with); the
// draw depends only on the data's size.
func measuredSet(ds *Dataset, n int) evalSet {
	var s evalSet
	if n <= 0 || n >= len(ds.lines) {
		s.lines = make([]int, len(ds.lines))
		for li := range s.lines {
			s.lines[li] = li
		}
		s.ex = make([]int, len(ds.examples))
		for i := range s.ex {
			s.ex[i] = i
		}
		return s
	}
	chosen := make([]bool, len(ds.lines))
	for _, li := range rand.New(rand.NewPCG(uint64(len(ds.lines)), 0x5eed)).Perm(len(ds.lines))[:n] {
		chosen[li] = true
	}
	for li, c := range chosen {
		if c {
			s.lines = append(s.lines, li)
		}
	}
	for i, e := range ds.examples {
		if chosen[e.line] {
			s.ex = append(s.ex, i)
		}
	}
	return s
}

// predict runs n's forward pass on the examples idx and returns their
// classes.
func (tr *trainer) predict(n *network, idx []int) []int32 {
	ex := tr.ds.examples
	pred := make([]int32, len(idx))
	parallel(tr.cfg.Workers, len(idx), 64, func(lo, hi int) {
		r := newRowState(n)
		for j := lo; j < hi; j++ {
			i := idx[j]
			n.forward(n.frozen, tr.input(i), r)
			pred[j] = pickAllowed(r.act[len(r.act)-1], ex[i].allowed)
		}
	})
	return pred
}

// predictNext asks the model package's integer inference, model.Forward, for
// the class of each example in idx.
func predictNext(m *model.Model, ds *Dataset, idx []int, workers int) []int32 {
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
// predictions pred for the examples of set, in percent, each line weighted
// by how often the data has it. A reply is exact when every step along it
// is right: greedy decoding then follows the wanted reply character by
// character and stops at its end, so this equals comparing model.Generate
// with the response (a test checks that it does).
func score(ds *Dataset, set evalSet, pred []int32) (charAcc, replyAcc float64) {
	lineOK := make([]bool, len(ds.lines))
	for i := range lineOK {
		lineOK[i] = true
	}
	var hit, all float64
	for j, i := range set.ex {
		e := &ds.examples[i]
		w := float64(ds.lines[e.line].count)
		all += w
		if pred[j] == e.target {
			hit += w
		} else {
			lineOK[e.line] = false
		}
	}
	var good, total float64
	for _, li := range set.lines {
		c := float64(ds.lines[li].count)
		total += c
		if lineOK[li] {
			good += c
		}
	}
	return 100 * hit / all, 100 * good / total
}

// paritySample picks about n of the indices 0..size-1, spread evenly.
func paritySample(size, n int) []int {
	step := max(1, (size+n-1)/n)
	var idx []int
	for i := 0; i < size; i += step {
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
