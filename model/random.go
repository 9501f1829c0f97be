package model

import "math/rand/v2"

// Random returns a model of the default family with random parameters, for
// tests: each weight is non-zero with probability density, then one of
// -2, -1, +1 with equal odds; biases are uniform in -RandomBias..RandomBias.
// The same rng state gives the same model.
func Random(rng *rand.Rand, charset string, hidden []int, density float64) *Model {
	return RandomBias(rng, charset, hidden, density, DefaultRandomBias)
}

// DefaultRandomBias is the bias range Random uses: wide enough that biases
// matter next to inputs of 32 per count, small enough not to swamp them.
const DefaultRandomBias = 256

// RandomBias is Random with biases uniform in -bias..bias (bias 0..32767).
func RandomBias(rng *rand.Rand, charset string, hidden []int, density float64, bias int) *Model {
	m := New(charset, hidden)
	nonzero := [3]int8{-2, -1, 1}
	for li := range m.Layers {
		l := &m.Layers[li]
		for k := range l.W {
			if rng.Float64() < density {
				l.W[k] = nonzero[rng.IntN(3)]
			}
		}
		for k := range l.B {
			l.B[k] = int16(rng.IntN(2*bias+1) - bias)
		}
	}
	return m
}
