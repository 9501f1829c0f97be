package knowledge

import (
	"sort"
	"strings"
)

// Near neighbours (docs/DESIGN.md, section 7): two questions a letter apart
// that mean different things ("are you a bot" YES, "are you a boy" NO). The
// trigram encoder sees them as nearly the same input, so the model tells
// them apart only if the data carries both, each with its own answer, in
// every phrasing; and a typing slip must never turn one into the other
// (typos in typo.go).

// Contrast is a pair of questions the same but for one word, whose words
// are one edit apart, with different answers.
type Contrast struct {
	A, B         string // the questions
	WordA, WordB string // the words that differ
	AnsA, AnsB   string
}

// contrasts emits every phrasing of both questions of each contrast among
// the facts, where the file's "phrasings:" setting sampled some away, and
// returns the contrasts.
func (g *generator) contrasts() []Contrast {
	var clean []int
	for i, l := range g.lines {
		if l.Origin == FromKnowledge && (!l.hidden || l.unsampled) {
			clean = append(clean, i)
		}
	}
	var out []Contrast
	for _, p := range contrastPairs(g.lines, clean) {
		for _, i := range p {
			if l := &g.lines[i]; l.unsampled {
				l.unsampled, l.hidden = false, false
				g.screen(l)
			}
		}
		a, b := g.lines[p[0]], g.lines[p[1]]
		wa, wb := differingWord(a.Input, b.Input)
		out = append(out, Contrast{A: a.Input, B: b.Input, WordA: wa, WordB: wb, AnsA: a.Answer, AnsB: b.Answer})
	}
	return out
}

// contrastPairs finds, among lines[idx...], the pairs of inputs with the
// same words but one, those two one edit apart, and different answers:
// inputs are grouped by their words with one left out, so each pair is
// found in the group of the word position where they differ.
func contrastPairs(lines []Line, idx []int) [][2]int {
	type member struct {
		line int
		word string
	}
	groups := map[string][]member{}
	var keys []string
	for _, i := range idx {
		w := strings.Fields(lines[i].Input)
		for k := range w {
			v := append([]string{}, w...)
			v[k] = "\x00"
			key := strings.Join(v, " ")
			if groups[key] == nil {
				keys = append(keys, key)
			}
			groups[key] = append(groups[key], member{i, w[k]})
		}
	}
	var out [][2]int
	for _, key := range keys {
		g := groups[key]
		for x := 0; x < len(g); x++ {
			for y := x + 1; y < len(g); y++ {
				a, b := g[x], g[y]
				if lines[a.line].Answer != lines[b.line].Answer && OneEdit(trimPunct(a.word), trimPunct(b.word)) {
					out = append(out, [2]int{min(a.line, b.line), max(a.line, b.line)})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

// differingWord returns the first words where a and b differ.
func differingWord(a, b string) (string, string) {
	wa, wb := strings.Fields(a), strings.Fields(b)
	for i := range min(len(wa), len(wb)) {
		if wa[i] != wb[i] {
			return wa[i], wb[i]
		}
	}
	return "", ""
}

// OneEdit reports whether b is a with one letter inserted, deleted or
// replaced, or two neighbouring letters swapped: the slips of typo.go.
func OneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		var diff []int
		for i := 0; i < len(a); i++ {
			if a[i] != b[i] {
				diff = append(diff, i)
				if len(diff) > 2 {
					return false
				}
			}
		}
		switch len(diff) {
		case 1:
			return true
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && a[i] == b[j] && a[j] == b[i]
		}
		return false
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}

// NeighbourWords returns the pairs of words of vocab one edit apart, each
// pair once and sorted: the candidates for contrasts a knowledge file may
// want to state ("cat" and "car" both asked, each with its answer).
func NeighbourWords(vocab map[string]bool) [][2]string {
	// Words one edit apart share a key: the word itself or the word with
	// one letter deleted (a swap shares two deletions).
	byKey := map[string][]string{}
	for w := range vocab {
		byKey[w] = append(byKey[w], w)
		for i := range len(w) {
			k := w[:i] + w[i+1:]
			byKey[k] = append(byKey[k], w)
		}
	}
	seen := map[[2]string]bool{}
	var out [][2]string
	for _, ws := range byKey {
		for x := range ws {
			for y := range ws {
				a, b := ws[x], ws[y]
				if a < b && !seen[[2]string{a, b}] && OneEdit(a, b) {
					seen[[2]string{a, b}] = true
					out = append(out, [2]string{a, b})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}
