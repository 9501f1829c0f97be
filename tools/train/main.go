// Command train turns `input|response` lines into a μLM model file by
// quantization-aware training whose forward pass is the integer network the
// Z80 runs; it also evaluates a model (-eval) and chats with one (-chat).
//
//	go run ./tools/train -data train.txt -o guess.model -plot curves.png
//	go run ./tools/train -eval -model guess.model -data test.txt
//	go run ./tools/train -chat -model guess.model
//
// The training itself is the library package qat (no files, flags or
// terminals, so the browser's teach worker runs it too); this command reads
// the files, shows a progress bar, saves the best model as it improves,
// stops cleanly on Ctrl+C and draws the curves (docs/DESIGN.md, "Training").
//
// Per epoch it prints the loss, the accuracy seen while training, the float
// accuracy (blended network), IntAcc (the integer network on every example,
// through the same exact pass) and the exact-reply accuracy; the model
// package's inference checks IntAcc on a sample every epoch ("parity") and,
// for the saved model, on every example at the end, where any disagreement
// is an error.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"z80ulm/model"
	"z80ulm/tools/train/qat"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// run is main with its streams, so tests drive the command as users do.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := qat.DefaultConfig()
	var data []string
	var val []string
	fs.Func("val", "held-out `file` of input|response lines: exact replies reported every epoch, never trained on", func(s string) error {
		val = append(val, strings.Split(s, ",")...)
		return nil
	})
	fs.Func("data", "training `file` of input|response lines (repeat or comma-separate; - is stdin)", func(s string) error {
		data = append(data, strings.Split(s, ",")...)
		return nil
	})
	out := fs.String("o", "train.model", "model `file` to write (the best IntAcc model, saved as it improves)")
	hidden := fs.String("hidden", qat.Sizes(cfg.Hidden), "hidden layer `sizes`, each 1..256")
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "passes over the examples")
	lr := fs.Float64("lr", float64(cfg.LR), "peak Adam learning rate (warm-up, then cosine decay)")
	lrEnd := fs.Float64("lrend", float64(cfg.LREnd), "final learning rate as a fraction of -lr")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "examples per optimizer step")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (initial weights and shuffling)")
	temp := fs.Float64("temp", float64(cfg.Temp), "softmax temperature on the integer logits")
	qstart := fs.Float64("qstart", float64(cfg.QStart), "quantization blend at the start (1 = fully quantized from the first step)")
	fs.Float64Var(&cfg.QRamp, "qramp", cfg.QRamp, "fraction of the run over which the blend rises to 1")
	initRange := fs.Float64("init", float64(cfg.InitRange), "latent weights start uniform in ±`range` (smaller: more zero weights)")
	decay := fs.Float64("decay", float64(cfg.Decay), "AdamW weight decay of the latent weights")
	skip := fs.Float64("skip", float64(cfg.SkipCE), "examples right with a loss below this skip the backward pass (0 = never)")
	fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "goroutines (the model does not depend on it)")
	fs.IntVar(&cfg.Freeze, "freeze", 0, "with -resume: keep the first `n` layers as they are (fine-tuning)")
	fs.Float64Var(&cfg.StopAt, "stopat", 0, "stop once the -val lines' exact replies reach this `percent` (0 = never)")
	fs.IntVar(&cfg.Patience, "patience", 0, "stop after this many `epochs` without better -val replies (0 = never)")
	fs.BoolVar(&cfg.BestOnVal, "bestval", false, "keep the model with the most exact -val replies (a development set, not the test set)")
	fs.IntVar(&cfg.Measure, "measure", 0, "measure this many training `lines` after each epoch, spread evenly (0 = all)")
	strict := fs.Bool("strict", false, "fail on a malformed data line instead of skipping it")
	plotPath := fs.String("plot", "", "write the training curves to this PNG `file`")
	resume := fs.String("resume", "", "continue training from this model `file`")
	evalMode := fs.Bool("eval", false, "evaluate -model on -data: exact replies overall and per class, wrong answers listed")
	chat := fs.Bool("chat", false, "chat with -model at a > prompt")
	modelPath := fs.String("model", "", "model `file` for -eval and -chat")
	quiet := fs.Bool("quiet", false, "no progress bar")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this `file`")
	extraMeta := map[string]string{}
	fs.Func("meta", "`key=value` written into the model's metadata (repeatable), e.g. secret=ELEPHANT", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return fmt.Errorf("-meta %q: want key=value", s)
		}
		extraMeta[k] = v
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	data = append(data, fs.Args()...)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	cfg.LREnd = float32(*lrEnd)
	cfg.LR, cfg.Temp, cfg.QStart, cfg.Decay, cfg.InitRange, cfg.SkipCE = float32(*lr), float32(*temp), float32(*qstart), float32(*decay), float32(*initRange), float32(*skip)

	if *chat {
		m, err := loadModel(*modelPath)
		if err != nil {
			return err
		}
		return chatLoop(m, stdin, stdout)
	}
	if len(data) == 0 {
		return errors.New("no data: give -data FILE (or - for standard input)")
	}
	pairs, err := readData(data, *strict, stdin, stderr)
	if err != nil {
		return err
	}
	if *evalMode {
		m, err := loadModel(*modelPath)
		if err != nil {
			return err
		}
		qat.EvalReplies(m, pairs, cfg.Workers).Print(stdout)
		return nil
	}

	if len(val) > 0 {
		if cfg.Val, err = readData(val, *strict, stdin, stderr); err != nil {
			return err
		}
	}
	if cfg.Hidden, err = parseHidden(*hidden); err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	var init *model.Model
	shape := qat.Shape(pairs, cfg.Hidden)
	if *resume != "" {
		if init, err = model.ReadFile(*resume); err != nil {
			return err
		}
		if !flagSet(fs, "hidden") { // the saved model's shape, unless asked otherwise
			cfg.Hidden = qat.Hidden(init)
			*hidden = qat.Sizes(cfg.Hidden)
			shape = qat.Shape(pairs, cfg.Hidden)
		}
		if shape, err = qat.Resume(init, shape); err != nil {
			return fmt.Errorf("%s: %v", *resume, err)
		}
	}
	ds, err := qat.NewDataset(pairs, shape)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d lines (%d distinct), %d character examples, charset %q + EOS, shape %d-%s-%d\n",
		ds.Total, ds.Lines(), ds.Examples(), shape.Charset, shape.Inputs(), *hidden, shape.Classes())
	if ds.Conflict > 0 {
		fmt.Fprintf(stderr, "warning: %d lines share their input with a different response; they cannot all be right\n", ds.Conflict)
	}

	began := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	steps := int64(cfg.Epochs * ((ds.Examples() + cfg.Batch - 1) / cfg.Batch))
	var bar *progressbar.ProgressBar
	if !*quiet {
		bar = progressbar.NewOptions64(steps, progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("training"), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200e6))
	}
	h := qat.Hooks{
		Step: func(int, int) {
			if bar != nil {
				bar.Add(1)
			}
		},
		Epoch: func(s qat.EpochStats, best bool) {
			if bar != nil {
				bar.Clear()
			}
			mark := ""
			if best {
				mark = "  (best, saved)"
			}
			heldout := ""
			if len(cfg.Val) > 0 {
				heldout = fmt.Sprintf("  held-out %6.2f%%", s.ValAcc)
			}
			fmt.Fprintf(stderr, "epoch %3d  loss %.4f  train %6.2f%%  float %6.2f%%  IntAcc %6.2f%%  reply %6.2f%%%s  blend %.2f  lr %.4f  model.Next parity %d/%d  %.0fs%s\n",
				s.Epoch, s.Loss, s.TrainAcc, s.FloatAcc, s.IntAcc, s.ReplyAcc, heldout, s.Alpha, s.LR, s.ParitySample-s.ParityMiss, s.ParitySample, s.Seconds, mark)
		},
		Save: func(m *model.Model, s qat.EpochStats) error {
			for k, v := range extraMeta {
				m.Meta[k] = v
			}
			qat.Provenance(m, cfg, ds, init, s)
			return model.WriteFile(*out, m)
		},
	}
	res, err := qat.Train(ctx, cfg, ds, shape, init, h)
	if bar != nil {
		if res != nil && res.Stopped {
			bar.Exit()
		} else {
			bar.Finish()
		}
		fmt.Fprintln(stderr)
	}
	if res != nil && *plotPath != "" && len(res.History) > 0 {
		if perr := plotCurves(*plotPath, res.History, len(cfg.Val) > 0); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		return err
	}
	b := res.BestStats
	if res.Stopped {
		fmt.Fprintln(stderr, "interrupted: the best model so far is saved")
	}
	if res.Early {
		fmt.Fprintf(stderr, "stopped early after epoch %d (held-out %.2f%%)\n", len(res.History), res.History[len(res.History)-1].ValAcc)
	}
	if err := res.Agree(); err != nil {
		return err
	}
	measured := fmt.Sprintf("all %d examples", ds.Examples())
	if cfg.Measure > 0 {
		measured = fmt.Sprintf("%d lines measured", res.Measured)
	}
	fmt.Fprintf(stdout, "%s: epoch %d, IntAcc %.2f%% (model.Forward, %s), float %.2f%% (gap %.2f), exact replies %.2f%%, %d of %d weights non-zero, %s\n",
		*out, b.Epoch, res.NextIntAcc, measured, b.FloatAcc, b.FloatAcc-res.NextIntAcc, res.NextReplyAcc,
		qat.Nonzero(res.Best), weights(res.Best), time.Since(began).Round(time.Second))
	return nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func weights(m *model.Model) int {
	n := 0
	for _, l := range m.Layers {
		n += len(l.W)
	}
	return n
}

