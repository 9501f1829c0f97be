package model

import (
	"bytes"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestReplyTrieByHand(t *testing.T) {
	m := New(" ABENOSY", nil) // classes: ' '0 A1 B2 E3 N4 O5 S6 Y7, EOS 8
	m.Replies = []string{"YES", "NO", "NO SEA", "A"}
	tr := m.ReplyTrie()
	// depth first in class order: root, A, N, NO, "NO ", "NO S", "NO SE", "NO SEA", Y, YE, YES
	want := [][]Edge{
		{{1, 1}, {4, 2}, {7, 8}}, // root: A, N, Y
		{{8, -1}},                // "A": end
		{{5, 3}},                 // "N": O
		{{0, 4}, {8, -1}},        // "NO": space or end (EOS last)
		{{6, 5}},                 // "NO "
		{{3, 6}},                 // "NO S"
		{{1, 7}},                 // "NO SE"
		{{8, -1}},                // "NO SEA"
		{{3, 9}},                 // "Y"
		{{6, 10}},                // "YE"
		{{8, -1}},                // "YES"
	}
	if !reflect.DeepEqual(tr.Nodes, want) {
		t.Errorf("trie\n%v\nwant\n%v", tr.Nodes, want)
	}
	// Pick: first maximum among the node's classes only.
	out := []int16{0, 5, 0, 0, 9, 0, 0, 9, 100}
	if e := tr.Pick(0, out); e.Class != 4 {
		t.Errorf("pick %v, want N (first of the two 9s; EOS is not allowed at the root)", e)
	}
	if (&Model{}).ReplyTrie() != nil {
		t.Error("no replies: want no trie")
	}
}

// refConstrained is a plain reading of the constrained decoding rule: the
// allowed classes after a prefix are the next characters of the replies that
// start with it, and EOS when it is a reply; the network runs at every
// step (no skipping), and the first maximum among the allowed wins.
func refConstrained(m *Model, query string) string {
	reply := ""
	for len(reply) < m.MaxReply {
		out := m.Forward(m.Input(query, reply))
		best := -1
		for k := 0; k < m.Classes(); k++ {
			ok := false
			for _, r := range m.Replies {
				if k == m.EOS() {
					ok = ok || r == reply
				} else {
					ok = ok || strings.HasPrefix(r, reply+string(m.Charset[k]))
				}
			}
			if ok && (best < 0 || out[k] > out[best]) {
				best = k
			}
		}
		if best == m.EOS() {
			break
		}
		reply += string(m.Charset[best])
	}
	return reply
}

func TestConstrainedGenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	total, runs, chars, kept, right := 0, 0, 0, 0, 0
	for k := 0; k < 12; k++ {
		m := RandomBias(rng, " ABEGIMNOSWY", []int{24, 16}, 0.4, 300)
		queries := make([]string, 60)
		// allowed: what the free model says to a third of the queries, and
		// a few words that share prefixes
		allowed := []string{"YES", "NO", "MAYBE", "WIN", "NO WAY", "BEING", "A", "AN", "ANY"}
		for i := range queries {
			queries[i] = randomQuery(rng)
			if i%3 == 0 && m.Generate(queries[i]) != "" {
				allowed = append(allowed, m.Generate(queries[i]))
			}
		}
		free := make([]string, len(queries))
		for i, q := range queries {
			free[i] = m.Generate(q)
		}
		m.Replies = SortedReplies(allowed)
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		for i, q := range queries {
			got, n := m.GenerateRuns(q)
			if want := refConstrained(m, q); got != want {
				t.Fatalf("model %d %q: Generate %q, reference %q", k, q, got, want)
			}
			if !contains(m.Replies, got) {
				t.Fatalf("model %d %q: %q is not an allowed reply", k, q, got)
			}
			if contains(m.Replies, free[i]) { // the free model's reply was allowed: it stays
				right++
				if got == free[i] {
					kept++
				}
			}
			total++
			runs += n
			chars += len(got)
		}
	}
	if kept != right {
		t.Errorf("%d of %d allowed free replies changed under the constraint", right-kept, right)
	}
	if right < total/20 {
		t.Errorf("only %d of %d free replies were allowed ones: the check above means little", right, total)
	}
	if runs >= chars {
		t.Errorf("%d network runs for %d characters: forced steps should be skipped", runs, chars)
	}
	t.Logf("%d queries, %d characters, %d network runs, %d free replies allowed and kept", total, chars, runs, kept)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestQueryCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := Random(rng, " ABCDEFG", []int{16}, 0.3)
	long := strings.Repeat("is it big ", 13) // 130 characters
	if got, want := m.Input("   "+long, ""), m.Input(long[:MaxQuery], ""); !reflect.DeepEqual(got, want) {
		t.Error("a long query is not cut to MaxQuery characters after its leading spaces")
	}
	if reflect.DeepEqual(m.Input(long[:MaxQuery], ""), m.Input(long[:MaxQuery-1], "")) {
		t.Error("the cut is shorter than MaxQuery")
	}
}

func TestRepliesFile(t *testing.T) {
	m := sampleModel(5, []int{8})
	m.Replies = []string{"YES", "NO", "MAYBE"}
	b, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if b[6] != 2 {
		t.Errorf("a model with replies is written as version %d, want 2", b[6])
	}
	got, err := Unmarshal(b, "m")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"MAYBE", "NO", "YES"}; !reflect.DeepEqual(got.Replies, want) {
		t.Errorf("replies %q, want %q (sorted)", got.Replies, want)
	}
	// version 1 without replies: the committed models of older versions load
	for _, path := range []string{"../assets/guess/models/ELEPHANT.model", "../assets/chat/chat.model"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if data[6] != 1 {
			continue // retrained since: nothing to check here
		}
		m, err := Unmarshal(data, path)
		if err != nil || len(m.Replies) != 0 {
			t.Fatalf("%s: %v, %d replies", path, err, len(m.Replies))
		}
		if again, _ := Marshal(m); !bytes.Equal(again, data) {
			t.Errorf("%s: re-saved bytes differ", path)
		}
	}
	// bad lists
	at := bytes.Index(b, []byte("\x03\x05MAYBE"))
	if at < 0 {
		t.Fatal("reply list not found")
	}
	for _, c := range []struct {
		edit func(b []byte)
		want string
	}{
		{func(b []byte) { b[at] = 0 }, "no replies"},
		{func(b []byte) { copy(b[at+2:], "ZAYBE") }, "strictly increasing"},
		{func(b []byte) { copy(b[at+2:], "MAYB$") }, "not in the charset"},
	} {
		bad := append([]byte(nil), b...)
		c.edit(bad)
		if _, err := Unmarshal(reseal(bad), "m"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error with %q, got %v", c.want, err)
		}
	}
	for _, c := range []struct {
		replies []string
		want    string
	}{
		{[]string{"YES", ""}, "empty"},
		{[]string{"YES", "YES"}, "twice"},
		{[]string{"yes"}, "not in the charset"},
		{[]string{strings.Repeat("A", 300)}, "longer than the reply limit"},
	} {
		m.Replies = c.replies
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: want an error with %q, got %v", c.replies, c.want, err)
		}
	}
}
