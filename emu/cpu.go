package emu

import (
	"fmt"
	"strings"

	"github.com/koron-go/z80"
)

// stop tells why the run loop returned.
type stop int

const (
	stopNone   stop = iota // keep going (internal)
	stopBudget             // the T-state budget is used up
	stopWait               // the program waits for console input
	stopExit               // warm boot: the program ended
	stopFault              // the program faulted (core.fault says why)
)

// core is the Z80 with its memory and the Go BDOS: the part RunCOM and
// Machine share. The Z80 executes with github.com/koron-go/z80; the time of
// every instruction comes from the tables in timing.go.
type core struct {
	cpu z80.CPU
	mem memory
	t   uint64 // T-states executed since the machine started

	// floor is the end of the loaded program image: a push or call that
	// takes SP below it means the stack ran into the program. A program that
	// loads SP itself below it manages its own stack; the check then stops.
	floor uint16
	fault *Fault

	keys   console
	out    func(byte)            // console output (terminal or buffer)
	starve func(block bool) bool // called when a read finds no key; may add some
	column int                   // console column, for TAB expansion and line editing
	echoes int                   // console bytes that echoed typed keys (not printed by the program)

	bdos bdosState
}

func newCore() *core {
	c := &core{}
	c.cpu.Memory = &c.mem
	c.mem.coldMemory()
	c.bdos.reset()
	return c
}

// run executes until the total T-state count reaches limit or something
// stops the program. The common instruction costs one table lookup and two
// compares on top of the Z80 core's own step.
func (c *core) run(limit uint64) stop {
	cpu := &c.cpu
	mem := &c.mem
	t := c.t
	floor := c.floor
	for t < limit {
		pc := cpu.PC
		var s stop
		if pc-tpaBase >= bdosBase-tpaBase { // page zero, BDOS or BIOS
			c.t = t
			s = c.trap(pc)
		} else if n := fastTime[mem[pc]]; n != 0 {
			cpu.Step()
			t += uint64(n)
			if cpu.SP < floor {
				c.t = t
				s = c.stackCheck(pc)
				floor = c.floor
			}
			if s == stopNone {
				continue
			}
		} else if cm := condTest[mem[pc]]; cm != 0 {
			// DJNZ, JR cc, RET cc, CALL cc: the condition decides the time,
			// read from the flags (or B) before the step.
			op := mem[pc]
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
			if cpu.SP < floor {
				c.t = t
				s = c.stackCheck(pc)
				floor = c.floor
			}
			if s == stopNone {
				continue
			}
		} else {
			c.t = t
			s = c.slowStep(pc)
			if s == stopNone && cpu.SP < floor {
				s = c.stackCheck(pc)
			}
		}
		t = c.t
		floor = c.floor
		if s != stopNone {
			return s
		}
	}
	c.t = t
	return stopBudget
}

// stackCheck runs when SP has just gone below the program image. If the
// instruction at pc loaded SP, the program set up its own stack and the
// check is switched off; otherwise the stack grew into the program.
func (c *core) stackCheck(pc uint16) stop {
	if c.floor == 0 || c.cpu.SP >= c.floor {
		return stopNone
	}
	m := &c.mem
	switch {
	case m[pc] == 0x31 || m[pc] == 0xF9, // LD SP,nn  LD SP,HL
		m[pc] == 0xED && m[pc+1] == 0x7B,                    // LD SP,(nn)
		(m[pc] == 0xDD || m[pc] == 0xFD) && m[pc+1] == 0xF9: // LD SP,IX/IY
		c.floor = 0
		return stopNone
	}
	floor := c.floor
	c.cpu.PC = pc
	return c.faultf("stack ran into the program (SP=%04XH is below the program's end %04XH)", c.cpu.SP, floor)
}

// slowStep executes an instruction that is prefixed, conditional, HALT or
// undocumented.
func (c *core) slowStep(pc uint16) stop {
	cpu := &c.cpu
	m := &c.mem
	b := [4]byte{m[pc], m[pc+1], m[pc+2], m[pc+3]}
	t, taken, ok := instrTime(b)
	if !ok {
		return c.faultf("illegal or undocumented opcode %s", opcodeBytes(b))
	}
	if b[0] == 0x76 {
		if cpu.IFF1 {
			return c.faultf("HALT with interrupts enabled (this machine raises no interrupts)")
		}
		return c.faultf("HALT with interrupts disabled")
	}
	if taken != 0 {
		switch {
		case b[0] == 0xED: // block repeat: decided after the step
		case b[0] == 0x10: // DJNZ: B is decremented, taken unless it becomes 0
			if cpu.BC.Hi != 1 {
				t = taken
			}
		case b[0] < 0x40: // JR cc: NZ Z NC C
			if condHolds(cpu.AF.Lo, (b[0]>>3)&3) {
				t = taken
			}
		default: // RET cc, CALL cc: NZ Z NC C PO PE P M
			if condHolds(cpu.AF.Lo, (b[0]>>3)&7) {
				t = taken
			}
		}
	}
	cpu.Step()
	if b[0] == 0xED && taken != 0 && cpu.PC == pc {
		t = taken
	}
	c.t += uint64(t)
	return stopNone
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

// opcodeBytes formats the bytes that make up an instruction's opcode.
func opcodeBytes(b [4]byte) string {
	n := 1
	switch b[0] {
	case 0xCB, 0xED:
		n = 2
	case 0xDD, 0xFD:
		n = 2
		if b[1] == 0xCB {
			n = 4
		}
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%02X", b[i])
	}
	return strings.Join(parts, " ")
}

// trap handles a PC in page zero or in the BDOS/BIOS area: the entries run
// Go code, anything else is a fault.
func (c *core) trap(pc uint16) stop {
	switch {
	case pc == 0x0000:
		return stopExit
	case pc == 0x0005:
		return c.bdosCall(bdosViaJump)
	case pc == bdosAddr:
		return c.bdosCall(bdosDirect)
	case pc >= biosBase && pc < biosBase+3*biosEntries && (pc-biosBase)%3 == 0:
		return c.biosCall(int(pc-biosBase) / 3)
	case pc < tpaBase:
		return c.faultf("jump into page zero")
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

// conout writes one console character the way the BDOS does: TAB expands
// to spaces up to the next multiple of 8, and the column is tracked for the
// line editor.
func (c *core) conout(b byte) {
	if b == keyTab {
		for {
			c.rawout(' ')
			if c.column&7 == 0 {
				return
			}
		}
	}
	c.rawout(b)
}

// rawout writes a byte as is (BDOS 6) and keeps the column.
func (c *core) rawout(b byte) {
	switch {
	case b == keyCR:
		c.column = 0
	case b == keyBS:
		if c.column > 0 {
			c.column--
		}
	case b >= 0x20 && b < keyDEL:
		c.column++
	}
	if c.out != nil {
		c.out(b)
	}
}

// printf writes a message from the system (CCP, fault reports).
func (c *core) print(s string) {
	for i := 0; i < len(s); i++ {
		c.conout(s[i])
	}
}
