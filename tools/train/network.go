package main

import (
	"math"
	"math/rand/v2"
	"unsafe"

	"gonum.org/v1/gonum/blas/gonum"

	"z80ulm/model"
)

// The training network computes, once quantization is complete (alpha = 1),
// exactly the integer network of model.Forward: inputs are counts times
// InputScale, weights are in {-2,-1,0,1}, biases are integers, every layer
// takes acc = sum(w*x) + b, wraps it to 16 bits, shifts it right with floor
// and applies ReLU on all but the last layer. There is no hidden scale to
// drop at export: the scales are folded into the latent parameters (a latent
// weight is in grid units, a latent bias in units of biasScale), so the float
// forward pass and the exported model are the same function. All values in
// the forward pass are integers below 2^24, which float32 holds exactly.
//
// Gradients use the straight-through estimator for rounding, floor and wrap:
// d round(w)/dw = 1, d floor(acc/2^s)/dacc = 2^-s. An overflow penalty keeps
// every accumulator inside the 16-bit range, where wrap is the identity.

const (
	wMin, wMax = -2, 1      // the 2-bit weight grid
	latentLo   = wMin - 0.5 // latent weights are clipped to where rounding
	latentHi   = wMax + 0.5 // still reaches the grid (STE window)
)

type layer struct {
	in, out int
	shift   uint8
	relu    bool
	bscale  float32 // a latent bias of 1 is worth bscale in the accumulator
	// sparse marks the first layer, whose weights are stored transposed
	// (input i, neuron o at w[i*out+o]) so that each non-zero input adds
	// one contiguous row to the accumulators. Other layers are stored as
	// the model has them (neuron o, input i at w[o*in+i]).
	sparse bool
	w, b   []float32 // latent weights (grid units) and biases
	qw, qb []float32 // the weights and biases the forward pass uses
	mw, vw []float32 // Adam moments
	mb, vb []float32
	gw     []float32 // weight gradients, one buffer per stored row
	gb     []float32 // bias gradients of the sparse layer
}

type network struct {
	layers []*layer
	alpha  float32 // quantization blend: 0 = latent float, 1 = integer grid
}

// newNetwork makes a network of m's shape with random latent weights.
func newNetwork(m *model.Model, rng *rand.Rand, biasScale, initRange float32) *network {
	n := &network{alpha: 1}
	for li, ml := range m.Layers {
		l := &layer{in: ml.In, out: ml.Out, shift: ml.Shift, relu: li != len(m.Layers)-1, bscale: biasScale, sparse: li == 0}
		l.w = make([]float32, l.in*l.out)
		l.b = make([]float32, l.out)
		l.qw = make([]float32, len(l.w))
		l.qb = make([]float32, len(l.b))
		l.mw = make([]float32, len(l.w))
		l.vw = make([]float32, len(l.w))
		l.mb = make([]float32, len(l.b))
		l.vb = make([]float32, len(l.b))
		l.gw = make([]float32, len(l.w))
		l.gb = make([]float32, l.out)
		for i := range l.w {
			// Uniform over (-initRange, initRange): at 1.5 the grid values
			// -1, 0, 1 come about equally often; smaller ranges start with
			// more zero weights, which the Z80's index-list build skips.
			l.w[i] = float32(rng.Float64()*2-1) * initRange
		}
		n.layers = append(n.layers, l)
	}
	return n
}

// fromModel sets the latent parameters to a saved model's integers, so that
// training resumes from exactly the saved function.
func (n *network) fromModel(m *model.Model) {
	for li, l := range n.layers {
		ml := m.Layers[li]
		for k, w := range ml.W {
			l.w[l.at(k/ml.In, k%ml.In)] = float32(w)
		}
		for o, b := range ml.B {
			l.b[o] = float32(b) / l.bscale
		}
	}
}

func qweight(w float32) float32 {
	q := float32(math.Round(float64(w)))
	return min(max(q, wMin), wMax)
}

