package emu

// Memory map of the emulated 64 KB CP/M 2.2 system. The BDOS and BIOS are
// written in Go: their addresses are trapped by PC, the bytes there are only
// what a program that peeks at them expects to find.
const (
	tpaBase  = 0x0100 // programs load and start here
	ccpBase  = 0xDC00 // where a standard 64K CP/M keeps its CCP (a program may overwrite it)
	bdosBase = 0xE400 // start of the BDOS (serial number, then the entry)
	bdosAddr = 0xE406 // BDOS entry; the word at 0006h, also the top of the TPA
	biosBase = 0xF200 // BIOS jump table: BOOT, WBOOT, CONST, CONIN, CONOUT, ...

	fcb1    = 0x005C // default FCB, first file name of the command tail
	fcb2    = 0x006C // second file name of the command tail
	tailBuf = 0x0080 // command tail (length byte, text), also the default DMA buffer

	// stackTop is the loader's stack: the return address 0000h is pushed
	// below it, in the last bytes of the CCP's area.
	stackTop = 0xE400
	// stackReserve bytes under stackTop are kept free of program image.
	stackReserve = 0x100
	// maxCOM is the largest .COM image that fits the TPA with the stack.
	maxCOM = stackTop - stackReserve - tpaBase

	// Tables a program may ask the disk BDOS for (functions 27 and 31).
	allocAddr = bdosBase + 0x10
	dpbAddr   = bdosBase + 0x30
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
// BIOS jump table as CP/M leaves them for a program.
func (m *memory) coldMemory() {
	*m = memory{}
	m.warmMemory()
}

// warmMemory restores what a program may have overwritten outside the TPA:
// page zero's jumps, the BDOS entry, the BIOS jump table and the disk
// tables. The TPA is left alone.
func (m *memory) warmMemory() {
	m.pageZero()
	// BDOS: six serial-number bytes, then the entry. The entry is trapped;
	// a RET there keeps a disassembly honest.
	m[bdosAddr] = 0xC9
	// BIOS: a jump table whose targets are the entries themselves (each is
	// trapped before it executes).
	for i := 0; i < biosEntries; i++ {
		a := uint16(biosBase + 3*i)
		m[a] = 0xC3
		m.setWord(a+1, a)
	}
	// Disk parameter block of drive A: (4 MB: 2 KB blocks, 2048 blocks,
	// 1024 directory entries; one entry holds one 16 KB extent) and an
	// allocation vector, for programs that ask.
	dpb := []byte{
		0x20, 0x00, // SPT: 32 records per track
		4, 15, 0, // BSH, BLM, EXM: 2 KB blocks, one extent per entry
		0xFF, 0x07, // DSM: 2048 blocks
		0xFF, 0x03, // DRM: 1024 directory entries
		0xFF, 0xFF, // AL0, AL1: the directory's 16 blocks
		0x00, 0x00, // CKS: fixed medium
		0x00, 0x00, // OFF: no reserved tracks
	}
	copy(m[dpbAddr:], dpb)
}

// pageZero writes the two jumps at 0000h and 0005h, as a warm boot does.
func (m *memory) pageZero() {
	m[0x0000] = 0xC3
	m.setWord(0x0001, biosBase+3) // JP WBOOT
	m[0x0003] = 0                 // IOBYTE
	m[0x0004] = 0                 // drive A:, user 0
	m[0x0005] = 0xC3
	m.setWord(0x0006, bdosAddr) // JP BDOS; also the top of the TPA
}
