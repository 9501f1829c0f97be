package emu

// The BIOS jump table at F200h, for programs that call the BIOS directly
// (through the address at 0001h). The console entries work; the disk
// entries are not emulated (programs use the BDOS for files) and fault.
// A BIOS call is charged the jump-table JP (10 T-states) and the RET (10),
// like a BDOS call; the work inside is free.

var biosNames = [biosEntries]string{
	"BOOT", "WBOOT", "CONST", "CONIN", "CONOUT", "LIST", "PUNCH", "READER",
	"HOME", "SELDSK", "SETTRK", "SETSEC", "SETDMA", "READ", "WRITE", "LISTST", "SECTRAN",
}

func (c *core) biosCall(i int) stop {
	var v byte
	switch i {
	case 0, 1: // BOOT, WBOOT
		return stopExit
	case 2: // CONST
		ready, o := c.poll()
		if ready {
			v = 0xFF
		}
		c.cpu.AF.Hi = v
		c.t += 10
		c.ret()
		if o == idle {
			return stopWait
		}
		return stopNone
	case 3: // CONIN
		k, ok := c.readKey()
		if !ok {
			return stopWait
		}
		v = k
	case 4: // CONOUT
		c.rawout(c.cpu.BC.Lo)
	case 5, 6: // LIST, PUNCH: discarded
	case 7: // READER: end of file
		v = eofByte
	case 15: // LISTST: the list device is always ready
		v = 0xFF
	default:
		return c.faultf("BIOS %s is not emulated (use the BDOS)", biosNames[i])
	}
	c.bdos.polls = 0
	c.cpu.AF.Hi = v
	c.t += 10
	c.ret()
	return stopNone
}
