package gen

import "fmt"

// The small engine keeps the weights packed four to a byte (2-bit two's
// complement: 00 = 0, 01 = +1, 10 = -2, 11 = -1), column by column, so a
// default-shape model needs about 36 KB of weights. It still skips inputs
// that are zero, and a byte of four zero weights costs one test; the rest
// is decoded two bits at a time with the 16-bit sum kept in low/high pages
// like the fast engine's. Slower, but it fits where the fast one does not.
type small struct {
	g      *gen
	layers []slayer
}

type slayer struct {
	in, out, out4, base int // out4: out rounded up to 4; neuron o at base+o, base = 256-out4
	set                 string
	cols                [][]byte // packed column per input
}

func (s *small) plan() error {
	m := s.g.m
	for li, l := range m.Layers {
		sl := slayer{in: l.In, out: l.Out, out4: (l.Out + 3) &^ 3}
		sl.base = 256 - sl.out4
		sl.set = "A"
		if li%2 == 1 {
			sl.set = "B"
		}
		for c := 0; c < l.In; c++ {
			col := make([]byte, sl.out4/4)
			for o := 0; o < l.Out; o++ {
				code := byte(l.W[o*l.In+c]) & 3 // -2 -> 10, -1 -> 11, 1 -> 01
				col[o/4] |= code << (6 - 2*(o%4))
			}
			sl.cols = append(sl.cols, col)
		}
		s.layers = append(s.layers, sl)
	}
	return nil
}

func (s *small) queryPass() {
	g := s.g
	l0 := s.layers[0]
	g.C("query pass: BASE = bias of layer 1 + the query's columns")
	g.I("ld hl,sbias1")
	g.I(fmt.Sprintf("ld de,BASE_LO+%d", l0.base))
	g.I(fmt.Sprintf("ld bc,%d", l0.out4))
	g.I("ldir")
	g.I(fmt.Sprintf("ld de,BASE_HI+%d", l0.base))
	g.I(fmt.Sprintf("ld bc,%d", l0.out4))
	g.I("ldir")
	g.I("ld a,hi(BASE_LO)")
	g.I("call sdl")
}

func (s *small) charPass() {
	g := s.g
	l0 := s.layers[0]
	g.C("character pass: A = BASE + the context's columns, then layer by layer")
	g.I(fmt.Sprintf("ld hl,BASE_LO+%d", l0.base))
	g.I(fmt.Sprintf("ld de,A_LO+%d", l0.base))
	g.I(fmt.Sprintf("ld bc,%d", l0.out4))
	g.I("ldir")
	g.I(fmt.Sprintf("ld hl,BASE_HI+%d", l0.base))
	g.I(fmt.Sprintf("ld de,A_HI+%d", l0.base))
	g.I(fmt.Sprintf("ld bc,%d", l0.out4))
	g.I("ldir")
	g.I("ld a,hi(A_LO)")
	g.I("call sdl")
	for li := 0; li+1 < len(s.layers); li++ {
		l, next := s.layers[li], s.layers[li+1]
		shift := int(g.m.Layers[li].Shift)
		g.C(fmt.Sprintf("layer %d -> %d", li+1, li+2))
		// in place: x = max(0, acc >> shift)
		g.I(fmt.Sprintf("ld l,%d", l.base))
		g.L(fmt.Sprintf("sx%d", li+1))
		g.I(fmt.Sprintf("ld h,hi(%s_HI)", l.set))
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
		for i := 0; i < shift; i++ {
			g.I("srl b")
			g.I("rra")
		}
		g.I("ld (hl),a")
		g.I("inc h")
		g.I("ld (hl),b")
		g.L(fmt.Sprintf("sxn%d", li+1))
		g.I("inc l")
		g.I(fmt.Sprintf("jr nz,sx%d", li+1))
		// next layer's sums start at its biases
		g.I(fmt.Sprintf("ld hl,sbias%d", li+2))
		g.I(fmt.Sprintf("ld de,%s_LO+%d", next.set, next.base))
		g.I(fmt.Sprintf("ld bc,%d", next.out4))
		g.I("ldir")
		g.I(fmt.Sprintf("ld de,%s_HI+%d", next.set, next.base))
		g.I(fmt.Sprintf("ld bc,%d", next.out4))
		g.I("ldir")
		// every non-zero input adds its column
		g.I(fmt.Sprintf("ld iy,sw%d", li+2))
		g.I(fmt.Sprintf("ld a,%d", l.base))
		g.L(fmt.Sprintf("sa%d", li+2))
		g.I("ld (sci),a")
		g.I("ld l,a")
		g.I(fmt.Sprintf("ld h,hi(%s_HI)", l.set))
		g.I("ld b,(hl)")
		g.I("dec h")
		g.I("ld c,(hl)")
		g.I("ld a,b")
		g.I("or c")
		g.I(fmt.Sprintf("jr z,san%d", li+2))
		g.I("push iy")
		g.I("exx")
		g.I("pop hl")
		g.I("exx")
		g.I(fmt.Sprintf("ld h,hi(%s_LO)", next.set))
		g.I(fmt.Sprintf("ld l,%d", next.base))
		g.I("call scol")
		g.L(fmt.Sprintf("san%d", li+2))
		g.I(fmt.Sprintf("ld de,%d", next.out4/4))
		g.I("add iy,de")
		g.I("ld a,(sci)")
		g.I("inc a")
		g.I(fmt.Sprintf("jr nz,sa%d", li+2))
	}
	// argmax over the real neurons of the last layer
	li := len(s.layers) - 1
	l := s.layers[li]
	shift := int(g.m.Layers[li].Shift)
	g.C("argmax (>>shift, signed, first maximum)")
	g.I("ld de,0")
	g.I(fmt.Sprintf("ld a,%d", l.base))
	g.I("ld (sbest),a")
	g.I(fmt.Sprintf("ld l,%d", l.base))
	g.L("sam")
	g.I(fmt.Sprintf("ld h,hi(%s_HI)", l.set))
	g.I("ld b,(hl)")
	g.I("dec h")
	g.I("ld c,(hl)")
	for i := 0; i < shift; i++ {
		g.I("sra b")
		g.I("rr c")
	}
	g.I("ld a,b")
	g.I("xor 80h")
	g.I("ld b,a")
	g.I("ld a,e")
	g.I("sub c")
	g.I("ld a,d")
	g.I("sbc a,b")
	g.I("jr nc,samn")
	g.I("ld d,b")
	g.I("ld e,c")
	g.I("ld a,l")
	g.I("ld (sbest),a")
	g.L("samn")
	g.I("inc l")
	g.I("ld a,l")
	g.I(fmt.Sprintf("cp %d", (l.base+l.out)&255))
	g.I("jr nz,sam")
	g.I("ld a,(sbest)")
	g.I(fmt.Sprintf("sub %d", l.base))
}

