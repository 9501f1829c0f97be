package gen

import (
	"fmt"
)

// The fast engine works column by column and only on non-zero inputs.
//
// Accumulators: a layer's 16-bit sums live in two page-aligned tables, low
// bytes in one page and high bytes in the next, neuron o at offset
// base+o with base = 256-Out, so that a loop over the neurons ends when L
// wraps to zero. Two such sets (A, B) alternate between layers; BASE holds
// layer 1's bias plus the query's contribution, computed once per reply.
//
// Weights: for every input column a record
//
//	[entry+1][pairs of neuron offsets with weight +1]
//	[entry-1][pairs ... -1][entry-2][pairs ... -2][next]
//
// (empty lists left out). The driver points SP at the record and executes
// RET: each entry is the address inside an unrolled "stream" of
// POP DE / LD L,E / LD A,(HL) / ADD A,C / LD (HL),A / JR C,carry ... that
// processes exactly the number of pairs left, then RETs into the next list;
// the last word returns to the driver. C holds the input value x, B holds
// 2x, so -1 and -2 are SUB C and SUB B, and a carry or borrow out of the
// low byte (rare for small x) goes out of line to INC/DEC the high byte.
// When x >= 128 (x or 2x needs 16 bits) the column is walked twice: low
// bytes with the low parts, then high bytes (H one page up) with the high
// parts; that pass's carries land in a scratch page.
//
// Lists of odd length: when the layer has fewer than 256 neurons they are
// padded with a spare neuron offset (base-1); with 256 neurons an odd list
// enters a second stream that ends in one single element and DEC SP.
type fast struct {
	g     *gen
	dense bool // packed columns and byte handlers (dense.go) instead of index lists
	// packedQuery keeps layer 1's query columns packed 4 weights a byte
	// (they are added once per reply, by scol): smaller, a little slower.
	packedQuery bool
	qcols       [][]byte
	layers      []flayer
	// longest stream needed per weight class (+1, -1, -2), even and odd
	maxEven, maxOdd [3]int
	recAddr         [][]int // per layer, per column
}

type flayer struct {
	in, out, base int
	set           string      // "A" or "B": accumulator pages
	lists         [][3][]byte // per column, per class: neuron offsets
	odd           bool        // 256 neurons: odd lists use the odd streams
	cols          [][]byte    // dense: packed columns
}

var classOp = [3]struct{ name, op, fix, desc string }{
	{"p", "add a,c", "inc (hl)", "+x"},
	{"m", "sub c", "dec (hl)", "-x"},
	{"t", "sub b", "dec (hl)", "-2x"},
}

func (f *fast) plan() error {
	if f.dense {
		f.densePlan()
		return nil
	}
	m := f.g.m
	for li, l := range m.Layers {
		fl := flayer{in: l.In, out: l.Out, base: 256 - l.Out, odd: l.Out == 256}
		fl.set = "A"
		if li%2 == 1 {
			fl.set = "B"
		}
		fl.lists = make([][3][]byte, l.In)
		for c := 0; c < l.In; c++ {
			for o := 0; o < l.Out; o++ {
				w := l.W[o*l.In+c]
				k := -1
				switch w {
				case 1:
					k = 0
				case -1:
					k = 1
				case -2:
					k = 2
				}
				if k >= 0 {
					fl.lists[c][k] = append(fl.lists[c][k], byte(fl.base+o))
				}
			}
			for k := range 3 {
				if len(fl.lists[c][k])%2 == 1 && !fl.odd {
					// the spare slot base-1 is never read
					fl.lists[c][k] = append(fl.lists[c][k], byte(fl.base-1))
				}
			}
		}
		f.layers = append(f.layers, fl)
	}
	if f.packedQuery {
		l := m.Layers[0]
		out4 := (l.Out + 3) &^ 3
		for c := 0; c < m.QueryBuckets; c++ {
			col := make([]byte, out4/4)
			for o := 0; o < l.Out; o++ {
				k := out4 - l.Out + o // padding first: neuron o sits at 256-Out+o
				col[k/4] |= (byte(l.W[o*l.In+c]) & 3) << (6 - 2*(k%4))
			}
			f.qcols = append(f.qcols, col)
			f.layers[0].lists[c] = [3][]byte{}
		}
	}
	f.chooseStreams()
	return nil
}

