package model

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Hashes worked out by hand from docs/DESIGN.md section 2:
//
//	" hi" = (32*31+104)*31+105            = 34081, 34081 % 128 = 33
//	"hi " = (104*31+105)*31+32            = 103231 -> 37695 (16 bits), % 128 = 63
//	"zz~" = (122*31+122)*31+126           = 121150 -> 55614 (16 bits), % 128 = 62
func TestQueryCountsByHand(t *testing.T) {
	cases := []struct {
		q    string
		want map[int]int
	}{
		{"hi", map[int]int{33: 1, 63: 1}},
		{"HI", map[int]int{33: 1, 63: 1}},         // case-insensitive
		{"   hi", map[int]int{33: 1, 63: 1}},      // leading spaces skipped
		{"zz~", map[int]int{96: 1, 62: 1, 92: 1}}, // " zz", "zz~" (wraps), "z~ "
		{"", map[int]int{}},                       // "  " has no trigram
		{"a", map[int]int{127: 1}},                // " a " = (32*31+97)*31+32 = 33791
	}
	for _, c := range cases {
		counts := make([]int, 128)
		QueryCounts(c.q, 128, counts)
		for b, n := range counts {
			if n != c.want[b] {
				t.Errorf("QueryCounts(%q): bucket %d = %d, want %d", c.q, b, n, c.want[b])
			}
		}
	}
}

// The empty context is 8 spaces; after "A" it is 7 spaces and 'a', whose
// unigram at position 7 hashes to 7*7*31+97 = 1616, % 128 = 80, a bucket the
// empty context does not use. 21 n-grams in all (8+7+6).
func TestContextCountsByHand(t *testing.T) {
	empty := map[int]int{0: 1, 4: 2, 14: 1, 15: 1, 28: 1, 29: 1, 32: 2, 42: 1, 43: 1,
		54: 1, 57: 1, 71: 1, 82: 2, 85: 1, 93: 1, 99: 1, 107: 1, 121: 1}
	check := func(reply string, want map[int]int) {
		t.Helper()
		counts := make([]int, 128)
		ContextCounts(Context(reply), 128, counts)
		sum := 0
		for b, n := range counts {
			sum += n
			if n != want[b] {
				t.Errorf("context of %q: bucket %d = %d, want %d", reply, b, n, want[b])
			}
		}
		if sum != 21 {
			t.Errorf("context of %q: %d n-grams, want 21", reply, sum)
		}
	}
	check("", empty)
	counts := make([]int, 128)
	ContextCounts(Context("A"), 128, counts)
	if counts[80] != 1 {
		t.Errorf("context of \"A\": bucket 80 = %d, want 1", counts[80])
	}
	if w := Context("HELLO WORLD"); string(w[:]) != "lo world" {
		t.Errorf("Context keeps %q, want the last 8 lower-cased", w)
	}
	if w := Context("OK"); string(w[:]) != "      ok" {
		t.Errorf("Context pads %q, want right-aligned", w)
	}
}

func TestForwardWrapShiftRelu(t *testing.T) {
	// 32000+32000 = 64000 wraps to -1536 in 16 bits; >>2 = -384.
	l := Layer{In: 2, Out: 3, Shift: 2,
		W: []int8{1, 1, -2, 0, -1, 0},
		B: []int16{0, 3, -2}}
	x := []int16{32000, 32000}
	if got := l.forward(x, false); got[0] != -384 {
		t.Errorf("wrapped sum: got %d, want -384", got[0])
	}
	// -2*32000 = -64000 wraps to 1536; +3 = 1539; >>2 = 384.
	if got := l.forward(x, false); got[1] != 384 {
		t.Errorf("wrapped negative product: got %d, want 384", got[1])
	}
	// -32000-2 = -32002; >>2 rounds toward minus infinity: -8001 (not -8000).
	if got := l.forward(x, false); got[2] != -8001 {
		t.Errorf("arithmetic shift: got %d, want -8001", got[2])
	}
	if got := l.forward(x, true); got[0] != 0 || got[1] != 384 || got[2] != 0 {
		t.Errorf("ReLU: got %v, want [0 384 0]", got)
	}
	// -5 >> 2 = -2 (division would give -1).
	l1 := Layer{In: 1, Out: 1, Shift: 2, W: []int8{0}, B: []int16{-5}}
	if got := l1.forward([]int16{0}, false); got[0] != -2 {
		t.Errorf("-5>>2: got %d, want -2", got[0])
	}
}

