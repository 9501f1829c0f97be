package gen

import "fmt"

// The fast engine works column by column and only on non-zero inputs
// (docs/DESIGN.md, "4. The packer and its engines").
//
// Accumulators: a layer's 16-bit sums live in two page-aligned tables, low
// bytes in one page and high bytes in the next (accLayer). Two such sets
// (A, B) alternate between layers; BASE holds layer 1's bias plus the
// query's contribution, computed once per reply.
//
// Weights: for every input column a record
//
//	[entry+1][pairs of neuron offsets with weight +1]
//	[entry-1][pairs ... -1][entry-2][pairs ... -2][next]
//
// (empty lists left out). The driver points SP at the record and executes
// RET: each entry is the address inside an unrolled stream (stream.go) that
// processes exactly the number of pairs left, then RETs into the next list;
// the last word returns to the driver. When x >= 128 (x or 2x needs 16
// bits) the column is walked twice: low bytes with the low parts, then high
// bytes (H one page up) with the high parts; that pass's carries land in a
// scratch page.
type fast struct {
	g *gen
	// packedQuery keeps layer 1's query columns packed 4 weights a byte
	// (they are added once per reply, by scol): smaller, a little slower.
	packedQuery bool
	layers      []accLayer
	lists       [][][3][]byte // per layer, per column, per class: neuron offsets
	qcols       [][]byte
	st          streams
	recAddr     [][]int // per layer, per column
}

func (f *fast) name() string {
	if f.packedQuery {
		return "fast (query columns packed)"
	}
	return "fast"
}

func accLayers(g *gen) []accLayer {
	var ls []accLayer
	for li, l := range g.m.Layers {
		ls = append(ls, accLayer{in: l.In, out: l.Out, base: 256 - l.Out, set: setOf(li)})
	}
	return ls
}

func (f *fast) plan() error {
	m := f.g.m
	f.layers = accLayers(f.g)
	anyOdd := false
	for li, l := range m.Layers {
		cols := make([][3][]byte, l.In)
		for c := range cols {
			if li == 0 && c < m.QueryBuckets && f.packedQuery {
				f.qcols = append(f.qcols, packColumn(l.W, l.In, l.Out, c))
				continue
			}
			cols[c] = columnLists(l.W, l.In, l.Out, c)
		}
		f.lists = append(f.lists, cols)
		anyOdd = anyOdd || l.Out == 256
	}
	f.st = chooseStreams(func(k int, visit func(int)) {
		for _, cols := range f.lists {
			for _, c := range cols {
				visit(len(c[k]))
			}
		}
	}, anyOdd)
	return nil
}

func (f *fast) queryPass() {
	g := f.g
	l0 := f.layers[0]
	queryStart(g, l0)
	if !f.packedQuery {
		listFromCounts(g, "sent_q", "q", constant("hi(cp1)+1"))
		g.I("jp drvq")
		g.L("q_done")
		return
	}
	packedPass(g, "qp", constant("hi(cp1)+1"), constant("hi(BASE_LO)"), constant("%d", 256-(l0.out+3)&^3))
	g.L("q_done")
}

func (f *fast) charPass() {
	g := f.g
	l0 := f.layers[0]
	g.C("character pass: layer 1 = BASE + the context's columns, then the other layers")
	g.I("ld a,(rlen)")
	g.I("or a")
	g.I("jr nz,cp_ctx")
	g.C("the first step's context (eight spaces) is always the same: its columns' sum C0 is a table")
	g.I("ld d,hi(c0)")
	g.I(fmt.Sprintf("ld l,%d", l0.base))
	addBase(g, "c0")
	g.I("ld a,(sent_1)")
	g.I("ld l,a")
	g.I("ld a,(sent_1+1)")
	g.I("ld h,a")
	g.I("jp (hl)", "where the context's columns would have gone on")
	g.L("cp_ctx")
	contextLists(g, l0)
}

// contextStart begins a later step's layer 1: the context's counts, and
// its sums start at BASE.
func contextStart(g *gen, l0 accLayer) {
	g.I("call hashc", "context n-gram counts -> CNT, DL")
	copyBase(g, l0.base, l0.out)
}

