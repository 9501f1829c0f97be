package gen

import (
	"fmt"
	"sort"
	"strings"

	"z80ulm/model"
	"z80ulm/tools/asm"
)

// The .MDL file (docs/DESIGN.md, "4. The packer and its engines"): one
// secret for GUESS, an image of memory from MDLBASE on, made for one
// engine version. All words are little-endian.
//
//	record 0, the header (what GUESS reads when it scans the disk):
//	0    6   "Z80MDL"
//	6    2   engine version (the CRC of GUESS's engine and MDLBASE)
//	8    2   length of the file in 128-byte records
//	10   1   length of the strings at 16
//	16       display name '$', phrase '$' (e.g. "AN ELEPHANT"), the
//	         names that win, lower case, each ended by 0, then 0
//	record 1 on, the model:
//	128      descriptor (loaded.go: the md and ld offsets)
//	         charset, reply trie, biases (layer 1's with the first step's
//	         context included), column records (index lists with entry
//	         words into the engine's streams, or packed columns), the
//	         page-aligned column tables and -C0
//	end      the last two bytes make the Fletcher sums of the whole file
//	         (two 8-bit running sums: s1 += byte, s2 += s1) both zero
//
// GUESS checks, in this order: the magic, the version, that the records
// fit below the BDOS, that there are that many records and no more, and the
// sums.

const mdlMagic = "Z80MDL"

// MDLFile is one secret packed for GUESS.
type MDLFile struct {
	Bytes  []byte
	Name   string // display name, e.g. ELEPHANT: the file is NAME.MDL
	Layout string // how the layers are stored
	End    int    // first address above the model when loaded
}

type mdlFile struct {
	image []byte
	name  string
	kinds string
}

// PackMDL packs m for GUESS.COM. The secret's display name, phrase and
// winning names come from the model's metadata ("secret", "names"); secret,
// when not empty, overrides the display name. The layers are stored as
// index lists where they fit below tpaTop (0 = DefaultTPATop), else the
// parts that save most are packed.
func PackMDL(m *model.Model, secret string, tpaTop int) (*MDLFile, error) {
	if err := Check(m); err != nil {
		return nil, err
	}
	if tpaTop == 0 {
		tpaTop = DefaultTPATop
	}
	eng, err := guessEngine()
	if err != nil {
		return nil, err
	}
	f, err := writeMDL(m, eng, secret, tpaTop)
	if err != nil {
		return nil, err
	}
	return &MDLFile{Bytes: f.image, Name: f.name, Layout: f.kinds, End: MDLBase + len(f.image)}, nil
}

// SecretName is the display name GUESS knows m by: secret, or else the
// model's "secret" metadata, upper case.
func SecretName(m *model.Model, secret string) string {
	if secret == "" {
		secret = m.Meta["secret"]
	}
	return strings.ToUpper(strings.TrimSpace(secret))
}

// secretStrings returns the display name and the header's strings.
func secretStrings(m *model.Model, secret string) (string, []byte, error) {
	display := SecretName(m, secret)
	if display == "" {
		return "", nil, fmt.Errorf("the model has no \"secret\" metadata (tools/train -meta secret=NAME) and no secret was given")
	}
	var names []string
	for _, n := range strings.Split(m.Meta["names"], "|") {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		names = []string{strings.ToLower(display)}
	}
	phrase := display
	for _, n := range names {
		for _, art := range []string{"a ", "an ", "the "} {
			if n == art+strings.ToLower(display) {
				phrase = strings.ToUpper(n)
			}
		}
	}
	s := []byte(display + "$" + phrase + "$")
	for _, n := range names {
		s = append(append(s, n...), 0)
	}
	s = append(s, 0)
	for _, c := range display + phrase + strings.Join(names, "") {
		if c < 0x20 || c > 0x7E || c == '$' {
			return "", nil, fmt.Errorf("secret %q: names must be printable ASCII without '$'", display)
		}
	}
	if len(s) > mdStrMax {
		return "", nil, fmt.Errorf("secret %q: its names take %d bytes, the header holds %d", display, len(s), mdStrMax)
	}
	return display, s, nil
}