func TestArgmaxFirstMax(t *testing.T) {
	for _, c := range []struct {
		v    []int16
		want int
	}{
		{[]int16{3, 5, 5, 1}, 1},
		{[]int16{-7, -7}, 0},
		{[]int16{-32768, -1, 0, 0}, 2},
		{[]int16{9}, 0},
	} {
		if got := Argmax(c.v); got != c.want {
			t.Errorf("Argmax(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

// oneLayer returns a model with no hidden layer: the output is directly a
// function of the inputs, so its replies can be reasoned about by hand.
func oneLayer(charset string) *Model {
	return New(charset, nil)
}

func TestGenerateStopsAtEOS(t *testing.T) {
	m := oneLayer("AB")
	m.Layers[0].B = []int16{10, 0, 0} // A first ...
	// ... until 'a' is in the last context slot (bucket 80): EOS gets 32>>2.
	m.Layers[0].W[2*m.Inputs()+m.QueryBuckets+80] = 1
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := m.Generate("anything"); got != "A" {
		t.Errorf("Generate = %q, want %q", got, "A")
	}
	m.Layers[0].B = []int16{0, 0, 4} // EOS at once (1 would shift to 0 and tie)
	if got := m.Generate("x"); got != "" {
		t.Errorf("Generate = %q, want empty", got)
	}
}

func TestGenerateStopsAtMaxReply(t *testing.T) {
	m := oneLayer("AB")
	m.Layers[0].B = []int16{0, 4, 0} // always B
	got := m.Generate("hello")
	if got != strings.Repeat("B", 50) {
		t.Errorf("Generate = %q (%d chars), want 50 B", got, len(got))
	}
	m.MaxReply = 7
	if got := m.Generate("hello"); got != "BBBBBBB" {
		t.Errorf("MaxReply 7: Generate = %q", got)
	}
}

func TestLeadingSpacesIgnored(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := Random(rng, " ABCDEFG", []int{32, 16}, 0.3)
	for _, q := range []string{"is it big", "Hello", "a"} {
		a, b := m.Input(q, ""), m.Input("    "+q, "")
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%q: input %d differs with leading spaces", q, i)
			}
		}
		if m.Generate(q) != m.Generate("   "+q) {
			t.Errorf("%q: reply differs with leading spaces", q)
		}
	}
}

// refGenerate is a second, deliberately plain reading of docs/DESIGN.md
// section 2
// (int arithmetic with explicit wrapping, division-free floor shift), so the
// package's inference is checked against an independent implementation.
func refGenerate(m *Model, query string) string {
	wrap := func(v int) int { // to int16 two's complement
		v &= 0xFFFF
		if v >= 0x8000 {
			v -= 0x10000
		}
		return v
	}
	floorShift := func(v int, s uint8) int {
		d := 1 << s
		q := v / d
		if v%d != 0 && v < 0 {
			q--
		}
		return q
	}
	q := strings.TrimLeft(query, " ")
	if len(q) > 62 { // the line buffer of the programs' chat mode
		q = q[:62]
	}
	q = " " + strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 32
		}
		return r
	}, q) + " "
	reply := ""
	for len(reply) < m.MaxReply {
		x := make([]int, m.Inputs())
		for i := 0; i+3 <= len(q); i++ {
			h := 0
			for j := i; j < i+3; j++ {
				h = (h*31 + int(q[j])) & 0xFFFF
			}
			x[h%m.QueryBuckets] += int(m.InputScale)
		}
		ctx := strings.Repeat(" ", 8) + strings.ToLower(reply)
		ctx = ctx[len(ctx)-8:]
		for n := 1; n <= 3; n++ {
			for i := 0; i <= 8-n; i++ {
				h := i * 7
				for j := i; j < i+n; j++ {
					h = (h*31 + int(ctx[j])) & 0xFFFF
				}
				x[m.QueryBuckets+h%m.ContextBuckets] += int(m.InputScale)
			}
		}
		for i := range x {
			x[i] = wrap(x[i])
		}
		for li, l := range m.Layers {
			y := make([]int, l.Out)
			for o := range y {
				acc := int(l.B[o])
				for i := 0; i < l.In; i++ {
					acc = wrap(acc + int(l.W[o*l.In+i])*x[i])
				}
				acc = floorShift(acc, l.Shift)
				if li < len(m.Layers)-1 && acc < 0 {
					acc = 0
				}
				y[o] = acc
			}
			x = y
		}
		best := 0
		for i := range x {
			if x[i] > x[best] {
				best = i
			}
		}
		if best == m.EOS() {
			break
		}
		reply += string(m.Charset[best])
	}
	return reply
}

