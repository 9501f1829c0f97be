package assets

import "embed"

// Shelf is what teaching a new secret starts from (tools/teach/lesson):
// GUESS's question bank, its secrets' sheets and their trained models
// (guess/models, which holds a README besides them, so that this builds
// before the models are made). The browser's teach worker embeds it; the
// other programs do not refer to it, so their builds leave it out.
//
//go:embed guess/bank.txt guess/secrets/*.txt guess/models
var Shelf embed.FS
