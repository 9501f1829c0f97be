package gen

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"z80ulm/model"
)

// The shell every program shares (docs/DESIGN.md, "4. The packer and its
// engines"): answer (a reply, step by step through the reply trie, printed
// as it is generated), the encoders (hashq, hashc), the line reader with
// its input hygiene, and small helpers. A program built around one model
// (CHAT, and any model with the chat shell) is laid out by program().
//
// The shared code reads the model's reply limit, charset and trie through
// three labels: md_maxreply (byte), md_charset and md_trie (words). An
// engine built for one model puts them in its data; the GUESS engine points
// them into the loaded model's descriptor.

// program lays out a chat-shell program around one model: the image (code,
// then data, then page-aligned tables) starts at 0100h; above it lie the
// page-aligned work buffers and small variables (not in the file), and the
// stack on top. "end" is checked at start-up against the BDOS address at
// 0006h.
func (g *gen) program(eng engine) error {
	m := g.m
	if err := eng.plan(); err != nil {
		return err
	}
	g.C(fmt.Sprintf("Z80-uLM chat program, %s engine: %d inputs, layers %s, charset %q",
		eng.name(), m.Inputs(), shape(m), m.Charset))
	g.startup()
	g.chat()
	g.answer(eng)
	g.hashing()
	g.helpers()
	eng.code()

	g.C("data")
	g.filler("s_nomem", []byte("NOT ENOUGH MEMORY\r\n$"), "")
	g.filler("s_prompt", []byte("\r\n> $"), "")
	g.filler("s_crlf", []byte("\r\n$"), "")
	g.filler("charset", []byte(m.Charset), "output characters; EOS is the next index")
	g.filler("md_maxreply", []byte{byte(m.MaxReply)}, "reply limit")
	g.L("md_charset")
	g.I("dw charset")
	g.L("md_trie")
	g.I("dw tn0", "the reply trie's root")
	trieData(g.a, m, "tn")
	eng.data()

	// Page-aligned tables of the image; small data fills the gaps.
	g.fillGap((256 - g.a.PC()&255) & 255)
	g.L("xtab")
	g.a.Bytes(inputValues(m.InputScale), "input value of a count: low bytes 0..127, high bytes 128..255")
	eng.tables()
	g.fillGap(1 << 16)

	// Work buffers above the image: small ones in the gap below the first
	// page boundary when they fit there.
	g.bss = g.a.PC()
	need := m.MaxReply + smallVarsSize
	fitted := (256-g.bss&255)&255 >= need
	if fitted {
		g.smallVars(m.MaxReply)
	}
	g.pCNT = g.reservePage("CNT")
	eng.buffers()
	if !fitted {
		g.smallVars(m.MaxReply)
	}
	g.end = g.bss
	g.a.Equ("ENDMEM", g.end)
	return nil
}

// smallVarsSize is what smallVars reserves besides the reply.
const smallVarsSize = model.ContextLen + 5 + 8 + stackSize

// stackSize is the program's own stack.
const stackSize = 96

// smallVars reserves the shell's variables and its stack.
func (g *gen) smallVars(maxReply int) {
	g.reserve("REPLY", maxReply)
	g.reserve("W", model.ContextLen)
	for _, v := range []string{"qlen", "dln", "rlen", "iff", "cvo"} {
		g.reserve(v, 1)
	}
	for _, v := range []string{"savesp", "tnode", "bent", "cursor"} {
		g.reserve(v, 2)
	}
	g.reserve("STACK", stackSize)
	g.a.Equ("STACKTOP", g.bss)
}

// inputValues is the table xtab: the value of an n-gram count c (0..127) is
// c * scale, 16-bit wrap as in model.Input; low bytes, then high bytes.
func inputValues(scale int16) []byte {
	var xt [256]byte
	for c := 0; c < 128; c++ {
		x := int16(c) * scale
		xt[c], xt[128+c] = byte(x), byte(uint16(x)>>8)
	}
	return xt[:]
}

