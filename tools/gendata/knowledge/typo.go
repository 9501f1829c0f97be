package knowledge

import (
	"math/rand/v2"
	"strings"
)

// typos adds slipped copies of every clean line. A slip never turns a word
// into another word the knowledge file uses ("bot" may become "bto" but
// never "boy", "cat" never "car"): such a line would teach the model that
// two different questions have the same answer (docs/DESIGN.md, section
// 7). A slip that equals a clean input is skipped; a slip that two answers
// both produced is dropped.
func (g *generator) typos() {
	vocab := g.vocabulary()
	n := len(g.lines)
	for k := 0; k < n; k++ {
		src := g.lines[k]
		if src.hidden || src.Origin == FromWrap || src.Origin == FromSwap || src.Origin == FromMark {
			continue // wrapped lines are variety enough; slips would double them
		}
		for t := g.setting(g.kn.Typos, src.Answer, g.opt.Typos); t > 0; t-- {
			from, to := 0, len(src.Input)
			if g.kn.SlipItems && src.item[1] > 0 && g.rng.IntN(4) != 0 {
				from, to = src.item[0], src.item[1]
			}
			in := normalize(slipIn(g.rng, vocab, src.Input, from, to)) // a dropped one-letter word leaves a stray space
			if in == src.Input {
				continue
			}
			if i, ok := g.index[in]; ok {
				if l := &g.lines[i]; l.Origin == FromTypo && l.Answer != src.Answer && !l.hidden {
					l.hidden = true
					g.st.DroppedAmbiguous++
				}
				continue
			}
			g.add(Line{Input: in, Answer: src.Answer, Origin: FromTypo, Src: src.Src})
		}
	}
}

// vocabulary is every word of the lines made so far (the knowledge file's
// facts under their patterns, shown or not, its fillers and paraphrases):
// the words a slip must not produce.
func (g *generator) vocabulary() map[string]bool {
	v := map[string]bool{}
	for _, l := range g.lines {
		for _, w := range strings.Fields(l.Input) {
			v[trimPunct(w)] = true
		}
	}
	return v
}

// slipTries bounds the draws slipIn makes before it gives up on a phrase
// whose every slip makes a real word (then no slip is made).
const slipTries = 16

// slipIn is typoIn whose slip makes no word of vocab out of another word:
// it draws again, and returns s itself when every draw made one.
func slipIn(rng *rand.Rand, vocab map[string]bool, s string, from, to int) string {
	for try := 0; try < slipTries; try++ {
		t := typoIn(rng, s, from, to)
		if !makesWord(vocab, s, t) {
			return t
		}
	}
	return s
}

// makesWord reports whether slipped, a slip of s, holds a word of vocab
// where s held another word. A slip touches one letter, so the two have
// the same words but one, or one word fewer (a one-letter word dropped).
func makesWord(vocab map[string]bool, s, slipped string) bool {
	a, b := strings.Fields(s), strings.Fields(slipped)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && vocab[trimPunct(b[i])] {
			return true
		}
	}
	return false
}

// trimPunct drops the punctuation a word carries at its end ("robot?").
func trimPunct(w string) string { return strings.TrimRight(w, "?!.,") }

// The typing slips players make, each on one letter of the phrase.
const (
	typoDrop   = iota // "trunk" -> "trnk"
	typoDouble        // "trunk" -> "truunk"
	typoSwap          // "trunk" -> "turnk" (two neighbouring letters)
	typoNear          // "trunk" -> "trunl" (a key next to the right one)
	typoKinds
)

// typo returns s with one slip at a random letter, or s itself when it has
// too few letters to slip on. Only letters are touched: punctuation and
// spaces carry little of the meaning, and dropping a space merges words in
// a way the trigram encoder already sees from the other slips.
func typo(rng *rand.Rand, s string) string { return typoIn(rng, s, 0, len(s)) }

// typoIn is typo with the slip on a letter of s[from:to] when that part has
// at least 3 letters (else anywhere).
func typoIn(rng *rand.Rand, s string, from, to int) string {
	var letters []int
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' && i >= from && i < to {
			letters = append(letters, i)
		}
	}
	if len(letters) < 3 && (from > 0 || to < len(s)) {
		return typoIn(rng, s, 0, len(s))
	}
	if len(letters) < 3 {
		return s
	}
	i := letters[rng.IntN(len(letters))]
	b := []byte(s)
	switch rng.IntN(typoKinds) {
	case typoDrop:
		return string(append(b[:i:i], b[i+1:]...))
	case typoDouble:
		return string(b[:i+1]) + string(b[i:])
	case typoNear:
		near := keyNeighbours[b[i]-'a']
		b[i] = near[rng.IntN(len(near))]
		return string(b)
	default: // swap with the next letter; at a word's end, with the one before
		j := i + 1
		if j >= len(b) || b[j] < 'a' || b[j] > 'z' {
			j = i - 1
		}
		if j < 0 || b[j] < 'a' || b[j] > 'z' || b[i] == b[j] {
			return string(append(b[:i:i], b[i+1:]...)) // nothing to swap: drop instead
		}
		b[i], b[j] = b[j], b[i]
		return string(b)
	}
}

// keyNeighbours lists, for a..z, the letters around it on a QWERTY keyboard.
var keyNeighbours = [26]string{
	"qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn", "jiolm", "kop",
	"njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx",
}

// gibberish returns a random string that looks like keyboard mashing: one
// to three "words" of 3 to 10 letters (a lone word at least 4, so that
// gibberish does not shadow short real words like "ok" or "yes"), each
// either random letters or a walk across neighbouring keys ("asdfg",
// "jkjkl"), as hands on a keyboard make.
func gibberish(rng *rand.Rand) string {
	words := 1 + rng.IntN(3)
	if rng.IntN(2) == 0 {
		words = 1
	}
	var b []byte
	for w := 0; w < words; w++ {
		if w > 0 {
			b = append(b, ' ')
		}
		n := 3 + rng.IntN(8)
		if words == 1 && n < 4 {
			n = 4
		}
		c := byte('a' + rng.IntN(26))
		walk := rng.IntN(2) == 0
		for k := 0; k < n; k++ {
			b = append(b, c)
			if walk {
				near := keyNeighbours[c-'a']
				c = near[rng.IntN(len(near))]
			} else {
				c = byte('a' + rng.IntN(26))
			}
		}
	}
	return string(b)
}
