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
	return nil
}

// setTail writes the tail (already upper-cased, with its leading space) at
// 0080h and parses its first two words into the FCBs at 005Ch and 006Ch.
func (c *core) setTail(tail string) {
	c.mem[tailBuf] = byte(len(tail))
	for i := 1; i < 128; i++ {
		c.mem[tailBuf+i] = 0
	}
	copy(c.mem[tailBuf+1:], tail)
	words := strings.Fields(tail)
	for len(words) < 2 {
		words = append(words, "")
	}
	for i := fcb1; i < tailBuf; i++ {
		c.mem[i] = 0
	}
	f1 := parseFCB(words[0])
	f2 := parseFCB(words[1])
	copy(c.mem[fcb1:], f1[:])
	copy(c.mem[fcb2:], f2[:])
}

// parseFCB turns a word like "B:NAME.EXT" or "*.COM" into the first 16
// bytes of an FCB: drive (0 = default, 1 = A:, ...), name and type blank
// padded, '*' expanded to '?'.
func parseFCB(w string) (f [16]byte) {
	if len(w) >= 2 && w[1] == ':' && w[0] >= 'A' && w[0] <= 'P' {
		f[0] = w[0] - 'A' + 1
		w = w[2:]
	}
	base, ext := w, ""
	if i := strings.IndexByte(w, '.'); i >= 0 {
		base, ext = w[:i], w[i+1:]
	}
	fill := func(dst []byte, s string) {
		for i := range dst {
			dst[i] = ' '
		}
		for i := 0; i < len(s) && i < len(dst); i++ {
			if s[i] == '*' {
				for j := i; j < len(dst); j++ {
					dst[j] = '?'
				}
				return
			}
			dst[i] = s[i]
		}
	}
	fill(f[1:9], base)
	fill(f[9:12], ext)
	return f
}