// passes are what answer asks of an engine.
type passes interface {
	queryPass() // once per reply: the query's counts are in DL/CNT
	charPass()  // a step that needs the network: ends with HL on the chosen trie entry
}

// engine is one inference implementation of a chat-shell program.
type engine interface {
	passes
	name() string
	plan() error // look at the model, decide the layout
	code()       // subroutines
	data()       // data of the image (not page-aligned)
	tables()     // page-aligned data of the image
	buffers()    // page-aligned work buffers
}

func shape(m *model.Model) string {
	s := []string{fmt.Sprint(m.Inputs())}
	for _, l := range m.Layers {
		s = append(s, fmt.Sprint(l.Out))
	}
	return strings.Join(s, "-")
}

// filler queues small data that may go anywhere: fillGap places it in
// the holes that page alignment leaves.
func (g *gen) filler(label string, data []byte, comment string) {
	if comment == "" {
		comment = fmt.Sprintf("%q", data)
	}
	g.fillers = append(g.fillers, fill{label, data, comment})
}

type fill struct {
	label   string
	data    []byte
	comment string
}

// fillGap places queued data, largest first, into the next n bytes and
// pads what is left of them with zeros (n = 1<<16: place everything).
func (g *gen) fillGap(n int) {
	sort.SliceStable(g.fillers, func(i, j int) bool { return len(g.fillers[i].data) > len(g.fillers[j].data) })
	var rest []fill
	for _, f := range g.fillers {
		if len(f.data) <= n {
			g.L(f.label)
			g.a.Bytes(f.data, f.comment)
			n -= len(f.data)
		} else {
			rest = append(rest, f)
		}
	}
	g.fillers = rest
	if n < 1<<15 && n > 0 {
		g.a.DS(n)
	}
}

// memCheck emits the start-up test: the program's memory must end at or
// below the BDOS entry (the top of the TPA); else it says so and returns
// to CP/M.
func (g *gen) memCheck() {
	g.C("start: refuse to run if the program's memory reaches the BDOS")
	g.L("start")
	g.I("ld hl,(6)", "BDOS entry = top of the TPA")
	g.I("ld de,ENDMEM")
	g.I("or a")
	g.I("sbc hl,de")
	g.I("jr nc,fits")
	g.I("ld de,s_nomem")
	g.I("ld c,9")
	g.I("call 5")
	g.I("jp 0")
	g.L("fits")
	g.I("ld sp,STACKTOP")
	g.I("ld hl,CNT", "the count page stays zero between uses")
	g.I("ld de,CNT+1")
	g.I("ld bc,255")
	g.I("ld (hl),0")
	g.I("ldir")
}

func (g *gen) startup() {
	g.memCheck()
	g.I("ld a,(80h)", "command tail length")
	g.I("or a")
	g.I("jr z,chat")
	g.I("ld b,a", "tail mode: print only the answer")
	g.I("ld hl,81h")
	g.I("call answer")
	g.I("jp 0")
}

func (g *gen) chat() {
	g.C("chat mode: prompt, read a line, answer; empty line re-prompts, ! quits")
	g.L("chat")
	g.I("ld de,s_prompt")
	g.I("call print")
	g.I("call readline")
	g.I("call crlf")
	g.I("ld a,(LINEBUF+1)")
	g.I("or a")
	g.I("jr z,chat", "empty line")
	g.I("ld b,a")
	g.I("ld a,(LINEBUF+2)")
	g.I("cp '!'")
	g.I("jp z,0", "quit")
	g.I("ld hl,LINEBUF+2")
	g.I("call answer")
	g.I("jr chat")
}

