package gen

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/koron-go/z80"

	"z80ulm/tools/asm"
)

// Profile runs the program in command-tail mode on its own small CP/M
// stand-in (console output only) and returns the T-states spent under each
// label, streams grouped by weight class. The times come from the
// assembler's table; it is a development aid for the engine's author.
func Profile(r *Result, tail string) (string, uint64, error) {
	var mem flat
	copy(mem[0x100:], r.COM)
	mem[0], mem[5], mem[6], mem[7] = 0xC3, 0xC3, 0x06, 0xE4
	mem[0x80] = byte(len(tail))
	copy(mem[0x81:], strings.ToUpper(tail))
	cpu := z80.CPU{Memory: &mem}
	cpu.PC, cpu.SP = 0x100, 0xE400
	names := make([]string, 0x10000)
	syms := append([]asm.Symbol(nil), r.Symbols...)
	sort.SliceStable(syms, func(i, j int) bool { return syms[i].Addr < syms[j].Addr })
	group := regexp.MustCompile(`^([pmt])([eo])\d+`)
	for i, s := range syms {
		end := 0x10000
		if i+1 < len(syms) {
			end = syms[i+1].Addr
		}
		n := s.Name
		if g := group.FindStringSubmatch(n); g != nil {
			n = "stream " + g[1] + g[2]
			if strings.HasSuffix(s.Name, "f") {
				n += " carry"
			}
		}
		for a := s.Addr; a < end && a < 0x10000; a++ {
			names[a] = n
		}
	}
	per := map[string]uint64{}
	var total uint64
	var out []byte
	for steps := 0; ; steps++ {
		if steps > 1e9 {
			return "", 0, fmt.Errorf("no end after 1e9 instructions")
		}
		pc := cpu.PC
		switch pc {
		case 0:
			var b strings.Builder
			type kv struct {
				k string
				v uint64
			}
			var list []kv
			for k, v := range per {
				list = append(list, kv{k, v})
			}
			sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v })
			fmt.Fprintf(&b, "output %q, %d T-states\n", out, total)
			for _, e := range list {
				fmt.Fprintf(&b, "%10d %5.1f%%  %s\n", e.v, 100*float64(e.v)/float64(total), e.k)
			}
			return b.String(), total, nil
		case 5:
			switch cpu.BC.Lo {
			case 2:
				out = append(out, cpu.DE.Lo)
			case 9:
				for a := cpu.DE.U16(); mem[a] != '$'; a++ {
					out = append(out, mem[a])
				}
			default:
				return "", 0, fmt.Errorf("BDOS function %d in a profile run", cpu.BC.Lo)
			}
			cpu.PC = uint16(mem[cpu.SP]) | uint16(mem[cpu.SP+1])<<8
			cpu.SP += 2
			continue
		}
		op, ok := asm.Decode(mem[pc : pc+4])
		if !ok {
			return "", 0, fmt.Errorf("unknown instruction at %04X", pc)
		}
		cpu.Step()
		t := op.T
		if op.Taken != 0 {
			next := int(pc) + op.Size()
			if op.Enc[0] == 0xED { // block instruction: repeats while PC stays
				if cpu.PC == pc {
					t = op.Taken
				}
			} else if int(cpu.PC) != next {
				t = op.Taken
			}
		}
		total += uint64(t)
		n := names[pc]
		if n == "" {
			n = fmt.Sprintf("%04X", pc)
		}
		per[n] += uint64(t)
	}
}

type flat [0x10004]byte

func (m *flat) Get(a uint16) uint8    { return m[a] }
func (m *flat) Set(a uint16, v uint8) { m[a] = v }