// Parts of a model as an .MDL stores them: layer 1's query columns, its
// context columns, then layers 2.. . Each is index lists (the fast way),
// packed columns (4 weights a byte: a quarter of a byte per weight, where
// lists take one byte per non-zero weight), or left out: the context
// columns of a model whose allowed replies part only at their first
// character (YES, NO, MAYBE, WIN) are never used, since the first step's
// context is in layer 1's biases and every later step is decided by the
// reply trie alone.
type partKind int

const (
	asLists partKind = iota
	asPacked
	leftOut
)

type mdlParts []partKind

func (p mdlParts) String() string {
	var packed, out []string
	for i, k := range p {
		switch k {
		case asPacked:
			packed = append(packed, partName(i))
		case leftOut:
			out = append(out, partName(i)+" left out (never used)")
		}
	}
	s := "index lists"
	if len(packed) > 0 {
		s = "packed: " + strings.Join(packed, ", ")
	}
	if len(out) > 0 {
		s += "; " + strings.Join(out, ", ")
	}
	return s
}

func partName(i int) string {
	switch i {
	case 0:
		return "layer 1 query columns"
	case 1:
		return "layer 1 context columns"
	}
	return fmt.Sprintf("layer %d", i)
}

// contextUsed reports whether a step other than the first can need the
// network: a model without allowed replies, or a reply trie that branches
// below its root.
func contextUsed(m *model.Model) bool {
	t := m.ReplyTrie()
	if t == nil {
		return true
	}
	for n, edges := range t.Nodes {
		if n > 0 && len(edges) > 1 {
			return true
		}
	}
	return false
}

// writeMDL lays the model out: index lists where they fit, else the set of
// packed parts that fits and costs least time. The time a packed part costs
// is estimated as the packed columns a step adds (layer 1's query columns:
// a few a step, they are added once per reply; its context: the 21 n-grams
// at most; a hidden layer: half its inputs) times their length.
func writeMDL(m *model.Model, eng *guessBuild, secret string, tpaTop int) (*mdlFile, error) {
	name, strs, err := secretStrings(m, secret)
	if err != nil {
		return nil, err
	}
	parts := make(mdlParts, len(m.Layers)+1)
	if !contextUsed(m) {
		parts[1] = leftOut
	}
	img, err := assembleMDL(m, eng, strs, parts)
	if err == nil && MDLBase+len(img) <= tpaTop {
		return &mdlFile{image: img, name: name, kinds: parts.String()}, nil
	}
	// what is not columns: from the smallest form, every part packed
	var open []int
	packed := append(mdlParts(nil), parts...)
	for i, k := range parts {
		if k == asLists {
			open = append(open, i)
			packed[i] = asPacked
		}
	}
	small, err := assembleMDL(m, eng, strs, packed)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %v", name, err)
	}
	overhead := len(small)
	for _, i := range open {
		overhead -= packedBytes(m, i)
	}
	type choice struct {
		parts mdlParts
		size  int
		cost  float64
	}
	var choices []choice
	for set := 0; set < 1<<len(open); set++ {
		c := choice{parts: append(mdlParts(nil), parts...), size: overhead}
		for b, i := range open {
			if set&(1<<b) == 0 {
				c.size += listBytes(m, i)
				continue
			}
			c.parts[i] = asPacked
			c.size += packedBytes(m, i)
			li, from, to := partColumns(m, i)
			active := float64(to-from) / 2
			switch i {
			case 0:
				active = 8
			case 1:
				active = min(active, 21)
			}
			c.cost += active * float64((m.Layers[li].Out+3)/4)
		}
		choices = append(choices, c)
	}
	sort.SliceStable(choices, func(a, b int) bool { return choices[a].cost < choices[b].cost })
	for _, c := range choices {
		if MDLBase+c.size > tpaTop+256 { // the estimate is good to a page
			continue
		}
		img, err := assembleMDL(m, eng, strs, c.parts)
		if err == nil && MDLBase+len(img) <= tpaTop {
			return &mdlFile{image: img, name: name, kinds: c.parts.String()}, nil
		}
	}
	return nil, fmt.Errorf("secret %s: the model needs memory up to %04Xh, the TPA ends below %04Xh, even with every layer packed (%d bytes too many)",
		name, MDLBase+len(small)-1, tpaTop, MDLBase+len(small)-tpaTop)
}

