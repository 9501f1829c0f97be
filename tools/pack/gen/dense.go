package gen

import "fmt"

// The dense engine is the fast engine for models with many non-zero
// weights, where index lists (one byte per non-zero weight) no longer fit:
// the columns are packed four weights to a byte like the small engine's,
// and every byte value has its own handler, 256 short routines that apply
// the four weights it encodes with the fast engine's 8-bit updates and
// out-of-line carries:
//
//	dnext: EXX / LD A,(BC) / INC BC / LD L,A / LD H,htab / LD E,(HL) /
//	       INC H / LD D,(HL) / EX DE,HL / JP (HL)
//	h_5Bh: EXX / +x / INC L / -x / INC L / +x / INC L / -2x / INC L /
//	       JP NZ,dnext / JP (IX)
//
// BC' walks the column, the main registers keep C = x, B = 2x, H = page,
// L = neuron; a column ends when L wraps to zero and IX says where to go
// on. A layer of Out neurons starts its columns at 256-Out4 (Out rounded
// up to 4, the first few weights of a column are padding) so that the
// real neurons sit at 256-Out as in the fast engine.

func (f *fast) densePlan() {
	m := f.g.m
	for li, l := range m.Layers {
		fl := flayer{in: l.In, out: l.Out, base: 256 - l.Out}
		fl.set = "A"
		if li%2 == 1 {
			fl.set = "B"
		}
		out4 := (l.Out + 3) &^ 3
		pad := out4 - l.Out
		for c := 0; c < l.In; c++ {
			col := make([]byte, out4/4)
			for o := 0; o < l.Out; o++ {
				k := pad + o
				code := byte(l.W[o*l.In+c]) & 3 // 01 = +1, 10 = -2, 11 = -1
				col[k/4] |= code << (6 - 2*(k%4))
			}
			fl.cols = append(fl.cols, col)
		}
		f.layers = append(f.layers, fl)
	}
}

// cbase is where a layer's columns start: 256-Out4.
func (l flayer) cbase() int { return 256 - (l.out+3)&^3 }

func (f *fast) denseCode() {
	f.denseDriver("drvq", "BASE_LO", 0, "q_done")
	next := "argmax"
	if len(f.layers) > 1 {
		next = "cv2"
	}
	f.denseDriver("drv1", "A_LO", 0, next)
	for li := 0; li+1 < len(f.layers); li++ {
		f.denseConvert(li)
	}
	f.argmax()
	f.handlers()
}

// denseDriver: the column loop over a list of (column, x) entries; an
// entry with x = 0 ends it.
func (f *fast) denseDriver(name, lo string, li int, done string) {
	g := f.g
	cb := f.layers[li].cbase()
	g.C(fmt.Sprintf("%s: next column into %s", name, lo))
	g.L(name)
	g.I("ld sp,(cursor)")
	g.I("pop hl", "packed column")
	g.I("pop bc", "x")
	g.I("ld (cursor),sp")
	g.I("push hl", "(over the entry just read)")
	g.I("exx")
	g.I("pop bc", "BC' = column")
	g.I("exx")
	g.I("ld ix,"+name, "come back here")
	g.I("ld a,b")
	g.I("or a")
	g.I("jr nz,"+name+"_w", "x >= 256")
	g.I("or c")
	g.I("jp z,"+done, "x = 0: end of the list")
	g.I("ld a,c")
	g.I("add a,a")
	g.I("jr c,"+name+"_w", "2x >= 256")
	g.I("ld b,a", "B = 2x")
	g.I(fmt.Sprintf("ld hl,%s+%d", lo, cb))
	g.I("jp dnext")
	g.L(name + "_w")
	g.I("ld (wrec),hl", "wide x: low bytes now, high bytes in a second pass")
	f.wideSplit()
	g.I("ld ix," + name + "_p2")
	g.I(fmt.Sprintf("ld hl,%s+%d", lo, cb))
	g.I("jp dnext")
	g.L(name + "_p2")
	g.I("ld hl,(wrec)")
	g.I("push hl")
	g.I("exx")
	g.I("pop bc")
	g.I("exx")
	g.I("ld ix," + name)
	g.I("ld a,(wxh)")
	g.I("ld c,a")
	g.I("ld a,(w2xh)")
	g.I("ld b,a")
	g.I(fmt.Sprintf("ld hl,%s+256+%d", lo, cb), "high bytes; carries go to the scratch page above")
	g.I("jp dnext")
}

// wideSplit: BC = x -> wxh = hi(x), w2xh = hi(2x), B = lo(2x), C = lo(x).
func (f *fast) wideSplit() {
	g := f.g
	g.I("ld a,b")
	g.I("ld (wxh),a")
	g.I("ld h,b")
	g.I("ld l,c")
	g.I("add hl,hl")
	g.I("ld a,h")
	g.I("ld (w2xh),a")
	g.I("ld b,l")
}

