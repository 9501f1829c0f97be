package emu

import (
	"math/bits"

	"github.com/koron-go/z80"
)

// stop tells why the run loop returned.
type stop int

const (
	stopNone   stop = iota // keep going (internal)
	stopBudget             // the T-state budget is used up
	stopWait               // the program waits for console input (a read found no key)
	stopIdle               // the program has just been found idle (polling with nothing else to do)
	stopExit               // warm boot: the program ended
	stopFault              // the program faulted (core.fault says why)
)

// core is the Z80 with its memory and the Go BDOS: the part RunCOM and
// Machine share. The Z80 executes with github.com/koron-go/z80; the time of
// every instruction comes from the tables in timing.go, and the few
// undocumented instructions that core does not know are executed around it
// (slowStep).
type core struct {
	cpu   z80.CPU
	mem   memory
	t     uint64 // T-states executed since the machine started
	fault *Fault
	patch patch // see stepAs

	keys   console
	edit   lineEditor            // the line being typed (BDOS 10 or the CCP)
	polls  pollState             // console polls that found no key (idle)
	out    func(byte)            // console output (terminal or buffer)
	starve func(block bool) bool // called when a read finds no key; may add some
	column int                   // console column as the BDOS counts it (TABs, line editing)
	ended  bool                  // ^D on an empty line ended the input (lineEditor.ctrlDEnds)
	echoes int                   // console bytes that echoed typed keys (not printed by the program)

	// The cost of a character of a reply (LastCharTStates): a reply is
	// what the program prints between two reads of the keyboard.
	replyChars int    // characters printed since the last key was read
	lastOut    uint64 // T-state count at the last of them
	replyMax   uint64 // the most T-states between two of them
	charT      uint64 // replyMax of the latest reply with two characters

	bdos bdosState
	bios biosState
}

func newCore() *core {
	c := &core{}
	c.cpu.Memory = &c.mem
	c.cpu.IO = ports{}
	c.mem.coldMemory()
	c.bdos.reset()
	return c
}

// ports is the I/O space: nothing is connected, so every port reads FFh (a
// floating bus) and writes go nowhere.
type ports struct{}

func (ports) In(uint8) uint8   { return 0xFF }
func (ports) Out(uint8, uint8) {}

// run executes until the total T-state count reaches limit or something
// stops the program. The common instruction costs one table lookup and a
// compare on top of the Z80 core's own step.
func (c *core) run(limit uint64) stop {
	cpu := &c.cpu
	mem := &c.mem
	t := c.t
	for t < limit {
		pc := cpu.PC
		op := mem[pc]
		if pc >= bdosBase { // the BDOS and BIOS entries, written in Go
			c.t = t
			if s := c.trap(pc); s != stopNone {
				return s
			}
			t = c.t
			continue
		}
		if n := fastTime[op]; n != 0 {
			cpu.Step()
			t += uint64(n)
			continue
		}
		if cm := condTest[op]; cm != 0 {
			// DJNZ, JR cc, RET cc, CALL cc: the condition decides the time,
			// read from the flags (or B) before the step.
			var taken bool
			if cm == condDJNZ {
				taken = cpu.BC.Hi != 1
			} else {
				taken = (cpu.AF.Lo&cm&condMask != 0) == (cm&condSet != 0)
			}
			cpu.Step()
			if taken {
				t += uint64(mainTaken[op])
			} else {
				t += uint64(mainTime[op])
			}
			continue
		}
		c.t = t
		if s := c.slowStep(pc); s != stopNone {
			return s
		}
		t = c.t
	}
	c.t = t
	return stopBudget
}

// slowStep executes one instruction the run loop's fast paths leave to it:
// a prefixed one (documented or not), HALT, or, after a DD or FD prefix
// that does not act on it, any instruction at all (the prefix and the
// instruction count as one step, as a real Z80 takes no interrupt between
// them).
func (c *core) slowStep(pc uint16) stop {
	cpu := &c.cpu
	m := &c.mem
	for {
		b := [4]byte{m[pc], m[pc+1], m[pc+2], m[pc+3]}
		t, taken, prefix := instrTime(b)
		if prefix {
			c.skip(pc, 1, 4)
			pc++
			if pc >= bdosBase {
				return stopNone
			}
			continue
		}
		switch {
		case b[0] == 0x76:
			cpu.PC = pc
			if cpu.IFF1 {
				return c.faultf("HALT with interrupts enabled (this machine raises no interrupts)")
			}
			return c.faultf("HALT with interrupts disabled")
		case b[0] == 0xED:
			switch op := b[1]; {
			case edAlias[op] != 0:
				c.stepAs(pc+1, edAlias[op])
			case op == 0x70: // IN F,(C): the flags of IN r,(C), the byte dropped
				c.inFlags(cpu.IO.In(cpu.BC.Lo))
				c.skip(pc, 2, 0)
			case op == 0x71, edTime[op] == 8 && !edCore[op]: // OUT (C),0 and the no-ops
				c.skip(pc, 2, 0)
			case op&0xA2 == 0xA2 && edCore[op]: // INI IND OUTI OUTD and repeats
				c.blockIO(op)
				if taken != 0 && cpu.PC == pc {
					t = taken
				}
			default:
				cpu.Step()
				if taken != 0 && cpu.PC == pc {
					t = taken
				}
			}
		case (b[0] == 0xDD || b[0] == 0xFD) && b[1] == 0xCB:
			c.indexedBit(b)
		default:
			if taken != 0 && c.condTaken(b[0]) {
				t = taken
			}
			cpu.Step()
		}
		c.t += uint64(t)
		return stopNone
	}
}

