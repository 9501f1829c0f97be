// Package gen turns a model into a CP/M program: the Z80 inference engine
// and the shell around it (chat mode, command-tail mode, program hooks),
// written with the project's assembler. The program's every reply equals
// model.Generate's, byte for byte.
//
// Three engines, all column by column over the non-zero inputs only, into
// 16-bit sums kept as low/high byte pages:
//   - "fast" walks per-column index lists of the non-zero weights with POP
//     and RET into unrolled add/subtract streams (fast.go); one byte per
//     non-zero weight, so it fits models up to about 30 % non-zero weights
//     at the default shape;
//   - "dense" packs the weights 4 to a byte and jumps, per byte, into one of
//     256 handlers that apply those four weights (dense.go): for models with
//     many non-zero weights;
//   - "small" packs them the same way and decodes them bit pair by bit pair
//     (small.go): the smallest program, the slowest.
//
// "auto" takes the first of fast, dense, small that fits the TPA.
package gen

import (
	"fmt"
	"strings"

	"z80ulm/model"
	"z80ulm/tools/asm"
)

// DefaultTPATop is the BDOS entry of a 64 KB CP/M 2.2 system (E406h): the
// first address a program may not use.
const DefaultTPATop = 0xE406

// LineMax is the longest line chat mode reads (BDOS 10 buffer size).
const LineMax = 62

// Options select what Build makes.
type Options struct {
	Variant string  // "auto" (default), "fast" or "small"
	Program Program // shell extension; nil = plain chat
	TPATop  int     // first address the program may not use; 0 = DefaultTPATop
}

// Result is a packed program.
type Result struct {
	COM         []byte
	Variant     string // the engine chosen
	PackedQuery bool   // fast engine: the query columns are packed to make it fit
	End         int    // first address above everything the program uses (code, data, buffers, stack)
	Listing     string
	Symbols     []asm.Symbol // labels, for profiling
}

// MemoryUsed is the number of TPA bytes the program occupies when it runs.
func (r *Result) MemoryUsed() int { return r.End - 0x100 }

// Build packs m. It refuses models the Z80 engine cannot run exactly and
// programs that do not fit below opt.TPATop.
func Build(m *model.Model, opt Options) (*Result, error) {
	if err := Check(m); err != nil {
		return nil, err
	}
	if opt.TPATop == 0 {
		opt.TPATop = DefaultTPATop
	}
	if opt.Program == nil {
		opt.Program = Chat{}
	}
	if err := opt.Program.Check(m); err != nil {
		return nil, err
	}
	type try struct {
		variant     string
		packedQuery bool
	}
	fast := []try{{"fast", false}, {"fast", true}}
	var tries []try
	switch opt.Variant {
	case "", "auto":
		tries = append(fast, try{"dense", false}, try{"small", false})
	case "fast":
		tries = fast
	case "dense", "small":
		tries = []try{{opt.Variant, false}}
	default:
		return nil, fmt.Errorf("unknown variant %q (auto, fast, dense or small)", opt.Variant)
	}
	var errs []string
	for _, t := range tries {
		r, err := build(m, opt, t.variant, t.packedQuery)
		if err == nil {
			return r, nil
		}
		if len(errs) == 0 || errs[len(errs)-1] != err.Error() {
			errs = append(errs, err.Error())
		}
	}
	return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
}

// Check refuses models outside what the engines handle.
func Check(m *model.Model) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%w", err)
	}
	for i := 0; i < len(m.Charset); i++ {
		if c := m.Charset[i]; c < 0x20 || c > 0x7E || c == '$' {
			return fmt.Errorf("charset character %q (entry %d) cannot be printed by the Z80 program", c, i)
		}
	}
	if m.Inputs() > 256 {
		return fmt.Errorf("%d inputs: the engine indexes inputs with one byte (256 at most)", m.Inputs())
	}
	return nil
}

func build(m *model.Model, opt Options, variant string, packedQuery bool) (*Result, error) {
	g := &gen{m: m, a: asm.New(0x100), prog: opt.Program, variant: variant, packedQuery: packedQuery}
	if err := g.program(); err != nil {
		return nil, fmt.Errorf("%s engine: %w", variant, err)
	}
	if end := g.end; end > opt.TPATop {
		return nil, fmt.Errorf("%s engine needs memory up to %04Xh but the TPA ends below %04Xh (%d bytes too many)",
			variant, end-1, opt.TPATop, end-opt.TPATop)
	}
	img, err := g.a.Assemble()
	if err != nil {
		return nil, fmt.Errorf("%s engine: internal assembly error: %w", variant, err)
	}
	return &Result{COM: img, Variant: variant, PackedQuery: packedQuery, End: g.end, Listing: g.a.Listing(), Symbols: g.a.Symbols()}, nil
}

// gen holds the state of one build.
type gen struct {
	m       *model.Model
	a       *asm.Asm
	prog    Program
	variant string
	// packedQuery: the fast engine with layer 1's query columns packed
	packedQuery bool
	end         int // first address past the program's memory

	bss     int    // next free address of the uninitialized area (above the image)
	fillers []fill // small data waiting for a place
	// page numbers of the uninitialized page-aligned buffers
	pCNT, pX int
}

func (g *gen) I(s string, comment ...string) { g.a.I(s, comment...) }
func (g *gen) L(name string)                 { g.a.Label(name) }
func (g *gen) C(text string)                 { g.a.Comment(text) }

// hex formats a number as the listing shows it.
func hex(v int) string {
	if v < 0 {
		return fmt.Sprint(v)
	}
	if v < 10 {
		return fmt.Sprint(v)
	}
	s := fmt.Sprintf("%X", v)
	if s[0] > '9' {
		s = "0" + s
	}
	return s + "h"
}

// reserve allocates n bytes above the image (not in the .COM file).
func (g *gen) reserve(name string, n int) int {
	at := g.bss
	g.a.Equ(name, at)
	g.bss += n
	return at
}

// reservePage allocates a page-aligned 256-byte buffer and returns its page.
func (g *gen) reservePage(name string) int {
	g.bss = (g.bss + 255) &^ 255
	return g.reserve(name, 256) >> 8
}
