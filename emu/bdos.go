package emu

import "fmt"

// The BDOS, written in Go (docs/DESIGN.md, "The CP/M machine"). A program
// calls 0005h with the function number in C and its parameter in E or DE;
// the JP there leads to the BDOS entry, which the run loop traps; the
// function is looked up in bdosTable (one small function per number) and
// the call returns to the caller with the result in A and HL (B = H, as
// CP/M 2.2 does).
//
// Time: a call costs the JP at 0005h (10 T-states) and the RET back (10
// T-states); the work inside the BDOS is free. A call that waits for a key
// is charged nothing while it waits: it completes, and is charged, once
// the key is there.

// outcome says how a BDOS function ended.
type outcome int

const (
	done  outcome = iota // result in A/HL; return to the caller
	block                // no key yet: stay at the call, report waiting
	idle                 // done; the program has just been found idle (stopIdle)
	exit                 // warm boot
	fail                 // a fault (core.fault is set)
)

type bdosFunc func(c *core) (uint16, outcome)

// bdosTable maps function numbers to their implementation; nil = unknown.
var bdosTable = [...]bdosFunc{
	0:  bdosSystemReset,
	1:  bdosConsoleInput,
	2:  bdosConsoleOutput,
	3:  bdosReaderInput,
	4:  bdosPunchOutput,
	5:  bdosListOutput,
	6:  bdosDirectIO,
	7:  bdosGetIOByte,
	8:  bdosSetIOByte,
	9:  bdosPrintString,
	10: bdosReadBuffer,
	11: bdosConsoleStatus,
	12: bdosVersion,
	13: bdosResetDisk,
	14: bdosSelectDisk,
	15: bdosOpen,
	16: bdosClose,
	17: bdosSearchFirst,
	18: bdosSearchNext,
	19: bdosDelete,
	20: bdosReadSeq,
	21: bdosWriteSeq,
	22: bdosMake,
	23: bdosRename,
	24: bdosLoginVector,
	25: bdosCurrentDisk,
	26: bdosSetDMA,
	27: bdosAllocVector,
	28: bdosWriteProtect,
	29: bdosROVector,
	30: bdosSetAttributes,
	31: bdosDPB,
	32: bdosUserCode,
	33: bdosReadRandom,
	34: bdosWriteRandom,
	35: bdosFileSize,
	36: bdosSetRandom,
	37: bdosResetDrive,
	38: bdosUnused,
	39: bdosUnused,
	40: bdosWriteRandomZero,
}

// bdosState is what the BDOS remembers between calls.
type bdosState struct {
	dma     uint16
	user    byte
	editing bool // a BDOS 10 read is in progress (it waits for more keys)
	stopped bool // ^S stopped the screen: the call waits for the next key
	protect bool // BDOS 28 made drive A: read-only until the next warm boot
	search  searchState
	alvAt   uint64       // drive.changes+1 when the ALV in memory was written
	unknown map[byte]int // calls of functions CP/M 2.2 does not have, by number

	disk *drive
}

// reset is what a warm boot does to the BDOS: the DMA address back to
// 0080h, drive A: writable again, no read or search in progress.
func (b *bdosState) reset() {
	b.dma = tailBuf
	b.editing, b.stopped, b.protect = false, false, false
	b.search = searchState{}
}

// bdosCall runs the function in C. CP/M 2.2 answers a function it does not
// know with 0 in A and HL; so does this BDOS, and it counts the call
// (bdosState.unknown) for the -stats output.
func (c *core) bdosCall() stop {
	fn := c.cpu.BC.Lo
	var f bdosFunc
	if int(fn) < len(bdosTable) {
		f = bdosTable[fn]
	}
	if f == nil {
		f = bdosUnknown
	}
	if !isPoll(fn, c.cpu.DE.Lo) {
		c.polls = pollState{}
	}
	v, o := f(c)
	if fn >= 13 {
		c.updateALV()
	}
	switch o {
	case block:
		return stopWait
	case exit:
		return stopExit
	case fail:
		return stopFault
	}
	c.setResult(v)
	c.ret()
	if o == idle {
		return stopIdle
	}
	return stopNone
}

// isPoll tells the console status calls apart: BDOS 11, and BDOS 6 with E
// = FFh (input if there is some) or FEh (status).
func isPoll(fn, e byte) bool { return fn == 11 || fn == 6 && e >= 0xFE }