func parseHidden(s string) ([]int, error) {
	var hs []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 || v > 256 {
			return nil, fmt.Errorf("-hidden %q: each size must be a number in 1..256", s)
		}
		hs = append(hs, v)
	}
	return hs, nil
}

// readData parses the files; problems are warnings unless strict.
func readData(paths []string, strict bool, stdin io.Reader, stderr io.Writer) ([]model.Pair, error) {
	var pairs []model.Pair
	var problems []error
	for _, p := range paths {
		var ps []model.Pair
		var errs []error
		if p == "-" {
			ps, errs = model.ParsePairs(stdin, "<stdin>")
		} else {
			ps, errs = model.ReadPairFiles(p)
		}
		pairs = append(pairs, ps...)
		problems = append(problems, errs...)
	}
	for _, e := range problems {
		fmt.Fprintln(stderr, e)
	}
	if strict && len(problems) > 0 {
		return nil, fmt.Errorf("%d malformed data lines (-strict)", len(problems))
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("no training lines in %s", strings.Join(paths, ", "))
	}
	return pairs, nil
}

func loadModel(path string) (*model.Model, error) {
	if path == "" {
		return nil, errors.New("no model: give -model FILE")
	}
	return model.ReadFile(path)
}

// chatLoop answers every line typed at a "> " prompt with the integer
// reference, as the CP/M program does: an empty line re-prompts, a line
// starting with "!" (or the end of input) quits.
func chatLoop(m *model.Model, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	for {
		fmt.Fprint(out, "> ")
		if !sc.Scan() {
			fmt.Fprintln(out)
			return sc.Err()
		}
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if q[0] == '!' {
			return nil
		}
		fmt.Fprintln(out, m.Generate(strings.ToLower(q)))
	}
}
