package secret

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"z80ulm/model"
	"z80ulm/tools/gendata/knowledge"
)

// Sheet is one secret: what wins, what it is, and its answers.
type Sheet struct {
	Secret   string // display name, upper case: the model file is SECRET.MDL
	Category string // animal, object, food, nature, ...
	// Names win when guessed through the bank's "guess" template, Plural
	// through "plural"; Misspelled win too but are not the secret's names
	// (they are not written into the model's metadata).
	Names, Plural, Misspelled []string
	Answers                   map[string]Answer  // attribute name -> its answer
	Measures                  map[string]Measure // scale name -> the secret's value
	Facts                     []knowledge.Fact   // "KIND ANSWER: items" through the bank's templates
	Free                      []knowledge.Fact   // "question|ANSWER", asked through the bank's "q"
	File                      string
	nameFacts, missFacts      []knowledge.Fact // names and plurals, misspellings: WIN facts
}

// Answer is a sheet's answer to one attribute, and where it is written.
type Answer struct {
	Answer string // YES, NO or MAYBE
	knowledge.Source
}

// Measure is a sheet's value on one of the bank's scales ("size: 0.5").
type Measure struct {
	Value float64
	knowledge.Source
}

// replies are GUESS's answers.
var replies = map[string]bool{"YES": true, "NO": true, "MAYBE": true, "WIN": true}

// MaxSecret is the longest display name: NAME.MDL must be a CP/M file name.
const MaxSecret = 8

// ParseSheet reads a secret sheet against the bank. Every problem is
// returned, each an error starting with "name:line: ".
func ParseSheet(r io.Reader, name string, b *Bank) (*Sheet, []error) {
	stmts, errs := knowledge.Statements(r, name)
	sh := &Sheet{Answers: map[string]Answer{}, Measures: map[string]Measure{}, File: name}
	kn := b.Knowledge
	seen := map[string]knowledge.Source{} // one-word keys given once
	var secretAt knowledge.Source
	for _, s := range stmts {
		fail := func(format string, args ...any) { errs = append(errs, s.Errorf(format, args...)) }
		if s.Pair {
			q, a := s.Body[0], s.Body[1]
			if strings.IndexByte(a, '|') >= 0 {
				fail("more than one '|' (want \"question|ANSWER\")")
				continue
			}
			if q == "" {
				fail("no question before '|'")
				continue
			}
			if !replies[a] {
				fail("answer %q, want YES, NO, MAYBE or WIN", a)
				continue
			}
			f, e := kn.Fact(kindFree, a, []string{q}, s.Source)
			if len(e) > 0 {
				errs = append(errs, e...)
				continue
			}
			sh.Free = append(sh.Free, f)
			continue
		}
		words := s.Words()
		if len(words) == 0 || len(s.Body) == 0 {
			fail("%s", map[bool]string{true: "nothing before ':'", false: "nothing after ':'"}[len(words) == 0])
			continue
		}
		if key := words[0]; len(words) == 1 && !replies[key] {
			if prev, dup := seen[key]; dup {
				fail("%q again (first at %s)", key, prev.Where())
				continue
			}
			seen[key] = s.Source
		}
		switch key := words[0]; {
		case len(words) > 1:
			if ans := strings.Join(words[1:], " "); !replies[ans] {
				fail("answer %q, want YES, NO, MAYBE or WIN", ans)
				continue
			}
			f, e := kn.Fact(key, strings.Join(words[1:], " "), s.Body, s.Source)
			if len(e) > 0 {
				errs = append(errs, e...)
				continue
			}
			sh.Facts = append(sh.Facts, f)
		case key == "secret":
			if len(s.Body) != 1 {
				fail("want \"secret: NAME\"")
				continue
			}
			if err := checkSecret(s.Body[0]); err != nil {
				fail("secret %q: %v", s.Body[0], err)
				continue
			}
			sh.Secret, secretAt = s.Body[0], s.Source
		case key == "category":
			if len(s.Body) != 1 || checkName(s.Body[0]) != nil {
				fail("want \"category: word\" in lower case (animal, object, food, nature, ...)")
				continue
			}
			sh.Category = s.Body[0]
		case key == "names" || key == "plural" || key == "misspelled":
			kind := map[bool]string{true: kindPlural, false: kindGuess}[key == "plural"]
			f, e := kn.Fact(kind, "WIN", s.Body, s.Source)
			if len(e) > 0 {
				errs = append(errs, e...)
				continue
			}
			for _, it := range f.Items {
				if strings.ToLower(it) != it {
					fail("%s %q: write names in lower case", key, it)
				}
			}
			if key == "misspelled" {
				sh.missFacts = append(sh.missFacts, f)
			} else {
				sh.nameFacts = append(sh.nameFacts, f)
			}
			switch key {
			case "names":
				sh.Names = f.Items
			case "plural":
				sh.Plural = f.Items
			default:
				sh.Misspelled = f.Items
			}
		case b.scaleNamed(key) != nil:
			v, ok := measure(strings.Join(s.Body, " "))
			if !ok || len(s.Body) != 1 {
				fail("%s: want a number above 0 (the bank's scale %q says its unit)", key, key)
				continue
			}
			sh.Measures[key] = Measure{Value: v, Source: s.Source}
		case key == "YES" || key == "NO" || key == "MAYBE":
			for _, name := range s.Body {
				if b.byName[name] == nil {
					fail("%q is not an attribute of the bank%s", name, suggest(b, name))
					continue
				}
				if prev, dup := sh.Answers[name]; dup {
					fail("attribute %q is answered %s here and %s at %s", name, key, prev.Answer, prev.Where())
					continue
				}
				sh.Answers[name] = Answer{Answer: key, Source: s.Source}
			}
		default:
			fail("%q: want secret, category, names, plural, misspelled, YES, NO, MAYBE (attributes), a scale, \"KIND ANSWER: items\" or \"question|ANSWER\"", key)
		}
	}
	where := fmt.Sprintf("%s:1", name)
	if secretAt.File != "" {
		where = secretAt.Where()
	}
	if sh.Secret == "" {
		errs = append(errs, fmt.Errorf("%s: no \"secret: NAME\" line", where))
	}
	if sh.Category == "" {
		errs = append(errs, fmt.Errorf("%s: no \"category: word\" line", where))
	}
	if len(sh.Names) == 0 {
		errs = append(errs, fmt.Errorf("%s: no \"names: name | name\" line (the words that win)", where))
	}
	var missing []string
	for _, a := range b.Attributes {
		if _, ok := sh.Answers[a.Name]; !ok {
			missing = append(missing, a.Name)
		}
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("%s: no answer to %d attribute(s) of the bank: %s (list each under YES:, NO: or MAYBE:)",
			where, len(missing), strings.Join(missing, ", ")))
	}
	return sh, errs
}