// partColumns returns the layer and the column range of part i.
func partColumns(m *model.Model, i int) (li, from, to int) {
	switch i {
	case 0:
		return 0, 0, m.QueryBuckets
	case 1:
		return 0, m.QueryBuckets, m.Inputs()
	}
	return i - 1, 0, m.Layers[i-1].In
}

// partWeights is the number of weights of part i.
func partWeights(m *model.Model, i int) int {
	li, from, to := partColumns(m, i)
	return (to - from) * m.Layers[li].Out
}

// listBytes and packedBytes are the sizes of part i in either form.
func listBytes(m *model.Model, i int) int {
	li, from, to := partColumns(m, i)
	l := m.Layers[li]
	n := 0
	for c := from; c < to; c++ {
		lists := columnLists(l.W, l.In, l.Out, c)
		for k := range 3 {
			if len(lists[k]) > 0 {
				n += len(loadedStreams.chunked(nil, k, lists[k], func(string) int { return 0 }))
			}
		}
		n += 2
	}
	return n
}

func packedBytes(m *model.Model, i int) int {
	li, from, to := partColumns(m, i)
	return (to - from) * ((m.Layers[li].Out + 3) / 4)
}

// rootContext is C0: layer 1's sums from the context of the first step
// (eight spaces) alone, 16-bit wrap.
func rootContext(m *model.Model) []int16 {
	l := m.Layers[0]
	x := m.Input("", "") // the empty query has no trigram: the context only
	c0 := make([]int16, l.Out)
	for o := range c0 {
		for i, v := range x {
			c0[o] += int16(l.W[o*l.In+i]) * v
		}
	}
	return c0
}

