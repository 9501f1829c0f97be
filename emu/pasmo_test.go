package emu

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"z80ulm/internal/testkit"
)

// Sources of the hand-built test programs, for Debian's pasmo assembler:
// when it is installed, the bytes it makes must equal ours.
var pasmoSources = map[string]struct {
	src   string
	bytes func(testing.TB) []byte
}{
	"echo": {`
        org 100h
start:  ld de,prompt
        ld c,9
        call 5
        ld de,buf
        ld c,10
        call 5
        ld a,(cnt)
        or a
        jr z,done
        ld de,crlf
        ld c,9
        call 5
        ld a,(cnt)
        ld hl,text
        ld b,a
loop:   ld e,(hl)
        push hl
        push bc
        ld c,2
        call 5
        pop bc
        pop hl
        inc hl
        djnz loop
        jr start
done:   ret
prompt: db 13,10,"> $"
crlf:   db 13,10,"$"
buf:    db 20
cnt:    db 0
text:   ds 21
`, echoProgram},
	"inference loop": {`
        org 100h
start:  ld sp,9000h
        ld hl,8000h
        ld c,5Ah
        ld b,0
loop:   pop de
        ld l,e
        ld a,(hl)
        add a,c
        ld (hl),a
        jr nc,nocarry
        inc h
        inc (hl)
        dec h
nocarry: ld l,d
        ld a,(hl)
        sub c
        ld (hl),a
        djnz loop
        jp start
`, func(testing.TB) []byte { return inferenceLoop }},
}

func TestProgramsAgainstPasmo(t *testing.T) {
	pasmo := testkit.Need(t, "pasmo")[0]
	dir := t.TempDir()
	for name, p := range pasmoSources {
		src, bin := filepath.Join(dir, "p.asm"), filepath.Join(dir, "p.bin")
		if err := os.WriteFile(src, []byte(p.src), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(pasmo, src, bin).CombinedOutput(); err != nil {
			t.Fatalf("%s: pasmo: %v\n%s", name, err, out)
		}
		want, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.bytes(t); !bytes.Equal(got, want) {
			t.Errorf("%s: our bytes\n% X\npasmo's\n% X", name, got, want)
		}
	}
}
