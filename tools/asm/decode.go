package asm

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