// setResult puts a BDOS result in A, L (low byte) and B, H (high byte).
func (c *core) setResult(v uint16) {
	c.cpu.AF.Hi = byte(v)
	c.cpu.HL.SetU16(v)
	c.cpu.BC.Hi = byte(v >> 8)
}

// readKey takes the next key, asking for more input when the queue is
// empty. A key taken starts a new reply (LastCharTStates).
func (c *core) readKey() (Key, bool) {
	k, ok := c.keys.pop()
	if !ok && c.starve != nil && c.starve(true) {
		k, ok = c.keys.pop()
	}
	if ok {
		c.newReply()
	}
	return k, ok
}

// readRaw takes the next character for a raw read (BDOS 1 and 6, BIOS
// CONIN): keys become their WordStar characters (rawKeys).
func (c *core) readRaw() (byte, bool) {
	for {
		if c.keys.len() == 0 && (c.starve == nil || !c.starve(true)) {
			return 0, false
		}
		if b, ok := c.keys.popRaw(); ok {
			c.newReply()
			return b, true
		}
	}
}

// Idle: a program that asks for the console status again and again with
// next to nothing in between (docs/DESIGN.md, "The CP/M machine").
const (
	idleGap   = 400 // T-states: polls closer than this have no work between them
	idlePolls = 8   // that many such polls in a row: the program is idle
)

// pollState follows the console polls that find no key.
type pollState struct {
	last  uint64 // T-state count at the last empty poll
	run   int    // empty polls in a row, each within idleGap of the one before
	idle  bool   // the program is judged idle
	since uint64 // when it became idle
}

// poll reports whether a key is waiting, for the status calls. A program
// found idle (idlePolls empty polls, idleGap apart at most) stops the run
// once (stopIdle: the machine reports Waiting, RunStream hands over input);
// while it stays idle every poll asks for input without waiting for it.
func (c *core) poll() (ready bool, o outcome) {
	if c.keys.len() > 0 {
		c.polls = pollState{}
		return true, done
	}
	p := &c.polls
	if p.run > 0 && c.t-p.last <= idleGap {
		p.run++
	} else {
		p.run = 1
	}
	p.last = c.t
	if p.run < idlePolls {
		return false, done
	}
	if !p.idle {
		p.idle, p.since = true, c.t
		return false, idle
	}
	if c.starve != nil && c.starve(false) && c.keys.len() > 0 {
		*p = pollState{}
		return true, done
	}
	return false, done
}

// conbrk is CP/M's check for a stopped screen, made before console output
// (BDOS 2 and 9) and by BDOS 11: a ^S typed stops the program until the
// next key, which is taken; ^C then warm boots.
func (c *core) conbrk() outcome {
	if !c.bdos.stopped {
		if k, ok := c.keys.peek(); !ok || k != keyCtrlS {
			return done
		}
		c.keys.pop()
		c.bdos.stopped = true
	}
	k, ok := c.readKey()
	if !ok {
		return block
	}
	c.bdos.stopped = false
	if k == keyCtrlC {
		return exit
	}
	return done
}

// 0: system reset, a warm boot.
func bdosSystemReset(c *core) (uint16, outcome) { return 0, exit }

// 1: console input: wait for a key, echo it if it is printable (DEL and
// characters from 80h included), CR, LF, TAB or BS, and return it.
func bdosConsoleInput(c *core) (uint16, outcome) {
	k, ok := c.readRaw()
	if !ok {
		return 0, block
	}
	if k >= 0x20 || k == keyCR || k == keyLF || k == keyTab || k == keyBS {
		c.echo(k)
	}
	return uint16(k), done
}

// 2: console output of E (a TAB expands to spaces).
func bdosConsoleOutput(c *core) (uint16, outcome) {
	if o := c.conbrk(); o != done {
		return 0, o
	}
	c.output(c.cpu.DE.Lo)
	return 0, done
}

// 3: reader input: there is no reader; it reads as end of file (^Z).
func bdosReaderInput(c *core) (uint16, outcome) { return 0x1A, done }

// 4: punch output: discarded.
func bdosPunchOutput(c *core) (uint16, outcome) { return 0, done }

// 5: list (printer) output: discarded.
func bdosListOutput(c *core) (uint16, outcome) { return 0, done }

