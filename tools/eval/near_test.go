package main

import "testing"

func TestNearIndex(t *testing.T) {
	x := NewNearIndex([]string{"are you a robot", "r u a bot", "hello", "do you dream?"})
	for _, c := range []struct {
		q             string
		near, trained bool
	}{
		{"are you a robot", true, true},
		{"Are you a robot?", true, true},    // case and end punctuation do not count
		{"are you a robto", true, false},    // one word replaced (a slip)
		{"so are you a robot", true, false}, // one word inserted
		{"are you robot", true, false},      // one word deleted
		{"r u a boy", true, false},
		{"hello there", true, false},
		{"there", true, false}, // "hello" with its word replaced
		{"do you ever dream", true, false},
		{"so are you a robot then", false, false}, // two words inserted
		{"are you some kind of robot", false, false},
		{"r u a boy robot", false, false}, // replaced and inserted
		{"do you dream at night", false, false},
	} {
		if got := x.Near(c.q); got != c.near {
			t.Errorf("Near(%q) = %v, want %v", c.q, got, c.near)
		}
		if got := x.Trained(c.q); got != c.trained {
			t.Errorf("Trained(%q) = %v, want %v", c.q, got, c.trained)
		}
	}
}