func qbias(b float32) float32 {
	q := float32(math.Round(float64(b)))
	return min(max(q, math.MinInt16), math.MaxInt16)
}

// at is the storage index of the weight from input i to neuron o.
func (l *layer) at(o, i int) int {
	if l.sparse {
		return i*l.out + o
	}
	return o*l.in + i
}

// rowLen is the length of one stored row: a neuron's inputs, or for the
// sparse layer one input's neurons.
func (l *layer) rowLen() int {
	if l.sparse {
		return l.out
	}
	return l.in
}

// requantizeRows recomputes the forward weights of stored rows [lo, hi).
func (n *network) requantizeRows(l *layer, lo, hi int) {
	a := n.alpha
	for i := lo * l.rowLen(); i < hi*l.rowLen(); i++ {
		l.qw[i] = a*qweight(l.w[i]) + (1-a)*l.w[i]
	}
}

// requantizeBias recomputes the forward biases of neurons [lo, hi).
func (n *network) requantizeBias(l *layer, lo, hi int) {
	a := n.alpha
	for o := lo; o < hi; o++ {
		b := l.b[o] * l.bscale
		l.qb[o] = a*qbias(b) + (1-a)*b
	}
}

func (n *network) requantizeAll() {
	for _, l := range n.layers {
		n.requantizeRows(l, 0, len(l.w)/l.rowLen())
		n.requantizeBias(l, 0, l.out)
	}
}

// quantized returns a view of n with alpha = 1: the integer network in the
// float forward pass, sharing the latent parameters.
func (n *network) quantized() *network {
	if n.alpha == 1 {
		return n
	}
	q := &network{alpha: 1}
	for _, l := range n.layers {
		c := *l
		c.qw = make([]float32, len(l.qw))
		c.qb = make([]float32, len(l.qb))
		q.layers = append(q.layers, &c)
	}
	q.requantizeAll()
	return q
}

// toModel exports the integer network into a copy of shape m.
func (n *network) toModel(shape *model.Model) *model.Model {
	m := *shape
	m.Meta = map[string]string{}
	m.Layers = make([]model.Layer, len(n.layers))
	for li, l := range n.layers {
		ml := model.Layer{In: l.in, Out: l.out, Shift: l.shift,
			W: make([]int8, len(l.w)), B: make([]int16, l.out)}
		for k := range ml.W {
			ml.W[k] = int8(qweight(l.w[l.at(k/l.in, k%l.in)]))
		}
		for o, b := range l.b {
			ml.B[o] = int16(qbias(b * l.bscale))
		}
		m.Layers[li] = ml
	}
	return &m
}

// floor rounds toward minus infinity; x is within ±32768 after wrap16, so
// the int32 conversion (which truncates toward zero) cannot overflow.
func floor(x float32) float32 {
	t := float32(int32(x))
	if t > x {
		t--
	}
	return t
}

// wrap16 folds an accumulator into int16 range as the Z80's 16-bit adds do.
func wrap16(v float32) float32 {
	if v >= -32768 && v < 32768 {
		return v
	}
	return v - 65536*float32(math.Floor((float64(v)+32768)/65536))
}

// rowState holds one example's activations and gradients through the net.
type rowState struct {
	acc  [][]float32 // per layer: accumulator before wrap (for the penalty)
	act  [][]float32 // per layer: output after wrap, shift, ReLU
	dacc [][]float32 // per layer: d loss / d acc
	dzb  []float32   // d loss / d logits
	skip bool        // no backward pass: dacc is not valid
}

func newRowState(n *network) *rowState {
	r := &rowState{}
	for _, l := range n.layers {
		r.acc = append(r.acc, make([]float32, l.out))
		r.act = append(r.act, aligned(l.out))
		r.dacc = append(r.dacc, make([]float32, l.out))
	}
	return r
}