// assembleMDL builds the image for one choice of packed parts.
func assembleMDL(m *model.Model, eng *guessBuild, strs []byte, parts mdlParts) ([]byte, error) {
	g := &gen{m: m, a: asm.New(MDLBase)}
	a := g.a
	layers := accLayers(g)

	// record 0: the header (the record count is set below)
	head := make([]byte, 128)
	copy(head, mdlMagic)
	head[mdVersion], head[mdVersion+1] = byte(eng.version), byte(eng.version>>8)
	head[mdStrLen] = byte(len(strs))
	copy(head[mdStrings:], strs)
	a.Bytes(head, "header: magic, engine version, records, the secret's names")

	// the descriptor
	mask := func(n int) int {
		if n >= 2 && n&(n-1) == 0 {
			return n - 1
		}
		return 0
	}
	kind := func(k partKind) string { return fmt.Sprint(int(k)) }
	g.C("descriptor")
	a.DB(fmt.Sprint(m.QueryBuckets), fmt.Sprint(m.ContextBuckets), fmt.Sprint(mask(m.QueryBuckets)), fmt.Sprint(mask(m.ContextBuckets)))
	a.DW(fmt.Sprint(uint16(m.InputScale)))
	a.DB(fmt.Sprint(m.MaxReply), fmt.Sprint(len(m.Layers)))
	a.DW("charset", "tn0")
	nc0 := "hi(nc0)"
	if parts[1] == leftOut {
		nc0 = "0" // only later steps subtract it
	}
	a.DB(kind(parts[0]), kind(parts[1]), nc0, "hi(cp1)")
	for li, l := range layers {
		a.DW(fmt.Sprint(l.out))
		a.DB(fmt.Sprint(l.base), fmt.Sprint(m.Layers[li].Shift), fmt.Sprint(eng.syms[l.lo()]>>8), fmt.Sprintf("hi(cp%d)", li+1))
		a.DW(fmt.Sprintf("bias%d", li+1))
		k := asLists
		if li > 0 {
			k = parts[li+1]
		}
		a.DB(kind(k), fmt.Sprint(l.cbase()))
	}

	g.L("charset")
	a.Bytes([]byte(m.Charset), "output characters; EOS is the next index")
	trieData(a, m, "tn")
	c0 := rootContext(m)
	for li, l := range m.Layers {
		lo, hi := make([]byte, l.Out), make([]byte, l.Out)
		for o, b := range l.B {
			if li == 0 {
				b += c0[o] // the first step's context, added once here
			}
			lo[o], hi[o] = byte(b), byte(uint16(b)>>8)
		}
		g.filler(fmt.Sprintf("bias%d", li+1), append(lo, hi...), fmt.Sprintf("layer %d biases: low bytes, then high bytes", li+1))
	}

	// the columns, part by part
	recAddr := make([][]int, len(layers))
	for li, l := range layers {
		recAddr[li] = make([]int, l.in)
	}
	for i, k := range parts {
		if k == leftOut {
			continue
		}
		packed := k == asPacked
		li, from, to := partColumns(m, i)
		l := m.Layers[li]
		next := "cvl_n"
		if i == 0 {
			next = "drvq"
		} else if i == 1 {
			next = "drv1"
		}
		var blob []byte
		start := a.PC()
		nz := 0
		for c := from; c < to; c++ {
			recAddr[li][c] = start + len(blob)
			if packed {
				blob = append(blob, packColumn(l.W, l.In, l.Out, c)...)
				continue
			}
			lists := columnLists(l.W, l.In, l.Out, c)
			for k := range 3 {
				if len(lists[k]) > 0 {
					nz += len(lists[k])
					blob = loadedStreams.chunked(blob, k, lists[k], func(s string) int { return eng.syms[s] })
				}
			}
			blob = append(blob, byte(eng.syms[next]), byte(eng.syms[next]>>8))
		}
		what := fmt.Sprintf("%s: %d column records, %d neuron offsets", partName(i), to-from, nz)
		if packed {
			what = fmt.Sprintf("%s: %d packed columns", partName(i), to-from)
		}
		g.L(fmt.Sprintf("part%d", i))
		if len(blob) > 0 {
			a.Bytes(blob, what)
		}
	}

	g.fillGap((256 - a.PC()&255) & 255)
	columnTables(g, layers, recAddr)
	if parts[1] != leftOut {
		rootTable(g, "nc0", c0, -1) // -C0: later steps take it out again
	}
	g.fillGap(1 << 16)
	// the two check bytes and the rest of the last record
	pad := (128 - (a.PC()+2)&127) & 127
	a.DS(pad + 2)
	img, err := a.Assemble()
	if err != nil {
		return nil, fmt.Errorf("mdl: internal assembly error: %w", err)
	}
	records := len(img) / 128
	img[mdRecords], img[mdRecords+1] = byte(records), byte(records>>8)
	x, y := checkBytes(img[:len(img)-2])
	img[len(img)-2], img[len(img)-1] = x, y
	return img, nil
}

// fletcher returns the two running sums (mod 256) of data.
func fletcher(data []byte) (s1, s2 byte) {
	for _, b := range data {
		s1 += b
		s2 += s1
	}
	return
}

// checkBytes returns the two bytes that, appended to data, make both
// Fletcher sums zero: the first one x enters s2 twice, the last one y once.
func checkBytes(data []byte) (x, y byte) {
	s1, s2 := fletcher(data)
	// s1 + x + y = 0 and s2 + (s1 + x) + (s1 + x + y) = 0
	x = -(s2 + s1)
	y = -s1 - x
	return
}
