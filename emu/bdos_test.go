package emu

import (
	"strings"
	"testing"
	"testing/fstest"
)

// echoProgram prints "> ", reads a line with BDOS 10, prints it back with
// BDOS 2 and repeats; an empty line ends it (RET to 0000h).
func echoProgram(t testing.TB) []byte {
	p := newProg()
	p.at("start").print("prompt")        // print CR LF "> "
	p.ldDE("buf").bdos(10)               // read a line
	p.op(0x3A).w("cnt")                  // ld a,(cnt)
	p.op(0xB7)                           // or a
	p.op(0x28).rel("done")               // jr z,done
	p.print("crlf")                      // print CR LF
	p.op(0x3A).w("cnt")                  // ld a,(cnt) again: the BDOS returned in A
	p.op(0x21).w("text")                 // ld hl,text
	p.op(0x47)                           // ld b,a
	p.at("loop").op(0x5E, 0xE5, 0xC5)    // ld e,(hl) / push hl / push bc
	p.bdos(2)                            // print E
	p.op(0xC1, 0xE1, 0x23)               // pop bc / pop hl / inc hl
	p.op(0x10).rel("loop")               // djnz loop
	p.op(0x18).rel("start")              // jr start
	p.at("done").op(0xC9)                // ret
	p.at("prompt").str("\r\n> $")        //
	p.at("crlf").str("\r\n$")            //
	p.at("buf").op(20).at("cnt").op(0)   // max 20, count
	p.at("text").op(make([]byte, 21)...) //
	return p.bytes(t)
}

func TestRunCOMConsoleLines(t *testing.T) {
	r, err := RunCOM(echoProgram(t), RunOptions{Input: "hello\nworld\r\n\n"})
	if err != nil {
		t.Fatal(err)
	}
	want := "\r\n> hello\r\r\nhello\r\n> world\r\r\nworld\r\n> \r"
	if string(r.Output) != want || r.Reason != ReasonExit || r.Fault != nil {
		t.Fatalf("output %q reason %q fault %v; want %q exit", r.Output, r.Reason, r.Fault, want)
	}
	// Per line, counted by hand from the program (see echoProgram): a line
	// is handed over at the BDOS entry, after the JP at 0005h; so each line
	// holds the RET of its own BDOS 10 call and the JP of the next one (20), ld a,(nn) 13, or a 4, jr z not taken 7,
	// print CR LF 10+7+17+20, ld a,(nn) 13, ld hl 10, ld b,a 4, five loop passes of
	// 7+11+11+7+17+20+10+10+6 plus djnz (13, 8 on the last), jr 12,
	// print the prompt 54, then ld de 10, ld c 7, call 17 into the BDOS 10
	// that asks for the next line.
	perLine := uint64(20 + 13 + 4 + 7 + 54 + 13 + 10 + 4 + 4*(99+13) + (99 + 8) + 12 + 54 + 10 + 7 + 17)
	// The empty line: BDOS 10 returns (10), ld a 13, or a 4, jr z taken 12,
	// ret 10 to 0000h, where JP WBOOT (10) leads to the BIOS jump table's
	// JP (10) to the warm boot.
	last := uint64(10 + 13 + 4 + 12 + 10 + 10 + 10)
	wantLines := []LineStat{{"hello", perLine, 11}, {"world", perLine, 11}, {"", last, 0}}
	if len(r.Lines) != len(wantLines) {
		t.Fatalf("lines %+v, want %+v", r.Lines, wantLines)
	}
	for i, l := range r.Lines {
		if l != wantLines[i] {
			t.Errorf("line %d: %+v, want %+v", i, l, wantLines[i])
		}
	}
	// Start: print prompt 54, ld de 10, ld c 7, call 17, JP at 0005h 10;
	// then the lines.
	if total := 54 + 10 + 7 + 17 + 10 + 2*perLine + last; r.TStates != total {
		t.Errorf("total %d T-states, want %d", r.TStates, total)
	}
}

