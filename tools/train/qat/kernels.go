package qat

import "math"

// The arithmetic kernels of the trainer, written so that every platform
// computes the same bits: Go may fuse x*y+z into one instruction where the
// hardware has it (arm64, and amd64 at GOAMD64=v3) and assembly libraries
// sum in a different order per platform, so each product is rounded on its
// own by an explicit float32(...) conversion and each sum runs in an order
// fixed here. The standard library's math.Exp and math.Log are assembly on
// amd64 and Go elsewhere, with different last bits; exp and log below are
// ours. docs/DESIGN.md, "Training", says why this matters.

// dotGo is the inner product of a and b[:len(a)] in the order every
// platform uses: elements 0..8k-1 go to eight partial sums (element i to
// sum i%8), which are added as ((s0+s4)+(s2+s6)) + ((s1+s5)+(s3+s7)), then
// the last len(a)%8 products are added one by one. On amd64 the same order
// runs as SSE code (two registers of four lanes, kernels_amd64.s).
func dotGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	n8 := len(a) &^ 7
	for i := 0; i < n8; i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += float32(x[0] * y[0])
		s1 += float32(x[1] * y[1])
		s2 += float32(x[2] * y[2])
		s3 += float32(x[3] * y[3])
		s4 += float32(x[4] * y[4])
		s5 += float32(x[5] * y[5])
		s6 += float32(x[6] * y[6])
		s7 += float32(x[7] * y[7])
	}
	r := ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))
	for i := n8; i < len(a); i++ {
		r += float32(a[i] * b[i])
	}
	return r
}

// axpyGo adds a*x to y, element by element (no order to fix, only the
// rounding of each product).
func axpyGo(a float32, x, y []float32) {
	y = y[:len(x)]
	n8 := len(x) &^ 7
	for i := 0; i < n8; i += 8 {
		u, v := x[i:i+8:i+8], y[i:i+8:i+8]
		v[0] += float32(a * u[0])
		v[1] += float32(a * u[1])
		v[2] += float32(a * u[2])
		v[3] += float32(a * u[3])
		v[4] += float32(a * u[4])
		v[5] += float32(a * u[5])
		v[6] += float32(a * u[6])
		v[7] += float32(a * u[7])
	}
	for i := n8; i < len(x); i++ {
		y[i] += float32(a * x[i])
	}
}

const (
	ln2Hi = 6.93147180369123816490e-01 // ln 2 split in two: k*ln2Hi is
	ln2Lo = 1.90821492927058770002e-10 // exact for the k exp meets
)

// exp is e^x to within a few units in the last place of float64, the same
// bits on every platform: x = k ln2 + r with |r| <= ln2/2, e^r by its
// Taylor series to the 14th power (the remainder is below 2^-60), then
// scaled by 2^k.
func exp(x float64) float64 {
	switch {
	case x != x || x > 709.7:
		return math.Exp(x) // NaN and overflow: exact anyway
	case x < -745.2:
		return 0
	}
	k := math.Round(x / math.Ln2)
	r := (x - float64(k*ln2Hi)) - float64(k*ln2Lo)
	s := 1.0
	for n := 14; n >= 1; n-- {
		s = 1 + float64(r*s)/float64(n)
	}
	return math.Ldexp(s, int(k))
}

// log is the natural logarithm of x > 0 to within a few units in the last
// place, the same bits on every platform: x = m 2^e with m in [√½, √2), and
// ln m = 2 atanh(t) with t = (m-1)/(m+1), |t| < 0.172, by its series to the
// 33rd power.
func log(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.Log(x) // 0, negative, NaN, +Inf: exact anyway
	}
	m, e := math.Frexp(x) // m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	t := (m - 1) / (m + 1)
	t2 := float64(t * t)
	s := 0.0
	for n := 33; n >= 1; n -= 2 {
		s = 1/float64(n) + float64(t2*s)
	}
	return float64(2*float64(t*s)) + float64(float64(e)*ln2Hi) + float64(float64(e)*ln2Lo)
}

// halfCosine is (1 + cos πp)/2 for p in [0, 1], the shape of the cosine
// learning-rate decay, computed as cos²(πp/2) by the Taylor series of the
// cosine to the 22nd power (the remainder is below 2^-60 on [0, π/2]).
func halfCosine(p float64) float64 {
	x := float64(math.Pi*p) / 2
	x2 := float64(x * x)
	c := 1.0
	for n := 22; n >= 2; n -= 2 {
		c = 1 - float64(x2*c)/float64(n*(n-1))
	}
	return float64(c * c)
}
