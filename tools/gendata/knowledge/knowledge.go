// Package knowledge reads knowledge files (facts asked through phrasing
// templates) and generates training lines from them: every fact under its
// phrasings, typing slips, filler words and gibberish for the catch-all.
// It is a library without file system or goroutines, so that the same code
// runs in tools/gendata and, compiled to WebAssembly, in a browser tab, and
// gives the same lines in both. The format is in docs/DESIGN.md, section 6.
package knowledge

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Knowledge is a parsed knowledge file. The format is in docs/DESIGN.md,
// section 6; in short, one statement per line:
//
//	secret: ELEPHANT                        the thing to guess (metadata)
//	template KIND: pattern | pattern ...    how a KIND of fact is asked
//	invert KIND: pattern | pattern ...      asked the other way round (YES<->NO)
//	KIND ANSWER: item | item ...            facts: every item under every pattern
//	gibberish ANSWER: N                     N random letter strings -> ANSWER
//	phrasings [ANSWER]: N | all             phrasings per item (by answer)
//	phrasings KIND: N | all                 ... for a kind's items, whatever their answer
//	first [ANSWER]: N                       the first N phrasings always among them
//	typos [ANSWER]: N                       slipped copies per line (by answer)
//	wrap before: word | word ...            small words put before a question
//	wrap after: word | word ...             ... or after it ("so is it big then")
//	wraps [ANSWER]: N                       wrapped copies per line (by answer)
//	slips: items | anywhere                 where slips fall (default anywhere)
//	swap WORD: alt | alt ...                a word said another way ("a": "an")
//	swaps [ANSWER]: N                       copies per line with one word swapped
//	marks [ANSWER]: 0 | 1                   a copy ending in "?" of each line without
//
// Lines that start with a space or a tab continue the previous statement's
// list. Patterns hold {} (the item), {a} (the item after "a"/"an") or {s}
// (the item with its first word in the third person: "eat grass" -> "eats
// grass"). Patterns and items may hold alternatives in brackets:
// "[big/large/huge] ears" is three items; "[very/] big" is two.
type Knowledge struct {
	Secret    string
	Templates map[string]*Template
	Facts     []Fact
	Gibberish []Gibberish
	// Phrasings and Typos hold the per-answer settings; key "" is the
	// default for answers not named. Phrasings 0 means every phrasing.
	Phrasings map[string]int
	// KindPhrasings holds "phrasings KIND:", which wins over the answer's
	// setting for that kind's items (a persona's core words in every
	// phrasing, the long tail sampled).
	KindPhrasings map[string]int
	// First holds how many of a kind's first phrasings (and first
	// inverted ones) are always among those chosen (default 1): the forms
	// players type most should never be sampled away.
	First map[string]int
	Typos map[string]int
	Wraps map[string]int
	// WrapBefore and WrapAfter are the filler words of "wrap" lines.
	WrapBefore, WrapAfter []string
	// Swaps are the "swap WORD: alt | alt" lines (SwapWords in file
	// order); SwapCopies the per-answer "swaps:" setting, copies of each
	// line with one such word said another way.
	Swaps      map[string][]string
	SwapWords  []string
	SwapCopies map[string]int
	// Marks is the per-answer "marks:" setting: 1 gives every clean line
	// that does not end in "?" a copy that does.
	Marks map[string]int
	// SlipItems puts 3 of 4 slips on the fact's item ("is it alvie")
	// rather than anywhere, where most would hit the pattern's words.
	SlipItems bool
}

// Template is every way a kind of fact is asked.
type Template struct {
	Kind     string
	Patterns []Source // asked straight: the fact's answer
	Inverted []Source // asked the other way round: YES and NO swap
}

// Source is a text with the line it came from. Via, when set, says what
// else the line stands on (a sheet's answer to a bank attribute names the
// bank's line), so that a conflict names every line a person may edit.
type Source struct {
	Text string
	File string
	Line int
	Via  string
}

