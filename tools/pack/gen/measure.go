package gen

import (
	"fmt"
	"strings"

	"z80ulm/emu"
	"z80ulm/model"
)

// Speed is what Measure found.
type Speed struct {
	Queries int
	Chars   int    // characters generated
	Steps   int    // inference steps: characters plus the end-of-sequence decisions
	TStates uint64 // from each line's hand-over to the next prompt
}

// PerChar is T-states per generated character (query pass, end decision
// and printing included).
func (s Speed) PerChar() float64 { return float64(s.TStates) / float64(max(1, s.Chars)) }

// PerStep is T-states per inference step.
func (s Speed) PerStep() float64 { return float64(s.TStates) / float64(max(1, s.Steps)) }

// Measure runs com in chat mode on the queries (one input line each) and
// counts T-states. Every reply must be model.Generate's.
func Measure(com []byte, m *model.Model, queries []string) (Speed, error) {
	var s Speed
	var in strings.Builder
	for _, q := range queries {
		if q == "" || strings.HasPrefix(q, "!") {
			continue // not a question in chat mode
		}
		in.WriteString(q + "\r")
		want := m.Generate(q)
		s.Queries++
		s.Chars += len(want)
		s.Steps += len(want)
		if len(want) < m.MaxReply {
			s.Steps++
		}
	}
	res, err := emu.RunCOM(com, emu.RunOptions{Input: in.String(), MaxTStates: uint64(s.Queries+1) * 2e9})
	if err != nil {
		return s, err
	}
	if res.Fault != nil {
		return s, fmt.Errorf("the program faulted: %v", res.Fault)
	}
	if res.Reason != emu.ReasonExhausted {
		return s, fmt.Errorf("the program stopped early: %s", res.Reason)
	}
	got := Replies(res.Output)
	k := 0
	for _, q := range queries {
		if q == "" || strings.HasPrefix(q, "!") {
			continue
		}
		if k >= len(got) || got[k] != m.Generate(q) {
			return s, fmt.Errorf("query %q: the program answered %q, the model %q", q, at(got, k), m.Generate(q))
		}
		k++
	}
	for _, l := range res.Lines {
		s.TStates += l.TStates
	}
	return s, nil
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(nothing)"
}

// Replies cuts a chat-mode transcript into the replies: the text between
// the CR LF that follows a typed line and the next prompt. Lines other
// than replies (a program's messages) are dropped by the caller.
func Replies(out []byte) []string {
	var r []string
	parts := strings.Split(string(out), "\r\n> ")
	for _, p := range parts[1:] {
		// p = typed line echo, line end(s), reply, [messages]
		i := strings.Index(p, "\n")
		if i < 0 {
			continue // the last prompt, still waiting
		}
		rest := p[i+1:]
		if j := strings.Index(rest, "\r\n"); j >= 0 {
			rest = rest[:j]
		}
		r = append(r, rest)
	}
	return r
}
