// Package lesson teaches GUESS a new secret: a sheet in, a playable model
// out. It parses the sheet against the shared question bank, generates the
// secret's training lines, fine-tunes the model of the shipped secret that
// answers most like it, and packs the result as NAME.MDL for GUESS.COM and
// as a standalone .COM. It has no files and no terminal: tools/teach and
// the browser's teach worker (WebAssembly, in a Web Worker) both run it,
// and the same sheet, shelf and plan give them the same bytes
// (docs/DESIGN.md, "Teaching a new secret").
package lesson

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"z80ulm/model"
	"z80ulm/tools/gendata/knowledge"
	"z80ulm/tools/gendata/secret"
	"z80ulm/tools/pack/gen"
	"z80ulm/tools/train/qat"
)

// Shelf is what a lesson starts from: the question bank and the shipped
// secrets, each with its sheet (its names are wrong guesses for the new
// secret; its answers pre-fill a category) and its trained model (one of
// them is where fine-tuning starts).
type Shelf struct {
	Bank    *secret.Bank
	Shipped []Shipped // in name order
}

// Shipped is one secret that comes with GUESS.
type Shipped struct {
	Sheet *secret.Sheet
	Model *model.Model
}

// Plan is how a lesson trains: how many generated lines it trains on, how
// many it holds out to choose the epoch, and the fine-tuning settings.
type Plan struct {
	Seed    uint64  // data sample, held-out split and training order
	Lines   int     // training lines, sampled from the generated ones
	Dev     int     // generated lines held out: the accuracy shown, the epoch kept
	Epochs  int     // at most; training stops early when Dev stops improving
	LR      float32 // peak learning rate
	Freeze  int     // layers kept as the starting model has them
	Workers int     // goroutines (the bytes do not depend on it)
}

// DefaultPlan is what tools/teach and the browser use: measured on the
// shipped animals fine-tuned from one another, it reaches the far held-out
// questions' accuracy of a model trained from scratch on all the data in a
// fraction of the time (docs/DESIGN.md, "Teaching a new secret").
func DefaultPlan() Plan {
	return Plan{Seed: 1, Lines: 40000, Dev: 1000, Epochs: 3, LR: 0.05, Freeze: 1, Workers: qat.DefaultConfig().Workers}
}

// Phases of a lesson, in order.
const (
	PhaseGenerate = "generate"
	PhaseTrain    = "train"
	PhasePack     = "pack"
)

// Progress is what a lesson tells its caller while it works.
type Progress struct {
	Phase       string
	Done, Total int     // training steps
	Epoch       int     // epochs finished
	DevAcc      float64 // exact replies on the held-out lines after the last epoch
}

// Result is a taught secret.
type Result struct {
	Secret     string       // display name: the file is Secret + ".MDL"
	Model      *model.Model // with the secret's names in its metadata
	MDL, COM   []byte       // for GUESS.COM; the standalone program (nil when NoCOM says why)
	NoCOM      string       // why there is no standalone program, or ""
	Base       string       // the shipped secret it started from
	Generated  int          // lines generated from the sheet
	Lines, Dev int          // of them: trained on (distinct), held out
	DevAcc     float64      // exact replies on the held-out lines
	Epochs     int          // epochs run
	Seconds    float64      // the lesson's, or Learn's part of it
}

// SheetError is a sheet that cannot be taught, with every problem found;
// each names the sheet's line where it can.
type SheetError struct {
	Problems []error
}

