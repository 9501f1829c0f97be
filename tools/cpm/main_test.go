package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