func (s *small) code() {
	g := s.g
	l0 := s.layers[0]
	g.C("sdl: A = page of layer 1 sums; add the column of every input in DL (count -> x)")
	g.L("sdl")
	g.I("ld (spage),a")
	g.I("ld a,(dln)")
	g.I("or a")
	g.I("ret z")
	g.I("ld b,a")
	g.I("ld ix,DL")
	g.L("sdl_l")
	g.I("push bc")
	g.I("ld l,(ix+0)", "input number")
	g.I("ld h,0")
	g.I(fmt.Sprintf("ld de,%d", l0.out4/4))
	g.I("call smul", "HL = input * column size")
	g.I("ld de,sw1")
	g.I("add hl,de")
	g.I("push hl")
	g.I("exx")
	g.I("pop hl", "HL' = its packed column")
	g.I("exx")
	g.I("ld l,(ix+0)")
	g.I("inc ix")
	g.I("ld h,hi(CNT)")
	g.I("ld a,(hl)")
	g.I("ld (hl),0")
	g.I("ld l,a")
	g.I("ld h,hi(xtab)")
	g.I("ld c,(hl)")
	g.I("set 7,l")
	g.I("ld b,(hl)", "BC = count * scale")
	g.I("ld a,(spage)")
	g.I("ld h,a")
	g.I(fmt.Sprintf("ld l,%d", l0.base))
	g.I("ld a,b")
	g.I("or c")
	g.I("call nz,scol")
	g.I("pop bc")
	g.I("djnz sdl_l")
	g.I("ret")

	g.C("smul: HL = L * DE (L < 256)")
	g.L("smul")
	g.I("ld a,l")
	g.I("ld hl,0")
	g.I("ld b,8")
	g.L("smul_l")
	g.I("add hl,hl")
	g.I("rla")
	g.I("jr nc,smul_n")
	g.I("add hl,de")
	g.L("smul_n")
	g.I("djnz smul_l")
	g.I("ret")

	emitScol(g)
}

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
	m := g.m
	for li, l := range s.layers {
		lo, hi := make([]byte, l.out4), make([]byte, l.out4)
		for o, b := range m.Layers[li].B {
			lo[o], hi[o] = byte(b), byte(uint16(b)>>8)
		}
		g.filler(fmt.Sprintf("sbias%d", li+1), append(lo, hi...), fmt.Sprintf("layer %d biases: low bytes, then high bytes", li+1))
	}
	for _, v := range []string{"spage", "sci", "sbest"} {
		g.L(v)
		g.I("db 0")
	}
	for li, l := range s.layers {
		var blob []byte
		for _, c := range l.cols {
			blob = append(blob, c...)
		}
		g.L(fmt.Sprintf("sw%d", li+1))
		g.a.Bytes(blob, fmt.Sprintf("layer %d: %d columns of %d packed weights", li+1, l.in, l.out4))
	}
}

func (s *small) tables() {}

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