// streamSegment is the number of pairs between two groups of carry fixes:
// the fixes must stay within reach of JR.
const streamSegment = 5

// streamPairBytes is the code size of one pair in a stream (two updates
// of 6 bytes, POP, two carry fixes of 5, a jump every four pairs).
const streamPairBytes = 24

// chooseStreams sets the stream lengths per weight class. A list longer
// than its stream is cut into chunks, each with its own entry word (2
// bytes, 10 T-states); the lengths minimise code plus entry words.
func (f *fast) chooseStreams() {
	for k := range 3 {
		var even, odd []int // pairs per list
		maxE, maxO := 0, 0
		for _, l := range f.layers {
			for _, c := range l.lists {
				n := len(c[k])
				if n%2 == 0 {
					even = append(even, n/2)
					maxE = max(maxE, n/2)
				} else {
					odd = append(odd, n/2)
					maxO = max(maxO, n/2)
				}
			}
		}
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
					best, f.maxEven[k], f.maxOdd[k] = cost, ke, ko
				}
			}
		}
	}
}

// chunks is the number of pieces of at most k pairs that p pairs need.
func chunks(p, k int) int {
	if p == 0 {
		return 0
	}
	return (p + k - 1) / k
}

func (f *fast) queryPass() {
	g := f.g
	l0 := f.layers[0]
	g.C("query pass: BASE = bias of layer 1 + the query's columns")
	g.I("ld hl,bias1")
	g.I(fmt.Sprintf("ld de,BASE_LO+%d", l0.base))
	g.I(fmt.Sprintf("ld bc,%d", l0.out))
	g.I("ldir", "low bytes")
	g.I(fmt.Sprintf("ld de,BASE_HI+%d", l0.base))
	g.I(fmt.Sprintf("ld bc,%d", l0.out))
	g.I("ldir", "high bytes")
	if !f.packedQuery {
		f.listFromCounts("sent_q", "q")
		g.I("jp drvq")
		g.L("q_done")
		return
	}
	g.I("ld a,(dln)")
	g.I("or a")
	g.I("jr z,q_done")
	g.I("ld b,a")
	g.I("ld ix,DL")
	g.L("qp_loop")
	g.I("push bc")
	g.I("ld l,(ix+0)", "input number")
	g.I("inc ix")
	g.I("ld h,hi(CNT)")
	g.I("ld a,(hl)", "its count")
	g.I("ld (hl),0")
	g.I("ld h,hi(cp1)+1")
	g.I("ld d,(hl)")
	g.I("dec h")
	g.I("ld e,(hl)")
	g.I("push de")
	g.I("exx")
	g.I("pop hl", "HL' = its packed column")
	g.I("exx")
	g.I("ld l,a")
	g.I("ld h,hi(xtab)")
	g.I("ld c,(hl)")
	g.I("set 7,l")
	g.I("ld b,(hl)", "BC = count * input scale")
	g.I(fmt.Sprintf("ld hl,BASE_LO+%d", 256-(l0.out+3)&^3))
	g.I("call scol")
	g.I("pop bc")
	g.I("djnz qp_loop")
	g.L("q_done")
}

func (f *fast) charPass() {
	g := f.g
	l0 := f.layers[0]
	g.C("character pass: layer 1 = BASE + the context's columns, then the other layers")
	if l0.out == 256 {
		g.I("ld hl,BASE_LO")
		g.I("ld de,A_LO")
		g.I("ld bc,512")
		g.I("ldir", "both pages of BASE into A")
	} else {
		g.I(fmt.Sprintf("ld hl,BASE_LO+%d", l0.base))
		g.I(fmt.Sprintf("ld de,A_LO+%d", l0.base))
		g.I(fmt.Sprintf("ld bc,%d", l0.out))
		g.I("ldir")
		g.I(fmt.Sprintf("ld hl,BASE_HI+%d", l0.base))
		g.I(fmt.Sprintf("ld de,A_HI+%d", l0.base))
		g.I(fmt.Sprintf("ld bc,%d", l0.out))
		g.I("ldir")
	}
	f.listFromCounts("sent_1", "c")
	g.I("jp drv1")
	g.L("f_class")
}

