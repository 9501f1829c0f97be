package emu

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"z80ulm/internal/testkit"
)

// z80exHarness is a small C program around libz80ex, an independent Z80
// emulator that implements the undocumented instructions and flags and
// counts T-states (Debian package libz80ex-dev). It speaks a binary
// protocol on its standard input and output:
//
//	at start:  the 64 KB memory every case starts from
//	'C' case:  12 words AF BC DE HL AF' BC' DE' HL' IX IY SP PC, bytes I R
//	           IM IFF1 IFF2, a count and that many code bytes (stored at
//	           PC), a word k: run k instructions (a prefix the next opcode
//	           ignores runs with that opcode, as one)
//	   answer: the same registers, a dword of T-states, a dword n and n
//	           writes (word address, byte value); then memory is put back
//	'F':       flush the answers
const z80exHarness = `
#include <stdio.h>
#include <stdint.h>
#include <z80ex/z80ex.h>

#define MAXW (1 << 22)
static Z80EX_BYTE mem[65536];
static uint16_t waddr[MAXW];
static uint8_t wold[MAXW], wval[MAXW];
static long nw;

static Z80EX_BYTE mr(Z80EX_CONTEXT *c, Z80EX_WORD a, int m1, void *u) { return mem[a]; }
static void mw(Z80EX_CONTEXT *c, Z80EX_WORD a, Z80EX_BYTE v, void *u) {
	if (nw < MAXW) { waddr[nw] = a; wold[nw] = mem[a]; wval[nw] = v; nw++; }
	mem[a] = v;
}
static Z80EX_BYTE pr(Z80EX_CONTEXT *c, Z80EX_WORD p, void *u) { return 0xFF; }
static void pw(Z80EX_CONTEXT *c, Z80EX_WORD p, Z80EX_BYTE v, void *u) {}
static Z80EX_BYTE ir(Z80EX_CONTEXT *c, void *u) { return 0xFF; }

static int get(void *p, size_t n) { return fread(p, 1, n, stdin) == n; }
static unsigned w16(const uint8_t *b) { return b[0] | b[1] << 8; }
static void put16(unsigned v) { putchar(v & 0xFF); putchar(v >> 8); }
static void put32(unsigned long v) { put16(v & 0xFFFF); put16(v >> 16); }

static const Z80_REG_T words[12] = {regAF, regBC, regDE, regHL, regAF_, regBC_, regDE_, regHL_, regIX, regIY, regSP, regPC};
static const Z80_REG_T bytes[5] = {regI, regR, regIM, regIFF1, regIFF2};

int main(void) {
	Z80EX_CONTEXT *cpu = z80ex_create(mr, 0, mw, 0, pr, 0, pw, 0, ir, 0);
	if (!get(mem, sizeof mem)) return 1;
	int cmd;
	while ((cmd = getchar()) != EOF) {
		if (cmd == 'F') { fflush(stdout); continue; }
		uint8_t r[29], n, code[256], old[256], kb[2];
		if (!get(r, sizeof r) || !get(&n, 1) || !get(code, n) || !get(kb, 2)) return 1;
		z80ex_reset(cpu);
		for (int i = 0; i < 12; i++) z80ex_set_reg(cpu, words[i], w16(r + 2*i));
		for (int i = 0; i < 5; i++) z80ex_set_reg(cpu, bytes[i], r[24 + i]);
		z80ex_set_reg(cpu, regR7, r[25] & 0x80);
		unsigned pc = w16(r + 22);
		for (int i = 0; i < n; i++) { old[i] = mem[(pc + i) & 0xFFFF]; mem[(pc + i) & 0xFFFF] = code[i]; }
		nw = 0;
		unsigned long t = 0;
		for (unsigned k = w16(kb); k > 0; k--) {
			do { t += z80ex_step(cpu); } while (z80ex_last_op_type(cpu) != 0);
		}
		for (int i = 0; i < 12; i++) put16(z80ex_get_reg(cpu, words[i]));
		/* R: regR counts in its low 7 bits; bit 7 is kept apart, as regR7 */
		putchar(z80ex_get_reg(cpu, regI));
		putchar((z80ex_get_reg(cpu, regR) & 0x7F) | (z80ex_get_reg(cpu, regR7) & 0x80));
		for (int i = 2; i < 5; i++) putchar(z80ex_get_reg(cpu, bytes[i]));
		put32(t);
		put32(nw);
		for (long i = 0; i < nw; i++) { put16(waddr[i]); putchar(wval[i]); }
		for (long i = nw - 1; i >= 0; i--) mem[waddr[i]] = wold[i];
		for (int i = 0; i < n; i++) mem[(pc + i) & 0xFFFF] = old[i];
	}
	fflush(stdout);
	return 0;
}
`

