package asm

import (
	"strings"
	"testing"
)

func TestLabelsAndFixups(t *testing.T) {
	a := New(0x100)
	a.Label("start")
	a.I("ld hl,table", "forward reference")
	a.I("jr later")
	a.I("call start")
	a.Label("later")
	a.I("djnz later")
	a.I("ld a,lo(table+1)")
	a.I("ld b,hi(table)")
	a.I("jp $")
	a.Align(256)
	a.Label("table")
	a.DB("1", "'A'", "-1", "later-start")
	a.DW("table", "0x1234")
	a.I("ds 3")
	got, err := a.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		0x21, 0x00, 0x02, // ld hl,0200h
		0x18, 0x03, // jr 0108h
		0xCD, 0x00, 0x01, // call 0100h
		0x10, 0xFE, // djnz 0108h (itself)
		0x3E, 0x01, // ld a,1
		0x06, 0x02, // ld b,2
		0xC3, 0x0E, 0x01, // jp 010Eh
	}
	if hexBytes(got[:len(want)]) != hexBytes(want) {
		t.Errorf("code %s, want %s", hexBytes(got[:len(want)]), hexBytes(want))
	}
	for i := len(want); i < 0x100; i++ {
		if got[i] != 0 {
			t.Fatalf("align padding at %04X is %02X", 0x100+i, got[i])
		}
	}
	tail := got[0x100:]
	if hexBytes(tail) != "01 41 FF 08 00 02 34 12 00 00 00" {
		t.Errorf("data %s", hexBytes(tail))
	}
	if v, _ := a.Value("table"); v != 0x200 {
		t.Errorf("table = %04X", v)
	}
	lst := a.Listing()
	for _, s := range []string{"0100  21 00 02     10     ld hl,table", "0108                     later:",
		"0108  10 FE        13/8   djnz later", "forward reference", "0200  01 41 FF 08"} {
		if !strings.Contains(lst, s) {
			t.Errorf("listing lacks %q:\n%s", s, lst)
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		build func(a *Asm)
		want  string
	}{
		{func(a *Asm) { a.I("jr far"); a.DS(200); a.Label("far") }, "target far is 200 bytes away"},
		{func(a *Asm) { a.Label("back"); a.DS(127); a.I("jr nz,back") }, "target back is -129 bytes away"},
		{func(a *Asm) { a.I("jp nowhere") }, `undefined label "nowhere"`},
		{func(a *Asm) { a.Label("x"); a.Label("x") }, `label "x" defined twice`},
		{func(a *Asm) { a.I("ld (hl),(hl)") }, "no such instruction"},
		{func(a *Asm) { a.I("sll a") }, "no such instruction"},
		{func(a *Asm) { a.I("ld a,300") }, "300 does not fit in a byte"},
		{func(a *Asm) { a.I("ld a,(ix+200)") }, "displacement +200 = 200 outside"},
		{func(a *Asm) { a.I("ld a,1+") }, "ends with an operator"},
		{func(a *Asm) { a.I("bit x,a") }, "bit needs a constant"},
		{func(a *Asm) { a.I("rst 3") }, "no such instruction"},
		{func(a *Asm) { a.Label("c") }, "register or condition name"},
		{func(a *Asm) { a.I("ld a,09x") }, "bad number"},
		{func(a *Asm) { a.Align(3) }, "not a power of two"},
		{func(a *Asm) { a.I("dw 70000") }, "does not fit in a word"},
	}
	for _, c := range cases {
		a := New(0x100)
		c.build(a)
		_, err := a.Assemble()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want error containing %q, got %v", c.want, err)
		}
	}
}

