// Package gen turns models into CP/M programs for a Z80: the inference
// engines and the programs around them, written with the project's
// assembler (docs/DESIGN.md, "4. The packer and its engines"). Every
// program's reply equals model.Generate's, byte for byte.
//
// Programs (program.go): CHAT-style chat shells with one model inside;
// GUESS.COM, the 20-questions game with the loaded-model engine and no
// model, which reads its secrets from .MDL files (guess.go, loaded.go,
// mdl.go); and the standalone GUESS, the same program with one model
// inside its image.
//
// Engines for a program with one model inside, all column by column over
// the non-zero inputs only, into 16-bit sums kept as low/high byte pages:
//   - "fast" walks per-column index lists of the non-zero weights with POP
//     and RET into unrolled add/subtract streams (fast.go, stream.go); one
//     byte per non-zero weight, so it fits models up to about 30 % non-zero
//     weights at the default shape;
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

// ccpBase is where CP/M 2.2 keeps its CCP, 2 KB below the BDOS (DC00h in a
// 64 KB system). The CCP loads a .COM file only below itself ("Bad load"
// otherwise), though the program may then use memory up to the BDOS: so the
// file must end below the CCP, its uninitialized buffers may go higher
// (docs/DESIGN.md, "4. The packer and its engines").
func ccpBase(tpaTop int) int { return tpaTop - 6 - 0x800 }

// checkLoad refuses a .COM file a real CCP would not load.
func checkLoad(com []byte, tpaTop int) error {
	if end := 0x100 + len(com); end > ccpBase(tpaTop) {
		return fmt.Errorf("the .COM file is %d bytes and loads up to %04Xh, but the CCP at %04Xh loads files only below itself (%d bytes too many)",
			len(com), end-1, ccpBase(tpaTop), end-ccpBase(tpaTop))
	}
	return nil
}

// LineMax is the longest line chat mode reads (BDOS 10 buffer size): the
// model reads as much of a command tail (model.MaxQuery).
const LineMax = model.MaxQuery

// Options select what Build makes.
type Options struct {
	Variant string  // engine of a chat program: "auto" (default), "fast", "dense" or "small"
	Program Program // Chat{} (default) or Guess{}
	TPATop  int     // first address the program may not use; 0 = DefaultTPATop
}

// Result is a packed program.
type Result struct {
	COM         []byte
	Variant     string // the engine chosen
	PackedQuery bool   // fast engine: the query columns are packed to make it fit
	End         int    // first address above everything the program uses (code, data, buffers, stack, model)
	Listing     string
	Symbols     []asm.Symbol // labels, for profiling
}

// MemoryUsed is the number of TPA bytes the program occupies when it runs.
func (r *Result) MemoryUsed() int { return r.End - 0x100 }

// Build packs m into the program opt.Program (m is nil for GUESS.COM,
// which reads its models from .MDL files). It refuses models the Z80
// engines cannot run exactly and programs that do not fit below
// opt.TPATop.
func Build(m *model.Model, opt Options) (*Result, error) {
	if opt.TPATop == 0 {
		opt.TPATop = DefaultTPATop
	}
	if opt.Program == nil {
		opt.Program = Chat{}
	}
	return opt.Program.build(m, opt)
}

// Check refuses models outside what the engines handle.
func Check(m *model.Model) error {
	if m == nil {
		return fmt.Errorf("no model")
	}
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

// buildChat tries the engines opt.Variant allows, fastest first.
func buildChat(m *model.Model, opt Options) (*Result, error) {
	if err := Check(m); err != nil {
		return nil, err
	}
	var tries []variant
	switch opt.Variant {
	case "", "auto":
		tries = variants
	case "fast":
		tries = variants[:2]
	case "dense", "small":
		for _, v := range variants {
			if v.name == opt.Variant {
				tries = append(tries, v)
			}
		}
	default:
		return nil, fmt.Errorf("unknown variant %q (auto, fast, dense or small)", opt.Variant)
	}
	var errs []string
	for _, v := range tries {
		r, err := buildVariant(m, opt, v)
		if err == nil {
			return r, nil
		}
		if len(errs) == 0 || errs[len(errs)-1] != err.Error() {
			errs = append(errs, err.Error())
		}
	}
	return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
}

// variant is one engine choice for a chat program, in the order auto
// tries them.
type variant struct {
	name        string
	packedQuery bool
	engine      func(g *gen) engine
}

var variants = []variant{
	{"fast", false, func(g *gen) engine { return &fast{g: g} }},
	{"fast", true, func(g *gen) engine { return &fast{g: g, packedQuery: true} }},
	{"dense", false, func(g *gen) engine { return &dense{packed: packed{g: g}} }},
	{"small", false, func(g *gen) engine { return &small{packed: packed{g: g}} }},
}

func buildVariant(m *model.Model, opt Options, v variant) (*Result, error) {
	g := &gen{m: m, a: asm.New(0x100)}
	if err := g.program(v.engine(g)); err != nil {
		return nil, fmt.Errorf("%s engine: %w", v.name, err)
	}
	if end := g.end; end > opt.TPATop {
		return nil, fmt.Errorf("%s engine needs memory up to %04Xh but the TPA ends below %04Xh (%d bytes too many)",
			v.name, end-1, opt.TPATop, end-opt.TPATop)
	}
	r, err := g.result(v.name, v.packedQuery)
	if err != nil {
		return nil, err
	}
	if err := checkLoad(r.COM, opt.TPATop); err != nil {
		return nil, fmt.Errorf("%s engine: %w", v.name, err)
	}
	return r, nil
}

// result assembles the program.
func (g *gen) result(variant string, packedQuery bool) (*Result, error) {
	img, err := g.a.Assemble()
	if err != nil {
		return nil, fmt.Errorf("%s engine: internal assembly error: %w", variant, err)
	}
	return &Result{COM: img, Variant: variant, PackedQuery: packedQuery, End: g.end, Listing: g.a.Listing(), Symbols: g.a.Symbols()}, nil
}

// gen holds the state of one build.
type gen struct {
	m   *model.Model // nil for the GUESS engine, which has no model inside
	a   *asm.Asm
	end int // first address past the program's memory

	bss     int                 // next free address of the uninitialized area (above the image)
	fillers []fill              // small data waiting for a place
	pCNT    int                 // page of the count buffer
	sites   map[string][]string // patch sites of the GUESS engine: labels by operand
	pending []string            // patch sites the GUESS engine writes (st_ routines)
}

func (g *gen) I(s string, comment ...string) { g.a.I(s, comment...) }
func (g *gen) L(name string)                 { g.a.Label(name) }
func (g *gen) C(text string)                 { g.a.Comment(text) }

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

// addr is the address of a label already placed.
func (g *gen) addr(label string) int {
	v, ok := g.a.Value(label)
	if !ok {
		panic("gen: label " + label + " used before it is defined")
	}
	return v
}
