package emu

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// The causes of issue 11, one test each, with a program of our own that
// a real CP/M 2.2 machine runs: every one of them failed on the machine
// before the fix.

// computingPoller checks the console status between pieces of work, as a
// BASIC interpreter does between statements: 256 polls, about 1,100
// T-states of work apart, then DONE.
const computingPoller = `
        ld b,0
loop:   push bc
        ld c,11
        call 5          ; a key for ^C?
        pop bc
        ld de,40
work:   dec de          ; about 1,100 T-states of work
        ld a,d
        or e
        jr nz,work
        djnz loop
        ld de,done
        ld c,9
        call 5
        ret
done:   db "DONE$"
`

// idlePoller waits for a key with BDOS 6 and nothing else to do, for
// 16,384 polls at the most, then says TIMEOUT.
const idlePoller = `
        ld hl,0
wait:   push hl
        ld c,6
        ld e,0FFh
        call 5
        pop hl
        or a
        jr nz,got
        inc hl
        ld a,h
        cp 40h
        jr nz,wait
        ld de,tmo
        ld c,9
        call 5
        ret
got:    ld e,a
        ld c,2
        call 5
        ret
tmo:    db "TIMEOUT$"
`

// Cause 1: a program that polls the keyboard while it computes is not
// waiting for a key; one that is idle keeps its state, and the time it is
// given runs it.
func TestCauseFalseWaiting(t *testing.T) {
	com := assemble(t, computingPoller)
	r, err := RunCOM(com, RunOptions{MaxTStates: 10_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Output) != "DONE" || r.Reason != ReasonExit {
		t.Fatalf("computing poller: output %q reason %q (it was taken for waiting)", r.Output, r.Reason)
	}
	m, _ := New(Config{Files: fstest.MapFS{"POLL.COM": {Data: com}}, Autoexec: "POLL"})
	for i := 0; i < 100 && m.Program() != "" || i == 0; i++ {
		if st := m.RunFor(100_000); st != Running && m.Program() != "" {
			t.Fatalf("computing poller: RunFor said %v at %d T-states", st, m.TStates())
		}
	}
	if s := screen(m); s[len(s)-1] != "DONE" && s[len(s)-2] != "DONE" {
		t.Fatalf("screen %q", s)
	}

	// The idle poller is found idle soon; the time it is given then runs
	// it to its timeout.
	m, _ = New(Config{Files: fstest.MapFS{"WAIT.COM": {Data: assemble(t, idlePoller)}}, Autoexec: "WAIT"})
	if st := m.RunFor(1_000_000); st != Waiting || m.Program() != "WAIT" || m.TStates() > 10_000 {
		t.Fatalf("idle poller: %v after %d T-states", st, m.TStates())
	}
	t0 := m.TStates()
	m.RunFor(100_000)
	if m.TStates() < t0+100_000 {
		t.Fatalf("idle poller given 100,000 T-states ran %d", m.TStates()-t0)
	}
	for i := 0; i < 30 && m.Program() != ""; i++ {
		m.RunFor(100_000)
	}
	if s := screen(m); m.Program() != "" || !strings.Contains(strings.Join(s, "\n"), "TIMEOUT") {
		t.Fatalf("idle poller did not time out: program %q screen %q", m.Program(), s)
	}
}

// Cause 2: the stack at the end of the program's own image, set with
// LD SP,nn or with LD SP,HL, is the classic idiom; a push there is fine.
func TestCauseStackInImage(t *testing.T) {
	for _, setSP := range []string{"ld sp,stack", "ld hl,stack\n ld sp,hl"} {
		com := assemble(t, setSP+`
        ld hl,1234h
        push hl
        call sub
        pop de
        ld a,d
        cp 12h
        jp z,ok
        jp bad
sub:    push hl
        pop hl
        ret
`+verdictSource+`
        ds 64
stack:`)
		r, _ := RunCOM(com, RunOptions{})
		if string(r.Output) != "OK" || r.Reason != ReasonExit {
			t.Errorf("%s: output %q reason %q fault %v", setSP, r.Output, r.Reason, r.Fault)
		}
	}
}

// Cause 3: code in page zero: a debugger's RST 38h breakpoint and a jump
// table a run-time builds below 0100h.
func TestCausePageZero(t *testing.T) {
	com := assemble(t, `
        ld hl,0038h     ; RST 38h: JP brk, as a debugger plants it
        ld (hl),0C3h
        ld de,brk
        inc hl
        ld (hl),e
        inc hl
        ld (hl),d
        rst 38h
        ld hl,0040h     ; a jump table at 0040h: JP f1, JP f2
        ld (hl),0C3h
        ld de,f1
        inc hl
        ld (hl),e
        inc hl
        ld (hl),d
        inc hl
        ld (hl),0C3h
        ld de,f2
        inc hl
        ld (hl),e
        inc hl
        ld (hl),d
        call 0040h
        call 0043h
        ret
brk:    ld de,m0
        jr say
f1:     ld de,m1
        jr say
f2:     ld de,m2
say:    ld c,9
        call 5
        ret
m0:     db "BRK $"
m1:     db "F1 $"
m2:     db "F2$"
`)
	r, _ := RunCOM(com, RunOptions{})
	if string(r.Output) != "BRK F1 F2" || r.Reason != ReasonExit {
		t.Fatalf("output %q reason %q fault %v", r.Output, r.Reason, r.Fault)
	}
}

// Cause 4: a BDOS function CP/M 2.2 does not know returns 0 in A and HL,
// and the program goes on.
func TestCauseUnknownBDOS(t *testing.T) {
	com := assemble(t, `
        ld c,45         ; CP/M 3: set BDOS error mode
        ld a,77h
        ld hl,0FFFFh
        call 5
        or h
        or l
        jr nz,bad
        ld c,102        ; MP/M: read file date stamps
        ld hl,1
        call 5
        ld a,h
        or l
        jr nz,bad
        jr ok
`+verdictSource)
	r, _ := RunCOM(com, RunOptions{})
	if string(r.Output) != "OK" || r.Reason != ReasonExit {
		t.Fatalf("output %q reason %q fault %v", r.Output, r.Reason, r.Fault)
	}
}

// Cause 5: undocumented instructions run as on a Z80 (TestExerciser
// compares them all with libz80ex; this is a program that uses them).
func TestCauseUndocumented(t *testing.T) {
	com := assemble(t, `
        ld ix,1234h
        db 0DDh,7Ch     ; ld a,ixh: 12
        call hexa
        db 0DDh,2Ch     ; inc ixl
        db 0DDh,7Dh     ; ld a,ixl: 35
        call hexa
        ld a,81h
        db 0CBh,37h     ; sll a: 03
        call hexa
        ld iy,buf
        ld (iy+5),40h
        db 0FDh,0CBh,05h,00h ; rlc (iy+5),b: 80 in B and in memory
        ld a,b
        call hexa
        ld a,(buf+5)
        call hexa
        ld a,5
        db 0EDh,4Ch     ; neg (a copy of ED 44): FB
        call hexa
        db 0EDh,77h     ; a no-op
        ld bc,0
        db 0EDh,70h     ; in f,(c): the port reads FFh, so S is set
        push af
        pop hl
        ld a,l
        and 80h
        call hexa
        ret
buf:    ds 8
`+hexaSource)
	r, _ := RunCOM(com, RunOptions{})
	if want := "12 35 03 80 80 FB 80 "; string(r.Output) != want || r.Reason != ReasonExit {
		t.Fatalf("output %q reason %q fault %v, want %q", r.Output, r.Reason, r.Fault, want)
	}
}

// freeSpace computes the space left on drive A: as STAT does: the zero
// bits of the allocation vector (BDOS 27) among the DSM+1 blocks the disk
// parameter block (BDOS 31) declares, printed as a hex count of blocks
// and the block size shift BSH. Then it writes a 10 KB file and does it
// again.
const freeSpace = `
        call free
        ld de,fcb       ; make NEW.DAT and write 80 records (10 KB)
        ld c,22
        call 5
        ld b,80
wr:     push bc
        ld de,fcb
        ld c,21
        call 5
        pop bc
        djnz wr
        ld de,fcb
        ld c,16
        call 5
        call free
        ret
free:   ld c,31
        call 5          ; HL = DPB
        push hl
        pop ix
        ld a,(ix+2)     ; BSH
        call hexa
        ld e,(ix+5)
        ld d,(ix+6)
        inc de          ; DE = blocks on the drive
        push de
        ld c,27
        call 5          ; HL = ALV
        pop de
        ld bc,0         ; BC = free blocks
bloop:  ld a,(hl)
        inc hl
        push hl
        ld h,8
bitl:   rla
        jr c,used
        inc bc
used:   dec de
        ld l,a
        ld a,d
        or e
        ld a,l
        jr z,last
        dec h
        jr nz,bitl
        pop hl
        jr bloop
last:   pop hl
        push bc
        ld a,b
        call hexa
        pop bc
        ld a,c
        call hexa
        ret
fcb:    db 0,"NEW     DAT"
        ds 24
` + hexaSource

// Cause 6: the allocation vector and the disk parameter block describe
// drive A: truthfully: the space a STAT-like computation finds left is
// the space there is, before and after a file is written.
func TestCauseDiskFigures(t *testing.T) {
	files := fstest.MapFS{"A.DAT": {Data: make([]byte, 5000)}, "B.DAT": {Data: make([]byte, 100)}}
	r, _ := RunCOM(assemble(t, freeSpace), RunOptions{Files: files})
	// 2048 blocks of 2 KB; the directory takes 16, A.DAT 3, B.DAT 1; the
	// new file of 10 KB then takes 5.
	free0, free1 := 2048-16-3-1, 2048-16-3-1-5
	want := fmt.Sprintf("04 %02X %02X 04 %02X %02X ", free0>>8, free0&0xFF, free1>>8, free1&0xFF)
	if string(r.Output) != want || r.Reason != ReasonExit {
		t.Fatalf("output %q reason %q fault %v, want %q", r.Output, r.Reason, r.Fault, want)
	}
}

// Cause 7: the CCP's built-ins and a full 127-character command line.
func TestCauseCCP(t *testing.T) {
	tail := assemble(t, `
        ld a,(80h)      ; the tail's length, then the tail
        call hexa
        ld hl,81h
        ld a,(80h)
        ld b,a
        jp typeb
`+typeSource+hexaSource)
	m, err := New(Config{Files: fstest.MapFS{"T.COM": {Data: tail}, "KEEP.TXT": {Data: []byte("k")}}})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	put := m.c.out
	m.c.out = func(b byte) { put(b); out.WriteByte(b) }
	m.RunFor(1000)
	// run types a command line and returns what the machine printed after
	// its echo, up to the next prompt.
	run := func(line string) string {
		t.Helper()
		out.Reset()
		if len(line) < ccpLineMax {
			line += "\r" // a full line ends by itself
		}
		m.Type(line)
		line = strings.TrimSuffix(line, "\r")
		for i := 0; i < 100 && m.RunFor(1_000_000) == Running; i++ {
		}
		s, ok := strings.CutPrefix(out.String(), line+"\r\n")
		if !ok {
			t.Fatalf("%q: the echo is missing from %q", line, out.String())
		}
		return strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(s, "A>"), "\r\n"), " ")
	}
	// 127 characters: T, a blank and 125 more.
	long := "T " + strings.Repeat("ABCDEFGHIJKLMNOPQRSTUVWXY", 5)
	if got, want := run(long), "7E "+long[1:]; got != want {
		t.Errorf("127-character line: program saw %q, want %q", got, want)
	}
	if got := string(m.c.mem[fcb1 : fcb1+16]); got != "\x00ABCDEFGH   \x00\x00\x00\x00" {
		t.Errorf("FCB 1 %q", got)
	}
	// SAVE: the TPA as T left it.
	run("SAVE 1 COPY.COM")
	if b, err := m.ReadFile("COPY.COM"); err != nil || string(b) != string(m.c.mem[0x100:0x200]) || string(b[:len(tail)]) != string(tail) {
		t.Errorf("SAVE: %v, %d bytes", err, len(b))
	}
	// USER: each user has its own files.
	run("USER 3")
	if got := run("DIR"); got != "NO FILE" {
		t.Errorf("user 3 DIR: %q", got)
	}
	run("SAVE 1 MINE.COM")
	if got := run("DIR"); got != "A: MINE     COM" {
		t.Errorf("user 3 DIR: %q", got)
	}
	run("USER 0")
	if got := run("DIR MINE.COM"); got != "NO FILE" {
		t.Errorf("user 0 sees user 3's file: %q", got)
	}
	// ERA *.* asks first; N keeps the files, Y erases them.
	if got := run("ERA *.*"); got != "ALL (Y/N)?" {
		t.Errorf("ERA *.*: %q", got)
	}
	run("N")
	if len(m.Files()) != 3 {
		t.Errorf("after N: %v", m.Files())
	}
	run("ERA *.*")
	run("Y")
	if len(m.Files()) != 0 {
		t.Errorf("after Y: %v", m.Files())
	}
}
