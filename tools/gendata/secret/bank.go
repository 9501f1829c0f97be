// Package secret reads GUESS's question bank and its secret sheets and
// generates one secret's training lines from them. A secret is one sheet:
// its names, its category, its answer to every attribute of the shared
// bank, and facts or free questions of its own. Adding a secret is writing
// a sheet.
//
// The package is a library with a small API (ParseBank, ParseSheet,
// Generate): readers in, lines out, deterministic for a seed, no file
// system and no goroutines, so that tools/gendata and the browser's teach
// worker (WebAssembly) make the same bytes. The formats are written down
// at the top of assets/guess/bank.txt and in docs/DESIGN.md, section 6.
package secret

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"z80ulm/tools/gendata/knowledge"
)

// Bank is the shared question bank: the phrasing templates and settings of
// a knowledge file, the attributes every sheet answers, and facts that hold
// for every secret unless its sheet says otherwise (wrong guesses, the
// catch-all). A bank must have templates "guess" and "plural" (how a name
// is guessed) and "q" (how a free question is asked).
type Bank struct {
	Knowledge  *knowledge.Knowledge // templates, settings and the defaults (Facts)
	Attributes []*Attribute         // in the bank's order
	Scales     []*Scale             // in the bank's order
	byName     map[string]*Attribute
}

// Scale is a measure things are compared by ("size", "weight"): everyday
// things with their value, asked through a kind with inverted patterns
// ("is it bigger than a cat" / "is it smaller than a cat"). A sheet that
// gives the secret's own value ("size: 0.5") answers every one of them:
// YES when it is at least Factor times the thing's, NO when at most
// 1/Factor, MAYBE between. These answers are defaults: the sheet's
// attributes and facts win where they ask the same question.
type Scale struct {
	Name, Kind string
	Items      []ScaleItem
	knowledge.Source
}

// ScaleItem is one thing of a scale and its value.
type ScaleItem struct {
	Item  string
	Value float64
}

// Factor is how many times bigger (or heavier) a secret must be than a
// thing for YES; between 1/Factor and Factor the answer is MAYBE.
const Factor = 2

// Attribute is one property every secret has an answer to, asked in many
// ways. Question is how the teach form shows it, and is asked too.
type Attribute struct {
	Name, Question string
	Groups         []Group
	knowledge.Source
}

// Group is one "NAME [not] KIND: item | item" line of an attribute: the
// items asked through KIND's patterns, with the secret's answer, or with
// the answer swapped (YES<->NO) when Not is set.
type Group struct {
	Kind  string
	Items []string
	Not   bool
	knowledge.Source
}

// Attribute returns the attribute called name, or nil.
func (b *Bank) Attribute(name string) *Attribute { return b.byName[name] }

// Kinds the generator needs from every bank.
const (
	kindGuess  = "guess"  // a singular name: "elephant" -> "is it an elephant"
	kindPlural = "plural" // a plural name: "elephants" -> "are they elephants"
	kindFree   = "q"      // a free question, asked as written
)

