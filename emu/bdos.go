package emu

import "fmt"

// The BDOS, written in Go. A program calls 0005h with the function number in
// C and its parameter in E or DE; the run loop traps the call, looks the
// function up in bdosTable and returns to the caller with the result in A
// and HL (B = H, as CP/M 2.2 does).
//
// Time: a call is charged the JP at 0005h (10 T-states) and the RET back
// (10 T-states); the work inside the BDOS is free. A call that waits for a
// key is charged nothing while it waits: it completes, and is charged, once
// the key is there.

// outcome says how a BDOS function ended.
type outcome int

const (
	done  outcome = iota // result in A/HL; return to the caller
	block                // no key yet: stay at the call, report waiting
	idle                 // done, then report waiting (a polling loop that finds no key)
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

// pollsBeforeIdle is how many console polls in a row (BDOS 6 with E=FFh,
// BDOS 11, BIOS CONST) may find no key, with no other call between them,
// before the machine decides the program is idling and reports waiting.
// A program that polls while it computes makes other calls in between
// (it prints), so it is never taken for idle.
const pollsBeforeIdle = 100

// bdosState is what the BDOS remembers between calls.
type bdosState struct {
	dma     uint16
	user    byte
	iobyte  byte
	editing bool // a BDOS 10 read is in progress (it waits for more keys)
	edit    lineEditor
	polls   int
	unknown map[byte]int // calls of functions CP/M 2.2 does not have, by number

	disk   *drive
	found  []dirEntry // matches of the last search first
	foundN int
}

func (b *bdosState) reset() {
	b.dma = tailBuf
	b.editing = false
	b.polls = 0
	b.found, b.foundN = nil, 0
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
	if !(fn == 11 || (fn == 6 && c.cpu.DE.Lo == 0xFF)) {
		c.bdos.polls = 0
	}
	v, o := f(c)
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
		return stopWait
	}
	return stopNone
}

// setResult puts a BDOS result in A, L (low byte) and B, H (high byte).
func (c *core) setResult(v uint16) {
	c.cpu.AF.Hi = byte(v)
	c.cpu.HL.SetU16(v)
	c.cpu.BC.Hi = byte(v >> 8)
}

// readKey takes the next key, asking for more input when the queue is empty.
func (c *core) readKey() (byte, bool) {
	if k, ok := c.keys.pop(); ok {
		return k, true
	}
	if c.starve != nil && c.starve(true) {
		return c.keys.pop()
	}
	return 0, false
}

// poll reports whether a key is waiting, for the status functions. After
// pollsBeforeIdle fruitless polls in a row it asks for more input, and if
// none comes it tells the caller to report waiting.
func (c *core) poll() (ready bool, o outcome) {
	if c.keys.len() > 0 {
		c.bdos.polls = 0
		return true, done
	}
	c.bdos.polls++
	if c.bdos.polls < pollsBeforeIdle {
		return false, done
	}
	c.bdos.polls = 0
	if c.starve != nil && c.starve(false) && c.keys.len() > 0 {
		return true, done
	}
	return false, idle
}

// 0: system reset, a warm boot.
func bdosSystemReset(c *core) (uint16, outcome) { return 0, exit }

// 1: console input: wait for a key, echo it, return it.
func bdosConsoleInput(c *core) (uint16, outcome) {
	k, ok := c.readKey()
	if !ok {
		return 0, block
	}
	if k == keyCR || k == keyLF || k == keyBS || k == keyTab || (k >= 0x20 && k < keyDEL) {
		c.echo(k)
	}
	return uint16(k), done
}

// 2: console output of E.
func bdosConsoleOutput(c *core) (uint16, outcome) {
	c.conout(c.cpu.DE.Lo)
	return 0, done
}

// 3: reader input: there is no reader; it reads as end of file (^Z).
func bdosReaderInput(c *core) (uint16, outcome) { return 0x1A, done }

// 4: punch output: discarded.
func bdosPunchOutput(c *core) (uint16, outcome) { return 0, done }

// 5: list (printer) output: discarded.
func bdosListOutput(c *core) (uint16, outcome) { return 0, done }

// 6: direct console I/O: E=FFh returns a key or 0 without echo; any other
// E is written as is.
func bdosDirectIO(c *core) (uint16, outcome) {
	e := c.cpu.DE.Lo
	if e != 0xFF {
		c.rawout(e)
		return 0, done
	}
	ready, o := c.poll()
	if !ready {
		return 0, o
	}
	k, _ := c.keys.pop()
	return uint16(k), done
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
	a := c.cpu.DE.U16()
	for n := 0; n < 0x10000; n++ {
		b := c.mem[a]
		if b == '$' {
			return 0, done
		}
		c.conout(b)
		a++
	}
	return 0, c.failf("BDOS 9: no '$' ends the string at %04XH", c.cpu.DE.U16())
}

// 10: read a line into the buffer at DE (max length, count, text), with the
// CP/M line editor. It may wait for keys half way; the line so far is kept.
func bdosReadBuffer(c *core) (uint16, outcome) {
	buf := c.cpu.DE.U16()
	if c.mem[buf] == 0 { // no room: an empty line, no key taken
		c.mem[buf+1] = 0
		return 0, done
	}
	e := &c.bdos.edit
	if !c.bdos.editing {
		e.reset(int(c.mem[buf]), c.column)
		c.bdos.editing = true
	}
	for {
		k, ok := c.readKey()
		if !ok {
			return 0, block
		}
		switch e.feed(k, c.echo) {
		case editAbort:
			c.bdos.editing = false
			return 0, exit
		case editDone:
			c.bdos.editing = false
			c.mem[buf+1] = byte(len(e.buf))
			for i, b := range e.buf {
				c.mem[buf+2+uint16(i)] = b
			}
			return 0, done
		}
	}
}

// echo writes the echo of a typed key; echoes are counted apart from what
// the program prints (RunCOM's LineStat leaves them out).
func (c *core) echo(b byte) {
	c.echoes++
	c.conout(b)
}

// 11: console status: FFh if a key is waiting, else 0.
func bdosConsoleStatus(c *core) (uint16, outcome) {
	ready, o := c.poll()
	if ready {
		return 0xFF, done
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
