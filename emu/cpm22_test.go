package emu

import (
	"strings"
	"testing"
	"testing/fstest"
)

// What real CP/M 2.2 programs rely on beyond the causes of issue 11, each
// with a program of our own.

// biosCall is a subroutine: call bios with A = the entry number (0-16) and
// BC, DE as the entry wants them.
const biosCall = `
bios:   push hl
        push de
        ld hl,(1)       ; WBOOT's entry
        dec hl
        dec hl
        dec hl          ; BOOT's
        ld e,a
        ld d,0
        add hl,de
        add hl,de
        add hl,de
        pop de
        ex (sp),hl      ; the entry on the stack, HL back
        ret             ; "call" it
`

// TestBIOSEntries calls the disk entries of the BIOS directly, as disk
// utilities do: SELDSK's DPH leads to the DPB and ALV the BDOS reports;
// READ sees the directory and the files' data; WRITE changes a file.
func TestBIOSEntries(t *testing.T) {
	p := assemble(t, `
        ld a,9          ; SELDSK A:
        ld c,0
        call bios
        push hl
        pop ix          ; IX = DPH
        ld a,(ix+10)    ; DPB, as BDOS 31 says
        call hexa
        ld a,(ix+11)
        call hexa
        ld a,(ix+14)    ; ALV, as BDOS 27 says
        call hexa
        ld a,(ix+15)
        call hexa
        ld a,9          ; SELDSK B: is no drive: HL = 0
        ld c,1
        call bios
        ld a,h
        or l
        call hexa
        ld a,12         ; SETDMA
        ld bc,rec
        call bios
        ld a,8          ; HOME
        call bios
        ld a,11         ; SETSEC 0
        ld bc,0
        call bios
        ld a,13         ; READ: the first directory record
        call bios
        call hexa
        ld a,(rec)      ; user 0
        call hexa
        ld hl,rec+1     ; the first file's name
        call name
        ld a,(rec+16)   ; its first block (the directory has 0-15)
        call hexa
        ld a,10         ; SETTRK 8: record 256, block 16, the file's data
        ld bc,8
        call bios
        ld a,13
        call bios
        call hexa
        ld hl,rec
        call name
        ld hl,rec       ; WRITE it back changed
        ld (hl),'*'
        ld a,14
        ld c,0
        call bios
        call hexa
        ld a,10         ; SETTRK 0: a directory record is not written
        ld bc,0
        call bios
        ld a,14
        call bios
        call hexa
        ld a,16         ; SECTRAN: no skew
        ld bc,7
        ld de,0
        call bios
        ld a,l
        call hexa
        ld a,15         ; LISTST: ready
        call bios
        call hexa
        ld a,7          ; READER: end of file
        call bios
        call hexa
        ld a,5          ; LIST and PUNCH take the character
        ld c,'x'
        call bios
        ld a,6
        call bios
        ld a,1          ; WBOOT
        call bios
name:   ld b,11
        call typeb
        ld e,' '
        ld c,2
        call 5
        ret
rec:    ds 128
`+biosCall+typeSource+hexaSource)
	m, _ := New(Config{Files: fstest.MapFS{"DATA.TXT": {Data: []byte("CONTENTS OF DATA")}, "P.COM": {Data: p}}, Autoexec: "P"})
	runToEnd(m)
	s := screen(m)
	want := "60 F2 00 F3 00 00 00 DATA    TXT 10 00 CONTENTS OF 00 01 07 FF 1A"
	if len(s) < 2 || s[len(s)-2] != want {
		t.Fatalf("screen %q, want %q", s, want)
	}
	// The record written is the file's first, whole (^Z-padded, as CP/M
	// keeps text files).
	if b, _ := m.ReadFile("DATA.TXT"); string(b) != "*ONTENTS OF DATA"+strings.Repeat("\x1a", 112) {
		t.Errorf("after WRITE: %q", b)
	}
}

