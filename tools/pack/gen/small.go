package gen

import "fmt"

// The small engine keeps the weights packed four to a byte (2-bit two's
// complement: 00 = 0, 01 = +1, 10 = -2, 11 = -1), column by column
// (packColumn), so a default-shape model needs about 36 KB of weights. It
// still skips inputs that are zero, and a byte of four zero weights costs
// one test; the rest is decoded two bits at a time (scol) with the 16-bit
// sum kept in low/high pages like the fast engine's. Slower, but it fits
// where the fast one does not (docs/DESIGN.md, "4. The packer and its
// engines").
type small struct {
	packed
	cp1 []int // addresses of layer 1's columns
}

func (s *small) name() string { return "small" }

func (s *small) queryPass() {
	g := s.g
	l0 := s.layers[0]
	queryStart(g, l0)
	packedPass(g, "sq", constant("hi(cp1)+1"), constant("hi(BASE_LO)"), constant("%d", l0.cbase()))
}

func (s *small) charPass() {
	g := s.g
	l0 := s.layers[0]
	g.C("character pass: A = BASE + the context's columns, then layer by layer")
	contextStart(g, l0)
	packedPass(g, "sc", constant("hi(cp1)+1"), constant("hi(A_LO)"), constant("%d", l0.cbase()))
	for li := 0; li+1 < len(s.layers); li++ {
		l, next := s.layers[li], s.layers[li+1]
		shift := int(g.m.Layers[li].Shift)
		g.C(fmt.Sprintf("layer %d -> %d", li+1, li+2))
		// in place: x = max(0, acc >> shift)
		g.I(fmt.Sprintf("ld l,%d", l.base))
		g.L(fmt.Sprintf("sx%d", li+1))
		g.I(fmt.Sprintf("ld h,hi(%s)", l.hi()))
		g.I("ld a,(hl)")
		g.I("or a")
		g.I(fmt.Sprintf("jp p,sxp%d", li+1))
		g.I("ld (hl),0", "ReLU")
		g.I("dec h")
		g.I("ld (hl),0")
		g.I(fmt.Sprintf("jr sxn%d", li+1))
		g.L(fmt.Sprintf("sxp%d", li+1))
		g.I("ld b,a")
		g.I("dec h")
		g.I("ld a,(hl)")
		shiftRight(g, shift)
		g.I("ld (hl),a")
		g.I("inc h")
		g.I("ld (hl),b")
		g.L(fmt.Sprintf("sxn%d", li+1))
		g.I("inc l")
		g.I(fmt.Sprintf("jr nz,sx%d", li+1))
		biasStart(g, fmt.Sprintf("bias%d", li+2), next.lo(), next.hi(), next.base, next.out)
		// every non-zero input adds its column; the columns follow each other
		g.I(fmt.Sprintf("ld iy,sw%d", li+2))
		g.I(fmt.Sprintf("ld a,%d", l.base))
		g.L(fmt.Sprintf("sa%d", li+2))
		g.I("ld (sci),a")
		g.I("ld l,a")
		g.I(fmt.Sprintf("ld h,hi(%s)", l.hi()))
		g.I("ld b,(hl)")
		g.I("dec h")
		g.I("ld c,(hl)")
		g.I("ld a,b")
		g.I("or c")
		g.I(fmt.Sprintf("jr z,san%d", li+2))
		g.I("push iy")
		g.I("exx")
		g.I("pop hl", "HL' = the column")
		g.I("exx")
		g.I(fmt.Sprintf("ld h,hi(%s)", next.lo()))
		g.I(fmt.Sprintf("ld l,%d", next.cbase()))
		g.I("call scol")
		g.L(fmt.Sprintf("san%d", li+2))
		g.I(fmt.Sprintf("ld de,%d", len(s.cols[li+1][0])))
		g.I("add iy,de")
		g.I("ld a,(sci)")
		g.I("inc a")
		g.I(fmt.Sprintf("jr nz,sa%d", li+2))
	}
	li := len(s.layers) - 1
	l := s.layers[li]
	decide(g, l.lo(), l.base, int(g.m.Layers[li].Shift))
}

func (s *small) code() { emitScol(s.g) }

// emitScol emits scol: add x (BC) times the packed column at HL' to the
// 16-bit sums at H (low bytes) and H+1 (high bytes), from neuron L up to
// the end of the page. Four weights a byte, the first in bits 7-6; a byte
// of four zeros costs one test.
func emitScol(g *gen) {
	g.C("scol: add x (BC) times the packed column at HL' to the sums at H, from L up to the page end")
	g.L("scol")
	g.I("ld d,b")
	g.I("ld e,c")
	g.I("ex de,hl")
	g.I("add hl,hl")
	g.I("ex de,hl", "DE = 2x")
	g.L("scol_b")
	g.I("exx")
	g.I("ld a,(hl)", "four weights")
	g.I("inc hl")
	g.I("exx")
	g.I("or a")
	g.I("jr nz,scol_w")
	g.I("ld a,l", "all four zero")
	g.I("add a,4")
	g.I("ld l,a")
	g.I("jr nz,scol_b")
	g.I("ret")
	g.L("scol_w")
	for k := 0; k < 4; k++ {
		n := fmt.Sprint(k)
		g.I("add a,a", "sign bit")
		g.I("jr c,scol_n" + n)
		g.I("add a,a")
		g.I("jr nc,scol_z"+n, "00: zero")
		g.I("ex af,af'", "01: +x")
		addsub(g, "add a,c", "adc a,b")
		g.I("jr scol_z" + n)
		g.L("scol_n" + n)
		g.I("add a,a")
		g.I("jr c,scol_m" + n)
		g.I("ex af,af'", "10: -2x")
		addsub(g, "sub e", "sbc a,d")
		g.I("jr scol_z" + n)
		g.L("scol_m" + n)
		g.I("ex af,af'", "11: -x")
		addsub(g, "sub c", "sbc a,b")
		g.L("scol_z" + n)
		g.I("inc l")
	}
	g.I("jp nz,scol_b")
	g.I("ret")
}

func addsub(g *gen, lo, hi string) {
	g.I("ld a,(hl)")
	g.I(lo)
	g.I("ld (hl),a")
	g.I("inc h")
	g.I("ld a,(hl)")
	g.I(hi)
	g.I("ld (hl),a")
	g.I("dec h")
	g.I("ex af,af'")
}

func (s *small) data() {
	g := s.g
	biasData(g)
	g.L("sci")
	g.I("db 0", "neuron of the layer being converted")
	for li := range s.layers {
		g.L(fmt.Sprintf("sw%d", li+1))
		addrs := columnBlob(g, s.cols[li], fmt.Sprintf("layer %d: %d columns of %d packed weights", li+1, len(s.cols[li]), 4*len(s.cols[li][0])))
		if li == 0 {
			s.cp1 = addrs
		}
	}
}

// tables: layer 1's column table (the later layers' columns are walked in
// order).
func (s *small) tables() { columnTables(s.g, s.layers[:1], [][]int{s.cp1}) }

func (s *small) buffers() {
	g := s.g
	for _, p := range []string{"BASE_LO", "BASE_HI", "A_LO", "A_HI", "B_LO", "B_HI", "X"} {
		g.reservePage(p)
	}
	x, _ := g.a.Value("X")
	g.a.Equ("LINEBUF", x)
	g.a.Equ("QS", x+64)
	g.reserve("DL", 128)
}
