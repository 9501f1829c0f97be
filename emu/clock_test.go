package emu

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	c := NewClock(4)
	t0 := time.Unix(1000, 0)
	if n := c.Due(t0); n != 0 {
		t.Fatalf("first call owes %d", n)
	}
	// 1/60 s steps: fractions carry, a second owes exactly 4,000,000.
	var sum uint64
	for i := 1; i <= 60; i++ {
		sum += c.Due(t0.Add(time.Duration(i) * time.Second / 60))
	}
	if sum != 4_000_000 {
		t.Fatalf("one second owes %d", sum)
	}
	// A stall of a minute owes no more than MaxCatchUp.
	if n := c.Due(t0.Add(61 * time.Second)); n != uint64(4e6*MaxCatchUp.Seconds()) {
		t.Fatalf("after a stall: %d", n)
	}
	// Time going backwards owes nothing.
	if n := c.Due(t0); n != 0 {
		t.Fatalf("backwards: %d", n)
	}
	if n := NewClock(0).Due(t0); n != UnthrottledSlice {
		t.Fatalf("unthrottled: %d", n)
	}
	c = NewClock(3.579545)
	c.Due(t0)
	if n := c.Due(t0.Add(10 * time.Millisecond)); n != 35795 {
		t.Fatalf("3.579545 MHz over 10 ms: %d", n)
	}
}