// Where is "file:line", and what the line stands on when Via says.
func (s Source) Where() string {
	if s.Via != "" {
		return fmt.Sprintf("%s:%d (%s)", s.File, s.Line, s.Via)
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// Fact is one KIND ANSWER: items line.
type Fact struct {
	Kind   string
	Answer string
	Items  []string
	Source
	// Default facts give way: where another fact asks the same question
	// with another answer, that one wins without complaint. A question
	// bank's wrong guesses are defaults, so a secret's own answer to "is
	// it a cat" (WIN for the cat) stands.
	Default bool
}

// Gibberish asks for N random letter strings answered with Answer.
type Gibberish struct {
	Answer string
	N      int
	Source
}

// reserved words cannot name a kind of fact.
var reserved = map[string]bool{"secret": true, "template": true, "invert": true, "gibberish": true,
	"phrasings": true, "first": true, "typos": true, "swap": true, "swaps": true, "marks": true, "wrap": true, "wraps": true, "slips": true}

// maxExpansions bounds what one bracketed pattern or item may expand to, so
// a typo in the file cannot ask for millions of lines.
const maxExpansions = 4096

// Statement is one logical line of a knowledge file (or of a question
// bank or a secret sheet, which share the syntax): its head before ':', the
// '|'-separated parts of its body, continuation lines joined, and where it
// started.
type Statement struct {
	Head string
	Body []string
	Source
	// Pair marks a "question|ANSWER" line (no ':' before its first '|'):
	// Body is the question and the answer. Secret sheets have them;
	// knowledge files ask through templates instead.
	Pair bool
}

// Words are the head's words.
func (s Statement) Words() []string { return strings.Fields(s.Head) }

// Errorf is a problem with the statement, prefixed "file:line: ".
func (s Statement) Errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s", s.Where(), fmt.Sprintf(format, args...))
}

// Statements splits a file into statements: '#' lines and blank lines are
// skipped, a line starting with a space or a tab continues the list of the
// statement above. Every problem is an error starting with "name:line: ".
func Statements(r io.Reader, name string) ([]Statement, []error) {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
	}
	var stmts []Statement
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), "\r")
		t := strings.TrimSpace(raw)
		if t == "" || t[0] == '#' {
			continue
		}
		if bad := firstNonPrintable(t); bad >= 0 {
			fail(n, "byte %#02x at column %d: only printable ASCII", t[bad], strings.Index(raw, t)+bad+1)
			continue
		}
		if raw[0] == ' ' || raw[0] == '\t' {
			if len(stmts) == 0 {
				fail(n, "continuation line (it starts with a space) before any statement")
				continue
			}
			last := &stmts[len(stmts)-1]
			if last.Pair {
				fail(n, "continuation line (it starts with a space) after a question|ANSWER line")
				continue
			}
			last.Body = append(last.Body, splitList(t)...)
			continue
		}
		k := strings.IndexByte(t, ':')
		if bar := strings.IndexByte(t, '|'); bar >= 0 && (k < 0 || bar < k) {
			q, a := strings.TrimSpace(t[:bar]), strings.TrimSpace(t[bar+1:])
			stmts = append(stmts, Statement{Body: []string{q, a}, Source: Source{File: name, Line: n}, Pair: true})
			continue
		}
		if k < 0 {
			fail(n, "no ':' (want \"KIND ANSWER: item | item\", \"template KIND: pattern | pattern\", \"secret: NAME\" or \"gibberish ANSWER: N\")")
			continue
		}
		stmts = append(stmts, Statement{
			Head:   strings.Join(strings.Fields(t[:k]), " "),
			Body:   splitList(t[k+1:]),
			Source: Source{File: name, Line: n},
		})
	}
	if err := sc.Err(); err != nil {
		fail(n+1, "%v", err)
	}
	return stmts, errs
}

