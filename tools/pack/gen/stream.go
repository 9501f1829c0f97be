package gen

import (
	"fmt"

	"z80ulm/model"
)

// Streams: the unrolled add/subtract runs that the list engines (fast and
// the GUESS engine) walk with POP and RET (docs/DESIGN.md, "4. The packer
// and its engines"). A column's list of neuron offsets for one weight class
// is cut into chunks; each chunk starts with an entry word, the address
// inside the stream that processes exactly that many pairs, and the last
// word of a column record returns to its driver.

// classOp is what one weight class does to a 16-bit sum kept as low/high
// byte pages: C holds x, B holds 2x; a carry or borrow out of the low byte
// goes out of line to fix the high byte (H+1).
var classOp = [3]struct{ name, op, fix, desc string }{
	{"p", "add a,c", "inc (hl)", "+x"},
	{"m", "sub c", "dec (hl)", "-x"},
	{"t", "sub b", "dec (hl)", "-2x"},
}

// weightClass maps a weight to its class: +1, -1, -2; -1 for zero.
func weightClass(w int8) int {
	switch w {
	case 1:
		return 0
	case -1:
		return 1
	case -2:
		return 2
	}
	return -1
}

// streamSegment is the number of pairs between two groups of carry fixes:
// the fixes must stay within reach of JR.
const streamSegment = 5

// streamPairBytes is the code size of one pair in a stream (two updates
// of 6 bytes, POP, two carry fixes of 5, a jump every four pairs).
const streamPairBytes = 24

// streams are the stream lengths of an engine, in pairs, per weight class:
// even lists, and the odd lists of 256-neuron layers (which have no spare
// neuron slot to pad with).
type streams struct {
	even, odd [3]int
	anyOdd    bool
}

// chooseStreams sets the stream lengths per weight class for the lists of
// one model. A list longer than its stream is cut into chunks, each with
// its own entry word (2 bytes, 10 T-states); the lengths minimise code
// plus entry words.
func chooseStreams(lists func(k int, visit func(n int)), anyOdd bool) streams {
	s := streams{anyOdd: anyOdd}
	for k := range 3 {
		var even, odd []int // pairs per list
		maxE, maxO := 0, 0
		lists(k, func(n int) {
			if n%2 == 0 {
				even = append(even, n/2)
				maxE = max(maxE, n/2)
			} else {
				odd = append(odd, n/2)
				maxO = max(maxO, n/2)
			}
		})
		best := -1
		for ke := min(1, maxE); ke <= maxE; ke++ {
			for ko := 0; ko <= maxO; ko++ {
				cost := streamPairBytes * (ke + ko)
				if best >= 0 && cost >= best {
					break
				}
				for _, p := range even {
					cost += 2 * (chunks(p, ke) - 1)
				}
				for _, p := range odd {
					cost += 2 * chunks(max(0, p-ko), ke)
				}
				if best < 0 || cost < best {
					best, s.even[k], s.odd[k] = cost, ke, ko
				}
			}
		}
	}
	return s
}

// chunks is the number of pieces of at most k pairs that p pairs need.
func chunks(p, k int) int {
	if p == 0 {
		return 0
	}
	return (p + k - 1) / k
}

func streamLabel(k int, odd bool, pairs int) string {
	s := "e"
	if odd {
		s = "o"
	}
	return fmt.Sprintf("%s%s%d", classOp[k].name, s, pairs)
}

// emit writes every stream.
func (s streams) emit(g *gen) {
	for k := range 3 {
		emitStream(g, k, false, s.even[k])
		if s.anyOdd {
			emitStream(g, k, true, s.odd[k])
		}
	}
}