// contextLists adds the context's columns through the list driver drv1,
// whose sentinel goes on to the conversions; the decision comes back to
// f_class.
func contextLists(g *gen, l0 accLayer) {
	contextStart(g, l0)
	listFromCounts(g, "sent_1", "c", constant("hi(cp1)+1"))
	g.I("jp drv1")
	g.L("f_class")
}

// queryStart begins the query pass: BASE starts at layer 1's biases.
func queryStart(g *gen, l0 accLayer) {
	g.C("query pass: BASE = bias of layer 1 + the query's columns")
	biasStart(g, "bias1", "BASE_LO", "BASE_HI", l0.base, l0.out)
}

// copyBase copies layer 1's sums BASE into A (neurons from base on).
func copyBase(g *gen, base, out int) {
	if out == 256 {
		g.I("ld hl,BASE_LO")
		g.I("ld de,A_LO")
		g.I("ld bc,512")
		g.I("ldir", "both pages of BASE into A")
		return
	}
	for _, p := range []string{"LO", "HI"} {
		g.I(fmt.Sprintf("ld hl,BASE_%s+%d", p, base))
		g.I(fmt.Sprintf("ld de,A_%s+%d", p, base))
		g.I(fmt.Sprintf("ld bc,%d", out))
		g.I("ldir")
	}
}

// listFromCounts pushes (record, x) for every input in DL with x from
// its count, below a sentinel entry, and leaves the list at "cursor". cp
// is the page of layer 1's column table + 1.
func listFromCounts(g *gen, sent, tag string, cp operand) {
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
	countValue(g, "de", cp, "hl")
	g.I("push hl")
	g.I("push de")
	g.I("djnz lb_loop_" + tag)
	g.L("lb_done_" + tag)
	g.I("ld (cursor),sp")
}

// countValue: L = an input number; clears its count and gives its column
// pointer (table page cp-1/cp) in colReg and its value x = count * scale
// in xReg ("hl" or "bc").
func countValue(g *gen, colReg string, cp operand, xReg string) {
	g.I("ld h,hi(CNT)")
	g.I("ld a,(hl)", "its count")
	g.I("ld (hl),0")
	cp.emit(g, "ld h,%s", "")
	g.I(fmt.Sprintf("ld %s,(hl)", colReg[:1]))
	g.I("dec h")
	g.I(fmt.Sprintf("ld %s,(hl)", colReg[1:]), colReg+" = its column")
	g.I("ld l,a")
	g.I("ld h,hi(xtab)")
	if xReg == "bc" {
		g.I("ld c,(hl)")
		g.I("set 7,l")
		g.I("ld b,(hl)", "BC = count * input scale")
		return
	}
	g.I("ld a,(hl)")
	g.I("set 7,l")
	g.I("ld h,(hl)")
	g.I("ld l,a", "HL = count * input scale")
}

// packedPass adds, for every input in DL, x times its packed column (scol)
// to the sums on page lo from neuron offset start on. cp is the page of
// layer 1's column table + 1.
func packedPass(g *gen, tag string, cp, lo, start operand) {
	g.I("ld a,(dln)")
	g.I("or a")
	g.I("jr z," + tag + "_done")
	g.I("ld b,a")
	g.I("ld ix,DL")
	g.L(tag + "_loop")
	g.I("push bc")
	g.I("ld l,(ix+0)", "input number")
	g.I("inc ix")
	countValue(g, "de", cp, "bc")
	g.I("push de")
	g.I("exx")
	g.I("pop hl", "HL' = its packed column")
	g.I("exx")
	lo.emit(g, "ld h,%s", "")
	start.emit(g, "ld l,%s", "")
	g.I("call scol")
	g.I("pop bc")
	g.I("djnz " + tag + "_loop")
	g.L(tag + "_done")
}

func (f *fast) code() {
	g := f.g
	if f.packedQuery {
		emitScol(g)
	} else {
		listDriver(g, "drvq", "BASE_LO")
	}
	listDriver(g, "drv1", "A_LO")
	for li := 0; li+1 < len(f.layers); li++ {
		next := f.layers[li+1]
		o := f.ops(li)
		g.C(fmt.Sprintf("%s: layer %d activations (>>%d, ReLU) each add their column of layer %d", o.name, li+1, g.m.Layers[li].Shift, li+2))
		g.L(o.name)
		biasStart(g, fmt.Sprintf("bias%d", li+2), next.lo(), next.hi(), next.base, next.out)
		loopStart(g, o)
		listConvert(g, o)
	}
	f.argmax()
	f.st.emit(g)
}