// New returns an empty Knowledge, ready for Setting and Fact.
func New() *Knowledge {
	return &Knowledge{Templates: map[string]*Template{}, Phrasings: map[string]int{}, KindPhrasings: map[string]int{}, First: map[string]int{},
		Typos: map[string]int{}, Wraps: map[string]int{}, Swaps: map[string][]string{}, SwapCopies: map[string]int{}, Marks: map[string]int{}}
}

// Parse reads a knowledge file. All problems are returned, each an error
// starting with "name:line: ".
func Parse(r io.Reader, name string) (*Knowledge, []error) {
	stmts, errs := Statements(r, name)
	kn := New()
	var facts []Statement
	for _, s := range stmts {
		if s.Pair {
			errs = append(errs, s.Errorf("a question|ANSWER line: a knowledge file asks through templates (\"template q: {} | {}?\" and \"q ANSWER: question\")"))
			continue
		}
		ok, err := kn.Setting(s)
		if err != nil {
			errs = append(errs, err...)
		}
		if !ok {
			facts = append(facts, s) // templates may be defined anywhere in the file
		}
	}
	for _, s := range facts {
		words := s.Words()
		if len(words) == 0 || len(s.Body) == 0 {
			errs = append(errs, s.Errorf("%s", map[bool]string{true: "nothing before ':'", false: "nothing after ':'"}[len(words) == 0]))
			continue
		}
		if len(words) < 2 {
			if t := kn.Templates[words[0]]; t == nil || len(t.Patterns)+len(t.Inverted) == 0 {
				errs = append(errs, s.Errorf("unknown kind %q (no \"template %s:\" line)", words[0], words[0]))
			} else {
				errs = append(errs, s.Errorf("no answer: want \"%s ANSWER: item | item\"", words[0]))
			}
			continue
		}
		f, err := kn.Fact(words[0], strings.Join(words[1:], " "), s.Body, s.Source)
		if err != nil {
			errs = append(errs, err...)
			continue
		}
		kn.Facts = append(kn.Facts, f)
	}
	return kn, errs
}