// edCore marks the ED opcodes the Z80 core executes itself: the documented
// ones and LD (nn),HL / LD HL,(nn) at 63/6B.
var edCore = func() (k [256]bool) {
	for op := 0x40; op < 0x80; op++ {
		k[op] = edAlias[op] == 0 && op != 0x70 && op != 0x71 && op != 0x77 && op != 0x7F
	}
	for _, op := range [...]byte{0xA0, 0xA1, 0xA2, 0xA3, 0xA8, 0xA9, 0xAA, 0xAB,
		0xB0, 0xB1, 0xB2, 0xB3, 0xB8, 0xB9, 0xBA, 0xBB} {
		k[op] = true
	}
	return k
}()

// condTaken tells whether the conditional instruction op (DJNZ, JR cc,
// RET cc, CALL cc) will take its branch, from B and the flags before it.
func (c *core) condTaken(op byte) bool {
	switch {
	case op == 0x10: // DJNZ: B is decremented, taken unless it becomes 0
		return c.cpu.BC.Hi != 1
	case op < 0x40: // JR cc: NZ Z NC C
		return condHolds(c.cpu.AF.Lo, (op>>3)&3)
	default: // RET cc, CALL cc: NZ Z NC C PO PE P M
		return condHolds(c.cpu.AF.Lo, (op>>3)&7)
	}
}

// skip executes an instruction that only moves PC on by n bytes, makes n
// opcode fetches (R counts them) and takes t T-states.
func (c *core) skip(pc uint16, n int, t uint8) {
	c.cpu.PC = pc + uint16(n)
	c.bumpR(n)
	c.t += uint64(t)
}

// bumpR adds n to the 7-bit refresh counter R (bit 7 stays as it is).
func (c *core) bumpR(n int) {
	r := c.cpu.IR.Lo
	c.cpu.IR.Lo = r&0x80 | (r+uint8(n))&0x7F
}

// patch is a memory that answers one read of one address with another
// byte: the core's fetch of an opcode byte sees, once, the documented
// opcode to execute in its place; every other access goes through.
type patch struct {
	m    z80.Memory
	at   uint16
	v    byte
	used bool
}

func (p *patch) Get(a uint16) uint8 {
	if a == p.at && !p.used {
		p.used = true
		return p.v
	}
	return p.m.Get(a)
}

func (p *patch) Set(a uint16, v uint8) { p.m.Set(a, v) }

// stepAs steps the instruction at PC with the opcode byte at address at
// read as op, for undocumented opcodes that behave as a documented one.
func (c *core) stepAs(at uint16, op byte) {
	c.patch = patch{m: c.cpu.Memory, at: at, v: op}
	c.cpu.Memory = &c.patch
	c.cpu.Step()
	c.cpu.Memory = c.patch.m
}

// indexedBit executes DD CB d op or FD CB d op. The core knows the
// documented (IX+d) forms; the undocumented ones with another register
// field do the same to (IX+d) and, unless they are BIT, also leave the
// result in that register. The core counts three opcode fetches where
// the Z80 makes two (the displacement and the last byte are read as
// operands), so R is set back by one.
func (c *core) indexedBit(b [4]byte) {
	cpu := &c.cpu
	op := b[3]
	ea := cpu.IX
	if b[0] == 0xFD {
		ea = cpu.IY
	}
	ea += uint16(int8(b[2]))
	if op&7 == 6 {
		cpu.Step()
	} else {
		c.stepAs(cpu.PC+3, op&^7|6)
		if op&0xC0 != 0x40 {
			*c.reg8(op & 7) = cpu.Memory.Get(ea)
		}
	}
	if op&0xC0 == 0x40 {
		// BIT takes the undocumented flag bits 3 and 5 from the high
		// byte of the address (the core clears them).
		cpu.AF.Lo = cpu.AF.Lo&^0x28 | byte(ea>>8)&0x28
	}
	c.bumpR(-1)
}

