package qat

import "math"

// adam holds the step's hyper-parameters; the moments live in each layer so
// that every neuron's row is updated by the goroutine that computed its
// gradient (no second pass, no shared writes).
type adam struct {
	lr, beta1, beta2, eps, decay float32
	c1, c2                       float32 // bias corrections for this step
}

// begin sets the bias corrections for step t (1-based) at learning rate lr.
func (a *adam) begin(t int, lr float32) {
	a.lr = lr
	a.c1 = 1 - float32(math.Pow(float64(a.beta1), float64(t)))
	a.c2 = 1 - float32(math.Pow(float64(a.beta2), float64(t)))
}

// update applies one AdamW step to params p with gradients g and moments m,
// v, then clips p to [lo, hi]. Decay pulls latent weights towards zero, which
// makes zero weights (free on the Z80's index-list build) more common.
func (a *adam) update(p, g, m, v []float32, decay, lo, hi float32) {
	b1, b2 := a.beta1, a.beta2
	// Every product is rounded before it is added (no fused multiply-add),
	// so the step is the same on every platform.
	for i := range p {
		gi := g[i]
		m[i] = float32(b1*m[i]) + float32((1-b1)*gi)
		v[i] = float32(b2*v[i]) + float32((1-b2)*gi*gi)
		mh := m[i] / a.c1
		vh := v[i] / a.c2
		step := mh/(float32(math.Sqrt(float64(vh)))+a.eps) + float32(decay*p[i])
		x := p[i] - float32(a.lr*step)
		p[i] = min(max(x, lo), hi)
	}
}
