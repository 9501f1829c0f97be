package testkit

import "strings"

// QA is one question and the reply the shipped program gives.
type QA struct{ Q, A string }

// GuessSeed is GUESS's seed transcript (docs/DESIGN.md, "The chain and its
// one contract"): ELEPHANT's answers, asked one at a time.
var GuessSeed = []QA{
	{"is it alive", "YES"},
	{"is it big", "YES"},
	{"does it have a trunk", "YES"},
	{"is it grey", "MAYBE"},
	{"elephant", "WIN"},
}

// GuessElephant is the command line that plays GUESS with ELEPHANT, whose
// answers are GuessSeed (plain GUESS picks a secret at random).
const GuessElephant = "GUESS @ELEPHANT"

// ChatSeed is CHAT's seed transcript.
var ChatSeed = []QA{
	{"hello", "HI"},
	{"are you a robot", "YES"},
	{"do you dream", "MAYBE"},
}

// AnswerTo finds the last "> q" line of a screen and returns the first
// non-blank line after it, once a new prompt follows (ok is false before).
func AnswerTo(lines []string, q string) (answer string, ok bool) {
	at := -1
	for i, l := range lines {
		if strings.TrimRight(l, " ") == "> "+q {
			at = i
		}
	}
	if at < 0 {
		return "", false
	}
	for _, l := range lines[at+1:] {
		t := strings.TrimSpace(l)
		if answer == "" && t != "" {
			answer = t
			continue
		}
		if answer != "" && strings.HasPrefix(t, ">") {
			return answer, true
		}
	}
	return "", false
}

// LastLine is the last non-blank line of a screen, trimmed.
func LastLine(lines []string) string {
	last := ""
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			last = t
		}
	}
	return last
}
