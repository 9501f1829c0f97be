package emu

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Drive A: seen from outside the machine: what a front end needs to let a
// person drop a file on the machine, list it, download it or reset the
// drive. Names are host-style ("GUESS.COM"), converted to CP/M's 8.3 form;
// the files are user 0's (the user a machine boots in).

// FileInfo describes one file on drive A:.
type FileInfo struct {
	Name string // NAME.EXT, upper case
	Size int    // bytes
}

// ErrBadName is returned for a name that does not fit CP/M's 8.3 form.
var ErrBadName = errors.New("not a CP/M file name (8.3, no spaces or <>.,;:=?*[]_%|()/\\)")

// Files lists drive A: in directory order.
func (m *Machine) Files() []FileInfo {
	d := m.c.bdos.disk
	var out []FileInfo
	for _, n := range d.names(0) {
		out = append(out, FileInfo{Name: displayName(n), Size: len(d.file(0, n).data)})
	}
	return out
}

// CPMName returns the 8.3 form of a host file name ("guess.com" ->
// "GUESS.COM") and whether it is a valid CP/M name.
func CPMName(host string) (string, bool) {
	n, ok := cpmName(host)
	if !ok {
		return "", false
	}
	return displayName(n), true
}

// ReadFile returns a copy of file name on drive A:.
func (m *Machine) ReadFile(name string) ([]byte, error) {
	n, ok := cpmName(name)
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, ErrBadName)
	}
	f := m.c.bdos.disk.file(0, n)
	if f == nil {
		return nil, fmt.Errorf("%s: %w", displayName(n), os.ErrNotExist)
	}
	return append([]byte(nil), f.data...), nil
}

// WriteFile puts a file on drive A:, replacing one of the same name. On a
// host-directory drive it is written there too (refused when read-only).
// Nothing changes when it fails.
func (m *Machine) WriteFile(name string, data []byte) error {
	d := m.c.bdos.disk
	n, ok := cpmName(name)
	if !ok {
		return fmt.Errorf("%s: %w", name, ErrBadName)
	}
	if d.readOnly {
		return fmt.Errorf("%s: drive A: is read-only", displayName(n))
	}
	k := fileKey{0, n}
	f := &diskFile{data: append([]byte(nil), data...)}
	if old := d.files[k]; old != nil {
		f.host, f.attrs = old.host, old.attrs
	}
	if d.host != "" {
		if f.host == "" {
			f.host = hostRel(k)
		}
		// Check the size before touching the host file.
		if err := d.fits(k, len(data)); err != nil {
			return fmt.Errorf("%s: %w", displayName(n), err)
		}
		if err := os.WriteFile(filepath.Join(d.host, f.host), data, 0o644); err != nil {
			return err
		}
	}
	if err := d.add(k, f); err != nil {
		return fmt.Errorf("%s: %w", displayName(n), err)
	}
	d.changes++
	return nil
}

// RemoveFile deletes a file from drive A:.
func (m *Machine) RemoveFile(name string) error {
	d := m.c.bdos.disk
	n, ok := cpmName(name)
	if !ok {
		return fmt.Errorf("%s: %w", name, ErrBadName)
	}
	k := fileKey{0, n}
	if d.files[k] == nil {
		return fmt.Errorf("%s: %w", displayName(n), os.ErrNotExist)
	}
	if d.readOnly {
		return fmt.Errorf("%s: drive A: is read-only", displayName(n))
	}
	return d.remove(k)
}

// DiskChanges counts the changes made to drive A: since boot, by programs
// (make, write, rename, delete) or through WriteFile/RemoveFile: a front
// end that keeps the drive in storage saves it when the count moves.
func (m *Machine) DiskChanges() uint64 { return m.c.bdos.disk.changes }