// emitStream emits an unrolled run of n pairs for weight class k. The entry
// for "p pairs left" is label <class><e|o><p>. Carry fixes sit after every
// few pairs, jumped over.
func emitStream(g *gen, k int, odd bool, n int) {
	c := classOp[k]
	kind := "even"
	if odd {
		kind = "odd"
	}
	g.C(fmt.Sprintf("stream %s%s: %s lists of up to %d pairs: acc %s", c.name, kind[:1], kind, n, c.desc))
	var stubs []string // labels: fix, back
	flush := func() {
		for i := 0; i < len(stubs); i += 2 {
			g.L(stubs[i])
			g.I("inc h")
			g.I(c.fix, "carry into the high byte")
			g.I("dec h")
			g.I("jr " + stubs[i+1])
		}
		stubs = stubs[:0]
	}
	one := func(reg, tag string) {
		g.I("ld l," + reg)
		g.I("ld a,(hl)")
		g.I(c.op)
		g.I("ld (hl),a")
		g.I("jr c," + tag + "f")
		g.L(tag + "b")
		stubs = append(stubs, tag+"f", tag+"b")
	}
	for p := n; p >= 1; p-- {
		lab := streamLabel(k, odd, p)
		g.L(lab)
		g.I("pop de")
		one("e", lab+"e")
		one("d", lab+"d")
		if (n-p)%streamSegment == streamSegment-1 && p > 1 {
			g.I("jr " + lab + "x")
			flush()
			g.L(lab + "x")
		}
	}
	lab := streamLabel(k, odd, 0)
	g.L(lab)
	if odd {
		g.I("pop de", "the single last element")
		one("e", lab+"e")
		g.I("dec sp", "give back the byte of the next entry")
	}
	g.I("ret")
	flush()
}

// chunked appends a list as entry words and elements, cut to the streams'
// lengths: even chunks first, an odd list's last chunk in the odd stream.
// addr gives a label's address.
func (s streams) chunked(blob []byte, k int, list []byte, addr func(string) int) []byte {
	entry := func(odd bool, pairs int) {
		a := addr(streamLabel(k, odd, pairs))
		blob = append(blob, byte(a), byte(a>>8))
	}
	tail := 0
	if len(list)%2 == 1 {
		tail = 1 + 2*min(len(list)/2, s.odd[k])
	}
	for len(list) > tail {
		p := min((len(list)-tail)/2, s.even[k])
		entry(false, p)
		blob = append(blob, list[:2*p]...)
		list = list[2*p:]
	}
	if tail > 0 {
		entry(true, len(list)/2)
		blob = append(blob, list...)
	}
	return blob
}

// columnLists returns, for column c of layer l (weights w, in inputs, out
// neurons at base+o), the neuron offsets per weight class; odd lists are
// padded with the spare slot base-1 unless the layer has 256 neurons.
func columnLists(w []int8, in, out, c int) [3][]byte {
	base := 256 - out
	var lists [3][]byte
	for o := 0; o < out; o++ {
		if k := weightClass(w[o*in+c]); k >= 0 {
			lists[k] = append(lists[k], byte(base+o))
		}
	}
	for k := range 3 {
		if len(lists[k])%2 == 1 && out < 256 {
			lists[k] = append(lists[k], byte(base-1)) // the spare slot base-1 is never read
		}
	}
	return lists
}

// packColumn packs column c of a layer 4 weights a byte, first weight in
// bits 7-6, with the padding first: neuron o sits at 256-out+o when the
// column starts at 256-out4.
func packColumn(w []int8, in, out, c int) []byte {
	out4 := (out + 3) &^ 3
	col := make([]byte, out4/4)
	for o := 0; o < out; o++ {
		k := out4 - out + o
		col[k/4] |= (byte(w[o*in+c]) & 3) << (6 - 2*(k%4)) // 01 = +1, 10 = -2, 11 = -1
	}
	return col
}

// packedLayers packs every column of every layer of m (packColumn).
func packedLayers(m *model.Model) [][][]byte {
	var out [][][]byte
	for _, l := range m.Layers {
		var cols [][]byte
		for c := 0; c < l.In; c++ {
			cols = append(cols, packColumn(l.W, l.In, l.Out, c))
		}
		out = append(out, cols)
	}
	return out
}
