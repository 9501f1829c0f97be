package gen

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"z80ulm/emu"
	"z80ulm/model"
)

// testShape describes a random test model.
type testShape struct {
	name     string
	qb, cb   int
	hidden   []int
	charset  string
	density  float64
	bias     int   // biases uniform in -bias..bias
	scale    int16 // input scale
	shifts   []uint8
	maxReply int
	queries  int // chat-mode queries per variant
	tails    int // command-tail queries per variant
}

func randomModel(rng *rand.Rand, s testShape) *model.Model {
	m := &model.Model{Charset: s.charset, QueryBuckets: s.qb, ContextBuckets: s.cb,
		InputScale: s.scale, MaxReply: s.maxReply, Meta: map[string]string{}}
	in := s.qb + s.cb
	sizes := append(append([]int{}, s.hidden...), len(s.charset)+1)
	for li, out := range sizes {
		l := model.Layer{In: in, Out: out, W: make([]int8, in*out), B: make([]int16, out), Shift: 2}
		if li < len(s.shifts) {
			l.Shift = s.shifts[li]
		}
		for k := range l.W {
			if rng.Float64() < s.density {
				l.W[k] = [3]int8{-2, -1, 1}[rng.IntN(3)]
			}
		}
		for k := range l.B {
			switch {
			case s.bias >= 32767 && rng.IntN(4) == 0:
				l.B[k] = [2]int16{32767, -32768}[rng.IntN(2)]
			default:
				l.B[k] = int16(rng.IntN(2*s.bias+1) - s.bias)
			}
		}
		m.Layers = append(m.Layers, l)
		in = out
	}
	return m
}

// queryMix returns n test queries: random text of every length up to 60,
// mixed case, punctuation, leading spaces, single characters, lines of
// spaces only (the empty query) and a few words. None starts with '!'
// (that quits chat mode) and none is empty (that re-prompts).
func queryMix(rng *rand.Rand, n int) []string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const all = letters + "0123456789 .,?!'-$#*()"
	words := []string{"is it alive", "HELLO", "Are You A Robot", "does it have a trunk", "elephant",
		"what?", "do you dream", "xyzzy", "no", "yes!"}
	fixed := []string{"a", "Z", "?", " ", "   ", "  hello", "   IS IT BIG", ".", strings.Repeat("ab", 30),
		strings.Repeat("Z", 60), "!?", "  !x"}
	var q []string
	for i := 0; i < n; i++ {
		var s string
		switch r := rng.IntN(10); {
		case i < len(fixed):
			s = fixed[i]
		case r < 5:
			b := make([]byte, 1+rng.IntN(60))
			for k := range b {
				b[k] = all[rng.IntN(len(all))]
			}
			s = string(b)
		case r < 7:
			s = words[rng.IntN(len(words))]
			if rng.IntN(2) == 0 {
				s = strings.ToUpper(s)
			}
		case r < 8:
			s = strings.Repeat(" ", 1+rng.IntN(5)) + words[rng.IntN(len(words))]
		case r < 9:
			s = string(all[rng.IntN(len(all))])
		default:
			b := make([]byte, 60)
			for k := range b {
				b[k] = letters[rng.IntN(len(letters))]
			}
			s = string(b)
		}
		if s[0] == '!' {
			s = " " + s
		}
		if len(s) > 60 {
			s = s[:60]
		}
		q = append(q, s)
	}
	return q
}

// engines are the engines every parity test runs: fast-pq is the fast
// engine with layer 1's query columns packed; guess is the GUESS engine,
// in the standalone program (the same code as GUESS.COM's, the model
// inside the image).
var engines = []string{"fast", "fast-pq", "dense", "small", "guess"}

func buildEngine(m *model.Model, name string) (*Result, error) {
	if name == "guess" {
		return Build(m, Options{Program: Guess{Secret: "TEST"}})
	}
	if err := Check(m); err != nil {
		return nil, err
	}
	for _, v := range variants {
		if v.name == name || (name == "fast-pq" && v.packedQuery) {
			return buildVariant(m, Options{TPATop: DefaultTPATop}, v)
		}
	}
	panic("no engine " + name)
}