// Setting applies a statement that is not a fact: secret, template, invert,
// gibberish, slips, wrap, phrasings, typos, wraps. It reports false for a
// statement it does not know (a fact, or a caller's own kind of line).
func (kn *Knowledge) Setting(s Statement) (bool, []error) {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, s.Errorf(format, args...)) }
	words := s.Words()
	if len(words) == 0 || !reserved[words[0]] {
		return false, nil
	}
	if len(s.Body) == 0 {
		fail("nothing after ':'")
		return true, errs
	}
	switch words[0] {
	case "secret":
		if len(words) != 1 || len(s.Body) != 1 {
			fail("want \"secret: NAME\"")
			break
		}
		if kn.Secret != "" {
			fail("a second secret (the first is %q)", kn.Secret)
			break
		}
		kn.Secret = s.Body[0]
	case "template", "invert":
		if len(words) != 2 {
			fail("want \"%s KIND: pattern | pattern\"", words[0])
			break
		}
		kind := words[1]
		if reserved[kind] {
			fail("%q is a reserved word, not a kind", kind)
			break
		}
		t := kn.Templates[kind]
		if t == nil {
			t = &Template{Kind: kind}
			kn.Templates[kind] = t
		}
		for _, p := range s.Body {
			if err := checkPattern(p); err != nil {
				fail("pattern %q: %v", p, err)
				continue
			}
			src := Source{Text: p, File: s.File, Line: s.Line}
			if words[0] == "template" {
				t.Patterns = append(t.Patterns, src)
			} else {
				t.Inverted = append(t.Inverted, src)
			}
		}
	case "gibberish":
		ans := strings.TrimSpace(strings.TrimPrefix(s.Head, "gibberish"))
		if err := checkAnswer(ans); err != nil {
			fail("%v", err)
			break
		}
		cnt, err := strconv.Atoi(strings.Join(s.Body, ""))
		if err != nil || cnt < 0 || cnt > 1000000 || len(s.Body) != 1 {
			fail("want \"gibberish ANSWER: N\" with N a count 0..1000000, got %q", strings.Join(s.Body, " | "))
			break
		}
		kn.Gibberish = append(kn.Gibberish, Gibberish{Answer: ans, N: cnt, Source: s.Source})
	case "slips":
		switch b := strings.Join(s.Body, " "); {
		case len(words) != 1 || (b != "items" && b != "anywhere"):
			fail("want \"slips: items\" or \"slips: anywhere\"")
		default:
			kn.SlipItems = b == "items"
		}
	case "wrap":
		if len(words) != 2 || (words[1] != "before" && words[1] != "after") {
			fail("want \"wrap before: word | word\" or \"wrap after: word | word\"")
			break
		}
		for _, w := range s.Body {
			if strings.ContainsAny(w, "[]{}") {
				fail("filler %q: no brackets or placeholders here", w)
			}
		}
		if words[1] == "before" {
			kn.WrapBefore = append(kn.WrapBefore, s.Body...)
		} else {
			kn.WrapAfter = append(kn.WrapAfter, s.Body...)
		}
	case "swap":
		if len(words) != 2 || strings.ContainsAny(words[1], "[]{}") {
			fail("want \"swap WORD: alternative | alternative\"")
			break
		}
		if _, dup := kn.Swaps[words[1]]; dup {
			fail("swap %q given twice", words[1])
			break
		}
		for _, w := range s.Body {
			if strings.ContainsAny(w, "[]{}") {
				fail("alternative %q: no brackets or placeholders here", w)
			}
		}
		kn.Swaps[words[1]] = s.Body
		kn.SwapWords = append(kn.SwapWords, words[1])
	case "phrasings", "first", "typos", "wraps", "swaps", "marks":
		ans := strings.TrimSpace(strings.TrimPrefix(s.Head, words[0]))
		m := map[string]map[string]int{"phrasings": kn.Phrasings, "first": kn.First, "typos": kn.Typos, "wraps": kn.Wraps, "swaps": kn.SwapCopies, "marks": kn.Marks}[words[0]]
		if words[0] == "phrasings" && len(words) == 2 && strings.ToUpper(ans) != ans {
			m = kn.KindPhrasings // lower case: a kind, not an answer
		} else if ans != "" {
			if err := checkAnswer(ans); err != nil {
				fail("%v", err)
				break
			}
		}
		body := strings.Join(s.Body, " ")
		cnt, err := strconv.Atoi(body)
		if words[0] == "phrasings" && body == "all" {
			cnt, err = 0, nil
		}
		if err != nil || cnt < 0 || cnt > 1000 || len(s.Body) != 1 {
			fail("want \"%s [ANSWER]: N\" with N in 0..1000%s, got %q", words[0],
				map[bool]string{true: " or all", false: ""}[words[0] == "phrasings"], body)
			break
		}
		if _, dup := m[ans]; dup {
			fail("%s for %q given twice", words[0], ans)
			break
		}
		m[ans] = cnt
	}
	return true, errs
}

// Fact checks a fact: items of a known kind answered ans. Its errors name
// src. The fact is not added to kn.Facts: callers decide the order.
func (kn *Knowledge) Fact(kind, ans string, items []string, src Source) (Fact, []error) {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", src.Where(), fmt.Sprintf(format, args...)))
	}
	t := kn.Templates[kind]
	if t == nil || len(t.Patterns)+len(t.Inverted) == 0 {
		fail("unknown kind %q (no \"template %s:\" line)", kind, kind)
		return Fact{}, errs
	}
	if err := checkAnswer(ans); err != nil {
		fail("%v", err)
		return Fact{}, errs
	}
	if len(t.Inverted) > 0 && Invert(ans) == "" {
		fail("answer %q of kind %q cannot be inverted (kind %q has invert patterns at %s); use YES, NO or MAYBE",
			ans, kind, kind, t.Inverted[0].Where())
		return Fact{}, errs
	}
	f := Fact{Kind: kind, Answer: ans, Source: src}
	for _, it := range items {
		if err := checkItem(it); err != nil {
			fail("item %q: %v", it, err)
			continue
		}
		f.Items = append(f.Items, it)
	}
	return f, errs
}