func (e *SheetError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Teach runs a whole lesson on sheet (the text of a secret sheet, named
// name in messages). progress, when not nil, is called as the lesson goes.
// Cancelling ctx stops it with ctx's error; nothing is returned then.
func Teach(ctx context.Context, shelf *Shelf, sheet, name string, plan Plan, progress func(Progress)) (*Result, error) {
	began := time.Now()
	if progress != nil {
		progress(Progress{Phase: PhaseGenerate})
	}
	data, err := Prepare(shelf, sheet, name, plan)
	if err != nil {
		return nil, err
	}
	res, err := Learn(ctx, data, plan, progress)
	if err != nil {
		return nil, err
	}
	res.Seconds = time.Since(began).Seconds()
	return res, nil
}

// Learn is the rest of a lesson once Prepare has made the sheet ready
// with the same plan: it trains and packs (the browser prepares a sheet
// to count its lines, and keeps it for Train).
func Learn(ctx context.Context, data *Data, plan Plan, progress func(Progress)) (*Result, error) {
	began := time.Now()
	tell := func(p Progress) {
		if progress != nil {
			progress(p)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	base := data.Base.Model
	cfg := qat.DefaultConfig()
	cfg.Hidden = qat.Hidden(base)
	cfg.Epochs, cfg.LR, cfg.Freeze, cfg.Seed, cfg.Workers = plan.Epochs, plan.LR, plan.Freeze, plan.Seed, plan.Workers
	cfg.Val, cfg.Patience, cfg.BestOnVal, cfg.Measure = data.Dev, 1, true, 2000
	shape, err := qat.Resume(base, qat.Shape(data.Train, cfg.Hidden))
	if err != nil {
		return nil, fmt.Errorf("starting from %s: %v", data.Base.Sheet.Secret, err)
	}
	ds, err := qat.NewDataset(data.Train, shape)
	if err != nil {
		return nil, err
	}
	var last Progress
	res, err := qat.Train(ctx, cfg, ds, shape, base, qat.Hooks{
		Step: func(done, total int) {
			last.Phase, last.Done, last.Total = PhaseTrain, done, total
			tell(last)
		},
		Epoch: func(s qat.EpochStats, best bool) {
			last.Epoch, last.DevAcc = s.Epoch, s.ValAcc
			tell(last)
		},
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if err := res.Agree(); err != nil {
		return nil, err
	}

	tell(Progress{Phase: PhasePack, Epoch: last.Epoch, DevAcc: last.DevAcc})
	m := res.Best
	qat.Provenance(m, cfg, ds, base, res.BestStats)
	m.Meta["trainer"] = "z80ulm/tools/teach"
	m.Meta["secret"] = data.Sheet.Secret
	m.Meta["names"] = data.Sheet.NameList()
	m.Meta["category"] = data.Sheet.Category
	m.Meta["base"] = data.Base.Sheet.Secret
	mdl, err := gen.PackMDL(m, "", 0)
	if err != nil {
		return nil, fmt.Errorf("packing %s.MDL: %v", data.Sheet.Secret, err)
	}
	// The standalone program is the engine, the game and the model in one
	// file, which a CCP loads only below itself: a model with many
	// non-zero weights can fit GUESS.COM's TPA as an .MDL and still make
	// too long a .COM. The .MDL is the lesson's result; the .COM is given
	// when it fits, and otherwise the reason.
	var com []byte
	noCOM := ""
	if c, err := gen.Build(m, gen.Options{Program: gen.Guess{}}); err != nil {
		noCOM = "no standalone .COM: " + err.Error()
	} else {
		com = c.COM
	}
	return &Result{
		Secret: data.Sheet.Secret, Model: m, MDL: mdl.Bytes, COM: com, NoCOM: noCOM,
		Base: data.Base.Sheet.Secret, Generated: data.Generated, Lines: ds.Lines(), Dev: len(data.Dev),
		DevAcc: res.BestStats.ValAcc, Epochs: len(res.History), Seconds: time.Since(began).Seconds(),
	}, nil
}

// Data is a sheet made ready to train: the parsed sheet, the shipped
// secret to start from, and the generated lines split into the ones
// trained on and the ones held out.
type Data struct {
	Sheet      *secret.Sheet
	Base       Shipped
	Generated  int
	Train, Dev []model.Pair
}

// Prepare parses and checks the sheet, generates its lines and splits them.
// A bad sheet gives a *SheetError listing every problem.
func Prepare(shelf *Shelf, sheet, name string, plan Plan) (*Data, error) {
	sh, errs := secret.ParseSheet(strings.NewReader(sheet), name, shelf.Bank)
	if len(errs) == 0 {
		errs = append(errs, shelf.collisions(sh, lineOf(sheet, "secret:"))...)
	}
	if len(errs) > 0 {
		return nil, &SheetError{errs}
	}
	var others []*secret.Sheet
	for _, s := range shelf.Shipped {
		others = append(others, s.Sheet)
	}
	lines, _, errs := secret.Generate(shelf.Bank, sh, others, knowledge.Options{Seed: plan.Seed, Typos: -1, Wraps: -1, Patterns: -1})
	if len(errs) > 0 {
		return nil, &SheetError{errs}
	}
	if err := enough(sh, lines); err != nil {
		return nil, &SheetError{[]error{err}}
	}
	// Every line as the trainer would read it from a file, and a line the
	// model could not take (a character outside printable ASCII) named by
	// the sheet's line it comes from.
	pairs := make([]model.Pair, 0, len(lines))
	for _, l := range lines {
		ps, errs := model.ParsePairs(strings.NewReader(l.Input+"|"+l.Answer), l.Src.File)
		for _, e := range errs {
			msg := strings.TrimPrefix(e.Error(), l.Src.File+":1: ")
			return nil, &SheetError{[]error{fmt.Errorf("%s: %q: %s", l.Src.Where(), l.Input, msg)}}
		}
		ps[0].Line = l.Src.Line
		pairs = append(pairs, ps[0])
	}
	base, ok := shelf.closest(sh)
	if !ok {
		return nil, errNoShelf
	}
	d := &Data{Sheet: sh, Base: base, Generated: len(pairs)}
	// The held-out lines and the training sample are drawn without
	// replacement in one shuffle of the generated lines.
	order := rand.New(rand.NewPCG(plan.Seed, 0x7eac4)).Perm(len(pairs))
	nDev := min(plan.Dev, len(pairs)/10)
	for k, i := range order {
		switch {
		case k < nDev:
			d.Dev = append(d.Dev, pairs[i])
		case len(d.Train) < plan.Lines:
			d.Train = append(d.Train, pairs[i])
		}
	}
	return d, nil
}

// Least lines of each answer a sheet must give: fewer, and the model would
// learn to say the other answers (a sheet that answers everything NO).
const minPerAnswer = 200

// enough refuses a sheet whose lines are too few to train on.
func enough(sh *secret.Sheet, lines []knowledge.Line) error {
	per := map[string]int{}
	for _, l := range lines {
		per[l.Answer]++
	}
	var few []string
	for _, a := range []string{"YES", "NO", "MAYBE", "WIN"} {
		if per[a] < minPerAnswer {
			few = append(few, fmt.Sprintf("%s %d", a, per[a]))
		}
	}
	if len(few) > 0 {
		return fmt.Errorf("%s: too little to train on: the sheet makes %d lines, and of these answers too few (%s; each needs %d): answer more attributes YES, NO or MAYBE, or give more names",
			sh.File, len(lines), strings.Join(few, ", "), minPerAnswer)
	}
	return nil
}

// collisions refuses a secret that takes a shipped secret's name (its
// NAME.MDL would replace the shipped one on drive A:); line is the sheet's
// "secret:" line.
func (s *Shelf) collisions(sh *secret.Sheet, line int) []error {
	var errs []error
	for _, o := range s.Shipped {
		if o.Sheet.Secret == sh.Secret {
			errs = append(errs, fmt.Errorf("%s:%d: secret %s is one of GUESS's own secrets (%s.MDL is on drive A:): choose another name", sh.File, line, sh.Secret, sh.Secret))
		}
	}
	return errs
}

// lineOf is the number of the first line of text that starts with prefix
// (after blanks), 1 when none does.
func lineOf(text, prefix string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return i + 1
		}
	}
	return 1
}

// closest is the shipped secret to start from: of those with a model in
// the sheet's category (all, when none is), the one that answers the most
// attributes alike; the first in name order on a tie.
func (s *Shelf) closest(sh *secret.Sheet) (Shipped, bool) {
	var pool, same []Shipped
	for _, o := range s.Shipped {
		if o.Model == nil {
			continue
		}
		pool = append(pool, o)
		if o.Sheet.Category == sh.Category {
			same = append(same, o)
		}
	}
	if len(pool) == 0 {
		return Shipped{}, false
	}
	if len(same) > 0 {
		pool = same
	}
	best, bestN := pool[0], -1
	for _, o := range pool {
		n := 0
		for attr, a := range sh.Answers {
			if o.Sheet.Answers[attr].Answer == a.Answer {
				n++
			}
		}
		if n > bestN {
			best, bestN = o, n
		}
	}
	return best, true
}

// errNoShelf: a shelf without trained models has nothing to start from.
var errNoShelf = errors.New("no shipped secret's model to start from")