// checkSecret accepts a display name that is also a CP/M file name.
func checkSecret(s string) error {
	if len(s) == 0 || len(s) > MaxSecret {
		return fmt.Errorf("1 to %d characters (the model file is NAME.MDL on a CP/M disk)", MaxSecret)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("only upper-case letters and digits (the model file is NAME.MDL on a CP/M disk)")
		}
	}
	return nil
}

// suggest names the attribute closest to a misspelt key, if one is close.
func suggest(b *Bank, key string) string {
	best, bestD := "", 3
	for _, a := range b.Attributes {
		if d := editDistance(key, a.Name); d < bestD {
			best, bestD = a.Name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance counts the single-byte insertions, deletions and
// replacements that turn a into b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// mdlNames is the room an .MDL file's header has for the secret's strings:
// display name '$', phrase '$', each name and a 0, a final 0 (docs/DESIGN.md,
// section 4: the .MDL file). GUESS uses the names only to say "IT IS NOT A
// PENGUIN" when a line names another secret; the model learns all of them.
const mdlNames = 112

// NameList is what the trainer writes into the model's metadata as the
// names that win: the first name, its article form, then the other names
// and plurals (brackets resolved) while they fit an .MDL header, lower
// case, in the sheet's order (the article form last), '|'-separated.
func (sh *Sheet) NameList() string {
	var all []string
	seen := map[string]bool{}
	for _, list := range [][]string{sh.Names, sh.Plural} {
		for _, n := range list {
			for _, e := range knowledge.Expand(n) {
				if !seen[e] {
					seen[e] = true
					all = append(all, e)
				}
			}
		}
	}
	if len(all) == 0 {
		return ""
	}
	first := knowledge.Expand(sh.Names[0])[0]
	phrase := knowledge.Article(first) + " " + first
	// display '$' phrase '$', the final 0, and the first name and the
	// phrase as names: always there.
	used := len(sh.Secret) + 1 + len(phrase) + 1 + 1 + len(first) + 1 + len(phrase) + 1
	var out []string
	for _, n := range all {
		switch {
		case n == phrase:
		case n == first:
			out = append(out, n)
		case used+len(n)+1 <= mdlNames:
			out = append(out, n)
			used += len(n) + 1
		}
	}
	return strings.Join(append(out, phrase), "|")
}

// Load reads the bank and every sheet in dir (*.txt, in name order) from
// fsys, and refuses two sheets with one secret. Paths are fsys's (slash
// separated); errors name them.
func Load(fsys fs.FS, bankPath, dir string) (*Bank, []*Sheet, error) {
	f, err := fsys.Open(bankPath)
	if err != nil {
		return nil, nil, err
	}
	bank, errs := ParseBank(f, bankPath)
	f.Close()
	if len(errs) > 0 {
		return nil, nil, model.JoinProblems(errs)
	}
	paths, err := fs.Glob(fsys, path.Join(dir, "*.txt"))
	if err != nil {
		return nil, nil, err
	}
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("%s: no sheets (*.txt)", dir)
	}
	var sheets []*Sheet
	bySecret := map[string]string{}
	for _, p := range paths {
		f, err := fsys.Open(p)
		if err != nil {
			return nil, nil, err
		}
		sh, e := ParseSheet(f, p, bank)
		f.Close()
		errs = append(errs, e...)
		if prev, dup := bySecret[sh.Secret]; dup && sh.Secret != "" {
			errs = append(errs, fmt.Errorf("%s:1: secret %s again (also %s)", p, sh.Secret, prev))
		}
		bySecret[sh.Secret] = p
		sheets = append(sheets, sh)
	}
	if len(errs) > 0 {
		return nil, nil, model.JoinProblems(errs)
	}
	return bank, sheets, nil
}
