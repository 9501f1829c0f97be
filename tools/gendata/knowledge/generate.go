package knowledge

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"z80ulm/model"
)

// Origin says where a training line came from; it orders priority when two
// lines disagree (the knowledge file wins).
type Origin int

const (
	FromKnowledge Origin = iota
	FromLLM
	FromTypo
	FromGibberish
	FromWrap
	FromSwap
	FromMark
)

func (o Origin) String() string {
	return [...]string{"knowledge", "llm", "typo", "gibberish", "wrap", "swap", "mark"}[o]
}

// Line is one generated training line.
type Line struct {
	Input, Answer string
	Origin        Origin
	Src           Source // the knowledge line it stems from
	item          [2]int // where the fact's item is in Input (from, to), when known
	hidden        bool   // known but not emitted: held out, too long, ambiguous or unsampled
	unsampled     bool   // hidden only because Options.Patterns left it out
	byDefault     bool   // from a default fact: another fact's answer replaces it
}

// String is the line as a training file holds it: input|ANSWER.
func (l Line) String() string { return l.Input + "|" + l.Answer }

// Options steer Generate.
type Options struct {
	Seed uint64
	// Typos, Wraps and Patterns, when >= 0, override the knowledge file's
	// defaults: slipped copies per line ("typos:"), wrapped copies per line
	// ("wraps:") and phrasings per item ("phrasings:", 0 = all); -1 keeps
	// the file's.
	Typos, Wraps, Patterns int
	Heldout                map[string]bool // HeldoutKey of inputs that must never be emitted
	// Paraphrase, when set, returns other ways to ask question (a local
	// LLM); Paraphrases is how many to ask for per fact item.
	Paraphrase  func(question string, n int) ([]string, error)
	Paraphrases int
	// Progress, when set, is told about each paraphrase request.
	Progress func(done, total int)
}

// Stats counts what Generate made and dropped.
type Stats struct {
	Knowledge, LLM, Typos, Gibberish, Wraps, Swaps, Marks int
	DroppedHeldout                                        int // would have equalled a held-out input
	DroppedAmbiguous                                      int // a slip or paraphrase that another answer also produced
	DroppedLong                                           int // longer than model.MaxInputLen
	PerClass                                              map[string]int
	// Contrasts are the questions one letter apart with different
	// answers (neighbours.go); every phrasing of both is emitted.
	Contrasts []Contrast
}

// Generate turns knowledge into training lines: every fact item under every
// pattern of its kind, then paraphrases, slips and gibberish. The same
// knowledge and options give the same lines in the same order. Two
// knowledge lines that ask the same thing with different answers are an
// error naming both lines.
func Generate(kn *Knowledge, opt Options) ([]Line, Stats, []error) {
	g := &generator{
		opt:   opt,
		kn:    kn,
		rng:   rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)),
		index: map[string]int{},
		st:    Stats{PerClass: map[string]int{}},
	}
	g.knowledge(kn)
	for _, c := range g.conflicts {
		more := ""
		if c.n > 1 {
			more = fmt.Sprintf(" (and %d more of its phrasings)", c.n-1)
		}
		g.errs = append(g.errs, fmt.Errorf("%s: %q%s is answered %s here but %s at %s", c.here, c.input, more, c.answer, c.other, c.there))
	}
	if len(g.errs) > 0 {
		return nil, g.st, g.errs
	}
	g.st.Contrasts = g.contrasts()
	if opt.Paraphrase != nil && opt.Paraphrases > 0 {
		if err := g.paraphrases(kn); err != nil {
			return nil, g.st, []error{err}
		}
	}
	g.wraps()
	g.swaps()
	g.marks()
	g.typos()
	for _, gb := range kn.Gibberish {
		g.gibberish(gb)
	}

	var out []Line
	for _, l := range g.lines {
		if l.hidden {
			continue
		}
		out = append(out, l)
		g.st.PerClass[l.Answer]++
		switch l.Origin {
		case FromKnowledge:
			g.st.Knowledge++
		case FromLLM:
			g.st.LLM++
		case FromTypo:
			g.st.Typos++
		case FromGibberish:
			g.st.Gibberish++
		case FromWrap:
			g.st.Wraps++
		case FromSwap:
			g.st.Swaps++
		case FromMark:
			g.st.Marks++
		}
	}
	return out, g.st, nil
}