func TestRunCOMInputExhausted(t *testing.T) {
	r, err := RunCOM(echoProgram(t), RunOptions{Input: "one\ntwo"})
	if err != nil {
		t.Fatal(err)
	}
	// "two" has no line end: it is typed but Return never comes.
	if r.Reason != ReasonExhausted || !strings.HasSuffix(string(r.Output), "> two") {
		t.Fatalf("reason %q output %q", r.Reason, r.Output)
	}
	if len(r.Lines) != 2 || r.Lines[1].Line != "two" {
		t.Fatalf("lines %+v", r.Lines)
	}
	r, _ = RunCOM(echoProgram(t), RunOptions{})
	if r.Reason != ReasonExhausted || string(r.Output) != "\r\n> " || len(r.Lines) != 0 {
		t.Fatalf("no input: reason %q output %q lines %v", r.Reason, r.Output, r.Lines)
	}
}

func TestRunCOMCtrlCWarmBoots(t *testing.T) {
	r, _ := RunCOM(echoProgram(t), RunOptions{Input: "\x03"})
	if r.Reason != ReasonExit {
		t.Fatalf("^C at the start of a line: reason %q", r.Reason)
	}
	// Not at the start of the line: ^C is just a character, shown as ^C.
	r, _ = RunCOM(echoProgram(t), RunOptions{Input: "a\x03\n\n"})
	if r.Reason != ReasonExit || !strings.Contains(string(r.Output), "a^C\r\r\na\x03") {
		t.Fatalf("reason %q output %q", r.Reason, r.Output)
	}
}