// z80ex runs cases on the harness. Cases are sent in batches by one
// goroutine while the answers are read by the caller.
type z80ex struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// startZ80ex builds and starts the harness on memory base. Without a C
// compiler or libz80ex the test is skipped, or fails under CI=true.
func startZ80ex(tb testing.TB, base *memory) *z80ex {
	tb.Helper()
	cc := testkit.Need(tb, "cc")[0]
	if _, err := os.Stat("/usr/include/z80ex/z80ex.h"); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("libz80ex-dev is not installed (CI=true: make deps installs it)")
		}
		tb.Skip("libz80ex-dev is not installed (make deps installs it)")
	}
	dir := tb.TempDir()
	src, bin := filepath.Join(dir, "h.c"), filepath.Join(dir, "h")
	if err := os.WriteFile(src, []byte(z80exHarness), 0o644); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command(cc, "-O2", "-o", bin, src, "-lz80ex").CombinedOutput(); err != nil {
		tb.Fatalf("cannot build the libz80ex harness: %v\n%s", err, out)
	}
	z := &z80ex{cmd: exec.Command(bin)}
	var err error
	if z.in, err = z.cmd.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	pipe, err := z.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	z.out = bufio.NewReaderSize(pipe, 1<<16)
	z.cmd.Stderr = os.Stderr
	if err := z.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	if _, err := z.in.Write(base[:]); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { z.in.Close(); z.cmd.Wait() })
	return z
}

// exRegs is the state the two emulators are compared on.
type exRegs struct {
	w             [12]uint16 // AF BC DE HL AF' BC' DE' HL' IX IY SP PC
	i, r, im      uint8
	iff1, iff2    uint8
	t             uint32
	writes        map[uint16]uint8 // final value of every address written
	firstOld      map[uint16]uint8 // (ours) the value before the first write
	instructions  int
	stoppedOnTrap bool
	bitHL         bool // a BIT b,(HL) ran: see runOurs
}

var exWordNames = [12]string{"AF", "BC", "DE", "HL", "AF'", "BC'", "DE'", "HL'", "IX", "IY", "SP", "PC"}

func (r *exRegs) String() string {
	var b strings.Builder
	for i, n := range exWordNames {
		fmt.Fprintf(&b, "%s=%04X ", n, r.w[i])
	}
	fmt.Fprintf(&b, "I=%02X R=%02X IM=%d IFF=%d%d", r.i, r.r, r.im, r.iff1, r.iff2)
	return b.String()
}

func (r *exRegs) toCPU(c *core) {
	s := &c.cpu.States
	s.AF.SetU16(r.w[0])
	s.BC.SetU16(r.w[1])
	s.DE.SetU16(r.w[2])
	s.HL.SetU16(r.w[3])
	s.Alternate.AF.SetU16(r.w[4])
	s.Alternate.BC.SetU16(r.w[5])
	s.Alternate.DE.SetU16(r.w[6])
	s.Alternate.HL.SetU16(r.w[7])
	s.IX, s.IY, s.SP, s.PC = r.w[8], r.w[9], r.w[10], r.w[11]
	s.IR.Hi, s.IR.Lo, s.IM = r.i, r.r, int(r.im)
	s.IFF1, s.IFF2 = r.iff1 != 0, r.iff2 != 0
}