// ParseBank reads a question bank. Every problem is returned, each an error
// starting with "name:line: ".
func ParseBank(r io.Reader, name string) (*Bank, []error) {
	stmts, errs := knowledge.Statements(r, name)
	b := &Bank{Knowledge: knowledge.New(), byName: map[string]*Attribute{}}
	kn := b.Knowledge

	// Pass 1: settings, templates and the attributes' names, so that kinds
	// and attributes may be used above the line that defines them.
	var rest []knowledge.Statement
	for _, s := range stmts {
		words := s.Words()
		switch {
		case s.Pair:
			errs = append(errs, s.Errorf("a question|ANSWER line belongs in a sheet; a bank asks through attributes"))
		case len(words) > 0 && words[0] == "secret":
			errs = append(errs, s.Errorf("\"secret:\" belongs in a sheet, not in the bank"))
		case len(words) > 0 && words[0] == "attribute":
			errs = append(errs, b.declare(s)...)
		case len(words) > 0 && words[0] == "scale":
			errs = append(errs, b.scale(s)...)
		default:
			ok, e := kn.Setting(s)
			errs = append(errs, e...)
			if !ok {
				rest = append(rest, s)
			}
		}
	}
	for _, k := range []string{kindGuess, kindPlural, kindFree} {
		if kn.Templates[k] == nil {
			errs = append(errs, fmt.Errorf("%s:1: no \"template %s:\" line (the bank needs templates %s, %s and %s)", name, k, kindGuess, kindPlural, kindFree))
		}
	}
	for _, sc := range b.Scales {
		if t := kn.Templates[sc.Kind]; t == nil || len(t.Inverted) == 0 {
			errs = append(errs, fmt.Errorf("%s: scale %q: kind %q needs a template and inverted patterns (\"template %s:\" and \"invert %s:\")", sc.Where(), sc.Name, sc.Kind, sc.Kind, sc.Kind))
			continue
		}
		for _, it := range sc.Items {
			if _, e := kn.Fact(sc.Kind, "YES", []string{it.Item}, sc.Source); len(e) > 0 {
				errs = append(errs, e...)
			}
		}
	}
	for _, a := range b.Attributes {
		if kn.Templates[a.Name] != nil {
			errs = append(errs, fmt.Errorf("%s: attribute %q has the name of a kind of the templates", a.Where(), a.Name))
		}
	}

	// Pass 2: an attribute's questions ("NAME [not] KIND: items") and the
	// defaults ("KIND ANSWER: items").
	for _, s := range rest {
		words := s.Words()
		if len(words) == 0 || len(s.Body) == 0 {
			errs = append(errs, s.Errorf("%s", map[bool]string{true: "nothing before ':'", false: "nothing after ':'"}[len(words) == 0]))
			continue
		}
		if a := b.byName[words[0]]; a != nil {
			g := Group{Source: s.Source}
			switch {
			case len(words) == 2:
				g.Kind = words[1]
			case len(words) == 3 && words[1] == "not":
				g.Kind, g.Not = words[2], true
			default:
				errs = append(errs, s.Errorf("want \"%s KIND: item | item\" or \"%s not KIND: item | item\"", a.Name, a.Name))
				continue
			}
			// The answer is the sheet's; check the items as a YES fact.
			f, e := kn.Fact(g.Kind, "YES", s.Body, s.Source)
			if len(e) > 0 {
				errs = append(errs, e...)
				continue
			}
			g.Items = f.Items
			a.Groups = append(a.Groups, g)
			continue
		}
		if len(words) < 2 {
			errs = append(errs, s.Errorf("%q is neither an attribute (\"attribute %s: question\") nor a kind with an answer (\"KIND ANSWER: items\")", words[0], words[0]))
			continue
		}
		f, e := kn.Fact(words[0], strings.Join(words[1:], " "), s.Body, s.Source)
		if len(e) > 0 {
			errs = append(errs, e...)
			continue
		}
		f.Default = true
		kn.Facts = append(kn.Facts, f)
	}
	for _, a := range b.Attributes {
		if len(a.Groups) == 0 {
			errs = append(errs, fmt.Errorf("%s: attribute %q is never asked (no \"%s KIND: items\" line)", a.Where(), a.Name, a.Name))
		}
	}
	if len(errs) == 0 {
		errs = b.overlaps()
	}
	return b, errs
}

// declare records "attribute NAME: question".
func (b *Bank) declare(s knowledge.Statement) []error {
	words := s.Words()
	if len(words) != 2 || len(s.Body) != 1 {
		return []error{s.Errorf("want \"attribute NAME: the question\"")}
	}
	name := words[1]
	if err := checkName(name); err != nil {
		return []error{s.Errorf("attribute %q: %v", name, err)}
	}
	if prev := b.byName[name]; prev != nil {
		return []error{s.Errorf("attribute %q again (first at %s)", name, prev.Where())}
	}
	if sheetWords[name] || b.scaleNamed(name) != nil {
		return []error{s.Errorf("%q is a word of the sheet format or a scale, not an attribute name", name)}
	}
	a := &Attribute{Name: name, Question: strings.TrimRight(strings.ToLower(s.Body[0]), "?! "), Source: s.Source}
	a.Source.Text = s.Body[0]
	b.Attributes = append(b.Attributes, a)
	b.byName[name] = a
	return nil
}

