package gen

import (
	"fmt"
	"sort"
)

// The GUESS engine runs a model it loads at run time (docs/DESIGN.md, "4.
// The packer and its engines"). Its code does not depend on any model: the
// model file (.MDL, mdl.go) is an image of memory from MDLBASE on, laid
// out for this engine, with a descriptor that says the shape. The engine
// is the fast engine's: index lists walked with POP/RET into unrolled
// streams of fixed lengths, the list entries being addresses in this
// engine (which is why an .MDL names the engine version it was made for).
// A layer may instead come as packed columns (four weights a byte, added by
// scol), so that a model too big for lists still fits.
//
// What the fast engine has as constants, this one reads from the
// descriptor: the conversion loops' page numbers, first neuron and shift
// are patched into the code before each layer (patch sites, trie.go), the
// rest at load time.
//
// One more saving: the first step of a reply sees a context of eight
// spaces, always the same, so the .MDL stores layer 1's biases with that
// context's contribution already added (C0). The query pass then gives
// layer 1's sums of the first step at once (in BASE, no copy, no context
// columns); a later step adds -C0 and its own context columns. A 20
// questions reply (YES, NO, MAYBE, WIN) needs the network at its first
// step only, so this is most of its time.

// The .MDL descriptor: offsets from MDLBASE. Record 0 (0..127) is the
// header the game reads when it scans the disk; the descriptor follows.
const (
	mdMagic    = 0   // "Z80MDL"
	mdVersion  = 6   // engine version, word
	mdRecords  = 8   // file length in 128-byte records, word
	mdStrLen   = 10  // length of the strings at mdStrings
	mdStrings  = 16  // display name '$', phrase '$', names (each ended by 0), 0
	mdStrMax   = 112 // room for the strings
	mdQB       = 128 // query buckets
	mdCB       = 129 // context buckets
	mdQMask    = 130 // QB-1 when QB is a power of two (>= 2), else 0
	mdCMask    = 131 // the same for CB
	mdScale    = 132 // input scale, word
	mdMaxReply = 134
	mdLayers   = 135 // layer count
	mdCharset  = 136 // word
	mdTrie     = 138 // word: the root of the reply trie
	mdQKind    = 140 // layer 1's query columns: 0 index lists, 1 packed
	mdCKind    = 141 // its context columns, the same
	mdNC0      = 142 // page of -C0 (low bytes; high bytes one page up)
	mdCP1      = 143 // page of layer 1's column table
	mdL1       = 144 // layer descriptors, ldSize bytes each
	ldSize     = 10
	// layer descriptor fields
	ldOut   = 0 // word: neurons
	ldBase  = 2 // 256-Out
	ldShift = 3
	ldSet   = 4 // page of its sums' low bytes (A_LO or B_LO)
	ldCP    = 5 // page of its column table (layer 1: mdCP1)
	ldBias  = 6 // word: Out low bytes, then Out high bytes (layer 1: with C0)
	ldKind  = 8 // 0 index lists, 1 packed columns
	ldCBase = 9 // where packed columns start: 256-Out rounded up to 4
)

// mdNames are the descriptor's offsets as the engine's code names them
// (MD_ relative to MDLBASE, absolute; LD_ within a layer's descriptor).
var mdNames = []struct {
	name string
	md   bool
	v    int
}{
	{"MD_VERSION", true, mdVersion}, {"MD_RECORDS", true, mdRecords}, {"MD_STRINGS", true, mdStrings},
	{"MD_QB", true, mdQB}, {"MD_CB", true, mdCB}, {"MD_QMASK", true, mdQMask}, {"MD_CMASK", true, mdCMask},
	{"MD_SCALE", true, mdScale}, {"MD_MAXREPLY", true, mdMaxReply}, {"MD_LAYERS", true, mdLayers},
	{"MD_CHARSET", true, mdCharset}, {"MD_TRIE", true, mdTrie}, {"MD_QKIND", true, mdQKind}, {"MD_CKIND", true, mdCKind},
	{"MD_NC0", true, mdNC0}, {"MD_CP1", true, mdCP1}, {"MD_L1", true, mdL1},
	{"LD_OUT", false, ldOut}, {"LD_BASE", false, ldBase}, {"LD_SHIFT", false, ldShift}, {"LD_SET", false, ldSet},
	{"LD_CP", false, ldCP}, {"LD_BIAS", false, ldBias}, {"LD_KIND", false, ldKind}, {"LD_CBASE", false, ldCBase},
	{"LD_SIZE", false, ldSize},
}

