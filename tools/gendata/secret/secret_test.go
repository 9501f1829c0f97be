package secret

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"z80ulm/tools/gendata/knowledge"
)

// A small bank: two attributes, one asked both ways, one through an
// inverted template; the kinds every bank needs; a default wrong guess.
const bankText = `# a test bank
phrasings: all
typos: 0
wraps: 0
template is: is it {} | {}?
template has: does it have {}
template bigger: is it bigger than {a}
invert bigger: is it smaller than {a}
template guess: {} | {}? | is it {a}
template plural: {} | are they {}
template q: {} | {}?
attribute alive: is it alive
alive is: alive | living
alive not is: lifeless
attribute big: is it bigger than a car
big bigger: car
attribute trunk: does it have a trunk
trunk has: a trunk
guess NO: dog | cat
`

const elephantText = `secret: ELEPHANT
category: animal
names: elephant | [african/asian] elephant
plural: elephants
misspelled: elefant
YES: alive | big
  | trunk
is MAYBE: grey
does it have tusks|YES
`

const catText = `secret: CAT
category: animal
names: cat | kitty
plural: cats
YES: alive
NO: big | trunk
`

func parseBank(t *testing.T, text string) *Bank {
	t.Helper()
	b, errs := ParseBank(strings.NewReader(text), "bank.txt")
	if len(errs) > 0 {
		t.Fatalf("bank: %v", errs)
	}
	return b
}

func parseSheet(t *testing.T, b *Bank, name, text string) *Sheet {
	t.Helper()
	sh, errs := ParseSheet(strings.NewReader(text), name, b)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return sh
}

func lines(t *testing.T, b *Bank, sh *Sheet, others []*Sheet, opt knowledge.Options) []string {
	t.Helper()
	ls, _, errs := Generate(b, sh, others, opt)
	if len(errs) > 0 {
		t.Fatalf("generate: %v", errs)
	}
	var out []string
	for _, l := range ls {
		out = append(out, l.String())
	}
	return out
}

// The sheet's answers go through every phrasing of the bank (the inverted
// ones swapped), names win, another secret's names and the bank's wrong
// guesses are NO, and each attribute's own question is asked.
func TestGenerate(t *testing.T) {
	b := parseBank(t, bankText)
	el := parseSheet(t, b, "ELEPHANT.txt", elephantText)
	cat := parseSheet(t, b, "CAT.txt", catText)
	got := lines(t, b, el, []*Sheet{el, cat}, knowledge.Options{Seed: 1, Typos: -1, Wraps: -1, Patterns: -1})
	for _, want := range []string{
		"elephant|WIN", "is it an elephant|WIN", "is it an african elephant|WIN", "asian elephant|WIN",
		"elephants|WIN", "are they elephants|WIN", "elefant|WIN",
		"is it alive|YES", "alive?|YES", "is it living|YES", "is it lifeless|NO",
		"is it bigger than a car|YES", "is it smaller than a car|NO", "does it have a trunk|YES",
		"is it grey|MAYBE", "does it have tusks|YES", "does it have tusks?|YES",
		"is it a cat|NO", "kitty|NO", "cats|NO", "are they cats|NO", "is it a dog|NO",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %q in %q", want, got)
		}
	}
	// The cat's data: the bank's wrong guess "cat" gives way to its name.
	got = lines(t, b, cat, []*Sheet{el, cat}, knowledge.Options{Seed: 1, Typos: -1, Wraps: -1, Patterns: -1})
	for _, want := range []string{"is it a cat|WIN", "cat|WIN", "is it a dog|NO", "is it an elephant|NO", "elephants|NO", "is it smaller than a car|YES"} {
		if !slices.Contains(got, want) {
			t.Errorf("cat: missing %q in %q", want, got)
		}
	}
	if slices.Contains(got, "elefant|NO") || slices.Contains(got, "elefant|WIN") {
		t.Errorf("another secret's misspellings are not its names: %q", got)
	}
	if n := el.NameList(); n != "elephant|african elephant|asian elephant|elephants|an elephant" {
		t.Errorf("NameList %q", n)
	}
	// Names beyond an .MDL header's room are left out of the list, the
	// first name and its article form never.
	long := &Sheet{Secret: "ELEPHANT", Names: []string{"elephant"}}
	for i := 0; i < 20; i++ {
		long.Names = append(long.Names, fmt.Sprintf("elephant number %d", i))
	}
	n := long.NameList()
	if used := len("ELEPHANT$AN ELEPHANT$") + len(n) + 2; used > mdlNames || !strings.HasPrefix(n, "elephant|elephant number 0|") ||
		!strings.HasSuffix(n, "|an elephant") || strings.Contains(n, "number 19") {
		t.Errorf("NameList %q (%d bytes in an .MDL header)", n, used)
	}
}