func (r *exRegs) fromCPU(c *core) {
	s := &c.cpu.States
	r.w = [12]uint16{s.AF.U16(), s.BC.U16(), s.DE.U16(), s.HL.U16(),
		s.Alternate.AF.U16(), s.Alternate.BC.U16(), s.Alternate.DE.U16(), s.Alternate.HL.U16(),
		s.IX, s.IY, s.SP, s.PC}
	r.i, r.r, r.im = s.IR.Hi, s.IR.Lo, uint8(s.IM)
	r.iff1, r.iff2 = b2u(s.IFF1), b2u(s.IFF2)
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// exCase is one instruction stream: the registers, the code at PC and the
// most instructions to run.
type exCase struct {
	regs exRegs
	code []byte
	max  int
}

// writeLog is the memory our core runs on in the exerciser: every write is
// logged so that memory can be put back after the case.
type writeLog struct {
	m   *memory
	log []loggedWrite
}

type loggedWrite struct {
	addr     uint16
	old, new uint8
}

func (w *writeLog) Get(a uint16) uint8 { return w.m[a] }
func (w *writeLog) Set(a uint16, v uint8) {
	w.log = append(w.log, loggedWrite{a, w.m[a], v})
	w.m[a] = v
}

// runOurs runs a case on our core (its memory is the base memory) and
// restores memory afterwards. It stops before HALT and before PC enters
// the BDOS/BIOS area, where this machine runs Go code. It notes a BIT
// b,(HL): a Z80 takes flag bits 3 and 5 of that one from its internal
// MEMPTR register, which libz80ex keeps and this core does not (no
// program can see MEMPTR otherwise, and ZEXALL does not test it).
func runOurs(c *core, wl *writeLog, cs *exCase) exRegs {
	pc := cs.regs.w[11]
	saved := make([]byte, len(cs.code))
	c.mem.get(pc, saved)
	c.mem.put(pc, cs.code)
	wl.log = wl.log[:0]
	c.cpu.Memory = wl
	cs.regs.toCPU(c)
	c.t = 0
	var res exRegs
	for res.instructions < cs.max {
		if c.cpu.PC >= bdosBase || haltAhead(&c.mem, c.cpu.PC) {
			res.stoppedOnTrap = true
			break
		}
		if pc := c.cpu.PC; c.mem[pc] == 0xCB && c.mem[pc+1]&0xC7 == 0x46 {
			res.bitHL = true
		}
		if s := c.run(c.t + 1); s != stopBudget {
			panic(fmt.Sprintf("stop %v at %04X: %v", s, c.cpu.PC, c.fault))
		}
		res.instructions++
	}
	res.fromCPU(c)
	res.t = uint32(c.t)
	res.writes = map[uint16]uint8{}
	res.firstOld = map[uint16]uint8{}
	for _, w := range wl.log {
		if _, ok := res.firstOld[w.addr]; !ok {
			res.firstOld[w.addr] = w.old
		}
	}
	for a := range res.firstOld {
		res.writes[a] = c.mem[a]
	}
	for i := len(wl.log) - 1; i >= 0; i-- {
		c.mem[wl.log[i].addr] = wl.log[i].old
	}
	c.mem.put(pc, saved)
	return res
}

// haltAhead reports whether the instruction at pc is HALT (after any
// prefixes that do not act on it).
func haltAhead(m *memory, pc uint16) bool {
	for m[pc] == 0xDD || m[pc] == 0xFD {
		if xyTime[m[pc+1]] != 0 || m[pc+1] == 0xCB {
			return false
		}
		pc++
	}
	return m[pc] == 0x76
}

// exercise runs the cases on both emulators, in batches, and returns the
// mismatches described one per line.
func exercise(z *z80ex, c *core, cases []exCase) (ours, theirs []exRegs) {
	wl := &writeLog{m: &c.mem}
	ours = make([]exRegs, len(cases))
	for i := range cases {
		ours[i] = runOurs(c, wl, &cases[i])
	}
	errc := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(z.in, 1<<16)
		for i, cs := range cases {
			w.WriteByte('C')
			for _, v := range cs.regs.w {
				binary.Write(w, binary.LittleEndian, v)
			}
			w.Write([]byte{cs.regs.i, cs.regs.r, cs.regs.im, cs.regs.iff1, cs.regs.iff2, byte(len(cs.code))})
			w.Write(cs.code)
			binary.Write(w, binary.LittleEndian, uint16(ours[i].instructions))
		}
		w.WriteByte('F')
		errc <- w.Flush()
	}()
	theirs = make([]exRegs, len(cases))
	for i := range cases {
		var hdr struct {
			W            [12]uint16
			I, R, IM     uint8
			IFF1, IFF2   uint8
			T, NumWrites uint32
		}
		if err := binary.Read(z.out, binary.LittleEndian, &hdr); err != nil {
			panic(fmt.Sprintf("harness: %v", err))
		}
		r := exRegs{w: hdr.W, i: hdr.I, r: hdr.R, im: hdr.IM, iff1: hdr.IFF1, iff2: hdr.IFF2, t: hdr.T,
			writes: map[uint16]uint8{}}
		for j := uint32(0); j < hdr.NumWrites; j++ {
			var b [3]byte
			if _, err := io.ReadFull(z.out, b[:]); err != nil {
				panic(fmt.Sprintf("harness: %v", err))
			}
			r.writes[uint16(b[0])|uint16(b[1])<<8] = b[2]
		}
		theirs[i] = r
	}
	if err := <-errc; err != nil {
		panic(fmt.Sprintf("harness: %v", err))
	}
	return ours, theirs
}

