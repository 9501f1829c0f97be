package emu

import (
	"testing"
	"time"
)

// A front end's longer catch-up: a 200 ms gap is made up in full, a minute
// owes only the limit, and Reset forgets the time in between.
func TestClockCatchUpAndReset(t *testing.T) {
	c := NewClock(4)
	c.CatchUp = 250 * time.Millisecond
	t0 := time.Unix(5000, 0)
	c.Due(t0)
	if n := c.Due(t0.Add(200 * time.Millisecond)); n != 800_000 {
		t.Errorf("200 ms gap owes %d, want 800000", n)
	}
	if n := c.Due(t0.Add(time.Minute)); n != 1_000_000 {
		t.Errorf("one-minute gap owes %d, want 1000000 (250 ms)", n)
	}
	c.Reset()
	now := t0.Add(time.Hour)
	if n := c.Due(now); n != 0 {
		t.Errorf("Due after Reset = %d, want 0", n)
	}
	if n := c.Due(now.Add(10 * time.Millisecond)); n != 40_000 {
		t.Errorf("10 ms after Reset owes %d, want 40000", n)
	}
}

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