// readLine emits readline: a line into LINEBUF with BDOS 10 (the caller
// prints the line end). A line that fills the buffer is read on to its end
// (its CR) without echo and the rest dropped, so a long paste is one
// question, not many.
func (g *gen) readLine() {
	g.C("readline: a line into LINEBUF; the rest of a line longer than the buffer is dropped")
	g.L("readline")
	g.I(fmt.Sprintf("ld a,%d", LineMax))
	g.I("ld (LINEBUF),a")
	g.I("ld de,LINEBUF")
	g.I("ld c,10", "BDOS read console buffer")
	g.I("call 5")
	g.I("ld a,(LINEBUF+1)")
	g.I(fmt.Sprintf("cp %d", LineMax))
	g.I("jr nz,rl_done", "ended by Return")
	g.L("rl_drop")
	g.I("ld e,0FFh", "BDOS direct input: a key or 0, no echo")
	g.I("ld c,6")
	g.I("call 5")
	g.I("cp 13")
	g.I("jr nz,rl_drop", "until the line's Return")
	g.L("rl_done")
	g.I("ret")
}

// answer: HL = text, B = its length. Prints the reply as it is generated and
// keeps it at REPLY (length rlen). Each step starts at the reply node in
// tnode: a node with one class is decided without the network.
func (g *gen) answer(eng passes) {
	g.C("answer: HL = query text, B = its length")
	g.L("answer")
	g.L("trim")
	g.I("ld a,b")
	g.I("or a")
	g.I("jr z,trimmed")
	g.I("ld a,(hl)")
	g.I("cp ' '")
	g.I("jr nz,trimmed", "leading spaces are skipped")
	g.I("inc hl")
	g.I("dec b")
	g.I("jr trim")
	g.L("trimmed")
	g.I("ld a,b")
	g.I(fmt.Sprintf("cp %d", model.MaxQuery+1))
	g.I("jr c,cut")
	g.I(fmt.Sprintf("ld b,%d", model.MaxQuery), "a longer query (a command tail) is cut")
	g.L("cut")
	g.I("call hashq", "query trigram counts -> CNT, DL")
	g.I("call intoff")
	g.I("ld (savesp),sp")
	eng.queryPass()
	g.I("ld sp,(savesp)")
	g.I("call inton")
	g.I("xor a")
	g.I("ld (rlen),a")
	g.I("ld hl,W")
	g.I(fmt.Sprintf("ld b,%d", model.ContextLen))
	g.L("ans_w")
	g.I("ld (hl),' '", "context starts as spaces")
	g.I("inc hl")
	g.I("djnz ans_w")
	g.I("ld hl,(md_trie)")
	g.I("ld (tnode),hl", "at the root of the reply trie")
	g.L("ans_char")
	g.I("ld hl,(tnode)")
	g.I("ld a,(hl)")
	g.I("inc hl")
	g.I("dec a")
	g.I("jp z,ans_take", "one class allowed: no network")
	g.I("call intoff")
	g.I("ld (savesp),sp")
	eng.charPass()
	g.I("ld sp,(savesp)")
	g.I("call inton")
	g.L("ans_take")
	g.I("ld c,(hl)", "class")
	g.I("inc hl")
	g.I("ld e,(hl)")
	g.I("inc hl")
	g.I("ld d,(hl)")
	g.I("ld (tnode),de", "the longer prefix")
	g.I("ld a,d")
	g.I("or e")
	g.I("ret z", "end of sequence")
	g.I("ld b,0")
	g.I("ld hl,(md_charset)")
	g.I("add hl,bc")
	g.I("ld a,(hl)")
	g.I("ld hl,rlen")
	g.I("ld e,(hl)")
	g.I("inc (hl)")
	g.I("ld d,0")
	g.I("ld hl,REPLY")
	g.I("add hl,de")
	g.I("ld (hl),a", "keep the reply for the program")
	g.I("push af")
	g.I("ld hl,W+1", "slide the context window")
	g.I("ld de,W")
	g.I(fmt.Sprintf("ld bc,%d", model.ContextLen-1))
	g.I("ldir")
	g.I("call lower")
	g.I(fmt.Sprintf("ld (W+%d),a", model.ContextLen-1))
	g.I("pop af")
	g.I("ld e,a")
	g.I("ld c,2", "BDOS console output")
	g.I("call 5")
	g.I("ld a,(md_maxreply)")
	g.I("ld b,a")
	g.I("ld a,(rlen)")
	g.I("cp b")
	g.I("jp c,ans_char")
	g.I("ret")
}

