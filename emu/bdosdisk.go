package emu

// Disk functions of the BDOS (13-40) on drive A: (docs/DESIGN.md, "The
// CP/M machine"). They work on the FCB at DE: drive byte, 8+3 name (bit 7
// of the name bytes: attributes), EX, S1, S2, RC, allocation map, CR and
// the random record R0-R2. No open-file table is kept: every call finds
// the file by the FCB's name and the current user number, and the record
// from EX/S2/CR (or R0-R2), which is all a CP/M program can rely on.

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
// and lower case folded (CP/M names are upper case; the CCP folds what is
// typed, and programs that pass lower case mean the same file).
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

// fcbDisk checks the FCB's drive byte (0 the current drive, 1 A:, 2 B:,
// ...): a drive other than A: is a select error, as on a CP/M machine
// with one drive.
func (c *core) fcbDisk(a uint16) outcome {
	if d := c.mem[a+fcbDrive] & 0x1F; d > 1 {
		return c.bdosError(d-1, "Select")
	}
	return done
}

// fcbFile begins a call on a file: the FCB at DE, its drive checked (a
// select error ends the call: o), and the current user's file it names
// (found false if none).
func (c *core) fcbFile() (a uint16, k fileKey, found bool, o outcome) {
	a = c.cpu.DE.U16()
	if o = c.fcbDisk(a); o == done {
		k, found = c.lookup(a)
	}
	return a, k, found, o
}

// seqRecord is the record the FCB's EX, S2 and CR point at. CR runs to 128
// at the end of an extent (the next access moves to the next extent).
func (c *core) seqRecord(a uint16) int {
	ex := int(c.mem[a+fcbEX] & 0x1F)
	s2 := int(c.mem[a+fcbS2] & 0x3F)
	return (s2*32+ex)*extentRecs + int(min(c.mem[a+fcbCR], extentRecs))
}

// setPosition points EX, S2 and CR at record rec; at the end of an extent
// they stay on that extent with CR = 128, as the BDOS leaves them. RC and
// the allocation map follow the extent.
func (c *core) setPosition(a uint16, k fileKey, rec int) {
	ext, cr := rec/extentRecs, rec%extentRecs
	if cr == 0 && ext > 0 {
		ext, cr = ext-1, extentRecs
	}
	c.mem[a+fcbEX] = byte(ext & 0x1F)
	c.mem[a+fcbS2] = byte(ext >> 5)
	c.mem[a+fcbCR] = byte(cr)
	c.setAlloc(a, k, ext)
}

// setAlloc fills RC and the allocation map of the FCB at a for extent ext
// of file k, as the directory entry holds them.
func (c *core) setAlloc(a uint16, k fileKey, ext int) {
	d := c.bdos.disk
	if f := d.files[k]; f != nil {
		c.mem.put(a+fcbRC, dirSlot{k, f, ext, d.firstBlock(k)}.allocMap())
	}
}

// lookup returns the key of the file the FCB at a names in the current
// user's files (wildcards match the first file that fits); ok is false if
// there is none.
func (c *core) lookup(a uint16) (fileKey, bool) {
	pat := c.fcbName(a)
	u := c.bdos.user
	if !containsWild(pat) {
		k := fileKey{u, pat}
		return k, c.bdos.disk.files[k] != nil
	}
	for _, n := range c.bdos.disk.names(u) {
		if match(pat, n) {
			return fileKey{u, n}, true
		}
	}
	return fileKey{}, false
}

// writable refuses a change to a write-protected drive or a read-only file
// as CP/M does: "Bdos Err On A: R/O" or "File R/O", then a warm boot.
func (c *core) writable(f *diskFile) outcome {
	if c.bdos.disk.readOnly || c.bdos.protect {
		return c.bdosError(0, "R/O")
	}
	if f != nil && f.attrs&attrRO != 0 {
		return c.bdosError(0, "File R/O")
	}
	return done
}

// bdosError prints a BDOS error as CP/M 2.2 does ("Bdos Err On B: Select")
// and ends the program with a warm boot. (CP/M waits for a key before the
// warm boot; this machine does not, so that no typed key is lost.)
func (c *core) bdosError(drive byte, what string) outcome {
	c.print("\r\n" + bdosErrorText(drive, what))
	return exit
}

func bdosErrorText(drive byte, what string) string {
	return "Bdos Err On " + string(rune('A'+drive)) + ": " + what
}

// hostErr faults the program when the host file system refuses a change.
func (c *core) hostErr(err error) outcome {
	return c.failf("drive A: host file system: %v", err)
}

