package asm

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"z80ulm/internal/testkit"
)

// umTiming is the instruction timing of Zilog's Z80 CPU User Manual
// (UM0080), written family by family as the manual groups them, as
// patterns over the assembler's normalized forms. It is independent of the
// generator in opcodes.go: every form must match exactly one rule and get
// the same T-states, and every rule must match some form.
var umTiming = []struct {
	pattern  string
	t, taken int
}{
	// 8-bit load group
	{`^ld [bcdehla],[bcdehla]$`, 4, 0},
	{`^ld [bcdehla],N$`, 7, 0},
	{`^ld [bcdehla],\(hl\)$`, 7, 0},
	{`^ld [bcdehla],\(i[xy]\+D\)$`, 19, 0},
	{`^ld \(hl\),[bcdehla]$`, 7, 0},
	{`^ld \(i[xy]\+D\),[bcdehla]$`, 19, 0},
	{`^ld \(hl\),N$`, 10, 0},
	{`^ld \(i[xy]\+D\),N$`, 19, 0},
	{`^ld a,\((bc|de)\)$`, 7, 0},
	{`^ld a,\(N\)$`, 13, 0},
	{`^ld \((bc|de)\),a$`, 7, 0},
	{`^ld \(N\),a$`, 13, 0},
	{`^ld a,[ir]$`, 9, 0},
	{`^ld [ir],a$`, 9, 0},
	// 16-bit load group
	{`^ld (bc|de|hl|sp),N$`, 10, 0},
	{`^ld i[xy],N$`, 14, 0},
	{`^ld hl,\(N\)$`, 16, 0},
	{`^ld (bc|de|sp),\(N\)$`, 20, 0},
	{`^ld i[xy],\(N\)$`, 20, 0},
	{`^ld \(N\),hl$`, 16, 0},
	{`^ld \(N\),(bc|de|sp)$`, 20, 0},
	{`^ld \(N\),i[xy]$`, 20, 0},
	{`^ld sp,hl$`, 6, 0},
	{`^ld sp,i[xy]$`, 10, 0},
	{`^push (bc|de|hl|af)$`, 11, 0},
	{`^push i[xy]$`, 15, 0},
	{`^pop (bc|de|hl|af)$`, 10, 0},
	{`^pop i[xy]$`, 14, 0},
	// exchange, block transfer and search
	{`^ex de,hl$`, 4, 0},
	{`^ex af,af'$`, 4, 0},
	{`^exx$`, 4, 0},
	{`^ex \(sp\),hl$`, 19, 0},
	{`^ex \(sp\),i[xy]$`, 23, 0},
	{`^(ldi|ldd|cpi|cpd)$`, 16, 0},
	{`^(ldir|lddr|cpir|cpdr)$`, 16, 21},
	// 8-bit arithmetic and logic
	{`^(add a,|adc a,|sub |sbc a,|and |xor |or |cp )[bcdehla]$`, 4, 0},
	{`^(add a,|adc a,|sub |sbc a,|and |xor |or |cp )N$`, 7, 0},
	{`^(add a,|adc a,|sub |sbc a,|and |xor |or |cp )\(hl\)$`, 7, 0},
	{`^(add a,|adc a,|sub |sbc a,|and |xor |or |cp )\(i[xy]\+D\)$`, 19, 0},
	{`^(inc|dec) [bcdehla]$`, 4, 0},
	{`^(inc|dec) \(hl\)$`, 11, 0},
	{`^(inc|dec) \(i[xy]\+D\)$`, 23, 0},
	// general purpose arithmetic and CPU control
	{`^(daa|cpl|ccf|scf|nop|halt|di|ei)$`, 4, 0},
	{`^neg$`, 8, 0},
	{`^im [012]$`, 8, 0},
	// 16-bit arithmetic
	{`^add hl,(bc|de|hl|sp)$`, 11, 0},
	{`^(adc|sbc) hl,(bc|de|hl|sp)$`, 15, 0},
	{`^add ix,(bc|de|ix|sp)$`, 15, 0},
	{`^add iy,(bc|de|iy|sp)$`, 15, 0},
	{`^(inc|dec) (bc|de|hl|sp)$`, 6, 0},
	{`^(inc|dec) i[xy]$`, 10, 0},
	// rotate and shift
	{`^(rlca|rla|rrca|rra)$`, 4, 0},
	{`^(rlc|rl|rrc|rr|sla|sra|srl) [bcdehla]$`, 8, 0},
	{`^(rlc|rl|rrc|rr|sla|sra|srl) \(hl\)$`, 15, 0},
	{`^(rlc|rl|rrc|rr|sla|sra|srl) \(i[xy]\+D\)$`, 23, 0},
	{`^(rld|rrd)$`, 18, 0},
	// bit set, reset and test
	{`^bit [0-7],[bcdehla]$`, 8, 0},
	{`^bit [0-7],\(hl\)$`, 12, 0},
	{`^bit [0-7],\(i[xy]\+D\)$`, 20, 0},
	{`^(set|res) [0-7],[bcdehla]$`, 8, 0},
	{`^(set|res) [0-7],\(hl\)$`, 15, 0},
	{`^(set|res) [0-7],\(i[xy]\+D\)$`, 23, 0},
	// jump group
	{`^jp N$`, 10, 0},
	{`^jp (nz|z|nc|c|po|pe|p|m),N$`, 10, 0},
	{`^jr N$`, 12, 0},
	{`^jr (nz|z|nc|c),N$`, 7, 12},
	{`^jp \(hl\)$`, 4, 0},
	{`^jp \(i[xy]\)$`, 8, 0},
	{`^djnz N$`, 8, 13},
	// call and return
	{`^call N$`, 17, 0},
	{`^call (nz|z|nc|c|po|pe|p|m),N$`, 10, 17},
	{`^ret$`, 10, 0},
	{`^ret (nz|z|nc|c|po|pe|p|m)$`, 5, 11},
	{`^ret[in]$`, 14, 0},
	{`^rst (0|8|16|24|32|40|48|56)$`, 11, 0},
	// input and output
	{`^in a,\(N\)$`, 11, 0},
	{`^in [bcdehla],\(c\)$`, 12, 0},
	{`^(ini|ind|outi|outd)$`, 16, 0},
	{`^(inir|indr|otir|otdr)$`, 16, 21},
	{`^out \(N\),a$`, 11, 0},
	{`^out \(c\),[bcdehla]$`, 12, 0},
}

