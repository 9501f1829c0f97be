package emu

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// drive is the virtual drive A: (docs/DESIGN.md, "The CP/M machine"):
// files held in memory, filled from an fs.FS (an embed.FS, say) or from a
// host directory. With a host directory and writable set, every change is
// also made on the host: user 0's files are the directory's own, user n's
// live in its subdirectory n.
//
// The drive keeps files, not sectors, but it accounts for them as CP/M
// does (2 KB blocks, one directory entry per 16 KB extent), and it shows
// the directory and the data as sectors to whoever asks (dirEntry, sector):
// the directory lists the files in name order, and each file's blocks
// follow the previous file's, after the directory's own blocks.
type drive struct {
	files    map[fileKey]*diskFile
	host     string // host directory, "" for a memory-only drive
	readOnly bool   // the host directory is mapped read-only
	changes  uint64 // count of changes to the drive's contents (DiskChanges)
}

// fileKey names a file: its user number (0-15) and its 11-byte CP/M name
// (blank padded, upper case, attribute bits clear).
type fileKey struct {
	user byte
	name string
}

type diskFile struct {
	data  []byte
	host  string       // path on the host, relative to the mapped directory ("" if memory only)
	attrs uint16       // attribute bits (bit 7 of name byte i is bit i): t1' read-only, t2' system
	holes map[int]bool // blocks (numbered in the file) a random write skipped: they take no space and read as unwritten
}

const (
	recordSize  = 128
	extentRecs  = 128                    // records per logical extent (16 KB)
	maxRecords  = 65536                  // R0/R1 address 64K records: 8 MB per file
	blockSize   = 2048                   // allocation block, as in the DPB
	blockRecs   = blockSize / recordSize // records per block
	driveBytes  = 4 << 20                // the drive, directory included
	dirEntries  = 1024                   // directory entries (one per extent)
	dirBlocks   = dirEntries * 32 / blockSize
	dataBlocks  = driveBytes/blockSize - dirBlocks // blocks files may use
	eofByte     = 0x1A                             // ^Z pads the last record of a text file
	deletedMark = 0xE5                             // an unused directory entry
	nameLen     = 11                               // 8 + 3
	blankName   = "           "                    // 11 spaces
	badNameChar = " <>.,;:=?*[]_%|()/\\"           // not allowed in a CP/M file name
	attrRO      = 1 << 8                           // t1': read-only
	attrSys     = 1 << 9                           // t2': system (DIR does not list it)
)

// Geometry of drive A:, as the disk parameter block states it.
const (
	spt = 32                       // records per track
	dsm = driveBytes/blockSize - 1 // last block number
	drm = dirEntries - 1           // last directory entry number
)

// cpmName converts a host file name to the 11-byte CP/M form. ok is false
// for names that do not fit 8.3 or use characters CP/M does not allow.
func cpmName(host string) (string, bool) {
	up := strings.ToUpper(host)
	base, ext := up, ""
	if i := strings.LastIndexByte(up, '.'); i >= 0 {
		base, ext = up[:i], up[i+1:]
	}
	if len(base) == 0 || len(base) > 8 || len(ext) > 3 {
		return "", false
	}
	for _, r := range base + ext {
		if r <= ' ' || r >= 0x7F || strings.ContainsRune(badNameChar, r) {
			return "", false
		}
	}
	return (base + blankName)[:8] + (ext + "   ")[:3], true
}

// displayName turns an 11-byte name into NAME.EXT.
func displayName(n string) string {
	base, ext := strings.TrimRight(n[:8], " "), strings.TrimRight(n[8:], " ")
	if ext == "" {
		return base
	}
	return base + "." + ext
}

// newMemDrive copies the top-level files of fsys (nil = none) into memory,
// as user 0's. Files whose names do not fit CP/M's 8.3 form are left out.
func newMemDrive(fsys fs.FS) (*drive, error) {
	d := &drive{files: map[fileKey]*diskFile{}}
	if fsys == nil {
		return d, nil
	}
	return d, d.fill(0, ".", func(name string) ([]fs.DirEntry, error) { return fs.ReadDir(fsys, name) },
		func(name string) ([]byte, error) { return fs.ReadFile(fsys, name) }, false)
}

