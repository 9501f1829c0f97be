package knowledge

import (
	"strings"
	"testing"
)

// "phrasings KIND:" gives that kind's items every phrasing, whatever their
// answer's setting; other kinds keep the answer's.
func TestPhrasingsPerKind(t *testing.T) {
	text := "template core: are you {} | r u {} | so are you {} | are u {}\n" +
		"template thing: are you {} | r u {} | so are you {} | are u {}\n" +
		"phrasings: 1\nphrasings core: all\ncore YES: a robot\nthing YES: a program\ncore NO: a human\n"
	lines := generate(t, parse(t, text), Options{Seed: 2, Typos: 0, Wraps: 0, Patterns: -1})
	count := map[string]int{}
	for _, l := range lines {
		for _, it := range []string{"a robot", "a program", "a human"} {
			if strings.HasSuffix(l.Input, it) {
				count[it]++
			}
		}
	}
	if count["a robot"] != 4 || count["a human"] != 4 || count["a program"] != 1 {
		t.Errorf("phrasings per item: %v, want 4 for the core kind's items and 1 for the others", count)
	}
	// An answer of digits is an answer, not a kind.
	kn := parse(t, "phrasings 80: 2\nphrasings thing: 3\n")
	if kn.Phrasings["80"] != 2 || kn.KindPhrasings["thing"] != 3 || len(kn.KindPhrasings) != 1 {
		t.Errorf("answer settings %v, kind settings %v", kn.Phrasings, kn.KindPhrasings)
	}
}
