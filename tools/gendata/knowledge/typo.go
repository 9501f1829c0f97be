package knowledge

import "math/rand/v2"

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
