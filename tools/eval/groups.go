package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"z80ulm/model"
	"z80ulm/tools/pack/gen"
)

// Group is a consistency group (docs/DESIGN.md, section 7): questions that
// must all get one reply, the same part of the persona asked in many ways.
type Group struct {
	Name, Reply string
	Questions   []model.Pair // Response is Reply; File and Line say where
	File        string
	Line        int
}

// ParseGroups reads a consistency file: `group NAME: REPLY` starts a group,
// each following line is one of its questions, '#' lines and blank lines
// are skipped. All problems are returned, each starting "file:line: ".
func ParseGroups(r io.Reader, name string) ([]Group, []error) {
	var groups []Group
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
	}
	names := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		t := strings.TrimSpace(strings.TrimRight(sc.Text(), "\r"))
		if t == "" || t[0] == '#' {
			continue
		}
		for i := 0; i < len(t); i++ {
			if t[i] < 0x20 || t[i] > 0x7e {
				fail(n, "byte %#02x at column %d: only printable ASCII", t[i], i+1)
				t = ""
				break
			}
		}
		if t == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(t, "group "); ok {
			head, reply, ok := strings.Cut(rest, ":")
			head, reply = strings.TrimSpace(head), strings.TrimSpace(reply)
			switch {
			case !ok || len(strings.Fields(head)) != 1 || reply == "":
				fail(n, "want \"group NAME: REPLY\" (NAME one word)")
				continue
			case strings.ToUpper(reply) != reply || len(reply) > model.MaxResponseLen:
				fail(n, "reply %q: upper case, at most %d characters", reply, model.MaxResponseLen)
				continue
			case names[head] > 0:
				fail(n, "group %q again (first at line %d)", head, names[head])
				continue
			}
			names[head] = n
			groups = append(groups, Group{Name: head, Reply: reply, File: name, Line: n})
			continue
		}
		switch {
		case len(groups) == 0:
			fail(n, "a question before the first \"group NAME: REPLY\" line")
		case t[0] == '!':
			fail(n, "%q starts with '!', which quits chat mode", t)
		case len(t) > gen.LineMax-2:
			fail(n, "%q is %d characters; chat mode reads at most %d", t, len(t), gen.LineMax-2)
		default:
			g := &groups[len(groups)-1]
			g.Questions = append(g.Questions, model.Pair{Input: t, Response: g.Reply, File: name, Line: n})
		}
	}
	if err := sc.Err(); err != nil {
		fail(n+1, "%v", err)
	}
	for _, g := range groups {
		if len(g.Questions) < 2 {
			fail(g.Line, "group %q has %d questions; a group needs at least 2", g.Name, len(g.Questions))
		}
	}
	return groups, errs
}

// Agreement is how a group fared: how many questions got the group's
// reply, and the others with what they got.
type Agreement struct {
	Group
	Right     int
	Dissent   []Outcome
	Unanimous bool // every question got the same reply (not necessarily Reply)
}

// Agree scores each group on the outcomes of its questions, which are
// outcomes[k:k+len(g.Questions)] in order.
func Agree(groups []Group, outcomes []Outcome) []Agreement {
	var out []Agreement
	k := 0
	for _, g := range groups {
		a := Agreement{Group: g, Unanimous: true}
		for _, o := range outcomes[k : k+len(g.Questions)] {
			if o.Right() {
				a.Right++
			} else {
				a.Dissent = append(a.Dissent, o)
			}
			if o.Got != outcomes[k].Got {
				a.Unanimous = false
			}
		}
		k += len(g.Questions)
		out = append(out, a)
	}
	return out
}
