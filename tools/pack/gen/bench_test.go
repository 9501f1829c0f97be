package gen

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"z80ulm/model"
)

var benchQueries = []string{"hello", "is it alive", "what are you", "do you like music", "xyzzy",
	"are you a robot", "does it have a trunk", "tell me a joke"}

// BenchmarkSpeed packs the default shape (256-256-192-128-31) with 27 %
// non-zero random weights and measures T-states per generated character
// in the emulator (chat mode, 50-character replies), for both engines;
// file size and memory used are reported alongside.
func BenchmarkSpeed(b *testing.B) {
	rng := rand.New(rand.NewPCG(27, 1))
	m := model.Random(rng, " ABCDEFGHIJKLMNOPQRSTUVWXYZ.,!?", []int{256, 192, 128}, 0.27)
	benchModel(b, m, benchQueries)
}

// BenchmarkAnchor measures the same on a model file named by $PACK_MODEL
// (e.g. /work/shared/anchor/guess-chair.npz); skipped when unset.
func BenchmarkAnchor(b *testing.B) {
	path := os.Getenv("PACK_MODEL")
	if path == "" {
		b.Skip("PACK_MODEL not set")
	}
	var m *model.Model
	var err error
	if strings.HasSuffix(path, ".npz") {
		m, err = model.ImportNPZ(path)
	} else {
		m, err = model.ReadFile(path)
	}
	if err != nil {
		b.Fatal(err)
	}
	benchModel(b, m, benchQueries)
}

func benchModel(b *testing.B, m *model.Model, qs []string) {
	for _, v := range []string{"fast", "dense", "small"} {
		b.Run(v, func(b *testing.B) {
			r, err := Build(m, Options{Variant: v})
			if err != nil {
				b.Skip(err)
			}
			var s Speed
			for i := 0; i < b.N; i++ {
				s, err = Measure(r.COM, m, qs)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(s.PerChar(), "tstates/char")
			b.ReportMetric(s.PerStep(), "tstates/step")
			b.ReportMetric(float64(len(r.COM)), "file-bytes")
			b.ReportMetric(float64(r.MemoryUsed()), "mem-bytes")
		})
	}
}