// TestBIOSPatchAndChain: a program that puts its own routine in the BIOS
// jump table (here CONOUT, to count characters) and chains to the old
// target keeps working, as on a real machine.
func TestBIOSPatchAndChain(t *testing.T) {
	p := assemble(t, `
        ld hl,(1)
        ld de,10        ; WBOOT+9+1: the target of CONOUT's JP
        add hl,de
        ld e,(hl)
        inc hl
        ld d,(hl)
        ld (old),de
        ld de,mine
        ld (hl),d
        dec hl
        ld (hl),e
        ld c,4          ; CONOUT 'a', 'b' through the table
        call conout
        ld c,'b'
        call conout
        ld a,(count)
        add a,'0'
        ld c,a
        call conout
        ret
conout: ld hl,(1)
        ld de,9
        add hl,de
        ld a,c
        cp 4
        jr nz,go
        ld c,'a'
go:     jp (hl)
mine:   ld hl,count
        inc (hl)
        ld hl,(old)
        jp (hl)
old:    dw 0
count:  db 0
`)
	r, _ := RunCOM(p, RunOptions{})
	if string(r.Output) != "ab2" || r.Reason != ReasonExit {
		t.Fatalf("output %q reason %q fault %v", r.Output, r.Reason, r.Fault)
	}
}

// TestIOBYTE: BDOS 7 and 8 keep the IOBYTE at 0003h, across warm boots.
func TestIOBYTE(t *testing.T) {
	set := assemble(t, `
        ld c,7
        call 5
        call hexa
        ld e,94h
        ld c,8
        call 5
        ld a,(3)
        call hexa
        ret
`+hexaSource)
	m, _ := New(Config{Files: fstest.MapFS{"IO.COM": {Data: set}}, Autoexec: "IO"})
	runToEnd(m)
	m.Type("IO\r")
	runToEnd(m)
	wantScreen(t, m, SignOn, "A>IO", "00 94", "A>IO", "94 94", "A>")
}

// TestLineReadEdges: BDOS 10 through a program: a full buffer ends the
// line at once, ^H and DEL delete, ^X and ^U discard, ^R retypes, ^E
// breaks the screen line, ^P is taken, the parity bit goes.
func TestLineReadEdges(t *testing.T) {
	p := assemble(t, `
next:   ld de,buf
        ld c,10
        call 5
        ld a,(buf+1)
        or a
        ret z
        ld b,a
        ld hl,buf+2
        call typeb
        ld e,'|'
        ld c,2
        call 5
        jr next
buf:    db 4,0
        ds 4
`+typeSource)
	r, _ := RunCOM(p, RunOptions{Input: "abcdef\r\xe1\x08y\x7fz\x10\rq\x18r\x15st\x12\x05u\r\r"})
	// abcd (full) | ef | a (E1 less its parity bit) ^H y DEL z ^P -> z |
	// q ^X r ^U s t ^R ^E u -> stu | (empty: the end)
	var got []string
	for _, l := range r.Lines {
		got = append(got, l.Line)
	}
	if r.Reason != ReasonExit {
		t.Fatalf("reason %q lines %q", r.Reason, got)
	}
	out := string(r.Output)
	for _, piece := range []string{"abcd\rabcd|", "ef\ref|", "a\b \by\b \bz\rz|", "q\b \br", "#\r\n", "st\r\nu\rstu|"} {
		if !strings.Contains(out, piece) {
			t.Errorf("output %q lacks %q", out, piece)
		}
	}
}

// TestStopScreen: ^S typed stops a program at its next console output
// until another key comes; ^S then ^C warm boots.
func TestStopScreen(t *testing.T) {
	p := assemble(t, `
        ld e,'1'
        ld c,2
        call 5
        ld e,'2'
        ld c,2
        call 5
        ld c,11         ; the key that went on is taken: no key waits
        call 5
        add a,'0'
        ld e,a
        ld c,2
        call 5
        ret
`)
	m, _ := New(Config{Files: fstest.MapFS{"S.COM": {Data: p}}})
	m.Type("S\r\x13") // ^S typed before the program prints
	runToEnd(m)
	if !m.Waiting() || m.Program() != "S" {
		t.Fatalf("^S: waiting %v program %q", m.Waiting(), m.Program())
	}
	m.Type("x")
	runToEnd(m)
	if s := screen(m); m.Program() != "" || s[len(s)-2] != "120" {
		t.Fatalf("after a key: program %q screen %q", m.Program(), s)
	}
	m.Type("S\r\x13\x03")
	runToEnd(m)
	if s := screen(m); m.Program() != "" || s[len(s)-2] != "A>S" {
		t.Fatalf("^S ^C: program %q screen %q", m.Program(), s)
	}
}

