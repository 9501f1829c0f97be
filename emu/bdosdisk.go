package emu

// Disk functions of the BDOS (13-40) on drive A:. They work on the FCB at
// DE: drive byte, 8+3 name, EX, S1, S2, RC, allocation map, CR and the
// random record R0-R2. No open-file table is kept: every call finds the
// file by the FCB's name and the record from EX/S2/CR, which is all a CP/M
// program can rely on anyway. Files belong to every user number.

// FCB field offsets.
const (
	fcbDrive = 0
	fcbName  = 1
	fcbEX    = 12
	fcbS2    = 14
	fcbRC    = 15
	fcbAlloc = 16
	fcbCR    = 32
	fcbR0    = 33
)

// fcbName returns the 11-byte name of the FCB at a, attribute bits cleared
// and lower case folded (CP/M names are upper case).
func (c *core) fcbName(a uint16) string {
	var b [nameLen]byte
	for i := range b {
		ch := c.mem[a+fcbName+uint16(i)] & 0x7F
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		b[i] = ch
	}
	return string(b[:])
}

// fcbOnA reports whether the FCB names drive A: (0 = current drive, 1 = A:).
func (c *core) fcbOnA(a uint16) bool {
	d := c.mem[a+fcbDrive]
	return d == 0 || d == 1
}

// seqRecord is the record the FCB's EX, S2 and CR point at.
func (c *core) seqRecord(a uint16) int {
	ex := int(c.mem[a+fcbEX] & 0x1F)
	s2 := int(c.mem[a+fcbS2] & 0x3F)
	return (s2*32+ex)*extentRecs + int(c.mem[a+fcbCR]&0x7F)
}

// setPosition points EX, S2 and CR at record rec and sets RC to the number
// of records of that extent.
func (c *core) setPosition(a uint16, f *diskFile, rec int) {
	ext := rec / extentRecs
	c.mem[a+fcbEX] = byte(ext & 0x1F)
	c.mem[a+fcbS2] = byte(ext >> 5)
	c.mem[a+fcbCR] = byte(rec % extentRecs)
	c.setRC(a, f, ext)
}

func (c *core) setRC(a uint16, f *diskFile, ext int) {
	rc := f.records() - ext*extentRecs
	rc = max(0, min(rc, extentRecs))
	c.mem[a+fcbRC] = byte(rc)
	// A plausible allocation map: one nonzero block number per 2 KB used.
	for i := 0; i < 16; i++ {
		c.mem[a+fcbAlloc+uint16(i)] = 0
	}
	blocks := (rc*recordSize + blockSize - 1) / blockSize
	for i := 0; i < blocks; i++ {
		c.mem.setWord(a+fcbAlloc+uint16(2*i), uint16(16+ext*8+i))
	}
}

// lookup returns the file the FCB at a names (wildcards match the first
// file that fits), or "" if there is none.
func (c *core) lookup(a uint16) string {
	if !c.fcbOnA(a) {
		return ""
	}
	pat := c.fcbName(a)
	if !containsWild(pat) {
		if c.bdos.disk.files[pat] != nil {
			return pat
		}
		return ""
	}
	for _, n := range c.bdos.disk.names() {
		if match(pat, n) {
			return n
		}
	}
	return ""
}

func containsWild(n string) bool {
	for i := 0; i < len(n); i++ {
		if n[i] == '?' {
			return true
		}
	}
	return false
}

// writable faults the program when drive A: is read-only, as CP/M stops a
// program with "Bdos Err On A: R/O".
func (c *core) writable() outcome {
	if c.bdos.disk.readOnly {
		return c.failf("write to read-only drive A:")
	}
	return done
}

// hostErr faults the program when the host file system refuses a change.
func (c *core) hostErr(err error) outcome {
	return c.failf("drive A: host file system: %v", err)
}

// 13: reset disk system: DMA back to 0080h, drive A: selected, writable
// again unless mapped read-only.
func bdosResetDisk(c *core) (uint16, outcome) {
	c.bdos.dma = tailBuf
	return 0, done
}

// 14: select disk: only A: exists.
func bdosSelectDisk(c *core) (uint16, outcome) {
	if e := c.cpu.DE.Lo; e != 0 {
		return 0, c.failf("select of drive %c: (only A: exists)", 'A'+e&0x0F)
	}
	return 0, done
}

// 15: open file: 0 if found (FCB filled in for its extent EX), FFh if not.
func bdosOpen(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	n := c.lookup(a)
	if n == "" {
		return 0xFF, done
	}
	f := c.bdos.disk.files[n]
	c.mem[a+fcbS2] = 0
	ext := int(c.mem[a+fcbEX] & 0x1F)
	if ext >= f.extents() {
		return 0xFF, done
	}
	c.mem.put(a+fcbName, []byte(n))
	c.setRC(a, f, ext)
	return 0, done
}