// randomQuery mixes the kinds of input the Z80 program sees.
func randomQuery(rng *rand.Rand) string {
	const alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ?!.,'-~"
	var n int
	switch rng.IntN(5) {
	case 0:
		n = rng.IntN(2)
	case 1:
		n = 60 + 10*rng.IntN(7) // up to the 120 of a long command tail
	default:
		n = rng.IntN(61)
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[rng.IntN(len(alpha))]
	}
	if rng.IntN(4) == 0 {
		return "   " + string(b)
	}
	return string(b)
}

func TestGenerateMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	shapes := []struct {
		hidden  []int
		density float64
		bias    int
		shift   uint8
	}{
		{[]int{24, 16}, 0.3, 256, 2},
		{[]int{40}, 0.5, 2000, 2},
		{[]int{16, 16, 16}, 0.9, 32767, 2}, // overflows everywhere
		{nil, 0.3, 100, 0},
		{[]int{20, 12}, 0.27, 500, 3},
	}
	total, nonEmpty, stopped := 0, 0, 0
	for si, s := range shapes {
		for k := 0; k < 4; k++ {
			m := RandomBias(rng, " ABCDEFGHIJKLMNOPQRSTUVWXYZ?!", s.hidden, s.density, s.bias)
			for li := range m.Layers {
				m.Layers[li].Shift = s.shift
			}
			if k == 3 {
				m.InputScale = 1000 // big inputs: the first layer wraps too
			}
			for i := 0; i < 60; i++ {
				q := randomQuery(rng)
				got, want := m.Generate(q), refGenerate(m, q)
				if got != want {
					t.Fatalf("shape %d model %d query %q: Generate %q, reference %q", si, k, q, got, want)
				}
				total++
				if got != "" {
					nonEmpty++
				}
				if len(got) < m.MaxReply {
					stopped++
				}
			}
		}
	}
	t.Logf("%d queries agree: %d non-empty replies, %d ended by EOS", total, nonEmpty, stopped)
	// The comparison means little if the models all say nothing or never stop.
	if nonEmpty < total/10 || stopped < total/10 {
		t.Errorf("random models too degenerate: %d non-empty, %d stopped of %d", nonEmpty, stopped, total)
	}
}

func TestDefaultShape(t *testing.T) {
	m := New("AB", []int{256, 192, 128})
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range m.Layers {
		n += len(l.W)
	}
	// 256*256 + 256*192 + 192*128 + 128*3
	if n != 65536+49152+24576+384 {
		t.Errorf("weights %d", n)
	}
	if m.Inputs() != 256 || m.Classes() != 3 || m.EOS() != 2 {
		t.Errorf("inputs %d classes %d eos %d", m.Inputs(), m.Classes(), m.EOS())
	}
}
