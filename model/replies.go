package model

import (
	"fmt"
	"sort"
)

// Constrained replies (docs/DESIGN.md, "2. The model, exactly"). A model may
// carry the list of replies it is allowed to print. Then Generate takes, at
// each step, the argmax only over the classes that continue some allowed
// reply (EOS only where the reply so far is a whole allowed reply; among the
// allowed classes the first maximum wins), so that every reply is one of the
// list. A reply the unconstrained model got right stays the same: its
// argmax was an allowed class, and no allowed class before it can tie.
//
// A step where only one class is allowed needs no network at all: its
// outcome is known. Every engine skips those steps.

// MaxReplies is the most allowed replies a model file holds.
const MaxReplies = 255

// ReplyTrie is the set of allowed replies as a tree of prefixes. Node 0 is
// the empty reply; Nodes[n] lists the classes that continue the prefix of
// node n, in class order, each with the node it leads to (-1 after EOS).
type ReplyTrie struct {
	Nodes [][]Edge
}

// Edge is one allowed class after a prefix and the prefix it makes.
type Edge struct {
	Class int
	Next  int // node of the longer prefix; -1 when Class is EOS
}

// ReplyTrie returns the tree of m's allowed replies, or nil when m has none
// (every class is allowed at every step). Nodes are numbered depth first in
// class order, so the same list gives the same tree.
func (m *Model) ReplyTrie() *ReplyTrie {
	if len(m.Replies) == 0 {
		return nil
	}
	class := map[byte]int{}
	for i := 0; i < len(m.Charset); i++ {
		class[m.Charset[i]] = i
	}
	rs := SortedReplies(m.Replies)
	t := &ReplyTrie{}
	// build adds the node for the replies rs, which share their first
	// depth characters, and returns its number.
	var build func(rs []string, depth int) int
	build = func(rs []string, depth int) int {
		n := len(t.Nodes)
		t.Nodes = append(t.Nodes, nil)
		whole := len(rs[0]) == depth // sorted: the prefix itself comes first
		if whole {
			rs = rs[1:]
		}
		// group the rest by their next character, in class order
		groups := map[int][]string{}
		var classes []int
		for _, r := range rs {
			c := class[r[depth]]
			if groups[c] == nil {
				classes = append(classes, c)
			}
			groups[c] = append(groups[c], r)
		}
		sort.Ints(classes)
		var edges []Edge
		for _, c := range classes {
			edges = append(edges, Edge{Class: c, Next: build(groups[c], depth+1)})
		}
		if whole { // EOS is the last class
			edges = append(edges, Edge{Class: m.EOS(), Next: -1})
		}
		t.Nodes[n] = edges
		return n
	}
	build(rs, 0)
	return t
}

// Pick returns the edge of node whose class has the largest output, the
// first one (in class order) on a tie. A node with one edge needs no
// outputs: out may then be nil.
func (t *ReplyTrie) Pick(node int, out []int16) Edge {
	edges := t.Nodes[node]
	best := edges[0]
	for _, e := range edges[1:] {
		if out[e.Class] > out[best.Class] {
			best = e
		}
	}
	return best
}

// SortedReplies returns the distinct replies of rs in byte order.
func SortedReplies(rs []string) []string {
	out := append([]string(nil), rs...)
	sort.Strings(out)
	k := 0
	for i, r := range out {
		if i == 0 || r != out[k-1] {
			out[k] = r
			k++
		}
	}
	return out[:k]
}

// validateReplies checks that every allowed reply can be printed by the
// model: not empty, within MaxReply, made of charset characters, no two
// alike.
func (m *Model) validateReplies() error {
	if len(m.Replies) > MaxReplies {
		return fmt.Errorf("model: %d allowed replies, at most %d", len(m.Replies), MaxReplies)
	}
	seen := map[string]bool{}
	for i, r := range m.Replies {
		if r == "" {
			return fmt.Errorf("model: allowed reply %d is empty", i+1)
		}
		if len(r) > m.MaxReply {
			return fmt.Errorf("model: allowed reply %q is longer than the reply limit %d", r, m.MaxReply)
		}
		for k := 0; k < len(r); k++ {
			found := false
			for j := 0; j < len(m.Charset); j++ {
				found = found || m.Charset[j] == r[k]
			}
			if !found {
				return fmt.Errorf("model: allowed reply %q has %q, which is not in the charset %q", r, r[k], m.Charset)
			}
		}
		if seen[r] {
			return fmt.Errorf("model: allowed reply %q is listed twice", r)
		}
		seen[r] = true
	}
	return nil
}
