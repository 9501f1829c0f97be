package main

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"z80ulm/model"
)

// Count is one class (a distinct response) and how many lines have it.
type Count struct {
	Class string
	N     int
}

// Counts returns the classes of pairs, most frequent first (ties by name).
func Counts(pairs []model.Pair) []Count {
	m := map[string]int{}
	for _, p := range pairs {
		m[p.Response]++
	}
	var cs []Count
	for c, n := range m {
		cs = append(cs, Count{c, n})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].N != cs[j].N {
			return cs[i].N > cs[j].N
		}
		return cs[i].Class < cs[j].Class
	})
	return cs
}

// Resample brings every class to at least min and at most max lines
// (0 = no bound). A class above max keeps a random max of its lines; a
// class below min keeps all its lines, repeated as whole copies as often as
// fits, plus a random part of them once more, so that every line is
// repeated a near-equal number of times. The result is shuffled; the same
// pairs and seed give the same result.
func Resample(pairs []model.Pair, min, max int, seed uint64) []model.Pair {
	rng := rand.New(rand.NewPCG(seed, seed^0x243f6a8885a308d3))
	byClass := map[string][]model.Pair{}
	for _, p := range pairs {
		byClass[p.Response] = append(byClass[p.Response], p)
	}
	var out []model.Pair
	for _, c := range Counts(pairs) { // a fixed class order keeps it deterministic
		ps := byClass[c.Class]
		target := len(ps)
		if max > 0 && target > max {
			target = max
		}
		if min > 0 && target < min {
			target = min
		}
		for target >= len(ps) {
			out = append(out, ps...)
			target -= len(ps)
		}
		for _, i := range rng.Perm(len(ps))[:target] {
			out = append(out, ps[i])
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// Check returns an error naming every class that holds more than share of
// the lines.
func Check(pairs []model.Pair, share float64) error {
	var msg string
	for _, c := range Counts(pairs) {
		if f := float64(c.N) / float64(len(pairs)); f > share {
			if msg != "" {
				msg += "; "
			}
			msg += fmt.Sprintf("class %q has %d of %d lines (%.1f%%, more than %.0f%%)", c.Class, c.N, len(pairs), 100*f, 100*share)
		}
	}
	if msg != "" {
		return fmt.Errorf("%s", msg)
	}
	return nil
}
