package emu

import (
	"fmt"
	"strings"

	"github.com/koron-go/z80"
)

// maxTail is the longest command tail the buffer at 0080h holds, leading
// space included.
const maxTail = 127

// load puts a .COM image at 0100h and sets up page zero, the command tail,
// the two default FCBs and the stack as the CCP does, then points PC at
// 0100h with 0000h on the stack. A .COM that does not fit is a fault.
func (c *core) load(com []byte, tail string) error {
	if len(com) == 0 {
		return &Fault{What: "empty .COM file", PC: tpaBase}
	}
	if len(com) > maxCOM {
		return &Fault{What: fmt.Sprintf(".COM too big for the TPA: %d bytes, at most %d fit (0100H-%04XH)",
			len(com), maxCOM, tpaBase+maxCOM-1), PC: tpaBase}
	}
	tail = strings.ToUpper(tail)
	if tail != "" && tail[0] != ' ' {
		tail = " " + tail
	}
	if len(tail) > maxTail {
		return fmt.Errorf("command tail is %d characters, at most %d fit", len(tail)-1, maxTail-1)
	}
	c.mem.warmMemory()
	copy(c.mem[tpaBase:], com)
	c.setTail(tail)
	c.cpu.States = z80.States{}
	c.cpu.HALT = false
	c.cpu.SP = stackTop - 2
	c.mem.setWord(c.cpu.SP, 0x0000)
	c.cpu.PC = tpaBase
	c.fault = nil
	c.bdos.reset()
	c.polls = pollState{}
	c.bdos.alvAt = 0
	c.updateALV()
	return nil
}

// setTail writes the tail (already upper-cased, with its leading space) at
// 0080h and parses its first two file names into the FCBs at 005Ch and
// 006Ch, as the CCP does.
func (c *core) setTail(tail string) {
	c.mem[tailBuf] = byte(len(tail))
	for i := 1; i < 128; i++ {
		c.mem[tailBuf+i] = 0
	}
	copy(c.mem[tailBuf+1:], tail)
	for i := fcb1; i < tailBuf; i++ {
		c.mem[i] = 0
	}
	f1, rest := parseFCB(tail)
	f2, _ := parseFCB(rest)
	copy(c.mem[fcb1:], f1[:])
	copy(c.mem[fcb2:], f2[:])
}

// parseFCB reads a file name from the start of s as the CCP does (blanks
// skipped first) into the first 16 bytes of an FCB: drive (0 = default, 1
// = A:, ...), name and type blank padded, '*' filling the rest of its
// field with '?', EX S1 S2 RC zero. A name ends at a delimiter (the end,
// a blank or control character, = _ . : ; < >); characters past 8 (or 3
// for the type) are skipped. It returns what follows the name.
func parseFCB(s string) (f [16]byte, rest string) {
	s = strings.TrimLeft(s, " ")
	if len(s) >= 2 && s[1] == ':' && s[0] >= 'A' && s[0] <= 'P' {
		f[0] = s[0] - 'A' + 1
		s = s[2:]
	}
	s = scanField(f[1:9], s)
	if len(s) > 0 && s[0] == '.' {
		s = scanField(f[9:12], s[1:])
	} else {
		fill(f[9:12], ' ')
	}
	return f, s
}

// scanField fills one field of a file name from s and returns the rest of
// s from the delimiter on.
func scanField(dst []byte, s string) string {
	fill(dst, ' ')
	i := 0
	for ; i < len(s) && !isDelim(s[i]); i++ {
		if i < len(dst) {
			if s[i] == '*' {
				fill(dst[i:], '?')
			} else if dst[i] == ' ' {
				dst[i] = s[i]
			}
		}
	}
	return s[i:]
}

// isDelim tells the characters that end a file name on a command line.
func isDelim(b byte) bool {
	return b <= ' ' || strings.IndexByte("=_.:;<>", b) >= 0
}
