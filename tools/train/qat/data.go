package qat

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"z80ulm/model"
)

// line is one distinct training pair and how many times the data has it.
type line struct {
	model.Pair
	count int // weight: identical lines are trained once, counted count times
}

// example is one character step: the inputs of (query, response[:k]) and
// the class that must follow (response[k], or EOS at k = len(response)).
// The first layer is sparse (a few dozen non-zero buckets of 256), so only
// the non-zero inputs are kept. When the model has allowed replies, a step
// where only one class may follow is decided without the network (the
// programs skip it too) and is no example (docs/DESIGN.md, "Training").
type example struct {
	in     sparse // non-zero input buckets, their values count * InputScale
	target int32
	line   int32 // index into dataset.lines
	k      int32 // position in the response
	// allowed: the classes that continue an allowed reply after the first
	// k characters (constrained decoding, docs/DESIGN.md section 2); nil
	// when every class is (more distinct replies than a model holds)
	allowed []int32
}

// Dataset is everything training and measuring need from the text.
type Dataset struct {
	lines    []line
	examples []example
	Total    int    // lines, duplicates included
	Hash     string // sha256 of the canonical lines, for the model's metadata
	Conflict int    // lines whose input also appears with another response
}

// Lines is the number of distinct lines.
func (ds *Dataset) Lines() int { return len(ds.lines) }

// Examples is the number of character steps the network is trained on.
func (ds *Dataset) Examples() int { return len(ds.examples) }

// NewDataset turns parsed pairs into character examples for a model whose
// encoders, charset and allowed replies are those of m (the input encoding
// is model.Input's, so training sees exactly what the integer network and
// the Z80 see).
func NewDataset(pairs []model.Pair, m *model.Model) (*Dataset, error) {
	if len(pairs) == 0 {
		return nil, fmt.Errorf("no training lines")
	}
	ds := &Dataset{Total: len(pairs)}
	index := map[[2]string]int{}
	h := sha256.New()
	for _, p := range pairs {
		fmt.Fprintf(h, "%s|%s\n", p.Input, p.Response)
		key := [2]string{p.Input, p.Response}
		if i, ok := index[key]; ok {
			ds.lines[i].count++
			continue
		}
		index[key] = len(ds.lines)
		ds.lines = append(ds.lines, line{Pair: p, count: 1})
	}
	ds.Hash = hex.EncodeToString(h.Sum(nil))

	answers := map[string]map[string]bool{}
	for _, l := range ds.lines {
		if answers[l.Input] == nil {
			answers[l.Input] = map[string]bool{}
		}
		answers[l.Input][l.Response] = true
	}
	classOf := map[byte]int32{}
	for i := 0; i < len(m.Charset); i++ {
		classOf[m.Charset[i]] = int32(i)
	}
	// When the model allows only some replies, the program's pick at each
	// step is the first maximum among the classes its trie allows.
	trie := m.ReplyTrie()
	for li, l := range ds.lines {
		if len(answers[l.Input]) > 1 {
			ds.Conflict += l.count
		}
		if len(l.Response) > m.MaxReply {
			return nil, fmt.Errorf("%s:%d: response is %d characters, the model stops at %d", l.File, l.Line, len(l.Response), m.MaxReply)
		}
		node := 0
		for k := 0; k <= len(l.Response); k++ {
			target := int32(m.EOS())
			if k < len(l.Response) {
				c, ok := classOf[l.Response[k]]
				if !ok {
					return nil, fmt.Errorf("%s:%d: response character %q is not in the model's charset %q", l.File, l.Line, l.Response[k], m.Charset)
				}
				target = c
			}
			var allowed []int32
			if trie != nil {
				next := -2
				for _, edge := range trie.Nodes[node] {
					allowed = append(allowed, int32(edge.Class))
					if int32(edge.Class) == target {
						next = edge.Next
					}
				}
				if next == -2 {
					return nil, fmt.Errorf("%s:%d: response %q is not one of the model's allowed replies", l.File, l.Line, l.Response)
				}
				node = next
				if len(allowed) == 1 {
					continue // decided without the network
				}
			}
			x := m.Input(l.Input, l.Response[:k])
			e := example{target: target, line: int32(li), k: int32(k), allowed: allowed}
			for i, v := range x {
				if v != 0 {
					e.in.idx = append(e.in.idx, int32(i))
					e.in.val = append(e.in.val, float32(v))
				}
			}
			ds.examples = append(ds.examples, e)
		}
	}
	if len(ds.examples) == 0 {
		return nil, fmt.Errorf("every reply is decided without the network (the data has a single reply): nothing to train")
	}
	return ds, nil
}

// Responses lists the distinct responses, sorted: the charset is built from
// them, and they are the model's allowed replies.
func Responses(pairs []model.Pair) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range pairs {
		if !seen[p.Response] {
			seen[p.Response] = true
			out = append(out, p.Response)
		}
	}
	sort.Strings(out)
	return out
}
