package qat

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulps is how many float64 values lie between a and b.
func ulps(a, b float64) uint64 {
	x, y := math.Float64bits(a), math.Float64bits(b)
	if x > y {
		return x - y
	}
	return y - x
}

// TestExpLog: our exp and log agree with the standard library's to a few
// units in the last place over the range softmax and the loss use.
func TestExpLog(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	worst := [2]uint64{}
	for i := 0; i < 200000; i++ {
		x := -rng.Float64() * 800 // softmax takes exp of (z - max)/temp <= 0
		if i%3 == 0 {
			x = rng.Float64()*20 - 10
		}
		want := math.Exp(x)
		got := exp(x)
		if want < 0x1p-1022 { // subnormal: compare absolutely
			if math.Abs(got-want) > 1e-320 {
				t.Fatalf("exp(%v) = %v, want %v", x, got, want)
			}
			continue
		}
		worst[0] = max(worst[0], ulps(got, want))
		y := math.Exp(rng.Float64()*1400 - 700)
		worst[1] = max(worst[1], ulps(log(y), math.Log(y)))
	}
	if worst[0] > 4 || worst[1] > 4 {
		t.Errorf("exp off by up to %d ulps, log by up to %d: want at most 4", worst[0], worst[1])
	}
	for _, c := range []struct{ got, want float64 }{
		{exp(0), 1}, {exp(-1000), 0}, {log(1), 0}, {exp(math.Inf(-1)), 0},
	} {
		if c.got != c.want {
			t.Errorf("got %v, want %v", c.got, c.want)
		}
	}
	if !math.IsInf(exp(1000), 1) || !math.IsInf(log(0), -1) || !math.IsNaN(log(-1)) {
		t.Error("exp(1000), log(0) or log(-1) is not +Inf, -Inf, NaN")
	}
}

// TestHalfCosine: the learning-rate schedule's shape against math.Cos.
func TestHalfCosine(t *testing.T) {
	for i := 0; i <= 1000; i++ {
		p := float64(i) / 1000
		want := 0.5 * (1 + math.Cos(math.Pi*p))
		if d := math.Abs(halfCosine(p) - want); d > 1e-15 {
			t.Fatalf("halfCosine(%v) = %v, want %v", p, halfCosine(p), want)
		}
	}
}

// TestKernels: dot and axpy (SSE code on amd64) and their Go versions
// against the order they promise, written out plainly, on every length up
// to 70 and on values of mixed magnitude, where the order shows.
func TestKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for n := 0; n <= 70; n++ {
		for trial := 0; trial < 20; trial++ {
			a, b, y := make([]float32, n), make([]float32, n+3), make([]float32, n)
			for i := range a {
				a[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3)))
				y[i] = float32(rng.NormFloat64())
			}
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			var s [8]float32
			n8 := n - n%8
			for i := 0; i < n8; i++ {
				p := a[i] * b[i]
				s[i%8] = s[i%8] + p
			}
			want := ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]))
			for i := n8; i < n; i++ {
				p := a[i] * b[i]
				want = want + p
			}
			for name, f := range map[string]func(a, b []float32) float32{"dot": dot, "dotGo": dotGo} {
				if got := f(a, b); math.Float32bits(got) != math.Float32bits(want) {
					t.Fatalf("n=%d: %s %v, want %v", n, name, got, want)
				}
			}
			c := float32(rng.NormFloat64())
			wantY := make([]float32, n)
			for i := range y {
				p := c * a[i]
				wantY[i] = y[i] + p
			}
			for name, f := range map[string]func(float32, []float32, []float32){"axpy": axpy, "axpyGo": axpyGo} {
				got := append([]float32(nil), y...)
				f(c, a, got)
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(wantY[i]) {
						t.Fatalf("n=%d: %s[%d] %v, want %v", n, name, i, got[i], wantY[i])
					}
				}
			}
		}
	}
}
