package knowledge

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestMakesWord(t *testing.T) {
	vocab := map[string]bool{"are": true, "you": true, "a": true, "bot": true, "boy": true, "cat": true, "car": true}
	for _, c := range []struct {
		s, slipped string
		want       bool
	}{
		{"are you a bot", "are you a boy", true},
		{"are you a bot?", "are you a boy?", true},
		{"are you a bot", "are you a bto", false},
		{"are you a bot", "are you bot", false}, // a one-letter word dropped
		{"is it a cat", "is it a car", true},
		{"is it a cat", "is it a caat", false},
	} {
		if got := makesWord(vocab, c.s, c.slipped); got != c.want {
			t.Errorf("makesWord(%q, %q) = %v, want %v", c.s, c.slipped, got, c.want)
		}
	}
	// slipIn gives up (returns s) when every slip makes a word.
	if got := slipIn(rand.New(rand.NewPCG(1, 2)), map[string]bool{"ab": true, "ba": true, "a": true, "b": true, "abb": true, "aab": true, "bb": true}, "ab", 0, 2); got != "ab" {
		t.Errorf("slipIn of a phrase without 3 letters changed it: %q", got)
	}
}

// Many slips of questions one letter apart: none turns one question into
// the other (or into any question made of the file's words alone, except
// by dropping a one-letter word).
func TestSlipsMakeNoRealWords(t *testing.T) {
	text := "template you: are you {} | r u {} | so are you {}\ntypos: 30\n" +
		"you YES: a bot | a car | fat | old\nyou NO: a boy | a cat | fit | odd | bold\n"
	lines := generate(t, parse(t, text), Options{Seed: 3, Typos: -1, Patterns: -1})
	vocab := map[string]bool{}
	clean := map[string]bool{}
	slips := 0
	for _, l := range lines {
		if l.Origin == FromKnowledge {
			clean[l.Input] = true
			for _, w := range strings.Fields(l.Input) {
				vocab[w] = true
			}
		}
	}
	for _, l := range lines {
		if l.Origin != FromTypo {
			continue
		}
		slips++
		real := true
		for _, w := range strings.Fields(l.Input) {
			real = real && vocab[w]
		}
		if !real {
			continue
		}
		// Only a dropped one-letter word may leave real words: some clean
		// line with the same answer is this one plus "a", "r" or "u".
		ok := false
		for _, one := range []string{"a", "r", "u"} {
			w := strings.Fields(l.Input)
			for i := 0; i <= len(w) && !ok; i++ {
				v := append(append(append([]string{}, w[:i]...), one), w[i:]...)
				ok = clean[strings.Join(v, " ")]
			}
		}
		if !ok {
			t.Errorf("slip %q (%s) is made of the file's words", l.Input, l.Answer)
		}
	}
	if slips < 100 {
		t.Fatalf("only %d slips", slips)
	}
}
