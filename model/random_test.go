package model

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestRandom(t *testing.T) {
	for _, density := range []float64{0, 0.27, 1} {
		m := RandomBias(rand.New(rand.NewPCG(3, 4)), "ABC", []int{64, 32}, density, 100)
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		var n, nz int
		seen := map[int8]int{}
		for _, l := range m.Layers {
			for _, w := range l.W {
				n++
				seen[w]++
				if w != 0 {
					nz++
				}
			}
			for _, b := range l.B {
				if b < -100 || b > 100 {
					t.Fatalf("bias %d outside -100..100", b)
				}
			}
		}
		if got := float64(nz) / float64(n); math.Abs(got-density) > 0.01 {
			t.Errorf("density %.2f: got %.4f non-zero", density, got)
		}
		if density > 0 && (seen[-2] < nz/4 || seen[-1] < nz/4 || seen[1] < nz/4) {
			t.Errorf("density %.2f: uneven non-zero values %v", density, seen)
		}
		again := RandomBias(rand.New(rand.NewPCG(3, 4)), "ABC", []int{64, 32}, density, 100)
		if !reflect.DeepEqual(m, again) {
			t.Errorf("same seed, another model")
		}
	}
}
