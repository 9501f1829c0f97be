package emu

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

//go:embed testdata/HI.COM testdata/README.TXT
var testFiles embed.FS

func testDrive(t testing.TB) fs.FS {
	sub, err := fs.Sub(testFiles, "testdata")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// screen returns the terminal's lines with trailing blanks removed, up to
// the last non-empty one.
func screen(m *Machine) []string {
	var out []string
	for _, l := range m.Terminal().Lines() {
		out = append(out, strings.TrimRight(l, " "))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func wantScreen(t *testing.T, m *Machine, want ...string) {
	t.Helper()
	got := screen(m)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("screen:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMachineBootDirAndRun(t *testing.T) {
	m, err := New(Config{Files: testDrive(t), Autoexec: "dir"})
	if err != nil {
		t.Fatal(err)
	}
	if st := m.RunFor(1_000_000); st != Waiting || !m.Waiting() || m.Program() != "" {
		t.Fatalf("status %v waiting %v program %q", st, m.Waiting(), m.Program())
	}
	wantScreen(t, m, SignOn, "A>dir", "A: HI       COM : README   TXT", "A>")
	m.Type("hi\n")
	if !m.Waiting() == true && m.c.keys.len() == 0 {
		t.Fatal("typing must clear Waiting")
	}
	if st := m.RunFor(1_000_000); st != Waiting {
		t.Fatalf("status %v", st)
	}
	wantScreen(t, m, SignOn, "A>dir", "A: HI       COM : README   TXT", "A>hi", "HELLO", "A>")
	if m.TStates() != 10+7+17+20+10+exitT {
		t.Errorf("T-states %d", m.TStates())
	}
	row, col, vis := m.Terminal().Cursor()
	if row != 5 || col != 2 || !vis {
		t.Errorf("cursor %d,%d %v", row, col, vis)
	}
}

func TestCCPCommands(t *testing.T) {
	m, err := New(Config{Files: fstest.MapFS{
		"A.TXT": {Data: []byte("alpha\nbeta\n")}, "B.TXT": {Data: []byte("b")}, "C.DAT": {Data: []byte("c")},
		"HI.COM": {Data: []byte{0x11, 0x09, 0x01, 0x0e, 0x09, 0xcd, 0x05, 0x00, 0xc9, 'T', 'A', 'I', 'L', ':', '$'}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	run := func(cmd string) []string {
		m.Type(cmd + "\r")
		m.RunFor(1_000_000)
		s := screen(m)
		// The lines the command printed: after its own "A>cmd" line.
		for i := len(s) - 1; i >= 0; i-- {
			if s[i] == "A>"+strings.ToUpper(cmd) || s[i] == "A>"+cmd {
				return s[i+1 : len(s)-1]
			}
		}
		t.Fatalf("command %q not on screen:\n%s", cmd, strings.Join(s, "\n"))
		return nil
	}
	check := func(cmd string, want ...string) {
		t.Helper()
		got := run(cmd)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: got %q, want %q", cmd, got, want)
		}
	}
	check("dir *.txt", "A: A        TXT : B        TXT")
	check("dir ?.*", "A: A        TXT : B        TXT : C        DAT") // ? matches one character, not none
	check("dir ??.*", "A: A        TXT : B        TXT : C        DAT : HI       COM")
	check("dir x*", "NO FILE")
	check("dir a:", "A: A        TXT : B        TXT : C        DAT : HI       COM")
	check("dir b:", "Bdos Err On B: Select") // only A: exists
	check("type a.txt", "alpha", "beta")
	check("type nofile.txt", "NO FILE")
	check("ren d.txt=b.txt")
	check("dir *.txt", "A: A        TXT : D        TXT")
	check("ren a.txt=d.txt", "FILE EXISTS")
	check("era *.txt")
	check("dir", "A: C        DAT : HI       COM")
	check("era *.txt", "NO FILE")
	check("nothere", "NOTHERE?")
	check("hi.com one two", "TAIL:")
	m.Type("\r")
	m.RunFor(1000)
	if s := screen(m); s[len(s)-1] != "A>" || s[len(s)-2] != "A>" {
		t.Errorf("an empty line must just prompt again: %q", s)
	}
	// The command tail and FCBs a program sees.
	if got := string(m.c.mem[0x81 : 0x81+m.c.mem[0x80]]); got != " ONE TWO" {
		t.Errorf("tail %q", got)
	}
	if got := string(m.c.mem[fcb1 : fcb1+12]); got != "\x00ONE        " {
		t.Errorf("FCB1 %q", got)
	}
	if got := string(m.c.mem[fcb2 : fcb2+12]); got != "\x00TWO        " {
		t.Errorf("FCB2 %q", got)
	}
}

// TestMachineWaitsAndResumes runs a program that waits for a line: the
// machine reports Waiting, time stands still, and typed keys resume it.
func TestMachineWaitsAndResumes(t *testing.T) {
	m, err := New(Config{Files: fstest.MapFS{"ECHO.COM": {Data: echoProgram(t)}}, Autoexec: "ECHO"})
	if err != nil {
		t.Fatal(err)
	}
	if st := m.RunFor(1_000_000); st != Waiting || m.Program() != "ECHO" {
		t.Fatalf("status %v program %q", st, m.Program())
	}
	t0 := m.TStates()
	for i := 0; i < 10; i++ {
		if st := m.RunFor(1_000_000); st != Waiting {
			t.Fatalf("status %v", st)
		}
	}
	if m.TStates() != t0 {
		t.Fatalf("time moved while waiting: %d -> %d", t0, m.TStates())
	}
	// Keys typed in pieces, with editing, then a budget too small to finish.
	m.Type("hx")
	m.RunFor(1000)
	m.Type("\bi\n")
	if st := m.RunFor(100); st != Running {
		t.Fatalf("a 100 T-state budget: status %v", st)
	}
	for m.RunFor(100) == Running {
	}
	wantScreen(t, m, SignOn, "A>ECHO", "", "> hi", "hi", ">")
	m.Type("\n")
	m.RunFor(1_000_000)
	if m.Program() != "" {
		t.Fatalf("program %q still running", m.Program())
	}
	// A long paste is typed in full, nothing lost.
	long := strings.Repeat("abcdefghij", 300)
	m.Type("ECHO\n" + long + "\n")
	for i := 0; i < 100 && m.RunFor(1_000_000) == Running; i++ {
	}
	got := strings.Join(screen(m), "")
	if !strings.Contains(got, strings.Repeat("abcdefghij", 2)) {
		t.Fatalf("paste lost: %q", got)
	}
}

func TestHostDrive(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, writable := range []bool{false, true} {
		m, err := New(Config{HostDir: dir, Writable: writable})
		if err != nil {
			t.Fatal(err)
		}
		m.Type("ren bye.txt=hello.txt\n")
		m.RunFor(1000)
		_, errOld := os.Stat(filepath.Join(dir, "hello.txt"))
		_, errNew := os.Stat(filepath.Join(dir, "BYE.TXT"))
		if writable != (errOld != nil && errNew == nil) {
			t.Fatalf("writable=%v: hello.txt %v, BYE.TXT %v\n%s", writable, errOld, errNew, strings.Join(screen(m), "\n"))
		}
	}
	// The disk program writes through to the host.
	dir2 := t.TempDir()
	os.WriteFile(filepath.Join(dir2, "HELLO.TXT"), []byte("hi"), 0o644)
	d, err := newHostDrive(dir2, true)
	if err != nil {
		t.Fatal(err)
	}
	c := newCore()
	c.bdos.disk = d
	c.load(diskProgram(t), "")
	if s := c.run(10_000_000); s != stopExit {
		t.Fatalf("stop %v fault %v", s, c.fault)
	}
	ents, _ := os.ReadDir(dir2)
	if len(ents) != 1 || ents[0].Name() != "HELLO.TXT" {
		t.Fatalf("host dir holds %v", ents)
	}
	if _, err := New(Config{HostDir: dir, Files: fstest.MapFS{}}); err == nil {
		t.Fatal("Files and HostDir together must be refused")
	}
	if _, err := New(Config{HostDir: filepath.Join(dir, "missing")}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing host dir: %v", err)
	}
}

func TestMachineFaultReturnsToCCP(t *testing.T) {
	m, _ := New(Config{Files: fstest.MapFS{"BAD.COM": {Data: []byte{0x00, 0xF3, 0x76}}}, Autoexec: "bad"})
	if st := m.RunFor(1_000_000); st != Waiting || m.Program() != "" {
		t.Fatalf("status %v program %q", st, m.Program())
	}
	s := screen(m)
	if len(s) < 3 || s[len(s)-3] != "HALT with interrupts disabled at PC=0102H" ||
		s[len(s)-2] != "AF=0000 BC=0000 DE=0000 HL=0000 IX=0000 IY=0000 SP=E404" || s[len(s)-1] != "A>" {
		t.Fatalf("screen:\n%s", strings.Join(s, "\n"))
	}
}
