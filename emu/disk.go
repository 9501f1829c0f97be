package emu

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// drive is the virtual drive A:: files held in memory, filled from an
// fs.FS (an embed.FS, say) or from a host directory. With a host directory
// and writable set, every change is also made on the host.
type drive struct {
	files    map[string]*diskFile // key: the 11-byte CP/M name, blank padded
	host     string               // host directory, "" for a memory-only drive
	readOnly bool
	total    int    // bytes stored, to enforce the drive's capacity
	changes  uint64 // count of changes to the drive's contents (DiskChanges)
}

type diskFile struct {
	data []byte
	host string // file name on the host ("" if memory only)
}

const (
	recordSize  = 128
	extentRecs  = 128                    // records per logical extent (16 KB)
	maxRecords  = 65536                  // r0/r1 address 64K records: 8 MB per file
	driveBytes  = 4 << 20                // capacity of the drive (matches the DPB)
	blockSize   = 2048                   // allocation block, as in the DPB
	eofByte     = 0x1A                   // ^Z pads the last record of a text file
	deletedMark = 0xE5                   // an unused directory entry
	nameLen     = 11                     // 8 + 3
	blankName   = "           "          // 11 spaces
	badNameChar = " <>.,;:=?*[]_%|()/\\" // not allowed in a CP/M file name
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

// newMemDrive copies the top-level files of fsys (nil = none) into memory.
// Files whose names do not fit CP/M's 8.3 form are left out.
func newMemDrive(fsys fs.FS) (*drive, error) {
	d := &drive{files: map[string]*diskFile{}}
	if fsys == nil {
		return d, nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("drive A: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		n, ok := cpmName(e.Name())
		if !ok {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("drive A: %w", err)
		}
		if err := d.add(n, &diskFile{data: data}); err != nil {
			return nil, fmt.Errorf("drive A: %s: %w", e.Name(), err)
		}
	}
	return d, nil
}

// newHostDrive maps a host directory as drive A:, read-only unless writable.
func newHostDrive(dir string, writable bool) (*drive, error) {
	d := &drive{files: map[string]*diskFile{}, host: dir, readOnly: !writable}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("drive A: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		n, ok := cpmName(e.Name())
		if !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("drive A: %w", err)
		}
		if err := d.add(n, &diskFile{data: data, host: e.Name()}); err != nil {
			return nil, fmt.Errorf("drive A: %s: %w", filepath.Join(dir, e.Name()), err)
		}
	}
	return d, nil
}

var errTooBig = errors.New("does not fit the drive (4 MB, 8 MB per file)")

// fits reports whether file name could hold size bytes.
func (d *drive) fits(name string, size int) error {
	used := d.total
	if old, ok := d.files[name]; ok {
		used -= len(old.data)
	}
	if size > maxRecords*recordSize || used+size > driveBytes {
		return errTooBig
	}
	return nil
}

func (d *drive) add(name string, f *diskFile) error {
	if err := d.fits(name, len(f.data)); err != nil {
		return err
	}
	if old, ok := d.files[name]; ok {
		d.total -= len(old.data)
	}
	d.files[name] = f
	d.total += len(f.data)
	return nil
}

// names returns the file names in directory order (sorted).
func (d *drive) names() []string {
	ns := make([]string, 0, len(d.files))
	for n := range d.files {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// match reports whether name matches pattern ('?' matches any character).
func match(pattern, name string) bool {
	for i := 0; i < nameLen; i++ {
		if pattern[i] != '?' && pattern[i] != name[i] {
			return false
		}
	}
	return true
}

// hostPath is where file n lives on the host.
func (d *drive) hostPath(n string) string {
	f := d.files[n]
	if f != nil && f.host != "" {
		return d.hostPathOf(f.host)
	}
	return d.hostPathOf(displayName(n))
}

// hostPathOf is the host path of a file called name in the mapped directory.
func (d *drive) hostPathOf(name string) string { return filepath.Join(d.host, name) }

// create makes an empty file n (truncating one that exists).
func (d *drive) create(n string) error {
	f := d.files[n]
	if f == nil {
		f = &diskFile{}
		d.files[n] = f
	}
	d.total -= len(f.data)
	f.data = nil
	d.changes++
	if d.host != "" {
		if f.host == "" {
			f.host = displayName(n)
		}
		return os.WriteFile(d.hostPath(n), nil, 0o644)
	}
	return nil
}

// remove deletes file n.
func (d *drive) remove(n string) error {
	f := d.files[n]
	if f == nil {
		return nil
	}
	path := d.hostPath(n)
	d.total -= len(f.data)
	delete(d.files, n)
	d.changes++
	if d.host != "" {
		return os.Remove(path)
	}
	return nil
}

// rename renames old to new.
func (d *drive) rename(old, new string) error {
	f := d.files[old]
	oldPath := d.hostPath(old)
	delete(d.files, old)
	d.files[new] = f
	d.changes++
	if d.host != "" {
		f.host = displayName(new)
		return os.Rename(oldPath, d.hostPath(new))
	}
	return nil
}

// writeRecord stores 128 bytes as record rec of file n, zero-filling any
// gap. It reports false when the drive is full.
func (d *drive) writeRecord(n string, rec int, b []byte) (bool, error) {
	f := d.files[n]
	end := (rec + 1) * recordSize
	if grow := end - len(f.data); grow > 0 {
		if rec >= maxRecords || d.total+grow > driveBytes {
			return false, nil
		}
		f.data = append(f.data, make([]byte, grow)...)
		d.total += grow
	}
	copy(f.data[rec*recordSize:end], b)
	d.changes++
	if d.host == "" {
		return true, nil
	}
	h, err := os.OpenFile(d.hostPath(n), os.O_RDWR|os.O_CREATE, 0o644)
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

// readRecord copies record rec into b; a partial last record is padded
// with ^Z. It reports false past the end of the file.
func (f *diskFile) readRecord(rec int, b []byte) bool {
	off := rec * recordSize
	if rec < 0 || off >= len(f.data) {
		return false
	}
	n := copy(b, f.data[off:])
	for i := n; i < recordSize; i++ {
		b[i] = eofByte
	}
	return true
}

// extents is the number of 16 KB logical extents (at least 1: an empty
// file still has its directory entry).
func (f *diskFile) extents() int {
	if e := (f.records() + extentRecs - 1) / extentRecs; e > 0 {
		return e
	}
	return 1
}

// dirEntry is one directory entry found by a search: a file's extent.
type dirEntry struct {
	name   string
	extent int
}

// Geometry of drive A:, as the disk parameter block states it.
const (
	spt       = 32                         // records per track
	dsm       = driveBytes/blockSize - 1   // last block number
	drm       = 1023                       // last directory entry number
	dirBlocks = (drm + 1) * 32 / blockSize // blocks the directory takes
)