// checkParity runs the program in chat mode on all queries at once and in
// command-tail mode on the first few, and compares with model.Generate.
func checkParity(t *testing.T, m *model.Model, engine string, queries []string, tails int) {
	t.Helper()
	r, err := buildEngine(m, engine)
	if err != nil {
		t.Fatalf("%s: %v", engine, err)
	}
	var in strings.Builder
	var asked []string
	for _, q := range queries {
		if engine == "guess" && GiveUp(q) {
			continue
		}
		in.WriteString(q + "\r")
		asked = append(asked, q)
	}
	res, err := emu.RunCOM(r.COM, emu.RunOptions{Input: in.String()})
	if err != nil || res.Fault != nil {
		t.Fatalf("%s: run: %v %v", engine, err, res.Fault)
	}
	if res.Reason != emu.ReasonExhausted {
		t.Fatalf("%s: run ended with %s", engine, res.Reason)
	}
	got := Replies(res.Output)
	if len(got) < len(asked) {
		t.Fatalf("%s: %d replies for %d queries", engine, len(got), len(asked))
	}
	bad := 0
	for i, q := range asked {
		if want := m.Generate(q); got[i] != want {
			t.Errorf("%s chat %q: Z80 %q, Go %q", engine, q, got[i], want)
			if bad++; bad > 5 {
				t.FailNow()
			}
		}
	}
	for _, q := range asked[:min(tails, len(asked))] {
		if engine == "guess" && strings.Trim(q, " ") == "" {
			continue // no question: GUESS plays in chat mode
		}
		res, err := emu.RunCOM(r.COM, emu.RunOptions{Tail: " " + q})
		if err != nil || res.Fault != nil || res.Reason != emu.ReasonExit {
			t.Fatalf("%s tail %q: %v %v %s", engine, q, err, res.Fault, res.Reason)
		}
		if want := m.Generate(strings.ToUpper(q)); string(res.Output) != want {
			t.Errorf("%s tail %q: Z80 %q, Go %q", engine, q, res.Output, want)
		}
	}
}

// constrain gives m a list of allowed replies: what it says to some of the
// queries, and a few short words (with shared prefixes) from its charset.
func constrain(m *model.Model, queries []string) {
	var rs []string
	for i, q := range queries {
		if r := m.Generate(q); i%3 == 0 && r != "" {
			rs = append(rs, r)
		}
	}
	for _, w := range []string{"A", "AB", "ABC", "B", "BA", "YES", "NO", "NOT", "XY", "X"} {
		ok := true
		for _, c := range w {
			ok = ok && strings.ContainsRune(m.Charset, c)
		}
		if ok {
			rs = append(rs, w)
		}
	}
	m.Replies = model.SortedReplies(rs)
}

var shapes = []testShape{
	{name: "tiny-mod", qb: 7, cb: 5, hidden: []int{9}, charset: "AB ", density: 0.6, bias: 60, scale: 32, maxReply: 12, queries: 300, tails: 10},
	{name: "small", qb: 32, cb: 16, hidden: []int{40, 24}, charset: " ABEINOSY?", density: 0.3, bias: 256, scale: 32, maxReply: 20, queries: 240, tails: 10},
	{name: "wide-256", qb: 64, cb: 64, hidden: []int{256, 256}, charset: " ABCDEFGHIJKLMNOPQRS", density: 0.2, bias: 400, scale: 32, maxReply: 10, queries: 90, tails: 5},
	{name: "odd-sizes", qb: 100, cb: 156, hidden: []int{255, 3}, charset: "XY.", density: 0.4, bias: 300, scale: 29, shifts: []uint8{0, 5, 1}, maxReply: 8, queries: 120, tails: 5},
	{name: "overflow", qb: 16, cb: 16, hidden: []int{32, 32}, charset: " NOYES", density: 0.9, bias: 32767, scale: 1000, shifts: []uint8{0, 1, 0}, maxReply: 15, queries: 120, tails: 5},
	{name: "no-hidden", qb: 128, cb: 128, charset: " ABCDEFGHIJKLMNOPQRSTUVWXYZ!", density: 0.27, bias: 256, scale: 32, maxReply: 30, queries: 70, tails: 5},
}