// blockIO executes INI, IND, OUTI, OUTD and their repeating forms. The core
// moves the data; the flags are set here as a Z80 sets them: S, Z and bits
// 3 and 5 from the decremented B, N from bit 7 of the byte moved, H and C
// from the carry of k (the byte plus C+1 or C-1 for input, plus L after
// the step for output) and P/V from the parity of (k AND 7) XOR B.
func (c *core) blockIO(op byte) {
	cpu := &c.cpu
	var v uint8
	out := op&1 == 1
	if out {
		v = cpu.Memory.Get(cpu.HL.U16())
	} else {
		v = cpu.IO.In(cpu.BC.Lo)
	}
	cpu.Step()
	var k int
	switch {
	case out:
		k = int(v) + int(cpu.HL.Lo)
	case op&8 == 0: // INI, INIR
		k = int(v) + int(cpu.BC.Lo+1)
	default: // IND, INDR
		k = int(v) + int(cpu.BC.Lo-1)
	}
	b := cpu.BC.Hi
	f := b&0xA8 | v>>6&0x02
	if b == 0 {
		f |= 0x40
	}
	if k > 0xFF {
		f |= 0x11
	}
	if bits.OnesCount8(uint8(k)&7^b)&1 == 0 {
		f |= 0x04
	}
	cpu.AF.Lo = f
}

// reg8 returns register r of an opcode's register field (B C D E H L - A).
func (c *core) reg8(r byte) *uint8 {
	cpu := &c.cpu
	return [8]*uint8{&cpu.BC.Hi, &cpu.BC.Lo, &cpu.DE.Hi, &cpu.DE.Lo, &cpu.HL.Hi, &cpu.HL.Lo, nil, &cpu.AF.Hi}[r]
}

// inFlags sets the flags as IN r,(C) does for byte v: S, Z, parity and the
// undocumented bits 3 and 5 from v; H and N cleared; C kept.
func (c *core) inFlags(v uint8) {
	f := c.cpu.AF.Lo&0x01 | v&0xA8
	if v == 0 {
		f |= 0x40
	}
	if bits.OnesCount8(v)&1 == 0 {
		f |= 0x04
	}
	c.cpu.AF.Lo = f
}

// condHolds evaluates condition code cc (0 NZ, 1 Z, 2 NC, 3 C, 4 PO, 5 PE,
// 6 P, 7 M) against flags f.
func condHolds(f, cc uint8) bool {
	var mask uint8
	switch cc >> 1 {
	case 0:
		mask = 0x40 // Z
	case 1:
		mask = 0x01 // C
	case 2:
		mask = 0x04 // P/V
	default:
		mask = 0x80 // S
	}
	return (f&mask != 0) == (cc&1 == 1)
}

// trap handles a PC in the BDOS/BIOS area: the BDOS entry and the BIOS
// entry points run Go code; the BIOS jump table is ordinary code (JPs to
// those entry points, or whatever a program patched in); anything else is
// a fault.
func (c *core) trap(pc uint16) stop {
	switch {
	case pc == bdosAddr:
		return c.bdosCall()
	case pc >= biosEntry && pc < biosEntry+biosEntries:
		return c.biosCall(int(pc - biosEntry))
	case pc >= biosBase && pc < biosBase+3*biosEntries:
		return c.slowStep(pc)
	default:
		return c.faultf("jump into the BDOS/BIOS area")
	}
}

// ret returns from a trapped call: pops PC and charges the RET.
func (c *core) ret() {
	c.cpu.PC = c.mem.word(c.cpu.SP)
	c.cpu.SP += 2
	c.t += 10
}

// conout writes one console character as the BDOS does: a TAB expands to
// spaces up to the next multiple of 8, and the column is counted as CP/M
// counts it (a printable character adds one, BS takes one back, LF sets it
// to 0; CR and other control characters leave it).
func (c *core) conout(b byte) {
	switch {
	case b == keyTab:
		for {
			c.column++
			c.emit(' ')
			if c.column&7 == 0 {
				return
			}
		}
	case b == keyDEL:
	case b >= 0x20:
		c.column++
	case b == keyBS:
		c.column = max(0, c.column-1)
	case b == keyLF:
		c.column = 0
	}
	c.emit(b)
}

// emit writes a byte to the console as it is.
func (c *core) emit(b byte) {
	if c.out != nil {
		c.out(b)
	}
}

// output is conout for what a program prints (BDOS 2 and 9).
func (c *core) output(b byte) {
	c.charOut()
	c.conout(b)
}

// rawOutput writes what a program prints as it is, without TAB expansion
// or column counting (BDOS 6, BIOS CONOUT).
func (c *core) rawOutput(b byte) {
	c.charOut()
	c.emit(b)
}

// charOut notes the time of a character the program prints.
func (c *core) charOut() {
	if c.replyChars > 0 {
		c.replyMax = max(c.replyMax, c.t-c.lastOut)
		c.charT = c.replyMax
	}
	c.lastOut = c.t
	c.replyChars++
}

// newReply starts a new reply: the program has read a key.
func (c *core) newReply() { c.replyChars, c.replyMax = 0, 0 }

// print writes a message from the system (CCP, faults, BDOS errors).
func (c *core) print(s string) {
	for i := 0; i < len(s); i++ {
		c.conout(s[i])
	}
}

// printShown writes a message that holds what someone typed or named,
// control characters shown as ^X (an ESC in a mistyped command must not
// move the cursor).
func (c *core) printShown(s string) {
	for i := 0; i < len(s); i++ {
		echoKey(s[i], c.conout)
	}
}