// The same bank, sheets and seed give the same lines; another seed other
// slips. No goroutines, no file system: readers in, lines out.
func TestDeterministic(t *testing.T) {
	b := parseBank(t, strings.Replace(bankText, "typos: 0", "typos: 3", 1))
	el := parseSheet(t, b, "ELEPHANT.txt", elephantText)
	opt := knowledge.Options{Seed: 7, Typos: -1, Wraps: -1, Patterns: -1}
	a, c := lines(t, b, el, nil, opt), lines(t, b, el, nil, opt)
	if !slices.Equal(a, c) {
		t.Fatal("two runs differ")
	}
	opt.Seed = 8
	if d := lines(t, b, el, nil, opt); slices.Equal(a, d) {
		t.Error("another seed gives the same slips")
	}
}

// Held-out questions are never emitted, in any spelling HeldoutKey calls
// the same.
func TestHeldoutRefused(t *testing.T) {
	b := parseBank(t, bankText)
	el := parseSheet(t, b, "ELEPHANT.txt", elephantText)
	opt := knowledge.Options{Seed: 1, Typos: -1, Wraps: -1, Patterns: -1,
		Heldout: map[string]bool{knowledge.HeldoutKey("Is it alive?"): true}}
	got := lines(t, b, el, nil, opt)
	for _, l := range got {
		if strings.HasPrefix(l, "is it alive|") || strings.HasPrefix(l, "is it alive?|") {
			t.Errorf("held-out question emitted: %q", l)
		}
	}
	if !slices.Contains(got, "alive?|YES") {
		t.Errorf("other phrasings went too: %q", got)
	}
}

// A contradiction names both lines: the sheet's free question and the
// sheet's answer to the attribute with the bank's line it comes from.
func TestContradictionNamesBothLines(t *testing.T) {
	b := parseBank(t, bankText)
	el := parseSheet(t, b, "ELEPHANT.txt", elephantText+"is it alive|NO\n")
	_, _, errs := Generate(b, el, nil, knowledge.Options{Typos: -1, Wraps: -1, Patterns: -1})
	if len(errs) != 1 {
		t.Fatalf("%d errors, want 1: %v", len(errs), errs)
	}
	e := errs[0].Error()
	for _, want := range []string{"ELEPHANT.txt:10:", `"is it alive"`, "answered NO here but YES at ELEPHANT.txt:6", "attribute alive", "bank.txt:12"} {
		if !strings.Contains(e, want) {
			t.Errorf("error %q lacks %q", e, want)
		}
	}
	// A name that is a word of the bank collides with an attribute.
	colliding := strings.Replace(catText, "names: cat | kitty", "names: cat | alive", 1)
	cat := parseSheet(t, b, "CAT.txt", colliding)
	if _, _, errs := Generate(b, cat, nil, knowledge.Options{Typos: -1, Wraps: -1, Patterns: -1}); len(errs) == 0 ||
		!strings.Contains(errs[0].Error(), "CAT.txt:") {
		t.Errorf("a name colliding with an attribute: %v", errs)
	}
}

