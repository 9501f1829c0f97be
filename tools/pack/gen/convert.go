package gen

import "fmt"

// The step from one layer to the next, shared by the engines that keep a
// layer's 16-bit sums in a low and a high byte page (docs/DESIGN.md, "4.
// The packer and its engines"): for every neuron of the layer, shift and
// ReLU its sum, and when the activation x is positive add x times its
// column to the next layer's sums at once. The engines differ in how a
// column is added (index lists walked by RET, byte handlers, packed bits)
// and in their operands: constants for an engine built for one model,
// patch sites for the GUESS engine, which learns the shape when it loads a
// model.

// cvOps are the operands of one conversion loop.
type cvOps struct {
	name   string  // label prefix
	hi     operand // page of the current layer's high bytes
	first  operand // neuron offset of its first neuron (256-Out)
	cp     operand // page of the next layer's column table + 1 (high bytes of the addresses)
	nlo    operand // page of the next layer's low bytes (where a column is added)
	nhi    operand // that page + 1, for the high pass of a wide x
	shift  func()  // B:A >>= the layer's shift (logical: the sum is not negative)
	next   string  // where to go when the layer is done
	record string  // what the column pointer in DE points at, for the listing
}

// shiftRight emits n pairs of SRL B / RRA: B:A >>= n.
func shiftRight(g *gen, n int) {
	for i := 0; i < n; i++ {
		g.I("srl b")
		g.I("rra")
	}
}

// shiftLadder emits a shift right by a count set at run time: a JR whose
// displacement (patched at the site's label + 1) skips 15-n of 15 pairs of
// SRL B / RRA, 3 bytes each.
func shiftLadder(g *gen, site string) {
	g.site(site)
	g.I("jr $+2", "patched at run time: skips 3*(15-shift) bytes")
	shiftRight(g, 15)
}

// activation emits the loop head of a conversion: with HL on the high byte
// of neuron L's sum, it skips negative sums (ReLU) and zero activations,
// leaves the activation (sum >> shift) in BC and the neuron's column
// pointer of the next layer in DE.
func activation(g *gen, o cvOps) {
	g.L(o.name + "_l")
	g.I("ld a,(hl)", "high byte (H stays on the high page for negative sums)")
	g.I("or a")
	g.I("jp m,"+o.name+"_s", "negative: ReLU gives 0")
	g.I("ld b,a")
	g.I("dec h")
	g.I("ld a,(hl)", "low byte")
	o.shift()
	g.I("ld c,a")
	g.I("or b")
	g.I("jr z,"+o.name+"_z", "zero: nothing to add")
	o.cp.emit(g, "ld h,%s", "the column table, high bytes")
	g.I("ld d,(hl)")
	g.I("dec h")
	g.I("ld e,(hl)", o.record)
}

// nextNeuron ends a conversion loop: back to the high page, on to the next
// neuron, and after the last to o.next.
func nextNeuron(g *gen, o cvOps) {
	g.L(o.name + "_z")
	o.hi.emit(g, "ld h,%s", "")
	g.L(o.name + "_s")
	g.I("inc l")
	g.I("jr nz," + o.name + "_l")
	g.I("jp " + o.next)
}

// loopStart points HL at the high byte of the current layer's first neuron.
func loopStart(g *gen, o cvOps) {
	o.hi.emit(g, "ld h,%s", "the current layer's high bytes")
	o.first.emit(g, "ld l,%s", "its first neuron")
}

// wideSplit: BC = x -> wxh = hi(x), w2xh = hi(2x), B = lo(2x), C = lo(x):
// an x of 128 or more is added in two passes, low bytes then high bytes.
func wideSplit(g *gen) {
	g.I("ld a,b")
	g.I("ld (wxh),a")
	g.I("ld h,b")
	g.I("ld l,c")
	g.I("add hl,hl")
	g.I("ld a,h")
	g.I("ld (w2xh),a")
	g.I("ld b,l")
}

// wideHigh loads the high parts for the second pass: C = hi(x), B = hi(2x).
func wideHigh(g *gen) {
	g.I("ld a,(wxh)")
	g.I("ld c,a")
	g.I("ld a,(w2xh)")
	g.I("ld b,a")
}

// smallX checks that x (BC) and 2x fit a byte; else it goes to wide. It
// leaves B = 2x.
func smallX(g *gen, wide string) {
	g.I("ld a,b")
	g.I("or a")
	g.I("jr nz,"+wide, "x >= 256")
	g.I("ld a,c")
	g.I("add a,a")
	g.I("jr c,"+wide, "2x >= 256")
	g.I("ld b,a", "B = 2x")
}

