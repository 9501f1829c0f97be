package knowledge

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

func parse(t *testing.T, text string) *Knowledge {
	t.Helper()
	kn, errs := Parse(strings.NewReader(text), "k.txt")
	if len(errs) > 0 {
		t.Fatalf("unexpected problems: %v", errs)
	}
	return kn
}

func generate(t *testing.T, kn *Knowledge, opt Options) []Line {
	t.Helper()
	if opt.Typos == 0 && opt.Patterns == 0 && opt.Wraps == 0 {
		opt.Typos, opt.Patterns, opt.Wraps = -1, -1, -1
	}
	lines, _, errs := Generate(kn, opt)
	if len(errs) > 0 {
		t.Fatalf("unexpected problems: %v", errs)
	}
	return lines
}

func pairs(lines []Line) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.String())
	}
	return out
}

func TestExpand(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"is it big", []string{"is it big"}},
		{"[big/large] ears", []string{"big ears", "large ears"}},
		{"is it [very/] big ?", []string{"is it very big?", "is it big?"}},
		{"[a/b] x [c/d]", []string{"a x c", "a x d", "b x c", "b x d"}},
		{"  Is  IT  ", []string{"is it"}},
		{"cp/m", []string{"cp/m"}}, // a slash outside brackets is text
	} {
		if got := Expand(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Expand(%q) = %q, want %q", c.in, got, c.want)
		}
		if n := countExpansions(c.in); n != len(c.want) {
			t.Errorf("countExpansions(%q) = %d, want %d", c.in, n, len(c.want))
		}
	}
}