type generator struct {
	opt   Options
	kn    *Knowledge
	rng   *rand.Rand
	lines []Line
	index map[string]int // input -> position in lines
	st    Stats
	errs  []error
	// conflicts are two facts answering one question differently, one
	// entry per pair of lines (with how many questions they share).
	conflicts    []conflict
	conflictedAt map[[2]string]int
}

type conflict struct {
	here, there, input, answer, other string
	n                                 int
}

// add records a new input. Inputs that are held out or too long are
// recorded hidden, so that no slip or paraphrase emits them either and so
// that a knowledge line disagreeing with them is still caught.
func (g *generator) add(l Line) {
	g.screen(&l)
	g.index[l.Input] = len(g.lines)
	g.lines = append(g.lines, l)
}

// HeldoutKey is what two inputs must share to count as the same question:
// spelling as normalize leaves it, without trailing punctuation ("is it
// big?" and "is it big" are one question). Training never sees a held-out
// question in any of these forms.
func HeldoutKey(in string) string {
	return strings.TrimRight(normalize(in), "?!. ")
}

// screen hides a line that is too long or held out.
func (g *generator) screen(l *Line) {
	switch {
	case len(l.Input) > model.MaxInputLen:
		g.st.DroppedLong++
		l.hidden = true
	case g.opt.Heldout[HeldoutKey(l.Input)]:
		g.st.DroppedHeldout++
		l.hidden = true
	}
}

func (g *generator) knowledge(kn *Knowledge) {
	for _, f := range kn.Facts {
		t := kn.Templates[f.Kind]
		for _, item := range f.Items {
			for _, it := range Expand(item) {
				if it == "" {
					continue
				}
				var cs []phrasing
				for _, p := range t.Patterns {
					for _, pat := range Expand(p.Text) {
						cs = append(cs, phrasing{pat, f.Answer, p, false})
					}
				}
				for _, p := range t.Inverted {
					for _, pat := range Expand(p.Text) {
						cs = append(cs, phrasing{pat, Invert(f.Answer), p, true})
					}
				}
				keep := g.choose(cs, f.Kind, f.Answer)
				for i, c := range cs {
					g.fact(c, it, f, keep[i])
				}
			}
		}
	}
}

// phrasing is one expanded pattern with the answer it gives an item.
type phrasing struct {
	pattern, answer string
	src             Source
	inverted        bool
}

// choose picks which phrasings of an item are emitted: all of them, or with
// Options.Patterns = K, the first straight and the first inverted ones (the
// canonical questions: one, or "first: N") and K minus those at random. Every item still meets
// several phrasings and every phrasing many items, at a fraction of the
// lines, which is what keeps training time in bounds.
func (g *generator) choose(cs []phrasing, kind, answer string) []bool {
	keep := make([]bool, len(cs))
	k, ok := g.kn.KindPhrasings[kind]
	if !ok {
		k = g.setting(g.kn.Phrasings, answer, g.opt.Patterns)
	}
	if k <= 0 || len(cs) <= k {
		for i := range keep {
			keep[i] = true
		}
		return keep
	}
	first, ok := g.kn.First[answer]
	if !ok {
		if first, ok = g.kn.First[""]; !ok {
			first = 1
		}
	}
	n, straight, inverted := 0, 0, 0
	for i, c := range cs {
		if c.inverted {
			keep[i] = inverted < first
			inverted++
		} else {
			keep[i] = straight < first
			straight++
		}
		if keep[i] {
			n++
		}
	}
	for _, i := range g.rng.Perm(len(cs)) {
		if n >= k {
			break
		}
		if !keep[i] {
			keep[i] = true
			n++
		}
	}
	return keep
}