func TestNumbers(t *testing.T) {
	for src, v := range map[string]int{"10": 10, "0x1F": 31, "1Fh": 31, "0FFh": 255, "$1F": 31,
		"%101": 5, "'a'": 97, "3-5+4": 2, "lo(1234h)": 0x34, "hi(1234h)+1": 0x13} {
		e, err := parseExpr(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		got, err := e.eval(func(string) (int, bool) { return 0, false }, 0)
		if err != nil || got != v {
			t.Errorf("%s = %d (%v), want %d", src, got, err, v)
		}
	}
}

// FuzzLine feeds arbitrary text to the line assembler: it reports errors,
// never panics, and an instruction it assembles disassembles to text that
// assembles back to the same bytes, as the decoder's form of them.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"ld a,(ix+5)", "jr nz,x", "db 1,'a',lo(x)", "ex af,af'", "ld (hl", "ld a,hi(",
		"bit 9,(iy-1)", "dw $+2", "ds -1", "djnz $", "ld (iy-128),255", "jp (ix)", "ld de,(1234h)", "out (c),a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		a := New(0x100)
		a.Label("x")
		a.I(line)
		b, err := a.Assemble()
		a.Listing()
		if err != nil || len(a.items) != 2 || a.items[1].kind != kInstr {
			return
		}
		form := a.items[1].op.Form
		text, n, ok := Disassemble(b, 0x100)
		if !ok || n != len(b) {
			t.Fatalf("%q assembled to % X, which disassembles as %q (%d bytes, ok %v)", line, b, text, n, ok)
		}
		if op, _ := Decode(b); op.Form != form {
			t.Fatalf("%q is %q, decoded as %q", line, form, op.Form)
		}
		a2 := New(0x100)
		a2.I(text)
		b2, err := a2.Assemble()
		if err != nil || string(b2) != string(b) {
			t.Fatalf("%q -> % X -> %q -> % X (%v)", line, b, text, b2, err)
		}
	})
}

// FuzzSource assembles arbitrary source text: errors name a line, nothing
// panics, and what assembles is the same as assembling it line by line.
func FuzzSource(f *testing.F) {
	f.Add("start: ld a,1 ; one\n jr start\nmsg: db \"hi$\",13\nn equ 10h\n ld b,n")
	f.Add("db \"unterminated\nx: y: nop\n equ equ 1")
	f.Add(" ds 3\n dw x\nx:")
	f.Fuzz(func(t *testing.T, src string) {
		b, err := Source(0x100, src)
		if err != nil {
			if !strings.Contains(err.Error(), "line ") && !strings.Contains(err.Error(), ": ") {
				t.Fatalf("error without a place: %v", err)
			}
			return
		}
		a := New(0x100)
		for _, l := range strings.Split(src, "\n") {
			if err := a.sourceLine(l); err != nil {
				t.Fatal(err)
			}
		}
		if b2, err := a.Assemble(); err != nil || string(b2) != string(b) {
			t.Fatalf("line by line: % X (%v), whole: % X", b2, err, b)
		}
	})
}

func TestSource(t *testing.T) {
	got, err := Source(0x100, `
n       equ 10h
start:  ld a,n          ; a comment; with a semicolon
        jr start
msg:    db "A;B$",13,'x'
`)
	want := []byte{0x3E, 0x10, 0x18, 0xFC, 'A', ';', 'B', '$', 13, 'x'}
	if err != nil || string(got) != string(want) {
		t.Fatalf("% X (%v), want % X", got, err, want)
	}
	for src, msg := range map[string]string{
		"nop\n db \"open":    "line 2: db: unterminated string",
		"x equ 1zz":          "line 1: equ: bad number",
		"nop\nnop\n ldx a,1": "line 3: 0102: ldx a,1: no such instruction",
		" db \"a\" 3":        "line 1: db: expected a comma",
	} {
		if _, err := Source(0x100, src); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: error %v, want %q", src, err, msg)
		}
	}
}

func TestDisassembleCutOff(t *testing.T) {
	if _, _, ok := Disassemble([]byte{0x21, 0x34}, 0x100); ok {
		t.Error("a cut-off instruction disassembled")
	}
}