// scale records "scale NAME KIND: thing value | thing value".
func (b *Bank) scale(s knowledge.Statement) []error {
	words := s.Words()
	if len(words) != 3 {
		return []error{s.Errorf("want \"scale NAME KIND: thing value | thing value\"")}
	}
	sc := &Scale{Name: words[1], Kind: words[2], Source: s.Source}
	if err := checkName(sc.Name); err != nil {
		return []error{s.Errorf("scale %q: %v", sc.Name, err)}
	}
	if b.byName[sc.Name] != nil || b.scaleNamed(sc.Name) != nil || sheetWords[sc.Name] {
		return []error{s.Errorf("scale %q: the name is taken (an attribute, another scale or a word of the sheet format)", sc.Name)}
	}
	var errs []error
	for _, it := range s.Body {
		k := strings.LastIndexByte(it, ' ')
		v, ok := measure(it[k+1:])
		if k < 0 || !ok {
			errs = append(errs, s.Errorf("scale %q: %q: want a thing and its value above 0 (\"cat 0.5\")", sc.Name, it))
			continue
		}
		sc.Items = append(sc.Items, ScaleItem{Item: it[:k], Value: v})
	}
	b.Scales = append(b.Scales, sc)
	return errs
}

// measure reads a value on a scale (the bank's things, a sheet's secret):
// a finite number above 0.
func measure(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && v > 0 && !math.IsInf(v, 0)
}

// scaleNamed returns the scale called name, or nil.
func (b *Bank) scaleNamed(name string) *Scale {
	for _, sc := range b.Scales {
		if sc.Name == name {
			return sc
		}
	}
	return nil
}

// sheetWords are the keys of the sheet format.
var sheetWords = map[string]bool{"secret": true, "category": true, "names": true, "plural": true, "misspelled": true,
	"not": true, "attribute": true, "scale": true}

// checkName accepts attribute names: lower-case letters, digits and '-'.
func checkName(name string) error {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return fmt.Errorf("only lower-case letters, digits and '-' (not first)")
		}
	}
	if name == "" {
		return fmt.Errorf("empty")
	}
	return nil
}

// overlaps refuses a question that two attributes ask, or that one
// attribute asks both straight and inverted: some secret would get two
// answers to it. Both bank lines are named.
func (b *Bank) overlaps() []error {
	type asker struct {
		a   *Attribute
		g   *Group
		not bool
	}
	seen := map[string]asker{}
	var errs []error
	report := map[[2]int]bool{} // one message per pair of lines
	for _, a := range b.Attributes {
		for gi := range a.Groups {
			g := &a.Groups[gi]
			for _, it := range g.Items {
				straight, inverted := b.Knowledge.Questions(g.Kind, it)
				for k, qs := range [][]string{straight, inverted} {
					not := g.Not != (k == 1)
					for _, q := range qs {
						prev, ok := seen[q]
						if !ok {
							seen[q] = asker{a, g, not}
							continue
						}
						if prev.a == a && prev.not == not {
							continue
						}
						key := [2]int{prev.g.Line, g.Line}
						if report[key] {
							continue
						}
						report[key] = true
						if prev.a == a {
							errs = append(errs, fmt.Errorf("%s: %q asks attribute %q the other way round from %s", g.Where(), q, a.Name, prev.g.Where()))
						} else {
							errs = append(errs, fmt.Errorf("%s: %q is asked by attribute %q here and by %q at %s", g.Where(), q, a.Name, prev.a.Name, prev.g.Where()))
						}
					}
				}
			}
		}
	}
	return errs
}