// hashing emits hashq and hashc, the Z80 side of model.QueryCounts and
// model.ContextCounts: each n-gram's bucket gets CNT[input]++ and the
// first time an input is seen its number goes to the list DL.
func (g *gen) hashing() {
	g.C("hashq: HL = trimmed query, B = length; trigrams of \" query \"")
	g.L("hashq")
	g.I("ld de,QS")
	g.I("ld a,' '")
	g.I("ld (de),a")
	g.I("inc de")
	g.I("ld a,b")
	g.I("ld (qlen),a")
	g.I("or a")
	g.I("jr z,hq_copied")
	g.L("hq_copy")
	g.I("ld a,(hl)")
	g.I("call lower")
	g.I("ld (de),a")
	g.I("inc hl")
	g.I("inc de")
	g.I("djnz hq_copy")
	g.L("hq_copied")
	g.I("ld a,' '")
	g.I("ld (de),a")
	g.I("ld iy,DL")
	g.I("ld a,(qlen)")
	g.I("or a")
	g.I("jr z,hq_done", "no trigram in \"  \"")
	g.I("ld b,a")
	g.I("ld ix,QS")
	g.L("hq_loop")
	g.I("push bc")
	g.I("ld h,0")
	g.I("ld l,(ix+0)")
	g.I("ld a,(ix+1)")
	g.I("call m31")
	g.I("ld a,(ix+2)")
	g.I("call m31")
	g.modQuery()
	g.I("call count")
	g.I("inc ix")
	g.I("pop bc")
	g.I("djnz hq_loop")
	g.L("hq_done")
	g.I("jp dl_len")

	g.C("hashc: 1-, 2- and 3-grams of the context window W, seeded with 7*position")
	g.L("hashc")
	g.I("ld iy,DL")
	for i := 0; i < model.ContextLen; i++ {
		g.I(fmt.Sprintf("ld hl,%d", i*7), fmt.Sprintf("n-grams starting at %d", i))
		for n := 1; n <= model.MaxNgram && i+n <= model.ContextLen; n++ {
			g.I(fmt.Sprintf("ld a,(W+%d)", i+n-1))
			g.I("call m31")
			if n < model.MaxNgram && i+n < model.ContextLen {
				g.I("push hl")
			}
			g.modContext()
			g.I("call count")
			if n < model.MaxNgram && i+n < model.ContextLen {
				g.I("pop hl")
			}
		}
	}
	g.L("dl_len")
	g.I("push iy")
	g.I("pop hl")
	g.I("ld de,DL")
	g.I("or a")
	g.I("sbc hl,de")
	g.I("ld a,l")
	g.I("ld (dln),a", "number of distinct inputs")
	g.I("ret")
}

// modQuery emits A = HL mod QueryBuckets; modContext A = QueryBuckets + HL
// mod ContextBuckets. The loaded engine calls routines that read the
// bucket counts from the model's descriptor.
func (g *gen) modQuery() {
	if g.m == nil {
		g.I("call qmod")
		return
	}
	g.modulo(g.m.QueryBuckets, 0)
}

func (g *gen) modContext() {
	if g.m == nil {
		g.I("call cmod")
		return
	}
	g.modulo(g.m.ContextBuckets, g.m.QueryBuckets)
}