// 16: close file: 0 if it exists, FFh if not (data is already stored).
func bdosClose(c *core) (uint16, outcome) {
	if c.lookup(c.cpu.DE.U16()) == "" {
		return 0xFF, done
	}
	return 0, done
}

// 17: search first: the first directory entry matching the FCB ('?' in a
// name or EX position matches anything; '?' as the drive matches every
// entry) is copied to the DMA buffer; A = 0, or FFh if none matches.
func bdosSearchFirst(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	c.bdos.found, c.bdos.foundN = nil, 0
	all := c.mem[a+fcbDrive] == '?'
	if !all && !c.fcbOnA(a) {
		return 0xFF, done
	}
	pat := c.fcbName(a)
	exPat := c.mem[a+fcbEX]
	for _, n := range c.bdos.disk.names() {
		if !all && !match(pat, n) {
			continue
		}
		f := c.bdos.disk.files[n]
		for e := 0; e < f.extents(); e++ {
			if all || exPat == '?' || int(exPat&0x1F) == e {
				c.bdos.found = append(c.bdos.found, dirEntry{n, e})
			}
		}
	}
	return bdosSearchNext(c)
}

// 18: search next: the next match of the last search first.
func bdosSearchNext(c *core) (uint16, outcome) {
	if c.bdos.foundN >= len(c.bdos.found) {
		return 0xFF, done
	}
	e := c.bdos.found[c.bdos.foundN]
	c.bdos.foundN++
	f := c.bdos.disk.files[e.name]
	// The directory record: this entry first, the other three unused.
	dma := c.bdos.dma
	for i := uint16(0); i < recordSize; i++ {
		c.mem[dma+i] = deletedMark
	}
	c.mem[dma] = c.bdos.user
	c.mem.put(dma+1, []byte(e.name))
	c.mem[dma+fcbEX] = byte(e.extent & 0x1F)
	c.mem[dma+13] = 0
	c.mem[dma+fcbS2] = byte(e.extent >> 5)
	c.setRC(dma, f, e.extent)
	return 0, done
}

// 19: delete every file matching the FCB: 0, or FFh if none matched.
func bdosDelete(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	if o := c.writable(); o != done {
		return 0, o
	}
	if !c.fcbOnA(a) {
		return 0xFF, done
	}
	pat := c.fcbName(a)
	var r uint16 = 0xFF
	for _, n := range c.bdos.disk.names() {
		if match(pat, n) {
			if err := c.bdos.disk.remove(n); err != nil {
				return 0, c.hostErr(err)
			}
			r = 0
		}
	}
	return r, done
}

// 20: read sequential: the record at EX/S2/CR into the DMA buffer and
// advance; 1 at end of file, FFh if the file does not exist.
func bdosReadSeq(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	n := c.lookup(a)
	if n == "" {
		return 0xFF, done
	}
	f := c.bdos.disk.files[n]
	rec := c.seqRecord(a)
	var buf [recordSize]byte
	if !f.readRecord(rec, buf[:]) {
		return 1, done
	}
	c.mem.put(c.bdos.dma, buf[:])
	c.setPosition(a, f, rec+1)
	return 0, done
}

// 21: write sequential: the DMA buffer to the record at EX/S2/CR and
// advance; 2 when the drive is full, FFh if the file does not exist.
func bdosWriteSeq(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	if o := c.writable(); o != done {
		return 0, o
	}
	return c.writeAt(a, c.seqRecord(a), true)
}

// writeAt writes the DMA buffer as record rec of the FCB's file.
func (c *core) writeAt(a uint16, rec int, advance bool) (uint16, outcome) {
	n := c.lookup(a)
	if n == "" {
		return 0xFF, done
	}
	var buf [recordSize]byte
	c.mem.get(c.bdos.dma, buf[:])
	ok, err := c.bdos.disk.writeRecord(n, rec, buf[:])
	if err != nil {
		return 0, c.hostErr(err)
	}
	if !ok {
		return 2, done
	}
	if advance {
		rec++
	}
	c.setPosition(a, c.bdos.disk.files[n], rec)
	return 0, done
}

// 22: make file: create it empty (an existing one is truncated); FFh if
// the name has wildcards or the drive is not A:.
func bdosMake(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	if o := c.writable(); o != done {
		return 0, o
	}
	n := c.fcbName(a)
	if !c.fcbOnA(a) || containsWild(n) || n[0] == ' ' {
		return 0xFF, done
	}
	if err := c.bdos.disk.create(n); err != nil {
		return 0, c.hostErr(err)
	}
	c.mem[a+fcbS2] = 0
	c.setPosition(a, c.bdos.disk.files[n], int(c.mem[a+fcbEX]&0x1F)*extentRecs)
	return 0, done
}

