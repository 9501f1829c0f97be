package emu

// Memory map of the emulated 64 KB CP/M 2.2 system (docs/DESIGN.md, "The
// CP/M machine"). The BDOS and BIOS are written in Go: the BDOS entry and
// the BIOS entry points are trapped by PC; the bytes around them are what a
// program that looks at them expects to find (page zero's jumps, the BIOS
// jump table, the disk tables).
//
//	0000-00FF  page zero: JP WBOOT, IOBYTE, drive/user, JP BDOS, FCBs, tail
//	0100-E405  the TPA (programs; the CCP's area DC00-E3FF is theirs too)
//	E406       BDOS entry (the word at 0006h)
//	F200-F232  BIOS jump table: 17 JPs to the entry points at F233-F243
//	F250-F3FF  disk tables of drive A:: DPH, DPB, directory buffer, ALV
const (
	tpaBase   = 0x0100                   // programs load and start here
	ccpBase   = 0xDC00                   // where a standard CP/M keeps its CCP (a program may overwrite it)
	bdosBase  = 0xE400                   // start of the BDOS (serial number, then the entry)
	bdosAddr  = 0xE406                   // BDOS entry; the word at 0006h, also the top of the TPA
	biosBase  = 0xF200                   // BIOS jump table: BOOT, WBOOT, CONST, CONIN, CONOUT, ...
	biosEntry = biosBase + 3*biosEntries // one trapped byte per BIOS function

	fcb1    = 0x005C // default FCB, first file name of the command tail
	fcb2    = 0x006C // second file name of the command tail
	tailBuf = 0x0080 // command tail (length byte, text), also the default DMA buffer

	// stackTop is the loader's stack: the return address 0000h is pushed
	// below it, into the BDOS's serial-number bytes, so that a program
	// image may fill the TPA up to the BDOS (this CCP takes no memory; a
	// real CCP at DC00h would refuse a .COM that reaches it).
	stackTop = bdosBase + 6
	// maxCOM is the largest .COM image: 0100h up to the BDOS.
	maxCOM = bdosBase - tpaBase

	// The disk tables of drive A: (SELDSK returns the DPH; BDOS 27 and 31
	// return the ALV and the DPB).
	dphAddr    = 0xF250 // disk parameter header, 16 bytes
	dpbAddr    = 0xF260 // disk parameter block, 15 bytes
	dirBufAddr = 0xF280 // directory buffer, one record
	allocAddr  = 0xF300 // allocation vector: one bit per block, 256 bytes
	csvAddr    = 0xF400 // check vector: none (a fixed disk), the address is a formality
)

// memory is the flat 64 KB address space; it implements z80.Memory.
type memory [65536]byte

func (m *memory) Get(addr uint16) uint8    { return m[addr] }
func (m *memory) Set(addr uint16, v uint8) { m[addr] = v }

func (m *memory) word(addr uint16) uint16 {
	return uint16(m[addr]) | uint16(m[addr+1])<<8
}

func (m *memory) setWord(addr, v uint16) {
	m[addr] = byte(v)
	m[addr+1] = byte(v >> 8)
}

// put copies b to addr, wrapping at the top of memory like the Z80 does.
func (m *memory) put(addr uint16, b []byte) {
	for i, v := range b {
		m[addr+uint16(i)] = v
	}
}

// get copies memory from addr into b, wrapping at the top of memory.
func (m *memory) get(addr uint16, b []byte) {
	for i := range b {
		b[i] = m[addr+uint16(i)]
	}
}

// biosEntries is the number of jump-table entries of a CP/M 2.2 BIOS.
const biosEntries = 17

// coldMemory clears memory and lays out page zero, the BDOS entry and the
// BIOS as CP/M leaves them for a program.
func (m *memory) coldMemory() {
	*m = memory{}
	m.warmMemory()
}

// warmMemory restores what a program may have overwritten outside the TPA:
// page zero's jumps, the BDOS entry, the BIOS jump table and the disk
// parameter tables. The TPA is left alone; the allocation vector is the
// drive's to keep (drive.alv).
func (m *memory) warmMemory() {
	m.pageZero()
	// BDOS: six serial-number bytes, then the entry. The entry is trapped;
	// a RET there keeps a disassembly honest.
	m[bdosAddr] = 0xC9
	// BIOS: a jump table whose targets are the trapped entry points (each
	// a RET, for the same reason). A program may patch a JP in the table
	// and chain to the old target, as on a real machine.
	for i := 0; i < biosEntries; i++ {
		a := uint16(biosBase + 3*i)
		m[a] = 0xC3
		m.setWord(a+1, biosEntry+uint16(i))
		m[biosEntry+i] = 0xC9
	}
	// The disk parameter header of drive A:.
	dph := [16]byte{}
	putWord := func(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }
	putWord(dph[8:], dirBufAddr) // XLT (0: no skew) and scratch come first
	putWord(dph[10:], dpbAddr)
	putWord(dph[12:], csvAddr)
	putWord(dph[14:], allocAddr)
	copy(m[dphAddr:], dph[:])
	copy(m[dpbAddr:], diskParams[:])
}

// diskParams is the disk parameter block of drive A: (docs/DESIGN.md, "The
// CP/M machine"): 4 MB in 2 KB blocks, 1024 directory entries in the first
// 16 blocks, each entry one 16 KB extent, no reserved tracks.
var diskParams = [15]byte{
	spt, 0, //          SPT: records per track
	4, 15, 0, //        BSH, BLM, EXM: 2 KB blocks, one extent per entry
	dsm & 0xFF, dsm >> 8, // DSM: last block number
	drm & 0xFF, drm >> 8, // DRM: last directory entry number
	0xFF, 0xFF, //      AL0, AL1: the directory's 16 blocks
	0x00, 0x00, //      CKS: fixed medium, nothing to check
	0x00, 0x00, //      OFF: no reserved tracks
}

// pageZero writes the two jumps at 0000h and 0005h, as a warm boot does.
// IOBYTE and the drive/user byte are the BDOS's (bdosState).
func (m *memory) pageZero() {
	m[0x0000] = 0xC3
	m.setWord(0x0001, biosBase+3) // JP WBOOT
	m[0x0005] = 0xC3
	m.setWord(0x0006, bdosAddr) // JP BDOS; also the top of the TPA
}