func TestTimingMatchesManual(t *testing.T) {
	res := make([]*regexp.Regexp, len(umTiming))
	used := make([]int, len(umTiming))
	for i, r := range umTiming {
		res[i] = regexp.MustCompile(r.pattern)
	}
	for _, op := range Forms() {
		hit := -1
		for i, re := range res {
			if re.MatchString(op.Form) {
				if hit >= 0 {
					t.Errorf("%q matches both %s and %s", op.Form, umTiming[hit].pattern, umTiming[i].pattern)
				}
				hit = i
			}
		}
		if hit < 0 {
			t.Errorf("%q: no manual timing rule", op.Form)
			continue
		}
		used[hit]++
		if op.T != umTiming[hit].t || op.Taken != umTiming[hit].taken {
			t.Errorf("%q: T-states %d/%d, manual says %d/%d", op.Form, op.T, op.Taken, umTiming[hit].t, umTiming[hit].taken)
		}
	}
	for i, n := range used {
		if n == 0 {
			t.Errorf("rule %s matches no form the assembler has", umTiming[i].pattern)
		}
	}
}

// The documented instruction set, counted by hand from the manual's opcode
// map. A changed count means a form was lost or an undocumented one
// slipped in.
func TestFormCount(t *testing.T) {
	count := map[string]int{}
	for _, op := range Forms() {
		p := "main"
		switch op.Enc[0] {
		case 0xCB:
			p = "CB"
		case 0xED:
			p = "ED"
		case 0xDD, 0xFD:
			p = "DD/FD"
			if len(op.Enc) > 1 && op.Enc[1] == 0xCB {
				p = "DDCB/FDCB"
			}
		}
		count[p]++
	}
	// main: 256 opcodes less CB, ED, DD, FD prefixes = 252.
	// CB: 256 less the 8 undocumented sll = 248.
	// ED: 14 in/out r (no (hl)) + 8 adc/sbc hl + 6 ld (nn) rr (no hl) +
	//     neg, retn, reti, 3 im, 4 ld i/r, rrd, rld + 16 block = 56.
	// DD/FD: per index register 5 + 4 add + 3 (ix+d) + 14 ld r + 8 alu + 5 = 39.
	// DDCB/FDCB: per index register 7 rotates + 3x8 bit/res/set = 31.
	want := map[string]int{"main": 252, "CB": 248, "ED": 56, "DD/FD": 78, "DDCB/FDCB": 62}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d forms, want %d", k, count[k], n)
		}
	}
}