// fact records the item asked one way. A phrasing that is not emitted is
// still recorded (hidden), so conflicts are caught over all phrasings and
// no slip can turn into it.
func (g *generator) fact(c phrasing, item string, f Fact, emit bool) {
	src := f.Source
	in := normalize(fill(c.pattern, item))
	if in == "" || in[0] == '#' {
		g.errs = append(g.errs, fmt.Errorf("%s: item %q under pattern %q (%s) gives %q, which cannot be a training input",
			src.Where(), item, c.src.Text, c.src.Where(), in))
		return
	}
	if k, ok := g.index[in]; ok {
		prev := &g.lines[k]
		switch {
		case prev.Answer != c.answer && f.Default:
			return // a default gives way
		case prev.Answer != c.answer && prev.byDefault:
			prev.Answer, prev.Src, prev.byDefault = c.answer, src, false // ... wherever it came first
		case prev.Answer != c.answer:
			key := [2]string{src.Where(), prev.Src.Where()}
			if k, ok := g.conflictedAt[key]; ok {
				g.conflicts[k].n++
				return
			}
			if g.conflictedAt == nil {
				g.conflictedAt = map[[2]string]int{}
			}
			g.conflictedAt[key] = len(g.conflicts)
			g.conflicts = append(g.conflicts, conflict{here: key[0], there: key[1], input: in, answer: c.answer, other: prev.Answer, n: 1})
			return
		}
		if emit && prev.unsampled {
			prev.unsampled, prev.hidden = false, false // another fact emits it after all
			g.screen(prev)
		}
		return
	}
	if !emit {
		g.index[in] = len(g.lines)
		g.lines = append(g.lines, Line{Input: in, Answer: c.answer, Origin: FromKnowledge, Src: src, hidden: true, unsampled: true, byDefault: f.Default})
		return
	}
	l := Line{Input: in, Answer: c.answer, Origin: FromKnowledge, Src: src, byDefault: f.Default}
	if k := strings.Index(in, normalize(item)); k >= 0 {
		l.item = [2]int{k, k + len(normalize(item))}
	}
	g.add(l)
}

// paraphrases asks for other phrasings of each fact item's first question.
// A paraphrase that the knowledge file answers differently, or that two
// facts both produced, is dropped: the file is the authority.
func (g *generator) paraphrases(kn *Knowledge) error {
	type ask struct {
		question, answer string
		src              Source
	}
	var asks []ask
	for _, f := range kn.Facts {
		t := kn.Templates[f.Kind]
		if len(t.Patterns) == 0 {
			continue
		}
		for _, item := range f.Items {
			it := Expand(item)[0]
			q := normalize(fill(Expand(t.Patterns[0].Text)[0], it))
			asks = append(asks, ask{q, f.Answer, f.Source})
		}
	}
	for k, a := range asks {
		got, err := g.opt.Paraphrase(a.question, g.opt.Paraphrases)
		if err != nil {
			return fmt.Errorf("%s: paraphrasing %q: %v", a.src.Where(), a.question, err)
		}
		if g.opt.Progress != nil {
			g.opt.Progress(k+1, len(asks))
		}
		for _, p := range got {
			p = normalize(p)
			if p == "" || p[0] == '#' || strings.ContainsAny(p, "|") || firstNonPrintable(p) >= 0 {
				continue
			}
			if i, ok := g.index[p]; ok {
				if l := &g.lines[i]; l.Answer != a.answer && l.Origin == FromLLM && !l.hidden {
					l.hidden = true // two facts claim it: trust neither
					g.st.DroppedAmbiguous++
				} else if l.Answer != a.answer {
					g.st.DroppedAmbiguous++
				}
				continue
			}
			g.add(Line{Input: p, Answer: a.answer, Origin: FromLLM, Src: a.src})
		}
	}
	return nil
}

// cleanLines are the lines made so far from the facts themselves (not a
// later step's copies, not the hidden ones): what wraps, swaps and marks
// copy. The copies those steps add are not among them.
func (g *generator) cleanLines() []Line {
	var clean []Line
	for _, l := range g.lines {
		if !l.hidden && (l.Origin == FromKnowledge || l.Origin == FromLLM) {
			clean = append(clean, l)
		}
	}
	return clean
}