func TestSheetErrors(t *testing.T) {
	b := parseBank(t, bankText)
	for _, c := range []struct{ text, want string }{
		{"category: animal\nnames: x\nYES: alive | big | trunk", "s.txt:1: no \"secret: NAME\" line"},
		{"secret: elephant", "s.txt:1: secret \"elephant\": only upper-case letters"},
		{"secret: ELEPHANTS", "1 to 8 characters"},
		{"secret: X\ncategory: animal\nnames: x\nYES: alive | big", "s.txt:1: no answer to 1 attribute(s) of the bank: trunk"},
		{"secret: X\ncategory: animal\nnames: x\nYES: alive | big | trunk\nNO: big", "s.txt:5: attribute \"big\" is answered NO here and YES at s.txt:4"},
		{"secret: X\ncategory: animal\nnames: x\nYES: alive | big | trunck", "s.txt:4: \"trunck\" is not an attribute of the bank (did you mean \"trunk\"?)"},
		{"secret: X\ncategory: animal\nnames: X\nYES: alive | big | trunk", "s.txt:3: names \"X\": write names in lower case"},
		{"secret: X\ncategory: animal\nnames: x\nnames: y", "s.txt:4: \"names\" again (first at s.txt:3)"},
		{"secret: X\nis it big|SURE", "s.txt:2: answer \"SURE\", want YES, NO, MAYBE or WIN"},
		{"secret: X\nis it big|YES|NO", "s.txt:2: more than one '|'"},
		{"secret: X\nfoo YES: bar", "s.txt:2: unknown kind \"foo\""},
		{"secret: X\nfavourite: blue", "s.txt:2: \"favourite\": want secret, category"},
		{"secret: X\nis it big|YES\n  | is it large", "s.txt:3: continuation line"},
	} {
		_, errs := ParseSheet(strings.NewReader(c.text), "s.txt", b)
		positioned(t, errs, "s.txt")
		if !containsError(errs, c.want) {
			t.Errorf("%q: errors %v, want one containing %q", c.text, errs, c.want)
		}
	}
}

func TestBankErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{bankText + "attribute alive: again", "attribute \"alive\" again (first at bank.txt:12)"},
		{bankText + "attribute Big-One: x", "only lower-case letters"},
		{bankText + "attribute empty: is it empty", "attribute \"empty\" is never asked"},
		{bankText + "attribute living: is it living\nliving is: living", "\"is it living\" is asked by attribute \"living\" here and by \"alive\" at bank.txt:13"},
		{bankText + "alive is: lifeless", "asks attribute \"alive\" the other way round"},
		{bankText + "alive sometimes is: x", "want \"alive KIND: item | item\" or \"alive not KIND: item | item\""},
		{bankText + "alive nokind: x", "unknown kind \"nokind\""},
		{strings.Replace(bankText, "template q: {} | {}?\n", "", 1), "no \"template q:\" line"},
		{bankText + "secret: X", "belongs in a sheet"},
		{bankText + "is it big|YES", "belongs in a sheet"},
		{bankText + "attribute is: is it", "has the name of a kind"},
	} {
		_, errs := ParseBank(strings.NewReader(c.text), "bank.txt")
		positioned(t, errs, "bank.txt")
		if !containsError(errs, c.want) {
			t.Errorf("errors %v, want one containing %q", errs, c.want)
		}
	}
}

// containsError reports whether one of errs says want.
func containsError(errs []error, want string) bool {
	for _, e := range errs {
		if strings.Contains(e.Error(), want) {
			return true
		}
	}
	return false
}

// positioned fails unless every error starts with "file:".
func positioned(t *testing.T, errs []error, file string) {
	t.Helper()
	for _, e := range errs {
		if !strings.HasPrefix(e.Error(), file+":") {
			t.Fatalf("error without position: %v", e)
		}
	}
}

