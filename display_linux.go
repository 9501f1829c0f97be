//go:build (linux || freebsd || netbsd || openbsd) && !android

package main

// Ebiten opens the X display in a package initialiser, before main runs,
// and panics with a Go stack trace where there is none. This C constructor
// runs earlier still, when the program is loaded: it tries the display the
// way Ebiten will and, where none is reachable, ends with one sentence
// (docs/DESIGN.md, "The front ends"). -h and -help still print the flags.

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void z80ulm_need_display(int argc, char **argv) {
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "-help") || !strcmp(a, "--help") || !strcmp(a, "--h")) {
			return;
		}
	}
	Display *d = XOpenDisplay(NULL);
	if (d) {
		XCloseDisplay(d);
		return;
	}
	const char *name = getenv("DISPLAY");
	if (name && *name) {
		fprintf(stderr, "z80ulm: cannot open the display %s, so there is no desktop window; play in a browser with make serve, or in this terminal with go run ./tools/cpm assets/GUESS.COM.\n", name);
	} else {
		fprintf(stderr, "z80ulm: no display (DISPLAY is not set), so there is no desktop window; play in a browser with make serve, or in this terminal with go run ./tools/cpm assets/GUESS.COM.\n");
	}
	_exit(1);
}
*/
import "C"