// listFromCounts pushes (record, x) for every input in DL with x from
// its count, below a sentinel entry, and leaves the list at "cursor".
func (f *fast) listFromCounts(sent, tag string) {
	g := f.g
	g.I("ld sp,LIST_END", "build the column list downwards")
	g.I("ld hl,0")
	g.I("push hl")
	g.I("ld hl,"+sent, "sentinel: its record returns to the next stage")
	g.I("push hl")
	g.I("ld a,(dln)")
	g.I("or a")
	g.I("jr z,lb_done_" + tag)
	g.I("ld b,a")
	g.I("ld ix,DL")
	g.L("lb_loop_" + tag)
	g.I("ld l,(ix+0)", "input number")
	g.I("inc ix")
	g.I("ld h,hi(CNT)")
	g.I("ld a,(hl)", "its count")
	g.I("ld (hl),0")
	g.I("ld h,hi(cp1)+1")
	g.I("ld d,(hl)")
	g.I("dec h")
	g.I("ld e,(hl)", "DE = its column record")
	g.I("ld l,a")
	g.I("ld h,hi(xtab)")
	g.I("ld a,(hl)")
	g.I("set 7,l")
	g.I("ld h,(hl)")
	g.I("ld l,a", "HL = count * input scale")
	g.I("push hl")
	g.I("push de")
	g.I("djnz lb_loop_" + tag)
	g.L("lb_done_" + tag)
	g.I("ld (cursor),sp")
}

func (f *fast) code() {
	if f.dense {
		f.denseCode()
		return
	}
	if f.packedQuery {
		emitScol(f.g)
	} else {
		f.driver("drvq", "BASE_LO")
	}
	f.driver("drv1", "A_LO")
	for li := 0; li+1 < len(f.layers); li++ {
		f.convert(li)
	}
	f.argmax()
	for k := range 3 {
		f.stream(k, false, f.maxEven[k])
		if f.anyOdd() {
			f.stream(k, true, f.maxOdd[k])
		}
	}
}

func (f *fast) anyOdd() bool {
	for _, l := range f.layers {
		if l.odd {
			return true
		}
	}
	return false
}

// driver emits the column loop of one accumulator set: take the next
// (record, x) from the list, set C = x, B = 2x, H = low page, and RET into
// the record. Wide x goes through two passes.
func (f *fast) driver(name, lo string) {
	g := f.g
	g.C(fmt.Sprintf("%s: next column into %s/%s", name, lo, lo[:len(lo)-3]+"_HI"))
	g.L(name)
	g.I("ld sp,(cursor)")
	g.I("pop hl", "record")
	g.I("pop bc", "x")
	g.I("ld (cursor),sp")
	g.I("ld sp,hl")
	g.I("ld a,b")
	g.I("or a")
	g.I("jr nz,"+name+"_w", "x >= 256")
	g.I("ld a,c")
	g.I("add a,a")
	g.I("jr c,"+name+"_w", "2x >= 256")
	g.I("ld b,a", "B = 2x")
	g.I(fmt.Sprintf("ld h,hi(%s)", lo))
	g.I("ret", "into the record")
	g.L(name + "_w")
	g.I("ld (wrec),hl", "wide x: low bytes now, high bytes in a second pass")
	g.I("ld a,b")
	g.I("ld (wxh),a")
	g.I("ld h,b")
	g.I("ld l,c")
	g.I("add hl,hl")
	g.I("ld a,h")
	g.I("ld (w2xh),a")
	g.I("ld b,l")
	g.I("ld hl,(cursor)")
	g.I("ld (wcur),hl")
	g.I("ld hl,"+name+"_syn", "the list's next entry is the second pass")
	g.I("ld (cursor),hl")
	g.I(fmt.Sprintf("ld h,hi(%s)", lo))
	g.I("ret")
	g.L(name + "_p2")
	g.I("ld hl,(wcur)")
	g.I("ld (cursor),hl")
	g.I("ld sp,(wrec)")
	g.I("ld a,(wxh)")
	g.I("ld c,a")
	g.I("ld a,(w2xh)")
	g.I("ld b,a")
	g.I(fmt.Sprintf("ld h,hi(%s)+1", lo), "high bytes; carries go to the scratch page above")
	g.I("ret")
}