// 13: reset disk system: DMA back to 0080h, drive A: selected and
// writable again. A is FFh if a file whose name starts with '$' exists (the
// CCP looks for $$$.SUB this way), else 0.
func bdosResetDisk(c *core) (uint16, outcome) {
	c.bdos.dma = tailBuf
	c.bdos.protect = false
	for k := range c.bdos.disk.files {
		if k.name[0] == '$' {
			return 0xFF, done
		}
	}
	return 0, done
}

// 14: select disk E: only A: (0) exists; another is a select error.
func bdosSelectDisk(c *core) (uint16, outcome) {
	if e := c.cpu.DE.Lo; e != 0 {
		return 0, c.bdosError(e&0x0F, "Select")
	}
	return 0, done
}

// 15: open file: 0 if found (FCB filled in for extent EX of the file,
// the name with its attribute bits), FFh if not.
func bdosOpen(c *core) (uint16, outcome) {
	a, k, ok, o := c.fcbFile()
	if o != done {
		return 0, o
	}
	if !ok {
		return 0xFF, done
	}
	f := c.bdos.disk.files[k]
	c.mem[a+fcbS2] = 0
	ext := int(c.mem[a+fcbEX] & 0x1F)
	if !f.hasExtent(ext) {
		return 0xFF, done
	}
	e := dirSlot{k, f, ext, 0}.dirEntry()
	c.mem.put(a+fcbName, e[1:12])
	c.setAlloc(a, k, ext)
	return 0, done
}

// 16: close file: 0 if it exists, FFh if not (the data is already stored).
func bdosClose(c *core) (uint16, outcome) {
	if _, _, ok, o := c.fcbFile(); o != done || !ok {
		return 0xFF, o
	}
	return 0, done
}

// 17: search first: the first directory entry that matches the FCB ('?'
// in the name or EX matches anything; '?' as the drive byte matches every
// entry of every user). The directory record holding it is copied to the
// DMA buffer; A is its number in that record (0-3), or FFh if none.
func bdosSearchFirst(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	s := &c.bdos.search
	*s = searchState{all: c.mem[a+fcbDrive] == '?', user: c.bdos.user, name: c.fcbName(a),
		ex: c.mem[a+fcbEX], s2: c.mem[a+fcbS2], active: true}
	if !s.all {
		if o := c.fcbDisk(a); o != done {
			return 0, o
		}
	}
	return bdosSearchNext(c)
}

// searchState is what search next continues from.
type searchState struct {
	active bool
	all    bool // the drive byte was '?'
	user   byte
	name   string
	ex, s2 byte
	next   int // directory entry to look at next
}

func (s *searchState) matches(d dirSlot) bool {
	if s.all {
		return true
	}
	if d.key.user != s.user || !match(s.name, d.key.name) {
		return false
	}
	return s.ex == '?' || d.extent == int(s.s2&0x3F)*32+int(s.ex&0x1F)
}

// 18: search next: the next match of the last search first.
func bdosSearchNext(c *core) (uint16, outcome) {
	s := &c.bdos.search
	if !s.active {
		return 0xFF, done
	}
	ds := c.bdos.disk.directory()
	for ; s.next < len(ds); s.next++ {
		if !s.matches(ds[s.next]) {
			continue
		}
		n := s.next
		s.next++
		var rec [recordSize]byte
		c.bdos.disk.sector(n/4, rec[:])
		c.mem.put(c.bdos.dma, rec[:])
		return uint16(n % 4), done
	}
	s.active = false
	return 0xFF, done
}

// matching returns the current user's files the FCB at DE names ('?'
// matching any character), after checking its drive.
func (c *core) matching() (a uint16, ks []fileKey, o outcome) {
	a = c.cpu.DE.U16()
	if o = c.fcbDisk(a); o != done {
		return a, nil, o
	}
	pat := c.fcbName(a)
	for _, n := range c.bdos.disk.names(c.bdos.user) {
		if match(pat, n) {
			ks = append(ks, fileKey{c.bdos.user, n})
		}
	}
	return a, ks, done
}

// 19: delete every file of the current user matching the FCB: 0, or FFh
// if none matched.
func bdosDelete(c *core) (uint16, outcome) {
	_, ks, o := c.matching()
	if o == done {
		o = c.writable(nil)
	}
	d := c.bdos.disk
	for _, k := range ks {
		if o == done {
			o = c.writable(d.files[k])
		}
	}
	if o != done || len(ks) == 0 {
		return 0xFF, o
	}
	for _, k := range ks {
		if err := d.remove(k); err != nil {
			return 0, c.hostErr(err)
		}
	}
	return 0, done
}