func TestArticleAndThirdPerson(t *testing.T) {
	for w, a := range map[string]string{"elephant": "an", "dog": "a", "unicorn": "a", "hour glass": "an",
		"apple": "an", "european bison": "a", "ox": "an", "one horned rhino": "a", "ibex": "an"} {
		if got := Article(w); got != a {
			t.Errorf("Article(%q) = %q, want %q", w, got, a)
		}
	}
	for v, s := range map[string]string{"eat grass": "eats grass", "fly": "flies", "have a trunk": "has a trunk",
		"wash": "washes", "go home": "goes home", "play": "plays", "can swim": "can swim", "catch fish": "catches fish",
		"be big": "is big", "buzz": "buzzes", "mix": "mixes", "pass": "passes"} {
		if got := thirdPerson(v); got != s {
			t.Errorf("thirdPerson(%q) = %q, want %q", v, got, s)
		}
	}
	for _, c := range [][3]string{
		{"is it {a}", "elephant", "is it an elephant"},
		{"does it {}", "swim", "does it swim"},
		{"it {s}", "eat grass", "it eats grass"},
		{"{}?", "a trunk", "a trunk?"},
	} {
		if got := fill(c[0], c[1]); got != c[2] {
			t.Errorf("fill(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"is YES big", "k.txt:1: no ':'"},
		{"template is: is it {}\nfoo YES: big", "k.txt:2: unknown kind \"foo\""},
		{"\n\ntemplate is: is it {} {}", "k.txt:3: pattern \"is it {} {}\": 2 placeholders"},
		{"template is: is it", "k.txt:1: pattern \"is it\": 0 placeholders"},
		{"template is: is it {x}", "k.txt:1: pattern \"is it {x}\": unknown placeholder {x}"},
		{"template is: is it [big {}", "'[' at column 7 is not closed"},
		{"template is: is [it [x]] {}", "brackets do not nest"},
		{"template is: is it {}\nis yes: big", "k.txt:2: answer \"yes\" is not upper case"},
		{"template is: is it {}\nis: big", "k.txt:2: no answer"},
		{"template is: is it {}\nis YES$: big", "contains '$'"},
		{"template is: is it {}\nis YES:", "k.txt:2: nothing after ':'"},
		{"  | big", "k.txt:1: continuation line"},
		{"gibberish MAYBE: lots", "k.txt:1: want \"gibberish ANSWER: N\""},
		{"template secret: {}", "reserved word"},
		{"secret: A\nsecret: B", "k.txt:2: a second secret"},
		{"template is: is it {}\ninvert is: is it not {}\nis WIN: big", "k.txt:3: answer \"WIN\" of kind \"is\" cannot be inverted (kind \"is\" has invert patterns at k.txt:2)"},
		{"template is: is it {}\nis YES: [a/b", "k.txt:2: item \"[a/b\""},
		{"typos: many", "k.txt:1: want \"typos [ANSWER]: N\""},
		{"phrasings YES: 3\nphrasings YES: 4", "k.txt:2: phrasings for \"YES\" given twice"},
		{"wrap around: so", "k.txt:1: want \"wrap before: word | word\""},
		{"wraps: x", "k.txt:1: want \"wraps [ANSWER]: N\""},
		{"template is: is it {}\nis YES: caf\xc3\xa9", "k.txt:2: byte 0xc3 at column 12"},
		{"template is: is it {}\nis YES: " + strings.Repeat("[a/b]", 13), "expands to 8192 phrasings"},
	} {
		_, errs := Parse(strings.NewReader(c.text), "k.txt")
		if len(errs) == 0 {
			t.Errorf("%q: no error, want one containing %q", c.text, c.want)
			continue
		}
		if !strings.Contains(errs[0].Error(), c.want) || !strings.HasPrefix(errs[0].Error(), "k.txt:") {
			t.Errorf("%q: error %q, want one starting k.txt: and containing %q", c.text, errs[0], c.want)
		}
	}
}

const small = `# a comment
secret: ELEPHANT
template is: is it {} | {}?
invert big: is it smaller than {a}
template big: is it bigger than {a}
is YES: [big/large]
is MAYBE: grey
big YES: car
  | mouse
`

func TestGenerateExact(t *testing.T) {
	kn := parse(t, small)
	if kn.Secret != "ELEPHANT" {
		t.Errorf("secret %q", kn.Secret)
	}
	got := pairs(generate(t, kn, Options{Typos: 0, Patterns: 0}))
	want := []string{
		"is it big|YES", "big?|YES", "is it large|YES", "large?|YES", "is it grey|MAYBE", "grey?|MAYBE",
		"is it bigger than a car|YES", "is it smaller than a car|NO",
		"is it bigger than a mouse|YES", "is it smaller than a mouse|NO",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestConflictNamesBothLines(t *testing.T) {
	kn := parse(t, "template is: is it {}\nis YES: big\n\nis NO: large | big\n")
	_, _, errs := Generate(kn, Options{Typos: -1, Patterns: -1})
	if len(errs) != 1 || errs[0].Error() != `k.txt:4: "is it big" is answered NO here but YES at k.txt:2` {
		t.Fatalf("errors %v", errs)
	}
	// The same answer twice is no conflict.
	kn = parse(t, "template is: is it {}\nis YES: big\nis YES: big\n")
	if got := pairs(generate(t, kn, Options{Typos: -1, Patterns: -1})); !reflect.DeepEqual(got, []string{"is it big|YES"}) {
		t.Errorf("got %q", got)
	}
}

// isSlip reports whether b is a with one letter dropped, doubled or
// replaced by a keyboard neighbour, or two neighbouring letters swapped,
// after normalisation.
func isSlip(a, b string) bool {
	for i := 0; i < len(a); i++ {
		if a[i] >= 'a' && a[i] <= 'z' {
			for _, c := range []byte(keyNeighbours[a[i]-'a']) {
				if normalize(a[:i]+string(c)+a[i+1:]) == b {
					return true
				}
			}
		}
		if normalize(a[:i]+a[i+1:]) == b || normalize(a[:i+1]+a[i:]) == b {
			return true
		}
		if i+1 < len(a) && normalize(a[:i]+string(a[i+1])+string(a[i])+a[i+2:]) == b {
			return true
		}
	}
	return false
}

func TestTyposAndDeterminism(t *testing.T) {
	text := small + "typos: 3\ngibberish MAYBE: 20\n"
	kn := parse(t, text)
	a := generate(t, kn, Options{Seed: 7, Typos: -1, Patterns: -1})
	b := generate(t, parse(t, text), Options{Seed: 7, Typos: -1, Patterns: -1})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different lines")
	}
	c := generate(t, parse(t, text), Options{Seed: 8, Typos: -1, Patterns: -1})
	if reflect.DeepEqual(pairs(a), pairs(c)) {
		t.Fatal("another seed, same lines")
	}
	clean := map[string]string{}
	seen := map[string]bool{}
	slips, gib := 0, 0
	for _, l := range a {
		if seen[l.Input] {
			t.Errorf("%q twice", l.Input)
		}
		seen[l.Input] = true
		switch l.Origin {
		case FromKnowledge:
			clean[l.Input] = l.Answer
		case FromTypo:
			slips++
			ok := false
			for in, ans := range clean {
				if ans == l.Answer && isSlip(in, l.Input) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("slip %q|%s is no one-letter slip of a clean line with that answer", l.Input, l.Answer)
			}
		case FromGibberish:
			gib++
			if l.Answer != "MAYBE" || strings.Trim(l.Input, "abcdefghijklmnopqrstuvwxyz ") != "" {
				t.Errorf("gibberish %q|%s", l.Input, l.Answer)
			}
		}
	}
	if slips < 2*len(clean) || gib != 20 {
		t.Errorf("%d slips of %d clean lines, %d gibberish", slips, len(clean), gib)
	}
	// The flag overrides the file's default.
	if d := generate(t, parse(t, text), Options{Seed: 7, Typos: 0, Patterns: -1}); len(d) != len(clean)+20 {
		t.Errorf("-typos 0 gave %d lines, want %d", len(d), len(clean)+20)
	}
}

func TestWraps(t *testing.T) {
	text := `template is: is it {} | {}?
wrap before: so | ok
wrap after: then | at all
wraps: 2
wraps WIN: 0
typos: 1
is YES: big | large | heavy
is NO: small
is WIN: elephant
`
	lines := generate(t, parse(t, text), Options{Seed: 4, Typos: -1, Wraps: -1, Patterns: -1})
	clean := map[string]string{}
	wrapped := 0
	forms := map[string]bool{}
	for _, l := range lines {
		switch l.Origin {
		case FromKnowledge:
			clean[l.Input] = l.Answer
		case FromWrap:
			wrapped++
			ok := false
			for in, ans := range clean {
				core := strings.TrimRight(in, "?")
				for _, pre := range []string{"", "so ", "ok "} {
					for _, post := range []string{"", " then", " at all"} {
						if (pre != "" || post != "") && pre+core+post+in[len(core):] == l.Input && ans == l.Answer {
							ok = true
							forms[strings.TrimSpace(pre)+"/"+strings.TrimSpace(post)] = true
						}
					}
				}
			}
			if !ok {
				t.Errorf("%q|%s is no wrapped clean line", l.Input, l.Answer)
			}
			if l.Answer == "WIN" {
				t.Errorf("%q wrapped despite wraps WIN: 0", l.Input)
			}
		case FromTypo:
			if _, ok := clean[l.Input]; ok {
				t.Errorf("slip %q equals a clean line", l.Input)
			}
		}
	}
	if wrapped < 12 || len(forms) < 4 {
		t.Errorf("%d wrapped lines in forms %v", wrapped, forms)
	}
	if got := generate(t, parse(t, text), Options{Seed: 4, Typos: 0, Wraps: 0, Patterns: -1}); len(got) != 10 {
		t.Errorf("-wraps 0 -typos 0: %d lines, want the 10 clean ones", len(got))
	}
}

func TestTypoKinds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := map[string]bool{}
	for i := 0; i < 300; i++ {
		s := typo(rng, "trunk")
		switch {
		case len(s) == 4:
			kinds["drop"] = true
		case len(s) == 6:
			kinds["double"] = true
		case len(s) == 5 && s != "trunk" && isSlipKind(s):
			kinds["swap"] = true
		case len(s) == 5 && s != "trunk":
			kinds["near"] = true
		default:
			t.Fatalf("typo(trunk) = %q", s)
		}
		if !isSlip("trunk", s) {
			t.Fatalf("typo(trunk) = %q is no slip", s)
		}
	}
	if len(kinds) != 4 {
		t.Errorf("slip kinds seen: %v", kinds)
	}
	if got := typo(rng, "a ?"); got != "a ?" {
		t.Errorf("typo of a phrase without 3 letters changed it: %q", got)
	}
}

// isSlipKind tells a swap of "trunk" from a substitution.
func isSlipKind(s string) bool {
	return slices.Contains([]string{"rtunk", "turnk", "trnuk", "trukn"}, s)
}

func TestKeyNeighboursSymmetric(t *testing.T) {
	for i, ns := range keyNeighbours {
		for _, c := range []byte(ns) {
			if !strings.ContainsRune(keyNeighbours[c-'a'], rune('a'+i)) {
				t.Errorf("%c is next to %c but not the other way round", c, 'a'+i)
			}
		}
	}
}

func TestSlipsOnItems(t *testing.T) {
	text := "template is: is it really and truly {}\nslips: items\ntypos: 4\nis YES: enormous | gigantic | colossal\n"
	onItem, all := 0, 0
	for _, l := range generate(t, parse(t, text), Options{Seed: 2, Typos: -1, Wraps: -1, Patterns: -1}) {
		if l.Origin == FromTypo {
			all++
			if strings.HasPrefix(l.Input, "is it really and truly ") {
				onItem++
			}
		}
	}
	// 3 in 4 on the item, and a quarter of the rest there by chance.
	if all < 10 || onItem*10 < all*7 {
		t.Errorf("%d of %d slips on the item", onItem, all)
	}
	if _, errs := Parse(strings.NewReader("slips: sometimes"), "k.txt"); len(errs) != 1 {
		t.Errorf("bad slips value accepted: %v", errs)
	}
}

func TestHeldoutNeverEmitted(t *testing.T) {
	text := small + "typos: 4\n"
	held := map[string]bool{HeldoutKey("is it big?"): true, HeldoutKey("is it bigger than a car"): true}
	lines, st, errs := Generate(parse(t, text), Options{Seed: 1, Typos: -1, Patterns: -1, Heldout: held})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, l := range lines {
		if held[HeldoutKey(l.Input)] {
			t.Errorf("held-out %q emitted", l.Input)
		}
	}
	if st.DroppedHeldout != 2 {
		t.Errorf("dropped %d held-out lines, want 2", st.DroppedHeldout)
	}
	// The inverted question of a held-out one is still asked.
	if !slices.Contains(pairs(lines), "is it smaller than a car|NO") {
		t.Error("lost the inverted phrasing")
	}
}

func TestPhrasingsSampling(t *testing.T) {
	text := `template g: {} | {}? | is it {a} | is it {a}? | are you {a} | it is {a}
invert c: is it smaller than {a} | smaller than {a}? | is it lighter than {a}
template c: is it bigger than {a} | bigger than {a}? | is it heavier than {a}
phrasings: 3
phrasings WIN: all
g WIN: elephant
g NO: dog | cat | cow | pig | rat
c YES: mouse
`
	lines := generate(t, parse(t, text), Options{Seed: 3, Typos: 0, Patterns: -1})
	per := map[string][]string{}
	for _, l := range lines {
		for _, it := range []string{"elephant", "dog", "cat", "cow", "pig", "rat", "mouse"} {
			if strings.Contains(l.Input, it) {
				per[it] = append(per[it], l.Input)
			}
		}
	}
	if len(per["elephant"]) != 6 {
		t.Errorf("WIN (phrasings all) got %q", per["elephant"])
	}
	variety := map[string]bool{}
	for _, it := range []string{"dog", "cat", "cow", "pig", "rat"} {
		if len(per[it]) != 3 || per[it][0] != it {
			t.Errorf("%s: %q, want the canonical %q and 2 others", it, per[it], it)
		}
		for _, in := range per[it][1:] {
			variety[strings.Replace(in, it, "X", 1)] = true
		}
	}
	if len(variety) < 3 {
		t.Errorf("random phrasings not varied: %v", variety)
	}
	m := per["mouse"]
	if len(m) != 3 || !slices.Contains(m, "is it bigger than a mouse") || !slices.Contains(m, "is it smaller than a mouse") {
		t.Errorf("mouse: %q, want both canonical forms", m)
	}
}

func TestSortedClasses(t *testing.T) {
	got := Classes(map[string]int{"NO": 5, "YES": 9, "MAYBE": 5, "WIN": 1})
	if !reflect.DeepEqual(got, []string{"YES", "MAYBE", "NO", "WIN"}) {
		t.Errorf("%q", got)
	}
	if !sort.StringsAreSorted([]string{"MAYBE", "NO"}) {
		t.Fatal()
	}
}

func FuzzParse(f *testing.F) {
	f.Add(small)
	f.Add("template x: [a/b] {s} [c/]\nx YES: eat [d/e]\n  | f\ngibberish HUH?: 3\ntypos: 2\nphrasings NO: all")
	f.Add("secret:\n:\n|\n  |\n[\n{}")
	f.Fuzz(func(t *testing.T, text string) {
		kn, errs := Parse(strings.NewReader(text), "f.txt")
		for _, e := range errs {
			if !strings.HasPrefix(e.Error(), "f.txt:") {
				t.Fatalf("error without position: %v", e)
			}
		}
		// Generate only what stays small: the fuzzer may ask for 4096^2 lines.
		total := 0
		for _, fa := range kn.Facts {
			for _, it := range fa.Items {
				n := countExpansions(it)
				for _, p := range kn.Templates[fa.Kind].Patterns {
					total += n * countExpansions(p.Text)
				}
				for _, p := range kn.Templates[fa.Kind].Inverted {
					total += n * countExpansions(p.Text)
				}
			}
		}
		for _, g := range kn.Gibberish {
			total += g.N
		}
		if total > 5000 {
			return
		}
		lines, _, _ := Generate(kn, Options{Seed: 1, Typos: 1, Patterns: -1})
		for _, l := range lines {
			if l.Input == "" || strings.ContainsAny(l.Input, "|") || l.Input[0] == '#' || firstNonPrintable(l.Input) >= 0 {
				t.Fatalf("bad training input %q", l.Input)
			}
		}
	})
}

func TestGibberishWalks(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	walks := 0
	for i := 0; i < 400; i++ {
		g := gibberish(rng)
		if strings.Trim(g, "abcdefghijklmnopqrstuvwxyz ") != "" || g[0] == ' ' || strings.Contains(g, "  ") {
			t.Fatalf("gibberish %q", g)
		}
		for _, w := range strings.Fields(g) {
			if len(w) < 3 || len(w) > 10 || (len(strings.Fields(g)) == 1 && len(w) < 4) {
				t.Fatalf("gibberish %q has a word of %d letters", g, len(w))
			}
		}
		walk := true
		for _, w := range strings.Fields(g) {
			for k := 1; k < len(w); k++ {
				if !strings.ContainsRune(keyNeighbours[w[k-1]-'a'], rune(w[k])) {
					walk = false
				}
			}
		}
		if walk {
			walks++
		}
	}
	if walks < 100 || walks > 300 {
		t.Errorf("%d of 400 strings are keyboard walks", walks)
	}
}

// "first: N" keeps a kind's first N phrasings (and first N inverted ones)
// for every item, whatever the sampling draws.
func TestFirstPhrasings(t *testing.T) {
	text := `template g: {} | {}? | is it {a} | is it {a}? | are you {a} | it is {a}
invert g: is it not {a} | not {a}? | is it no {a}
phrasings: 5
first: 2
g NO: dog | cat | cow | pig | rat
`
	for seed := uint64(1); seed < 6; seed++ {
		per := map[string][]string{}
		for _, l := range generate(t, parse(t, text), Options{Seed: seed, Typos: 0, Patterns: -1}) {
			w := strings.Fields(strings.TrimRight(l.Input, "?"))
			per[w[len(w)-1]] = append(per[w[len(w)-1]], l.Input)
		}
		for _, it := range []string{"dog", "cat", "cow", "pig", "rat"} {
			got := per[it]
			if len(got) != 5 || !slices.Contains(got, it) || !slices.Contains(got, it+"?") ||
				!slices.Contains(got, "is it not a "+it) || !slices.Contains(got, "not a "+it+"?") {
				t.Errorf("seed %d: %s: %q, want the first two straight and inverted phrasings among 5", seed, it, got)
			}
		}
	}
	if _, errs := Parse(strings.NewReader("first YES: two"), "k.txt"); len(errs) != 1 || !strings.Contains(errs[0].Error(), `want "first [ANSWER]: N"`) {
		t.Errorf("first: two: %v", errs)
	}
}

// "swap WORD: alt" lines and "swaps: N" copy each clean line with one such
// word said another way; lines without one are left alone.
func TestSwaps(t *testing.T) {
	text := `template a: is it {a} | does it have {a}
a YES: animal | tail
a NO: rock
swap a: an
swap an: a
swap it: this | it really
swaps: 1
swaps NO: 0
`
	lines := generate(t, parse(t, text), Options{Seed: 2, Typos: 0, Patterns: -1})
	alts := map[string][]string{"a": {"an"}, "an": {"a"}, "it": {"this", "it really"}}
	var clean []string
	n := 0
	for _, l := range lines {
		if l.Origin != FromSwap {
			if l.Answer == "YES" {
				clean = append(clean, l.Input)
			}
			continue
		}
		n++
		ok := false
		for _, c := range clean {
			w := strings.Fields(c)
			for i := range w {
				for _, a := range alts[w[i]] {
					v := append([]string(nil), w...)
					v[i] = a
					ok = ok || strings.Join(v, " ") == l.Input
				}
			}
		}
		if !ok || l.Answer != "YES" {
			t.Errorf("swapped line %q|%s is no clean YES line with one word swapped", l.Input, l.Answer)
		}
	}
	if n != len(clean) {
		t.Errorf("%d swapped lines, want one per YES line (%d)", n, len(clean))
	}
	if _, errs := Parse(strings.NewReader("swap [a/b]: c"), "k.txt"); len(errs) != 1 || !strings.Contains(errs[0].Error(), "want \"swap WORD:") {
		t.Errorf("swap with brackets: %v", errs)
	}
}

// "marks: 1" gives every clean line without a final "?" a copy with one,
// never a second one and never for a line that has one.
func TestMarks(t *testing.T) {
	text := "template is: is it {} | {}? | is it {}!\nis YES: big\nis NO: small\nmarks: 1\nmarks NO: 0\n"
	var got []string
	for _, l := range generate(t, parse(t, text), Options{Seed: 1, Typos: 0, Patterns: -1}) {
		got = append(got, l.String()+"/"+l.Origin.String())
	}
	want := []string{"is it big|YES/knowledge", "big?|YES/knowledge", "is it big!|YES/knowledge",
		"is it small|NO/knowledge", "small?|NO/knowledge", "is it small!|NO/knowledge", "is it big?|YES/mark"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
