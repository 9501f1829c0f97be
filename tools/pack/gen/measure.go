package gen

import (
	"fmt"
	"io"
	"strings"

	"z80ulm/emu"
	"z80ulm/model"
)

// Speed is what Measure found.
type Speed struct {
	Queries int
	Chars   int    // characters generated
	Steps   int    // inference steps: characters plus the end-of-sequence decisions
	Runs    int    // steps that ran the network (the others were the only allowed class)
	TStates uint64 // from each line's hand-over to the next prompt
}

// PerChar is T-states per generated character (query pass, end decision
// and printing included).
func (s Speed) PerChar() float64 { return float64(s.TStates) / float64(max(1, s.Chars)) }

// PerStep is T-states per inference step.
func (s Speed) PerStep() float64 { return float64(s.TStates) / float64(max(1, s.Steps)) }

// PerRun is T-states per network run.
func (s Speed) PerRun() float64 { return float64(s.TStates) / float64(max(1, s.Runs)) }

// Print writes the report pack gives.
func (s Speed) Print(w io.Writer) {
	fmt.Fprintf(w, "  speed        %.0f T-states per generated character (%d characters for %d queries), %.2f s at 4 MHz\n",
		s.PerChar(), s.Chars, s.Queries, s.PerChar()/4e6)
	fmt.Fprintf(w, "               %.0f T-states per inference step (a character or the end), %.0f per network run (%d of %d steps)\n",
		s.PerStep(), s.PerRun(), s.Runs, s.Steps)
}

// Measure runs com in chat mode on the queries (one input line each) and
// counts T-states; setup gives the command tail (GUESS: " @NAME", so that
// the model is loaded before the first question) and the disk. Every reply
// must be model.Generate's. Lines chat mode does not answer (empty, !, and
// GUESS's give-up lines) are left out.
func Measure(com []byte, m *model.Model, queries []string, setup emu.RunOptions) (Speed, error) {
	var s Speed
	var in strings.Builder
	var asked []string
	for _, q := range queries {
		if q == "" || strings.HasPrefix(q, "!") || (setup.Tail != "" && GiveUp(q)) {
			continue
		}
		in.WriteString(q + "\r")
		asked = append(asked, q)
		want, runs := m.GenerateRuns(q)
		s.Queries++
		s.Chars += len(want)
		s.Steps += len(want)
		if len(want) < m.MaxReply {
			s.Steps++
		}
		s.Runs += runs
	}
	setup.Input = in.String()
	setup.MaxTStates = uint64(s.Queries+1) * 2e9
	res, err := emu.RunCOM(com, setup)
	if err != nil {
		return s, err
	}
	if res.Fault != nil {
		return s, fmt.Errorf("the program faulted: %v", res.Fault)
	}
	if res.Reason != emu.ReasonExhausted {
		return s, fmt.Errorf("the program stopped early: %s: %q", res.Reason, res.Output)
	}
	got := Replies(res.Output)
	for k, q := range asked {
		if k >= len(got) || got[k] != m.Generate(q) {
			return s, fmt.Errorf("query %q: the program answered %q, the model %q", q, at(got, k), m.Generate(q))
		}
	}
	for _, l := range res.Lines {
		s.TStates += l.TStates
	}
	return s, nil
}

// GiveUp reports whether GUESS takes a line for giving up (? or i give up):
// such a line gets no answer.
func GiveUp(line string) bool {
	t := strings.ToLower(strings.Trim(line, " "))
	return t == "?" || strings.TrimRight(t, " ?.!") == "i give up"
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(nothing)"
}

// Replies cuts a chat-mode transcript into the replies: the text between
// the CR LF that follows a typed line and the next line end. Lines other
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