// 23: rename: the FCB holds the old name at offset 0 and the new one at
// offset 16. FFh if the old file is missing or the new name is taken.
func bdosRename(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	if o := c.writable(); o != done {
		return 0, o
	}
	old := c.lookup(a)
	nw := c.fcbName(a + 16)
	if old == "" || containsWild(nw) || nw[0] == ' ' || c.bdos.disk.files[nw] != nil {
		return 0xFF, done
	}
	if err := c.bdos.disk.rename(old, nw); err != nil {
		return 0, c.hostErr(err)
	}
	return 0, done
}

// 24: login vector: only A: is on line.
func bdosLoginVector(c *core) (uint16, outcome) { return 0x0001, done }

// 25: current disk: A: (0).
func bdosCurrentDisk(c *core) (uint16, outcome) { return 0, done }

// 26: set the DMA address to DE.
func bdosSetDMA(c *core) (uint16, outcome) {
	c.bdos.dma = c.cpu.DE.U16()
	return 0, done
}

// 27: address of the allocation vector.
func bdosAllocVector(c *core) (uint16, outcome) { return allocAddr, done }

// 28: write protect drive A: until the next cold start.
func bdosWriteProtect(c *core) (uint16, outcome) {
	c.bdos.disk.readOnly = true
	return 0, done
}

// 29: read-only vector: bit 0 set when A: is read-only.
func bdosROVector(c *core) (uint16, outcome) {
	if c.bdos.disk.readOnly {
		return 0x0001, done
	}
	return 0, done
}

// 30: set file attributes: accepted and ignored (0 if the file exists).
func bdosSetAttributes(c *core) (uint16, outcome) {
	if c.lookup(c.cpu.DE.U16()) == "" {
		return 0xFF, done
	}
	return 0, done
}

// 31: address of the disk parameter block.
func bdosDPB(c *core) (uint16, outcome) { return dpbAddr, done }

// 32: get (E = FFh) or set the user number.
func bdosUserCode(c *core) (uint16, outcome) {
	if e := c.cpu.DE.Lo; e != 0xFF {
		c.bdos.user = e & 0x0F
		c.mem[0x0004] = c.bdos.user << 4
		return 0, done
	}
	return uint16(c.bdos.user), done
}

// randomRecord reads R0-R2; ok is false past the 8 MB a file can hold.
func (c *core) randomRecord(a uint16) (int, bool) {
	if c.mem[a+fcbR0+2] != 0 {
		return 0, false
	}
	return int(c.mem.word(a + fcbR0)), true
}

// 33: read random: the record R0-R1 into the DMA buffer, without moving
// on. 1 reading unwritten data, 4 an unwritten extent, 6 past the disk's end.
func bdosReadRandom(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	rec, ok := c.randomRecord(a)
	if !ok {
		return 6, done
	}
	n := c.lookup(a)
	if n == "" {
		return 0xFF, done
	}
	f := c.bdos.disk.files[n]
	if rec/extentRecs >= f.extents() {
		return 4, done
	}
	var buf [recordSize]byte
	if !f.readRecord(rec, buf[:]) {
		return 1, done
	}
	c.mem.put(c.bdos.dma, buf[:])
	c.setPosition(a, f, rec)
	return 0, done
}

// 34: write random: the DMA buffer to record R0-R1 (gaps read as zeros).
func bdosWriteRandom(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	if o := c.writable(); o != done {
		return 0, o
	}
	rec, ok := c.randomRecord(a)
	if !ok {
		return 6, done
	}
	return c.writeAt(a, rec, false)
}

// 35: compute file size: R0-R2 = number of records.
func bdosFileSize(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	n := c.lookup(a)
	if n == "" {
		return 0xFF, done
	}
	r := c.bdos.disk.files[n].records()
	c.mem[a+fcbR0] = byte(r)
	c.mem[a+fcbR0+1] = byte(r >> 8)
	c.mem[a+fcbR0+2] = byte(r >> 16)
	return 0, done
}

// 36: set random record: R0-R2 from the sequential position.
func bdosSetRandom(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	r := c.seqRecord(a)
	c.mem[a+fcbR0] = byte(r)
	c.mem[a+fcbR0+1] = byte(r >> 8)
	c.mem[a+fcbR0+2] = byte(r >> 16)
	return 0, done
}

// 37: reset drive: nothing to do.
func bdosResetDrive(c *core) (uint16, outcome) { return 0, done }

// 38, 39: not used by CP/M 2.2; they return 0.
func bdosUnused(c *core) (uint16, outcome) { return 0, done }

// 40: write random with zero fill: gaps are always zero-filled here.
func bdosWriteRandomZero(c *core) (uint16, outcome) { return bdosWriteRandom(c) }