// 6: direct console I/O, without echo, ^S or TAB expansion: E=FFh returns
// a key or 0, E=FEh the console status (FFh or 0); any other E is written
// as is.
func bdosDirectIO(c *core) (uint16, outcome) {
	switch e := c.cpu.DE.Lo; e {
	case 0xFF:
		ready, o := c.poll()
		if !ready {
			return 0, o
		}
		k, _ := c.readRaw()
		return uint16(k), done
	case 0xFE:
		if ready, o := c.poll(); !ready {
			return 0, o
		}
		return 0xFF, done
	default:
		c.rawOutput(e)
		return 0, done
	}
}

// 7: get IOBYTE.
func bdosGetIOByte(c *core) (uint16, outcome) { return uint16(c.mem[0x0003]), done }

// 8: set IOBYTE.
func bdosSetIOByte(c *core) (uint16, outcome) {
	c.mem[0x0003] = c.cpu.DE.Lo
	return 0, done
}

// 9: print the string at DE up to '$'.
func bdosPrintString(c *core) (uint16, outcome) {
	if o := c.conbrk(); o != done {
		return 0, o
	}
	a := c.cpu.DE.U16()
	for n := 0; n < 0x10000; n++ {
		b := c.mem[a]
		if b == '$' {
			return 0, done
		}
		c.output(b)
		a++
	}
	return 0, c.failf("BDOS 9: no '$' ends the string at %04XH", c.cpu.DE.U16())
}

// 10: read a line into the buffer at DE (max length, count, text), with the
// line editor (lineEditor). It may wait for keys half way; the line so far
// is kept. ^C on an empty line warm boots, and says so on the screen.
func bdosReadBuffer(c *core) (uint16, outcome) {
	buf := c.cpu.DE.U16()
	e := &c.edit
	if !c.bdos.editing {
		e.reset(int(c.mem[buf]), c.column)
		c.bdos.editing = true
	}
	if e.max == 0 { // no room: an empty line, no key taken
		c.bdos.editing = false
		c.mem[buf+1] = 0
		return 0, done
	}
	for {
		k, ok := c.readKey()
		if !ok {
			return 0, block
		}
		switch e.feed(k, c.echo) {
		case editAbort:
			c.bdos.editing = false
			c.print("^C\r\n" + ctrlCNote)
			return 0, exit
		case editEnd:
			c.bdos.editing = false
			c.ended = true
			return 0, block
		case editDone:
			c.bdos.editing = false
			c.mem[buf+1] = byte(len(e.buf))
			c.mem.put(buf+2, e.buf)
			return 0, done
		}
	}
}

// ctrlCNote is what the machine says when ^C at an empty line of a
// program's line read ends the program, before the warm boot.
const ctrlCNote = "(^C: program stopped, warm boot)"

// echo writes the echo of a typed key; echoes are counted apart from what
// the program prints (RunCOM's LineStat leaves them out).
func (c *core) echo(b byte) {
	c.echoes++
	c.conout(b)
}

// 11: console status: 1 if a key is waiting (CP/M 2.2 returns 1, not the
// FFh its manual promises; programs test for nonzero), else 0. A ^S typed
// stops the program here until the next key (conbrk).
func bdosConsoleStatus(c *core) (uint16, outcome) {
	if k, ok := c.keys.peek(); c.bdos.stopped || ok && k == keyCtrlS {
		return 0, c.conbrk()
	}
	ready, o := c.poll()
	if ready {
		return 1, done
	}
	return 0, o
}

// 12: version: CP/M 2.2.
func bdosVersion(c *core) (uint16, outcome) { return 0x0022, done }

// failf records a fault inside a BDOS call and returns the outcome for it.
// The fault names the caller (the return address on the stack).
func (c *core) failf(format string, args ...any) outcome {
	c.faultf(format, args...)
	c.fault.What += fmt.Sprintf(" (called from %04XH)", c.mem.word(c.cpu.SP)-3)
	return fail
}

// bdosUnknown answers a function number CP/M 2.2 does not have (a program
// probing for a later version, say): 0 in A and HL, and a count of the
// call by number.
func bdosUnknown(c *core) (uint16, outcome) {
	if c.bdos.unknown == nil {
		c.bdos.unknown = map[byte]int{}
	}
	c.bdos.unknown[c.cpu.BC.Lo]++
	return 0, done
}