// 20: read sequential: the record at EX/S2/CR into the DMA buffer and
// advance; 1 at end of file (or of a file that is not there).
func bdosReadSeq(c *core) (uint16, outcome) {
	a, k, ok, o := c.fcbFile()
	if o != done || !ok {
		return 1, o
	}
	rec := c.seqRecord(a)
	var buf [recordSize]byte
	if !c.bdos.disk.files[k].readRecord(rec, buf[:]) {
		return 1, done
	}
	c.mem.put(c.bdos.dma, buf[:])
	c.setPosition(a, k, rec+1)
	return 0, done
}

// 21: write sequential: the DMA buffer to the record at EX/S2/CR and
// advance; 1 when the directory is full, 2 when the data area is full,
// FFh if the file does not exist.
func bdosWriteSeq(c *core) (uint16, outcome) {
	return c.writeAt(c.seqRecord(c.cpu.DE.U16()), true)
}

// writeAt writes the DMA buffer as record rec of the FCB's file.
func (c *core) writeAt(rec int, advance bool) (uint16, outcome) {
	a, k, ok, o := c.fcbFile()
	if o != done {
		return 0, o
	}
	d := c.bdos.disk
	if o := c.writable(d.files[k]); o != done {
		return 0, o
	}
	if !ok {
		return 0xFF, done
	}
	var buf [recordSize]byte
	c.mem.get(c.bdos.dma, buf[:])
	stored, err := d.writeRecord(k, rec, buf[:])
	if err != nil {
		return 0, c.hostErr(err)
	}
	if !stored {
		if _, ents := d.usage(fileKey{user: 0xFF}); ents >= dirEntries {
			return 1, done
		}
		return 2, done
	}
	if advance {
		rec++
	}
	c.setPosition(a, k, rec)
	return 0, done
}

// 22: make file: create it empty for extent 0 (an existing file is
// truncated), or, for a later extent of an existing file, point the FCB
// at it. FFh if the name is not valid or the directory is full.
func bdosMake(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	if o := c.fcbDisk(a); o != done {
		return 0, o
	}
	d := c.bdos.disk
	k := fileKey{c.bdos.user, c.fcbName(a)}
	if o := c.writable(d.files[k]); o != done {
		return 0, o
	}
	if containsWild(k.name) || k.name[0] == ' ' {
		return 0xFF, done
	}
	ext := int(c.mem[a+fcbS2]&0x3F)*32 + int(c.mem[a+fcbEX]&0x1F)
	if d.files[k] == nil || ext == 0 {
		if _, ents := d.usage(k); ents >= dirEntries {
			return 0xFF, done
		}
		if err := d.create(k); err != nil {
			return 0, c.hostErr(err)
		}
	}
	c.setRandomPosition(a, k, ext*extentRecs)
	return 0, done
}

