// Command train turns `input|response` lines into a μLM model file by
// quantization-aware training whose forward pass is the integer network the
// Z80 runs; it also evaluates a model (-eval) and chats with one (-chat).
//
//	go run ./tools/train -data train.txt -o guess.model -plot curves.png
//	go run ./tools/train -eval -model guess.model -data test.txt
//	go run ./tools/train -chat -model guess.model
//
// The loop (train.go) reads top to bottom: shuffle, then per mini-batch a
// forward and backward pass per example on all cores, then per weight row
// the gradient over the batch, an AdamW step and the new 2-bit weights.
// Once the quantization blend reaches 1 the float forward pass (network.go)
// computes model.Forward exactly, so float accuracy and IntAcc coincide.
//
// Per epoch it prints the loss, the accuracy seen while training, the float
// accuracy (blended network), IntAcc (the integer network on every example,
// through the same exact pass) and the exact-reply accuracy; model.Next
// checks IntAcc on a sample every epoch ("parity") and, for the saved model,
// on every example at the end, where any disagreement is an error.
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
	cfg := defaultConfig()
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
	hidden := fs.String("hidden", "256,192,128", "hidden layer `sizes`, each 1..256")
	fs.IntVar(&cfg.epochs, "epochs", cfg.epochs, "passes over the examples")
	lr := fs.Float64("lr", float64(cfg.lr), "peak Adam learning rate (warm-up, then cosine decay)")
	lrEnd := fs.Float64("lrend", float64(cfg.lrEnd), "final learning rate as a fraction of -lr")
	fs.IntVar(&cfg.batch, "batch", cfg.batch, "examples per optimizer step")
	fs.Uint64Var(&cfg.seed, "seed", cfg.seed, "random seed (initial weights and shuffling)")
	temp := fs.Float64("temp", float64(cfg.temp), "softmax temperature on the integer logits")
	qstart := fs.Float64("qstart", float64(cfg.qstart), "quantization blend at the start (1 = fully quantized from the first step)")
	fs.Float64Var(&cfg.qramp, "qramp", cfg.qramp, "fraction of the run over which the blend rises to 1")
	initRange := fs.Float64("init", float64(cfg.initRange), "latent weights start uniform in ±`range` (smaller: more zero weights)")
	decay := fs.Float64("decay", float64(cfg.decay), "AdamW weight decay of the latent weights")
	skip := fs.Float64("skip", float64(cfg.skipCE), "examples right with a loss below this skip the backward pass (0 = never)")
	fs.IntVar(&cfg.workers, "workers", cfg.workers, "goroutines (the model does not depend on it)")
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
	cfg.lrEnd = float32(*lrEnd)
	cfg.lr, cfg.temp, cfg.qstart, cfg.decay, cfg.initRange, cfg.skipCE = float32(*lr), float32(*temp), float32(*qstart), float32(*decay), float32(*initRange), float32(*skip)

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
		evalReplies(m, pairs, cfg.workers).print(stdout)
		return nil
	}

	if len(val) > 0 {
		if cfg.val, err = readData(val, *strict, stdin, stderr); err != nil {
			return err
		}
	}
	if cfg.hidden, err = parseHidden(*hidden); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	var init *model.Model
	shape := model.New(model.BuildCharset(responses(pairs)), cfg.hidden)
	if *resume != "" {
		if init, err = model.ReadFile(*resume); err != nil {
			return err
		}
		if !flagSet(fs, "hidden") { // the saved model's shape, unless asked otherwise
			cfg.hidden = cfg.hidden[:0]
			for _, l := range init.Layers[:len(init.Layers)-1] {
				cfg.hidden = append(cfg.hidden, l.Out)
			}
			*hidden = joinSizes(cfg.hidden)
			shape = model.New(shape.Charset, cfg.hidden)
		}
		if err := sameShape(init, shape); err != nil {
			return fmt.Errorf("%s: %v", *resume, err)
		}
		shape = model.New(init.Charset, cfg.hidden)
	}
	if rs := responses(pairs); len(rs) <= model.MaxReplies {
		shape.Replies = rs // the only replies it may give (constrained decoding)
	}
	ds, err := buildDataset(pairs, shape)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d lines (%d distinct), %d character examples, charset %q + EOS, shape %d-%s-%d\n",
		ds.total, len(ds.lines), len(ds.examples), shape.Charset, shape.Inputs(), *hidden, shape.Classes())
	if ds.conflict > 0 {
		fmt.Fprintf(stderr, "warning: %d lines share their input with a different response; they cannot all be right\n", ds.conflict)
	}

	began := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	steps := int64(cfg.epochs * ((len(ds.examples) + cfg.batch - 1) / cfg.batch))
	var bar *progressbar.ProgressBar
	if !*quiet {
		bar = progressbar.NewOptions64(steps, progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("training"), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200e6))
	}
	meta := func(m *model.Model, s epochStats) {
		for k, v := range extraMeta {
			m.Meta[k] = v
		}
		m.Meta["trainer"] = "z80ulm/tools/train"
		m.Meta["data_sha256"] = ds.hash
		m.Meta["data_lines"] = strconv.Itoa(ds.total)
		m.Meta["examples"] = strconv.Itoa(len(ds.examples))
		m.Meta["seed"] = strconv.FormatUint(cfg.seed, 10)
		m.Meta["flags"] = cfg.String()
		m.Meta["epoch"] = strconv.Itoa(s.epoch)
		m.Meta["int_acc"] = fmt.Sprintf("%.3f", s.intAcc)
		m.Meta["float_acc"] = fmt.Sprintf("%.3f", s.floatAcc)
		m.Meta["reply_acc"] = fmt.Sprintf("%.3f", s.replyAcc)
		m.Meta["nonzero_weights"] = strconv.Itoa(nonzero(m))
		if len(cfg.val) > 0 {
			m.Meta["heldout_reply_acc"] = fmt.Sprintf("%.3f", s.valAcc)
		}
		if init != nil {
			m.Meta["resumed_from"] = init.Meta["data_sha256"] + " epoch " + init.Meta["epoch"]
		}
	}
	h := hooks{
		step: func() {
			if bar != nil {
				bar.Add(1)
			}
		},
		epoch: func(s epochStats, best bool) {
			if bar != nil {
				bar.Clear()
			}
			mark := ""
			if best {
				mark = "  (best, saved)"
			}
			heldout := ""
			if len(cfg.val) > 0 {
				heldout = fmt.Sprintf("  held-out %6.2f%%", s.valAcc)
			}
			fmt.Fprintf(stderr, "epoch %3d  loss %.4f  train %6.2f%%  float %6.2f%%  IntAcc %6.2f%%  reply %6.2f%%%s  blend %.2f  lr %.4f  model.Next parity %d/%d  %.0fs%s\n",
				s.epoch, s.loss, s.trainAcc, s.floatAcc, s.intAcc, s.replyAcc, heldout, s.alpha, s.lr, s.paritySample-s.parityMiss, s.paritySample, s.seconds, mark)
		},
		save: func(m *model.Model, s epochStats) error {
			meta(m, s)
			return model.WriteFile(*out, m)
		},
	}
	res, err := train(ctx, cfg, ds, shape, init, h)
	if bar != nil {
		if res != nil && res.stopped {
			bar.Exit()
		} else {
			bar.Finish()
		}
		fmt.Fprintln(stderr)
	}
	if res != nil && *plotPath != "" && len(res.history) > 0 {
		if perr := plotCurves(*plotPath, res.history, len(cfg.val) > 0); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		return err
	}
	b := res.bestStats
	if res.stopped {
		fmt.Fprintln(stderr, "interrupted: the best model so far is saved")
	}
	if res.nextIntAcc != b.intAcc || res.nextReplyAcc != b.replyAcc {
		return fmt.Errorf("model.Next gives IntAcc %.3f%% and replies %.3f%%, the training pass %.3f%% and %.3f%%: the integer paths disagree",
			res.nextIntAcc, res.nextReplyAcc, b.intAcc, b.replyAcc)
	}
	fmt.Fprintf(stdout, "%s: epoch %d, IntAcc %.2f%% (model.Next, all %d examples), float %.2f%% (gap %.2f), exact replies %.2f%%, %d of %d weights non-zero, %s\n",
		*out, b.epoch, res.nextIntAcc, len(ds.examples), b.floatAcc, b.floatAcc-res.nextIntAcc, res.nextReplyAcc,
		nonzero(res.best), weights(res.best), time.Since(began).Round(time.Second))
	return nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// nonzero counts the weights the Z80's index-list build must visit.