// fcbProgram writes 600 records (75 KB) to BIG.DAT (each filled with its
// number), showing EX, S2 and CR at the end of extent 0 and after the last
// record,
// reads it back sequentially checking every record and the end of file,
// then reads random records, sizes the file and lists its extents with a
// '?' search.
const fcbProgram = `
        ld de,fcb
        ld c,22         ; make
        call 5
        ld hl,0
wr:     push hl
        ld a,l
        ld hl,80h
        ld b,128
fill:   ld (hl),a
        inc hl
        djnz fill
        ld de,fcb
        ld c,21
        call 5
        or a
        jp nz,fail
        pop hl
        inc hl
        ld a,l
        cp 128
        jr nz,notx
        ld a,h
        or a
        call z,pos      ; after record 127: EX 0, CR 128 (80h)
notx:   ld de,600
        ld a,h
        cp d
        jr nz,wr
        ld a,l
        cp e
        jr nz,wr
        call pos        ; after 600: EX 4, CR 88 (58h)
        ld de,fcb
        ld c,16
        call 5
        xor a           ; read it back from the start
        ld (fcb+12),a
        ld (fcb+32),a
        ld de,fcb
        ld c,15
        call 5
        ld hl,0
rd:     push hl
        ld de,fcb
        ld c,20
        call 5
        pop hl
        or a
        jr nz,eof
        ld a,(80h)
        cp l
        jp nz,fail
        ld a,(0FFh)
        cp l
        jp nz,fail
        inc hl
        jr rd
eof:    push hl
        call hexa       ; 01: end of file
        pop hl
        push hl
        ld a,h          ; after 600 records (0258)
        call hexa
        pop hl
        ld a,l
        call hexa
        ld hl,200       ; random read of record 200
        ld (fcb+33),hl
        ld de,fcb
        ld c,33
        call 5
        call hexa
        ld a,(80h)
        call hexa       ; C8
        call pos        ; EX 1, CR 48h: record 200 again
        ld de,fcb       ; sequential read after it: record 200 again
        ld c,20
        call 5
        ld a,(80h)
        call hexa
        ld hl,600       ; record 600: past the end, in the last extent
        ld (fcb+33),hl
        ld de,fcb
        ld c,33
        call 5
        call hexa       ; 01
        ld hl,1000      ; an extent the file does not have
        ld (fcb+33),hl
        ld de,fcb
        ld c,33
        call 5
        call hexa       ; 04
        ld a,1          ; R2 = 1: past what a file can hold
        ld (fcb+35),a
        ld de,fcb
        ld c,33
        call 5
        call hexa       ; 06
        xor a
        ld (fcb+35),a
        ld de,fcb
        ld c,35         ; file size
        call 5
        ld a,(fcb+35)
        call hexa
        ld a,(fcb+34)
        call hexa
        ld a,(fcb+33)
        call hexa       ; 00 02 58
        ld de,pat       ; every extent of BIG.DAT: 0 to 4
        ld c,17
        call 5
srch:   cp 0FFh
        ret z
        add a,a         ; the entry's EX: DMA + 32*A + 12
        add a,a
        add a,a
        add a,a
        add a,a
        add a,8Ch
        ld l,a
        ld h,0
        ld a,(hl)
        call hexa
        ld c,18
        call 5
        jr srch
pos:    push hl         ; (a BDOS call changes HL)
        ld a,(fcb+12)
        call hexa
        ld a,(fcb+14)
        call hexa
        ld a,(fcb+32)
        call hexa
        pop hl
        ret
fail:   ld de,bad
        ld c,9
        call 5
        ret
bad:    db "FAIL$"
fcb:    db 0,"BIG     DAT"
        ds 24
pat:    db 0,"BIG     DAT",3Fh
        ds 23
` + hexaSource

// TestFCBs: sequential and random access over several extents, EX, S2,
// RC and CR as the BDOS leaves them, the end of file, random read errors,
// the file size and searches with '?'.
func TestFCBs(t *testing.T) {
	r, _ := RunCOM(assemble(t, fcbProgram), RunOptions{})
	want := "00 00 80 04 00 58 01 02 58 00 C8 01 00 48 C8 01 04 06 00 02 58 00 01 02 03 04 "
	if string(r.Output) != want || r.Reason != ReasonExit {
		t.Fatalf("output %q reason %q fault %v\nwant   %q", r.Output, r.Reason, r.Fault, want)
	}
}

