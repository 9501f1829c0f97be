//go:build !amd64

package qat

// dot is the inner product of a and b[:len(a)] (dotGo's order).
func dot(a, b []float32) float32 { return dotGo(a, b) }

// axpy adds a*x to y.
func axpy(a float32, x, y []float32) { axpyGo(a, x, y) }