func nonzero(m *model.Model) int {
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

func weights(m *model.Model) int {
	n := 0
	for _, l := range m.Layers {
		n += len(l.W)
	}
	return n
}

// String lists the settings that decide the model, for its metadata.
func (c config) String() string {
	return fmt.Sprintf("hidden=%s epochs=%d lr=%g lrend=%g batch=%d seed=%d temp=%g init=%g qstart=%g qramp=%g decay=%g bias=%g limit=%g penalty=%g skip=%g",
		joinSizes(c.hidden), c.epochs, c.lr, c.lrEnd, c.batch, c.seed, c.temp, c.initRange, c.qstart, c.qramp, c.decay, c.biasScale, c.limit, c.penalty, c.skipCE)
}

func joinSizes(hs []int) string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = strconv.Itoa(h)
	}
	return strings.Join(s, ",")
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

// sameShape says why a model to resume does not fit the data and flags.
func sameShape(m, want *model.Model) error {
	if len(m.Layers) != len(want.Layers) || m.Inputs() != want.Inputs() {
		return fmt.Errorf("has %d layers on %d inputs, -hidden asks for %d layers on %d", len(m.Layers), m.Inputs(), len(want.Layers), want.Inputs())
	}
	for i := range m.Layers[:len(m.Layers)-1] {
		if m.Layers[i].Out != want.Layers[i].Out {
			return fmt.Errorf("layer %d has %d neurons, -hidden asks for %d", i+1, m.Layers[i].Out, want.Layers[i].Out)
		}
	}
	for i := 0; i < len(want.Charset); i++ {
		if !strings.Contains(m.Charset, want.Charset[i:i+1]) {
			return fmt.Errorf("charset %q lacks %q, which the data uses", m.Charset, want.Charset[i])
		}
	}
	if m.QueryBuckets != want.QueryBuckets || m.ContextBuckets != want.ContextBuckets || m.InputScale != want.InputScale {
		return fmt.Errorf("encoder settings differ from the trainer's")
	}
	return nil
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