// Spot checks of encodings written from the manual's opcode tables.
func TestEncodingSpots(t *testing.T) {
	cases := []struct{ src, hex string }{
		{"nop", "00"}, {"ld bc,1234h", "01 34 12"}, {"ld (bc),a", "02"}, {"ld b,7", "06 07"},
		{"ex af,af'", "08"}, {"add hl,sp", "39"}, {"ld a,(de)", "1A"}, {"ld (1234h),hl", "22 34 12"},
		{"ld hl,(1234h)", "2A 34 12"}, {"ld (1234h),a", "32 34 12"}, {"ld a,(1234h)", "3A 34 12"},
		{"inc (hl)", "34"}, {"ld (hl),55h", "36 55"}, {"ld b,b", "40"}, {"ld a,(hl)", "7E"},
		{"ld (hl),a", "77"}, {"halt", "76"}, {"add a,c", "81"}, {"adc a,(hl)", "8E"}, {"sub e", "93"},
		{"sbc a,a", "9F"}, {"and h", "A4"}, {"xor l", "AD"}, {"or (hl)", "B6"}, {"cp a", "BF"},
		{"ret nz", "C0"}, {"pop bc", "C1"}, {"jp nz,1234h", "C2 34 12"}, {"jp 1234h", "C3 34 12"},
		{"call z,1234h", "CC 34 12"}, {"push af", "F5"}, {"add a,12h", "C6 12"}, {"rst 38h", "FF"},
		{"ret", "C9"}, {"call 1234h", "CD 34 12"}, {"out (12h),a", "D3 12"}, {"in a,(12h)", "DB 12"},
		{"exx", "D9"}, {"ex (sp),hl", "E3"}, {"jp (hl)", "E9"}, {"ex de,hl", "EB"}, {"di", "F3"},
		{"ld sp,hl", "F9"}, {"ei", "FB"}, {"cp 0FEh", "FE FE"}, {"rlc b", "CB 00"}, {"srl a", "CB 3F"},
		{"bit 7,(hl)", "CB 7E"}, {"res 0,a", "CB 87"}, {"set 7,h", "CB FC"}, {"in b,(c)", "ED 40"},
		{"out (c),a", "ED 79"}, {"sbc hl,de", "ED 52"}, {"adc hl,sp", "ED 7A"}, {"ld (1234h),de", "ED 53 34 12"},
		{"ld sp,(1234h)", "ED 7B 34 12"}, {"neg", "ED 44"}, {"retn", "ED 45"}, {"reti", "ED 4D"},
		{"im 2", "ED 5E"}, {"ld a,r", "ED 5F"}, {"rld", "ED 6F"}, {"ldir", "ED B0"}, {"otdr", "ED BB"},
		{"ld ix,1234h", "DD 21 34 12"}, {"ld iy,(1234h)", "FD 2A 34 12"}, {"ld a,(ix+5)", "DD 7E 05"},
		{"ld (iy-2),c", "FD 71 FE"}, {"ld (ix+1),99", "DD 36 01 63"}, {"add ix,ix", "DD 29"},
		{"add iy,sp", "FD 39"}, {"inc (ix)", "DD 34 00"}, {"cp (iy+127)", "FD BE 7F"},
		{"jp (ix)", "DD E9"}, {"ex (sp),iy", "FD E3"}, {"bit 0,(ix+3)", "DD CB 03 46"},
		{"set 7,(iy-1)", "FD CB FF FE"}, {"srl (ix+2)", "DD CB 02 3E"}, {"ld sp,iy", "FD F9"},
	}
	for _, c := range cases {
		a := New(0x100)
		a.I(c.src)
		got, err := a.Assemble()
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if hexBytes(got) != c.hex {
			t.Errorf("%s: got %s, want %s", c.src, hexBytes(got), c.hex)
		}
	}
}