func TestParityShapes(t *testing.T) {
	for i, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			m := randomModel(rng, s)
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			qs := queryMix(rng, s.queries)
			for _, e := range engines {
				n := len(qs)
				if e == "dense" || e == "small" {
					n /= 2 // the slow engines: half the queries keep the test short
				}
				checkParity(t, m, e, qs[:n], s.tails)
			}
			// the same model with allowed replies: constrained decoding
			constrain(m, qs)
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			for _, e := range engines {
				checkParity(t, m, e, qs[:len(qs)/2], s.tails/2)
			}
		})
	}
}

// The default testShape at the benchmark's density, 50-character replies.
func TestParityDefaultShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 1))
	m := model.Random(rng, " ABCDEFGHIJKLMNOPQRSTUVWXYZ.,!?", []int{256, 192, 128}, 0.27)
	qs := queryMix(rng, 120)
	checkParity(t, m, "fast", qs[:16], 3)
	checkParity(t, m, "fast-pq", qs[:6], 1)
	checkParity(t, m, "dense", qs[:6], 1)
	checkParity(t, m, "small", qs[:6], 1)
	checkParity(t, m, "guess", qs[:8], 2)
	// as GUESS's secrets are: four replies that part at their first letter
	m.Replies = []string{"MAYBE", "NO", "WIN", "YES"}
	m.Charset = " ABCDEFGHIJKLMNOPQRSTUVWXYZ.,!?"
	checkParity(t, m, "guess", qs, 5)
	checkParity(t, m, "fast", qs[:40], 1)
}

