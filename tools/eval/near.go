package main

import (
	"strings"

	"z80ulm/tools/gendata/knowledge"
)

// Near and far held-out questions (docs/DESIGN.md, section 11). A held-out
// question that is a training input with one word inserted, deleted or
// replaced ("are you a bot" beside a trained "r u a bot", a typo of one
// word, a trailing "robot") says little about what the model learned: it
// counts as near, whatever file it is in. Only the others, far, give the
// figure we quote.

// NearIndex answers, for a question, whether some training input is within
// one word of it. Words are what strings.Fields makes of the question in
// the form knowledge.HeldoutKey gives it (lower case, no trailing ?!.), so "Hi!" and
// "hi" are the same input.
type NearIndex struct {
	exact   map[string]bool // training inputs
	dropped map[string]bool // training inputs with one word deleted
	holes   map[string]bool // training inputs with one word replaced by a hole
}

// hole stands for any one word; it cannot occur in a typed word.
const hole = "\x00"

// NewNearIndex indexes the training inputs.
func NewNearIndex(inputs []string) *NearIndex {
	x := &NearIndex{exact: map[string]bool{}, dropped: map[string]bool{}, holes: map[string]bool{}}
	for _, in := range inputs {
		w := strings.Fields(knowledge.HeldoutKey(in))
		x.exact[strings.Join(w, " ")] = true
		for i := range w {
			x.dropped[without(w, i)] = true
			x.holes[withHole(w, i)] = true
		}
	}
	return x
}

// Trained reports whether q is a training input (in knowledge.HeldoutKey's sense).
func (x *NearIndex) Trained(q string) bool {
	return x.exact[strings.Join(strings.Fields(knowledge.HeldoutKey(q)), " ")]
}

// Near reports whether a training input is within one word of q: q itself,
// q with a word deleted (q has one word more), q with a word inserted (a
// training input less one word is q) or q with a word replaced.
func (x *NearIndex) Near(q string) bool {
	w := strings.Fields(knowledge.HeldoutKey(q))
	if x.exact[strings.Join(w, " ")] || x.dropped[strings.Join(w, " ")] {
		return true
	}
	for i := range w {
		if x.exact[without(w, i)] || x.holes[withHole(w, i)] {
			return true
		}
	}
	return false
}

func without(w []string, i int) string {
	return strings.Join(append(append(make([]string, 0, len(w)-1), w[:i]...), w[i+1:]...), " ")
}

func withHole(w []string, i int) string {
	v := append(make([]string, 0, len(w)), w...)
	v[i] = hole
	return strings.Join(v, " ")
}
