package gen

import (
	"fmt"

	"z80ulm/model"
	"z80ulm/tools/asm"
)

// The allowed replies on the Z80 (docs/DESIGN.md, "4. The packer and its
// engines"): model.ReplyTrie as data, one record per node,
//
//	db n                  allowed classes after this prefix
//	n times: db class     in class order
//	         dw next      the node of the longer prefix; 0 after EOS
//
// A model without a list gets one node that allows every class and leads
// back to itself, so that every engine decides the same way: the first
// maximum among the node's classes. A node with one class needs no network.

// trieData emits the nodes of m's reply trie; the root is label prefix+"0".
func trieData(a *asm.Asm, m *model.Model, prefix string) {
	t := m.ReplyTrie()
	if t == nil {
		t = &model.ReplyTrie{Nodes: [][]model.Edge{nil}}
		for c := 0; c < m.Classes(); c++ {
			next := 0
			if c == m.EOS() {
				next = -1
			}
			t.Nodes[0] = append(t.Nodes[0], model.Edge{Class: c, Next: next})
		}
	}
	for n, edges := range t.Nodes {
		a.Label(fmt.Sprintf("%s%d", prefix, n))
		b := []byte{byte(len(edges))}
		a.Bytes(b, fmt.Sprintf("reply node %d: %s", n, describeNode(m, edges)))
		for _, e := range edges {
			next := "0"
			if e.Next >= 0 {
				next = fmt.Sprintf("%s%d", prefix, e.Next)
			}
			a.DB(fmt.Sprint(e.Class))
			a.DW(next)
		}
	}
}

// describeNode names a node's classes for the listing.
func describeNode(m *model.Model, edges []model.Edge) string {
	s := ""
	for _, e := range edges {
		if e.Class == m.EOS() {
			s += "<end>"
		} else {
			s += string(m.Charset[e.Class])
		}
	}
	return fmt.Sprintf("%q", s)
}

// argmaxNode emits the decision of one step: the first maximum of the last
// layer's values (sum >> shift, signed) among the classes of the reply node
// at (tnode); it leaves HL on the chosen entry (class, next). Instead of
// shifting, the low shift bits are masked off (sum & -2^shift orders as
// sum >> shift does), and values are compared with the sign bit flipped.
// The operands differ by engine: the page of the low bytes, the neuron
// offset of class 0 (base) and the two masks.
func argmaxNode(g *gen, loPage, base operand, mask [2]operand) {
	g.C("argmax over the classes the reply node allows (>>shift, signed, first maximum)")
	g.L("argmax")
	g.I("ld hl,(tnode)")
	g.I("ld b,(hl)", "classes allowed")
	g.I("inc hl")
	g.I("ld (bent),hl", "(SP is the engine's: no stack here)")
	g.I("exx")
	g.I("ld hl,(bent)", "HL' walks the entries")
	g.I("exx")
	g.I("inc hl")
	g.I("inc hl")
	g.I("inc hl")
	g.I("ld (bent),hl", "the first wins unless another is greater (bent: the entry after the best)")
	g.I("ld de,0", "best so far, biased: the minimum")
	g.L("am_l")
	g.I("exx")
	g.I("ld a,(hl)", "class")
	g.I("inc hl")
	g.I("inc hl")
	g.I("inc hl", "HL' on the next entry")
	g.I("exx")
	base.emit(g, "add a,%s", "neuron offset")
	g.I("ld l,a")
	greater(g, loPage, mask)
	g.I("exx")
	g.I("ld (bent),hl", "(the entry after it)")
	g.I("exx")
	g.L("am_n")
	g.I("djnz am_l")
	g.I("ld hl,(bent)")
	g.I("dec hl")
	g.I("dec hl")
	g.I("dec hl", "the chosen entry")
}