// addCopy adds src asked as in, unless in is asked already (by this fact
// or another).
func (g *generator) addCopy(src Line, in string, origin Origin) {
	if _, ok := g.index[in]; ok {
		return
	}
	g.add(Line{Input: in, Answer: src.Answer, Origin: origin, Src: src.Src})
}

// wraps adds copies of every clean line with filler words around it:
// people type "so is it big then", and a model that saw only bare
// questions is thrown by the extra words.
func (g *generator) wraps() {
	before, after := g.kn.WrapBefore, g.kn.WrapAfter
	if len(before)+len(after) == 0 {
		return
	}
	for _, src := range g.cleanLines() {
		for w := g.setting(g.kn.Wraps, src.Answer, g.opt.Wraps); w > 0; w-- {
			core := strings.TrimRight(src.Input, "?!. ")
			end := src.Input[len(core):]
			pre, post := "", ""
			switch r := g.rng.IntN(3); {
			case len(after) == 0 || (r == 0 && len(before) > 0):
				pre = before[g.rng.IntN(len(before))]
			case len(before) == 0 || r == 1:
				post = after[g.rng.IntN(len(after))]
			default:
				pre, post = before[g.rng.IntN(len(before))], after[g.rng.IntN(len(after))]
			}
			g.addCopy(src, normalize(pre+" "+core+" "+post+end), FromWrap)
		}
	}
}

// swaps adds copies of every clean line with one word said another way
// ("swap WORD: alt | alt"): the slips and small words people put inside a
// question ("is it a animal", "is this alive", "does it really fly").
func (g *generator) swaps() {
	if len(g.kn.SwapWords) == 0 {
		return
	}
	for _, src := range g.cleanLines() {
		words := strings.Fields(src.Input)
		var at []int
		for i, w := range words {
			if _, ok := g.kn.Swaps[w]; ok {
				at = append(at, i)
			}
		}
		if len(at) == 0 {
			continue
		}
		for c := g.setting(g.kn.SwapCopies, src.Answer, -1); c > 0; c-- {
			i := at[g.rng.IntN(len(at))]
			alts := g.kn.Swaps[words[i]]
			w := append([]string(nil), words...)
			w[i] = alts[g.rng.IntN(len(alts))]
			g.addCopy(src, normalize(strings.Join(w, " ")), FromSwap)
		}
	}
}

// marks adds, with "marks: N", a copy ending in "?" of every clean line
// that ends without one: a trailing "?" must never change the answer, and
// a model that met a question only one way can be thrown by the other.
func (g *generator) marks() {
	for _, src := range g.cleanLines() {
		if strings.HasSuffix(src.Input, "?") {
			continue
		}
		if g.setting(g.kn.Marks, src.Answer, -1) <= 0 {
			continue
		}
		g.addCopy(src, strings.TrimRight(src.Input, "!. ")+"?", FromMark)
	}
}

// setting is the knowledge file's value for answer, else the flag's
// override of the default (when >= 0), else the file's default.
func (g *generator) setting(m map[string]int, answer string, flag int) int {
	if v, ok := m[answer]; ok {
		return v
	}
	if flag >= 0 {
		return flag
	}
	return m[""]
}

// gibberish adds gb.N random letter strings that nothing else produced.
func (g *generator) gibberish(gb Gibberish) {
	made := 0
	for try := 0; made < gb.N && try < 20*gb.N+100; try++ {
		in := gibberish(g.rng)
		if _, ok := g.index[in]; ok {
			continue
		}
		g.add(Line{Input: in, Answer: gb.Answer, Origin: FromGibberish, Src: gb.Source})
		made++
	}
}

// Classes returns the answers of lines sorted by count (most first), then
// by name.
func Classes(perClass map[string]int) []string {
	var cs []string
	for c := range perClass {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		if perClass[cs[i]] != perClass[cs[j]] {
			return perClass[cs[i]] > perClass[cs[j]]
		}
		return cs[i] < cs[j]
	})
	return cs
}