// A model that went through the anchor's .npz format.
func TestParityNPZ(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	src := randomModel(rng, testShape{qb: 128, cb: 128, hidden: []int{48, 32}, charset: " ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		density: 0.3, bias: 200, scale: 32, maxReply: 50})
	data, err := model.EncodeNPZ(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.npz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := model.ImportNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	qs := queryMix(rng, 80)
	for _, e := range engines {
		checkParity(t, m, e, qs, 5)
	}
}

func TestRefusals(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	good := func() *model.Model {
		return randomModel(rng, testShape{qb: 8, cb: 8, hidden: []int{8}, charset: "AB", density: 0.5, bias: 10, scale: 32, maxReply: 5})
	}
	cases := []struct {
		edit func(m *model.Model)
		opt  Options
		want string
	}{
		{func(m *model.Model) { m.Layers[1].In = 7 }, Options{}, "layer 2 has 7 inputs"},
		{func(m *model.Model) { m.Layers[0].W = m.Layers[0].W[:3] }, Options{}, "weights"},
		{func(m *model.Model) { m.Charset = "A$" }, Options{}, "'$'"},
		{func(m *model.Model) { m.Charset = "A\x07" }, Options{}, "charset entry 1"},
		{func(m *model.Model) { m.Layers[0].W[0] = 2 }, Options{}, "outside -2..1"},
		{func(m *model.Model) {}, Options{TPATop: 0x1000}, "bytes too many"},
		{func(m *model.Model) {}, Options{Variant: "turbo"}, "unknown variant"},
		{func(m *model.Model) {}, Options{Program: Guess{}}, "no \"secret\" metadata"},
		{func(m *model.Model) { m.Meta["secret"] = "CAT$" }, Options{Program: Guess{}}, "without '$'"},
		{func(m *model.Model) { m.Meta["secret"] = strings.Repeat("CAT", 40) }, Options{Program: Guess{}}, "the header holds"},
		{func(m *model.Model) { m.Meta["secret"] = "CAT" }, Options{Program: Guess{}, TPATop: 0x3900}, "even with every layer packed"},
	}
	for _, c := range cases {
		m := good()
		c.edit(m)
		_, err := Build(m, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error with %q, got %v", c.want, err)
		}
	}
}

// auto takes the fastest engine that fits: fast for a sparse model, dense
// for a dense one, small when even the dense one's handlers do not fit.
func TestAutoVariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, c := range []struct {
		hidden  []int
		density float64
		want    string
	}{
		{[]int{256, 192, 128}, 0.27, "fast"},
		{[]int{256, 192, 128}, 0.6, "dense"},
		{[]int{256, 256, 256}, 0.6, "small"},
	} {
		m := model.Random(rng, " ABC", c.hidden, c.density)
		r, err := Build(m, Options{})
		if err != nil {
			t.Fatalf("%v %.2f: %v", c.hidden, c.density, err)
		}
		if r.Variant != c.want || r.End > DefaultTPATop {
			t.Errorf("%v %.2f: auto chose %s ending at %04X, want %s", c.hidden, c.density, r.Variant, r.End, c.want)
		}
		if c.want != "fast" {
			if _, err := Build(m, Options{Variant: "fast"}); err == nil || !strings.Contains(err.Error(), "TPA") {
				t.Errorf("fast engine for %.2f: %v", c.density, err)
			}
		}
	}
}

// The start-up check: a program whose memory reaches the BDOS prints
// NOT ENOUGH MEMORY and returns to CP/M. The emulator's BDOS is at E406h,
// so the program's idea of its end is moved up to provoke it.
func TestNotEnoughMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := model.Random(rng, "AB", []int{8}, 0.5)
	r, err := Build(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	com := append([]byte(nil), r.COM...)
	if com[3] != 0x11 || int(com[4])|int(com[5])<<8 != r.End {
		t.Fatalf("start-up code changed: % X", com[:6])
	}
	com[4], com[5] = 0x07, 0xE4 // claim to end at E407h
	res, err := emu.RunCOM(com, emu.RunOptions{Input: "hello\r"})
	if err != nil || res.Fault != nil {
		t.Fatal(err, res.Fault)
	}
	if string(res.Output) != "NOT ENOUGH MEMORY\r\n" || res.Reason != emu.ReasonExit {
		t.Errorf("output %q, %s", res.Output, res.Reason)
	}
	com[4], com[5] = 0x06, 0xE4 // exactly up to the BDOS: runs
	res, _ = emu.RunCOM(com, emu.RunOptions{Input: "hello\r"})
	if strings.Contains(string(res.Output), "NOT ENOUGH") {
		t.Errorf("refused at the limit: %q", res.Output)
	}
}

// winModel answers WIN to most queries and IN to the query "x": an output
// layer only, each class cued by the unigram of the last context
// character. Hash collisions between cues are avoided by trying context
// bucket counts until the model does what it should.
func winModel(t *testing.T) *model.Model {
	for cb := 128; cb > 32; cb-- {
		m := model.New("INW", nil)
		m.ContextBuckets = cb
		m.Layers[0] = model.Layer{In: m.Inputs(), Out: 4, W: make([]int8, 4*m.Inputs()), B: make([]int16, 4), Shift: 2}
		l := &m.Layers[0]
		bucket := func(pos int, c byte) int { // unigram at a position of the window
			h := uint16(pos * 7)
			h = h*31 + uint16(c)
			return m.QueryBuckets + int(h)%m.ContextBuckets
		}
		for cls, prev := range map[int]byte{2: ' ', 0: 'w', 1: 'i', 3: 'n'} { // W first, I after W, ...
			l.W[cls*l.In+bucket(7, prev)] = 1
		}
		counts := make([]int, m.QueryBuckets)
		model.QueryCounts("x", m.QueryBuckets, counts)
		for b, c := range counts {
			if c > 0 {
				l.W[2*l.In+b] = -2 // the query "x" pushes W below I, which then comes first
			}
		}
		if m.Validate() == nil && m.Generate("elephant") == "WIN" && m.Generate("x") == "IN" &&
			m.Generate("Ele Phant") == "WIN" && m.Generate("IS IT AN ELEPHANT") == "WIN" && m.Generate("") == "WIN" {
			return m
		}
	}
	t.Fatal("no win model")
	return nil
}

func TestChatShell(t *testing.T) {
	m := winModel(t)
	r, err := Build(m, Options{Variant: "fast"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := emu.RunCOM(r.COM, emu.RunOptions{Input: "\r   \rx\r!quit\r"})
	if err != nil || res.Fault != nil {
		t.Fatal(err, res.Fault)
	}
	want := "\r\n> \r\r\n\r\n>    \r\r\nWIN\r\n> x\r\r\nIN\r\n> !quit\r\r\n"
	if string(res.Output) != want || res.Reason != emu.ReasonExit {
		t.Errorf("transcript %q (%s), want %q", res.Output, res.Reason, want)
	}
	// A line longer than the buffer is read to its end and answered once:
	// a paste of 2,000 characters is one question; a line of exactly the
	// buffer's length (BDOS 10 returns before its Return) too.
	long := "x" + strings.Repeat(" ELEPHANT", 222)
	exact := strings.Repeat("x", LineMax)
	res, err = emu.RunCOM(r.COM, emu.RunOptions{Input: long + "\r" + exact + "\rx\r"})
	if err != nil || res.Fault != nil {
		t.Fatal(err, res.Fault)
	}
	got := Replies(res.Output)
	if w := []string{m.Generate(long[:LineMax]), m.Generate(exact), "IN"}; strings.Join(got, ",") != strings.Join(w, ",") {
		t.Errorf("long lines: replies %q, want %q", got, w)
	}
}

// Command tails up to the 127 characters CP/M allows: the query buffer,
// the list of distinct inputs and counts above 60 are exercised.
func TestParityLongTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	m := randomModel(rng, testShape{qb: 200, cb: 56, hidden: []int{64}, charset: " ABC", density: 0.3, bias: 100, scale: 3, maxReply: 6})
	for _, v := range engines {
		r, err := buildEngine(m, v)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 6; i++ {
			b := make([]byte, 120+rng.IntN(7))
			for k := range b {
				b[k] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ?"[rng.IntN(38)]
			}
			if i == 0 {
				for k := range b {
					b[k] = "AAB"[k%3] // few buckets, counts up to 42
				}
			}
			q := string(b)
			res, err := emu.RunCOM(r.COM, emu.RunOptions{Tail: " " + q})
			if err != nil || res.Fault != nil || res.Reason != emu.ReasonExit {
				t.Fatalf("%s: %v %v %s", v, err, res.Fault, res.Reason)
			}
			if want := m.Generate(q); string(res.Output) != want {
				t.Errorf("%s tail of %d: Z80 %q, Go %q", v, len(q), res.Output, want)
			}
		}
	}
}

// The same model gives the same program, byte for byte (the shipped .COM
// and .MDL files are checked against their models).
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	m := randomModel(rng, testShape{qb: 64, cb: 64, hidden: []int{64, 32}, charset: " ABINOSWY", density: 0.3, bias: 100, scale: 32, maxReply: 20})
	m.Meta["secret"] = "ELEPHANT"
	for _, v := range engines {
		a, err := buildEngine(m, v)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := buildEngine(m, v)
		if string(a.COM) != string(b.COM) || a.Listing != b.Listing {
			t.Errorf("%s: two builds differ", v)
		}
	}
	a, err := PackMDL(m, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := PackMDL(m, "", 0)
	if string(a.Bytes) != string(b.Bytes) {
		t.Error("two .MDL files of one model differ")
	}
}

// A .COM file must end below the CCP (2 KB under the BDOS): a file ending
// at DC00h loads, one byte more is refused (the buffers above the file may
// reach the BDOS: TestAutoVariant's programs do).
func TestLoadsBelowCCP(t *testing.T) {
	if got := ccpBase(DefaultTPATop); got != 0xDC00 {
		t.Errorf("CCP of a 64 KB system at %04X, want DC00", got)
	}
	if err := checkLoad(make([]byte, 0xDC00-0x100), DefaultTPATop); err != nil {
		t.Errorf("file ending at DC00h: %v", err)
	}
	err := checkLoad(make([]byte, 0xDC00-0x100+1), DefaultTPATop)
	if err == nil || !strings.Contains(err.Error(), "loads files only below itself (1 bytes too many)") {
		t.Errorf("file one byte into the CCP: %v", err)
	}
}
