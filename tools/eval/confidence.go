package main

import (
	"fmt"
	"io"
	"sort"

	"z80ulm/model"
)

// The confidence rule, measured (docs/DESIGN.md, section 7): answer with
// the catch-all reply when the two best first characters of the reply are
// close, on the theory that a close call is a question the model does not
// know. It ships only if it makes held-out answers better.

// catchAll is CHAT's reply to what it does not understand.
const catchAll = "HUH?"

// firstMargin is how far the best first character of m's reply to q leads
// the second best, in the last layer's integer outputs, among the classes
// the reply may start with.
func firstMargin(m *model.Model, q string) int {
	out := m.Forward(m.Input(q, ""))
	classes := make([]int, 0, len(out))
	if t := m.ReplyTrie(); t != nil {
		for _, e := range t.Nodes[0] {
			classes = append(classes, e.Class)
		}
	} else {
		for c := range out {
			classes = append(classes, c)
		}
	}
	if len(classes) < 2 {
		return 1 << 16
	}
	v := make([]int, len(classes))
	for i, c := range classes {
		v[i] = int(out[c])
	}
	sort.Sort(sort.Reverse(sort.IntSlice(v)))
	return v[0] - v[1]
}

// printMargins prints, for thresholds T, the held-out accuracy (far, near)
// and the share of generated inputs answered with the catch-all when every
// reply whose first-character margin is below T becomes the catch-all.
func printMargins(w io.Writer, m *model.Model, held *Report, near *NearIndex, lines []string) {
	type item struct {
		margin int
		right  bool // the reply as it is
		huh    bool // the catch-all would be right
		far    bool
	}
	var items []item
	for _, o := range held.Outcomes {
		items = append(items, item{firstMargin(m, typed(o.Input)), o.Right(), o.Response == catchAll, !near.Near(o.Input)})
	}
	margins := make([]int, len(lines))
	for i, l := range lines {
		margins[i] = firstMargin(m, typed(l))
	}
	fmt.Fprintf(w, "confidence rule: %s when the best first character leads the next by less than T\n", catchAll)
	fmt.Fprintf(w, "  %6s  %-16s %-16s %s\n", "T", "far held-out", "near held-out", "generated inputs below T")
	for _, t := range []int{0, 1, 2, 4, 8, 16, 32, 64} {
		var far, nr [2]int // right, all
		for _, it := range items {
			ok := it.right
			if it.margin < t {
				ok = it.huh
			}
			c := &nr
			if it.far {
				c = &far
			}
			c[1]++
			if ok {
				c[0]++
			}
		}
		huh := 0
		for _, mg := range margins {
			if mg < t {
				huh++
			}
		}
		fmt.Fprintf(w, "  %6d  %4d/%-4d %5.1f%%  %4d/%-4d %5.1f%%  %5.1f%%\n", t, far[0], far[1], pct(far[0], far[1]),
			nr[0], nr[1], pct(nr[0], nr[1]), pct(huh, len(lines)))
	}
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(max(1, b)) }