// diff describes how our result differs from libz80ex's ("" if it does
// not). base is the memory both started from.
func diff(base *memory, o, z *exRegs) string {
	var d []string
	for i, n := range exWordNames {
		if o.w[i] != z.w[i] {
			d = append(d, fmt.Sprintf("%s ours %04X z80ex %04X", n, o.w[i], z.w[i]))
		}
	}
	if o.i != z.i || o.r != z.r || o.im != z.im || o.iff1 != z.iff1 || o.iff2 != z.iff2 {
		d = append(d, fmt.Sprintf("I/R/IM/IFF ours %02X/%02X/%d/%d%d z80ex %02X/%02X/%d/%d%d",
			o.i, o.r, o.im, o.iff1, o.iff2, z.i, z.r, z.im, z.iff1, z.iff2))
	}
	if o.t != z.t {
		d = append(d, fmt.Sprintf("T-states ours %d z80ex %d", o.t, z.t))
	}
	addrs := map[uint16]bool{}
	for a := range o.writes {
		addrs[a] = true
	}
	for a := range z.writes {
		addrs[a] = true
	}
	for a := range addrs {
		ov, ok := o.writes[a]
		if !ok {
			ov = base[a]
		}
		zv, ok := z.writes[a]
		if !ok {
			zv = base[a]
		}
		if ov != zv {
			d = append(d, fmt.Sprintf("(%04X) ours %02X z80ex %02X", a, ov, zv))
		}
	}
	sort.Strings(d)
	return strings.Join(d, ", ")
}

// exerciseBase is the memory every exerciser case starts from: bytes from
// a fixed seed, so that loads and jumps find something to work with.
func exerciseBase(seed uint64) *memory {
	var m memory
	r := rand.New(rand.NewPCG(seed, 0x5A5A))
	for i := range m {
		m[i] = byte(r.Uint32())
	}
	return &m
}

// randomStream makes one case: random registers and a stream of up to
// four instructions drawn over every prefix (none, CB, ED, DD, FD, DD CB,
// FD CB and runs of prefixes), operands random.
func randomStream(r *rand.Rand) exCase {
	var cs exCase
	for i := range cs.regs.w {
		cs.regs.w[i] = uint16(r.Uint32())
	}
	cs.regs.w[11] = 0x0100 + uint16(r.IntN(0xDC00-0x0100)) // PC in the TPA
	cs.regs.i, cs.regs.r = byte(r.Uint32()), byte(r.Uint32())
	cs.regs.im = byte(r.IntN(3))
	cs.regs.iff1 = byte(r.IntN(2))
	cs.regs.iff2 = cs.regs.iff1
	n := 1 + r.IntN(4)
	for i := 0; i < n; i++ {
		switch p := r.IntN(16); {
		case p < 5:
		case p < 7:
			cs.code = append(cs.code, 0xCB)
		case p < 10:
			cs.code = append(cs.code, 0xED)
		case p < 12:
			cs.code = append(cs.code, [2]byte{0xDD, 0xFD}[r.IntN(2)])
		case p < 14:
			cs.code = append(cs.code, [2]byte{0xDD, 0xFD}[r.IntN(2)], 0xCB)
		default:
			for j := 1 + r.IntN(3); j > 0; j-- {
				cs.code = append(cs.code, [3]byte{0xDD, 0xFD, 0xED}[r.IntN(3)])
			}
		}
		for j := 0; j < 4; j++ {
			cs.code = append(cs.code, byte(r.Uint32()))
		}
	}
	cs.max = n
	return cs
}