// equs defines the descriptor's names in the engine's assembly.
func (e *loaded) equs() {
	for _, n := range mdNames {
		v := n.v
		if n.md {
			v += MDLBase
		}
		e.g.a.Equ(n.name, v)
	}
	e.g.a.Equ("H_STRLEN", mdStrLen) // in a header read elsewhere (GUESS's scan)
	e.g.a.Equ("H_STRINGS", mdStrings)
	e.g.a.Equ("md_maxreply", MDLBase+mdMaxReply)
	e.g.a.Equ("md_charset", MDLBase+mdCharset)
	e.g.a.Equ("md_trie", MDLBase+mdTrie)
}

// loadedStreams are the GUESS engine's stream lengths, in pairs: lists
// longer than that are cut into chunks (an entry word each).
var loadedStreams = streams{even: [3]int{16, 16, 16}, odd: [3]int{8, 8, 8}, anyOdd: true}

// loaded emits the GUESS engine into g (g.m is nil).
type loaded struct{ g *gen }

func (e *loaded) name() string { return "guess" }
func (e *loaded) plan() error  { return nil }

// queryPass: BASE = layer 1's biases (with C0) + the query's columns.
func (e *loaded) queryPass() {
	g := e.g
	g.C("query pass: BASE = layer 1's biases (first-step context included) + the query's columns")
	g.I("ld ix,MD_L1")
	copyBias(g, "BASE_LO", "layer 1")
	g.I("ld a,(MD_QKIND)")
	g.I("or a")
	g.I("jr nz,q_packed")
	listFromCounts(g, "sent_q", "q", patched("cp1"))
	g.I("jp drvq")
	g.L("q_packed")
	packedPass(g, "qp", patched("cp1"), constant("hi(BASE_LO)"), patched("cbase1"))
	g.L("q_done")
}

// copyBias copies the biases of the layer whose descriptor is at IX into
// its sums, the pages from lo on (a constant page or "(ix+ldSet)").
func copyBias(g *gen, lo, what string) {
	g.I("ld l,(ix+LD_BIAS)")
	g.I("ld h,(ix+LD_BIAS+1)", what+": its biases")
	if lo == "" {
		g.I("ld d,(ix+LD_SET)")
	} else {
		g.I(fmt.Sprintf("ld d,hi(%s)", lo))
	}
	g.I("ld e,(ix+LD_BASE)")
	g.I("ld c,(ix+LD_OUT)")
	g.I("ld b,(ix+LD_OUT+1)")
	g.I("ldir", "low bytes: base+Out = 256, so DE ends on the high page")
	g.I("ld e,(ix+LD_BASE)")
	g.I("ld c,(ix+LD_OUT)")
	g.I("ld b,(ix+LD_OUT+1)")
	g.I("ldir", "high bytes")
}

// charPass: a step that needs the network. The first step's layer 1 sums
// are BASE itself; a later one's are BASE - C0 + its context's columns, in
// A. Then the conversions and the decision.
func (e *loaded) charPass() {
	g := e.g
	g.C("a step: layer 1's sums (BASE on the first step, else A), the conversions, the decision")
	g.I("ld a,(rlen)")
	g.I("or a")
	g.I("ld a,hi(BASE_HI)")
	g.I("jp z,l1_ready", "first step: BASE holds layer 1's sums")
	g.I("call hashc", "context n-gram counts -> CNT, DL")
	g.C("A = BASE - C0: the first step's context taken out again")
	g.I("ld a,(MD_NC0)")
	g.I("ld d,a")
	g.I("ld a,(MD_L1+LD_BASE)")
	g.I("ld l,a")
	addBase(g, "nc0")
	g.I("ld a,(MD_CKIND)")
	g.I("or a")
	g.I("jr nz,c_packed")
	listFromCounts(g, "sent_1", "c", patched("cp1"))
	g.I("jp drv1")
	g.L("c_packed")
	packedPass(g, "cp", patched("cp1"), constant("hi(A_LO)"), patched("cbase1"))
	g.L("c_done")
	g.I("ld a,hi(A_HI)")
	g.L("l1_ready")
	g.I("ld (l1hi),a", "page of layer 1's high bytes for this step")
	g.I("ld iy,MD_L1")
	g.I("ld a,(MD_LAYERS)")
	g.I("dec a")
	g.I("jp z,am_setup", "one layer: decide at once")
	g.I("ld (cvleft),a", "conversions to do")
	g.I("jp cv_setup")
	g.L("f_class")
}