// denseConvert: layer li's activations, each positive one adds its packed
// column of layer li+1 at once; the neuron number waits in cvo.
func (f *fast) denseConvert(li int) {
	g := f.g
	l, next := f.layers[li], f.layers[li+1]
	lo := l.set + "_LO"
	nlo, nhi := next.set+"_LO", next.set+"_HI"
	shift := int(g.m.Layers[li].Shift)
	name := fmt.Sprintf("cv%d", li+2)
	cb := next.cbase()
	g.C(fmt.Sprintf("%s: layer %d activations (>>%d, ReLU) each add their packed column of layer %d", name, li+1, shift, li+2))
	g.L(name)
	g.I("ld sp,(savesp)", "a stack for handing the column to BC'")
	f.biasStart(li, nlo, nhi, next)
	g.I("ld ix," + name + "_n")
	g.I(fmt.Sprintf("ld hl,%s+%d", l.set+"_HI", l.base))
	f.activation(name, li, shift, "DE = the packed column")
	g.I("ld a,l")
	g.I("ld (cvo),a")
	g.I("push de")
	g.I("exx")
	g.I("pop bc", "BC' = the column")
	g.I("exx")
	g.I("ld a,b")
	g.I("or a")
	g.I("jr nz,"+name+"_w", "x >= 256")
	g.I("ld a,c")
	g.I("add a,a")
	g.I("jr c,"+name+"_w", "2x >= 256")
	g.I("ld b,a", "B = 2x")
	g.I(fmt.Sprintf("ld hl,%s+%d", nlo, cb))
	g.I("jp dnext")
	g.L(name + "_n")
	g.I("ld a,(cvo)")
	g.I("ld l,a")
	f.nextNeuron(name, lo, li)
	g.L(name + "_w")
	g.I("ld (wrec),de", "wide x: low bytes now, high bytes in a second pass")
	f.wideSplit()
	g.I("ld ix," + name + "_p2")
	g.I(fmt.Sprintf("ld hl,%s+%d", nlo, cb))
	g.I("jp dnext")
	g.L(name + "_p2")
	g.I("ld hl,(wrec)")
	g.I("push hl")
	g.I("exx")
	g.I("pop bc")
	g.I("exx")
	g.I("ld ix," + name + "_n")
	g.I("ld a,(wxh)")
	g.I("ld c,a")
	g.I("ld a,(w2xh)")
	g.I("ld b,a")
	g.I(fmt.Sprintf("ld hl,%s+256+%d", nlo, cb), "high bytes; carries go to the scratch page above")
	g.I("jp dnext")
}

// handlers emits the byte dispatcher and one routine per byte value.
func (f *fast) handlers() {
	g := f.g
	g.C("dnext: the next packed byte of the column (BC') selects its handler")
	g.L("dnext")
	g.I("exx")
	g.I("ld a,(bc)")
	g.I("inc bc")
	g.I("ld l,a")
	g.I("ld h,hi(htab)")
	g.I("ld e,(hl)")
	g.I("inc h")
	g.I("ld d,(hl)")
	g.I("ex de,hl")
	g.I("jp (hl)")
	for p := 0; p < 256; p++ {
		name := fmt.Sprintf("h%02X", p)
		g.L(name)
		g.I("exx")
		var stubs []string
		for k := 0; k < 4; k++ {
			code := (p >> (6 - 2*k)) & 3
			if code != 0 {
				c := classOp[map[int]int{1: 0, 3: 1, 2: 2}[code]]
				tag := fmt.Sprintf("%s%d", name, k)
				g.I("ld a,(hl)")
				g.I(c.op, c.desc)
				g.I("ld (hl),a")
				g.I("jr c," + tag + "f")
				g.L(tag + "b")
				stubs = append(stubs, tag, c.fix)
			}
			g.I("inc l")
		}
		g.I("jp nz,dnext")
		g.I("jp (ix)", "column done")
		for i := 0; i < len(stubs); i += 2 {
			g.L(stubs[i] + "f")
			g.I("inc h")
			g.I(stubs[i+1], "carry into the high byte")
			g.I("dec h")
			g.I("jr " + stubs[i] + "b")
		}
	}
}

func (f *fast) denseData() {
	g := f.g
	f.recAddr = make([][]int, len(f.layers))
	for li, l := range f.layers {
		var blob []byte
		start := g.a.PC()
		f.recAddr[li] = make([]int, l.in)
		for c := 0; c < l.in; c++ {
			f.recAddr[li][c] = start + len(blob)
			blob = append(blob, l.cols[c]...)
		}
		g.L(fmt.Sprintf("col%d", li+1))
		g.a.Bytes(blob, fmt.Sprintf("layer %d: %d packed columns of %d bytes", li+1, l.in, len(l.cols[0])))
	}
}

func (f *fast) handlerTable() {
	g := f.g
	var lo, hi [256]byte
	for p := range 256 {
		a := f.addr(fmt.Sprintf("h%02X", p))
		lo[p], hi[p] = byte(a), byte(a>>8)
	}
	g.L("htab")
	g.a.Bytes(lo[:], "handler of each packed byte, low bytes")
	g.a.Bytes(hi[:], "high bytes")
}