func FuzzParseSheet(f *testing.F) {
	f.Add(elephantText)
	f.Add(catText + "has YES: [a/two] tail[s/]\nis it [big/large]|MAYBE\n")
	f.Add("secret:\n:\n|\n  |\n[\n{}\nYES:\nNO: |\n")
	b, errs := ParseBank(strings.NewReader(bankText), "bank.txt")
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sh, errs := ParseSheet(strings.NewReader(text), "f.txt", b)
		positioned(t, errs, "f.txt")
		if len(errs) > 0 {
			return
		}
		ls, _, _ := Generate(b, sh, nil, knowledge.Options{Seed: 1, Typos: 1, Wraps: -1, Patterns: -1})
		for _, l := range ls {
			if l.Input == "" || strings.ContainsAny(l.Input, "|") || l.Input[0] == '#' {
				t.Fatalf("bad training input %q", l.Input)
			}
		}
	})
}

func FuzzParseBank(f *testing.F) {
	f.Add(bankText)
	f.Add("attribute a: q\na is: x\nattribute b: r\nb not is: x\n")
	f.Add("template: \nattribute : \n: x\n")
	f.Fuzz(func(t *testing.T, text string) {
		_, errs := ParseBank(strings.NewReader(text), "f.txt")
		positioned(t, errs, "f.txt")
	})
}

// A scale answers every thing by the ratio of the values, leaves out the
// secret's own names, and gives way to the sheet's facts.
func TestScale(t *testing.T) {
	text := bankText + "scale size bigger: mouse 0.1 | cat 0.5 | horse 2.4 | elephant 6 | bus 12\n"
	b := parseBank(t, text)
	el := parseSheet(t, b, "ELEPHANT.txt", elephantText+"size: 6\nbigger NO: bus\n")
	got := lines(t, b, el, nil, knowledge.Options{Seed: 1, Typos: -1, Wraps: -1, Patterns: -1})
	for _, want := range []string{
		"is it bigger than a mouse|YES", "is it smaller than a mouse|NO", "is it bigger than a horse|YES",
		"is it bigger than a bus|NO", "is it smaller than a bus|YES",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %q in %q", want, got)
		}
	}
	for _, l := range got {
		if strings.Contains(l, "than an elephant") {
			t.Errorf("the secret is compared with itself: %q", l)
		}
	}
	cat := parseSheet(t, b, "CAT.txt", catText+"size: 0.5\n")
	got = lines(t, b, cat, nil, knowledge.Options{Seed: 1, Typos: -1, Wraps: -1, Patterns: -1})
	for _, want := range []string{"is it bigger than a mouse|YES", "is it bigger than an elephant|NO", "is it bigger than a horse|NO"} {
		if !slices.Contains(got, want) {
			t.Errorf("cat: missing %q", want)
		}
	}
	// 0.5 against 0.5 and 0.4 .. 1: within a factor of two, MAYBE.
	b = parseBank(t, bankText+"scale size bigger: dog 0.9 | breadbox 0.4\n")
	cat = parseSheet(t, b, "CAT.txt", catText+"size: 0.5\n")
	got = lines(t, b, cat, nil, knowledge.Options{Seed: 1, Typos: -1, Wraps: -1, Patterns: -1})
	for _, want := range []string{"is it bigger than a dog|MAYBE", "is it smaller than a breadbox|MAYBE"} {
		if !slices.Contains(got, want) {
			t.Errorf("cat: missing %q", want)
		}
	}
	for _, c := range []struct{ text, want string }{
		{bankText + "scale size bigger: cat\n", "want a thing and its value above 0"},
		{bankText + "scale size bigger: cat -1\n", "want a thing and its value above 0"},
		{bankText + "scale size has: cat 1\n", "needs a template and inverted patterns"},
		{bankText + "scale alive bigger: cat 1\n", "the name is taken"},
	} {
		if _, errs := ParseBank(strings.NewReader(c.text), "bank.txt"); len(errs) == 0 || !strings.Contains(errs[0].Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.text, errs, c.want)
		}
	}
	if _, errs := ParseSheet(strings.NewReader(catText+"size: big\n"), "CAT.txt", parseBank(t, text)); len(errs) == 0 ||
		!strings.Contains(errs[0].Error(), "CAT.txt:7: size: want a number above 0") {
		t.Errorf("size: big: %v", errs)
	}
}
