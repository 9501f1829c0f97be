package model

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkGenerate: one reply of a default-shape model with ~27 % non-zero
// weights (the shape and density of the anchor's shipped models).
func BenchmarkGenerate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := Random(rng, " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!/?", []int{256, 192, 128}, 0.27)
	chars := 0
	for i := 0; b.Loop(); i++ {
		chars += len(m.Generate("are you a robot"))
	}
	b.ReportMetric(float64(chars)/float64(b.N), "chars/op")
}

// BenchmarkNext: one forward pass (one generated character) of that model.
func BenchmarkNext(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := Random(rng, " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!/?", []int{256, 192, 128}, 0.27)
	for b.Loop() {
		m.Next("are you a robot", "HELLO")
	}
}