var exerciseStreams = flag.Int("exercise", 20000, "random instruction streams TestExerciser runs on our core and libz80ex")

// TestExerciser runs random instruction streams, documented and
// undocumented instructions alike, on this machine's core and on libz80ex
// and compares registers (flags with their undocumented bits 3 and 5, R,
// I, IM, IFF), memory and T-states. make test runs 20,000 streams; make
// exercise runs millions (-exercise N).
func TestExerciser(t *testing.T) {
	const seed = 1
	base := exerciseBase(seed)
	z := startZ80ex(t, base)
	c := newCore()
	c.mem = *base
	r := rand.New(rand.NewPCG(seed, 1))
	start := time.Now()
	const batch = 4096
	bad, instr, memptr := 0, 0, 0
	for done := 0; done < *exerciseStreams; done += batch {
		cases := make([]exCase, min(batch, *exerciseStreams-done))
		for i := range cases {
			cases[i] = randomStream(r)
		}
		ours, theirs := exercise(z, c, cases)
		for i := range cases {
			instr += ours[i].instructions
			if ours[i].bitHL {
				memptr++
				continue
			}
			d := diff(base, &ours[i], &theirs[i])
			if d == "" {
				continue
			}
			bad++
			if bad <= 25 {
				t.Errorf("code % X, %d instructions, from %s:\n\t%s", cases[i].code, ours[i].instructions, &cases[i].regs, d)
			}
		}
		if c.mem != *base {
			t.Fatal("memory was not put back after a batch")
		}
	}
	el := time.Since(start)
	t.Logf("%d streams, %d instructions in %v (%.0f instructions/s): %d differ from libz80ex; %d not compared (BIT b,(HL), see runOurs)",
		*exerciseStreams, instr, el.Round(time.Millisecond), float64(instr)/el.Seconds(), bad, memptr)
	if instr < *exerciseStreams {
		t.Errorf("only %d instructions ran in %d streams", instr, *exerciseStreams)
	}
}

// TestTimingAgainstZ80ex runs every documented instruction in the register
// states of TestStepTiming on libz80ex and on this machine and compares
// the T-states, registers and memory.
func TestTimingAgainstZ80ex(t *testing.T) {
	base := &memory{}
	z := startZ80ex(t, base)
	c := newCore()
	c.mem = *base
	var cases []exCase
	var names []string
	for _, r := range append(um0080(), undocumented()...) {
		if r.asm == "HALT" {
			continue
		}
		code := append([]byte(nil), r.code...)
		if len(code) == 3 && code[1] == 0xCB {
			code = []byte{code[0], 0xCB, 0x05, code[2]}
		} else {
			code = append(code, 0x05, 0x40)
		}
		for _, f := range []uint16{0x00, 0xFF, 0x40, 0x01, 0x04, 0x80} {
			for _, bc := range []uint16{0x0201, 0x0001, 0x0100} {
				cs := exCase{code: code, max: 1}
				cs.regs.w = [12]uint16{0x5500 | f, bc, 0x9000, 0x8000, 0, 0, 0, 0, 0x8100, 0x8200, 0xE3F0, 0x0100}
				cases = append(cases, cs)
				names = append(names, r.asm)
			}
		}
	}
	ours, theirs := exercise(z, c, cases)
	bad := 0
	for i := range cases {
		if d := diff(base, &ours[i], &theirs[i]); d != "" {
			bad++
			if bad <= 20 {
				t.Errorf("%s (% X) from AF=%04X BC=%04X: %s", names[i], cases[i].code, cases[i].regs.w[0], cases[i].regs.w[1], d)
			}
		}
	}
	t.Logf("%d executions agree with libz80ex", len(cases)-bad)
}
