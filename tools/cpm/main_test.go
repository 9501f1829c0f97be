package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"z80ulm/emu"
	"z80ulm/tools/asm"
)

// echoCOM prints "> ", reads a line with BDOS 10, prints it back and
// repeats; an empty line ends it.
var echoCOM = []byte{
	0x11, 0x35, 0x01, 0x0E, 0x09, 0xCD, 0x05, 0x00, // 0100 start: ld de,prompt / ld c,9 / call 5
	0x11, 0x3D, 0x01, 0x0E, 0x0A, 0xCD, 0x05, 0x00, // 0108 ld de,buf / ld c,10 / call 5
	0x3A, 0x3E, 0x01, 0xB7, 0x28, 0x1E, //             0110 ld a,(cnt) / or a / jr z,done
	0x11, 0x3A, 0x01, 0x0E, 0x09, 0xCD, 0x05, 0x00, // 0116 ld de,crlf / ld c,9 / call 5
	0x3A, 0x3E, 0x01, 0x21, 0x3F, 0x01, 0x47, //       011E ld a,(cnt) / ld hl,text / ld b,a
	0x5E, 0xE5, 0xC5, 0x0E, 0x02, 0xCD, 0x05, 0x00, // 0125 loop: ld e,(hl) / push hl / push bc / ld c,2 / call 5
	0xC1, 0xE1, 0x23, 0x10, 0xF3, //                   012D pop bc / pop hl / inc hl / djnz loop
	0x18, 0xCC, //                                     0132 jr start
	0xC9,                         //                   0134 done: ret
	0x0D, 0x0A, 0x3E, 0x20, 0x24, //                   0135 prompt: CR LF "> $"
	0x0D, 0x0A, 0x24, //                               013A crlf: CR LF "$"
	0x14, 0x00, //                                     013D buf: max 20 / cnt: 0
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 013F text
}

func runCPM(t *testing.T, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	com := filepath.Join(dir, "ECHO.COM")
	if err := os.WriteFile(com, echoCOM, 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.txt")
	os.WriteFile(in, []byte(input), 0o644)
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var o, e bytes.Buffer
	for i, a := range args {
		if a == "ECHO.COM" {
			args[i] = com
		}
	}
	code = run(args, f, &o, &e)
	return code, o.String(), e.String()
}

func TestStats(t *testing.T) {
	code, out, errs := runCPM(t, "hello\nworld\n\n", "-mhz", "0", "-stats", "ECHO.COM")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "\r\n> hello\r\r\nhello\r\n> world\r\r\nworld\r\n> \r"; out != want {
		t.Fatalf("stdout %q, want %q", out, want)
	}
	// The same figures the emu tests count by hand for this program.
	want := "tstates=780 chars=11\ntstates=780 chars=11\ntstates=69 chars=0\ntotal tstates=1727\n"
	if errs != want {
		t.Fatalf("stderr %q, want %q", errs, want)
	}
}

func TestEOFEndsCleanly(t *testing.T) {
	code, out, errs := runCPM(t, "", "-mhz", "0", "ECHO.COM")
	if code != 0 || out != "\r\n> " || errs != "" {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, errs)
	}
	// A last line without a line end is still typed.
	code, out, _ = runCPM(t, "abc", "-mhz", "0", "ECHO.COM")
	if code != 0 || !strings.HasSuffix(out, "> abc") {
		t.Fatalf("exit %d stdout %q", code, out)
	}
}

func TestLimitFaultAndErrors(t *testing.T) {
	code, _, errs := runCPM(t, strings.Repeat("x\n", 100), "-mhz", "0", "-max-tstates", "2000", "ECHO.COM")
	if code != 2 || !strings.Contains(errs, "stopped after") {
		t.Fatalf("limit: exit %d stderr %q", code, errs)
	}
	code, _, errs = runCPM(t, "", "missing.com")
	if code != 1 || !strings.Contains(errs, "missing.com") {
		t.Fatalf("missing file: exit %d stderr %q", code, errs)
	}
	code, _, errs = runCPM(t, "", "-disk", "/nonexistent-dir", "ECHO.COM")
	if code != 1 || !strings.Contains(errs, "nonexistent-dir") {
		t.Fatalf("missing disk: exit %d stderr %q", code, errs)
	}
}