// 23: rename: the FCB holds the old name at offset 0 and the new one at
// offset 16. FFh if the old file is missing or the new name is taken.
func bdosRename(c *core) (uint16, outcome) {
	a, old, ok, o := c.fcbFile()
	d := c.bdos.disk
	if o == done {
		o = c.writable(d.files[old])
	}
	if o != done {
		return 0, o
	}
	nw := fileKey{c.bdos.user, c.fcbName(a + 16)}
	if !ok || containsWild(nw.name) || nw.name[0] == ' ' || d.files[nw] != nil {
		return 0xFF, done
	}
	if err := d.rename(old, nw); err != nil {
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

// 27: address of the allocation vector, one bit per block (bit 7 of the
// first byte is block 0), set for the directory's blocks and every file's.
func bdosAllocVector(c *core) (uint16, outcome) { return allocAddr, done }

// 28: write protect drive A: until the next warm boot or disk reset.
func bdosWriteProtect(c *core) (uint16, outcome) {
	c.bdos.protect = true
	return 0, done
}

// 29: read-only vector: bit 0 set when A: is read-only.
func bdosROVector(c *core) (uint16, outcome) {
	if c.bdos.disk.readOnly || c.bdos.protect {
		return 0x0001, done
	}
	return 0, done
}

// 30: set file attributes: bit 7 of the FCB's name bytes (t1' read-only,
// t2' system, f1'-f4' and t3' for programs). 0, or FFh if no file matches.
func bdosSetAttributes(c *core) (uint16, outcome) {
	a, ks, o := c.matching()
	if o == done {
		o = c.writable(nil)
	}
	if o != done || len(ks) == 0 {
		return 0xFF, o
	}
	var attrs uint16
	for i := 0; i < nameLen; i++ {
		if c.mem[a+fcbName+uint16(i)]&0x80 != 0 {
			attrs |= 1 << i
		}
	}
	for _, k := range ks {
		c.bdos.disk.files[k].attrs = attrs
	}
	c.bdos.disk.changes++
	return 0, done
}

// 31: address of the disk parameter block.
func bdosDPB(c *core) (uint16, outcome) { return dpbAddr, done }

// 32: get (E = FFh) or set the user number (0-15).
func bdosUserCode(c *core) (uint16, outcome) {
	if e := c.cpu.DE.Lo; e != 0xFF {
		c.bdos.user = e & 0x0F
		c.mem[0x0004] = c.bdos.user << 4
		return 0, done
	}
	return uint16(c.bdos.user), done
}

// randomRecord reads R0-R2; ok is false past the 8 MB a file can hold (R2
// must be 0).
func (c *core) randomRecord(a uint16) (int, bool) {
	if c.mem[a+fcbR0+2] != 0 {
		return 0, false
	}
	return int(c.mem.word(a + fcbR0)), true
}

// 33: read random: the record R0-R1 into the DMA buffer; a sequential
// access after it starts at that record again. 1 reading unwritten data
// (past the end of the file, within its last extent), 4 an extent the file
// does not have, 6 past the 8 MB a file can hold.
func bdosReadRandom(c *core) (uint16, outcome) {
	a, k, found, o := c.fcbFile()
	if o != done {
		return 0, o
	}
	rec, ok := c.randomRecord(a)
	if !ok {
		return 6, done
	}
	if !found {
		return 4, done
	}
	f := c.bdos.disk.files[k]
	if !f.hasExtent(rec / extentRecs) {
		return 4, done
	}
	var buf [recordSize]byte
	if !f.readRecord(rec, buf[:]) {
		return 1, done
	}
	c.mem.put(c.bdos.dma, buf[:])
	c.setRandomPosition(a, k, rec)
	return 0, done
}

// setRandomPosition points EX, S2 and CR at record rec itself (a random
// access does not advance).
func (c *core) setRandomPosition(a uint16, k fileKey, rec int) {
	ext := rec / extentRecs
	c.mem[a+fcbEX] = byte(ext & 0x1F)
	c.mem[a+fcbS2] = byte(ext >> 5)
	c.mem[a+fcbCR] = byte(rec % extentRecs)
	c.setAlloc(a, k, ext)
}

// 34: write random: the DMA buffer to record R0-R1 (a gap before it reads
// as zeros).
func bdosWriteRandom(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	rec, ok := c.randomRecord(a)
	if !ok {
		return 6, done
	}
	v, o := c.writeAt(rec, false)
	if o == done && v == 0 {
		k, _ := c.lookup(a)
		c.setRandomPosition(a, k, rec)
	}
	return v, o
}

// 35: compute file size: R0-R2 = the number of records (the record after
// the last one written).
func bdosFileSize(c *core) (uint16, outcome) {
	a, k, ok, o := c.fcbFile()
	if o != done || !ok {
		return 0xFF, o
	}
	c.setR(a, c.bdos.disk.files[k].records())
	return 0, done
}

func (c *core) setR(a uint16, r int) {
	c.mem[a+fcbR0] = byte(r)
	c.mem[a+fcbR0+1] = byte(r >> 8)
	c.mem[a+fcbR0+2] = byte(r >> 16)
}

// 36: set random record: R0-R2 from the sequential position.
func bdosSetRandom(c *core) (uint16, outcome) {
	a := c.cpu.DE.U16()
	c.setR(a, c.seqRecord(a))
	return 0, done
}

// 37: reset drive: clears a write protection (BDOS 28).
func bdosResetDrive(c *core) (uint16, outcome) {
	if c.cpu.DE.U16()&1 != 0 {
		c.bdos.protect = false
	}
	return 0, done
}

// 38, 39: not used by CP/M 2.2 (MP/M's drive access and free); they
// return 0.
func bdosUnused(c *core) (uint16, outcome) { return 0, done }

// 40: write random with zero fill: gaps are always zero-filled here.
func bdosWriteRandomZero(c *core) (uint16, outcome) { return bdosWriteRandom(c) }

// updateALV writes the allocation vector into memory when the drive has
// changed since the last time: the directory's blocks and the files'
// blocks, which lie one after the other from block 0.
func (c *core) updateALV() {
	d := c.bdos.disk
	if d == nil || c.bdos.alvAt == d.changes+1 {
		return
	}
	c.bdos.alvAt = d.changes + 1
	used := d.usedBlocks()
	for i := 0; i < (dsm+1)/8; i++ {
		var v byte
		switch n := used - 8*i; {
		case n >= 8:
			v = 0xFF
		case n > 0:
			v = byte(uint16(0xFF00) >> n)
		}
		c.mem[allocAddr+uint16(i)] = v
	}
}
