package emu

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFileAPI(t *testing.T) {
	m, err := New(Config{Files: fstest.MapFS{"HI.COM": {Data: []byte{0xC9}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Files(); len(got) != 1 || got[0] != (FileInfo{"HI.COM", 1}) {
		t.Fatalf("Files() = %v", got)
	}
	c0 := m.DiskChanges()
	if err := m.WriteFile("notes.txt", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if m.DiskChanges() == c0 {
		t.Error("WriteFile did not move DiskChanges")
	}
	b, err := m.ReadFile("NOTES.TXT")
	if err != nil || string(b) != "hello" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	b[0] = 'X' // a copy: the drive must not change
	if b2, _ := m.ReadFile("notes.txt"); string(b2) != "hello" {
		t.Errorf("ReadFile returned the drive's own bytes")
	}
	if err := m.WriteFile("a long name.txt", nil); !errors.Is(err, ErrBadName) {
		t.Errorf("bad name: %v", err)
	}
	if err := m.WriteFile("BIG.DAT", make([]byte, driveBytes+1)); err == nil {
		t.Error("a file larger than the drive was accepted")
	}
	if _, err := m.ReadFile("BIG.DAT"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused file left behind: %v", err)
	}
	// The CCP sees the new file.
	m.Type("TYPE NOTES.TXT\r")
	m.RunFor(1e6)
	if text := strings.Join(screen(m), "\n"); !strings.Contains(text, "hello") {
		t.Errorf("TYPE after WriteFile:\n%s", text)
	}
	if err := m.RemoveFile("notes.txt"); err != nil {
		t.Fatal(err)
	}
	if err := m.RemoveFile("notes.txt"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("second remove: %v", err)
	}
	if n, ok := CPMName("guess.com"); !ok || n != "GUESS.COM" {
		t.Errorf("CPMName = %q %v", n, ok)
	}
}

func TestFileAPIHostDrive(t *testing.T) {
	dir := t.TempDir()
	ro, err := New(Config{HostDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.WriteFile("X.TXT", []byte("x")); err == nil {
		t.Error("read-only host drive accepted a file")
	}
	m, err := New(Config{HostDir: dir, Writable: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WriteFile("x.txt", []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "X.TXT")); err != nil || string(b) != "abc" {
		t.Errorf("host file = %q, %v", b, err)
	}
}