func (e *loaded) code() {
	g := e.g
	listDriver(g, "drvq", "BASE_LO")
	listDriver(g, "drv1", "A_LO")
	e.convertSetup()
	listConvert(g, e.ops("cvl", "DE = the column's record"))
	e.packedConvert()
	e.argmax()
	loadedStreams.emit(g)
	emitScol(g)
	e.buckets()
	e.modelInit()
}

// ops are the operands of a generic conversion: all patched by cv_setup.
func (e *loaded) ops(name, record string) cvOps {
	g := e.g
	return cvOps{
		name:   name,
		hi:     patched(name + "_hi"),
		first:  patched(name + "_first"),
		cp:     patched(name + "_cp"),
		nlo:    patched(name + "_nlo"),
		nhi:    patched(name + "_nhi"),
		shift:  func() { shiftLadder(g, name+"_sh") },
		next:   "cv_next",
		record: record,
	}
}

// convertSetup emits cv_setup (IY = the descriptor of the layer to convert
// from): the next layer's sums start at its biases, the loop of its kind
// gets its operands, and cv_next moves on to the next layer or the decision.
func (e *loaded) convertSetup() {
	g := e.g
	g.C("cv_setup: IY = descriptor of layer k; layer k+1 starts at its biases, the loop of its kind is patched")
	g.L("cv_setup")
	g.I("ld sp,(savesp)", "a stack again (the lists left SP in a record)")
	g.I("push iy")
	g.I("pop ix")
	g.I("ld bc,LD_SIZE")
	g.I("add ix,bc", "IX = the next layer's descriptor")
	copyBias(g, "", "the next layer")
	g.I("ld a,(l1hi)", "layer 1's page depends on the step")
	g.I("push iy")
	g.I("pop hl")
	g.I("ld de,MD_L1")
	g.I("or a")
	g.I("sbc hl,de")
	g.I("jr z,cvs_l1")
	g.I("ld a,(iy+LD_SET)")
	g.I("inc a")
	g.L("cvs_l1")
	g.I("ld b,a", "B = page of layer k's high bytes")
	g.I("ld c,(iy+LD_BASE)")
	g.I("ld a,(iy+LD_SHIFT)")
	g.I("neg")
	g.I("add a,15", "pairs to skip in the shift ladder")
	g.I("ld d,a")
	g.I("ld a,(ix+LD_KIND)")
	g.I("or a")
	g.I("jp nz,cvs_packed")
	e.patch("cvl", "b", 3, true)
	g.I("ld h,b")
	g.I("ld l,c")
	g.I("jp cvl_l")
	g.L("cvs_packed")
	e.patch("cvp", "b", 3, false)
	g.I("ld a,(ix+LD_CBASE)")
	e.store("cvp_start")
	g.I("ld h,b")
	g.I("ld l,c")
	g.I("jp cvp_l")

	g.C("cv_next: layer k is converted; on to the next, or to the decision")
	g.L("cv_next")
	g.I("ld bc,LD_SIZE")
	g.I("add iy,bc")
	g.I("ld hl,cvleft")
	g.I("dec (hl)")
	g.I("jp nz,cv_setup")
	g.I("jp am_setup")
}

// patch writes the operands of conversion loop name: hi = page of the
// current layer's high bytes, D = shift pairs to skip (pair bytes each),
// IX = the next layer's descriptor. A list conversion also needs the next
// page + 1 for the high pass of a wide x.
func (e *loaded) patch(name, hi string, pair int, wide bool) {
	g := e.g
	g.I("ld a," + hi)
	e.store(name + "_hi")
	g.I("ld a,(ix+LD_CP)")
	g.I("inc a")
	e.store(name + "_cp")
	g.I("ld a,(ix+LD_SET)")
	e.store(name + "_nlo")
	if wide {
		g.I("inc a")
		e.store(name + "_nhi")
	}
	g.I("ld a,d")
	for i := 1; i < pair; i++ {
		g.I("add a,d")
	}
	e.store(name + "_sh")
}

// store writes A into every patch site called name (their operand byte).
// The sites are those already emitted or still to come: store is emitted
// after the code it patches by the callers that need all of them.
func (e *loaded) store(name string) {
	e.g.pending = append(e.g.pending, name)
	e.g.I(fmt.Sprintf("call st_%s", name), "patch "+name)
}

// packedConvert: layer k's activations each add their packed column of
// layer k+1 (scol).
func (e *loaded) packedConvert() {
	g := e.g
	o := e.ops("cvp", "DE = the packed column")
	g.C("cvp: layer k's activations each add their packed column of layer k+1")
	activation(g, o)
	g.I("push hl", "the neuron")
	g.I("push de")
	g.I("exx")
	g.I("pop hl", "HL' = the column")
	g.I("exx")
	o.nlo.emit(g, "ld h,%s", "")
	patched("cvp_start").emit(g, "ld l,%s", "where the columns start")
	g.I("call scol")
	g.I("pop hl")
	nextNeuron(g, o)
}