// convert emits the step from layer li to li+1: the next layer's sums
// start at its biases; then for every neuron of layer li, shift and ReLU,
// and when the activation x is positive its column of layer li+1 is added
// at once: SP = the column's record, RET. The record ends by returning to
// name_n, which picks the neuron number up again from L'.
//
// A wide x needs the record walked twice; the record's last word cannot
// say so, so the low pass patches the three bytes at name_n into
// "JP name_p2", and name_p2 puts them back before the high pass.
func (f *fast) convert(li int) {
	g := f.g
	l, next := f.layers[li], f.layers[li+1]
	lo := l.set + "_LO"
	nlo, nhi := next.set+"_LO", next.set+"_HI"
	shift := int(g.m.Layers[li].Shift)
	name := fmt.Sprintf("cv%d", li+2)
	g.C(fmt.Sprintf("%s: layer %d activations (>>%d, ReLU) each add their column of layer %d", name, li+1, shift, li+2))
	g.L(name)
	f.biasStart(li, nlo, nhi, next)
	g.I(fmt.Sprintf("ld hl,%s+%d", l.set+"_HI", l.base))
	f.activation(name, li, shift, "DE = the column's record")
	g.I("ld a,l")
	g.I("exx")
	g.I("ld l,a", "L' keeps the neuron number")
	g.I("exx")
	g.I("ex de,hl")
	g.I("ld sp,hl")
	g.I("ld a,b")
	g.I("or a")
	g.I("jr nz,"+name+"_w", "x >= 256")
	g.I("ld a,c")
	g.I("add a,a")
	g.I("jr c,"+name+"_w", "2x >= 256")
	g.I("ld b,a", "B = 2x")
	g.I(fmt.Sprintf("ld h,hi(%s)", nlo))
	g.I("ret", "into the record")
	g.L(name + "_n")
	g.I("exx", "patched to JP "+name+"_p2 during a wide column")
	g.I("ld a,l")
	g.I("exx")
	g.I("ld l,a")
	f.nextNeuron(name, lo, li)
	g.L(name + "_w")
	g.I("ld (wrec),hl", "wide x: low bytes now, high bytes in a second pass")
	g.I("ld a,b")
	g.I("ld (wxh),a")
	g.I("ld h,b")
	g.I("ld l,c")
	g.I("add hl,hl")
	g.I("ld a,h")
	g.I("ld (w2xh),a")
	g.I("ld b,l")
	g.I("ld a,0C3h")
	g.I(fmt.Sprintf("ld (%s_n),a", name))
	g.I(fmt.Sprintf("ld hl,%s_p2", name))
	g.I(fmt.Sprintf("ld (%s_n+1),hl", name))
	g.I(fmt.Sprintf("ld h,hi(%s)", nlo))
	g.I("ret")
	g.L(name + "_p2")
	g.I("ld hl,7DD9h", "EXX / LD A,L / EXX back")
	g.I(fmt.Sprintf("ld (%s_n),hl", name))
	g.I("ld a,0D9h")
	g.I(fmt.Sprintf("ld (%s_n+2),a", name))
	g.I("ld sp,(wrec)")
	g.I("ld a,(wxh)")
	g.I("ld c,a")
	g.I("ld a,(w2xh)")
	g.I("ld b,a")
	g.I(fmt.Sprintf("ld h,hi(%s)+1", nlo), "high bytes; carries go to the scratch page above")
	g.I("ret")
}

// argmax emits the last layer's decision: value = acc >> shift (signed),
// first maximum wins. Values are compared with the sign bit flipped.
func (f *fast) argmax() {
	g := f.g
	li := len(f.layers) - 1
	l := f.layers[li]
	lo := l.set + "_LO"
	shift := int(g.m.Layers[li].Shift)
	g.C(fmt.Sprintf("argmax of layer %d (>>%d, signed, first maximum)", li+1, shift))
	g.L("argmax")
	g.I("ld de,0", "best so far, biased: the minimum")
	g.I(fmt.Sprintf("ld a,%d", l.base))
	g.I("ld (bidx),a")
	g.I(fmt.Sprintf("ld l,%d", l.base))
	g.L("am_l")
	g.I(fmt.Sprintf("ld h,hi(%s)+1", lo))
	g.I("ld b,(hl)")
	g.I("dec h")
	g.I("ld c,(hl)")
	for i := 0; i < shift; i++ {
		g.I("sra b")
		g.I("rr c")
	}
	g.I("ld a,b")
	g.I("xor 80h", "signed to unsigned order")
	g.I("ld b,a")
	g.I("ld a,e")
	g.I("sub c")
	g.I("ld a,d")
	g.I("sbc a,b")
	g.I("jr nc,am_n", "not greater than the best")
	g.I("ld d,b")
	g.I("ld e,c")
	g.I("ld a,l")
	g.I("ld (bidx),a")
	g.L("am_n")
	g.I("inc l")
	g.I("jr nz,am_l")
	g.I("ld a,(bidx)")
	g.I(fmt.Sprintf("sub %d", l.base))
	g.I("jp f_class")
}