// listConvert emits a conversion whose columns are index-list records (the
// fast and GUESS engines): SP = the column's record, RET. The record ends
// by returning to name_n, which picks the neuron number up again from L'.
//
// A wide x needs the record walked twice; the record's last word cannot
// say so, so the low pass patches the three bytes at name_n into
// "JP name_p2", and name_p2 puts them back before the high pass.
func listConvert(g *gen, o cvOps) {
	name := o.name
	activation(g, o)
	g.I("ld a,l")
	g.I("exx")
	g.I("ld l,a", "L' keeps the neuron number")
	g.I("exx")
	g.I("ex de,hl")
	g.I("ld sp,hl")
	smallX(g, name+"_w")
	o.nlo.emit(g, "ld h,%s", "")
	g.I("ret", "into the record")
	g.L(name + "_n")
	g.I("exx", "patched to JP "+name+"_p2 during a wide column")
	g.I("ld a,l")
	g.I("exx")
	g.I("ld l,a")
	nextNeuron(g, o)
	g.L(name + "_w")
	g.I("ld (wrec),hl", "wide x: low bytes now, high bytes in a second pass")
	wideSplit(g)
	g.I("ld a,0C3h")
	g.I(fmt.Sprintf("ld (%s_n),a", name))
	g.I(fmt.Sprintf("ld hl,%s_p2", name))
	g.I(fmt.Sprintf("ld (%s_n+1),hl", name))
	o.nlo.emit(g, "ld h,%s", "")
	g.I("ret")
	g.L(name + "_p2")
	g.I("ld hl,7DD9h", "EXX / LD A,L / EXX back")
	g.I(fmt.Sprintf("ld (%s_n),hl", name))
	g.I("ld a,0D9h")
	g.I(fmt.Sprintf("ld (%s_n+2),a", name))
	g.I("ld sp,(wrec)")
	wideHigh(g)
	o.nhi.emit(g, "ld h,%s", "high bytes; carries go to the scratch page above")
	g.I("ret")
}

// addBase emits A = BASE + a vector whose low bytes are on page D and high
// bytes on page D+1, for the neurons from L to the end of the page.
func addBase(g *gen, tag string) {
	g.L(tag + "_l")
	g.I("ld h,d")
	g.I("ld a,(hl)")
	g.I("ld h,hi(BASE_LO)")
	g.I("add a,(hl)")
	g.I("ld h,hi(A_LO)")
	g.I("ld (hl),a")
	g.I("ld h,d")
	g.I("inc h", "(INC leaves the carry alone)")
	g.I("ld a,(hl)")
	g.I("ld h,hi(BASE_HI)")
	g.I("adc a,(hl)")
	g.I("ld h,hi(A_HI)")
	g.I("ld (hl),a")
	g.I("inc l")
	g.I("jr nz," + tag + "_l")
}

// biasStart copies a layer's biases (label bias: Out low bytes, then Out
// high bytes) into its low and high sum pages at neuron offset base: the
// sums start there and each active neuron of the layer before adds a column.
func biasStart(g *gen, bias, lo, hi string, base, out int) {
	g.I("ld hl," + bias)
	g.I(fmt.Sprintf("ld de,%s+%d", lo, base))
	g.I(fmt.Sprintf("ld bc,%d", out))
	g.I("ldir", "sums start at the biases")
	g.I(fmt.Sprintf("ld de,%s+%d", hi, base))
	g.I(fmt.Sprintf("ld bc,%d", out))
	g.I("ldir")
}

// accLayer is where a layer's 16-bit sums live: set "A" or "B" (two page
// pairs that alternate between layers), neuron o at offset base+o with
// base = 256-Out, so that a loop over the neurons ends when L wraps to zero.
type accLayer struct {
	in, out, base int
	set           string
}

func (l accLayer) lo() string { return l.set + "_LO" }
func (l accLayer) hi() string { return l.set + "_HI" }

// cbase is where a layer's packed columns start: 256-Out rounded up to 4
// (the first few weights of a column are padding).
func (l accLayer) cbase() int { return 256 - (l.out+3)&^3 }

// setOf is the accumulator set of layer li.
func setOf(li int) string {
	if li%2 == 1 {
		return "B"
	}
	return "A"
}