// argmaxAll is argmaxNode for a model without a list of allowed replies:
// every class is allowed, so a plain scan of the neurons from base on
// decides, and HL gets the entry of the class in the one node (which lists
// every class in order, 3 bytes each).
func argmaxAll(g *gen, loPage, base operand, mask [2]operand) {
	g.C("argmax over every class (>>shift, signed, first maximum)")
	g.L("argmax")
	g.I("ld de,0", "best so far, biased: the minimum")
	base.emit(g, "ld l,%s", "class 0")
	g.I("ld b,l")
	g.L("am_l")
	greater(g, loPage, mask)
	g.I("ld b,l")
	g.L("am_n")
	g.I("inc l")
	g.I("jr nz,am_l")
	g.I("ld a,b")
	base.emit(g, "sub %s", "the class")
	g.I("ld l,a")
	g.I("ld h,0")
	g.I("ld d,h")
	g.I("ld e,l")
	g.I("add hl,hl")
	g.I("add hl,de")
	g.I("ld de,(md_trie)")
	g.I("inc de")
	g.I("add hl,de", "its entry: root + 1 + 3*class")
}

// greater emits the comparison of the decision loops: the value of neuron
// L (low byte on loPage, high byte a page up), its low shift bits masked
// off and its sign bit flipped, replaces the best in DE when it is
// greater; otherwise it jumps to am_n.
func greater(g *gen, loPage operand, mask [2]operand) {
	loPage.emit(g, "ld h,%s", "")
	g.I("ld a,(hl)")
	if mask[0].site != "" || mask[0].expr != "255" {
		mask[0].emit(g, "and %s", "low bits of the shift off")
	}
	g.I("ld c,a")
	g.I("inc h")
	g.I("ld a,(hl)")
	if mask[1].site != "" || mask[1].expr != "255" {
		mask[1].emit(g, "and %s", "")
	}
	g.I("xor 80h", "signed to unsigned order")
	g.I("ld h,a")
	g.I("ld a,e")
	g.I("sub c")
	g.I("ld a,d")
	g.I("sbc a,h")
	g.I("jr nc,am_n", "not greater than the best")
	g.I("ld d,h")
	g.I("ld e,c")
}

// decide emits the decision of an engine built for one model.
func decide(g *gen, lo string, base, shift int) {
	if len(g.m.Replies) == 0 {
		argmaxAll(g, constant("hi(%s)", lo), constant("%d", base), shiftMasks(shift))
		return
	}
	argmaxNode(g, constant("hi(%s)", lo), constant("%d", base), shiftMasks(shift))
}

// shiftMasks are the masks that take the low shift bits off a 16-bit sum.
func shiftMasks(shift int) [2]operand {
	m := uint16(0xFFFF) << shift
	return [2]operand{constant("%d", m&0xFF), constant("%d", m>>8)}
}

// operand is an immediate of the engine code: a constant expression when
// the engine is built for one model, or a patch site the loaded engine
// fills in at run time (label site, the byte after the opcode).
type operand struct {
	expr string // the constant, or "0" for a patch site
	site string // label of the instruction to patch; "" = constant
}

func constant(format string, a ...any) operand { return operand{expr: fmt.Sprintf(format, a...)} }
func patched(site string) operand              { return operand{expr: "0", site: site} }

// emit writes the instruction format (with %s for the operand). A patch
// site may stand at several instructions: each gets its own label, and
// g.sites lists them under the site's name.
func (o operand) emit(g *gen, format, comment string) {
	if o.site != "" {
		g.site(o.site)
		if comment != "" {
			comment += "; "
		}
		comment += "patched at run time"
	}
	if comment != "" {
		g.I(fmt.Sprintf(format, o.expr), comment)
	} else {
		g.I(fmt.Sprintf(format, o.expr))
	}
}

// site places a new label of patch site name here and records it.
func (g *gen) site(name string) {
	label := fmt.Sprintf("%s_%d", name, len(g.sites[name])+1)
	if g.sites == nil {
		g.sites = map[string][]string{}
	}
	g.sites[name] = append(g.sites[name], label)
	g.L(label)
}