// newHostDrive maps a host directory as drive A:, read-only unless
// writable: its files are user 0's, those of its subdirectories 1 to 15
// the other users'.
func newHostDrive(dir string, writable bool) (*drive, error) {
	d := &drive{files: map[fileKey]*diskFile{}, host: dir, readOnly: !writable}
	readDir := func(name string) ([]fs.DirEntry, error) { return os.ReadDir(filepath.Join(dir, name)) }
	readFile := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	if err := d.fill(0, ".", readDir, readFile, true); err != nil {
		return nil, err
	}
	for u := byte(1); u < 16; u++ {
		sub := strconv.Itoa(int(u))
		if st, err := os.Stat(filepath.Join(dir, sub)); err == nil && st.IsDir() {
			if err := d.fill(u, sub, readDir, readFile, true); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// fill adds the regular files of directory dir as user u's; those that do
// not fit the drive (in size, or in number) are left out.
func (d *drive) fill(u byte, dir string, readDir func(string) ([]fs.DirEntry, error),
	readFile func(string) ([]byte, error), onHost bool) error {
	entries, err := readDir(dir)
	if err != nil {
		return fmt.Errorf("drive A: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		n, ok := cpmName(e.Name())
		if !ok || d.files[fileKey{u, n}] != nil {
			continue
		}
		path := e.Name()
		if dir != "." {
			path = dir + "/" + path
		}
		data, err := readFile(path)
		if err != nil {
			return fmt.Errorf("drive A: %w", err)
		}
		f := &diskFile{data: data}
		if onHost {
			f.host = path
		}
		if d.add(fileKey{u, n}, f) != nil {
			continue // left out: it does not fit the drive
		}
	}
	return nil
}

var errTooBig = errors.New("does not fit the drive (4 MB in 2 KB blocks, 1024 directory entries, 8 MB per file)")

// blocks is the number of allocation blocks a file of size bytes takes.
func blocks(size int) int { return (size + blockSize - 1) / blockSize }

// extentsOf is the number of directory entries a file of size bytes takes
// (at least 1: an empty file still has its entry).
func extentsOf(size int) int {
	return max(1, (size+extentRecs*recordSize-1)/(extentRecs*recordSize))
}

// usage returns the blocks and directory entries the files take, leaving
// out file k.
func (d *drive) usage(skip fileKey) (blk, ents int) {
	for k, f := range d.files {
		if k != skip {
			blk += f.allocBlocks()
			ents += f.entries()
		}
	}
	return blk, ents
}

// fits reports whether file k could hold size bytes.
func (d *drive) fits(k fileKey, size int) error {
	blk, ents := d.usage(k)
	if size > maxRecords*recordSize || blk+blocks(size) > dataBlocks || ents+extentsOf(size) > dirEntries {
		return errTooBig
	}
	return nil
}

func (d *drive) add(k fileKey, f *diskFile) error {
	if err := d.fits(k, len(f.data)); err != nil {
		return err
	}
	d.files[k] = f
	return nil
}

// keys returns the files in directory order: by name, then user.
func (d *drive) keys() []fileKey {
	ks := make([]fileKey, 0, len(d.files))
	for k := range d.files {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].name != ks[j].name {
			return ks[i].name < ks[j].name
		}
		return ks[i].user < ks[j].user
	})
	return ks
}

// names returns user u's file names in directory order.
func (d *drive) names(u byte) []string {
	var ns []string
	for _, k := range d.keys() {
		if k.user == u {
			ns = append(ns, k.name)
		}
	}
	return ns
}

// file returns user u's file n, or nil.
func (d *drive) file(u byte, n string) *diskFile { return d.files[fileKey{u, n}] }

// match reports whether name matches pattern ('?' matches any character).
func match(pattern, name string) bool {
	for i := 0; i < nameLen; i++ {
		if pattern[i] != '?' && pattern[i] != name[i] {
			return false
		}
	}
	return true
}

func containsWild(n string) bool { return strings.IndexByte(n, '?') >= 0 }

// hostPath is where file k lives (or will live) on the host.
func (d *drive) hostPath(k fileKey) string {
	if f := d.files[k]; f != nil && f.host != "" {
		return filepath.Join(d.host, f.host)
	}
	return filepath.Join(d.host, hostRel(k))
}

// hostRel is the host path of a new file k, relative to the mapped
// directory: NAME.EXT for user 0, n/NAME.EXT for user n.
func hostRel(k fileKey) string {
	if k.user == 0 {
		return displayName(k.name)
	}
	return strconv.Itoa(int(k.user)) + "/" + displayName(k.name)
}

// create makes an empty file k (truncating one that exists).
func (d *drive) create(k fileKey) error {
	f := d.files[k]
	if f == nil {
		f = &diskFile{}
		d.files[k] = f
	}
	f.data = nil
	d.changes++
	if d.host == "" {
		return nil
	}
	if f.host == "" {
		f.host = hostRel(k)
	}
	if k.user != 0 {
		if err := os.MkdirAll(filepath.Dir(d.hostPath(k)), 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(d.hostPath(k), nil, 0o644)
}

// remove deletes file k.
func (d *drive) remove(k fileKey) error {
	if d.files[k] == nil {
		return nil
	}
	path := d.hostPath(k)
	delete(d.files, k)
	d.changes++
	if d.host != "" {
		return os.Remove(path)
	}
	return nil
}

// rename renames old to nw (a new name, or the same name under another
// user).
func (d *drive) rename(old, nw fileKey) error {
	f := d.files[old]
	oldPath := d.hostPath(old)
	delete(d.files, old)
	d.files[nw] = f
	d.changes++
	if d.host == "" {
		return nil
	}
	f.host = hostRel(nw)
	if nw.user != 0 {
		if err := os.MkdirAll(filepath.Dir(d.hostPath(nw)), 0o755); err != nil {
			return err
		}
	}
	return os.Rename(oldPath, d.hostPath(nw))
}

// writeRecord stores 128 bytes as record rec of file k. A record past
// the end leaves a gap: records of it in blocks that already exist read as
// zeros, whole blocks of it are holes (as in CP/M, they take no space and
// read as unwritten). It reports false when the drive is full.
func (d *drive) writeRecord(k fileKey, rec int, b []byte) (bool, error) {
	f := d.files[k]
	end := (rec + 1) * recordSize
	blk := rec / blockRecs
	if end > len(f.data) || f.holes[blk] {
		if rec >= maxRecords {
			return false, nil
		}
		// The space the file will take: its blocks and entries now, the
		// block of rec and its extent if they are new.
		used, ents := d.usage(k)
		fb, fe := f.allocBlocks(), f.entries()
		if blk >= blocks(len(f.data)) || f.holes[blk] {
			fb++
		}
		if e := rec / extentRecs; e >= extentsOf(len(f.data)) || !f.hasExtent(e) {
			fe++
		}
		if used+fb > dataBlocks || ents+fe > dirEntries {
			return false, nil
		}
	}
	if end > len(f.data) {
		first := blocks(len(f.data)) // the first block not yet begun
		for g := first; g < blk; g++ {
			if f.holes == nil {
				f.holes = map[int]bool{}
			}
			f.holes[g] = true
		}
		f.data = append(f.data, make([]byte, end-len(f.data))...)
	}
	delete(f.holes, blk)
	copy(f.data[rec*recordSize:end], b)
	d.changes++
	if d.host == "" {
		return true, nil
	}
	h, err := os.OpenFile(d.hostPath(k), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return true, err
	}
	_, err = h.WriteAt(b, int64(rec*recordSize))
	if cerr := h.Close(); err == nil {
		err = cerr
	}
	return true, err
}

// records is the number of 128-byte records of file f (the last may be partial).
func (f *diskFile) records() int { return (len(f.data) + recordSize - 1) / recordSize }

// extents is the number of 16 KB logical extents of file f, up to its last
// one (some may be missing: hasExtent).
func (f *diskFile) extents() int { return extentsOf(len(f.data)) }

// allocBlocks is the number of blocks file f takes.
func (f *diskFile) allocBlocks() int { return blocks(len(f.data)) - len(f.holes) }

// hasExtent reports whether extent e of f has a directory entry: extent 0
// always (MAKE writes it), another if one of its blocks was written.
func (f *diskFile) hasExtent(e int) bool {
	if e == 0 || len(f.holes) == 0 {
		return e < f.extents()
	}
	per := extentRecs / blockRecs
	for b := e * per; b < min(blocks(len(f.data)), (e+1)*per); b++ {
		if !f.holes[b] {
			return true
		}
	}
	return false
}

// entries is the number of directory entries file f takes.
func (f *diskFile) entries() int {
	if len(f.holes) == 0 {
		return f.extents()
	}
	n := 0
	for e := 0; e < f.extents(); e++ {
		if f.hasExtent(e) {
			n++
		}
	}
	return n
}

// readRecord copies record rec into b; a partial last record is padded
// with ^Z. It reports false past the end of the file and in a hole.
func (f *diskFile) readRecord(rec int, b []byte) bool {
	off := rec * recordSize
	if rec < 0 || off >= len(f.data) || f.holes[rec/blockRecs] {
		return false
	}
	n := copy(b, f.data[off:])
	for i := n; i < recordSize; i++ {
		b[i] = eofByte
	}
	return true
}

// dirSlot is one directory entry: a file's extent, with the first block of
// the file (files are laid out one after the other).
type dirSlot struct {
	key    fileKey
	f      *diskFile
	extent int
	first  int // the file's first block
}

// directory lists the drive's directory entries in order.
func (d *drive) directory() []dirSlot {
	var ds []dirSlot
	next := dirBlocks
	for _, k := range d.keys() {
		f := d.files[k]
		for e := 0; e < f.extents(); e++ {
			if f.hasExtent(e) {
				ds = append(ds, dirSlot{k, f, e, next})
			}
		}
		next += f.allocBlocks()
	}
	return ds
}

// firstBlock is the first block of file k.
func (d *drive) firstBlock(k fileKey) int {
	next := dirBlocks
	for _, kk := range d.keys() {
		if kk == k {
			break
		}
		next += d.files[kk].allocBlocks()
	}
	return next
}

// usedBlocks is the number of blocks in use, the directory's included.
func (d *drive) usedBlocks() int {
	blk, _ := d.usage(fileKey{user: 0xFF})
	return dirBlocks + blk
}

// dirEntry is the 32-byte directory entry of a slot: user, name with its
// attribute bits, EX, S1, S2, RC and the extent's block numbers (16-bit,
// as the drive has more than 256 blocks).
func (s dirSlot) dirEntry() (e [32]byte) {
	e[0] = s.key.user
	for i := 0; i < nameLen; i++ {
		e[1+i] = s.key.name[i]
		if s.f.attrs&(1<<i) != 0 {
			e[1+i] |= 0x80
		}
	}
	e[12] = byte(s.extent & 0x1F)
	e[14] = byte(s.extent >> 5)
	copy(e[15:], s.allocMap())
	return e
}

// allocMap is RC and the 16 allocation bytes of the slot's extent: the
// drive's number of each of its blocks, 0 for a hole.
func (s dirSlot) allocMap() []byte {
	var m [17]byte
	rc := max(0, min(s.f.records()-s.extent*extentRecs, extentRecs))
	m[0] = byte(rc)
	per := extentRecs / blockRecs
	for i := 0; i < (rc+blockRecs-1)/blockRecs; i++ {
		if b, ok := s.f.blockNumber(s.first, s.extent*per+i); ok {
			m[1+2*i], m[2+2*i] = byte(b), byte(b>>8)
		}
	}
	return m[:]
}

// blockNumber is the drive's number of block i of file f, whose first
// block is first (its blocks follow each other, holes taking none); ok is
// false for a hole.
func (f *diskFile) blockNumber(first, i int) (int, bool) {
	if f.holes[i] {
		return 0, false
	}
	n := first + i
	for h := range f.holes {
		if h < i {
			n--
		}
	}
	return n, true
}

// sector reads record rec of the drive as the BIOS sees it: the directory
// in the first blocks, then each file's data; unused space reads E5h, as
// after formatting. It reports false past the end of the drive.
func (d *drive) sector(rec int, b []byte) bool {
	if rec < 0 || rec >= (dsm+1)*blockRecs {
		return false
	}
	fill(b, deletedMark)
	ds := d.directory()
	if rec < dirBlocks*blockRecs {
		for i := 0; i < 4; i++ {
			if n := rec*4 + i; n < len(ds) {
				e := ds[n].dirEntry()
				copy(b[32*i:], e[:])
			}
		}
		return true
	}
	if s, off, ok := d.dataAt(ds, rec); ok {
		s.f.readRecord(off, b)
	}
	return true
}

// dataAt finds the file whose blocks hold drive record rec: the slot of its
// first extent and the record's number within the file. ok is false for a
// record of no file.
func (d *drive) dataAt(ds []dirSlot, rec int) (dirSlot, int, bool) {
	blk := rec / blockRecs
	for _, s := range ds {
		if s.extent != 0 || blk < s.first || blk >= s.first+s.f.allocBlocks() {
			continue
		}
		for i := 0; i < blocks(len(s.f.data)); i++ { // the file's block that is drive block blk
			if n, ok := s.f.blockNumber(s.first, i); ok && n == blk {
				if off := i*blockRecs + rec%blockRecs; off < s.f.records() {
					return s, off, true
				}
			}
		}
		return s, 0, false
	}
	return dirSlot{}, 0, false
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// writeSector writes record rec of the drive as the BIOS does: only a
// record of a file's data is stored (the file keeps its length; its last
// record is filled out); the directory and free space are not written
// this way. It reports whether the record was stored.
func (d *drive) writeSector(rec int, b []byte, protect bool) (bool, error) {
	if d.readOnly || protect {
		return false, nil
	}
	s, off, ok := d.dataAt(d.directory(), rec)
	if !ok {
		return false, nil
	}
	return d.writeRecord(s.key, off, b)
}

// truncate cuts file k to size bytes.
func (d *drive) truncate(k fileKey, size int) error {
	f := d.files[k]
	if f == nil || size >= len(f.data) {
		return nil
	}
	f.data = f.data[:size]
	d.changes++
	if d.host != "" {
		return os.Truncate(d.hostPath(k), int64(size))
	}
	return nil
}
