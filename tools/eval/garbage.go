package main

import (
	"math/rand/v2"
	"strings"
)

// Adversarial inputs (docs/DESIGN.md, section 7): what people and cats
// type that no knowledge file foresees. CHAT must answer each with one of
// its known replies; these lines measure how often it does not.

// garbageKinds name the kinds of generated input, in the order Garbage
// cycles through them.
var garbageKinds = []string{"mash", "ascii", "punctuation", "long", "foreign", "salad", "numbers", "wrapped", "repeats", "case"}

// foreign are things people type in other languages (ASCII, as a CP/M
// keyboard types them), written for this purpose.
var foreign = strings.Split("bonjour comment ca va|je ne sais pas|ou est la gare|merci beaucoup|quelle heure est il|"+
	"je suis fatigue|parlez vous anglais|au revoir mon ami|qu'est-ce que c'est|il fait beau aujourd'hui|"+
	"hola que tal|donde esta el bano|no entiendo nada|muchas gracias amigo|como te llamas|buenos dias senor|"+
	"me gusta la pizza|cuantos anos tienes|eres un robot|hasta luego|guten tag wie geht es|ich verstehe nicht|"+
	"wo ist der bahnhof|danke schon|wie heisst du|bist du ein roboter|ich bin muede|das ist gut|auf wiedersehen|"+
	"sprechen sie englisch|ciao come stai|non capisco|grazie mille|dove sei|sei un robot|buona notte|"+
	"ola tudo bem|obrigado|voce e um robo|bom dia|hoe gaat het|dank je wel|ben jij een robot|goedemorgen|"+
	"veni vidi vici|carpe diem|cogito ergo sum|konnichiwa|arigatou gozaimasu|ni hao ma|xie xie|annyeong haseyo|"+
	"spasibo|privet kak dela|namaste|shalom|salaam aleikum|jambo|merhaba nasilsin|dzien dobry|hej hur mar du|"+
	"tak for mad|kiitos paljon|sawasdee krap|selamat pagi|xin chao|kak dela|tere hommikust|jo napot|dobar dan", "|")

const punctuation = "?!.,;:-_*#@&%$()[]{}<>/\\|'\"~^`+="

// Garbage returns n generated inputs, the same for the same seed: keyboard
// mashing, random printable characters, punctuation runs, lines longer than
// the input buffer (up to 240 characters), other languages, salads of the
// words people use (vocab), numbers, known questions (asks) buried in
// noise, repeated characters, odd case and spacing. None is empty or
// starts with '!' (chat mode quits on it), and none holds a control
// character but TAB.
func Garbage(seed uint64, n int, vocab, asks []string) []string {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	word := func() string { return vocab[rng.IntN(len(vocab))] }
	mash := func(letters int) string {
		b := make([]byte, letters)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	printable := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte(0x20 + rng.IntN(0x5f))
		}
		return string(b)
	}
	out := make([]string, 0, n)
	for len(out) < n {
		var s string
		switch garbageKinds[len(out)%len(garbageKinds)] {
		case "mash":
			var w []string
			for range 1 + rng.IntN(6) {
				w = append(w, mash(2+rng.IntN(11)))
			}
			s = strings.Join(w, " ")
		case "ascii":
			s = printable(1 + rng.IntN(80))
		case "punctuation":
			b := make([]byte, 1+rng.IntN(70))
			for i := range b {
				b[i] = punctuation[rng.IntN(len(punctuation))]
			}
			s = string(b)
		case "long": // past the 62-character buffer: the rest must not become more questions
			var b strings.Builder
			limit := 61 + rng.IntN(180)
			for b.Len() < limit {
				switch rng.IntN(3) {
				case 0:
					b.WriteString(word())
				case 1:
					b.WriteString(asks[rng.IntN(len(asks))])
				default:
					b.WriteString(mash(1 + rng.IntN(9)))
				}
				b.WriteByte(' ')
			}
			s = b.String()[:limit]
		case "foreign":
			s = foreign[rng.IntN(len(foreign))]
			if rng.IntN(3) == 0 {
				s += " " + word()
			}
			if rng.IntN(4) == 0 {
				s = foreign[rng.IntN(len(foreign))] + " " + s
			}
		case "salad":
			var w []string
			for range 2 + rng.IntN(7) {
				w = append(w, word())
			}
			s = strings.Join(w, " ")
		case "numbers":
			var b strings.Builder
			for range 1 + rng.IntN(5) {
				b.WriteString(strings.Repeat("0123456789"[rng.IntN(10):][:1], 1+rng.IntN(3)))
				for range rng.IntN(6) {
					b.WriteByte("0123456789"[rng.IntN(10)])
				}
				b.WriteByte(" +-*/=.,:x"[rng.IntN(10)])
			}
			s = b.String()
		case "wrapped":
			q := asks[rng.IntN(len(asks))]
			noise := []func() string{func() string { return mash(2 + rng.IntN(8)) }, func() string { return printable(1 + rng.IntN(8)) },
				func() string { return strings.Repeat("?!."[rng.IntN(3):][:1], 1+rng.IntN(8)) }}
			switch rng.IntN(3) {
			case 0:
				s = noise[rng.IntN(3)]() + " " + q
			case 1:
				s = q + " " + noise[rng.IntN(3)]()
			default:
				w := strings.Fields(q)
				i := rng.IntN(len(w) + 1)
				s = strings.Join(append(append(append([]string{}, w[:i]...), noise[rng.IntN(3)]()), w[i:]...), " ")
			}
		case "repeats":
			unit := printable(1 + rng.IntN(3))
			s = strings.Repeat(unit, 1+rng.IntN(40))
		case "case":
			q := []byte(asks[rng.IntN(len(asks))])
			var b []byte
			for _, c := range q {
				if c >= 'a' && c <= 'z' && rng.IntN(2) == 0 {
					c -= 'a' - 'A'
				}
				b = append(b, c)
				if c == ' ' {
					b = append(b, strings.Repeat(" \t"[rng.IntN(2):][:1], rng.IntN(4))...)
				}
			}
			s = strings.Repeat(" ", rng.IntN(3)) + string(b) + strings.Repeat(" ", rng.IntN(3))
		}
		if t := strings.TrimLeft(s, " \t"); t == "" || t[0] == '!' {
			continue
		}
		out = append(out, s)
	}
	return out
}
