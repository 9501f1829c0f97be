package emu

// The BIOS (docs/DESIGN.md, "The CP/M machine"): the jump table at F200h
// holds 17 JPs to entry points that run Go code. Programs call it through
// the address at 0001h (WBOOT's entry), as CP/M programs do for fast
// console I/O, and some call the disk entries directly: SELDSK returns
// the disk parameter header of drive A:, and READ and WRITE see the drive
// as sectors (drive.sector): the directory, then the files' data. A BIOS
// call costs the JP in the table (10 T-states) and the RET (10); the work
// inside is free.

// biosState is what the BIOS remembers between calls: the disk position.
type biosState struct {
	track, sector uint16
	dma           uint16
}

// biosNames names the entries, in jump-table order.
var biosNames = [biosEntries]string{
	"BOOT", "WBOOT", "CONST", "CONIN", "CONOUT", "LIST", "PUNCH", "READER",
	"HOME", "SELDSK", "SETTRK", "SETSEC", "SETDMA", "READ", "WRITE", "LISTST", "SECTRAN",
}

func (c *core) biosCall(i int) stop {
	cpu := &c.cpu
	if i != 2 {
		c.polls = pollState{}
	}
	b := &c.bios
	switch i {
	case 0, 1: // BOOT, WBOOT
		return stopExit
	case 2: // CONST: FFh if a key is waiting, else 0
		ready, o := c.poll()
		cpu.AF.Hi = 0
		if ready {
			cpu.AF.Hi = 0xFF
		}
		c.ret()
		if o == idle {
			return stopIdle
		}
		return stopNone
	case 3: // CONIN
		k, ok := c.readRaw()
		if !ok {
			return stopWait
		}
		cpu.AF.Hi = k
	case 4: // CONOUT: C as is
		c.rawOutput(cpu.BC.Lo)
	case 5, 6: // LIST, PUNCH: there is no printer or punch
	case 7: // READER: end of file
		cpu.AF.Hi = eofByte
	case 8: // HOME
		b.track = 0
	case 9: // SELDSK: the DPH of A:, 0 for any other drive
		cpu.HL.SetU16(0)
		if cpu.BC.Lo == 0 {
			cpu.HL.SetU16(dphAddr)
		}
	case 10: // SETTRK
		b.track = cpu.BC.U16()
	case 11: // SETSEC
		b.sector = cpu.BC.U16()
	case 12: // SETDMA
		b.dma = cpu.BC.U16()
	case 13: // READ: 0, or 1 past the end of the drive
		var rec [recordSize]byte
		cpu.AF.Hi = 1
		if c.bdos.disk.sector(b.record(), rec[:]) {
			c.mem.put(b.dma, rec[:])
			cpu.AF.Hi = 0
		}
	case 14: // WRITE: 0, or 1 for a sector that holds no file's data
		var rec [recordSize]byte
		c.mem.get(b.dma, rec[:])
		cpu.AF.Hi = 1
		if ok, err := c.bdos.disk.writeSector(b.record(), rec[:], c.bdos.protect); err != nil {
			c.faultf("drive A: host file system: %v", err)
			return stopFault
		} else if ok {
			cpu.AF.Hi = 0
		}
		c.updateALV()
	case 15: // LISTST: the list device is always ready
		cpu.AF.Hi = 0xFF
	case 16: // SECTRAN: no skew table, the sector stays as it is
		cpu.HL.SetU16(cpu.BC.U16())
	}
	c.ret()
	return stopNone
}

// record is the drive record the BIOS position points at.
func (b *biosState) record() int { return int(b.track)*spt + int(b.sector) }
