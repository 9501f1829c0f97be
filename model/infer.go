package model

// Forward runs the integer network on x and returns the last layer's
// outputs (after the shift, without ReLU), exactly as the Z80 computes them.
func (m *Model) Forward(x []int16) []int16 {
	last := len(m.Layers) - 1
	for li := range m.Layers {
		x = m.Layers[li].forward(x, li != last)
	}
	return x
}

func (l *Layer) forward(x []int16, relu bool) []int16 {
	// Only non-zero inputs contribute; after the encoders and ReLU most are
	// zero, so gather them once. Sums wrap modulo 2^16, so the order of the
	// additions does not change the result.
	nz := make([]int32, 0, len(x))
	for i, v := range x {
		if v != 0 {
			nz = append(nz, int32(i))
		}
	}
	y := make([]int16, l.Out)
	for o := 0; o < l.Out; o++ {
		acc := l.B[o]
		row := l.W[o*l.In : (o+1)*l.In]
		for _, i := range nz {
			acc += int16(row[i]) * x[i] // wraps in 16 bits, like the Z80
		}
		acc >>= l.Shift // arithmetic: rounds toward minus infinity
		if relu && acc < 0 {
			acc = 0
		}
		y[o] = acc
	}
	return y
}

// Argmax returns the index of the first maximum.
func Argmax(v []int16) int {
	best := 0
	for i := 1; i < len(v); i++ {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}

// Next returns the class the model predicts after reply for query.
func (m *Model) Next(query, reply string) int {
	return Argmax(m.Forward(m.Input(query, reply)))
}

// Generate returns the model's reply to query: characters until EOS or
// MaxReply characters, only allowed replies when the model has a list.
func (m *Model) Generate(query string) string {
	r, _ := m.GenerateRuns(query)
	return r
}

// GenerateRuns is Generate that also counts the network runs: the steps
// where more than one class was allowed (the Z80 engines skip the others).
func (m *Model) GenerateRuns(query string) (reply string, runs int) {
	t := m.ReplyTrie()
	var r []byte
	node := 0
	for len(r) < m.MaxReply {
		var k int
		switch {
		case t == nil:
			k = m.Next(query, string(r))
			runs++
		case len(t.Nodes[node]) == 1: // known without the network
			e := t.Nodes[node][0]
			k, node = e.Class, e.Next
		default:
			e := t.Pick(node, m.Forward(m.Input(query, string(r))))
			k, node = e.Class, e.Next
			runs++
		}
		if k >= len(m.Charset) {
			break
		}
		r = append(r, m.Charset[k])
	}
	return string(r), runs
}