// modulo emits A = offset + HL mod n (HL is clobbered when n is not a
// power of two).
func (g *gen) modulo(n, offset int) {
	if bits.OnesCount(uint(n)) == 1 {
		g.I("ld a,l")
		if n < 256 {
			g.I(fmt.Sprintf("and %d", n-1), fmt.Sprintf("h mod %d", n))
		}
	} else {
		g.I(fmt.Sprintf("ld c,%d", n))
		g.I("call modc", fmt.Sprintf("h mod %d", n))
	}
	if offset != 0 {
		g.I(fmt.Sprintf("add a,%d", offset))
	}
}

func (g *gen) helpers() {
	g.readLine()
	g.C("m31: HL = HL*31 + A (16-bit wrap)")
	g.L("m31")
	g.I("ld c,a")
	g.I("ld d,h")
	g.I("ld e,l")
	for i := 0; i < 5; i++ {
		g.I("add hl,hl")
	}
	g.I("or a")
	g.I("sbc hl,de")
	g.I("ld b,0")
	g.I("add hl,bc")
	g.I("ret")

	g.C("modc: A = HL mod C (C = 1..255), restoring division")
	g.L("modc")
	g.I("xor a")
	g.I("ld b,16")
	g.L("modc_l")
	g.I("add hl,hl")
	g.I("rla")
	g.I("jr c,modc_s", "9th bit: certainly >= C")
	g.I("cp c")
	g.I("jr c,modc_n")
	g.L("modc_s")
	g.I("sub c")
	g.L("modc_n")
	g.I("djnz modc_l")
	g.I("ret")

	g.C("count: A = input number; CNT[A]++, first time also appended to DL (IY)")
	g.L("count")
	g.I("ld l,a")
	g.I("ld h,hi(CNT)")
	g.I("ld a,(hl)")
	g.I("inc (hl)")
	g.I("or a")
	g.I("ret nz")
	g.I("ld (iy+0),l")
	g.I("inc iy")
	g.I("ret")

	g.C("lower: A-Z to a-z")
	g.L("lower")
	g.I("cp 'A'")
	g.I("ret c")
	g.I("cp 'Z'+1")
	g.I("ret nc")
	g.I("add a,32")
	g.I("ret")

	g.C("intoff/inton: the engine walks data with SP, so interrupts stay off meanwhile")
	g.L("intoff")
	g.I("ld a,i", "P/V = IFF2")
	g.I("ld a,0")
	g.I("jp po,intoff_s")
	g.I("inc a")
	g.L("intoff_s")
	g.I("ld (iff),a")
	g.I("di")
	g.I("ret")
	g.L("inton")
	g.I("ld a,(iff)")
	g.I("or a")
	g.I("ret z")
	g.I("ei")
	g.I("ret")

	g.C("print: DE = string ending in $")
	g.L("print")
	g.I("ld c,9")
	g.I("jp 5")
	g.L("crlf")
	g.I("ld de,s_crlf")
	g.I("jr print")
	g.C("printa: A in decimal")
	g.L("printa")
	g.I("ld b,100")
	g.I("ld d,0", "D = 1 once a digit has been printed")
	g.I("call pa_digit")
	g.I("ld b,10")
	g.I("call pa_digit")
	g.I("ld d,1")
	g.I("ld b,1")
	g.L("pa_digit")
	g.I("ld c,'0'-1")
	g.L("pa_sub")
	g.I("inc c")
	g.I("sub b")
	g.I("jr nc,pa_sub")
	g.I("add a,b")
	g.I("ld e,a")
	g.I("ld a,c")
	g.I("cp '0'")
	g.I("jr nz,pa_out")
	g.I("bit 0,d")
	g.I("jr z,pa_skip", "no leading zeros")
	g.L("pa_out")
	g.I("ld d,1")
	g.I("push de")
	g.I("ld e,c")
	g.I("ld c,2")
	g.I("call 5")
	g.I("pop de")
	g.L("pa_skip")
	g.I("ld a,e")
	g.I("ret")
}
