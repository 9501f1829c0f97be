package knowledge

import (
	"reflect"
	"strings"
	"testing"
)

func TestOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"bot", "boy", true}, {"cat", "car", true}, {"eat", "ear", true}, {"bot", "bto", true},
		{"bot", "boat", true}, {"boat", "bot", true}, {"a", "an", true}, {"", "a", true},
		{"bot", "bot", false}, {"eat", "eye", false}, {"bot", "tob", false}, {"robot", "rboto", false},
		{"ab", "ba", true}, {"abc", "bca", false}, {"cat", "cats!", false},
	} {
		if got := OneEdit(c.a, c.b); got != c.want {
			t.Errorf("OneEdit(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestNeighbourWords(t *testing.T) {
	vocab := map[string]bool{"bot": true, "boy": true, "cat": true, "car": true, "cart": true, "robot": true, "eye": true, "eat": true}
	got := NeighbourWords(vocab)
	// cart/cat: "cart" less its r is "cat"; robot and eye have none.
	if !reflect.DeepEqual(got, [][2]string{{"bot", "boy"}, {"car", "cart"}, {"car", "cat"}, {"cart", "cat"}, {"cat", "eat"}}) {
		t.Errorf("NeighbourWords = %q", got)
	}
}

// Questions one letter apart with different answers are found and both
// emitted in every phrasing, though "phrasings: 1" samples the others away.
func TestContrastsEmitted(t *testing.T) {
	text := "template you: are you {} | r u {} | so are you {} | are u {}\nphrasings: 1\n" +
		"you YES: a bot | old\nyou NO: a boy | a cat\n"
	lines, st, errs := Generate(parse(t, text), Options{Seed: 5, Typos: 0, Wraps: 0, Patterns: -1})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := map[string]string{}
	for _, l := range lines {
		got[l.Input] = l.Answer
	}
	for _, p := range []string{"are you %s", "r u %s", "so are you %s", "are u %s"} {
		for w, ans := range map[string]string{"a bot": "YES", "a boy": "NO"} {
			q := strings.Replace(p, "%s", w, 1)
			if got[q] != ans {
				t.Errorf("%q: %q, want %s", q, got[q], ans)
			}
		}
	}
	n := 0
	for _, l := range lines {
		if strings.HasSuffix(l.Input, " old") || strings.HasSuffix(l.Input, " cat") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d lines of old and cat, want 1 phrasing each (no contrast)", n)
	}
	if len(st.Contrasts) != 4 {
		t.Fatalf("%d contrasts, want 4: %+v", len(st.Contrasts), st.Contrasts)
	}
	if c := st.Contrasts[0]; c.WordA != "bot" || c.WordB != "boy" || c.AnsA != "YES" || c.AnsB != "NO" {
		t.Errorf("first contrast %+v", c)
	}
}
