package qat

import (
	"fmt"
	"strconv"

	"z80ulm/model"
)

// Provenance writes into m's metadata how it was made: the trainer, the
// data's hash and size, the seed and settings, the epoch and its figures,
// and the model it started from.
func Provenance(m *model.Model, cfg Config, ds *Dataset, init *model.Model, s EpochStats) {
	m.Meta["trainer"] = "z80ulm/tools/train"
	m.Meta["data_sha256"] = ds.Hash
	m.Meta["data_lines"] = strconv.Itoa(ds.Total)
	m.Meta["examples"] = strconv.Itoa(ds.Examples())
	m.Meta["seed"] = strconv.FormatUint(cfg.Seed, 10)
	m.Meta["flags"] = cfg.String()
	m.Meta["epoch"] = strconv.Itoa(s.Epoch)
	m.Meta["int_acc"] = fmt.Sprintf("%.3f", s.IntAcc)
	m.Meta["float_acc"] = fmt.Sprintf("%.3f", s.FloatAcc)
	m.Meta["reply_acc"] = fmt.Sprintf("%.3f", s.ReplyAcc)
	m.Meta["nonzero_weights"] = strconv.Itoa(Nonzero(m))
	if len(cfg.Val) > 0 {
		m.Meta["heldout_reply_acc"] = fmt.Sprintf("%.3f", s.ValAcc)
	}
	if init != nil {
		m.Meta["resumed_from"] = init.Meta["data_sha256"] + " epoch " + init.Meta["epoch"]
	}
}

// Nonzero counts the weights the Z80's index-list engines must visit.
func Nonzero(m *model.Model) int {
	n := 0
	for _, l := range m.Layers {
		for _, w := range l.W {
			if w != 0 {
				n++
			}
		}
	}
	return n
}