// TestLargeSparseFile: a random write of the last record a file can have
// (65535, 8 MB in) makes a file of 65536 records (R2 = 1) that takes two
// blocks, as in CP/M; the records between read as unwritten.
func TestLargeSparseFile(t *testing.T) {
	p := assemble(t, `
        ld de,fcb
        ld c,22
        call 5
        ld hl,0FFFFh
        ld (fcb+33),hl
        ld de,fcb
        ld c,34         ; write random record 65535
        call 5
        call hexa
        ld de,fcb
        ld c,35
        call 5
        ld a,(fcb+35)   ; R2 R1 R0 = 01 00 00
        call hexa
        ld a,(fcb+34)
        call hexa
        ld a,(fcb+33)
        call hexa
        xor a           ; R2 back to 0
        ld (fcb+35),a
        ld hl,40000     ; in the file, never written
        ld (fcb+33),hl
        ld de,fcb
        ld c,33
        call 5
        call hexa       ; 04: no such extent
        ld hl,65420     ; in the last extent, a block not written
        ld (fcb+33),hl
        ld de,fcb
        ld c,33
        call 5
        call hexa       ; 01
        ld hl,0FFFFh
        ld (fcb+33),hl
        ld de,fcb
        ld c,33
        call 5
        call hexa       ; 00
        ret
fcb:    db 0,"SPARSE  DAT"
        ds 24
`+hexaSource)
	d, _ := newMemDrive(nil)
	c := newCore()
	c.bdos.disk = d
	var out []byte
	c.out = func(b byte) { out = append(out, b) }
	c.load(p, "")
	if s := c.run(10_000_000); s != stopExit {
		t.Fatalf("stop %v fault %v output %q", s, c.fault, out)
	}
	if want := "00 01 00 00 04 01 00 "; string(out) != want {
		t.Fatalf("output %q, want %q", out, want)
	}
	f := d.file(0, "SPARSE  DAT")
	if f.records() != 65536 || f.allocBlocks() != 1 || f.entries() != 2 || d.usedBlocks() != dirBlocks+1 {
		t.Fatalf("records %d blocks %d entries %d used %d", f.records(), f.allocBlocks(), f.entries(), d.usedBlocks())
	}
}

// TestUsersAndSearchAll: a file made in user 2 is not user 0's; a search
// with '?' as the drive byte lists every user's entries.
func TestUsersAndSearchAll(t *testing.T) {
	p := assemble(t, `
        ld e,2
        ld c,32         ; user 2
        call 5
        ld de,fcb
        ld c,22
        call 5
        ld e,0
        ld c,32         ; back to user 0
        call 5
        ld de,fcb
        ld c,15         ; open: not user 0's
        call 5
        call hexa
        ld de,all       ; every entry: user, first letter
        ld c,17
        call 5
next:   cp 0FFh
        ret z
        add a,a
        add a,a
        add a,a
        add a,a
        add a,a
        add a,80h
        ld l,a
        ld h,0
        ld a,(hl)
        push hl
        call hexa
        pop hl
        inc hl
        ld e,(hl)
        ld c,2
        call 5
        ld e,' '
        ld c,2
        call 5
        ld c,18
        call 5
        jr next
fcb:    db 0,"MINE    DAT"
        ds 24
all:    db "?"
        ds 35
`+hexaSource)
	r, _ := RunCOM(p, RunOptions{Files: fstest.MapFS{"ZERO.TXT": {Data: []byte("0")}}})
	if want := "FF 02 M 00 Z "; string(r.Output) != want {
		t.Fatalf("output %q, want %q", r.Output, want)
	}
}

// TestSelectErrors: drive B: does not exist: selecting it, or naming it
// in an FCB, is CP/M's select error and a warm boot.
func TestSelectErrors(t *testing.T) {
	for _, prog := range []string{
		"ld e,1\n ld c,14\n call 5\n ld e,'!'\n ld c,2\n call 5\n ret",
		"ld de,fcb\n ld c,15\n call 5\n ld e,'!'\n ld c,2\n call 5\n ret\nfcb: db 2,\"X       Y  \"\n ds 24",
	} {
		r, _ := RunCOM(assemble(t, prog), RunOptions{})
		if string(r.Output) != "\r\nBdos Err On B: Select" || r.Reason != ReasonExit {
			t.Errorf("%s: output %q reason %q", prog, r.Output, r.Reason)
		}
	}
}

