package emu

import (
	"testing"

	"z80ulm/tools/asm"
)

// assemble assembles a test program written as Z80 source at 0100h with
// tools/asm (asm.Source). Undocumented instructions, which tools/asm does
// not know, are written as db lines.
func assemble(tb testing.TB, src string) []byte {
	tb.Helper()
	b, err := asm.Source(0x100, src)
	if err != nil {
		tb.Fatalf("assemble: %v", err)
	}
	return b
}

// Routines the test programs share.
const (
	// hexa prints A as two hex digits and a space; it keeps A.
	hexaSource = `
hexa:   push af
        rrca
        rrca
        rrca
        rrca
        call nib
        pop af
        push af
        call nib
        ld e,' '
        ld c,2
        call 5
        pop af
        ret
nib:    and 0Fh
        add a,90h
        daa
        adc a,40h
        daa
        ld e,a
        ld c,2
        call 5
        ret
`
	// typeSource: typeb prints the B characters at HL.
	typeSource = `
typeb:  ld e,(hl)
        push hl
        push bc
        ld c,2
        call 5
        pop bc
        pop hl
        inc hl
        djnz typeb
        ret
`
	// verdictSource: a jump to ok prints OK, to bad BAD; either ends the
	// program.
	verdictSource = `
ok:     ld de,okm
        jr say
bad:    ld de,badm
say:    ld c,9
        call 5
        jp 0
okm:    db "OK$"
badm:   db "BAD$"
`
)

func TestAssembleHelper(t *testing.T) {
	got := assemble(t, `
n       equ 10h
start:  ld a,n          ; a comment; with a semicolon
        jr start
msg:    db "A;B$",13,'x'
`)
	want := []byte{0x3E, 0x10, 0x18, 0xFC, 'A', ';', 'B', '$', 13, 'x'}
	if string(got) != string(want) {
		t.Fatalf("% X, want % X", got, want)
	}
}