func streamLabel(k int, odd bool, pairs int) string {
	s := "e"
	if odd {
		s = "o"
	}
	return fmt.Sprintf("%s%s%d", classOp[k].name, s, pairs)
}

// stream emits an unrolled run of n pairs for weight class k. The entry for
// "p pairs left" is label <class><e|o><p>. Carry fixes sit after every
// four pairs, jumped over.
func (f *fast) stream(k int, odd bool, n int) {
	g := f.g
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

func (f *fast) data() {
	g := f.g
	m := g.m
	for li, l := range m.Layers {
		lo, hi := make([]byte, l.Out), make([]byte, l.Out)
		for o, b := range l.B {
			lo[o], hi[o] = byte(b), byte(uint16(b)>>8)
		}
		g.filler(fmt.Sprintf("bias%d", li+1), append(lo, hi...), fmt.Sprintf("layer %d biases: low bytes, then high bytes", li+1))
	}
	g.C("sentinel records and second-pass entries")
	if !f.packedQuery {
		g.L("sent_q")
		g.I("dw q_done")
	}
	g.L("sent_1")
	if len(f.layers) > 1 {
		g.I("dw cv2")
	} else {
		g.I("dw argmax")
	}
	drivers := []string{"drvq", "drv1"}
	if f.packedQuery {
		drivers = drivers[1:]
	}
	for _, d := range drivers {
		g.L(d + "_syn")
		g.I(fmt.Sprintf("dw %s_p2r,0", d))
		g.L(d + "_p2r")
		g.I(fmt.Sprintf("dw %s_p2", d))
	}
	for _, v := range []string{"cursor", "wrec", "wcur"} {
		g.L(v)
		g.I("dw 0")
	}
	for _, v := range []string{"wxh", "w2xh", "bidx", "cvo"} {
		g.L(v)
		g.I("db 0")
	}
	if f.dense {
		f.denseData()
		return
	}

	f.recAddr = make([][]int, len(f.layers))
	for li, l := range f.layers {
		f.recAddr[li] = make([]int, l.in)
		first := 0
		if li == 0 && f.packedQuery {
			var blob []byte
			start := g.a.PC()
			for c, col := range f.qcols {
				f.recAddr[0][c] = start + len(blob)
				blob = append(blob, col...)
			}
			g.L("qcol")
			g.a.Bytes(blob, fmt.Sprintf("layer 1: %d packed query columns", len(f.qcols)))
			first = len(f.qcols)
		}
		var blob []byte
		start := g.a.PC()
		nz := 0
		for c := first; c < l.in; c++ {
			f.recAddr[li][c] = start + len(blob)
			for k := range 3 {
				list := l.lists[c][k]
				if len(list) == 0 {
					continue
				}
				nz += len(list)
				blob = f.chunked(blob, k, list)
			}
			next := fmt.Sprintf("cv%d_n", li+1)
			switch {
			case li == 0 && c < m.QueryBuckets:
				next = "drvq"
			case li == 0:
				next = "drv1"
			}
			a := f.addr(next)
			blob = append(blob, byte(a), byte(a>>8))
		}
		g.L(fmt.Sprintf("rec%d", li+1))
		g.a.Bytes(blob, fmt.Sprintf("layer %d: %d column records, %d neuron offsets", li+1, l.in, nz))
	}
}

// chunked appends a list as entry words and elements, cut to the streams'
// lengths: even chunks first, an odd list's last chunk in the odd stream.
func (f *fast) chunked(blob []byte, k int, list []byte) []byte {
	entry := func(odd bool, pairs int) {
		a := f.addr(streamLabel(k, odd, pairs))
		blob = append(blob, byte(a), byte(a>>8))
	}
	tail := 0
	if len(list)%2 == 1 {
		tail = 1 + 2*min(len(list)/2, f.maxOdd[k])
	}
	for len(list) > tail {
		p := min((len(list)-tail)/2, f.maxEven[k])
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

func (f *fast) addr(label string) int {
	v, ok := f.g.a.Value(label)
	if !ok {
		panic("gen: label " + label + " used before it is defined")
	}
	return v
}

func (f *fast) tables() {
	g := f.g
	if f.dense {
		f.handlerTable()
	}
	for li, l := range f.layers {
		first := 0
		if li > 0 {
			first = f.layers[li-1].base
		}
		var lo, hi [256]byte
		for c := 0; c < l.in; c++ {
			a := f.recAddr[li][c]
			lo[first+c], hi[first+c] = byte(a), byte(a>>8)
		}
		// entries below "first" are never read: small data goes there
		g.L(fmt.Sprintf("cp%d", li+1))
		g.fillGap(first)
		g.a.Bytes(lo[first:], fmt.Sprintf("layer %d column records by input, low bytes", li+1))
		g.fillGap(first)
		g.a.Bytes(hi[first:], "high bytes")
	}
}

func (f *fast) buffers() {
	g := f.g
	// The page above each high page takes the carries of the high pass:
	// it must be dead while that set accumulates. BASE (query pass): A.
	// A (layer 1 context pass, layer 3): Q, the query text and input list,
	// dead once the column list is built. B (layer 2): the column list of
	// layer 1, consumed by then.
	for _, p := range []string{"BASE_LO", "BASE_HI", "A_LO", "A_HI", "Q", "B_LO", "B_HI", "LIST"} {
		g.reservePage(p)
	}
	g.bss += 4*129 - 256 // LIST: up to 128 inputs and the sentinel
	q, _ := g.a.Value("Q")
	g.a.Equ("QS", q)     // " query ", at most 1+127+1 bytes, only while hashing
	g.a.Equ("DL", q+129) // distinct inputs (127 at most), only until the list is built
	l, _ := g.a.Value("LIST")
	g.a.Equ("LINEBUF", l) // read before the list is built
	g.a.Equ("LIST_END", l+4*129)
}

// biasStart copies layer li+2's biases into its low and high sum pages:
// the sums start there and each active neuron of layer li+1 adds a column.
func (f *fast) biasStart(li int, nlo, nhi string, next flayer) {
	g := f.g
	g.I(fmt.Sprintf("ld hl,bias%d", li+2))
	g.I(fmt.Sprintf("ld de,%s+%d", nlo, next.base))
	g.I(fmt.Sprintf("ld bc,%d", next.out))
	g.I("ldir", "sums start at the biases")
	g.I(fmt.Sprintf("ld de,%s+%d", nhi, next.base))
	g.I(fmt.Sprintf("ld bc,%d", next.out))
	g.I("ldir")
}

// activation emits the loop head of a conversion: with HL on the high byte
// of neuron L's sum, it skips negative sums (ReLU) and zero activations,
// leaves the activation (sum >> shift) in BC and the neuron's column
// pointer of layer li+2 in DE (what it points at is the engine's: note).
func (f *fast) activation(name string, li, shift int, note string) {
	g := f.g
	g.L(name + "_l")
	g.I("ld a,(hl)", "high byte (H stays on the high page for negative sums)")
	g.I("or a")
	g.I("jp m,"+name+"_s", "negative: ReLU gives 0")
	g.I("ld b,a")
	g.I("dec h")
	g.I("ld a,(hl)", "low byte")
	for i := 0; i < shift; i++ {
		g.I("srl b")
		g.I("rra")
	}
	g.I("ld c,a")
	g.I("or b")
	g.I("jr z,"+name+"_z", "zero: nothing to add")
	g.I(fmt.Sprintf("ld h,hi(cp%d)+1", li+2))
	g.I("ld d,(hl)")
	g.I("dec h")
	g.I("ld e,(hl)", note)
}

// nextNeuron ends a conversion loop: back to the high page, on to the next
// neuron of layer li+1, and after the last to the next conversion or argmax.
func (f *fast) nextNeuron(name, lo string, li int) {
	g := f.g
	g.L(name + "_z")
	g.I(fmt.Sprintf("ld h,hi(%s)+1", lo))
	g.L(name + "_s")
	g.I("inc l")
	g.I("jr nz," + name + "_l")
	if li+2 < len(f.layers) {
		g.I(fmt.Sprintf("jp cv%d", li+3))
	} else {
		g.I("jp argmax")
	}
}