// TestWholeTPA: a program may use all memory below the BDOS: put its
// stack at the BDOS address, overwrite the CCP's area and leave with JP 0;
// or keep the return address and RET. The machine carries on either way.
func TestWholeTPA(t *testing.T) {
	fillTPA := `
        ld hl,(6)       ; the BDOS address: the top of the TPA
        ld sp,hl
        ld hl,end       ; fill the TPA up to it
fill:   ld (hl),0E5h
        inc hl
        ld a,(6)
        cp l
        jr nz,fill
        ld a,(7)
        cp h
        jr nz,fill
        push hl         ; the stack works up there
        pop de
        ld de,ok
        ld c,9
        call 5
        jp 0
ok:     db "FULL$"
end:`
	keepRet := `
        ld (sp0),sp
        ld sp,8000h
        ld hl,ccpArea   ; the CCP's area, but not the stack's last words
fill:   ld (hl),0E5h
        inc hl
        ld a,h
        cp 0E3h
        jr nz,fill
        ld sp,(sp0)
        ld de,ok
        ld c,9
        call 5
        ret
sp0:    dw 0
ok:     db "RET$"
ccpArea equ 0DC00h`
	m, _ := New(Config{Files: fstest.MapFS{"FULL.COM": {Data: assemble(t, fillTPA)}, "KEEP.COM": {Data: assemble(t, keepRet)}}})
	m.Type("FULL\rKEEP\rDIR\r")
	runToEnd(m)
	wantScreen(t, m, SignOn, "A>FULL", "FULL", "A>KEEP", "RET", "A>DIR", "A: FULL     COM : KEEP     COM", "A>")
}

// TestDiskFull: writing past the drive's 4 MB ends with error 2, the data
// written so far kept.
func TestDiskFull(t *testing.T) {
	p := assemble(t, `
        ld de,fcb
        ld c,22
        call 5
        ld hl,0
wr:     push hl
        ld de,fcb
        ld c,21
        call 5
        pop hl
        inc hl
        or a
        jr z,wr
        call hexa       ; 02
        ret
fcb:    db 0,"HUGE    DAT"
        ds 24
`+hexaSource)
	d, _ := newMemDrive(fstest.MapFS{"BIG.DAT": {Data: make([]byte, 3<<20)}})
	c := newCore()
	c.bdos.disk = d
	var out []byte
	c.out = func(b byte) { out = append(out, b) }
	c.load(p, "")
	if s := c.run(1_000_000_000); s != stopExit || string(out) != "02 " {
		t.Fatalf("stop %v output %q", s, out)
	}
	huge := d.file(0, "HUGE    DAT")
	if got, want := huge.allocBlocks(), dataBlocks-blocks(3<<20); got != want {
		t.Fatalf("HUGE.DAT took %d blocks, %d were free", got, want)
	}
}

// TestAttributes: BDOS 30 sets the read-only and system attributes; open
// and search show them; DIR leaves a system file out; deleting a
// read-only file is CP/M's "File R/O" error.
func TestAttributes(t *testing.T) {
	p := assemble(t, `
        ld de,fcb
        ld c,22
        call 5
        ld hl,fcb+9     ; t1' read-only, t2' system
        set 7,(hl)
        inc hl
        set 7,(hl)
        ld de,fcb
        ld c,30
        call 5
        call hexa
        ld de,plain     ; open: the name comes back with the attributes
        ld c,15
        call 5
        ld a,(plain+9)
        call hexa
        ld a,(plain+10)
        call hexa
        ld de,plain
        ld c,19         ; delete: refused
        call 5
        ld e,'!'
        ld c,2
        call 5
        ret
fcb:    db 0,"FILE    DAT"
        ds 24
plain:  db 0,"FILE    DAT"
        ds 24
`+hexaSource)
	m, _ := New(Config{Files: fstest.MapFS{"ATTR.COM": {Data: p}}})
	m.Type("ATTR\rDIR\rERA FILE.DAT\r")
	runToEnd(m)
	wantScreen(t, m, SignOn, "A>ATTR", "00 C4 C1", "Bdos Err On A: File R/O", "A>DIR", "A: ATTR     COM", "A>ERA FILE.DAT", "Bdos Err On A: File R/O", "A>")
	if f := m.c.bdos.disk.file(0, "FILE    DAT"); f == nil || f.attrs != attrRO|attrSys {
		t.Fatalf("file %+v", f)
	}
}