// ops are the constant operands of the conversion from layer li.
func (f *fast) ops(li int) cvOps {
	l, next := f.layers[li], f.layers[li+1]
	shift := int(f.g.m.Layers[li].Shift)
	o := cvOps{
		name:   fmt.Sprintf("cv%d", li+2),
		hi:     constant("hi(%s)", l.hi()),
		first:  constant("%d", l.base),
		cp:     constant("hi(cp%d)+1", li+2),
		nlo:    constant("hi(%s)", next.lo()),
		nhi:    constant("hi(%s)+1", next.lo()),
		shift:  func() { shiftRight(f.g, shift) },
		next:   "argmax",
		record: "DE = the column's record",
	}
	if li+2 < len(f.layers) {
		o.next = fmt.Sprintf("cv%d", li+3)
	}
	return o
}

// argmax: the last layer's decision over the reply node's classes.
func (f *fast) argmax() {
	g := f.g
	li := len(f.layers) - 1
	l := f.layers[li]
	shift := int(g.m.Layers[li].Shift)
	decide(g, l.lo(), l.base, shift)
	g.I("jp f_class")
}

// listDriver emits the column loop of one accumulator set: take the next
// (record, x) from the list, set C = x, B = 2x, H = low page, and RET into
// the record. Wide x goes through two passes.
func listDriver(g *gen, name, lo string) {
	g.C(fmt.Sprintf("%s: next column into %s/%s", name, lo, lo[:len(lo)-3]+"_HI"))
	g.L(name)
	g.I("ld sp,(cursor)")
	g.I("pop hl", "record")
	g.I("pop bc", "x")
	g.I("ld (cursor),sp")
	g.I("ld sp,hl")
	smallX(g, name+"_w")
	g.I(fmt.Sprintf("ld h,hi(%s)", lo))
	g.I("ret", "into the record")
	g.L(name + "_w")
	g.I("ld (wrec),hl", "wide x: low bytes now, high bytes in a second pass")
	wideSplit(g)
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
	wideHigh(g)
	g.I(fmt.Sprintf("ld h,hi(%s)+1", lo), "high bytes; carries go to the scratch page above")
	g.I("ret")
}

// driverData emits the sentinel records and the second-pass entries of the
// list drivers, and their variables.
func driverData(g *gen, drivers []string, sentinels map[string]string) {
	g.C("sentinel records and second-pass entries")
	for _, s := range []string{"sent_q", "sent_1"} {
		if next, ok := sentinels[s]; ok {
			g.L(s)
			g.I("dw " + next)
		}
	}
	for _, d := range drivers {
		g.L(d + "_syn")
		g.I(fmt.Sprintf("dw %s_p2r,0", d))
		g.L(d + "_p2r")
		g.I(fmt.Sprintf("dw %s_p2", d))
	}
	for _, v := range []string{"wrec", "wcur"} {
		g.L(v)
		g.I("dw 0")
	}
	for _, v := range []string{"wxh", "w2xh"} {
		g.L(v)
		g.I("db 0")
	}
}

// biasData queues the biases of every layer as fillers.
func biasData(g *gen) {
	for li, l := range g.m.Layers {
		lo, hi := make([]byte, l.Out), make([]byte, l.Out)
		for o, b := range l.B {
			lo[o], hi[o] = byte(b), byte(uint16(b)>>8)
		}
		g.filler(fmt.Sprintf("bias%d", li+1), append(lo, hi...), fmt.Sprintf("layer %d biases: low bytes, then high bytes", li+1))
	}
}

