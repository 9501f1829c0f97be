package emu

import (
	"fmt"
	"testing"
)

// prog builds small Z80 test programs as commented hex: each call emits
// bytes, w and rel emit a label's address or a JR/DJNZ displacement,
// resolved when the program is finished. It is not an assembler; it only
// saves counting addresses by hand.
type prog struct {
	org    uint16
	b      []byte
	labels map[string]uint16
	fixes  []fix
}

type fix struct {
	at    int
	label string
	rel   bool
}

func newProg() *prog { return &prog{org: tpaBase, labels: map[string]uint16{}} }

// op emits bytes.
func (p *prog) op(b ...byte) *prog { p.b = append(p.b, b...); return p }

// w emits the 16-bit address of a label.
func (p *prog) w(label string) *prog {
	p.fixes = append(p.fixes, fix{at: len(p.b), label: label})
	p.b = append(p.b, 0, 0)
	return p
}

// rel emits the displacement of a JR/DJNZ to a label.
func (p *prog) rel(label string) *prog {
	p.fixes = append(p.fixes, fix{at: len(p.b), label: label, rel: true})
	p.b = append(p.b, 0)
	return p
}

// at defines a label here.
func (p *prog) at(label string) *prog {
	p.labels[label] = p.org + uint16(len(p.b))
	return p
}

// str emits text.
func (p *prog) str(s string) *prog { return p.op([]byte(s)...) }

func (p *prog) bytes(t testing.TB) []byte {
	t.Helper()
	for _, f := range p.fixes {
		a, ok := p.labels[f.label]
		if !ok {
			t.Fatalf("undefined label %s", f.label)
		}
		if f.rel {
			d := int(a) - int(p.org) - (f.at + 1)
			if d < -128 || d > 127 {
				t.Fatalf("JR to %s out of range (%d)", f.label, d)
			}
			p.b[f.at] = byte(int8(d))
		} else {
			p.b[f.at], p.b[f.at+1] = byte(a), byte(a>>8)
		}
	}
	return p.b
}

// Common instruction sequences.
func (p *prog) bdos(fn byte) *prog   { return p.op(0x0E, fn, 0xCD, 0x05, 0x00) } // ld c,fn / call 5
func (p *prog) ldDE(l string) *prog  { return p.op(0x11).w(l) }                  // ld de,label
func (p *prog) print(l string) *prog { return p.ldDE(l).bdos(9) }                // print "$"-string

// hexA emits a subroutine "hexa" that prints A as two hex digits and a
// space, keeping the other registers.
func (p *prog) hexA() *prog {
	p.at("hexa").op(0xC5, 0xD5, 0xE5, 0xF5)  //   push bc/de/hl/af
	p.op(0x0F, 0x0F, 0x0F, 0x0F)             //   rrca x4
	p.op(0xCD).w("nib")                      //   call nib
	p.op(0xF1, 0xF5)                         //   pop af / push af
	p.op(0xCD).w("nib")                      //   call nib
	p.op(0x1E, ' ').bdos(2)                  //   ld e,' ' / print
	p.op(0xF1, 0xE1, 0xD1, 0xC1, 0xC9)       //   pop af/hl/de/bc, ret
	p.at("nib").op(0xE6, 0x0F)               // nib: and 0Fh
	p.op(0xC6, 0x90, 0x27, 0xCE, 0x40, 0x27) //  add a,90h / daa / adc a,40h / daa
	p.op(0x5F).bdos(2)                       //   ld e,a / print
	return p.op(0xC9)                        //   ret
}

func hexBytes(b ...byte) string {
	s := ""
	for _, v := range b {
		s += fmt.Sprintf("%02X ", v)
	}
	return s
}