func TestPacing(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a quarter of a second")
	}
	// The echo program's run takes 1707 T-states; at 0.01 MHz that is
	// 0.17 s of machine time.
	start := time.Now()
	code, _, _ := runCPM(t, "hello\nworld\n\n", "-mhz", "0.01", "ECHO.COM")
	if el := time.Since(start); code != 0 || el.Seconds() < 0.15 {
		t.Fatalf("exit %d after %v", code, el)
	}
}

// runIn runs the runner in dir (the test's drive A:) with the given
// standard input and arguments.
func runIn(t *testing.T, dir, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var o, e bytes.Buffer
	code = run(append([]string{"-mhz", "0", "-disk", dir}, args...), f, &o, &e)
	return code, o.String(), e.String()
}

func driveWith(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func program(t *testing.T, src string) []byte {
	t.Helper()
	b, err := asm.Source(0x100, src)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// With no file the runner boots to the A> prompt and ends with the input.
func TestPrompt(t *testing.T) {
	dir := driveWith(t, map[string][]byte{"HELLO.TXT": []byte("hi there\r\n"), "ECHO.COM": echoCOM})
	code, out, errs := runIn(t, dir, "DIR\nTYPE HELLO.TXT\nECHO\nhello\n\nUSER 1\nSAVE 1 X.COM\n")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
	for _, want := range []string{"A>DIR\r\nA: ECHO     COM : HELLO    TXT", "A>TYPE HELLO.TXT\r\nhi there\r\n", "> hello\r\r\nhello", "A>SAVE 1 X.COM\r\nA>"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
	// SAVE in user 1 wrote to the drive's directory 1.
	if b, err := os.ReadFile(filepath.Join(dir, "1", "X.COM")); err != nil || len(b) != 256 {
		t.Errorf("X.COM: %d bytes, %v", len(b), err)
	}
	// -ro: the same SAVE is refused as CP/M refuses it.
	_, out, _ = runIn(t, dir, "SAVE 1 Y.COM\n", "-ro")
	if !strings.Contains(out, "Bdos Err On A: R/O") {
		t.Errorf("read-only SAVE: %q", out)
	}
}

// A program that leaves its next command in $$$.SUB (as SUBMIT does) and
// warm boots gets it run by the CCP with -ccp, as on a real machine.
func TestSubmitHandOver(t *testing.T) {
	sub := program(t, `
        ld de,fcb
        ld c,22         ; make $$$.SUB
        call 5
        ld de,rec
        ld c,26         ; DMA: the record
        call 5
        ld de,fcb
        ld c,21         ; write it
        call 5
        ld de,fcb
        ld c,16
        call 5
        jp 0
fcb:    db 0,"$$$     SUB"
        ds 24
rec:    db 14,"TYPE HELLO.TXT"
        ds 113
`)
	dir := driveWith(t, map[string][]byte{"HELLO.TXT": []byte("from the next command\r\n"), "SUB.COM": sub})
	code, out, errs := runIn(t, dir, "", "-ccp", filepath.Join(dir, "SUB.COM"))
	if code != 0 || !strings.Contains(out, "A>TYPE HELLO.TXT\r\nfrom the next command") {
		t.Fatalf("exit %d stderr %q output %q", code, errs, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "$$$.SUB")); err == nil {
		t.Error("$$$.SUB is still there")
	}
}

// A program that checks the keyboard while it computes is not ended when
// the input ends: it is not waiting for a key.
func TestComputingPollerRuns(t *testing.T) {
	for _, poll := range []string{"ld c,11", "ld c,6\n ld e,0FEh"} {
		com := program(t, `
        ld hl,300
again:  push hl
        `+poll+`        ; a key for ^C? (BDOS 11, or BDOS 6 with E = FEh)
        call 5
        ld b,100
spin:   ex (sp),hl      ; work: 100 x 42 T-states
        ex (sp),hl
        djnz spin
        pop hl
        dec hl
        ld a,h
        or l
        jr nz,again
        ld de,done
        ld c,9
        call 5
        ret
done:   db "FINISHED$"
`)
		dir := driveWith(t, map[string][]byte{"CALC.COM": com})
		for _, args := range [][]string{{filepath.Join(dir, "CALC.COM")}, {"-ccp", filepath.Join(dir, "CALC.COM")}} {
			code, out, errs := runIn(t, dir, "", args...)
			if code != 0 || !strings.HasPrefix(strings.TrimPrefix(out, emu.SignOn+"\r\n"), "FINISHED") {
				t.Errorf("%s, %v: exit %d stderr %q output %q", poll, args, code, errs, out)
			}
		}
	}
}

// -stats notes the BDOS functions CP/M 2.2 does not have.
func TestStatsUnknownBDOS(t *testing.T) {
	com := program(t, `
        ld c,45
        call 5
        ld c,45
        call 5
        ld c,108
        call 5
        ret
`)
	dir := driveWith(t, map[string][]byte{"PROBE.COM": com})
	code, _, errs := runIn(t, dir, "", "-stats", filepath.Join(dir, "PROBE.COM"))
	if code != 0 || !strings.Contains(errs, "unknown BDOS functions (returned 0): 45 (2x), 108 (1x)") {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
}

// scripted is a raw terminal's input in pieces, as a person types.
type scripted []string

func (s *scripted) next(time.Duration) ([]byte, error) {
	if len(*s) == 0 {
		return nil, io.EOF
	}
	k := (*s)[0]
	*s = (*s)[1:]
	return []byte(k), nil
}

// In raw mode the arrow keys edit the line, and Ctrl-D on an empty line
// ends the runner cleanly.
func TestRawKeysAndCtrlD(t *testing.T) {
	dir := driveWith(t, map[string][]byte{"ECHO.COM": echoCOM})
	var out, errs bytes.Buffer
	o := options{mhz: 0, disk: dir, stdout: &out, stderr: &errs, nl: "\r\n", rawTerminal: true}
	in := scripted{"ECHO\r", "ac", "\x1b[D", "b\r", "x\x1b[H\x1b[3~y\r", "\x04", "never read"}
	if code := o.runMachine(nil, &out, &in); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, want := range []string{"\r\nabc\r\n", "\r\ny\r\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q: %q", want, out.String())
		}
	}
	if len(in) != 1 {
		t.Errorf("Ctrl-D did not end the runner: %q left", in)
	}
	// At the prompt too.
	out.Reset()
	in = scripted{"\x04", "DIR\r"}
	if code := o.runMachine(nil, &out, &in); code != 0 || len(in) != 1 {
		t.Fatalf("exit %d, %q left: %q", code, in, out.String())
	}
}

func TestDecodeKey(t *testing.T) {
	for seq, want := range map[string]emu.Key{"\x1b[A": emu.KeyUp, "\x1bOD": emu.KeyLeft, "\x1b[3~": emu.KeyDelete,
		"\x1b[F": emu.KeyEnd, "\x1b": emu.KeyEsc, "\x1bx": emu.KeyEsc} {
		k, n := decodeKey([]byte(seq + "rest"))
		if k != want || (want != emu.KeyEsc && n != len(seq)) {
			t.Errorf("%q: %v, %d", seq, k, n)
		}
	}
	if _, n := decodeKey([]byte("a")); n != 0 {
		t.Error("a plain character decoded as a key")
	}
}