// TestConsoleFunctions exercises BDOS 1, 2, 6, 11 and 12.
func TestConsoleFunctions(t *testing.T) {
	p := newProg()
	p.bdos(12).op(0xCD).w("hexa")               // version
	p.bdos(11).op(0xCD).w("hexa")               // status: no key yet
	p.bdos(1).op(0xCD).w("hexa")                // input: hands over "ab\r", echoes 'a'
	p.bdos(11).op(0xCD).w("hexa")               // status: 'b' waits (CP/M 2.2 says 01h)
	p.op(0x1E, 0xFF).bdos(6).op(0xCD).w("hexa") // direct input: 'b', no echo
	p.op(0x1E, '!').bdos(6)                     // direct output
	p.op(0x1E, 0xFF).bdos(6).op(0xCD).w("hexa") // direct input: CR
	p.at("poll").op(0x1E, 0xFF).bdos(6)         // poll until a key comes
	p.op(0xB7, 0x28).rel("poll")                // or a / jr z,poll
	p.op(0xC9)                                  //
	p.hexA()
	r, err := RunCOM(p.bytes(t), RunOptions{Input: "ab\n"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "22 00 a61 01 62 !0D "; string(r.Output) != want || r.Reason != ReasonExhausted {
		t.Fatalf("output %q reason %q, want %q and input exhausted", r.Output, r.Reason, want)
	}
	// A polling loop gets the next line once it is found idle.
	r, _ = RunCOM(p.bytes(t), RunOptions{Input: "ab\nz\n"})
	if r.Reason != ReasonExit || len(r.Lines) != 2 {
		t.Fatalf("reason %q lines %+v", r.Reason, r.Lines)
	}
}

// diskProgram makes, writes, reads, searches, renames and deletes files,
// printing every BDOS result with hexa.
func diskProgram(t testing.TB) []byte {
	p := newProg()
	call := func(fn byte, fcb string) { p.ldDE(fcb).bdos(fn).op(0xCD).w("hexa") }
	call(22, "fcb")                                  // make TEST.TXT
	p.op(0x06, 3, 0x3E, 'A')                         // ld b,3 / ld a,'A'
	p.at("wloop").op(0xC5, 0xF5)                     // push bc / push af
	p.op(0x21, 0x80, 0x00, 0x77)                     // ld hl,0080h / ld (hl),a
	p.op(0x54, 0x5D, 0x13, 0x01, 127, 0, 0xED, 0xB0) // ld d,h / ld e,l / inc de / ld bc,127 / ldir
	call(21, "fcb")                                  // write sequential
	p.op(0xF1, 0x3C, 0xC1, 0x10).rel("wloop")        // pop af / inc a / pop bc / djnz
	call(16, "fcb")                                  // close
	p.op(0xAF, 0x32).w("fcbex").op(0x32).w("fcbcr")  // xor a / ld (ex),a / ld (cr),a
	call(15, "fcb")                                  // open
	p.op(0x06, 4)                                    // ld b,4
	p.at("rloop").op(0xC5)                           // push bc
	call(20, "fcb")                                  // read sequential
	p.op(0x3A, 0x80, 0x00, 0xCD).w("hexa")           // ld a,(0080h) / call hexa
	p.op(0xC1, 0x10).rel("rloop")                    // pop bc / djnz
	p.op(0x21, 1, 0, 0x22).w("fcbr0")                // ld hl,1 / ld (r0),hl
	call(33, "fcb")                                  // read random record 1
	p.op(0x3A, 0x80, 0x00, 0xCD).w("hexa")           // ld a,(0080h) / call hexa
	call(35, "fcb")                                  // file size
	p.op(0x3A).w("fcbr0").op(0xCD).w("hexa")         // ld a,(r0) / call hexa
	call(17, "pat")                                  // search first *.TXT
	p.op(0xCD).w("pname")                            //
	p.op(0x0E, 18, 0xCD, 5, 0, 0xCD).w("hexa")       // search next
	p.op(0xCD).w("pname")                            //
	p.op(0x0E, 18, 0xCD, 5, 0, 0xCD).w("hexa")       // search next: no more
	call(23, "ren")                                  // rename TEST.TXT to NEW.TXT
	call(15, "fcb")                                  // open TEST.TXT: gone
	call(15, "hello")                                // open HELLO.TXT
	call(20, "hello")                                // read it
	p.op(0x3A, 0x82, 0x00, 0xCD).w("hexa")           // third byte: ^Z padding
	p.op(0x11).w("del").bdos(19).op(0xCD).w("hexa")  // delete NEW.TXT
	call(19, "del")                                  // again: nothing to delete
	p.op(0xC9)                                       // ret
	p.at("pname").op(0x0F, 0x0F, 0x0F, 0xC6, 0x81)   // pname: entry A of the record: rrca x3 / add a,81h
	p.op(0x6F, 0x26, 0x00, 0x06, 11)                 // ld l,a / ld h,0 / ld b,11
	p.at("ploop").op(0x5E, 0xE5, 0xC5).bdos(2)       // ld e,(hl) / push hl / push bc / print
	p.op(0xC1, 0xE1, 0x23, 0x10).rel("ploop")        // pop bc / pop hl / inc hl / djnz
	p.op(0x1E, ' ').bdos(2).op(0xC9)                 // print ' ' / ret
	p.hexA()
	fcb := func(name string) []byte { return append(append([]byte{0}, name...), make([]byte, 24)...) }
	p.at("fcb").op(0, 'T', 'E', 'S', 'T', ' ', ' ', ' ', ' ', 'T', 'X', 'T')
	p.at("fcbex").op(0, 0, 0, 0).op(make([]byte, 16)...).at("fcbcr").op(0).at("fcbr0").op(0, 0, 0)
	p.at("pat").op(fcb("????????TXT")...)
	p.at("hello").op(fcb("HELLO   TXT")...)
	p.at("ren").op(fcb("TEST    TXT")[:16]...).op(fcb("NEW     TXT")...)
	p.at("del").op(fcb("NEW     TXT")...)
	return p.bytes(t)
}

func TestDiskFunctions(t *testing.T) {
	files := fstest.MapFS{"hello.txt": {Data: []byte("hi")}, "toolongname.txt": {Data: []byte("x")}}
	d, err := newMemDrive(files)
	if err != nil {
		t.Fatal(err)
	}
	c := newCore()
	c.bdos.disk = d
	var out []byte
	c.out = func(b byte) { out = append(out, b) }
	if err := c.load(diskProgram(t), ""); err != nil {
		t.Fatal(err)
	}
	if s := c.run(10_000_000); s != stopExit {
		t.Fatalf("stop %v fault %v output %q", s, c.fault, out)
	}
	want := "00 " + // make
		"00 00 00 " + // three writes
		"00 " + // close
		"00 " + // open
		"00 41 00 42 00 43 01 43 " + // three reads and end of file
		"00 42 " + // random read of record 1
		"00 03 " + // file size: 3 records
		"00 HELLO   TXT 01 TEST    TXT FF " + // search first, next (the record's second entry), next
		"00 FF 00 00 1A " + // rename, open old name, open and read HELLO.TXT
		"00 FF " // delete, delete again
	if string(out) != want {
		t.Fatalf("output\n%q\nwant\n%q", out, want)
	}
	if len(d.files) != 1 || d.file(0, "HELLO   TXT") == nil {
		t.Fatalf("drive holds %v", d.names(0))
	}
}
