package gen

import "fmt"

// The dense engine is for models with many non-zero weights, where index
// lists (one byte per non-zero weight) no longer fit (docs/DESIGN.md, "4.
// The packer and its engines"): the columns are packed four weights to a
// byte (stream.go, packColumn), and every byte value has its own handler,
// 256 short routines that apply the four weights it encodes with the fast
// engine's 8-bit updates and out-of-line carries:
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
type dense struct {
	packed
	recAddr [][]int
}

// packed is what the engines with packed columns (dense, small) plan.
type packed struct {
	g      *gen
	layers []accLayer
	cols   [][][]byte // per layer, per column: packed weights
}

func (p *packed) plan() error {
	p.layers = accLayers(p.g)
	p.cols = packedLayers(p.g.m)
	return nil
}

func (d *dense) name() string { return "dense" }

func (d *dense) queryPass() {
	g := d.g
	l0 := d.layers[0]
	queryStart(g, l0)
	listFromCounts(g, "sent_q", "q", constant("hi(cp1)+1"))
	g.I("jp drvq")
	g.L("q_done")
}

func (d *dense) charPass() {
	g := d.g
	l0 := d.layers[0]
	g.C("character pass: layer 1 = BASE + the context's columns, then the other layers")
	contextLists(g, l0)
}

func (d *dense) code() {
	g := d.g
	d.driver("drvq", "BASE_LO", "q_done")
	next := "argmax"
	if len(d.layers) > 1 {
		next = "cv2"
	}
	d.driver("drv1", "A_LO", next)
	for li := 0; li+1 < len(d.layers); li++ {
		d.convert(li)
	}
	li := len(d.layers) - 1
	l := d.layers[li]
	decide(g, l.lo(), l.base, int(g.m.Layers[li].Shift))
	g.I("jp f_class")
	d.handlers()
}

// driver: the column loop over a list of (column, x) entries; the sentinel
// entry (x = 0) ends it.
func (d *dense) driver(name, lo string, done string) {
	g := d.g
	cb := d.layers[0].cbase()
	g.C(fmt.Sprintf("%s: next column into %s", name, lo))
	g.L(name)
	g.I("ld sp,(cursor)")
	g.I("pop hl", "packed column")
	g.I("pop bc", "x")
	g.I("ld (cursor),sp")
	handColumn(g, "hl")
	g.I("ld ix,"+name, "come back here")
	g.I("ld a,b")
	g.I("or c")
	g.I("jp z,"+done, "x = 0: end of the list")
	smallX(g, name+"_w")
	g.I(fmt.Sprintf("ld hl,%s+%d", lo, cb))
	g.I("jp dnext")
	g.L(name + "_w")
	g.I("ld (wrec),hl", "wide x: low bytes now, high bytes in a second pass")
	d.wide(name, name, fmt.Sprintf("%s+%d", lo, cb))
}

// handColumn hands the column address in reg to BC' (through the stack).
func handColumn(g *gen, reg string) {
	g.I("push " + reg)
	g.I("exx")
	g.I("pop bc", "BC' = the column")
	g.I("exx")
}

// wide emits the two passes of a wide x from name_w on: the low bytes now
// (the column address is in wrec), the high bytes from name_p2, after
// which the handlers return to back.
func (d *dense) wide(name, back, lo string) {
	g := d.g
	wideSplit(g)
	g.I("ld ix," + name + "_p2")
	g.I("ld hl," + lo)
	g.I("jp dnext")
	g.L(name + "_p2")
	g.I("ld hl,(wrec)")
	handColumn(g, "hl")
	g.I("ld ix," + back)
	wideHigh(g)
	g.I("ld hl,"+lo+"+256", "high bytes; carries go to the scratch page above")
	g.I("jp dnext")
}

// convert: layer li's activations, each positive one adds its packed
// column of layer li+1 at once; the neuron number waits in cvo.
func (d *dense) convert(li int) {
	g := d.g
	l, next := d.layers[li], d.layers[li+1]
	o := cvOps{
		name:   fmt.Sprintf("cv%d", li+2),
		hi:     constant("hi(%s)", l.hi()),
		first:  constant("%d", l.base),
		cp:     constant("hi(cp%d)+1", li+2),
		shift:  func() { shiftRight(g, int(g.m.Layers[li].Shift)) },
		next:   "argmax",
		record: "DE = the packed column",
	}
	if li+2 < len(d.layers) {
		o.next = fmt.Sprintf("cv%d", li+3)
	}
	nlo := fmt.Sprintf("%s+%d", next.lo(), next.cbase())
	g.C(fmt.Sprintf("%s: layer %d activations (>>%d, ReLU) each add their packed column of layer %d", o.name, li+1, g.m.Layers[li].Shift, li+2))
	g.L(o.name)
	g.I("ld sp,(savesp)", "a stack for handing the column to BC'")
	biasStart(g, fmt.Sprintf("bias%d", li+2), next.lo(), next.hi(), next.base, next.out)
	g.I("ld ix," + o.name + "_n")
	loopStart(g, o)
	activation(g, o)
	g.I("ld a,l")
	g.I("ld (cvo),a")
	handColumn(g, "de")
	smallX(g, o.name+"_w")
	g.I("ld hl," + nlo)
	g.I("jp dnext")
	g.L(o.name + "_n")
	g.I("ld a,(cvo)")
	g.I("ld l,a")
	nextNeuron(g, o)
	g.L(o.name + "_w")
	g.I("ld (wrec),de", "wide x: low bytes now, high bytes in a second pass")
	d.wide(o.name, o.name+"_n", nlo)
}

// handlers emits the byte dispatcher and one routine per byte value.
func (d *dense) handlers() {
	g := d.g
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

func (d *dense) data() {
	g := d.g
	biasData(g)
	sent := map[string]string{"sent_q": "0", "sent_1": "0"} // x = 0 ends a dense list
	driverData(g, nil, sent)
	d.recAddr = make([][]int, len(d.layers))
	for li, l := range d.layers {
		g.L(fmt.Sprintf("col%d", li+1))
		d.recAddr[li] = columnBlob(g, d.cols[li], fmt.Sprintf("layer %d: %d packed columns of %d bytes", li+1, l.in, len(d.cols[li][0])))
	}
}

func (d *dense) tables() {
	g := d.g
	var lo, hi [256]byte
	for p := range 256 {
		a := g.addr(fmt.Sprintf("h%02X", p))
		lo[p], hi[p] = byte(a), byte(a>>8)
	}
	g.L("htab")
	g.a.Bytes(lo[:], "handler of each packed byte, low bytes")
	g.a.Bytes(hi[:], "high bytes")
	columnTables(g, d.layers, d.recAddr)
}

func (d *dense) buffers() { listBuffers(d.g) }