// instance writes a form with sample operands, as pasmo and we both read.
func instance(op *Op) string {
	s := strings.ReplaceAll(op.Form, "+D)", "+5)")
	if !strings.Contains(s, "N") {
		return s
	}
	v := "12h"
	for _, t := range op.Enc {
		switch t {
		case tokNN:
			v = "1234h"
		case tokE:
			v = "$+10"
		}
	}
	return strings.Replace(s, "N", v, 1)
}

// TestAgainstPasmo assembles every form with the independent assembler
// pasmo (Debian package) and compares the bytes, form by form.
func TestAgainstPasmo(t *testing.T) {
	pasmo := testkit.Need(t, "pasmo")[0]
	dir := t.TempDir()
	var src strings.Builder
	src.WriteString("\torg 100h\n")
	a := New(0x100)
	type at struct {
		addr int
		text string
	}
	var lines []at
	for _, op := range Forms() {
		text := instance(op)
		lines = append(lines, at{a.PC(), text})
		a.I(text)
		fmt.Fprintf(&src, "\t%s\n", text)
	}
	ours, err := a.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	in, out := filepath.Join(dir, "all.asm"), filepath.Join(dir, "all.bin")
	if err := os.WriteFile(in, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(pasmo, in, out).CombinedOutput(); err != nil {
		t.Fatalf("pasmo: %v\n%s", err, msg)
	}
	theirs, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(ours, theirs) {
		return
	}
	if len(ours) != len(theirs) {
		t.Errorf("size %d, pasmo %d", len(ours), len(theirs))
	}
	bad := 0
	for i, l := range lines {
		end := len(ours) + 0x100
		if i+1 < len(lines) {
			end = lines[i+1].addr
		}
		o, p := ours[l.addr-0x100:end-0x100], theirs[min(len(theirs), l.addr-0x100):min(len(theirs), end-0x100)]
		if !bytes.Equal(o, p) {
			t.Errorf("%s: ours %s, pasmo %s", l.text, hexBytes(o), hexBytes(p))
			if bad++; bad > 10 {
				t.Fatal("too many differences")
			}
		}
	}
}

// Decode must give back every form from its encoding, and Disassemble
// text that assembles to the same bytes.
func TestDecodeRoundTrip(t *testing.T) {
	for _, op := range Forms() {
		a := New(0x100)
		a.I(instance(op))
		b, err := a.Assemble()
		if err != nil {
			t.Fatal(err)
		}
		got, ok := Decode(b)
		if !ok || got != op {
			t.Errorf("%s: decoded as %v", op.Form, got)
		}
		text, n, ok := Disassemble(b, 0x100)
		a2 := New(0x100)
		a2.I(text)
		b2, err := a2.Assemble()
		if !ok || n != len(b) || err != nil || string(b2) != string(b) {
			t.Errorf("%s: % X -> %q (%d, %v) -> % X (%v)", op.Form, b, text, n, ok, b2, err)
		}
	}
	if _, ok := Decode([]byte{0xDD, 0x7C}); ok {
		t.Error("undocumented ld a,ixh decoded")
	}
}