// argmax: the last layer's decision, its operands patched by am_setup.
func (e *loaded) argmax() {
	g := e.g
	g.C("am_setup: the last layer's page, first neuron and shift into the decision (IY = its descriptor)")
	g.L("am_setup")
	g.I("ld sp,(savesp)")
	g.I("ld c,(iy+LD_BASE)")
	g.I("ld b,(iy+LD_SHIFT)")
	g.I("ld a,(MD_LAYERS)")
	g.I("dec a")
	g.I("ld a,(iy+LD_SET)")
	g.I("jr nz,ams_k")
	g.I("ld a,(l1hi)", "one layer: its sums are layer 1's")
	g.I("dec a")
	g.L("ams_k")
	e.store("am_lo")
	g.I("ld a,c")
	e.store("am_base")
	g.I("ld hl,0FFFFh", "the masks: FFFFh << shift")
	g.I("inc b")
	g.I("jr ams_m")
	g.L("ams_s")
	g.I("add hl,hl")
	g.L("ams_m")
	g.I("djnz ams_s")
	g.I("ld a,l")
	e.store("am_mlo")
	g.I("ld a,h")
	e.store("am_mhi")
	argmaxNode(g, patched("am_lo"), patched("am_base"), [2]operand{patched("am_mlo"), patched("am_mhi")})
	g.I("jp f_class")
}

// buckets emits qmod and cmod: A = HL mod the query buckets, and A = query
// buckets + HL mod the context buckets, from the descriptor.
func (e *loaded) buckets() {
	g := e.g
	for _, b := range []struct{ name, n, mask string }{
		{"qmod", "MD_QB", "MD_QMASK"},
		{"cmod", "MD_CB", "MD_CMASK"},
	} {
		g.C(b.name + ": A = HL mod the model's buckets (a mask when they are a power of two)")
		g.L(b.name)
		g.I("ld a,(" + b.mask + ")")
		g.I("or a")
		g.I("jr z," + b.name + "_d")
		g.I("and l")
		if b.name == "cmod" {
			g.I("jr cm_add")
		} else {
			g.I("ret")
		}
		g.L(b.name + "_d")
		g.I("ld a,(" + b.n + ")")
		g.I("ld c,a")
		if b.name == "cmod" {
			g.I("call modc")
			g.L("cm_add")
			g.I("ld c,a")
			g.I("ld a,(MD_QB)")
			g.I("add a,c", "context inputs follow the query's")
			g.I("ret")
		} else {
			g.I("jp modc")
		}
	}
}

// modelInit emits minit, run once a model is loaded: the table of input
// values for its scale, and the patch sites of layer 1.
func (e *loaded) modelInit() {
	g := e.g
	g.C("minit: a model was loaded: input values of its scale; layer 1's table and packed start")
	g.L("minit")
	g.I("ld de,(MD_SCALE)")
	g.I("ld hl,0")
	g.I("ld bc,xtab")
	g.L("mi_x")
	g.I("ld a,l")
	g.I("ld (bc),a", "low byte of count * scale")
	g.I("set 7,c")
	g.I("ld a,h")
	g.I("ld (bc),a", "high byte")
	g.I("res 7,c")
	g.I("add hl,de")
	g.I("inc c")
	g.I("bit 7,c")
	g.I("jr z,mi_x")
	g.I("ld a,(MD_CP1)")
	g.I("inc a")
	e.store("cp1")
	g.I("ld a,(MD_L1+LD_CBASE)")
	e.store("cbase1")
	g.I("ret")
}

// storeRoutines emits, for every patch site name that store used, a
// routine st_name that writes A into all its sites.
func (e *loaded) storeRoutines() {
	g := e.g
	names := map[string]bool{}
	for _, n := range g.pending {
		names[n] = true
	}
	var list []string
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	for _, n := range list {
		sites := g.sites[n]
		if len(sites) == 0 {
			panic("gen: no patch site " + n)
		}
		g.L("st_" + n)
		for _, s := range sites {
			g.I(fmt.Sprintf("ld (%s+1),a", s))
		}
		g.I("ret")
	}
}

func (e *loaded) data() {
	g := e.g
	driverData(g, []string{"drvq", "drv1"}, map[string]string{"sent_q": "q_done", "sent_1": "c_done"})
	for _, v := range []string{"l1hi", "cvleft"} {
		g.L(v)
		g.I("db 0")
	}
}