// splitList splits a body at '|' and drops empty entries (a leading '|' on a
// continuation line is allowed).
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		p = strings.Join(strings.Fields(p), " ")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func firstNonPrintable(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return i
		}
	}
	return -1
}

// checkAnswer applies model.ParsePairs' rules for a response, plus upper
// case so that the knowledge file reads like the replies the program prints.
func checkAnswer(a string) error {
	switch {
	case a == "":
		return fmt.Errorf("empty answer")
	case len(a) > 50:
		return fmt.Errorf("answer %q is %d characters, at most 50", a, len(a))
	case strings.ContainsAny(a, "$"):
		return fmt.Errorf("answer %q contains '$' (the Z80 program cannot print it)", a)
	case strings.ToUpper(a) != a:
		return fmt.Errorf("answer %q is not upper case", a)
	}
	return nil
}

// checkPattern checks brackets and placeholders of a pattern.
func checkPattern(p string) error {
	if err := checkBrackets(p); err != nil {
		return err
	}
	holes := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '}' {
			return fmt.Errorf("'}' without '{' at column %d", i+1)
		}
		if p[i] != '{' {
			continue
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return fmt.Errorf("'{' at column %d is not closed", i+1)
		}
		switch p[i : i+j+1] {
		case "{}", "{a}", "{s}":
			holes++
		default:
			return fmt.Errorf("unknown placeholder %s (want {}, {a} or {s})", p[i:i+j+1])
		}
		i += j
	}
	if holes != 1 {
		return fmt.Errorf("%d placeholders: want exactly one of {}, {a}, {s}", holes)
	}
	if n := countExpansions(p); n > maxExpansions {
		return fmt.Errorf("expands to %d phrasings, at most %d", n, maxExpansions)
	}
	return nil
}

func checkItem(it string) error {
	if strings.ContainsAny(it, "{}") {
		return fmt.Errorf("items cannot hold '{' or '}'")
	}
	if err := checkBrackets(it); err != nil {
		return err
	}
	if n := countExpansions(it); n > maxExpansions {
		return fmt.Errorf("expands to %d phrasings, at most %d", n, maxExpansions)
	}
	return nil
}

func checkBrackets(s string) error {
	open := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			if open >= 0 {
				return fmt.Errorf("'[' at column %d inside the '[' at column %d: brackets do not nest", i+1, open+1)
			}
			open = i
		case ']':
			if open < 0 {
				return fmt.Errorf("']' at column %d without '['", i+1)
			}
			open = -1
		}
	}
	if open >= 0 {
		return fmt.Errorf("'[' at column %d is not closed", open+1)
	}
	return nil
}

// Questions returns every question a fact of kind asks about item (all
// phrasings, bracket alternatives resolved): the straight ones, answered as
// the fact says, and the inverted ones, answered the other way round.
func (kn *Knowledge) Questions(kind, item string) (straight, inverted []string) {
	t := kn.Templates[kind]
	if t == nil {
		return nil, nil
	}
	ask := func(srcs []Source) []string {
		var out []string
		for _, it := range Expand(item) {
			for _, p := range srcs {
				for _, pat := range Expand(p.Text) {
					out = append(out, normalize(fill(pat, it)))
				}
			}
		}
		return out
	}
	return ask(t.Patterns), ask(t.Inverted)
}

// Invert swaps YES and NO; MAYBE stays; anything else cannot be inverted
// ("" is returned).
func Invert(ans string) string {
	switch ans {
	case "YES":
		return "NO"
	case "NO":
		return "YES"
	case "MAYBE":
		return "MAYBE"
	}
	return ""
}
