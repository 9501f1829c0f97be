package asm

import (
	"fmt"
	"strings"
)

// Decode returns the instruction form whose encoding starts at b (b holds
// at least 4 bytes, or all that remain). It is the inverse of the table:
// profilers and tests use it to time code they did not assemble.
func Decode(b []byte) (*Op, bool) {
	if len(b) == 0 {
		return nil, false
	}
	k := decodeKey(b)
	op, ok := decodeTable[k]
	return op, ok
}

// decodeKey is the opcode without operands: prefix and opcode byte, for
// DDCB/FDCB the byte after the displacement.
func decodeKey(b []byte) uint32 {
	at := func(i int) uint32 {
		if i < len(b) {
			return uint32(b[i])
		}
		return 0x100 // missing: matches nothing
	}
	switch b[0] {
	case 0xCB, 0xED:
		return uint32(b[0])<<8 | at(1)
	case 0xDD, 0xFD:
		if at(1) == 0xCB {
			return uint32(b[0])<<24 | 0xCB<<16 | at(3)
		}
		return uint32(b[0])<<8 | at(1)
	}
	return uint32(b[0])
}

var decodeTable = func() map[uint32]*Op {
	t := map[uint32]*Op{}
	for _, op := range table {
		var b []byte
		for _, e := range op.Enc {
			switch {
			case e >= 0:
				b = append(b, byte(e))
			case e == tokNN:
				b = append(b, 0, 0)
			default:
				b = append(b, 0)
			}
		}
		t[decodeKey(b)] = op
	}
	return t
}()

// Disassemble returns the instruction at the start of b, which sits at
// address pc, as source text the assembler reads back to the same bytes
// (operands in hex, a relative jump's target as an address), and its
// length. ok is false for bytes that are not a documented instruction.
func Disassemble(b []byte, pc int) (text string, n int, ok bool) {
	op, ok := Decode(b)
	if !ok || len(b) < op.Size() {
		return "", 0, false
	}
	n = op.Size()
	text = op.Form
	k := 0
	for _, t := range op.Enc {
		switch t {
		case tokN:
			text = strings.Replace(text, "N", fmt.Sprintf("0x%02X", b[k]), 1)
		case tokNN:
			text = strings.Replace(text, "N", fmt.Sprintf("0x%04X", int(b[k])|int(b[k+1])<<8), 1)
			k++
		case tokD:
			text = strings.Replace(text, "+D", fmt.Sprintf("%+d", int8(b[k])), 1)
		case tokE:
			text = strings.Replace(text, "N", fmt.Sprintf("0x%04X", (pc+n+int(int8(b[k])))&0xFFFF), 1)
		}
		k++
	}
	return text, n, true
}
