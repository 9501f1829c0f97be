package pace

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	c := NewClock(4, 250*time.Millisecond)
	t0 := time.Unix(5000, 0)
	if n := c.Due(t0); n != 0 {
		t.Fatalf("first Due = %d, want 0", n)
	}
	// 60 ticks of 1/60 s (not a whole number of nanoseconds) give exactly
	// 4,000,000 T-states over the second.
	var sum uint64
	for i := 1; i <= 60; i++ {
		sum += c.Due(t0.Add(time.Duration(i) * time.Second / 60))
	}
	if d := int64(sum) - 4000000; d < -1 || d > 1 {
		t.Errorf("one second of ticks owes %d, want 4000000", sum)
	}
	// A 200 ms gap is caught up in full; a minute owes only the limit.
	now := t0.Add(time.Second)
	now = now.Add(200 * time.Millisecond)
	if n := c.Due(now); n < 799999 || n > 800001 {
		t.Errorf("200 ms gap owes %d, want 800000", n)
	}
	now = now.Add(time.Minute)
	if n := c.Due(now); n != 1000000 {
		t.Errorf("one-minute gap owes %d, want 1000000 (250 ms)", n)
	}
	// Time going backwards owes nothing and breaks nothing.
	if n := c.Due(now.Add(-time.Second)); n != 0 {
		t.Errorf("backwards Due = %d", n)
	}
	c.Reset()
	if n := c.Due(now.Add(time.Hour)); n != 0 {
		t.Errorf("Due after Reset = %d, want 0", n)
	}
	if n := c.Due(now.Add(time.Hour + 10*time.Millisecond)); n != 40000 {
		t.Errorf("10 ms after Reset owes %d, want 40000", n)
	}
	// Other rates: 3.579545 MHz over a second of 1 ms ticks.
	c = NewClock(3.579545, time.Second)
	c.Due(t0)
	sum = 0
	for i := 1; i <= 1000; i++ {
		sum += c.Due(t0.Add(time.Duration(i) * time.Millisecond))
	}
	if sum != 3579545 {
		t.Errorf("3.579545 MHz second owes %d", sum)
	}
}