func (f *fast) data() {
	g := f.g
	m := g.m
	biasData(g)
	sent := map[string]string{"sent_1": "cv2"}
	if len(f.layers) == 1 {
		sent["sent_1"] = "argmax"
	}
	drivers := []string{"drv1"}
	if !f.packedQuery {
		sent["sent_q"] = "q_done"
		drivers = []string{"drvq", "drv1"}
	}
	driverData(g, drivers, sent)

	f.recAddr = make([][]int, len(f.layers))
	for li, l := range f.layers {
		f.recAddr[li] = make([]int, l.in)
		first := 0
		if li == 0 && f.packedQuery {
			g.L("qcol")
			copy(f.recAddr[0], columnBlob(g, f.qcols, fmt.Sprintf("layer 1: %d packed query columns", len(f.qcols))))
			first = len(f.qcols)
		}
		var blob []byte
		start := g.a.PC()
		nz := 0
		for c := first; c < l.in; c++ {
			f.recAddr[li][c] = start + len(blob)
			for k := range 3 {
				if list := f.lists[li][c][k]; len(list) > 0 {
					nz += len(list)
					blob = f.st.chunked(blob, k, list, g.addr)
				}
			}
			next := fmt.Sprintf("cv%d_n", li+1)
			switch {
			case li == 0 && c < m.QueryBuckets:
				next = "drvq"
			case li == 0:
				next = "drv1"
			}
			a := g.addr(next)
			blob = append(blob, byte(a), byte(a>>8))
		}
		g.L(fmt.Sprintf("rec%d", li+1))
		g.a.Bytes(blob, fmt.Sprintf("layer %d: %d column records, %d neuron offsets", li+1, l.in, nz))
	}
}

// columnBlob places packed columns one after the other and returns their
// addresses.
func columnBlob(g *gen, cols [][]byte, comment string) []int {
	var blob []byte
	var addrs []int
	start := g.a.PC()
	for _, col := range cols {
		addrs = append(addrs, start+len(blob))
		blob = append(blob, col...)
	}
	g.a.Bytes(blob, comment)
	return addrs
}

func (f *fast) tables() {
	columnTables(f.g, f.layers, f.recAddr)
	rootTable(f.g, "c0", rootContext(f.g.m), 1)
}

// rootTable emits a vector of layer 1 (C0, or -C0 with sign -1) as two
// page-aligned tables, neuron o at 256-Out+o; small data fills the rest.
func rootTable(g *gen, label string, c0 []int16, sign int16) {
	var lo, hi [256]byte
	base := 256 - len(c0)
	for o, v := range c0 {
		v *= sign
		lo[base+o], hi[base+o] = byte(v), byte(uint16(v)>>8)
	}
	g.L(label)
	g.fillGap(base)
	g.a.Bytes(lo[base:], "layer 1's sums from the first step's context alone (eight spaces): low bytes")
	g.fillGap(base)
	g.a.Bytes(hi[base:], "high bytes")
}

// columnTables emits per layer the table of column addresses, indexed by
// the input's number (layer 1) or the neuron offset of the layer before:
// cpN low bytes, then a page of high bytes. Entries below the first input
// are never read: small data fills them.
func columnTables(g *gen, layers []accLayer, recAddr [][]int) {
	for li, l := range layers {
		first := 0
		if li > 0 {
			first = layers[li-1].base
		}
		var lo, hi [256]byte
		for c := 0; c < l.in; c++ {
			a := recAddr[li][c]
			lo[first+c], hi[first+c] = byte(a), byte(a>>8)
		}
		g.L(fmt.Sprintf("cp%d", li+1))
		g.fillGap(first)
		g.a.Bytes(lo[first:], fmt.Sprintf("layer %d column records by input, low bytes", li+1))
		g.fillGap(first)
		g.a.Bytes(hi[first:], "high bytes")
	}
}

// listBuffers reserves the work pages of the list engines.
//
// The page above each high page takes the carries of the high pass: it
// must be dead while that set accumulates. BASE (query pass): A. A (layer
// 1 context pass, layer 3): Q, the query text and input list, dead once the
// column list is built. B (layer 2): the column list of layer 1, consumed
// by then.
func listBuffers(g *gen) {
	for _, p := range []string{"BASE_LO", "BASE_HI", "A_LO", "A_HI", "Q", "B_LO", "B_HI", "LIST"} {
		g.reservePage(p)
	}
	g.bss += 4*129 - 256 // LIST: up to 128 inputs and the sentinel
	q, _ := g.a.Value("Q")
	g.a.Equ("QS", q)     // " query ", at most 1+62+1 bytes, only while hashing
	g.a.Equ("DL", q+129) // distinct inputs (127 at most), only until the list is built
	l, _ := g.a.Value("LIST")
	g.a.Equ("LINEBUF", l) // read before the list is built
	g.a.Equ("LIST_END", l+4*129)
}

func (f *fast) buffers() { listBuffers(f.g) }