// aligned returns n zero floats starting on a 16-byte boundary. The SIMD
// dot product sums a few leading elements one by one until its second
// operand is aligned, so the summation order, and in the float phase the
// last bit of the result, would otherwise depend on where the allocator
// put the slice.
func aligned(n int) []float32 {
	b := make([]float32, n+3)
	off := int(uintptr(unsafe.Pointer(&b[0]))%16) / 4
	return b[(4-off)%4:][:n:n]
}

// forward runs one example; the last layer's act holds the logits.
func (n *network) forward(e *example, r *rowState) {
	for li, l := range n.layers {
		acc, act := r.acc[li], r.act[li]
		if l.sparse {
			// Only the few non-zero inputs contribute: one row each.
			copy(acc, l.qb)
			for k, i := range e.idx {
				axpy(e.val[k], l.qw[int(i)*l.out:(int(i)+1)*l.out], acc)
			}
		} else {
			x := r.act[li-1]
			for o := 0; o < l.out; o++ {
				acc[o] = l.qb[o] + dot(l.qw[o*l.in:(o+1)*l.in], x)
			}
		}
		div := float32(int(1) << l.shift)
		for o, a := range acc {
			v := floor(wrap16(a) / div)
			if l.relu && v < 0 {
				v = 0
			}
			act[o] = v
		}
	}
}

// nearOverflow says whether any accumulator of the row is beyond ±limit.
func (n *network) nearOverflow(r *rowState, limit float32) bool {
	for _, acc := range r.acc {
		for _, a := range acc {
			if a > limit || a < -limit {
				return true
			}
		}
	}
	return false
}

// lossConfig shapes the training objective.
type lossConfig struct {
	limit   float32 // accumulators beyond ±limit are penalised
	penalty float32 // weight of the overflow penalty
}

// backward computes d loss / d acc for every layer of one example, given
// the gradient of the loss with respect to the logits in dz (scaled by the
// example's weight). It returns the example's penalty.
func (n *network) backward(r *rowState, dz []float32, lc lossConfig) float32 {
	pen := float32(0)
	for li := len(n.layers) - 1; li >= 0; li-- {
		l := n.layers[li]
		d := r.dacc[li]
		scale := 1 / float32(int(1)<<l.shift)
		if li == len(n.layers)-1 {
			for o := range d {
				d[o] = dz[o] * scale
			}
		} else {
			// d act(li) = sum over next-layer neurons of dacc * w; act = ReLU.
			nl := n.layers[li+1]
			nd := r.dacc[li+1]
			clear(d)
			for o, g := range nd {
				if g != 0 {
					axpy(g, nl.qw[o*nl.in:(o+1)*nl.in], d)
				}
			}
			for o := range d {
				if r.acc[li][o] <= 0 {
					d[o] = 0
				} else {
					d[o] *= scale
				}
			}
		}
		// Keep accumulators inside ±limit: squared hinge, in units of limit.
		for o, a := range r.acc[li] {
			if a > lc.limit || a < -lc.limit {
				ex := (float32(math.Abs(float64(a))) - lc.limit) / lc.limit
				pen += lc.penalty * ex * ex
				g := 2 * lc.penalty * ex / lc.limit
				if a < 0 {
					g = -g
				}
				d[o] += g
			}
		}
	}
	return pen
}

// dot and axpy are gonum's SIMD kernels (assembly on amd64). Their
// summation order is fixed, so results repeat exactly from run to run; with
// integer operands below 2^24 every order gives the exact integer anyway.
var blas gonum.Implementation

// dot is the inner product of a and b[:len(a)]; b must come from aligned.
func dot(a, b []float32) float32 { return blas.Sdot(len(a), a, 1, b, 1) }

// axpy adds a*x to y.
func axpy(a float32, x, y []float32) { blas.Saxpy(len(x), a, x, 1, y, 1) }

// argmax returns the first maximum, as model.Argmax does.
func argmax(v []float32) int {
	best := 0
	for i := 1; i < len(v); i++ {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}
